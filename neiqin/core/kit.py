"""The ledger kit: one declaration per ledger, registered by the ledger's own package.

A ledger (订单台账, 客户档案, 费用报销单 …) is a package ``validators/<ledger>/`` whose
``__init__`` exports ``LEDGERS``: one :class:`LedgerSpec` (two for twin sheets such as the
production and purchase task sheets). The declaration says, in one place, everything the
rest of NeiQin needs: the row schema (a table) or the form schema (labels and a line
table), the sheet names, the key, the companion ledgers it is checked against, its rules,
its issue codes, its sheet template, its status machine, its settings section and the
ribbon group where clerks keep it. From it NeiQin derives, for every ledger alike, the
reading, the schema checks, a ``validate_<ledger>`` button and ``neiqin validate --ledger``,
the template sheet of ``NeiQin.xlsm`` and the documentation.

The core never imports a ledger: ``validators`` registers them here when it is imported
(by the macros, the worksheet functions, the CLI and the tests).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from neiqin.base.text import fold
from neiqin.core.config import Section, Settings, register_section
from neiqin.core.issues import CodeInfo, Issue, register_codes, sort_issues
from neiqin.core.schema import ColumnSpec, LedgerRow

if TYPE_CHECKING:
    from neiqin.core.forms import FormSchema

_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


@dataclass(frozen=True)
class Group:
    """A group of buttons on the 内勤 ribbon tab, declared by the ledgers (and reports) that use it."""

    id: str  # ASCII: the ribbon control id is grp_<id>
    label: str  # Chinese, shown on the ribbon
    order: int = 100  # left to right

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"group id must be a lower-case identifier: {self.id!r}")


E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class StatusMachine(Generic[E]):
    """The states of a ledger's lines and the steps allowed between them.

    ``states`` is an enum whose values are the default Chinese labels; ``labels`` names the
    setting that holds the company's own labels, one per state in the enum's order (a company
    that writes 已派单 for 已下达 renames it there). Code compares states, never label text.
    """

    states: type[E]
    transitions: Mapping[E | None, frozenset[E]]  # old -> the states it may go to (None: a new line)
    labels: str = ""  # the settings field with the company's labels, in state order

    def label_map(self, settings: Settings | None) -> dict[E, str]:
        """Each state's label as this company writes it."""
        members = list(self.states)
        custom = list(getattr(settings, self.labels)) if settings is not None and self.labels else []
        if len(custom) != len(members):  # a list that does not fit the states is reported by the settings check
            custom = [m.value for m in members]
        return dict(zip(members, custom, strict=True))

    def label(self, state: E, settings: Settings | None = None) -> str:
        return self.label_map(settings)[state]

    def labels_of(self, states: Iterable[E], settings: Settings | None = None) -> list[str]:
        table = self.label_map(settings)
        return [table[s] for s in states]

    def state(self, label: Any, settings: Settings | None = None) -> E | None:
        """The state a cell's text stands for (by the company's labels, then the defaults); None if none."""
        if label is None:
            return None
        key = fold(label)
        if not key:
            return None
        for state, text in self.label_map(settings).items():
            if fold(text) == key:
                return state
        for state in self.states:
            if fold(state.value) == key:
                return state
        return None

    def states_of(self, labels: Iterable[Any], settings: Settings | None = None) -> list[E | None]:
        """:meth:`state` of many cells at once (each distinct text looked up once: a column of
        100,000 statuses holds a dozen distinct ones)."""
        values = list(labels)
        table = {fold(text): state for state, text in self.label_map(settings).items()}
        for state in self.states:
            table.setdefault(fold(state.value), state)
        found: dict[Any, E | None] = {}
        for value in set(values):
            found[value] = None if value is None else table.get(fold(value))
        return [found[v] for v in values]

    def allowed(self, old: E | None, new: E) -> bool:
        return new == old or new in self.transitions.get(old, frozenset())


