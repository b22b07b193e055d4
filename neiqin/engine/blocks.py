"""Reading a big sheet in row blocks: bounded memory, and both cores.

python-calamine lays a whole sheet out in memory before it gives a single value: for a sheet of Excel's
maximum row count that is 1.9 GB of cells, then 2.7 GB of Python values. A sheet part bigger than
:data:`BLOCK_MIN` is instead cut, while it is unpacked, at row boundaries (after a ``</row>``) into
blocks of a few MB of XML. Each block goes to calamine as a small package holding the workbook's own
parts (workbook, styles, shared strings — so values, dates and the 1904 setting read exactly as in the
whole sheet) with the block as the sheet, on a pool of two threads (calamine parses without the GIL)
while the next block is unpacked. The blocks' rows are laid end to end at their own row numbers: the
result is the same list of rows, value for value, as calamine's whole-sheet read
(``tests/test_engine_blocks.py`` compares them). Each distinct text, date and number of a big sheet is
kept once (a ledger repeats its customers, products and statuses): a million rows cost their distinct
values, not 21 million objects.

The same pass finds the sheet's error cells (calamine reads ``#N/A`` as empty) and its merged areas, so
a big sheet is unpacked once. A block whose cells reach too far for a dense layout (a crafted value in
XFD1048576) raises :class:`SheetTooLarge` before calamine sees it, as for a whole sheet. What a block read
cannot do exactly — rows out of order across blocks, a block that starts with an unnumbered row, XML that
calamine refuses — raises another exception: the caller then reads the sheet in one piece.

Everything the reading threads use is imported here, when this module is imported (see
:mod:`neiqin.engine.prefetch`).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import python_calamine

from neiqin.base.perf import gc_paused
from neiqin.engine import ooxml, values

# a sheet part (unpacked) at least this big is read in blocks; smaller ones in one piece
BLOCK_MIN = 24 << 20
# XML per block: about 1/16 of the sheet, within these bounds (memory holds about three blocks at
# once), and at least twice the workbook parts that go with every block (the shared strings are
# parsed again for each block: a sheet with a big string table is read in fewer, bigger blocks)
BLOCK_BYTES = 8 << 20
BLOCK_BYTES_MAX = 32 << 20
BLOCKS_PER_SHEET = 16
# the most cells one block may lay out densely, and the whole sheet (pointers in Python lists)
BLOCK_CELL_LIMIT = 8_000_000
SHEET_CELL_LIMIT = ooxml.READ_CELL_LIMIT
# the parts of the workbook a block's package leaves out: the sheets, and what calamine never reads for
# a sheet's values (drawings, charts, pictures, pivot caches, the VBA project …); everything else goes with
# every block whatever its size (a 5 MB styles part decides which numbers are dates)
_NOT_FOR_VALUES = (
    "xl/worksheets/",
    "xl/chartsheets/",
    "xl/drawings/",
    "xl/charts/",
    "xl/media/",
    "xl/embeddings/",
    "xl/pivotCache/",
    "xl/pivotTables/",
    "xl/externalLinks/",
    "xl/printerSettings/",
    "xl/activeX/",
    "xl/ctrlProps/",
    "xl/diagrams/",
    "xl/slicers/",
    "xl/slicerCaches/",
    "xl/queryTables/",
    "xl/threadedComments/",
    "xl/persons/",
    "customXml/",
    "docProps/",
)
_WORKERS = 2
_CHUNK = 4 << 20

# (every pattern stays inside one tag: [^<>], so that a hostile sheet cannot make a search quadratic)
_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData\b[^<>]*?(/?)>")
_DIMENSION_TAG = re.compile(  # <dimension ref="A1:T500"/>, or with an end tag (canonical XML writes one)
    rb"<((?:[A-Za-z_][\w.-]*:)?)dimension\b[^<>]*?(?:/>|>[^<]*</\1dimension\s*>)"
)
_ROW_NUMBERS: dict[bytes, re.Pattern[bytes]] = {}  # the same for one namespace prefix: a literal first, a fast search
_WIDE_ROWS = re.compile(rb'r="([A-Za-z]{2,4})0*(\d+)"')  # a reference of two or more column letters, its row


class SheetTooLarge(Exception):
    """The sheet's cells reach too far to be laid out densely (or it declares a DOCTYPE)."""


