"""The workbook file as an OPC zip package: what openpyxl does not keep, we do.

openpyxl rewrites the package on save. It keeps the VBA project (``keep_vba``) and
copies ``customUI/*`` parts, but it drops the package relationship that makes
Excel load the ribbon, and it decides the workbook content type from its own
flags. :func:`restore_package` puts back what the original package had and the
rewritten one lost; :func:`inventory` lets the engine tell the clerk when a save
still loses something (shapes, slicers …) instead of losing it silently.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _defused_fromstring

from neiqin.engine.common import MAX_COLUMNS, MAX_ROWS, EngineError

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OFFICE_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'

WORKBOOK_CT = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ".xltx": "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    ".xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
    ".xlam": "application/vnd.ms-excel.addin.macroEnabled.main+xml",
}
MACRO_EXTENSIONS = {".xlsm", ".xltm", ".xlam"}
WRITABLE_EXTENSIONS = set(WORKBOOK_CT)
# the most cells calamine may lay out densely for one sheet (it allocates every cell of the
# sheet's extent: a value in XFD1048576 would ask for 17 billion); larger sheets are read sparsely
GRID_LIMIT = 20_000_000
# the most cells a sheet read in row blocks (neiqin.engine.blocks) may lay out, and a range read of it
# give: Excel's maximum row count × 48 columns (other range reads stop at GRID_LIMIT)
READ_CELL_LIMIT = 1_048_576 * 48
# no part of a workbook NeiQin can handle is bigger (a zip bomb is refused before it is unpacked)
MAX_PART_SIZE = 2 << 30

# Package relationships openpyxl writes itself; any other one is restored.
_OPENPYXL_PACKAGE_RELS = {
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties",
}

ERROR_VALUES = (
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#CONNECT!",
    "#BUSY!",
    "#UNKNOWN!",
    "#PYTHON!",
)

_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>([^<]*)<")


def parse_xml(data: bytes | str) -> ET.Element:
    """An XML part of a package, parsed with entity expansion and external references refused.

    Raises ``ET.ParseError`` for malformed XML and for forbidden constructs alike.
    """
    try:
        return _defused_fromstring(data)
    except DefusedXmlException as exc:
        raise ET.ParseError(f"forbidden XML construct: {exc}") from None


def package_xml(root: ET.Element) -> bytes:
    """A package part ([Content_Types].xml, a .rels) as Excel writes it: its namespace the default one, no ``ns0:``."""
    if root.tag.startswith("{"):
        # ET's default_namespace= refuses unqualified attributes: register the part's namespace instead
        ET.register_namespace("", root.tag[1:].split("}", 1)[0])
    return XML_DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8")


def normalized_xml(data: bytes) -> bytes:
    """An XML part in one canonical form (C14N 2.0 after Excel's declaration), whoever serialised it.

    openpyxl writes other bytes when lxml is installed (``<v></v>`` for ``<v/>``, attribute quotes,
    declarations): the build normalises every XML part so that its output depends on nothing else.
    """
    return XML_DECLARATION + ET.canonicalize(data.decode("utf-8")).encode("utf-8")


def is_zip_workbook(path: str | os.PathLike[str]) -> bool:
    """True for an OOXML workbook (xlsx, xlsm, xltx, xltm, xlam): a zip with a workbook part."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def check_package(path: str | os.PathLike[str]) -> None:
    """Refuse, with a Chinese message, a package whose parts Excel would never write: entities or
    DOCTYPEs in the package parts (billion laughs), a part that unpacks to more than 2 GB.

    The package's own small parts are parsed here (defusedxml); openpyxl parses the rest with
    defusedxml too, since it is installed.
    """
    name = Path(path).name
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.file_size > MAX_PART_SIZE:
                    raise EngineError(f"『{name}』中的 {info.filename} 解压后超过 2 GB，不像是 Excel 工作簿；未打开它")
            for part in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
                try:
                    data = zf.read(part)
                except KeyError:
                    continue
                if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                    raise EngineError(
                        f"『{name}』的 {part} 含有 DOCTYPE/ENTITY 声明（Excel 不会写出），可能是伪造或损坏的文件；"
                        "未打开它。请用 Excel 打开确认，另存为 .xlsx 后再试"
                    )
                parse_xml(data)
    except EngineError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, ET.ParseError, RuntimeError) as exc:
        raise EngineError(
            f"无法读取『{name}』：文件已损坏（{type(exc).__name__}）；请用 Excel 打开确认，另存为 .xlsx 后再试"
        ) from None