@dataclass
class CheckContext:
    """What a rule gets besides the ledger: settings, the day, companions, a snapshot from the store."""

    settings: Settings
    today: dt.date
    # ledger name -> Ledger; None: the workbook has none; absent: not read (rules about it are skipped)
    companions: dict[str, Any] = field(default_factory=dict)
    snapshot: Any = None  # what the action read from the store for this ledger (declared by its ``snapshot``)
    workbook: str = ""  # the workbook's full name, for what a rule's ``record`` keeps in the store

    def companion(self, name: str) -> Any:
        return self.companions.get(name)


Rule = Callable[[Any, CheckContext], list[Issue]]


@dataclass(frozen=True)
class Button:
    """The ledger's 校验 button."""

    label: str  # 校验订单
    image: str = "AcceptInvitation"
    supertip: str = ""
    size: str = "large"  # large, or normal (three stacked per column)


@dataclass(frozen=True)
class LedgerSpec:
    """Everything NeiQin knows about one ledger, declared once in its package."""

    name: str  # ASCII: 'orders' — the CLI's --ledger, the action validate_orders, the docs
    title: str  # 订单台账
    noun: str  # what one line is, in summaries: 「检查了 120 行{noun}」
    doc: str  # one paragraph for the docs: what the ledger is, the regulation clause
    row: type[LedgerRow] | None = None  # a table: its row schema (aliases = headers)
    form: FormSchema | None = None  # a form: labels + a line table
    sheet: str = ""  # the sheet's name in NeiQin.xlsm
    sheet_synonyms: tuple[str, ...] = ()  # other names a clerk's sheet may have
    sheet_prefix: str = ""  # a form on many sheets: every sheet whose name starts with this
    key: tuple[str, ...] = ()  # the field(s) naming a line; the first is what a blank key row means
    unique: tuple[str, ...] = ()  # fields that must be unique (LED-018)
    companions: tuple[str, ...] = ()  # ledgers read alongside (by name), given to the rules
    checks_companions: bool = False  # the rules report on the companions' own sheets too (marks go there)
    rules: tuple[Rule, ...] = ()  # named, documented functions (ledger, ctx) -> issues
    codes: Mapping[StrEnum, CodeInfo] = field(default_factory=dict)
    template: Any = None  # the sheet template (neiqin.core.sheets.SheetTemplate), None = no sheet in NeiQin.xlsm
    states: StatusMachine[Any] | None = None
    settings: type[Section] | None = None
    group: Group | None = None  # the ribbon group where clerks keep it
    button: Button | None = None  # its 校验 button (None: the generic one, 校验<title>)
    snapshot: Callable[[Any, Any], Any] | None = None  # (store, data) -> what the rules need from the store
    # False: the snapshot does not depend on what was read (called with data=None), so it is read from the
    # store while the sheet is still being parsed in the background, not after
    snapshot_needs_data: bool = True
    record: Callable[[Any, Any, list[Issue], CheckContext], None] | None = (
        None  # (store, data, issues, ctx) after a check
    )

    def __post_init__(self) -> None:
        if not _ID.match(self.name):
            raise ValueError(f"ledger name must be a lower-case identifier: {self.name!r}")
        if (self.row is None) == (self.form is None):
            raise ValueError(f"ledger {self.name!r} declares a row schema or a form schema, exactly one")
        if self.row is not None and not self.sheet:
            raise ValueError(f"table ledger {self.name!r} needs a sheet name")

    @property
    def kind(self) -> str:
        return "form" if self.form is not None else "table"

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return (self.sheet, *self.sheet_synonyms) if self.sheet else self.sheet_synonyms

    def columns(self) -> list[ColumnSpec]:
        """The columns of the table (a form: the columns of its line table)."""
        if self.row is not None:
            return self.row.columns()
        assert self.form is not None
        return self.form.lines.columns()

    def column(self, field_name: str) -> ColumnSpec:
        return next(c for c in self.columns() if c.field == field_name)

    @property
    def validate_action(self) -> str:
        return f"validate_{self.name}"

    def check(self, data: Any, ctx: CheckContext) -> list[Issue]:
        """Every issue of ``data`` (a Ledger, or the forms of a form ledger), in one pass.

        What reading found, the checks every ledger gets from its schema (required values,
        bounds, closed lists, formula-like text, unique fields), then the declared rules.
        """
        from neiqin.base.perf import gc_paused
        from neiqin.core.checks import check_columns, check_unique

        with gc_paused():
            if self.form is not None:
                issues = self.form.check_schema(data, ctx.settings)
            else:
                issues = list(data.issues) + check_columns(data, ctx.settings)
                for name in self.unique:
                    issues += check_unique(data, name)
            for rule in self.rules:
                issues += rule(data, ctx)
        return sort_issues(issues)


