"""Sealed 费用报销单 for finance: ``报销单_<报销单号>.xlsx`` = the form + a 『校验记录』 sheet.

The sealed form looks like the clerk's (fonts, fills, borders, merged areas, widths, heights are
copied; number formats are NeiQin's few), and what finance *sees* of it is what is sealed: the
record holds who sealed it, when, under which rules, the warnings that remained, every non-empty
cell as (address, canonical value, displayed text), and the layout of the value cells (widths,
heights, merged areas); a SHA-256 digest over all of that and — with a company key — an
HMAC-SHA256 of the same message. ``verify`` reads the file as it is now and reports 有效,
已被修改 (which cells, old and new value or display; or which presentation hides or alters
them — :mod:`neiqin.core.presentation`), 签名无效 / 签名未核对, 无校验记录 or 无法读取.

Canonical values survive re-saving in another spreadsheet program (:mod:`neiqin.core.canonical`);
displayed texts come from the value and its number format (:mod:`neiqin.core.numfmt`).
Records of version 1 (values only, written by NeiQin before the display was sealed) still verify.

The company key never lives in a workbook: ``$NEIQIN_SEAL_KEY`` (the key itself),
``$NEIQIN_SEAL_KEY_FILE``, or ``seal_key_file`` (封存密钥文件) in the user config TOML.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import re
import tomllib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from neiqin.base.errors import NeiQinError
from neiqin.core.canonical import canonical_text, canonical_value
from neiqin.core.numfmt import ALLOWED_FORMATS, display_text, normalise_format
from neiqin.core.presentation import Layout, cell_problems, column_width, layout_problems, needed_width, row_height
from neiqin.core.sheetio import joined_addresses, print_setup, retyped

if TYPE_CHECKING:
    import xlwings as xw

    from neiqin.core.forms import Form

__all__ = [
    "ALLOWED_FORMATS",
    "BAD_SIGNATURE",
    "MODIFIED",
    "NO_KEY",
    "NO_RECORD",
    "RECORD_SHEET",
    "UNCHECKED",
    "UNREADABLE",
    "VALID",
    "Change",
    "SealError",
    "SealResult",
    "Verification",
    "canonical_value",
    "cross_check",
    "free_path",
    "normalise_format",
    "seal_form",
    "seal_key",
    "sealed_name",
    "verify_file",
    "verify_files",
    "workbook_files",
    "write_summary",
]

log = logging.getLogger(__name__)

RECORD_SHEET = "校验记录"
RECORD_VERSION = 2
CELLS_HEADER = "单元格"
LAYOUT_HEADER = "版面"
_META_LABELS = {
    "claim_id": "报销单号",
    "sheet": "表单工作表",
    "rules": "规则版本",
    "time": "封存时间",
    "clerk": "内勤",
    "version": "NeiQin 版本",
}
_FORMAT_LABEL = "记录格式"
_DIGEST_LABEL = "摘要(SHA-256)"
_HMAC_LABEL = "公司密钥签名(HMAC-SHA256)"
_COUNT_LABEL = "单元格数"
_WARNINGS_LABEL = "剩余警告"
NO_KEY = "未配置公司密钥"
MAX_SEALED_SIZE = 50 << 20  # a sealed form unpacks to a few hundred KB: a bigger file is not one

VALID, MODIFIED, NO_RECORD, BAD_SIGNATURE, UNREADABLE = "有效", "已被修改", "无校验记录", "签名无效", "无法读取"
UNCHECKED = "签名未核对"  # the file is signed, but this computer has no company key: not trusted
UNCHECKED_NOTE = "签名未核对（本机未配置公司密钥）：摘要相符，但没有密钥无法确认文件出自本公司；请配置公司密钥后再核对"


class SealError(NeiQinError):
    """A form that cannot be sealed or a file that cannot be verified (Chinese message)."""


# --------------------------------------------------------------------------- the record's message


def message(
    meta: dict[str, Any],
    warnings: Sequence[str],
    cells: Sequence[Sequence[str]],
    version: int = RECORD_VERSION,
    layout: Layout | None = None,
) -> bytes:
    """The bytes that are digested and signed.

    Version 1: the texts as the record holds them, cells as [address, value]. Version 2: every
    text canonical (a control character reads back the same from any program), cells as
    [address, value, displayed text], and the layout of the value cells.
    """
    if version == 1:
        payload: dict[str, Any] = {
            "v": 1,
            **{k: str(meta.get(k) or "") for k in _META_LABELS},
            "warnings": list(warnings),
            "cells": [list(c) for c in cells],
        }
    else:
        payload = {
            "v": version,
            **{k: canonical_text(str(meta.get(k) or "")) for k in _META_LABELS},
            "warnings": [canonical_text(w) for w in warnings],
            "cells": [[c[0], canonical_text(c[1]), canonical_text(c[2] if len(c) > 2 else c[1])] for c in cells],
            "layout": (layout or Layout()).to_json(),
        }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def seal_key() -> bytes | None:
    """The company key: $NEIQIN_SEAL_KEY, $NEIQIN_SEAL_KEY_FILE, or seal_key_file in the user config."""
    key = os.environ.get("NEIQIN_SEAL_KEY")
    if key:
        return key.strip().encode("utf-8")
    path = os.environ.get("NEIQIN_SEAL_KEY_FILE")
    if not path:
        from neiqin.core.config import user_config_path

        config = user_config_path()
        if config.is_file():
            try:
                with config.open("rb") as fh:
                    data = tomllib.load(fh)
            except (tomllib.TOMLDecodeError, OSError) as exc:
                raise SealError(f"配置文件 {config} 无法读取：{exc}；请修正或删除该文件") from None
            path = data.get("seal_key_file") or data.get("封存密钥文件")
    if not path:
        return None
    file = Path(str(path)).expanduser()
    try:
        key_bytes = file.read_bytes().strip()
    except OSError as exc:
        raise SealError(
            f"公司密钥文件 {file} 无法读取（{exc.__class__.__name__}）；请检查 seal_key_file 设置"
        ) from None
    if not key_bytes:
        raise SealError(f"公司密钥文件 {file} 是空的；请写入密钥")
    return key_bytes


def sign(data: bytes, key: bytes | None) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest() if key else ""


# --------------------------------------------------------------------------- sealing


@dataclass
class SealResult:
    claim_id: str
    path: Path
    digest: str
    signed: bool
    cells: int


def _addresses(cells: Sequence[tuple[int, int]]) -> list[str]:
    """Comma-joined A1 addresses, each short enough for Excel's Range()."""
    return joined_addresses(f"{get_column_letter(col)}{row}" for row, col in cells)