@dataclass
class SheetRead:
    """One sheet read in blocks: its rows from A1 (:class:`Rows`: values as Excel's COM layer gives them),
    its error cells {(row, col): '#N/A'} and its merged areas ('A1:B3')."""

    rows: list[list[Any]]
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)


_PART_SIZES: dict[tuple[str, int, int], dict[str, int]] = {}  # (path, mtime, size) -> sheet -> unpacked size


def part_size(path: str | os.PathLike[str], sheet_name: str) -> int:
    """The unpacked size of the sheet's part in an OOXML package (0 when it cannot be told); the package's
    directory is read once per file (every sheet of a workbook asks, on every read)."""
    try:
        stat = os.stat(path)
        key = (os.fspath(path), stat.st_mtime_ns, stat.st_size)
        sizes = _PART_SIZES.get(key)
        if sizes is None:
            with zipfile.ZipFile(path) as zf:
                sizes = {
                    name: zf.NameToInfo[part].file_size
                    for name, part in ooxml.sheet_parts(zf).items()
                    if part in zf.NameToInfo
                }
            _PART_SIZES[key] = sizes
        return sizes.get(sheet_name, 0)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, ooxml.ET.ParseError, RuntimeError):
        return 0


def wanted(path: str | os.PathLike[str], sheet_name: str) -> bool:
    """True when the sheet is big enough to be read in blocks."""
    return part_size(path, sheet_name) >= BLOCK_MIN


def _package(zf: zipfile.ZipFile, part: str, parts: dict[str, str]) -> list[tuple[str, bytes]]:
    sheets = set(parts.values())
    out = []
    for info in zf.infolist():
        name = info.filename
        if name == part or name in sheets or name.endswith("/") or name.startswith(_NOT_FOR_VALUES):
            continue
        if name.lower().endswith(".bin"):  # the VBA project, a sheet in binary form
            continue
        out.append((name, zf.read(info)))
    return out


def _row_pattern(ns: bytes) -> re.Pattern[bytes]:
    pattern = _ROW_NUMBERS.get(ns)
    if pattern is None:
        pattern = _ROW_NUMBERS.setdefault(ns, re.compile(b"<" + re.escape(ns) + rb'row\b[^<>]*?\sr="(\d+)"'))
    return pattern


def _measure(block: bytes, ns: bytes = b"") -> tuple[int, int, int]:
    """(first row, last row, columns) the block lays out. ValueError when the block starts with a row that
    has no number (calamine would count it from the block's start: only the whole sheet reads it right) or
    its rows go backwards; SheetTooLarge before calamine would lay out too many cells.

    Rows are numbered and in order in every sheet a program writes: the first and the last row tag say
    it (two searches, not a pass of Python over every row). A crafted cell beyond its rows is found when
    it has two or more column letters — the ones that could make calamine lay out more than memory holds
    (XFD1048576); one of a single letter lays out at most 1,048,576 × 26 cells.
    """
    pattern = _row_pattern(ns)
    start = block.find(b"<" + ns + b"row")
    head = pattern.match(block, start) if start != -1 else None
    tail = pattern.search(block, max(block.rfind(b"<" + ns + b"row "), 0))
    if head is None or tail is None:
        raise ValueError("rows without a row number")
    first, last = int(head.group(1)), int(tail.group(1))
    if last < first:
        raise ValueError(f"row {last} after row {first}")
    cols = 26
    for letters, row in _WIDE_ROWS.findall(block):  # (none in a sheet of 26 columns or fewer)
        cols = max(cols, ooxml._col_number(letters.upper()))
        number = int(row)
        first, last = min(first, number), max(last, number)
    if (last - first + 1) * cols > BLOCK_CELL_LIMIT:
        raise SheetTooLarge(f"a block of rows {first}-{last} x {cols} columns")
    return first, last, cols