_ROW_TAG = re.compile(rb'row\b[^<>]*? r="(\d+)"')
# (r=" after any whitespace, or none: a pattern that starts with a literal is searched fast, and a crafted
# file that puts a tab before r= is measured all the same)
_WIDE_COLUMN_REF = re.compile(rb'r="([A-Za-z]{2,4})\d')


def sheet_extent(path: str | os.PathLike[str], sheet_name: str) -> tuple[int, int, bool] | None:
    """How far the cells of a sheet reach, as (rows, columns) from A1 — what a dense read lays out —
    and whether the sheet XML declares a DOCTYPE (Excel never writes one).

    The part is scanned for its real cells (its ``<dimension>`` is not taken at its word: a crafted file
    declares A1:C3 and puts a value in XFD1048576). None when the package or sheet cannot be read this way.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            part = sheet_parts(zf).get(sheet_name)
            if not part:
                return None
            info = zf.getinfo(part)
            if info.file_size > MAX_PART_SIZE:
                return (MAX_ROWS, MAX_COLUMNS, False)
            data = zf.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, ET.ParseError, RuntimeError):
        return None
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return (0, 0, True)
    # An upper bound is all the size check needs, and it must be cheap on a 100 MB part: the last row
    # of the row tags and any reference (a row's or a cell's) to a row after it, and the widest column
    # among the references with two or more letters (a sheet whose references all have one letter is
    # at most 26 columns wide). Simple byte patterns, no per-cell Python work.
    last = max(map(int, _ROW_TAG.findall(data)), default=0)
    rows = max([last, *map(int, rows_outside(1, max(last, 1)).findall(data))])
    wide = {letters.upper() for letters in _WIDE_COLUMN_REF.findall(data)}
    cols = max((_col_number(letters) for letters in wide), default=0) or (26 if rows else 0)
    return rows, cols, False


def _greater(n: int) -> list[bytes]:
    """Patterns of the decimal numbers (no leading zero) greater than ``n``."""
    digits = str(n)
    out = [rb"[1-9]\d{%d,}" % len(digits)]  # longer
    for i, d in enumerate(digits):
        if d != "9":
            out.append(digits[:i].encode() + b"[%d-9]" % (int(d) + 1) + rb"\d" * (len(digits) - i - 1))
    return out


def _smaller(n: int) -> list[bytes]:
    """Patterns of the decimal numbers (no leading zero) from 1 to ``n`` - 1."""
    digits = str(n)
    out = [rb"[1-9]\d{0,%d}" % (len(digits) - 2)] if len(digits) > 1 else []  # shorter
    for i, d in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(d) > low:
            out.append(digits[:i].encode() + b"[%d-%d]" % (low, int(d) - 1) + rb"\d" * (len(digits) - i - 1))
    return out


def rows_outside(first: int, last: int, letters: int = 0) -> re.Pattern[bytes]:
    """A reference (a row's r="7", a cell's r="AB7") to a row before ``first`` or after ``last``; its group is
    the row number. One scan of a sheet's XML finds the cells that reach beyond its rows (none, in a sheet
    Excel wrote) without turning every reference into a number. ``letters``: only references of cells with
    at least that many column letters."""
    numbers = b"|".join([*_greater(last), *_smaller(first)])
    return re.compile(rb'r="[A-Za-z]{%d,3}0*(' % letters + numbers + rb')"')  # (a literal first: a fast search)


def has_vba(path: str | os.PathLike[str]) -> bool:
    """True when the package holds a VBA project."""
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.lower().endswith("vbaproject.bin") for n in zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> part name inside the package."""
    wb = parse_xml(zf.read("xl/workbook.xml"))
    rels = parse_xml(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{REL_NS}}}Relationship")}
    parts = {}
    for sheet in wb.iter(f"{{{MAIN_NS}}}sheet"):
        rid = sheet.get(f"{{{OFFICE_REL_NS}}}id")
        target = targets.get(rid, "")
        if target.startswith("/"):
            part = target.lstrip("/")
        else:
            part = os.path.normpath(os.path.join("xl", target)).replace(os.sep, "/")
        parts[sheet.get("name", "")] = part
    return parts


# merged areas of the sheets error_cells scanned: (path, sheet, mtime, size) -> refs
_MERGES: dict[tuple[str, str, float, int], list[str]] = {}
# error cells of the sheets read in blocks (neiqin.engine.blocks found them on the way): same key
_ERRORS: dict[tuple[str, str, float, int], dict[tuple[int, int], str]] = {}