def _formats(form: Form, values: list[list[Any]], first_row: int, first_col: int) -> dict[tuple[int, int], str]:
    """The number format of every value cell of the sealed copy (what is not listed stays General).

    NeiQin's own formats, never the clerk's (which could be anything): the schema's for the line
    columns and the labelled fields, Text for digit-only invoice codes and for text Excel would
    convert, a date format for dates elsewhere.
    """
    formats: dict[tuple[int, int], str] = {}
    cells = {
        (first_row + i, first_col + j): v
        for i, row in enumerate(values)
        for j, v in enumerate(row)
        if v is not None and v != ""
    }
    for (r, c), v in cells.items():
        if isinstance(v, dt.datetime):
            formats[(r, c)] = "yyyy-mm-dd" if (v.hour, v.minute, v.second) == (0, 0, 0) else "yyyy-mm-dd hh:mm:ss"
        elif isinstance(v, str) and retyped(v):
            formats[(r, c)] = "@"  # Excel would make it a formula, number or date
    if form.lines:
        first, last = form.lines[0].row, form.lines[-1].row
        for name, spec in form.schema.line_specs().items():
            if name not in form.columns or not spec.number_format:
                continue
            line_values = [ln.value.get(name) for ln in form.lines]
            if spec.number_format.endswith("%") and any(isinstance(v, (int, float)) and v > 1 for v in line_values):
                continue  # a rate typed as 13 (read as 13%) is shown as typed, not as 1300%
            col = form.columns[name][1]
            for r in range(first, last + 1):
                if isinstance(cells.get((r, col)), str) and spec.number_format != "@":
                    continue  # text stays text (and keeps its Text format if Excel would convert it)
                formats[(r, col)] = spec.number_format
    labels = form.schema.label_specs()
    for name, ff in form.fields.items():
        spec = labels[name]
        if spec.number_format and (ff.row, ff.col) in cells and not isinstance(cells[(ff.row, ff.col)], str):
            formats[(ff.row, ff.col)] = spec.number_format
    return formats


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted rows as runs of consecutive rows (first, last)."""
    runs: list[list[int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][1] + 1:
            runs[-1][1] = row
        else:
            runs.append([row, row])
    return [(a, b) for a, b in runs]


def _apply_formats(sheet: xw.Sheet, formats: dict[tuple[int, int], str]) -> None:
    """Set the formats: a column's run of rows is one area, areas joined up to ~240 characters — the calls
    do not grow with the lines of the form."""
    by_format: dict[str, dict[int, list[int]]] = {}
    for (row, col), fmt in formats.items():
        by_format.setdefault(fmt, {}).setdefault(col, []).append(row)
    for fmt, columns in by_format.items():
        areas = [
            f"{get_column_letter(col)}{a}" + (f":{get_column_letter(col)}{b}" if b > a else "")
            for col, rows in sorted(columns.items())
            for a, b in _runs(rows)
        ]
        for address in joined_addresses(areas):
            sheet.range(address).number_format = fmt


def seal_form(
    book: xw.Book,
    form: Form,
    path: Path,
    *,
    clerk: str,
    when: dt.datetime,
    warnings: Sequence[str] = (),
    key: bytes | None = None,
    rules_version: str = "",
) -> SealResult:
    """Write the sealed copy of ``form`` (a form of ``book``) to ``path``, through the xlwings API.

    The copy looks like the clerk's form: its fonts, fills, borders, alignment, merged areas, column
    widths and row heights are pasted from it; number formats are NeiQin's (:func:`_formats`);
    columns are widened where a number would show ####. ``rules_version`` names the rules the form
    was checked by (recorded in 校验记录). The written file is verified before it is handed over.
    """
    from neiqin import __version__
    from neiqin.engine import merged_areas

    src = book.sheets[form.sheet]
    used = src.used_range
    values = used.options(ndim=2).value or [[]]
    first_row, first_col = used.row, used.column
    ncols = max((len(r) for r in values), default=1)
    last_row, last_col = first_row + len(values) - 1, first_col + ncols - 1
    app = book.app
    new = app.books.add()
    try:
        target = new.sheets[0]
        target.name = form.sheet
        # the clerk's form as it looks (whole rows: every column's formats, merged areas, row heights)
        src.range(f"{first_row}:{last_row}").copy()
        target.range(f"{first_row}:{first_row}").paste("formats")
        src.range((first_row, first_col), (last_row, last_col)).copy()
        target.range((first_row, first_col)).paste("column_widths")
        app.cut_copy_mode = False
        target.range((first_row, first_col), (last_row, last_col)).number_format = "General"
        formats = _formats(form, values, first_row, first_col)
        _apply_formats(target, {c: f for c, f in formats.items() if f == "@"})  # before the values: Text holds
        try:
            target.range((first_row, first_col)).value = values
        except NeiQinError as exc:  # a value under a merged area: finance would not see it
            raise SealError(
                f"『{form.sheet}』有被合并单元格遮住的值（{exc}）：财务看不到它，未封存；"
                "请在报销单上取消该合并或删除被遮住的值后再提交"
            ) from None
        _apply_formats(target, {c: f for c, f in formats.items() if f != "@"})
        # the line table: from under its header to the first label below it (blank template lines too)
        below = [ff.row for ff in form.fields.values() if form.header_row and ff.row > form.header_row]
        line_rows = range(form.header_row + 1, min(below, default=last_row + 1)) if form.header_row else range(0)
        cells, layout = _sealed_cells(target, values, first_row, first_col, formats, merged_areas(target), line_rows)
        meta = {
            "claim_id": form.claim_id or "",
            "sheet": form.sheet,
            "rules": rules_version,
            "time": when.strftime("%Y-%m-%d %H:%M:%S"),
            "clerk": clerk,
            "version": __version__,
        }
        data = message(meta, warnings, cells, RECORD_VERSION, layout)
        digest = hashlib.sha256(data).hexdigest()
        signature = sign(data, key)
        record = new.sheets.add(RECORD_SHEET, after=target)
        _write_record(record, meta, warnings, cells, layout, digest, signature)
        for other in list(new.sheets):
            if other.name not in (form.sheet, RECORD_SHEET):
                other.delete()
        print_setup(target)  # landscape, one page wide, as the template
        target.activate()
        path.parent.mkdir(parents=True, exist_ok=True)
        new.save(str(path))
    finally:
        new.close()
    if os.name == "posix":  # finance reads the file on a share: as any new file, not 0600
        mask = os.umask(0)
        os.umask(mask)
        path.chmod(0o666 & ~mask)
    check = verify_file(path, key)
    if check.status not in (VALID, UNCHECKED):  # never hand finance a copy verify would reject
        path.unlink(missing_ok=True)
        found = [c.text() for c in check.changes[:5]] + [n for n in check.notes if n.startswith("显示被改动")]
        raise SealError(f"封存副本 {path.name} 未通过自检，已删除：" + "；".join(found or check.notes))
    return SealResult(form.claim_id or "", path, digest, bool(signature), len(cells))


def _sealed_cells(
    sheet: xw.Sheet,
    values: list[list[Any]],
    first_row: int,
    first_col: int,
    formats: dict[tuple[int, int], str],
    merges: Sequence[tuple[int, int, int, int]],
    lines: range,
) -> tuple[list[list[str]], Layout]:
    """What the new sheet holds and shows (read back, not what was meant), columns widened for numbers."""
    written = sheet.used_range
    now = written.options(ndim=2).value or [[]]
    top, left = written.row, written.column
    starts = {(r1, c1): (c1, c2) for r1, c1, _r2, c2 in merges}
    cells: list[list[str]] = []
    spots: list[tuple[int, int]] = []
    needs: dict[tuple[int, int], float] = {}  # (first col, last col) of a number's cell -> width it needs
    for i, row in enumerate(now):
        for j, value in enumerate(row):
            text = canonical_value(value)
            if text is None:
                continue
            r, c = top + i, left + j
            shown = display_text(value, formats.get((r, c), "General"))
            cells.append([f"{get_column_letter(c)}{r}", text, shown or text])
            spots.append((r, c))
            if not isinstance(value, str) and shown:
                span = starts.get((r, c), (c, c))
                needs[span] = max(needs.get(span, 0.0), needed_width(shown) + 0.3)
    widths: dict[int, float] = {}
    for c in sorted({c for _, c in spots} | {c for a, b in needs for c in range(a, b + 1)}):
        widths[c] = float(sheet.range((1, c)).column_width)
    for (a, b), need in needs.items():
        have = sum(widths[c] for c in range(a, b + 1))
        if have < need:  # a number too wide for its column shows ####: the last column of its cell grows
            widths[b] += need - have + 0.5
            sheet.range((1, b)).column_width = round(widths[b], 2)
    heights: dict[int, float] = {}
    rows = sorted({r for r, _ in spots})
    block = [r for r in rows if r in lines]
    if block:  # the lines of a form share one height: one call for all of them (one per line if not)
        height = sheet.range((block[0], 1), (block[-1], 1)).row_height
        if height is not None:
            heights.update(dict.fromkeys(block, float(height)))
    for r in rows:
        if r not in heights:
            heights[r] = float(sheet.range((r, 1)).row_height)
    layout = Layout(
        widths={get_column_letter(c): round(widths[c], 2) for c in sorted({c for _, c in spots})},
        heights={str(r): round(h, 2) for r, h in sorted(heights.items())},
        merges=sorted(f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}" for r1, c1, r2, c2 in merges),
    )
    return cells, layout


def _write_record(
    sheet: xw.Sheet,
    meta: dict[str, Any],
    warnings: Sequence[str],
    cells: Sequence[Sequence[str]],
    layout: Layout,
    digest: str,
    signature: str,
) -> None:
    """The 校验记录 sheet: who, when, the digest, the warnings, then the layout and the cells two to a row,
    printed on one portrait page."""
    blank = [None, None, None, None]
    rows: list[list[Any]] = [
        ["校验记录", None, None, None],
        ["NeiQin 封存的费用报销单。财务用 neiqin verify 核对；请勿修改本表和报销单。", None, None, None],
        blank,
    ]
    rows += [[label, str(meta.get(k) or ""), None, None] for k, label in _META_LABELS.items()]
    rows += [
        [_FORMAT_LABEL, str(RECORD_VERSION), None, None],
        [_COUNT_LABEL, str(len(cells)), None, None],
        [_DIGEST_LABEL, digest, None, None],
        [_HMAC_LABEL, signature or NO_KEY, None, None],
        [_WARNINGS_LABEL, str(len(warnings)), None, None],
    ]
    rows += [[None, w, None, None] for w in warnings]
    text = json.dumps(layout.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    rows += [blank, [LAYOUT_HEADER, "封存时的列宽、行高和合并单元格（JSON，核对用，请勿修改）", None, None]]
    rows += [[None, text[i : i + 2000], None, None] for i in range(0, len(text), 2000)]
    rows += [blank, [CELLS_HEADER, "封存时的值；显示不同时为 [值, 显示]（JSON，核对用，请勿修改）", None, None]]
    entries = [
        [address, json.dumps(value if shown == value else [value, shown], ensure_ascii=False)]
        for address, value, shown in cells
    ]
    for i in range(0, len(entries), 2):
        pair = entries[i : i + 2]
        rows.append(pair[0] + (pair[1] if len(pair) > 1 else [None, None]))
    # text stays text in every program: Excel would read "2026-11-26 17:30" as a date
    sheet.range((1, 1), (len(rows), 4)).number_format = "@"
    sheet.range((1, 1)).value = rows
    sheet.range((1, 1)).font.bold = True
    sheet.range((1, 1)).font.size = 14
    sheet.range((3, 1), (len(rows), 4)).font.size = 9
    for col, width in zip("ABCD", (12, 44, 6, 44), strict=True):
        sheet.range(f"{col}1").column_width = width
    sheet.range((3, 2), (len(rows), 2)).wrap_text = True
    sheet.range((3, 4), (len(rows), 4)).wrap_text = True
    print_setup(sheet, landscape=False, pages_tall=1)  # finance prints it: one portrait page


def sealed_name(claim_id: str) -> str:
    """报销单_<报销单号>.xlsx, with characters a file name cannot hold replaced."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", claim_id).strip("._") or "无单号"
    return f"报销单_{safe}.xlsx"


