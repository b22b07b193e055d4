"""Plans: what an action will change, decided by a pure planner, written in whole ranges.

A workflow planner (``validators/<ledger>/planners.py``) takes ledgers, settings, the day
and snapshots the action read from the store, and returns a :class:`Plan`: cells to write,
lines to append to a ledger, rows to add or update in a register, generated sheets, store
operations, issues to mark and the summary for the clerk. :func:`apply_plan` writes it —
a constant number of workbook calls per sheet, whatever the number of rows — so a macro is
read → plan → write, and the planner can be tested without a workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import xlwings as xw

    from neiqin.core.config import Settings
    from neiqin.core.issues import Issue


@dataclass
class Append:
    """Lines (dicts by field) to add under a ledger's last line; its sheet is created when missing."""

    ledger: str
    rows: list[dict[str, Any]]
    after: str | None = None  # where a missing sheet goes


@dataclass
class Upsert:
    """Rows of a register keyed by one field: update the cells that change, append the new keys."""

    ledger: str
    key: str
    rows: dict[str, dict[str, Any]]  # key value -> values by field
    after: str | None = None


@dataclass
class Output:
    """A generated sheet (逾期预警, 订单看板 …), rewritten as a whole."""

    name: str
    title: str
    note: str
    header: list[str]
    rows: list[list[Any]]
    widths: list[float] | None = None
    formats: dict[int, str] | None = None
    wrap: Sequence[int] = ()
    empty: str = "（没有需要列出的内容）"
    after: str | None = None


@dataclass
class StoreOp:
    """One call on the store (``Store.<method>(**kwargs)``), made after the workbook writes.

    ``say``: (index into the plan's details, text with ``{result}``) — what the call answered,
    added to that detail line when the answer is not empty (「已释放 3 张发票的登记」).
    """

    method: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    say: tuple[int, str] | None = None


@dataclass
class Plan:
    """What an action changes, and what it tells the clerk."""

    cells: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)  # sheet -> (row, col) -> value
    # cells whose whole text must show (a box on a form that goes back on paper): sheet -> (row, col)
    in_full: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    appends: list[Append] = field(default_factory=list)
    upserts: list[Upsert] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    store: list[StoreOp] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # to mark in the workbook and list in 校验结果
    message: str = ""
    details: list[str] = field(default_factory=list)
    rows: int = 0  # lines the action looked at (for the action log)
    outcome: str = "ok"  # ok, or issues when something was held back for errors

    def write(self, sheet: str, row: int, col: int, value: Any) -> None:
        """Set one cell (col 0 = the sheet has no such column: nothing to write)."""
        if col:
            self.cells.setdefault(sheet, {})[(row, col)] = value

    def show_in_full(self, sheet: str, row: int, col: int) -> None:
        """The text of this cell (or of its merged box) must show in full: wrap, grow the row, add rows."""
        if col:
            self.in_full.setdefault(sheet, []).append((row, col))

    def extend(self, other: Plan) -> None:
        for sheet, cells in other.cells.items():
            self.cells.setdefault(sheet, {}).update(cells)
        for sheet, boxes in other.in_full.items():
            self.in_full.setdefault(sheet, []).extend(boxes)
        self.appends += other.appends
        self.upserts += other.upserts
        self.outputs += other.outputs
        self.store += other.store
        self.issues += other.issues
        self.details += other.details


def apply_plan(book: xw.Book, plan: Plan, settings: Settings, store: Any = None) -> None:
    """Write a plan into ``book`` (and run its store operations): cells, appends, upserts, outputs."""
    from neiqin.core.guard import writable

    touched = set(plan.cells) | {x.ledger for x in [*plan.appends, *plan.upserts]}  # sheets, and ledgers by name
    with writable(book, touched, settings):  # a protected ledger sheet: opened and protected again around the writes
        _apply(book, plan, settings, store)


def _apply(book: xw.Book, plan: Plan, settings: Settings, store: Any) -> None:
    from neiqin.core.ledger import read_ledger
    from neiqin.core.sheetio import append_rows, ensure_ledger_sheet, output_sheet, show_in_full, write_cells

    for sheet, cells in plan.cells.items():
        boxes = set(plan.in_full.get(sheet, ()))
        plain = {at: value for at, value in cells.items() if at not in boxes}
        if plain:
            write_cells(book.sheets[sheet], plain)
        boxed = {at: value for at, value in cells.items() if at in boxes}
        if boxed:  # laid out below, box by box
            write_cells(book.sheets[sheet], boxed, fit=False)
    for sheet, boxes in plan.in_full.items():
        for row, col in sorted(set(boxes), reverse=True):  # bottom up: rows added under a box move none above it
            show_in_full(book.sheets[sheet], row, col)
    for append in plan.appends:
        if append.rows:
            sheet = ensure_ledger_sheet(book, append.ledger, after=append.after)
            append_rows(sheet, read_ledger(book, append.ledger, settings, sheet=sheet.name), append.rows)
    for upsert in plan.upserts:
        _upsert(book, upsert, settings)
    for out in plan.outputs:
        output_sheet(
            book,
            out.name,
            out.title,
            out.note,
            out.header,
            out.rows,
            widths=out.widths,
            formats=out.formats,
            wrap=out.wrap,
            empty=out.empty,
            after=out.after,
        )
    for op in plan.store:
        result = getattr(store, op.method)(**op.kwargs)
        if op.say is not None and result:
            index, text = op.say
            plan.details[index] += text.format(result=result)


def _upsert(book: xw.Book, upsert: Upsert, settings: Settings) -> None:
    from neiqin.core.ledger import read_ledger
    from neiqin.core.sheetio import append_rows, ensure_ledger_sheet, write_cells

    if not upsert.rows:
        return
    sheet = ensure_ledger_sheet(book, upsert.ledger, after=upsert.after)
    ledger = read_ledger(book, upsert.ledger, settings, sheet=sheet.name)
    found: dict[str, int] = {}
    if ledger.has(upsert.key):
        for pos, value in enumerate(ledger.frame[upsert.key]):
            if value is not None:
                found.setdefault(str(value), pos)
    cells: dict[tuple[int, int], Any] = {}
    new: list[dict[str, Any]] = []
    for key, values in upsert.rows.items():
        pos = found.get(key)
        if pos is None:
            new.append({upsert.key: key, **values})
            continue
        row = ledger.rows[pos]
        for name, value in values.items():
            if ledger.has(name) and ledger.raw[name][pos] != value:
                cells[(row, ledger.col(name))] = value
    write_cells(sheet, cells)
    append_rows(sheet, ledger, new)
