"""Marks in the clerk's workbook: a light fill and a note on each flagged cell, and a
『校验结果』 sheet listing every issue with a link to its cell.

NeiQin remembers what each cell looked like before it was marked (hidden sheet
『NeiQin标记』). A new run first undoes its previous marks — and only those: a fill
or note the clerk changed since is left alone — then marks again. The clerk's own
fills and notes therefore survive any number of runs. What the clerk typed into NeiQin's
note (a reply under it) is kept: only NeiQin's block is removed. The block's title names
its cell (``【NeiQin 校验】D5``), so when the clerk deleted or sorted rows since, a cell is
given back what *its* line had, never the fill or note of the line that was there before.

Workbook calls: a constant number for the sheets and the result list, plus a few
per marked cell (bounded by the setting 标记上限); fills are set on union ranges,
one call per colour and up to ~30 cells.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openpyxl.utils import get_column_letter

from neiqin.core.issues import Issue, sort_issues
from neiqin.core.sheetio import as_text, as_text_rows, check_generated, joined_addresses, print_setup

if TYPE_CHECKING:
    import xlwings as xw

RESULT_SHEET = "校验结果"
REGISTRY_SHEET = "NeiQin标记"
FILLS = {"error": "#FFC7CE", "warning": "#FFEB9C"}
NOTE_TITLE = "【NeiQin 校验】"
REGISTRY_HEADER = ["工作表", "单元格", "原填充色", "原批注", "标记填充色", "NeiQin批注", "标记时间"]
RESULT_HEADER = ["序号", "工作表", "位置", "行", "列", "代码", "级别", "问题说明"]


@dataclass
class MarkResult:
    """What marking did, for the action summary."""

    cells: int  # cells that have an issue
    marked: int  # cells marked (≤ 标记上限)
    restored: int  # earlier marks removed

    @property
    def truncated(self) -> bool:
        return self.marked < self.cells


@dataclass
class _Entry:
    sheet: str
    cell: str
    old_fill: str
    old_note: str
    fill: str
    note: str
    when: Any = None

    def row(self) -> list[Any]:
        return [self.sheet, self.cell, self.old_fill, self.old_note, self.fill, self.note, self.when]


def _hex(color: Any) -> str:
    if color is None:
        return ""
    r, g, b = color
    return f"#{r:02X}{g:02X}{b:02X}"


def _norm_text(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _one_line(text: str) -> str:
    return " ".join(_norm_text(text).split("\n"))


def _sheet_names(book: xw.Book) -> list[str]:
    return [s.name for s in book.sheets]


def _set_fills(book: xw.Book, fills: dict[tuple[str, str], list[str]]) -> None:
    for (sheet, color), cells in fills.items():
        target = book.sheets[sheet]
        for address in joined_addresses(cells):
            target.range(address).color = color or None


def _read_registry(book: xw.Book, names: list[str]) -> list[_Entry]:
    if REGISTRY_SHEET not in names:
        return []
    values = book.sheets[REGISTRY_SHEET].used_range.options(ndim=2).value or []
    entries = []
    for row in values[1:]:
        sheet, cell, old_fill, old_note, fill, note, when = (list(row) + [None] * 7)[:7]
        if not sheet or not cell:
            continue
        entries.append(_Entry(str(sheet), str(cell), old_fill or "", old_note or "", fill or "", note or "", when))
    return entries


def _block_owner(text: str) -> str | None:
    """The cell address named in a NeiQin block's title line (``【NeiQin 校验】D5``), if any."""
    for line in _norm_text(text).split("\n"):
        if line.startswith(NOTE_TITLE):
            rest = line[len(NOTE_TITLE) :].strip()
            return rest.upper() if rest and rest.isascii() and rest.isalnum() else None
    return None


def _strip_block(text: str, block: str | None = None) -> str:
    """``text`` without NeiQin's block: whatever the clerk wrote before or after it is kept."""
    text = _norm_text(text)
    block = _norm_text(block) if block else ""
    if block and block in text:
        before, _, after = text.partition(block)
    elif NOTE_TITLE in text:
        lines = text.split("\n")
        start = next(i for i, line in enumerate(lines) if NOTE_TITLE in line)
        end = start + 1
        while end < len(lines) and lines[end].startswith("· "):  # NeiQin's issue lines
            end += 1
        head = lines[start].split(NOTE_TITLE, 1)[0]
        before, after = "\n".join(lines[:start] + ([head] if head.strip() else [])), "\n".join(lines[end:])
    else:
        return text
    return "\n".join(part for part in (before.strip(), after.strip()) if part)