def free_path(folder: Path, claim_id: str) -> Path:
    """The sealed file's path in ``folder``: 报销单_<单号>.xlsx, or _2, _3 … when that exists already
    (a claim sealed again after 财务退回): an earlier sealed copy is never overwritten."""
    first = folder / sealed_name(claim_id)
    if not first.exists():
        return first
    n = 2
    while (folder / f"{first.stem}_{n}{first.suffix}").exists():
        n += 1
    return folder / f"{first.stem}_{n}{first.suffix}"


# --------------------------------------------------------------------------- verifying


@dataclass
class Change:
    """A sealed cell that reads otherwise now: its value (``what`` = value) or only its display."""

    cell: str
    old: str | None
    new: str | None
    what: str = "value"  # value | display

    def text(self) -> str:
        old = "（空）" if self.old is None else self.old
        new = "（空）" if self.new is None else self.new
        return f"{self.cell}：{'显示 ' if self.what == 'display' else ''}{old} → {new}"


@dataclass
class Verification:
    """What ``verify`` found for one file."""

    path: Path
    status: str  # 有效 / 已被修改 / 签名无效 / 签名未核对 / 无校验记录 / 无法读取
    claim_id: str = ""
    sealed_at: str = ""
    clerk: str = ""
    signed: bool = False
    sheet: str = ""  # the form sheet the record names
    signature_checked: bool = False  # signed, and the signature matched the configured company key
    digest: str = ""
    sealed: bool = True  # False: no 校验记录 sheet at all — not a sealed claim (skipped in a folder)
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.status == VALID

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "status": self.status,
            "valid": self.valid,
            "sealed": self.sealed,
            "claim_id": self.claim_id,
            "sealed_at": self.sealed_at,
            "clerk": self.clerk,
            "signed": self.signed,
            "signature_checked": self.signature_checked,
            "changes": [{"cell": c.cell, "what": c.what, "old": c.old, "new": c.new} for c in self.changes],
            "notes": self.notes,
        }