def remember_scan(
    path: str | os.PathLike[str], sheet_name: str, errors: dict[tuple[int, int], str], merges: list[str]
) -> None:
    """Keep what a reader of the whole sheet XML found (its error cells and merged areas), so that
    :func:`error_cells` and :func:`merged_refs` do not unpack the sheet again."""
    stat = os.stat(path)
    key = (os.fspath(path), sheet_name, stat.st_mtime, stat.st_size)
    _MERGES[key], _ERRORS[key] = merges, errors


_MERGE_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"')
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s")


def merge_refs(data: bytes) -> list[str]:
    """The merged areas ("A1:B3") listed in a sheet's XML (or the part of it after its rows)."""
    start = data.rfind(b"<mergeCells")
    at = data.rfind(b":mergeCells")  # <x:mergeCells (the Open XML SDK's prefix), not its end tag
    while at > start:
        tag = data.rfind(b"<", 0, at)
        if data[tag + 1 : tag + 2] != b"/":
            start = tag
            break
        at = data.rfind(b":mergeCells", 0, tag)
    return [r.decode() for r in _MERGE_REF.findall(data, start)] if start != -1 else []


def merged_refs(path: str | os.PathLike[str], sheet_name: str) -> list[str]:
    """The merged areas ("A1:B3") of a sheet: those an earlier :func:`error_cells` scan of the same
    file noted, else read from the sheet's XML (a byte search, no parse)."""
    try:
        stat = os.stat(path)
        known = _MERGES.get((os.fspath(path), sheet_name, stat.st_mtime, stat.st_size))
        if known is not None:
            return known
        with zipfile.ZipFile(path) as zf:
            part = sheet_parts(zf).get(sheet_name)
            return merge_refs(zf.read(part)) if part else []
    except (zipfile.BadZipFile, KeyError, OSError, ET.ParseError):
        return []


def error_cells(path: str | os.PathLike[str], sheet_name: str) -> dict[tuple[int, int], str]:
    """Cells holding an Excel error value (``t="e"``), as {(row, col): "#N/A"}.

    python-calamine reads error cells as empty; this scan finds them without a
    second full parse: it only looks at the few places where ``t="e"`` occurs.
    The same pass notes the sheet's merged areas (see :func:`merged_refs`), so a
    reader that needs them does not decompress the sheet again.
    """
    found: dict[tuple[int, int], str] = {}
    try:
        stat = os.stat(path)
        known = _ERRORS.get((os.fspath(path), sheet_name, stat.st_mtime, stat.st_size))
        if known is not None:
            return dict(known)
        with zipfile.ZipFile(path) as zf:
            part = sheet_parts(zf).get(sheet_name)
            if not part:
                return found
            data = zf.read(part)
    except (zipfile.BadZipFile, KeyError, OSError, ET.ParseError):
        return found
    _MERGES[(os.fspath(path), sheet_name, stat.st_mtime, stat.st_size)] = merge_refs(data)
    scan_error_cells(data, found)
    return found


def scan_error_cells(data: bytes, found: dict[tuple[int, int], str]) -> None:
    """Add the error cells of some sheet XML (whole rows of it) to ``found``: {(row, col): "#N/A"}.

    A cell is an error cell when its start tag says ``t="e"`` (a text that contains those letters is not);
    its value is the ``<v>`` that follows within the cell. Only the places where ``t="e"`` occurs are looked
    at, each within a few KB, so a text full of them costs no more than its length.
    """
    for marker in (b't="e"', b"t='e'"):
        pos = data.find(marker)
        while pos != -1:
            start = data.rfind(b"<", max(0, pos - 4096), pos)
            end = data.find(b">", pos, pos + 4096)
            if (
                start != -1
                and end != -1
                and data[pos - 1 : pos].isspace()
                and data.find(b">", start, pos) == -1
                and _CELL_TAG.match(data, start)
            ):
                ref = _CELL_REF.search(data, start, end)
                if ref:
                    close = data.find(b"c>", end, end + 4096)  # </c> or </x:c>: an error value is short
                    value = _VALUE.search(data, end, close if close != -1 else end + 4096)
                    found[(int(ref.group(2)), _col_number(ref.group(1)))] = (
                        value.group(1).decode("utf-8", "replace") if value else "#N/A"
                    )
            pos = data.find(marker, pos + 5)