def _parse_block(
    block: bytes,
    wrap: tuple[list[tuple[str, bytes]], str, bytes, bytes],
    name: str,
    shared: dict[Any, Any],
) -> tuple[tuple[int, int], list[list[Any]]]:
    """Wrap one block as a package (the workbook's parts, the sheet's head and end) and read it."""
    package, part, prefix, suffix = wrap
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_STORED) as out:
        for part_name, content in package:
            out.writestr(part_name, content)
        out.writestr(part, b"".join((prefix, block, suffix)))
    return _parse(data.getvalue(), name, shared)


class Rows(list):  # type: ignore[type-arg]
    """A sheet's rows whose values are already Excel's (None for empty, datetime for a date): what
    :func:`neiqin.engine.prefetch.grid_rows` makes of calamine's, done here, block by block."""

    normalized = True


def _parse(package: bytes, name: str, shared: dict[Any, Any]) -> tuple[tuple[int, int], list[list[Any]]]:
    """One block's rows from its first cell, as Excel's values; each distinct value kept once (``shared``)."""
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(package)).get_sheet_by_name(name)
    with gc_paused():
        rows = values.calamine_rows(sheet.to_python(skip_empty_area=True), shared=shared)
    return sheet.start or (0, 0), rows  # (no start: a block without a value)