@dataclass
class _Record:
    meta: dict[str, str]
    warnings: list[str]
    cells: list[list[str]]  # [address, value] (version 1) or [address, value, display]
    digest: str
    signature: str
    problems: list[str]
    version: int = 1
    layout: Layout | None = None


def _sparse_rows(ws: Any) -> list[list[Any]]:
    """The rows of a sheet that hold something, as lists of values — built from the cells that exist."""
    by_row: dict[int, dict[int, Any]] = {}
    for (r, c), cell in ws._cells.items():
        value = cell.value
        if value is not None:
            by_row.setdefault(r, {})[c] = str(value) if isinstance(value, list) else value
    return [[row.get(c) for c in range(1, max(row) + 1)] for _, row in sorted(by_row.items())]


def _read_record(values: list[list[Any]]) -> _Record:
    meta: dict[str, str] = {}
    warnings: list[str] = []
    cells: list[list[str]] = []
    layout_text: list[str] = []
    digest = signature = ""
    problems: list[str] = []
    version = 1
    by_label = {label: key for key, label in _META_LABELS.items()}
    mode = ""
    for row in values:
        a = row[0] if row else None
        b = row[1] if len(row) > 1 else None
        a_text = "" if a is None else str(a).strip()
        b_text = "" if b is None else str(b)
        if mode == "cells":
            for address, text in ((row + [None] * 4)[0:2], (row + [None] * 4)[2:4]):
                if address is None or not str(address).strip():
                    continue
                address = str(address).strip()
                try:
                    value = json.loads("" if text is None else str(text), strict=False)
                except json.JSONDecodeError:
                    problems.append(f"校验记录中 {address} 的值无法读取")
                    value = "" if text is None else str(text)
                if isinstance(value, list) and len(value) == 2 and version > 1:
                    cells.append([address, str(value[0]), str(value[1])])
                else:
                    value = value if isinstance(value, str) else str(value)
                    cells.append([address, value] if version == 1 else [address, value, value])
            continue
        if mode == "layout" and not a_text and b_text:
            layout_text.append(b_text)
            continue
        if mode == "warnings" and not a_text and b_text:
            warnings.append(b_text)
            continue
        mode = ""
        if a_text in by_label:
            meta[by_label[a_text]] = b_text.strip()
        elif a_text == _FORMAT_LABEL:
            version = int(b_text.strip()) if b_text.strip().isdigit() else 0
            if version not in (1, RECORD_VERSION):
                problems.append(f"校验记录的格式 {b_text.strip()} 不认识")
        elif a_text == _DIGEST_LABEL:
            digest = b_text.strip().lower()
        elif a_text == _HMAC_LABEL:
            signature = "" if b_text.strip() == NO_KEY else b_text.strip().lower()
        elif a_text == _WARNINGS_LABEL:
            mode = "warnings"
        elif a_text == LAYOUT_HEADER:
            mode = "layout"
        elif a_text == CELLS_HEADER:
            mode = "cells"
    layout = None
    if version > 1:
        try:
            layout = Layout.from_json(json.loads("".join(layout_text), strict=False))
        except (json.JSONDecodeError, ValueError, TypeError, AttributeError):
            problems.append("校验记录中的版面无法读取")
            layout = Layout()
    return _Record(meta, warnings, cells, digest, signature, problems, version, layout)