def _read_xml(zf: zipfile.ZipFile, name: str) -> ET.Element | None:
    try:
        return parse_xml(zf.read(name))
    except KeyError:
        return None


def restore_package(
    original: Path | None,
    written: Path,
    target_suffix: str,
    cached: dict[str, dict[tuple[int, int], Any]] | None = None,
    lazy: dict[str, tuple[Any, int]] | None = None,
    strings: bytes | None = None,
) -> tuple[Counter[str], Counter[str]]:
    """Rewrite ``written`` in place so it keeps what ``original`` had and openpyxl dropped;
    return the :func:`inventory` of ``original`` (empty without one) and of the result, counted
    from the parts already in memory (a big sheet is not decompressed again).

    - package relationships other than openpyxl's own (the ribbon's customUI, …)
      and the parts they point to;
    - content types of restored parts;
    - the workbook content type that matches the file extension and the presence
      of a VBA project (Excel refuses an .xlsm typed as .xlsx and vice versa);
    - the relationships of parts openpyxl copied unchanged (the VBA project's digital
      signature hangs off ``xl/_rels/vbaProject.bin.rels``) and the parts they point to;
    - the untouched rows of lazy sheets (``lazy``: {sheet name: (LazySheet, columns)}), spliced
      into the sheets openpyxl wrote, and the original shared strings (``strings``) they refer to.
    """
    with zipfile.ZipFile(written) as new:
        new_names = new.namelist()
        new_parts = {n: new.read(n) for n in new_names}
    orig_parts: dict[str, bytes] = {}
    if original is not None and original.exists() and zipfile.is_zipfile(original):
        try:
            with zipfile.ZipFile(original) as old:
                orig_parts = {n: old.read(n) for n in old.namelist()}
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
            raise EngineError(
                f"原文件『{original.name}』已损坏（{exc}），NeiQin 无法保留其中的全部内容，结果未保存；"
                "请用 Excel 打开它并另存为 .xlsx 后重新运行"
            ) from None

    changed = False
    ct_root = parse_xml(new_parts["[Content_Types].xml"])
    overrides = {o.get("PartName"): o for o in ct_root.iter(f"{{{CT_NS}}}Override")}
    defaults = {d.get("Extension", "").lower() for d in ct_root.iter(f"{{{CT_NS}}}Default")}
    if lazy:
        changed |= _splice_lazy(new_parts, lazy, strings, ct_root, overrides)

    if orig_parts:
        old_rels = parse_xml(orig_parts["_rels/.rels"]) if "_rels/.rels" in orig_parts else None
        new_rels = parse_xml(new_parts["_rels/.rels"])
        have = {(r.get("Type"), r.get("Target", "").lstrip("/")) for r in new_rels}
        ids = {r.get("Id") for r in new_rels}
        old_ct = parse_xml(orig_parts["[Content_Types].xml"])
        old_overrides = {o.get("PartName"): o for o in old_ct.iter(f"{{{CT_NS}}}Override")}
        old_defaults = {d.get("Extension", "").lower(): d for d in old_ct.iter(f"{{{CT_NS}}}Default")}
        for rel in list(old_rels) if old_rels is not None else []:
            rtype, target = rel.get("Type"), rel.get("Target", "").lstrip("/")
            if rtype in _OPENPYXL_PACKAGE_RELS or (rtype, target) in have:
                continue
            if target not in orig_parts:
                continue
            rid = rel.get("Id")
            n = 1
            while rid in ids:
                rid = f"rIdNq{n}"
                n += 1
            ids.add(rid)
            ET.SubElement(new_rels, f"{{{REL_NS}}}Relationship", Id=rid, Type=rtype, Target=target)
            have.add((rtype, target))
            # the part itself and everything beside it (customUI/_rels, images)
            folder = target.rsplit("/", 1)[0] + "/" if "/" in target else target
            for name, data in orig_parts.items():
                if name == target or (folder != target and name.startswith(folder)):
                    if name not in new_parts:
                        new_parts[name] = data
                    if "/" + name in old_overrides and "/" + name not in overrides:
                        o = old_overrides["/" + name]
                        overrides["/" + name] = ET.SubElement(ct_root, f"{{{CT_NS}}}Override", dict(o.attrib))
                    ext = name.rsplit(".", 1)[-1].lower()
                    if ext not in defaults and ext in old_defaults:
                        ET.SubElement(ct_root, f"{{{CT_NS}}}Default", dict(old_defaults[ext].attrib))
                        defaults.add(ext)
            changed = True
        if changed:
            new_parts["_rels/.rels"] = package_xml(new_rels)
        changed |= _restore_part_rels(orig_parts, new_parts, ct_root, overrides, defaults, old_overrides, old_defaults)

    has_project = any(n.lower() == "xl/vbaproject.bin" for n in new_parts)
    suffix = target_suffix.lower()
    wanted = WORKBOOK_CT.get(suffix)
    if wanted and suffix in {".xlsx", ".xltx"} and has_project:
        wanted = None  # never strip a VBA project silently: keep what openpyxl chose
    wb_override = overrides.get("/xl/workbook.xml")
    if wanted and wb_override is not None and wb_override.get("ContentType") != wanted:
        wb_override.set("ContentType", wanted)
        changed = True
    if has_project and "bin" not in defaults and "/xl/vbaProject.bin" not in overrides:
        ET.SubElement(
            ct_root,
            f"{{{CT_NS}}}Default",
            Extension="bin",
            ContentType="application/vnd.ms-office.vbaProject",
        )
        changed = True

    if cached:
        changed |= _put_cached_values(new_parts, cached)
    if orig_parts:
        changed |= _restore_note_display(orig_parts, new_parts)

    counts = (_inventory(orig_parts, orig_parts.__getitem__), _inventory(new_parts, new_parts.__getitem__))
    if not changed:
        return counts
    new_parts["[Content_Types].xml"] = package_xml(ct_root)
    order = ["[Content_Types].xml", "_rels/.rels"]
    names = (
        order
        + [n for n in new_names if n not in order]
        + [n for n in new_parts if n not in new_names and n not in order]
    )
    tmp = written.with_name(written.name + ".pkg")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for name in names:
            if name in new_parts:
                data = new_parts[name]
                # a big sheet compresses at the fastest level: seconds saved, a few percent of size spent
                out.writestr(name, data, compresslevel=1 if len(data) > BIG_PART else None)
    os.replace(tmp, written)
    return counts


