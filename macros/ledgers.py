"""Every ledger's 校验 button, generated from its declaration, and the check the other actions share.

:func:`check_ledger` reads a ledger (a table, or the forms of a form ledger), its companions
and the snapshot its declaration asks of the store, and runs its checks — read-only. The
``validate_<ledger>`` action marks what it found; ``neiqin validate`` calls the same function,
so the CLI and the ribbon always agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import xlwings as xw

from neiqin.core import kit
from neiqin.core.forms import Form, form_sheet_names, read_forms
from neiqin.core.issues import Issue
from neiqin.core.kit import CheckContext, LedgerSpec
from neiqin.core.ledger import Ledger, read_ledger, read_optional
from neiqin.core.marks import mark_issues

from .registry import Context, Summary, action, has


@dataclass
class Checked:
    """A ledger as read and what its checks found."""

    spec: LedgerSpec
    data: Any  # a Ledger, or the list of forms of a form ledger
    issues: list[Issue]
    scope: list[str]  # the sheets whose marks this check replaces
    rows: int
    ctx: CheckContext
    companions: dict[str, Ledger | None] = field(default_factory=dict)

    @property
    def ledger(self) -> Ledger:
        assert isinstance(self.data, Ledger)
        return self.data

    @property
    def forms(self) -> list[Form]:
        return list(self.data)

    def by_sheet(self) -> dict[str, list[Issue]]:
        out: dict[str, list[Issue]] = {}
        for issue in self.issues:
            out.setdefault(issue.sheet, []).append(issue)
        return out


def active_forms(book: xw.Book, spec: LedgerSpec) -> list[str] | None:
    """The form the clerk is looking at (a one-item list), or None for every form of the workbook."""
    names = form_sheet_names(book, spec)
    active = book.sheets.active.name
    return [active] if active in names else None


def check_ledger(
    book: xw.Book,
    spec: LedgerSpec,
    ctx: Context,
    *,
    sheet: str | None = None,
    forms: Sequence[Form] | None = None,
    store: Any = "ctx",
) -> Checked:
    """Read ``spec`` from ``book`` and run all its checks (read-only).

    ``sheet``: a table's sheet, or the one form to check; ``forms``: forms already read;
    ``store``: where the snapshot comes from (the action's store by default, None for none).
    """
    settings = ctx.settings
    if spec.form is not None:
        data: Any = list(forms) if forms is not None else read_forms(book, spec, [sheet] if sheet else None)
        sheets = [f.sheet for f in data]
        rows = sum(len(f.lines) for f in data)
    else:
        data = read_ledger(book, spec, settings, sheet=sheet)
        sheets = [data.sheet]
        rows = len(data)
    companions = {name: read_optional(book, name, settings) for name in spec.companions}
    source = ctx.store if store == "ctx" else store
    snapshot = spec.snapshot(source, data) if spec.snapshot is not None and source is not None else None
    check_ctx = CheckContext(settings, ctx.today, companions, snapshot, workbook=book.fullname)
    issues = spec.check(data, check_ctx)
    if spec.checks_companions:
        sheets += [c.sheet for c in companions.values() if c is not None]
    return Checked(spec, data, issues, sheets, rows, check_ctx, companions)


def validate(book: xw.Book, ctx: Context, spec: LedgerSpec, title: str) -> Summary:
    """Check a ledger, mark its problems in the clerk's cells, list them in 校验结果."""
    sheets = active_forms(book, spec) if spec.form is not None else None
    if spec.form is not None and not form_sheet_names(book, spec):
        return Summary(spec.validate_action, title, "ok", f"工作簿中没有名称以『{spec.sheet_prefix}』开头的工作表。")
    checked = check_ledger(book, spec, ctx, forms=read_forms(book, spec, sheets) if spec.form is not None else None)
    if spec.form is not None and not checked.forms:
        return Summary(spec.validate_action, title, "ok", f"{spec.title}都是空白模板，没有需要处理的{spec.title}。")
    issues = checked.issues + ctx.setting_issues
    scope = checked.scope + sorted({i.sheet for i in ctx.setting_issues})
    marked = mark_issues(book, issues, scope, limit=ctx.settings.mark_limit, title=title, when=ctx.now)
    if spec.record is not None:
        spec.record(ctx.store, checked.data, checked.issues, checked.ctx)
    summary = Summary.of_issues(spec.validate_action, issues, checked.rows, spec.noun, marked)
    if isinstance(checked.data, Ledger):  # values from a title row or the file name, rows left out
        summary.details += checked.data.reading_notes()
    if spec.form is not None:
        summary.message = f"{len(checked.forms)} 张{spec.title}：" + summary.message
    return summary


def _validate_action(spec: LedgerSpec) -> None:
    button = spec.button or kit.Button(f"校验{spec.title}")
    group = spec.group or kit.Group("general", "通用", order=900)

    @action(
        spec.validate_action,
        label=button.label,
        group=group,
        image=button.image,
        screentip=f"校验{spec.title}",
        supertip=button.supertip or f"检查『{spec.title}』的全部问题，标在单元格上并列入『校验结果』。",
        size=button.size,
    )
    def validate_ledger(book: xw.Book, ctx: Context) -> Summary:
        return validate(book, ctx, spec, f"校验{spec.title}")

    validate_ledger.__name__ = spec.validate_action
    validate_ledger.__doc__ = f"『{spec.title}』: run every check and mark the problems in the clerk's cells."


def register_validate_actions(large: bool) -> None:
    """A 校验 button for every registered ledger whose button is large (or, with ``large=False``, the rest)."""
    for spec in kit.ledgers():
        is_large = spec.button is None or spec.button.size == "large"
        if is_large == large and not has(spec.validate_action):
            _validate_action(spec)


__all__ = ["Checked", "active_forms", "check_ledger", "register_validate_actions", "validate"]