def _intact(record: _Record) -> bool:
    """The record's digest matches its content (a version-1 record read back through another program may
    hold a control character decoded: its canonical text is tried too)."""
    if record.problems:
        return False
    data = message(record.meta, record.warnings, record.cells, record.version, record.layout)
    if hashlib.sha256(data).hexdigest() == record.digest:
        return True
    if record.version == 1:
        texts = {k: canonical_text(v) for k, v in record.meta.items()}
        cells = [[a, canonical_text(v)] for a, v in record.cells]
        data = message(texts, [canonical_text(w) for w in record.warnings], cells, 1)
        return hashlib.sha256(data).hexdigest() == record.digest
    return False


def _signed_message(record: _Record) -> list[bytes]:
    """The messages a signature may have been made over (see :func:`_intact`)."""
    out = [message(record.meta, record.warnings, record.cells, record.version, record.layout)]
    if record.version == 1:
        texts = {k: canonical_text(v) for k, v in record.meta.items()}
        cells = [[a, canonical_text(v)] for a, v in record.cells]
        out.append(message(texts, [canonical_text(w) for w in record.warnings], cells, 1))
    return out


def _cell_order(address: str) -> tuple[int, int]:
    letters, row = coordinate_from_string(address)
    return row, column_index_from_string(letters)