_VML_SHAPE = re.compile(rb"<(\w+):shape\b[^>]*>.*?</\1:shape>", re.S)
_VML_ROW = re.compile(rb"<\w+:Row>(\d+)</\w+:Row>")
_VML_COL = re.compile(rb"<\w+:Column>(\d+)</\w+:Column>")
_VML_STYLE = re.compile(rb'\sstyle="([^"]*)"')
_VML_VISIBLE = re.compile(rb"<\w+:Visible\s*/>")
_VML_CLIENT_END = re.compile(rb"</(\w+):ClientData>")
_COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
_VML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"


def _sheet_note_parts(parts: dict[str, bytes]) -> dict[str, tuple[str, str]]:
    """Sheet name -> (comments part, legacy VML part) of sheets that have notes."""
    out: dict[str, tuple[str, str]] = {}
    try:
        wb = parse_xml(parts["xl/workbook.xml"])
        rels = parse_xml(parts["xl/_rels/workbook.xml.rels"])
    except (KeyError, ET.ParseError):
        return out
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{REL_NS}}}Relationship")}

    def resolve(folder: str, target: str) -> str:
        return (
            target.lstrip("/")
            if target.startswith("/")
            else os.path.normpath(f"{folder}/{target}").replace(os.sep, "/")
        )

    for sheet in wb.iter(f"{{{MAIN_NS}}}sheet"):
        part = resolve("xl", targets.get(sheet.get(f"{{{OFFICE_REL_NS}}}id"), ""))
        folder, base = part.rsplit("/", 1) if "/" in part else ("", part)
        try:
            srels = parse_xml(parts[f"{folder}/_rels/{base}.rels"])
        except (KeyError, ET.ParseError):
            continue
        comments = vml = ""
        for rel in srels.iter(f"{{{REL_NS}}}Relationship"):
            if rel.get("Type") == _COMMENTS_REL:
                comments = resolve(folder, rel.get("Target", ""))
            elif rel.get("Type") == _VML_REL:
                vml = resolve(folder, rel.get("Target", ""))
        if comments in parts and vml in parts:
            out[sheet.get("name", "")] = (comments, vml)
    return out


def _note_texts(data: bytes) -> dict[tuple[int, int], str]:
    out: dict[tuple[int, int], str] = {}
    try:
        root = parse_xml(data)
    except ET.ParseError:
        return out
    for comment in root.iter(f"{{{MAIN_NS}}}comment"):
        m = re.fullmatch(r"([A-Z]{1,3})(\d+)", comment.get("ref", ""))
        if m:
            key = (int(m.group(2)), _col_number(m.group(1).encode()))
            out[key] = "".join(t.text or "" for t in comment.iter(f"{{{MAIN_NS}}}t"))
    return out