_LEDGERS: dict[str, LedgerSpec] = {}
_ORIGINS: dict[str, str] = {}
_GROUPS: dict[str, Group] = {}


def register(spec: LedgerSpec, origin: str = "") -> LedgerSpec:
    """Make a ledger known: its codes, its settings section, its ribbon group (idempotent).

    ``origin`` is the declaring package: the same package imported again (a look-alike module
    was replaced, see ``neiqin.base.addin``) replaces its declaration; another package declaring
    the same name is a bug.
    """
    known = _LEDGERS.get(spec.name)
    if known is spec:
        return spec
    if known is not None and _ORIGINS.get(spec.name) != origin:
        raise ValueError(f"ledger {spec.name!r} declared twice ({_ORIGINS.get(spec.name)} / {origin})")
    _ORIGINS[spec.name] = origin
    register_codes(spec.codes, spec.title)
    if spec.settings is not None:
        register_section(spec.name, spec.settings)
    if spec.group is not None:
        register_group(spec.group)
    _LEDGERS[spec.name] = spec
    return spec


def register_group(group: Group) -> Group:
    known = _GROUPS.get(group.id)
    if known is not None and known != group:
        raise ValueError(f"ribbon group {group.id!r} declared twice, differently")
    _GROUPS[group.id] = group
    return group


def groups() -> list[Group]:
    """Every declared ribbon group, left to right."""
    return sorted(_GROUPS.values(), key=lambda g: (g.order, g.id))


def ledger(name: str) -> LedgerSpec:
    """The declaration of a registered ledger."""
    try:
        return _LEDGERS[name]
    except KeyError:
        known = "、".join(sorted(_LEDGERS)) or "无"
        from neiqin.base.errors import NeiQinError

        raise NeiQinError(f"没有名为 {name} 的台账（可选：{known}）") from None


def ledgers() -> list[LedgerSpec]:
    """Every registered ledger, by ribbon group then name."""
    order = {g.id: i for i, g in enumerate(groups())}
    return sorted(_LEDGERS.values(), key=lambda s: (order.get(s.group.id if s.group else "", 99), s.name))


def ledger_names() -> list[str]:
    return sorted(_LEDGERS)


def other_sheet_names(name: str) -> set[str]:
    """The sheet names of every other table ledger (订单归档 looks like 订单台账, but is not it)."""
    return {n for spec in _LEDGERS.values() if spec.name != name for n in spec.sheet_names}


def claimed_sheet_names(name: str) -> tuple[set[str], tuple[str, ...]]:
    """(the own sheet names of every other ledger, the sheet prefixes of every other form ledger).

    Another ledger's synonym never takes them: 供应商报价 may be called 报价单, but a sheet named
    报价单 is the sales quotation form first."""
    others = [spec for spec in _LEDGERS.values() if spec.name != name]
    return {s.sheet for s in others if s.sheet}, tuple(s.sheet_prefix for s in others if s.sheet_prefix)


def spec_of(model: type[LedgerRow]) -> LedgerSpec | None:
    """The ledger whose row schema is ``model``."""
    return next((s for s in _LEDGERS.values() if s.row is model), None)


def template_path(package_file: str, name: str = "sheet.toml") -> Path:
    """A file next to a ledger package's ``__init__`` (its sheet template)."""
    return Path(package_file).resolve().parent / name


def require(names: Sequence[str]) -> None:
    """Fail clearly when a declared companion is not a registered ledger (a typo in a declaration)."""
    for n in names:
        ledger(n)