def verify_file(path: Path, key: bytes | None = None) -> Verification:
    """Verify one file on disk: the record, the signature, every cell's value and display, the presentation."""
    path = Path(path)
    try:
        return _verify(path, key)
    except Exception as exc:  # one bad file never stops a folder: it is reported, the bug logged
        log.warning("verify %s failed", path, exc_info=True)
        return Verification(path, UNREADABLE, notes=[f"无法核对『{path.name}』（{exc.__class__.__name__}）"])


def _load(path: Path) -> tuple[Any, list[str]]:
    """The workbook (openpyxl, formulas as written, rich text kept) and the names of its parts."""
    import openpyxl

    from neiqin.engine.common import EngineError, warnings_to_log
    from neiqin.engine.ooxml import check_package, is_zip_workbook

    if not is_zip_workbook(path):
        raise SealError(f"『{path.name}』不是 .xlsx 工作簿，无法核对")
    try:
        check_package(path)
    except EngineError as exc:
        raise SealError(str(exc)) from None
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    if sum(i.file_size for i in infos) > MAX_SEALED_SIZE:
        raise SealError(f"『{path.name}』解压后超过 {MAX_SEALED_SIZE >> 20} MB，不是 NeiQin 的封存副本；未核对")
    try:
        with open(path, "rb") as fh, warnings_to_log(log):
            workbook = openpyxl.load_workbook(fh, data_only=False, rich_text=True)
    except Exception as exc:
        raise SealError(f"无法读取『{path.name}』：文件已损坏（{exc.__class__.__name__}）") from None
    return workbook, [i.filename for i in infos]


def _verify(path: Path, key: bytes | None) -> Verification:
    try:
        workbook, parts = _load(path)
    except SealError as exc:
        return Verification(path, UNREADABLE, notes=[str(exc)])
    names = workbook.sheetnames
    if RECORD_SHEET not in names:
        return Verification(
            path, NO_RECORD, sealed=False, notes=["文件中没有『校验记录』工作表：不是 NeiQin 封存的报销单"]
        )
    record = _read_record(_sparse_rows(workbook[RECORD_SHEET]))
    result = Verification(
        path,
        VALID,
        claim_id=record.meta.get("claim_id", ""),
        sealed_at=record.meta.get("time", ""),
        clerk=record.meta.get("clerk", ""),
        signed=bool(record.signature),
    )
    result.digest = record.digest
    sheet = result.sheet = record.meta.get("sheet", "")
    if not record.digest or not sheet:
        result.status = NO_RECORD
        result.notes.append("『校验记录』不完整（缺少摘要或表单工作表名）")
        return result
    if not _intact(record):
        result.status = MODIFIED
        result.notes.append("『校验记录』本身被改动过（摘要与记录的内容不符）")
    _check_signature(result, record, key)
    if sheet not in names:
        result.status = MODIFIED
        result.notes.append(f"报销单工作表『{sheet}』不见了（被删除或改名）")
        return result
    ws = workbook[sheet]
    now, format_problems = _cells_now(ws)
    then = {c[0]: c for c in record.cells}
    for address in sorted(set(now) | set(then), key=_cell_order):
        old, new = then.get(address), now.get(address)
        old_value = canonical_text(old[1]) if old else None
        new_value = new[0] if new else None
        if old_value != new_value:
            result.changes.append(Change(address, old_value, new_value))
        elif record.version > 1 and old and new and new[1] is not None and canonical_text(old[2]) != new[1]:
            result.changes.append(Change(address, canonical_text(old[2]), new[1], "display"))
    if result.changes:
        result.status = MODIFIED
    problems = structure_problems(workbook, parts, sheet) + format_problems
    spots = {_cell_order(a): shown for a, (_value, shown) in now.items()}  # (row, col) -> display
    problems += cell_problems(workbook, ws, {spot: _typed(ws, spot, shown) for spot, shown in spots.items()})
    if record.layout is not None:
        now_layout = Layout(
            widths={
                col: round(column_width(ws, column_index_from_string(col)) or 0.0, 2) for col in record.layout.widths
            },
            heights={row: round(row_height(ws, int(row)) or 0.0, 2) for row in record.layout.heights},
            merges=sorted(str(m) for m in ws.merged_cells.ranges),
        )
        problems += layout_problems(record.layout, now_layout)
    if problems:
        if result.status in (VALID, UNCHECKED):
            result.status = MODIFIED
        result.notes += [f"显示被改动：{p}" for p in problems]
    return result


