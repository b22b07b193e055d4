"""``neiqin import-ledger``: a clerk's existing ledger into NeiQin.xlsm, by header matching.

Columns are matched by name and synonyms like every ledger read; cells are copied as
the clerk typed them (a text date stays text, so validation reports it at its new
row); the columns NeiQin does not know are listed, not copied. The source file is
only read. The target's Excel table grows to cover the new rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from neiqin.base.errors import NeiQinError
from neiqin.core import kit
from neiqin.core.ledger import LedgerError, find_sheet, read_ledger
from neiqin.core.sheetio import append_rows
from neiqin.engine import open_book


@dataclass
class ImportResult:
    rows: int
    sheet: str
    first_row: int
    last_row: int
    unmatched: list[str] = field(default_factory=list)

    def text(self) -> str:
        if not self.rows:
            return f"源文件中没有可导入的行；『{self.sheet}』未改动。"
        text = f"已导入 {self.rows:,} 行到『{self.sheet}』（第 {self.first_row}–{self.last_row} 行）。"
        if self.unmatched:
            text += f"\n未导入的列（NeiQin 不认识）：{'、'.join(self.unmatched)}"
        return text


def import_ledger(source: Path, target: Path, ledger: str, sheet: str | None = None) -> ImportResult:
    """Append the ledger rows of ``source`` to the ledger sheet of ``target`` and save ``target``."""
    if Path(source).resolve() == Path(target).resolve():
        raise NeiQinError("源文件和目标工作簿是同一个文件；--into 请给出 NeiQin.xlsm（源文件不会改动）")
    spec = kit.ledger(ledger)
    src = read_ledger(open_book(source, engine="headless"), ledger, sheet=sheet)
    book = open_book(target, engine="headless")
    try:
        target_sheet = find_sheet(book, spec)
    except LedgerError:
        raise NeiQinError(f"目标工作簿中没有『{spec.sheet}』工作表；请用 neiqin build 生成的 NeiQin.xlsm") from None
    existing = read_ledger(book, ledger, sheet=target_sheet.name)
    unmatched = [c.header for c in src.extra_columns]
    missing = [f for f in src.columns if f not in existing.columns]
    if missing:
        raise NeiQinError(f"目标『{target_sheet.name}』缺少这些列：{'、'.join(existing.header(f) for f in missing)}")
    rows = [{name: src.raw[name][position] for name in src.columns} for position in range(len(src))]
    if not rows:
        start = (existing.rows[-1] if existing.rows else existing.header_row) + 1
        return ImportResult(0, target_sheet.name, start, start - 1, unmatched)
    # the one way lines are added to a ledger: under its last line, the table grown over them, and the
    # source's text kept as text — "=HYPERLINK(…)", "001" and "=cmd|…" stay what the clerk typed
    start, end = append_rows(target_sheet, existing, rows)
    book.save()
    return ImportResult(len(rows), target_sheet.name, start, end, unmatched)
