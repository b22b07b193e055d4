"""Sealed 费用报销单 for finance: ``报销单_<报销单号>.xlsx`` = the form + a 『校验记录』 sheet.

The record holds who sealed the form, when, under which rules, the warnings that
remained, every non-empty cell of the form as (address, canonical value), a SHA-256
digest over all of that and — when a company key is configured — an HMAC-SHA256 of
the same message. ``verify`` recomputes the canonical cells of the form as the file
holds it now and reports 有效, 已被修改 (which cells, old and new value) or 无校验记录.

Canonical values survive re-saving in another spreadsheet program: numbers are
rounded to 10 decimals and written as normalised decimals (1409.5, 0.3 — never
0.30000000000000004), dates ISO (2026-11-03, or with the time to the second), text
NFC with its edge spaces stripped; empty cells are left out.

The company key never lives in a workbook: ``$NEIQIN_SEAL_KEY`` (the key itself),
``$NEIQIN_SEAL_KEY_FILE``, or ``seal_key_file`` (封存密钥文件) in the user config TOML.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.utils import get_column_letter

from neiqin.base.errors import NeiQinError
from neiqin.core.canonical import canonical_value
from neiqin.core.sheetio import print_setup, retyped

if TYPE_CHECKING:
    import xlwings as xw

    from neiqin.core.forms import Form

RECORD_SHEET = "校验记录"
RECORD_VERSION = 1
CELLS_HEADER = "单元格"
_META_LABELS = {
    "claim_id": "报销单号",
    "sheet": "表单工作表",
    "rules": "规则版本",
    "time": "封存时间",
    "clerk": "内勤",
    "version": "NeiQin 版本",
}
_DIGEST_LABEL = "摘要(SHA-256)"
_HMAC_LABEL = "公司密钥签名(HMAC-SHA256)"
_COUNT_LABEL = "单元格数"
_WARNINGS_LABEL = "剩余警告"
NO_KEY = "未配置公司密钥"

VALID, MODIFIED, NO_RECORD, BAD_SIGNATURE, UNREADABLE = "有效", "已被修改", "无校验记录", "签名无效", "无法读取"
UNCHECKED = "签名未核对"  # the file is signed, but this computer has no company key: not trusted
UNCHECKED_NOTE = "签名未核对（本机未配置公司密钥）：摘要相符，但没有密钥无法确认文件出自本公司；请配置公司密钥后再核对"

# number formats a sealed form may show (after dropping LibreOffice's backslash escapes, Excel's
# [$¥-804] currency tokens and a quoted "¥"); anything else — quoted text, ; sections, colours,
# conditions — can make a cell show another value than the one sealed
ALLOWED_FORMATS = frozenset(
    {
        "general",
        "@",
        "0",
        "0.00",
        "#,##0",
        "#,##0.00",
        "¥#,##0.00",
        "0%",
        "0.00%",
        "yyyy-mm-dd",
        "yyyy-mm-dd hh:mm",
        "yyyy-mm-dd hh:mm:ss",
        "hh:mm",
        "hh:mm:ss",
    }
)


class SealError(NeiQinError):
    """A form that cannot be sealed or a file that cannot be verified (Chinese message)."""


# --------------------------------------------------------------------------- canonical values


def canonical_cells(values: Sequence[Sequence[Any]], first_row: int = 1, first_col: int = 1) -> list[list[str]]:
    """Every non-empty cell of a range as [address, canonical value], row by row."""
    out: list[list[str]] = []
    for i, row in enumerate(values or []):
        for j, value in enumerate(row or []):
            text = canonical_value(value)
            if text is not None:
                out.append([f"{get_column_letter(first_col + j)}{first_row + i}", text])
    return out


def message(meta: dict[str, Any], warnings: Sequence[str], cells: Sequence[Sequence[str]]) -> bytes:
    """The bytes that are digested and signed."""
    payload = {
        "v": RECORD_VERSION,
        **{k: str(meta.get(k) or "") for k in _META_LABELS},
        "warnings": list(warnings),
        "cells": [list(c) for c in cells],
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
    chunks: list[str] = []
    current = ""
    for row, col in cells:
        cell = f"{get_column_letter(col)}{row}"
        if current and len(current) + 1 + len(cell) > 240:
            chunks.append(current)
            current = cell
        else:
            current = f"{current},{cell}" if current else cell
    if current:
        chunks.append(current)
    return chunks


def _merges(form: Form) -> list[tuple[int, int, int]]:
    """(row, first col, last col) to merge: a title alone in its row, and each header value over the
    empty cells up to the next label — the template's layout, found from the values alone."""
    out: list[tuple[int, int, int]] = []
    width = max((len(r) for r in form.values), default=0)
    last_col = form.first_col + width - 1
    for i, row in enumerate(form.values[:3]):
        filled = [j for j, v in enumerate(row) if v is not None]
        if filled == [0] and width > 1 and form.first_row + i < (form.header_row or 10**9):
            out.append((form.first_row + i, form.first_col, last_col))
    for ff in form.fields.values():
        end = ff.col
        while end + 1 <= last_col and form.cell(ff.row, end + 1) is None:
            end += 1
        if end > ff.col:
            out.append((ff.row, ff.col, end))
    return out