def _typed(ws: Any, spot: tuple[int, int], shown: str | None) -> tuple[Any, str | None]:
    """(the cell's value as the file holds it, its display) for the presentation rules."""
    value = ws._cells[spot].value
    return (str(value) if isinstance(value, list) else value), shown


def _check_signature(result: Verification, record: _Record, key: bytes | None) -> None:
    if key is not None:
        if not record.signature:
            result.status = BAD_SIGNATURE if result.status == VALID else result.status
            result.notes.append("已配置公司密钥，但该文件封存时没有签名；请向内勤核实")
        elif not any(hmac.compare_digest(sign(m, key), record.signature) for m in _signed_message(record)):
            result.status = BAD_SIGNATURE if result.status == VALID else result.status
            result.notes.append("公司密钥签名不符：文件不是用本公司密钥封存的，或校验记录被改动")
        else:
            result.signature_checked = True
    elif record.signature:
        result.status = UNCHECKED if result.status == VALID else result.status
        result.notes.append(UNCHECKED_NOTE)
    else:
        result.notes.append("文件没有公司密钥签名：只核对了摘要（摘要任何人都能重算，重要报销请配置公司密钥）")


def _cells_now(ws: Any) -> tuple[dict[str, tuple[str, str | None]], list[str]]:
    """Every non-empty cell of the form as address -> (canonical value, display); formats not allowed."""
    now: dict[str, tuple[str, str | None]] = {}
    bad: list[str] = []
    for (r, c), cell in ws._cells.items():
        value = cell.value
        if isinstance(value, list):  # rich text
            value = str(value)
        text = canonical_value(value)
        if text is None:
            continue
        address = f"{get_column_letter(c)}{r}"
        try:
            shown = display_text(value, cell.number_format)
        except ValueError:
            shown = None
            bad.append(f"{address}「{cell.number_format}」")
        now[address] = (text, shown if shown is not None else None)
    bad.sort(key=lambda x: _cell_order(x.split("「")[0]))
    problems = [f"数字格式被改动：{'、'.join(bad[:5])}（显示的不是封存的值）"] if bad else []
    return now, problems


def structure_problems(workbook: Any, parts: Sequence[str], sheet: str) -> list[str]:
    """What in a sealed file could make finance see other values than the sealed ones, besides the value
    cells' own presentation: sheets other than the form and its record, hidden sheets, formulas, hidden
    rows or columns, conditional formats, drawings, pictures, comments and macros."""
    problems: list[str] = []
    if any(n.startswith(("xl/drawings/", "xl/comments", "xl/embeddings/", "xl/vbaProject", "xl/media/",
                         "xl/activeX/", "xl/ctrlProps/", "xl/threadedComments/")) for n in parts):  # fmt: skip
        problems.append("文件中有图形、图片、批注或宏（封存时没有）：可能遮盖或改变显示的金额")
    for ws in workbook.worksheets + list(getattr(workbook, "chartsheets", [])):
        if ws.title not in (sheet, RECORD_SHEET):
            problems.append(f"多了工作表『{ws.title}』（封存副本只有『{sheet}』和『{RECORD_SHEET}』）")
        if ws.sheet_state != "visible":
            problems.append(f"工作表『{ws.title}』被隐藏")
    for ws in workbook.worksheets:
        if ws.title not in (sheet, RECORD_SHEET):
            continue
        formulas = sorted(
            (c.coordinate for c in ws._cells.values() if c.data_type == "f"), key=lambda a: _cell_order(a)
        )
        if formulas:
            problems.append(f"『{ws.title}』{'、'.join(formulas[:5])} 是公式（封存副本只有值，公式会显示另一个结果）")
        if ws.title != sheet:
            continue
        rows = sorted(r for r, d in ws.row_dimensions.items() if d.hidden or (d.height is not None and d.height < 1))
        if rows:
            problems.append(f"第 {'、'.join(str(r) for r in rows[:8])} 行被隐藏")
        cols = [k for k, d in ws.column_dimensions.items() if d.hidden or (d.width is not None and 0 <= d.width < 0.5)]
        if cols:
            problems.append(f"{'、'.join(cols[:8])} 列被隐藏")
        if len(ws.conditional_formatting):
            problems.append("有条件格式（可能改变显示的值）")
    return problems