def _block_of(note: str) -> str:
    note = _norm_text(note)
    return note[note.index(NOTE_TITLE) :] if NOTE_TITLE in note else ""


def _restore(book: xw.Book, entries: list[_Entry], names: list[str]) -> int:
    """Undo earlier marks where a cell still shows them; return how many.

    A cell is restored to what the mark's *owner* looked like before: the note's title line
    names the cell the mark was made for, so after the clerk deleted, inserted or sorted rows a
    mark that moved with its line gives back that line's own fill and note, never another line's.
    Text the clerk added to NeiQin's note (a reply under it) is kept.
    """
    fills: dict[tuple[str, str], list[str]] = defaultdict(list)
    restored = 0
    by_cell = {(e.sheet, e.cell.upper()): e for e in entries}
    for e in entries:
        if e.sheet not in names:
            continue
        rng = book.sheets[e.sheet].range(e.cell)
        note = rng.note
        text = note.text if note is not None else ""
        color = _hex(rng.color)
        owner: _Entry | None = e
        if NOTE_TITLE in text:
            named = _block_owner(text)
            if named is not None and named != e.cell.upper():
                owner = by_cell.get((e.sheet, named))  # a mark that moved here with its row
            keep = _strip_block(text, _block_of(owner.note) if owner is not None else None)
            if owner is not None and _norm_text(text) == _norm_text(owner.note):
                keep = owner.old_note
            if keep:
                note.text = keep  # type: ignore[union-attr]
            else:
                note.delete()  # type: ignore[union-attr]
            if owner is None and color in FILLS.values():
                fills[(e.sheet, "")].append(e.cell)  # a stale mark whose record is lost: fill unknown
            elif owner is not None and color == owner.fill.upper():
                fills[(e.sheet, owner.old_fill)].append(e.cell)
            restored += 1
        elif color == e.fill.upper() and note is None:
            fills[(e.sheet, e.old_fill)].append(e.cell)  # the clerk deleted NeiQin's note
            restored += 1
    _set_fills(book, fills)
    return restored


def _write_registry(book: xw.Book, entries: list[_Entry], names: list[str]) -> None:
    if REGISTRY_SHEET not in names:
        if not entries:
            return
        sheet = book.sheets.add(REGISTRY_SHEET, after=book.sheets[len(names) - 1])
        sheet.visible = False
    else:
        sheet = book.sheets[REGISTRY_SHEET]
        sheet.used_range.clear_contents()
    # as text: a clerk's note "=见合同" or "0123" must come back exactly as it was
    sheet.range("A1").value = [REGISTRY_HEADER] + [[as_text(v) for v in e.row()] for e in entries]


def _link(sheet: str, row: int, col: int) -> tuple[str, str]:
    """NeiQin's own formula: a link to the cell. The sheet name is the only outside text in it — quoted as a
    sheet name ('' for ') inside a string literal ("" for ")."""
    cell = f"{get_column_letter(col or 1)}{row}"
    quoted = sheet.replace("'", "''").replace('"', '""')
    label = cell if col else f"第 {row} 行"
    return f'=HYPERLINK("#\'{quoted}\'!{cell}","{label}")', label


