"""Big sheets kept as the file's XML until their cells are touched.

openpyxl builds a Python object per cell when it loads a sheet and serialises each again when
it saves: for a 50,000-row ledger that is most of a minute, although an action (marking a few
hundred cells, archiving lines) changes a few rows and deletes some. A *lazy* sheet is loaded
by openpyxl without its rows (everything else — merged areas, conditional formats, validation,
columns, tables, protection — as usual); its rows stay the file's XML, indexed by row number.
A row becomes openpyxl cells (is *materialized*) the first time a cell of it is written,
formatted or has its note read; deleting and inserting whole rows only renumbers the rest. On
save, openpyxl writes the sheet with its materialized rows, and the untouched rows are spliced
back into it byte for byte (renumbered where rows moved), with the original shared strings.

Reading values never needs this: the engine reads a lazy sheet from python-calamine's grid,
mapped through the rows' moves, with the materialized rows on top.

A sheet is lazy when its part is big (``LAZY_BYTES``) and plain enough to splice safely: every
row numbered, in order, none prefixed. Rows holding a formula are openpyxl cells from the start
(their references follow deleted rows, a shared formula is read with its master, and a saved
result goes when NeiQin changes an input), as are rows with a note, a link or a merged area.
Raw rows keep their style indexes (openpyxl writes the file's cell formats back in order, duplicates
included) and their shared-string indexes (the file's table is put back: openpyxl writes its own
strings inline); the original root's namespace prefixes are declared again on the sheet openpyxl
wrote (Excel's rows carry ``x14ac:dyDescent``). Anything the engine cannot do row by row (copying,
charts, clearing whole columns, autofit) makes every row cells first: the old way, slower, never wrong.
"""

from __future__ import annotations

import bisect
import io
import logging
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from neiqin.engine.common import MAX_COLUMNS, EngineError

log = logging.getLogger(__name__)

LAZY_BYTES = 4 << 20  # a sheet part bigger than this (uncompressed) is kept lazy
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
SST_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

_ROW_START = re.compile(rb"<row\b")
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_REF = re.compile(rb'(<(?:row|c)\b[^>]*?\sr=")([A-Z]{0,3})(\d+)"')
_NS_DECL = re.compile(rb'\sxmlns(?::[\w.-]+)?="[^"]*"')
_PREFIXED_NS = re.compile(rb'\sxmlns:[\w.-]+="[^"]*"')
_IGNORABLE = re.compile(rb'\s[\w.-]+:Ignorable="[^"]*"')
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')