def _note_shapes(data: bytes) -> dict[tuple[int, int], re.Match[bytes]]:
    """VML note shapes by (row, col), 1-based."""
    out = {}
    for m in _VML_SHAPE.finditer(data):
        shape = m.group(0)
        row, col = _VML_ROW.search(shape), _VML_COL.search(shape)
        if b'ObjectType="Note"' in shape and row and col:
            out[(int(row.group(1)) + 1, int(col.group(1)) + 1)] = m
    return out


def _restore_note_display(orig_parts: dict[str, bytes], new_parts: dict[str, bytes]) -> bool:
    """Notes the clerk set to 'Show' (and their size and place) stay so when their text is unchanged.

    openpyxl writes every note hidden and at a default size; NeiQin's own notes keep those.
    """
    changed = False
    old_sheets = _sheet_note_parts(orig_parts)
    for name, (comments, vml) in _sheet_note_parts(new_parts).items():
        if name not in old_sheets:
            continue
        old_comments, old_vml = old_sheets[name]
        old_texts, new_texts = _note_texts(orig_parts[old_comments]), _note_texts(new_parts[comments])
        old_shapes = _note_shapes(orig_parts[old_vml])
        data = new_parts[vml]
        pieces, last = [], 0
        for key, m in sorted(_note_shapes(data).items(), key=lambda item: item[1].start()):
            old = old_shapes.get(key)
            if old is None or key not in old_texts or old_texts[key] != new_texts.get(key):
                continue
            old_style = _VML_STYLE.search(old.group(0))
            shape = m.group(0)
            if old_style is not None:
                shape = _VML_STYLE.sub(lambda _m, s=old_style.group(1): b' style="' + s + b'"', shape, count=1)
            if _VML_VISIBLE.search(old.group(0)) and not _VML_VISIBLE.search(shape):
                shape = _VML_CLIENT_END.sub(
                    lambda e: b"<%s:Visible/></%s:ClientData>" % (e.group(1), e.group(1)), shape, 1
                )
            if shape != m.group(0):
                pieces += [data[last : m.start()], shape]
                last = m.end()
        if pieces:
            new_parts[vml] = b"".join(pieces) + data[last:]
            changed = True
    return changed


_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"([^>]*)><f>([^<]*)</f>(?:<v ?/>|<v></v>)</c>')


BIG_PART = 8 << 20