def write_results(
    book: xw.Book, issues: list[Issue], title: str, marked: MarkResult | None, when: dt.datetime, names: list[str]
) -> None:
    """Rewrite the 校验结果 sheet: a summary line and one row per issue, linked to its cell."""
    if RESULT_SHEET in names:
        sheet = book.sheets[RESULT_SHEET]
        check_generated(sheet, RESULT_HEADER)
        sheet.clear()
    else:
        sheet = book.sheets.add(RESULT_SHEET, after=book.sheets[len(names) - 1])
    errors = sum(i.severity == "error" for i in issues)
    warnings = len(issues) - errors
    summary = f"{when:%Y-%m-%d %H:%M} {title}：共 {len(issues)} 条问题（错误 {errors} 条，警告 {warnings} 条）"
    if marked is not None and marked.cells:
        summary += f"；已在 {marked.marked} 个单元格上标色并加批注"
        if marked.truncated:
            summary += f"（另有 {marked.cells - marked.marked} 个单元格超过『标记上限』未标记，见下表）"
    summary += "。点击「位置」可跳到该单元格；改正后请重新校验。" if issues else "。未发现问题。"
    rows: list[list[Any]] = [["校验结果"], [summary], [], RESULT_HEADER]
    for n, issue in enumerate(sort_issues(issues), start=1):
        link, _ = _link(issue.sheet, issue.row, issue.col) if issue.row else ("", "")
        rows.append(
            [
                n,
                issue.sheet,
                link,
                issue.row or None,
                issue.column,
                str(issue.code),
                "错误" if issue.severity == "error" else "警告",
                issue.message,
            ]
        )
    width = len(RESULT_HEADER)
    # the messages quote the clerk's cells: text, never a formula; only NeiQin's own links are formulas
    links = [(i, 2) for i, r in enumerate(rows) if i >= 4 and r[2]]
    sheet.range("A1").value = as_text_rows([r + [None] * (width - len(r)) for r in rows], keep=links)
    sheet.range("A1").font.bold = True
    sheet.range("A1").font.size = 14
    header = sheet.range((4, 1), (4, width))
    header.font.bold = True
    header.color = "#DDEBF7"
    for col, w in zip("ABCDEFGH", (6, 12, 10, 6, 12, 9, 6, 80), strict=True):
        sheet.range(f"{col}1").column_width = w
    if len(rows) > 4:
        body = sheet.range((5, 1), (len(rows), width))
        body.vertical_alignment = "top"
        sheet.range((5, width), (len(rows), width)).wrap_text = True
        body.rows.autofit()
        sheet.range((5, 3), (len(rows), 3)).font.color = "#0563C1"
    print_setup(sheet, title_row=4)


def clear_marks(book: xw.Book, scope: Iterable[str]) -> int:
    """Remove NeiQin's marks from the ``scope`` sheets (before rows move: marks are by address)."""
    scope = set(scope)
    names = _sheet_names(book)
    registry = _read_registry(book, names)
    mine = [e for e in registry if e.sheet in scope]
    if not mine:
        return 0
    restored = _restore(book, mine, names)
    _write_registry(book, [e for e in registry if e.sheet not in scope], names)
    return restored


def mark_issues(
    book: xw.Book,
    issues: list[Issue],
    scope: Iterable[str],
    limit: int = 500,
    title: str = "校验",
    when: dt.datetime | None = None,
) -> MarkResult:
    """Replace NeiQin's marks on the ``scope`` sheets with marks for ``issues``."""
    when = when or dt.datetime.now().replace(microsecond=0)
    scope = set(scope)
    names = _sheet_names(book)
    registry = _read_registry(book, names)
    restored = _restore(book, [e for e in registry if e.sheet in scope], names)
    keep = [e for e in registry if e.sheet not in scope]

    by_cell: dict[tuple[str, int, int], list[Issue]] = defaultdict(list)
    for issue in sort_issues(issues):
        if issue.row and issue.col and issue.sheet in names:
            by_cell[(issue.sheet, issue.row, issue.col)].append(issue)
    chosen = list(by_cell.items())[: max(limit, 0)]

    fills: dict[tuple[str, str], list[str]] = defaultdict(list)
    entries: list[_Entry] = []
    for (sheet_name, row, col), cell_issues in chosen:
        address = f"{get_column_letter(col)}{row}"
        rng = book.sheets[sheet_name].range((row, col))
        old_fill = _hex(rng.color)
        note = rng.note
        old_note = note.text if note is not None else ""
        if NOTE_TITLE in old_note:  # left over from a run whose record was lost
            old_note = _strip_block(old_note)
            if old_fill in FILLS.values():
                old_fill = ""
        severity = "error" if any(i.severity == "error" for i in cell_issues) else "warning"
        lines = "\n".join(f"· {_one_line(i.message)}（{i.code}）" for i in cell_issues)
        # the title names the cell: a mark that moves with its row is still recognised as this one
        text = (old_note + "\n\n" if old_note else "") + f"{NOTE_TITLE}{address}\n{lines}"
        if note is not None:
            note.text = text
        else:
            rng.add_note(text)
        fills[(sheet_name, FILLS[severity])].append(address)
        entries.append(_Entry(sheet_name, address, old_fill, old_note, FILLS[severity], text, when))
    _set_fills(book, fills)
    _write_registry(book, keep + entries, _sheet_names(book))
    result = MarkResult(cells=len(by_cell), marked=len(chosen), restored=restored)
    write_results(book, issues, title, result, when, _sheet_names(book))
    return result