class LazySheet:
    """The rows of one sheet as the file's XML, and where each of them is now."""

    def __init__(self, xml: bytes, open_end: int, close_start: int, rows: list[int], starts: list[int]) -> None:
        self.xml = xml
        self.data = (open_end, close_start)  # the sheetData content: xml[open_end:close_start]
        self.spans: dict[int, tuple[int, int]] = {}
        ends = [*starts[1:], close_start]
        for row, start, end in zip(rows, starts, ends, strict=True):
            self.spans[row] = (start, end)
        last = max(rows, default=0)
        self.raw_of: list[int] = list(range(1, last + 1))  # current row - 1 -> file row (0: nothing raw)
        content = xml[open_end:close_start]
        self.shared_strings = b't="s"' in content
        self.moved = False
        root_end = xml.find(b">", xml.find(b"<worksheet")) + 1
        # a row may use the root's prefixes (x14ac:dyDescent): its XML is parsed with them declared
        root = xml[: max(root_end, 0)]
        self._prefixes = [m.group(0) for m in _PREFIXED_NS.finditer(root)]
        ignorable = _IGNORABLE.search(root)
        self._ignorable = ignorable.group(0) if ignorable else b""
        self._wrapper = b'<sheetData xmlns="' + MAIN_NS.encode() + b'"' + b"".join(self._prefixes) + b">"
        self._last: int | None = None
        self.formula_rows: list[int] = []  # file rows holding a formula (made openpyxl cells on load)

    # ---------------------------------------------------------------- opening

    @classmethod
    def split(cls, xml: bytes) -> tuple[bytes, LazySheet] | None:
        """(the sheet XML without its rows, the rows) — or None when the sheet is better loaded whole."""
        open_at = xml.find(b"<sheetData")
        if open_at < 0:
            return None
        open_end = xml.find(b">", open_at) + 1
        if xml[open_end - 2 : open_end] == b"/>":
            return None  # no rows at all
        close_start = xml.rfind(b"</sheetData>")
        if close_start < open_end:
            return None
        content = xml[open_end:close_start]
        starts, rows = [], []
        for m in _ROW_NUMBER.finditer(xml, open_end, close_start):
            starts.append(m.start())
            rows.append(int(m.group(1)))
        if not starts:
            return None  # no rows at all
        if len(starts) != len(_ROW_START.findall(content)) or rows != sorted(set(rows)):
            return None  # a row without its number, or out of order: loaded whole
        stripped = xml[:open_at] + b"<sheetData/>" + xml[close_start + len(b"</sheetData>") :]
        sheet = cls(xml, open_end, close_start, rows, starts)
        # rows with formulas are openpyxl cells from the start: their references follow deleted rows, a
        # shared formula is read with its master, and their saved results go when NeiQin changes an input
        # (formulas.formula_cache) — none of which raw XML could do
        found = set()
        at = xml.find(b"<f", open_end, close_start)
        while at >= 0:
            found.add(rows[bisect.bisect_right(starts, at) - 1])
            at = xml.find(b"<f", at + 2, close_start)
        sheet.formula_rows = sorted(found)
        return stripped, sheet

    # ---------------------------------------------------------------- where rows are

    def last_row(self) -> int:
        """The last current row that still has raw content."""
        if self._last is None:
            raw_of = self.raw_of
            n = len(raw_of)
            while n and not raw_of[n - 1]:
                n -= 1
            self._last = n
        return self._last

    def file_row(self, row: int) -> int:
        """The file row whose XML current row ``row`` still is (0: none, or materialized)."""
        return self.raw_of[row - 1] if 0 < row <= len(self.raw_of) else 0

    def raw_rows(self, r1: int, r2: int) -> list[tuple[int, int]]:
        """(current row, file row) of the raw rows in ``r1..r2`` that have XML."""
        out = []
        spans = self.spans
        for r in range(max(r1, 1), min(r2, len(self.raw_of)) + 1):
            f = self.raw_of[r - 1]
            if f and f in spans:
                out.append((r, f))
        return out

    def raw_rows_at(self, rows: Iterable[int]) -> list[tuple[int, int]]:
        """(current row, file row) of those of ``rows`` that are still raw."""
        spans = self.spans
        return [(r, f) for r in rows if (f := self.file_row(r)) and f in spans]

    def delete(self, runs: list[tuple[int, int]]) -> None:
        """Whole rows deleted (sorted, merged runs)."""
        keep: list[int] = []
        pos = 0
        raw_of = self.raw_of
        for a, b in runs:
            keep.extend(raw_of[pos : max(pos, a - 1)])
            pos = max(pos, b)
        keep.extend(raw_of[pos:])
        self.raw_of = keep
        self.moved = True
        self._last = None

    def insert(self, at: int, n: int) -> None:
        if at - 1 <= len(self.raw_of):
            self.raw_of[at - 1 : at - 1] = [0] * n
        self.moved = True
        self._last = None

    def forget(self, rows: Iterable[int]) -> None:
        """Rows that are openpyxl cells now: their XML is not written again."""
        for r in rows:
            if 0 < r <= len(self.raw_of):
                self.raw_of[r - 1] = 0
        self._last = None

    # ---------------------------------------------------------------- materializing

    def parse(self, ws: Any, rows: list[tuple[int, int]], strings: Any) -> None:
        """Make the given (current row, file row) rows openpyxl cells of ``ws`` (at their current rows)."""
        from openpyxl.cell.cell import Cell, MergedCell
        from openpyxl.styles.cell_style import StyleArray
        from openpyxl.worksheet._reader import WorkSheetParser
        from openpyxl.worksheet.dimensions import RowDimension
        from openpyxl.xml.functions import fromstring

        if not rows:
            return
        wb = ws.parent
        parser = WorkSheetParser(
            None, strings, False, wb.epoch, wb._date_formats, wb._timedelta_formats, rich_text=True
        )
        for chunk_start in range(0, len(rows), 2000):
            chunk = rows[chunk_start : chunk_start + 2000]
            body = b"".join(self.xml[self.spans[f][0] : self.spans[f][1]] for _, f in chunk)
            root = fromstring(self._wrapper + body + b"</sheetData>")
            for (current, _file), element in zip(chunk, list(root), strict=True):
                _, cells = parser.parse_row(element)
                dims = parser.row_dimensions.pop(str(parser.row_counter), None)
                if dims is not None:
                    dims = {k: v for k, v in dims.items() if not k.startswith("{")}
                    dims["index"] = current
                    dims.pop("r", None)
                    if "s" in dims:
                        dims["s"] = wb._cell_styles[int(dims["s"])]
                    ws.row_dimensions[current] = RowDimension(ws, **dims)
                for cell in cells:
                    key = (current, cell["column"])
                    old = ws._cells.get(key)
                    if isinstance(old, MergedCell):
                        continue  # covered by a merged area: openpyxl keeps no value there
                    style = wb._cell_styles[cell["style_id"]]
                    if old is None:
                        old = ws._cells[key] = Cell(ws, row=current, column=cell["column"], style_array=style)
                    else:  # a cell a note or a link created: it gets its value and style (its own copy:
                        old._style = StyleArray(style)  # a shared array would restyle every cell of that style)
                    old._value = cell["value"]
                    old.data_type = cell["data_type"]
        self.forget(r for r, _ in rows)

    # ---------------------------------------------------------------- saving

    def splice(self, written: bytes, ncols: int) -> bytes:
        """The sheet XML openpyxl wrote (materialized rows only) with the raw rows put back in order."""
        open_at = written.find(b"<sheetData")
        open_end = written.find(b">", open_at) + 1
        if written[open_end - 2 : open_end] == b"/>":
            head, rows_xml, tail = written[:open_at], b"", written[open_end:]
        else:
            close = written.rfind(b"</sheetData>")
            head, rows_xml, tail = written[:open_at], written[open_end:close], written[close + len(b"</sheetData>") :]
        mine: list[tuple[int, bytes]] = []  # openpyxl's rows
        starts = [m.start() for m in _ROW_START.finditer(rows_xml)]
        for start, end in zip(starts, [*starts[1:], len(rows_xml)][: len(starts)], strict=True):
            m = _ROW_NUMBER.match(rows_xml, start)
            mine.append((int(m.group(1)) if m else 0, rows_xml[start:end]))
        out = io.BytesIO()
        out.write(self._declared(head))
        out.write(b"<sheetData>")
        xml, spans, raw_of = self.xml, self.spans, self.raw_of
        i = 0
        last = 0
        for current in range(1, len(raw_of) + 1):
            while i < len(mine) and mine[i][0] < current:
                out.write(mine[i][1])
                last = max(last, mine[i][0])
                i += 1
            f = raw_of[current - 1]
            if not f or f not in spans:
                continue
            if i < len(mine) and mine[i][0] == current:
                # a row both raw and openpyxl cells: one of them would be lost — refuse the save instead
                raise EngineError(
                    f"NeiQin 内部错误：第 {current} 行有未读入的内容，未保存（原文件未改动）；请把该文件发给管理员"
                )
            start, end = spans[f]
            if f == current:
                out.write(xml[start:end])
            else:
                out.write(
                    _REF.sub(lambda m, n=str(current).encode(): m.group(1) + m.group(2) + n + b'"', xml[start:end])
                )
            last = current
        for row, data in mine[i:]:
            out.write(data)
            last = max(last, row)
        out.write(b"</sheetData>")
        out.write(tail)
        data = out.getvalue()
        if last:
            from xlwings.utils import col_name

            ref = f'<dimension ref="A1:{col_name(max(1, min(ncols, MAX_COLUMNS)))}{last}"/>'.encode()
            data = _DIMENSION.sub(ref, data, count=1)
        return data

    def _declared(self, head: bytes) -> bytes:
        """openpyxl's sheet start with the original root's prefixed namespaces declared on it: the raw rows
        may use them (Excel writes ``x14ac:dyDescent`` on every row; an undeclared prefix is a broken file)."""
        start = head.find(b"<worksheet")
        if start < 0:
            return head
        end = head.find(b">", start)
        tag = head[start:end]
        if tag.endswith(b"/"):
            return head
        have = {m.group(0).split(b"=")[0].strip() for m in _PREFIXED_NS.finditer(tag)}
        extra = b"".join(d for d in self._prefixes if d.split(b"=")[0].strip() not in have)
        if self._ignorable and b"Ignorable=" not in tag:
            extra += self._ignorable
        return head[:end] + extra + head[end:] if extra else head