def _sheet_part_names(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> its part in a package held in memory."""
    wb = parse_xml(parts["xl/workbook.xml"])
    rels = parse_xml(parts["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{REL_NS}}}Relationship")}
    out = {}
    for sheet in wb.iter(f"{{{MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{OFFICE_REL_NS}}}id"), "")
        if target.startswith("/"):
            out[sheet.get("name", "")] = target.lstrip("/")
        elif target:
            out[sheet.get("name", "")] = os.path.normpath(f"xl/{target}").replace(os.sep, "/")
    return out


def _splice_lazy(
    parts: dict[str, bytes],
    lazy: dict[str, tuple[Any, int]],
    strings: bytes | None,
    ct_root: ET.Element,
    overrides: dict[str | None, ET.Element],
) -> bool:
    """Put the raw rows of lazy sheets back into the sheets openpyxl wrote, and their shared strings."""
    names = _sheet_part_names(parts)
    changed = False
    for sheet, (rows, ncols) in lazy.items():
        part = names.get(sheet)
        if part is None or part not in parts:
            continue
        parts[part] = rows.splice(parts[part], ncols)
        changed = True
    if strings is not None and "xl/sharedStrings.xml" not in parts:
        # openpyxl writes strings inline; the raw rows refer to the file's table by number: it goes back as it was
        parts["xl/sharedStrings.xml"] = strings
        rels = parse_xml(parts["xl/_rels/workbook.xml.rels"])
        ids = {r.get("Id") for r in rels}
        rid, n = "rIdNqStrings", 1
        while rid in ids:
            rid, n = f"rIdNqStrings{n}", n + 1
        ET.SubElement(rels, f"{{{REL_NS}}}Relationship", Id=rid, Type=SST_REL, Target="sharedStrings.xml")
        parts["xl/_rels/workbook.xml.rels"] = package_xml(rels)
        if "/xl/sharedStrings.xml" not in overrides:
            overrides["/xl/sharedStrings.xml"] = ET.SubElement(
                ct_root, f"{{{CT_NS}}}Override", PartName="/xl/sharedStrings.xml", ContentType=SST_CT
            )
        changed = True
    return changed


SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
SST_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _put_cached_values(parts: dict[str, bytes], cached: dict[str, dict[tuple[int, int], Any]]) -> bool:
    """Give formula cells (as openpyxl writes them: ``<f>…</f><v/>``) their last result back.

    ``cached`` is {sheet name: {(row, col): (t, text)}} with ``t`` one of n, str, b, e.
    """
    wb = parse_xml(parts["xl/workbook.xml"])
    rels = parse_xml(parts["xl/_rels/workbook.xml.rels"])
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{REL_NS}}}Relationship")}
    changed = False
    for sheet in wb.iter(f"{{{MAIN_NS}}}sheet"):
        values = cached.get(sheet.get("name", ""))
        target = targets.get(sheet.get(f"{{{OFFICE_REL_NS}}}id"), "")
        if not values or not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else os.path.normpath(f"xl/{target}").replace(os.sep, "/")
        if part not in parts:
            continue

        def put(m: re.Match[bytes], values: dict[tuple[int, int], Any] = values) -> bytes:
            found = values.get((int(m.group(2)), _col_number(m.group(1))))
            if found is None or b" t=" in m.group(3):
                return m.group(0)
            kind, text = found
            t = b"" if kind == "n" else f' t="{kind}"'.encode()
            v = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")
            return b'<c r="%s%s"%s%s><f>%s</f><v>%s</v></c>' % (m.group(1), m.group(2), m.group(3), t, m.group(4), v)

        data, n = _FORMULA_CELL.subn(put, parts[part])
        if n:
            parts[part] = data
            changed = True
    return changed


def _restore_part_rels(
    orig_parts: dict[str, bytes],
    new_parts: dict[str, bytes],
    ct_root: ET.Element,
    overrides: dict[str | None, ET.Element],
    defaults: set[str],
    old_overrides: dict[str | None, ET.Element],
    old_defaults: dict[str, ET.Element],
) -> bool:
    """Put back ``_rels`` of parts that were copied byte for byte (vbaProject.bin) and their targets."""
    changed = False
    for rels_name, rels_data in orig_parts.items():
        if not rels_name.endswith(".rels") or rels_name in new_parts or "/_rels/" not in rels_name:
            continue
        folder, base = rels_name.split("/_rels/", 1)
        source = f"{folder}/{base[: -len('.rels')]}"
        if source not in new_parts or new_parts[source] != orig_parts.get(source):
            continue  # openpyxl rewrote that part: its own relationships are what it wrote
        try:
            rels = parse_xml(rels_data)
        except ET.ParseError:
            continue
        targets = []
        for rel in rels:
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else os.path.normpath(f"{folder}/{target}")
            targets.append(name.replace(os.sep, "/"))
        if any(t not in orig_parts or (t in new_parts and new_parts[t] != orig_parts[t]) for t in targets):
            continue
        new_parts[rels_name] = rels_data
        for name in targets:
            new_parts.setdefault(name, orig_parts[name])
            key = "/" + name
            if key in old_overrides and key not in overrides:
                overrides[key] = ET.SubElement(ct_root, f"{{{CT_NS}}}Override", dict(old_overrides[key].attrib))
            ext = name.rsplit(".", 1)[-1].lower()
            if ext not in defaults and ext in old_defaults:
                ET.SubElement(ct_root, f"{{{CT_NS}}}Default", dict(old_defaults[ext].attrib))
                defaults.add(ext)
        changed = True
    return changed


# what a save can lose, counted by element whatever namespace prefix the writer chose
# (Excel writes <c:chartSpace>, openpyxl <chartSpace xmlns="…">)
_INVENTORY = {
    "形状或文本框": (re.compile(rb"<(?:\w+:)?sp[ >]"), "xl/drawings/"),
    "图表": (re.compile(rb"<(?:\w+:)?chartSpace\b"), "xl/charts/"),
    "图片": (None, "xl/media/"),
    "批注": (re.compile(rb"<(?:\w+:)?comment "), "xl/comments"),
    "新式批注（含回复）": (re.compile(rb"<(?:\w+:)?threadedComment "), "xl/threadedComments/"),
    "窗体控件": (re.compile(rb'ObjectType="(?!Note")'), "xl/drawings/vmlDrawing"),
    "ActiveX 控件": (None, "xl/activeX/"),
    "数据透视表": (None, "xl/pivotTables/"),
    "切片器": (None, "xl/slicers/"),
    "迷你图": (re.compile(rb"<(?:\w+:)?sparkline>"), "xl/worksheets/"),
    "跨表下拉列表": (re.compile(rb"<x14:dataValidation "), "xl/worksheets/"),
    "条件格式（数据条、图标集等扩展）": (re.compile(rb"<x14:conditionalFormatting[ >]"), "xl/worksheets/"),
    "宏代码": (None, "xl/vbaProject.bin"),
    "功能区": (None, "customUI/"),
}


def inventory(path: str | os.PathLike[str]) -> Counter[str]:
    """Count the things in a workbook that a save could lose."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return Counter()
    with zf:
        return _inventory(zf.namelist(), zf.read)


def inventory_has(path: str | os.PathLike[str], label: str) -> bool:
    """True when the package has a part of the :func:`inventory` item ``label`` (names only, nothing decompressed)."""
    prefix = _INVENTORY[label][1]
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.startswith(prefix) and not n.endswith(".rels") for n in zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return True  # cannot tell: count


def _inventory(names: Iterable[str], read: Callable[[str], bytes]) -> Counter[str]:
    """:func:`inventory` of a package given as its part names and a reader (a zip, or parts in memory)."""
    counts: Counter[str] = Counter()
    for name in names:
        if name.lower() == "xl/_rels/vbaproject.bin.rels":  # the VBA project's digital signature
            counts["宏代码的数字签名"] += len(re.findall(rb'Type="[^"]*/vbaProjectSignature[A-Za-z0-9]*"', read(name)))
            continue
        data: bytes | None = None
        for label, (pattern, prefix) in _INVENTORY.items():
            if not name.startswith(prefix) or name.endswith(".rels"):
                continue
            if pattern is None:
                counts[label] += 1
                continue
            if data is None:  # each part read (decompressed) once, whatever it is counted for
                data = read(name)
                if name.startswith("xl/worksheets/"):
                    # a sheet's sparklines and x14 extensions are in its extLst, after the rows (a cell's
                    # text cannot hold a raw "<"): a 50 MB ledger is not scanned row by row
                    end = data.rfind(b"</sheetData>")
                    if end >= 0:
                        data = data[end:]
            counts[label] += len(pattern.findall(data))
    return counts


def lost_items(before: Counter[str], after: Counter[str]) -> list[str]:
    """Chinese descriptions of what a save lost, e.g. ['形状或文本框 3 个']."""
    return [f"{k} {before[k] - after.get(k, 0)} 个" for k in before if before[k] > after.get(k, 0)]


TEMP_MARK = "neiqin-tmp-"
STALE_SECONDS = 15 * 60  # no save takes this long: an older temp file was left by a killed save


def temp_beside(target: Path) -> Path:
    """A temp file beside ``target`` (same folder, so the final rename is atomic).

    Its name (``.ledger.neiqin-tmp-1a2b3c4d.xlsx``) marks it as NeiQin's, so that one a killed
    save left behind is removed by a later save (:func:`remove_stale_temps`).
    """
    remove_stale_temps(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.{TEMP_MARK}", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    return Path(tmp)


def remove_stale_temps(target: Path, now: float | None = None) -> list[Path]:
    """Remove temp files of NeiQin's own saves of ``target`` that a killed save left (older than 15 minutes).

    Only names NeiQin gives its temp files are touched (``.ledger.neiqin-tmp-XXXXXXXX.xlsx`` and the
    ``.pkg`` beside it, and ``.ledger.XXXXXXXX.xlsx`` of earlier versions); a file being written now is not stale.
    """
    import time

    pattern = re.compile(
        rf"^\.{re.escape(target.stem)}\.(?:{TEMP_MARK})?[a-z0-9_]{{8}}{re.escape(target.suffix)}(?:\.pkg)?$"
    )
    limit = (time.time() if now is None else now) - STALE_SECONDS
    removed = []
    try:
        candidates = [p for p in target.parent.iterdir() if pattern.match(p.name)]
    except OSError:
        return removed
    for path in candidates:
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < limit:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def replace_file(tmp: Path, target: Path) -> None:
    """Move the finished temp file over the target, keeping the target's permissions."""
    if target.exists():
        with contextlib.suppress(OSError):
            shutil.copymode(target, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