def _format_form(sheet: xw.Sheet, form: Form, widths: dict[int, float]) -> None:
    """The sealed form's look: widths, merges, the schema's number formats, bold labels, header fill, A4 landscape."""
    for row, first, last in _merges(form):
        sheet.range((row, first), (row, last)).merge()
    for col, width in widths.items():
        if width:
            sheet.range((1, col)).column_width = width
    if form.lines:
        first, last = form.lines[0].row, form.lines[-1].row
        for name, spec in form.schema.line_specs().items():
            if name not in form.columns or not spec.number_format:
                continue
            values = [ln.value.get(name) for ln in form.lines]
            if spec.number_format.endswith("%") and any(isinstance(v, (int, float)) and v > 1 for v in values):
                continue  # a rate typed as 13 (read as 13%) is shown as typed, not as 1300%
            col = form.columns[name][1]
            sheet.range((first, col), (last, col)).number_format = spec.number_format
    labels_spec = form.schema.label_specs()
    for name, ff in form.fields.items():
        spec = labels_spec[name]
        if spec.number_format and (ff.value is not None or spec.kind == "number"):
            sheet.range((ff.row, ff.col)).number_format = spec.number_format
    labels = [(ff.row, ff.col - 1) for ff in form.fields.values()]
    for address in _addresses(labels):
        sheet.range(address).font.bold = True
    if form.header_row and form.columns:
        cols = [c for _, c in form.columns.values()]
        header = sheet.range((form.header_row, min(cols)), (form.header_row, max(cols)))
        header.font.bold = True
        header.color = "#DDEBF7"
    title = sheet.range((1, 1))
    title.font.bold = True
    title.font.size = 16
    print_setup(sheet)  # landscape, one page wide, as the template


def normalise_format(number_format: str | None) -> str:
    """A number format as the allow-list compares it (LibreOffice's ``\\¥#,##0.00`` = ``¥#,##0.00``)."""
    text = unicodedata.normalize("NFKC", str(number_format or "General")).strip()
    text = re.sub(r"\[\$([^\]-]*)(-[0-9A-Fa-f]+)?\]", r"\1", text)  # [$¥-804] -> ¥
    text = text.replace('"¥"', "¥").replace("￥", "¥").replace("\\", "")
    return text.lower()