class LazyStrings:
    """The shared strings of a workbook, each parsed (as openpyxl would) only when a cell asks for it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._spans: list[tuple[int, int]] | None = None
        self._cache: dict[int, Any] = {}
        self._all: list[Any] | None = None
        root_end = data.find(b">", data.find(b"<sst")) + 1
        self.namespaces = b"".join(m.group(0) for m in _NS_DECL.finditer(data[: max(root_end, 0)]))

    def _index(self) -> list[tuple[int, int]]:
        if self._spans is None:
            spans = []
            for m in re.finditer(rb"<si\b[^>]*?(?:/>|>.*?</si>)", self.data, re.S):
                spans.append((m.start(), m.end()))
            self._spans = spans
        return self._spans

    def __len__(self) -> int:
        return len(self._all) if self._all is not None else len(self._index())

    def __getitem__(self, index: int) -> Any:
        if self._all is not None:
            return self._all[index]
        found = self._cache.get(index)
        if found is None:
            from openpyxl.reader.strings import read_rich_text

            start, end = self._index()[index]
            doc = b"<sst" + self.namespaces + b">" + self.data[start:end] + b"</sst>"
            found = self._cache[index] = read_rich_text(io.BytesIO(doc))[0]
        return found

    def load_all(self) -> None:
        """Every string at once (before many rows are materialized)."""
        if self._all is None:
            from openpyxl.reader.strings import read_rich_text

            self._all = read_rich_text(io.BytesIO(self.data))


class _Archive:
    """The workbook's zip as openpyxl reads it, with the rows of the lazy sheets left out."""

    def __init__(self, archive: zipfile.ZipFile, replaced: dict[str, bytes]) -> None:
        self._archive = archive
        self._replaced = replaced

    def open(self, name: Any, *args: Any, **kwargs: Any) -> Any:
        key = name.filename if isinstance(name, zipfile.ZipInfo) else name
        if key in self._replaced:
            return io.BytesIO(self._replaced[key])
        return self._archive.open(name, *args, **kwargs)

    def read(self, name: Any, *args: Any, **kwargs: Any) -> bytes:
        key = name.filename if isinstance(name, zipfile.ZipInfo) else name
        if key in self._replaced:
            return self._replaced[key]
        return self._archive.read(name, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._archive, name)