def read_sheet(
    path: str | os.PathLike[str],
    sheet_name: str,
    *,
    block_bytes: int | None = None,
    workers: int = _WORKERS,
) -> SheetRead:
    """Read one sheet of an OOXML package in row blocks (see the module's description).

    Raises :class:`SheetTooLarge` for a sheet whose cells reach too far, or that declares a DOCTYPE;
    other errors (a package calamine cannot read) propagate: the caller reads the sheet another way.
    """
    with zipfile.ZipFile(path) as zf:
        parts = ooxml.sheet_parts(zf)
        part = parts[sheet_name]
        info = zf.getinfo(part)
        package = _package(zf, part, parts)
        if block_bytes is None:
            share = min(max(BLOCK_BYTES, info.file_size // BLOCKS_PER_SHEET), BLOCK_BYTES_MAX)
            block_bytes = max(share, 2 * sum(len(content) for _name, content in package))
        with zf.open(info) as fh, ThreadPoolExecutor(workers, thread_name_prefix="neiqin-block") as pool:
            return _read(fh, package, part, sheet_name, block_bytes, pool, workers)


# the part of a sheet before its rows (sheet views, column widths) goes with every block: a sheet whose
# head is bigger than this is not one to read in blocks (it is read in one piece)
_HEAD_LIMIT = 16 << 20
# how far back a tag may start in the previous chunk (<x:sheetData …>, </x:sheetData>)
_OVERLAP = 512


def _head(fh: Any, name: str) -> tuple[bytes, re.Match[bytes] | None, bytes]:
    """(everything before the rows, the sheetData start tag, what was read after it) — linear in the head."""
    pieces: list[bytes] = []
    size = 0
    while True:
        more = fh.read(_CHUNK)
        if not more:
            data = b"".join(pieces)
            return data, None, b""
        start = max(0, size - _OVERLAP)
        pieces.append(more)
        size += len(more)
        data = b"".join(pieces) if len(pieces) > 1 else more
        found = _SHEET_DATA.search(data, start)
        if found is not None:
            head, rest = data[: found.end()], data[found.end() :]
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise SheetTooLarge(f"{name}: DOCTYPE in the sheet XML")  # (openpyxl, with defusedxml, decides)
            return head, found, rest
        if size > _HEAD_LIMIT:
            raise ValueError(f"{name}: no rows in the first {size} bytes of the sheet XML")
        pieces = [data]


def _cut(fh: Any, rest: bytes, end_row: bytes, end_data: bytes, block_bytes: int, tail: list[bytes]) -> Iterator[bytes]:
    """The rows of the sheet in blocks of about ``block_bytes``, each ending after a row's end tag; what follows
    the rows is put into ``tail``. Every byte is joined once (a row longer than a chunk only delays the cut)."""
    pieces, size = [rest], len(rest)
    stop = rest.find(end_data)
    if stop != -1:  # a small sheet: its rows came with its head
        yield rest[:stop]
        tail.append(rest[stop:])
        tail.extend(iter(lambda: fh.read(_CHUNK), b""))
        return
    n = len(end_data)
    window = rest[-(n - 1) :]  # the last bytes read: the end tag may begin in them
    while True:
        more = fh.read(_CHUNK)
        if not more:
            yield b"".join(pieces)  # no end tag: calamine says whether that is a sheet
            return
        stop: int | None = more.find(end_data)
        if stop == -1:
            at = (window + more[:n]).find(end_data)
            stop = at - len(window) if at != -1 else None  # negative: the tag began before this chunk
        if stop is not None:
            data = b"".join([*pieces, more])
            split = len(data) - len(more) + stop
            yield data[:split]
            tail.append(data[split:])
            tail.extend(iter(lambda: fh.read(_CHUNK), b""))
            return
        window = (window + more)[-(n - 1) :]
        pieces.append(more)
        size += len(more)
        cut = more.rfind(end_row) if size >= block_bytes else -1
        if cut == -1:
            continue
        cut += len(end_row)
        yield b"".join([*pieces[:-1], more[:cut]])
        pieces, size = [more[cut:]], len(more) - cut


def _read(
    fh: Any,
    package: list[tuple[str, bytes]],
    part: str,
    name: str,
    block_bytes: int,
    pool: ThreadPoolExecutor,
    workers: int,
) -> SheetRead:
    result = SheetRead(Rows())
    shared: dict[Any, Any] = {}  # each distinct value once, across the blocks (values.calamine_rows)
    head, found, rest = _head(fh, name)
    if found is None:
        return result  # no sheetData: an empty sheet
    prefix = _DIMENSION_TAG.sub(b"", head[: found.start()]) + head[found.start() :].replace(b"/>", b">")
    ns = found.group(1)
    end_row, end_data = b"</" + ns + b"row>", b"</" + ns + b"sheetData"
    suffix = b"</" + ns + b"sheetData></" + ns + b"worksheet>"
    pending: deque[tuple[int, int, int, Future[tuple[tuple[int, int], list[list[Any]]]]]] = deque()
    wrap = (package, part, prefix, suffix)
    state = {"rows": 0, "width": 0, "ragged": 0}  # ragged: rows of different lengths to even out at the end

    def submit(block: bytes) -> None:
        first, last, cols = _measure(block, ns)
        ooxml.scan_error_cells(block, result.errors)
        pending.append((first, last, cols, pool.submit(_parse_block, block, wrap, name, shared)))
        while len(pending) > workers:
            take(*pending.popleft())

    def take(first: int, last: int, cols: int, job: Future[tuple[tuple[int, int], list[list[Any]]]]) -> None:
        if first <= state["rows"]:  # the whole sheet's read puts such rows in order: leave it to that
            raise ValueError(f"row {first} after row {state['rows']}")
        state["rows"] = last
        if last * max(cols, state["width"]) > SHEET_CELL_LIMIT:
            raise SheetTooLarge(f"{last} rows x {max(cols, state['width'])} columns")
        (r0, c0), rows = job.result()
        if not rows:
            return
        grid = result.rows
        if r0 < len(grid):  # a row the blocks before laid out already (rows out of order): the whole read
            raise ValueError(f"row {r0 + 1} after row {len(grid)}")
        if len(grid) < r0:
            grid.extend([] for _ in range(r0 - len(grid)))
            state["ragged"] = 1
        width = c0 + len(rows[0])
        if grid and width != state["width"]:
            state["ragged"] = 1
        state["width"] = max(state["width"], width)
        if c0:
            pad: list[Any] = [None] * c0
            rows = [pad + row for row in rows]
        grid.extend(rows)

    tail: list[bytes] = []
    if found.group(2) != b"/":
        for block in _cut(fh, rest, end_row, end_data, block_bytes, tail):
            if block.strip():
                submit(block)
    else:  # <sheetData/>: no rows, but maybe merged areas after it
        tail.append(rest)
        tail.extend(iter(lambda: fh.read(_CHUNK), b""))
    while pending:
        take(*pending.popleft())
    result.merges = ooxml.merge_refs(b"".join(tail))
    width = state["width"]
    if state["ragged"]:
        for row in result.rows:
            if len(row) < width:
                row.extend([None] * (width - len(row)))
    return result