def structure_problems(path: Path, sheet: str) -> list[str]:
    """What in a sealed file could make finance see other values than the sealed ones (Chinese, one per
    problem): sheets other than the form and its record, hidden sheets, formulas, hidden rows or columns,
    conditional formats, number formats outside the allow-list, white text, drawings and comments."""
    import zipfile

    import openpyxl

    problems: list[str] = []
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        workbook = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # a file the value check could read but openpyxl cannot
        return [f"文件结构无法核对（{exc.__class__.__name__}）"]
    if any(n.startswith(("xl/drawings/", "xl/comments", "xl/embeddings/", "xl/vbaProject")) for n in names):
        problems.append("文件中有图形、批注或宏（封存时没有）：可能遮盖或改变显示的金额")
    for ws in workbook.worksheets + list(getattr(workbook, "chartsheets", [])):
        if ws.title not in (sheet, RECORD_SHEET):
            problems.append(f"多了工作表『{ws.title}』（封存副本只有『{sheet}』和『{RECORD_SHEET}』）")
        if ws.sheet_state != "visible":
            problems.append(f"工作表『{ws.title}』被隐藏")
    for ws in workbook.worksheets:
        if ws.title not in (sheet, RECORD_SHEET):
            continue
        formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
        if formulas:
            problems.append(f"『{ws.title}』{'、'.join(formulas[:5])} 是公式（封存副本只有值，公式会显示另一个结果）")
        if ws.title != sheet:
            continue
        rows = [str(r) for r, d in ws.row_dimensions.items() if d.hidden or (d.height is not None and d.height < 1)]
        if rows:
            problems.append(f"第 {'、'.join(rows[:8])} 行被隐藏")
        cols = [k for k, d in ws.column_dimensions.items() if d.hidden or (d.width is not None and 0 <= d.width < 0.5)]
        if cols:
            problems.append(f"{'、'.join(cols[:8])} 列被隐藏")
        if len(ws.conditional_formatting):
            problems.append("有条件格式（可能改变显示的值）")
        formats, white = [], []
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                if normalise_format(c.number_format) not in ALLOWED_FORMATS:
                    formats.append(f"{c.coordinate}「{c.number_format}」")
                color = c.font.color if c.font is not None else None
                if color is not None and color.type == "rgb" and str(color.rgb).upper()[-6:] == "FFFFFF":
                    white.append(c.coordinate)
        if formats:
            problems.append(f"数字格式被改动：{'、'.join(formats[:5])}（显示的不是封存的值）")
        if white:
            problems.append(f"{'、'.join(white[:5])} 的文字是白色（看不见）")
    return problems


