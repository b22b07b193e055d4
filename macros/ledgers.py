"""Every ledger's 校验 button, generated from its declaration, and the check the other actions share.

:func:`check_ledger` reads a ledger (a table, or the forms of a form ledger), its companions
and the snapshot its declaration asks of the store, and runs its checks — read-only. The
``validate_<ledger>`` action marks what it found; ``neiqin validate`` calls the same function,
so the CLI and the ribbon always agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import xlwings as xw

from neiqin.core import checking, kit
from neiqin.core.checking import Checked
from neiqin.core.forms import Form, form_sheet_names, read_forms
from neiqin.core.guard import writable
from neiqin.core.kit import LedgerSpec
from neiqin.core.ledger import Ledger
from neiqin.core.marks import mark_issues

from .registry import Context, Summary, action, has


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
    """:func:`neiqin.core.checking.check_ledger` for an action: its settings, its day, its store."""
    source = ctx.store if store == "ctx" else store
    return checking.check_ledger(book, spec, ctx.settings, ctx.today, store=source, sheet=sheet, forms=forms)


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
    with writable(book, scope, ctx.settings):  # a protected ledger sheet: opened for the marks, protected again
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
