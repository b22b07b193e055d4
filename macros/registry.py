"""The action registry: every ribbon button is a registered action.

``@action(...)`` registers a function ``(book, ctx) -> Summary``. The same list
drives the ribbon XML, ``neiqin actions`` and ``neiqin run``. Two entries:

- ``dispatch(id)`` — what the ribbon's one VBA callback runs through RunPython:
  the workbook is ``xw.Book.caller()`` and the clerk gets one message box;
- ``run(id, book)`` — the same action on any book (CLI, tests, batch jobs).

Every run is timed and written to the store's action log, whatever its outcome.
User-fixable problems (``NeiQinError``) become a clear Chinese message; anything
else is a bug: its traceback goes to the log file and the clerk is told where.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

import xlwings as xw

from neiqin.base.errors import NeiQinError
from neiqin.core import kit
from neiqin.core.config import Settings, clerk_name, load_settings
from neiqin.core.issues import Issue
from neiqin.core.store import Store, open_store

if TYPE_CHECKING:
    from neiqin.core.marks import MarkResult

log = logging.getLogger("neiqin.actions")

# imageMso names seen working in published Excel ribbons: an unknown name makes Excel
# drop the whole ribbon silently (unless "show add-in UI errors" is on), so only these.
KNOWN_IMAGE_MSO = frozenset(
    {
        "AcceptInvitation",
        "DeclineInvitation",
        "ReviewAcceptChange",
        "ReviewTrackChanges",
        "Refresh",
        "DataValidation",
        "PivotTableInsert",
        "FileSendAsAttachment",
        "FileSave",
        "HappyFace",
        "Paste",
        "MailMergeStartLetters",
        "ChartTypeColumnInsertGallery",
        "ChartTypeBarInsertGallery",
        "ChartTrendline",
        "CalendarInsert",
        "FileOpen",
    }
)
Outcome = Literal["ok", "issues", "failed", "error"]
_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


@dataclass
class Context:
    """What an action gets besides the workbook."""

    settings: Settings
    today: dt.date
    now: dt.datetime
    user: str
    setting_issues: list[Issue] = field(default_factory=list)
    _store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.settings.db)
        return self._store


@dataclass
class Summary:
    """The one message a clerk gets after an action, and its action-log row."""

    action: str
    label: str
    outcome: Outcome
    message: str
    rows: int = 0
    issues: list[Issue] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(i.severity == "error" for i in self.issues)

    @property
    def warnings(self) -> int:
        return len(self.issues) - self.errors

    def text(self) -> str:
        """Chinese text for the message box and the CLI."""
        return "\n".join([f"{self.label}：{self.message}", *self.details])

    @classmethod
    def of_issues(
        cls, action_id: str, issues: list[Issue], rows: int, what: str, marked: MarkResult | None = None
    ) -> Summary:
        """The summary of a check: counts, and where the clerk finds the details."""
        act = get(action_id)
        errors = sum(i.severity == "error" for i in issues)
        if not issues:
            message = f"检查了 {rows:,} 行{what}，未发现问题。"
        else:
            message = (
                f"检查了 {rows:,} 行{what}，发现 {len(issues):,} 条问题"
                f"（错误 {errors:,} 条，警告 {len(issues) - errors:,} 条）。"
            )
        details = []
        if marked is not None and marked.cells:
            line = f"已在 {marked.marked:,} 个单元格上标色并加批注"
            if marked.truncated:
                line += f"（超过『标记上限』的 {marked.cells - marked.marked:,} 个未标）"
            details.append(line + "；全部问题见『校验结果』工作表。")
        return cls(
            action_id, act.label, "issues" if errors else "ok", message, rows=rows, issues=issues, details=details
        )


@dataclass(frozen=True)
class Action:
    """One ribbon button."""

    id: str
    label: str
    group: str
    func: Callable[[xw.Book, Context], Summary]
    image: str
    screentip: str
    supertip: str
    size: str = "large"


_REGISTRY: dict[str, Action] = {}


def action(
    id: str,
    *,
    label: str,
    group: kit.Group,
    image: str = "HappyFace",
    screentip: str = "",
    supertip: str = "",
    size: str = "large",
) -> Callable[[Callable[[xw.Book, Context], Summary]], Callable[[xw.Book, Context], Summary]]:
    """Register ``func(book, ctx) -> Summary`` as the ribbon button ``id`` in ``group`` (declared by a ledger)."""
    if not _ID.match(id):
        raise ValueError(f"action id must be a lower-case identifier: {id!r}")
    if image not in KNOWN_IMAGE_MSO:
        raise ValueError(f"imageMso {image!r} is not in KNOWN_IMAGE_MSO (verify it, then add it)")
    if size not in ("large", "normal"):
        raise ValueError(f"button size must be large or normal: {size!r}")
    kit.register_group(group)

    def register(func: Callable[[xw.Book, Context], Summary]) -> Callable[[xw.Book, Context], Summary]:
        if id in _REGISTRY and _REGISTRY[id].func is not func:
            raise ValueError(f"action {id!r} registered twice")
        tip = screentip or label
        _REGISTRY[id] = Action(id, label, group.label, func, image, tip, supertip or tip, size)
        return func

    return register


def wrap(
    action_id: str, wrapper: Callable[[Callable[[xw.Book, Context], Summary]], Callable[[xw.Book, Context], Summary]]
) -> None:
    """Put ``wrapper`` around the registered action ``action_id`` (e.g. a ledger's generic 校验, registered
    before its workflow module is imported)."""
    act = get(action_id)
    _REGISTRY[action_id] = replace(act, func=wrapper(act.func))


def actions() -> list[Action]:
    """Registered actions, by ribbon group (left to right), then in registration order."""
    order = {g.label: i for i, g in enumerate(kit.groups())}
    return sorted(_REGISTRY.values(), key=lambda a: order.get(a.group, len(order)))


def has(action_id: str) -> bool:
    return action_id in _REGISTRY


def get(action_id: str) -> Action:
    try:
        return _REGISTRY[action_id]
    except KeyError:
        known = "、".join(a.id for a in actions())
        raise NeiQinError(f"没有名为 {action_id} 的操作（可用：{known}）") from None


def _log_bug(action_id: str) -> str:
    from neiqin.base.logs import setup

    try:
        where = str(setup())
    except OSError:  # no writable log folder: the traceback goes to stderr only
        where = "标准错误输出"
    log.exception("action %s failed", action_id)
    return where


def run(
    action_id: str,
    book: xw.Book,
    *,
    today: dt.date | None = None,
    user: str | None = None,
    settings: Settings | None = None,
    now: dt.datetime | None = None,
) -> Summary:
    """Run a registered action on ``book``; never raises for the clerk's data.

    ``today``/``now`` run it as of another day (back-dated entries, tests, the demo).
    """
    act = get(action_id)
    started = time.perf_counter()
    clock = dt.datetime.now().replace(microsecond=0)
    if now is None:
        now = clock if today is None else dt.datetime.combine(today, clock.time())
    ctx: Context | None = None
    try:
        loaded, setting_issues = load_settings(book)
        ctx = Context(
            settings=settings or loaded,
            today=today or now.date(),
            now=now,
            user=user or clerk_name(settings or loaded),
            setting_issues=setting_issues,
        )
        with book.app.properties(screen_updating=False, calculation="manual", status_bar=f"NeiQin：{act.label}…"):
            summary = act.func(book, ctx)
    except NeiQinError as exc:
        summary = Summary(act.id, act.label, "failed", str(exc))
    except Exception:  # a bug: keep the traceback, tell the clerk where it is
        where = _log_bug(act.id)
        summary = Summary(
            act.id, act.label, "error", f"NeiQin 内部错误，未完成。详细信息已写入 {where}，请发给管理员。"
        )
    seconds = time.perf_counter() - started
    try:
        store = ctx.store if ctx is not None else open_store(settings.db if settings else None)
        store.log_action(
            action=act.id,
            workbook=book.fullname,
            outcome=summary.outcome,
            rows=summary.rows,
            issues=len(summary.issues),
            errors=summary.errors,
            seconds=seconds,
            message=summary.message,
            user=ctx.user if ctx else user,
            time=ctx.now if ctx else None,  # the time the action wrote (录入时间 …): who did what, by the log
        )
    except NeiQinError as exc:
        summary.details.append(f"（操作日志未能写入：{exc}）")
    except Exception:
        where = _log_bug(act.id + " (action log)")
        summary.details.append(f"（操作日志未能写入，详见 {where}）")
    return summary


def dispatch(action_id: str, target: str = "caller") -> Summary:
    """The ribbon's entry (RunPython): run on the calling workbook and tell the clerk.

    ``target='active'`` is the add-in's variant: the button belongs to NeiQin.xlam,
    the action works on the workbook the clerk has active.
    """
    caller = xw.Book.caller()
    book = caller
    if target == "active":
        book = caller.app.books.active
        if book is None or book == caller:
            caller.app.alert("请先打开或切换到要处理的台账工作簿，再点按钮。", title="NeiQin", mode="info")
            return Summary(action_id, get(action_id).label, "failed", "没有打开的台账工作簿")
    summary = run(action_id, book)
    mode = "critical" if summary.outcome in ("failed", "error") else "info"
    try:
        book.app.alert(summary.text()[:1000], title=f"NeiQin · {summary.label}", mode=mode)
    except Exception:  # no UI (headless caller): the summary is returned instead
        log.info("%s", summary.text())
    return summary