def _write_record(
    sheet: xw.Sheet,
    meta: dict[str, Any],
    warnings: Sequence[str],
    cells: Sequence[Sequence[str]],
    digest: str,
    signature: str,
) -> None:
    rows: list[list[Any]] = [
        ["校验记录", None],
        ["NeiQin 封存的费用报销单。财务用 neiqin verify 核对；请勿修改本表和报销单。", None],
        [None, None],
    ]
    rows += [[label, str(meta.get(key) or "")] for key, label in _META_LABELS.items()]
    rows += [
        [_COUNT_LABEL, str(len(cells))],
        [_DIGEST_LABEL, digest],
        [_HMAC_LABEL, signature or NO_KEY],
        [_WARNINGS_LABEL, str(len(warnings))],
    ]
    rows += [[None, w] for w in warnings]
    rows += [[None, None], [CELLS_HEADER, "封存时的值（JSON，核对用，请勿修改）"]]
    rows += [[address, json.dumps(value, ensure_ascii=False)] for address, value in cells]
    # text stays text in every program: Excel would read "2026-11-26 17:30" as a date
    sheet.range((1, 1), (len(rows), 2)).number_format = "@"
    sheet.range((1, 1)).value = rows
    sheet.range((1, 1)).font.bold = True
    sheet.range((1, 1)).font.size = 14
    sheet.range((1, 1)).column_width = 26
    sheet.range((1, 2)).column_width = 90


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

    ``rules_version`` names the rules the form was checked by (recorded in 校验记录)."""
    from neiqin import __version__

    src = book.sheets[form.sheet]
    used = src.used_range
    values = used.options(ndim=2).value or [[]]
    first_row, first_col = used.row, used.column
    ncols = max((len(r) for r in values), default=0)
    widths = {first_col + j: src.range((1, first_col + j)).column_width for j in range(ncols)}
    new = book.app.books.add()
    try:
        target = new.sheets[0]
        target.name = form.sheet
        # digit-only 发票代码/发票号码 stay text: their columns over the lines in one call each, so the
        # calls do not grow with the lines; other text Excel would convert, cell by cell
        text_columns = [form.columns[n][1] for n in ("code", "number") if n in form.columns] if form.lines else []
        line_rows = range(form.lines[0].row, form.lines[-1].row + 1) if form.lines else range(0)
        for col in text_columns:
            target.range((line_rows.start, col), (line_rows.stop - 1, col)).number_format = "@"
        text_cells = [
            (first_row + i, first_col + j)
            for i, row in enumerate(values)
            for j, v in enumerate(row)
            if isinstance(v, str)
            and retyped(v)  # Excel would make it a formula, number or date
            and not (first_row + i in line_rows and first_col + j in text_columns)
        ]
        for address in _addresses(text_cells):
            target.range(address).number_format = "@"
        target.range((first_row, first_col)).value = values
        _format_form(target, form, widths)
        # seal what the new file holds (read back), not what was meant to be written
        written = target.used_range
        cells = canonical_cells(written.options(ndim=2).value or [[]], written.row, written.column)
        meta = {
            "claim_id": form.claim_id or "",
            "sheet": form.sheet,
            "rules": rules_version,
            "time": when.strftime("%Y-%m-%d %H:%M:%S"),
            "clerk": clerk,
            "version": __version__,
        }
        data = message(meta, warnings, cells)
        digest = hashlib.sha256(data).hexdigest()
        signature = sign(data, key)
        record = new.sheets.add(RECORD_SHEET, after=target)
        _write_record(record, meta, warnings, cells, digest, signature)
        for other in list(new.sheets):
            if other.name not in (form.sheet, RECORD_SHEET):
                other.delete()
        target.activate()
        path.parent.mkdir(parents=True, exist_ok=True)
        new.save(str(path))
    finally:
        new.close()
    if os.name == "posix":  # finance reads the file on a share: as any new file, not 0600
        mask = os.umask(0)
        os.umask(mask)
        path.chmod(0o666 & ~mask)
    problems = structure_problems(path, form.sheet) if path.suffix.lower() == ".xlsx" else []
    if problems:  # never hand finance a copy verify would reject
        path.unlink(missing_ok=True)
        raise SealError(f"封存副本 {path.name} 未通过自检，已删除：" + "；".join(problems))
    return SealResult(form.claim_id or "", path, digest, bool(signature), len(cells))


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
    cell: str
    old: str | None
    new: str | None

    def text(self) -> str:
        old = "（空）" if self.old is None else self.old
        new = "（空）" if self.new is None else self.new
        return f"{self.cell}：{old} → {new}"


@dataclass
class Verification:
    """What ``verify`` found for one file."""

    path: Path
    status: str  # 有效 / 已被修改 / 签名无效 / 无校验记录 / 无法读取
    claim_id: str = ""
    sealed_at: str = ""
    clerk: str = ""
    signed: bool = False
    sheet: str = ""  # the form sheet the record names
    signature_checked: bool = False  # signed, and the signature matched the configured company key
    digest: str = ""
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
            "claim_id": self.claim_id,
            "sealed_at": self.sealed_at,
            "clerk": self.clerk,
            "signed": self.signed,
            "signature_checked": self.signature_checked,
            "changes": [{"cell": c.cell, "old": c.old, "new": c.new} for c in self.changes],
            "notes": self.notes,
        }


@dataclass
class _Record:
    meta: dict[str, str]
    warnings: list[str]
    cells: list[list[str]]
    digest: str
    signature: str
    problems: list[str]


def _read_record(values: list[list[Any]]) -> _Record:
    meta: dict[str, str] = {}
    warnings: list[str] = []
    cells: list[list[str]] = []
    digest = signature = ""
    problems: list[str] = []
    by_label = {label: key for key, label in _META_LABELS.items()}
    mode = ""
    for row in values:
        a = row[0] if row else None
        b = row[1] if len(row) > 1 else None
        a_text = "" if a is None else str(a).strip()
        b_text = "" if b is None else str(b)
        if mode == "cells":
            if not a_text:
                continue
            try:
                value = json.loads(b_text)
            except json.JSONDecodeError:
                problems.append(f"校验记录中 {a_text} 的值无法读取")
                value = b_text
            cells.append([a_text, value if isinstance(value, str) else str(value)])
            continue
        if mode == "warnings" and not a_text and b_text:
            warnings.append(b_text)
            continue
        mode = ""
        if a_text in by_label:
            meta[by_label[a_text]] = b_text.strip()
        elif a_text == _DIGEST_LABEL:
            digest = b_text.strip().lower()
        elif a_text == _HMAC_LABEL:
            signature = "" if b_text.strip() == NO_KEY else b_text.strip().lower()
        elif a_text == _WARNINGS_LABEL:
            mode = "warnings"
        elif a_text == CELLS_HEADER:
            mode = "cells"
    return _Record(meta, warnings, cells, digest, signature, problems)


def verify_book(book: xw.Book, path: Path, key: bytes | None = None) -> Verification:
    """Verify an open workbook (a sealed copy)."""
    names = [s.name for s in book.sheets]
    if RECORD_SHEET not in names:
        return Verification(path, NO_RECORD, notes=["文件中没有『校验记录』工作表：不是 NeiQin 封存的报销单"])
    record = _read_record(book.sheets[RECORD_SHEET].used_range.options(ndim=2).value or [[]])
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
    data = message(record.meta, record.warnings, record.cells)
    record_intact = hashlib.sha256(data).hexdigest() == record.digest and not record.problems
    if not record_intact:
        result.status = MODIFIED
        result.notes.append("『校验记录』本身被改动过（摘要与记录的内容不符）")
    if key is not None:
        if not record.signature:
            result.status = BAD_SIGNATURE if result.status == VALID else result.status
            result.notes.append("已配置公司密钥，但该文件封存时没有签名；请向内勤核实")
        elif not hmac.compare_digest(sign(data, key), record.signature):
            result.status = BAD_SIGNATURE if result.status == VALID else result.status
            result.notes.append("公司密钥签名不符：文件不是用本公司密钥封存的，或校验记录被改动")
        else:
            result.signature_checked = True
    elif record.signature:
        result.status = UNCHECKED if result.status == VALID else result.status
        result.notes.append(UNCHECKED_NOTE)
    else:
        result.notes.append("文件没有公司密钥签名：只核对了摘要（摘要任何人都能重算，重要报销请配置公司密钥）")
    if sheet not in names:
        result.status = MODIFIED
        result.notes.append(f"报销单工作表『{sheet}』不见了（被删除或改名）")
        return result
    used = book.sheets[sheet].used_range
    now = dict(canonical_cells(used.options(ndim=2).value or [[]], used.row, used.column))
    then = dict(record.cells)
    for address in sorted(set(now) | set(then), key=_cell_order):
        if now.get(address) != then.get(address):
            result.changes.append(Change(address, then.get(address), now.get(address)))
    if result.changes:
        result.status = MODIFIED
    return result


def _check_structure(result: Verification, path: Path, sheet: str) -> None:
    problems = structure_problems(path, sheet)
    if problems:
        if result.status in (VALID, UNCHECKED):
            result.status = MODIFIED
        result.notes += [f"显示被改动：{p}" for p in problems]


def _cell_order(address: str) -> tuple[int, int]:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(address)
    return row, column_index_from_string(letters)


def verify_file(path: Path, key: bytes | None = None) -> Verification:
    """Verify one file on disk (headless)."""
    from neiqin.engine import open_book

    try:
        book = open_book(path, engine="headless")
    except (NeiQinError, OSError) as exc:
        return Verification(path, UNREADABLE, notes=[str(exc)])
    try:
        result = verify_book(book, path, key)
    finally:
        book.close()
    if result.status != NO_RECORD and result.sheet and path.suffix.lower() in (".xlsx", ".xlsm"):
        _check_structure(result, path, result.sheet)
    return result


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