def load_workbook(fh: Any, keep_vba: bool, lazy_bytes: int | None = None) -> tuple[Any, dict[str, LazySheet], Any]:
    """openpyxl's load_workbook (rich text kept), with the rows of big sheets left lazy.

    Returns (workbook, {sheet title: LazySheet}, the shared strings or None).
    """
    from openpyxl.reader.excel import ExcelReader

    from neiqin.engine.ooxml import sheet_parts

    reader = ExcelReader(fh, keep_vba=keep_vba, rich_text=True)
    archive = reader.archive
    lazy_parts: dict[str, LazySheet] = {}
    replaced: dict[str, bytes] = {}
    try:
        parts = sheet_parts(archive)
    except Exception:  # an odd workbook.xml: openpyxl says what is wrong
        parts = {}
    for name, part in parts.items():
        try:
            info = archive.getinfo(part)
        except KeyError:
            continue
        if info.file_size <= (LAZY_BYTES if lazy_bytes is None else lazy_bytes):
            continue
        found = LazySheet.split(archive.read(part))
        if found is None:
            continue
        replaced[part], lazy_parts[name] = found
    strings = None
    if lazy_parts:
        reader.archive = _Archive(archive, replaced)
        sst = _shared_strings_part(archive)
        if sst is not None:
            strings = LazyStrings(archive.read(sst))
            reader.read_strings = lambda: setattr(reader, "shared_strings", strings)  # type: ignore[method-assign]
    reader.read()
    wb = reader.wb
    lazy = {}
    for name, sheet in lazy_parts.items():
        if name in wb.sheetnames:
            lazy[name] = sheet
            ws = wb[name]
            # cells a note, a link or a merged area made: their rows are openpyxl cells from the start
            touched = sorted({r for r, _ in ws._cells} | set(sheet.formula_rows))
            sheet.parse(ws, sheet.raw_rows_at(touched), strings if strings is not None else [])
    return wb, lazy, strings


def _shared_strings_part(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    for candidate in ("xl/sharedStrings.xml", "xl/SharedStrings.xml"):
        if candidate in names:
            return candidate
    found = [n for n in names if n.lower().endswith("sharedstrings.xml")]
    return found[0] if found else None