def verify_files(paths: Sequence[Path], key: bytes | None = None, workers: int | None = None) -> list[Verification]:
    """:func:`verify_file` for many files, on every core (a process pool) when there are many; in order."""
    paths = list(paths)
    workers = workers or min(os.cpu_count() or 1, 8)
    if workers <= 1 or len(paths) < 8:
        return [verify_file(p, key) for p in paths]
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(paths) // (workers * 8))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(verify_file, paths, [key] * len(paths), chunksize=chunk))


def write_summary(results: Sequence[Verification], path: Path, when: dt.datetime | None = None) -> Path:
    """A workbook listing every file verified: one row per file — status, claim, clerk, changes, notes."""
    from neiqin.core.sheetio import output_sheet
    from neiqin.engine import register

    when = when or dt.datetime.now().replace(microsecond=0)
    app = register().apps.add()
    book = app.books.add()
    try:
        sealed = [r for r in results if r.sealed]
        valid = sum(r.valid for r in sealed)
        rows = [
            [
                r.path.name,
                r.status if r.sealed else "跳过（不是封存的报销单）",
                r.claim_id or None,
                r.clerk or None,
                r.sealed_at or None,
                "已核对" if r.signature_checked else ("未核对" if r.signed else "无签名"),
                "\n".join(c.text() for c in r.changes[:20]) or None,
                "\n".join(r.notes) or None,
            ]
            for r in results
        ]
        sheet = book.sheets[0]
        sheet.name = "核对结果"
        output_sheet(
            book,
            "核对结果",
            f"封存报销单核对结果（{when:%Y-%m-%d %H:%M}）",
            f"共 {len(results)} 个文件：封存的报销单 {len(sealed)} 个，有效 {valid} 个，无效 {len(sealed) - valid} 个，"
            f"跳过 {len(results) - len(sealed)} 个（不是封存的报销单）。",
            ["文件", "状态", "报销单号", "内勤", "封存时间", "签名", "改动（原值 → 现值）", "说明"],
            rows,
            widths=[28, 14, 14, 8, 18, 8, 40, 60],
            wrap=[7, 8],
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(str(path))
    finally:
        book.close()
    return path


def cross_check(results: Sequence[Verification], seals: dict[str, list[dict[str, Any]]] | None = None) -> None:
    """What one file cannot show: a file named after another 报销单号, two files of one claim in one run,
    and (with the store's ``seals`` per claim) a digest NeiQin never sealed or an older sealed copy."""
    by_claim: dict[str, list[Verification]] = {}
    for r in results:
        if not r.claim_id or r.status in (NO_RECORD, UNREADABLE):
            continue
        by_claim.setdefault(r.claim_id, []).append(r)
        stem = Path(sealed_name(r.claim_id)).stem
        if not re.fullmatch(re.escape(stem) + r"(_\d+)?", r.path.stem):
            r.notes.append(f"文件名与报销单号 {r.claim_id} 不符（应为 {stem}.xlsx）：请核对是不是这张报销单")
        known = (seals or {}).get(r.claim_id) or []
        if known and r.digest:
            digests = [str(k.get("digest") or "") for k in known]
            if r.digest not in digests:
                if r.status in (VALID, UNCHECKED):
                    r.status = MODIFIED
                r.notes.append("NeiQin 数据库中没有这份封存记录（摘要不符）：不是内勤封存的副本，或被改动后重算了摘要")
            elif r.digest != digests[-1]:
                r.notes.append(f"这是报销单 {r.claim_id} 较早的封存副本；最新的是 {Path(str(known[-1]['file'])).name}")
    for claim_id, found in by_claim.items():
        if len(found) > 1:
            names = "、".join(r.path.name for r in found)
            for r in found:
                r.notes.append(f"报销单号 {claim_id} 有 {len(found)} 个文件（{names}）：同一笔报销只能付一次")


def workbook_files(folder: Path) -> list[Path]:
    """The workbooks of a folder (not its sub-folders), without Excel's ~$ lock files."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in (".xlsx", ".xlsm") and not p.name.startswith("~$")
    )
