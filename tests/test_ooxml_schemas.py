"""Every kind of file NeiQin writes opens in Excel without "We found a problem with some content".

Each XML part is validated against the ECMA-376 Transitional schemas (the ribbon against Microsoft's
customUI schemas), and each workbook against what Excel enforces that the schemas do not say: row
height, column width, cell text, sheet and defined names, data-validation formulas, cell values
of their type, table headers, code names in a macro workbook, package parts in the default namespace.

The schemas are found in ``$NEIQIN_OOXML_SCHEMAS``, else in ``shared/ooxml-schemas`` beside the
repository or beside one of its parent folders; without them these tests are skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import shutil
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import xmlschema

from neiqin.app.cli import main

from .conftest import make_order_row, order_workbook, write_orders
from .expense_factory import expense_workbook, make_expense_form

ROOT = Path(__file__).resolve().parents[1]


def schema_folder() -> Path | None:
    """The folder of the OOXML schemas (see the module docstring), or None."""
    if os.environ.get("NEIQIN_OOXML_SCHEMAS"):
        folder = Path(os.environ["NEIQIN_OOXML_SCHEMAS"])
        return folder if (folder / "transitional" / "sml.xsd").is_file() else None
    for parent in (ROOT, *ROOT.parents):
        folder = parent.parent / "shared" / "ooxml-schemas"
        if (folder / "transitional" / "sml.xsd").is_file():
            return folder
    return None


SCHEMAS = schema_folder()
pytestmark = pytest.mark.skipif(SCHEMAS is None, reason="OOXML schemas not found (set NEIQIN_OOXML_SCHEMAS)")

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
TABLE_REL = f"{REL}/table"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
M = f"{{{MAIN}}}"
XML_PARTS = (".xml", ".rels", ".vml")
# Excel's limits, stated here and not taken from the code under test
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
MAX_ROW_HEIGHT = 409.5  # points
MAX_COLUMN_WIDTH = 255  # characters
MAX_CELL_TEXT = 32_767  # characters
MAX_FORMULA = 8_192  # characters of a cell formula
MAX_VALIDATION_FORMULA = 255
ERROR_VALUES = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
ERROR_VALUES |= {"#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#PYTHON!"}
SHEET_NAME_CHARS = re.compile(r"[\[\]:*?/\\]")
BUILTIN_NAMES = {
    "Print_Area",
    "Print_Titles",
    "_FilterDatabase",
    "Criteria",
    "Extract",
    "Consolidate_Area",
    "Database",
    "Sheet_Title",
    "Auto_Open",
    "Auto_Close",
}
VBA_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")


# --------------------------------------------------------------------------- schemas


class Schemas:
    """The ECMA-376 Transitional schemas compiled as one (they import one another across namespaces),
    and the two customUI schemas."""

    def __init__(self, folder: Path) -> None:
        transitional = folder / "transitional"
        imports = []
        for xsd in sorted(transitional.glob("*.xsd")):
            found = re.search(r'targetNamespace="([^"]+)"', xsd.read_text(encoding="utf-8-sig"))
            if found:
                imports.append(f'<xsd:import namespace="{found[1]}" schemaLocation="{xsd.as_uri()}"/>')
        wrapper = '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">' + "".join(imports) + "</xsd:schema>"
        with warnings.catch_warnings():
            # wml.xsd points at ../mce/mc.xsd; the wrapper imports mc.xsd from where it is
            warnings.simplefilter("ignore", xmlschema.XMLSchemaImportWarning)
            self.ooxml = xmlschema.XMLSchema(wrapper, base_url=transitional.as_uri() + "/")
        ui = [xmlschema.XMLSchema(str(folder / "customui" / name)) for name in ("customUI.xsd", "customui14.xsd")]
        self.ui = {schema.target_namespace: schema for schema in ui}
        self.namespaces = {ns for ns in self.ooxml.maps.namespaces if ns} | set(self.ui)
        self.valid: set[str] = set()  # digests of parts already found valid: each distinct part is validated once

    def errors(self, name: str, data: bytes) -> list[str]:
        """Why the part ``name`` is not valid (empty when it is)."""
        digest = hashlib.sha256(data).hexdigest()
        if digest in self.valid:
            return []
        namespaces: dict[str, str] = {}
        for _event, (prefix, uri) in ET.iterparse(io.BytesIO(data), events=("start-ns",)):
            namespaces.setdefault(prefix, uri)
        root = understood(ET.fromstring(data), namespaces, self.namespaces)
        for text in root.iter(f"{M}t"):
            # Excel writes (and needs) xml:space="preserve" on text with leading or trailing spaces;
            # the schema's ST_Xstring, a simple type, has no room for the attribute
            text.attrib.pop(XML_SPACE, None)
        if root.tag == f"{M}worksheet":
            distinct_rows(root)
        ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
        schema = self.ui.get(ns, self.ooxml)
        # a VML drawing's root is a bare <xml>: its shapes are what the schemas describe
        elements = list(root) if root.tag == "xml" else [root]
        found = [
            f"{name}: {error.reason} (at {error.path})"
            for element in elements
            for error in schema.iter_errors(element, namespaces=namespaces)
        ]
        if not found:
            self.valid.add(digest)
        return found[:20]


def understood(root: ET.Element, namespaces: dict[str, str], known: set[str]) -> ET.Element:
    """``root`` as a consumer that knows the ``known`` namespaces reads it (ECMA-376 Part 3, markup
    compatibility): elements and attributes of ignorable namespaces left out, ``mc:AlternateContent``
    replaced by its first choice whose namespaces are known, else by its fallback."""
    ignorable: set[str] = set()

    def visit(element: ET.Element) -> None:
        for prefix in element.get(f"{{{MC}}}Ignorable", "").split():
            ignorable.add(namespaces.get(prefix, prefix))
        for attr in [a for a in element.attrib if a.startswith("{")]:
            ns = attr[1:].split("}", 1)[0]
            if ns == MC or ns in ignorable:
                del element.attrib[attr]
        children = list(element)
        for child in children:
            element.remove(child)
        for child in children:
            ns = child.tag[1:].split("}", 1)[0] if child.tag.startswith("{") else ""
            if child.tag == f"{{{MC}}}AlternateContent":
                for branch in child:
                    requires = branch.get("Requires", "").split()
                    if branch.tag == f"{{{MC}}}Fallback" or all(namespaces.get(p) in known for p in requires):
                        for grandchild in branch:
                            element.append(grandchild)
                            visit(grandchild)
                        break
            elif ns not in ignorable:
                element.append(child)
                visit(child)

    visit(root)
    return root


def distinct_rows(worksheet: ET.Element) -> None:
    """Keep one row of each shape in ``sheetData``: rows whose elements and attributes are the same but
    for references (``r``) and text. The schemas type cell text, formulas and references as strings,
    so the rows left out are valid exactly when the one kept is; :func:`excel_problems` checks each
    reference and value of every row."""
    data = worksheet.find(f"{M}sheetData")
    if data is None:
        return
    seen = set()

    def shape(element: ET.Element) -> tuple[Any, ...]:
        attrs = tuple(sorted((k, v) for k, v in element.attrib.items() if k != "r"))
        return (element.tag, attrs, tuple(shape(child) for child in element))

    for row in list(data):
        key = shape(row)
        if key in seen:
            data.remove(row)
        else:
            seen.add(key)


# --------------------------------------------------------------------------- what Excel enforces besides


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _ref(ref: str) -> tuple[int, int]:
    found = re.fullmatch(r"\$?([A-Za-z]{1,3})\$?(\d+)", ref)
    if not found:
        raise ValueError(ref)
    return int(found[2]), _col(found[1])


def _area(ref: str) -> tuple[int, int, int, int]:
    first, _, last = ref.partition(":")
    r1, c1 = _ref(first)
    r2, c2 = _ref(last or first)
    return r1, c1, r2, c2


def _float(value: str | None, default: float = 0.0) -> float:
    """A number attribute (one that is not a number is the schema's to report)."""
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


def _text(element: ET.Element | None) -> str:
    """The text of a string item (``<si>``, ``<is>``): its runs, without phonetic hints."""
    if element is None:
        return ""
    phonetic = {t for hint in element.iter(f"{M}rPh") for t in hint.iter(f"{M}t")}
    return "".join(t.text or "" for t in element.iter(f"{M}t") if t not in phonetic)


def _part(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return os.path.normpath(f"{folder}/{target}").replace(os.sep, "/")


def _rels(parts: dict[str, bytes], part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of ``part``."""
    folder, _, base = part.rpartition("/")
    data = parts.get(f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels")
    if data is None:
        return {}
    return {
        r.get("Id", ""): (r.get("Type", ""), _part(folder, r.get("Target", "")))
        for r in ET.fromstring(data)
        if r.get("TargetMode") != "External"
    }


def bad_sheet_name(name: str) -> str | None:
    if not name or len(name) > 31:
        return "must be 1 to 31 characters"
    if SHEET_NAME_CHARS.search(name):
        return "has one of []:*?/\\"
    if name.startswith("'") or name.endswith("'"):
        return "starts or ends with an apostrophe"
    if name.casefold() == "history":
        return "is reserved (History)"
    return None


def bad_defined_name(name: str) -> str | None:
    if name.startswith("_xlnm."):
        return None if name[6:] in BUILTIN_NAMES else "is not a built-in name"
    if not name or len(name) > 255:
        return "must be 1 to 255 characters"
    if not re.fullmatch(r"(?:[^\W\d]|\\)[\w.\\?]*", name):
        return "has characters a name cannot have"
    cell = re.fullmatch(r"([A-Za-z]{1,3})(\d+)", name)
    if cell and _col(cell[1]) <= MAX_COLUMNS and 1 <= int(cell[2]) <= MAX_ROWS:
        return "is a cell reference"
    if re.fullmatch(r"[RrCc]|[Rr]\d*[Cc]\d*|[Rr]\d+|[Cc]\d+", name):
        return "is an R1C1 reference"
    return None


def excel_problems(path: Path) -> list[str]:
    """What Excel would repair in the workbook at ``path`` that the schemas do not catch."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    out: list[str] = []
    for name, data in parts.items():
        if name == "[Content_Types].xml" or name.endswith(".rels"):
            root_tag = re.search(rb"<(?![?!])([^\s>/]+)", data)
            if root_tag and b":" in root_tag[1]:
                out.append(f"{name}: root {root_tag[1].decode()} is prefixed (Excel wants the default namespace)")
    workbook = ET.fromstring(parts["xl/workbook.xml"])
    book_rels = _rels(parts, "xl/workbook.xml")
    sheets = [
        (s.get("name", ""), book_rels.get(s.get(f"{{{REL}}}id", ""), ("", ""))[1]) for s in workbook.iter(f"{M}sheet")
    ]
    seen_names: set[str] = set()
    for name, _part_name in sheets:
        why = bad_sheet_name(name)
        if why:
            out.append(f"sheet name {name!r} {why}")
        if name.casefold() in seen_names:
            out.append(f"sheet name {name!r} is used twice")
        seen_names.add(name.casefold())
    strings = []
    if "xl/sharedStrings.xml" in parts:
        strings = [_text(si) for si in ET.fromstring(parts["xl/sharedStrings.xml"]).iter(f"{M}si")]
    macro = any(n.lower() == "xl/vbaproject.bin" for n in parts)
    code_names: dict[str, str] = {}
    if macro:
        pr = workbook.find(f"{M}workbookPr")
        book_code = pr.get("codeName") if pr is not None else None
        if not book_code:
            out.append("macro workbook without a code name (workbookPr codeName)")
        else:
            code_names[book_code.casefold()] = "the workbook"
    table_names: set[str] = set()
    for name, part in sheets:
        if part not in parts:
            out.append(f"[{name}] part {part!r} is missing")
            continue
        root = ET.fromstring(parts[part])
        if root.tag != f"{M}worksheet":
            continue
        texts = sheet_problems(name, root, strings, out)
        if macro:
            pr = root.find(f"{M}sheetPr")
            code = pr.get("codeName") if pr is not None else None
            if not code:
                out.append(f"[{name}] sheet of a macro workbook without a code name")
            elif not VBA_NAME.fullmatch(code):
                out.append(f"[{name}] code name {code!r} is not a VBA name")
            elif code.casefold() in code_names:
                out.append(f"[{name}] code name {code!r} is also {code_names[code.casefold()]}'s")
            else:
                code_names[code.casefold()] = name
        for kind, target in _rels(parts, part).values():
            if kind == TABLE_REL and target in parts:
                table_problems(name, ET.fromstring(parts[target]), texts, table_names, out)
    defined_name_problems(workbook, len(sheets), out)
    for name, data in parts.items():
        if name.startswith("xl/charts/chart") and name.endswith(".xml"):
            chart = ET.fromstring(data)
            for axis in ("catAx", "valAx", "dateAx", "serAx"):
                for ax in chart.iter(f"{{{CHART}}}{axis}"):
                    delete = ax.find(f"{{{CHART}}}delete")
                    if delete is None or delete.get("val") not in ("0", "false"):
                        out.append(f'{name}: {axis} is not shown (no <c:delete val="0"/>)')
    return out


def sheet_problems(name: str, root: ET.Element, strings: list[str], out: list[str]) -> dict[tuple[int, int], str]:
    """Rows, columns, cells, merged areas, validations and formats of one sheet; returns its cells as text."""
    texts: dict[tuple[int, int], str] = {}
    fmt = root.find(f"{M}sheetFormatPr")
    if fmt is not None:
        if _float(fmt.get("defaultRowHeight")) > MAX_ROW_HEIGHT:
            out.append(f"[{name}] default row height {fmt.get('defaultRowHeight')} > {MAX_ROW_HEIGHT}")
        for attr in ("defaultColWidth", "baseColWidth"):
            if _float(fmt.get(attr)) > MAX_COLUMN_WIDTH:
                out.append(f"[{name}] {attr} {fmt.get(attr)} > {MAX_COLUMN_WIDTH}")
    last_col = 0
    for col in root.iter(f"{M}col"):
        lo, hi = int(_float(col.get("min"))), int(_float(col.get("max")))
        if not (last_col < lo <= hi <= MAX_COLUMNS):
            out.append(f"[{name}] columns {lo}-{hi} overlap or are out of order")
        last_col = max(last_col, hi)
        if _float(col.get("width")) > MAX_COLUMN_WIDTH:
            out.append(f"[{name}] column {lo} width {col.get('width')} > {MAX_COLUMN_WIDTH:g}")
    last_row = 0
    for row in root.iter(f"{M}row"):
        r = int(_float(row.get("r"), last_row + 1))
        if not last_row < r <= MAX_ROWS:
            out.append(f"[{name}] row {r} out of order")
        last_row = r
        if _float(row.get("ht")) > MAX_ROW_HEIGHT:
            out.append(f"[{name}] row {r} height {row.get('ht')} > {MAX_ROW_HEIGHT}")
        last = 0
        for cell in row.iter(f"{M}c"):
            ref = cell.get("r")
            rr, cc = _ref(ref) if ref else (r, last + 1)
            if rr != r or not last < cc <= MAX_COLUMNS:
                out.append(f"[{name}] cell {ref} out of order in row {r}")
            last = cc
            text = cell_problem(name, ref or f"R{r}C{cc}", cell, strings, out)
            if text is not None:
                texts[(rr, cc)] = text
    merged: list[tuple[int, int, int, int]] = []
    for m in root.iter(f"{M}mergeCell"):
        area = _area(m.get("ref", ""))
        if any(a[0] <= area[2] and area[0] <= a[2] and a[1] <= area[3] and area[1] <= a[3] for a in merged):
            out.append(f"[{name}] merged area {m.get('ref')} overlaps another")
        merged.append(area)
    for dv in root.iter(f"{M}dataValidation"):
        for tag in ("formula1", "formula2"):
            formula = dv.find(f"{M}{tag}")
            text = formula.text or "" if formula is not None else ""
            if text.startswith("="):
                out.append(f"[{name}] data validation {dv.get('sqref')}: {tag} {text[:40]!r} starts with '='")
            if len(text) > MAX_VALIDATION_FORMULA:
                out.append(f"[{name}] data validation {dv.get('sqref')}: {tag} has {len(text)} characters (> 255)")
    for rule in root.iter(f"{M}cfRule"):
        for formula in rule.iter(f"{M}formula"):
            if (formula.text or "").startswith("="):
                out.append(f"[{name}] conditional format formula {formula.text[:40]!r} starts with '='")
    return texts


def cell_problem(name: str, ref: str, cell: ET.Element, strings: list[str], out: list[str]) -> str | None:
    """A cell's value checked against its type; returns its text (None for a number, error or blank)."""
    kind = cell.get("t", "n")
    v = cell.find(f"{M}v")
    value = v.text if v is not None else None
    formula = cell.find(f"{M}f")
    if formula is not None and len(formula.text or "") > MAX_FORMULA:
        out.append(f"[{name}] {ref}: formula of {len(formula.text or '')} characters (> {MAX_FORMULA})")
    text: str | None = None
    if kind == "inlineStr":
        text = _text(cell.find(f"{M}is"))
    elif kind == "s":
        if value is None or not value.isdigit() or int(value) >= len(strings):
            out.append(f"[{name}] {ref}: shared string {value!r} does not exist")
        else:
            text = strings[int(value)]
    elif kind == "str":
        text = value or ""
    elif value is None:
        return None
    elif kind == "n":
        try:
            float(value)
        except ValueError:
            out.append(f"[{name}] {ref}: number cell holds {value[:40]!r}")
    elif kind == "b" and value not in ("0", "1"):
        out.append(f"[{name}] {ref}: boolean cell holds {value!r}")
    elif kind == "e" and value not in ERROR_VALUES:
        out.append(f"[{name}] {ref}: error cell holds {value!r}")
    elif kind == "d":
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            out.append(f"[{name}] {ref}: date cell holds {value!r}")
    if text is not None and len(text) > MAX_CELL_TEXT:
        out.append(f"[{name}] {ref}: {len(text)} characters (a cell holds {MAX_CELL_TEXT})")
    return text


def table_problems(
    sheet: str, table: ET.Element, texts: dict[tuple[int, int], str], names: set[str], out: list[str]
) -> None:
    """An Excel table: a valid name unique in the workbook, header cells that are its column names."""
    name = table.get("displayName") or table.get("name", "")
    why = bad_defined_name(name)
    if why:
        out.append(f"[{sheet}] table name {name!r} {why}")
    if name.casefold() in names:
        out.append(f"[{sheet}] table name {name!r} is used twice")
    names.add(name.casefold())
    r1, c1, _r2, c2 = _area(table.get("ref", "A1"))
    columns = [c.get("name", "") for c in table.iter(f"{M}tableColumn")]
    if len(columns) != c2 - c1 + 1:
        out.append(f"[{sheet}] table {name}: {len(columns)} columns for {table.get('ref')}")
    if table.get("headerRowCount", "1") != "0":
        for i, column in enumerate(columns):
            header = texts.get((r1, c1 + i))
            if header != column:
                out.append(f"[{sheet}] table {name}: header cell {header!r} is not its column name {column!r}")
    if len({c.casefold() for c in columns}) != len(columns):
        out.append(f"[{sheet}] table {name}: column names are not unique")


def defined_name_problems(workbook: ET.Element, sheet_count: int, out: list[str]) -> None:
    seen: set[tuple[str | None, str]] = set()
    for dn in workbook.iter(f"{M}definedName"):
        name = dn.get("name", "")
        scope = dn.get("localSheetId")
        why = bad_defined_name(name)
        if why:
            out.append(f"defined name {name!r} {why}")
        if scope is not None and not (scope.isdigit() and int(scope) < sheet_count):
            out.append(f"defined name {name!r}: localSheetId {scope} is not a sheet")
        if name.startswith("_xlnm.") and scope is None:
            out.append(f"defined name {name!r} is not local to a sheet")
        if (scope, name.casefold()) in seen:
            out.append(f"defined name {name!r} is defined twice in one scope")
        seen.add((scope, name.casefold()))
        text = (dn.text or "").strip()
        if not text or text.startswith("="):
            out.append(f"defined name {name!r} refers to {text!r}")


def problems(schemas: Schemas, path: Path) -> list[str]:
    """Everything Excel would repair in the file at ``path``: schema errors of its XML parts, then the rest."""
    found = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith(XML_PARTS):
                found += schemas.errors(name, zf.read(name))
    return found + excel_problems(path)


# --------------------------------------------------------------------------- the files NeiQin writes


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    assert SCHEMAS is not None
    return Schemas(SCHEMAS)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from neiqin.app.build import build_all

    folder = tmp_path_factory.mktemp("built")
    build_all(folder)
    return folder


LONG_PROBLEM = "缺料：" + "；".join(f"第 {i} 批轴承延期到货，供应商承诺 12 月初补齐" for i in range(80))


def _marked_ledger(tmp: Path, built: Path) -> list[Path]:
    """``neiqin validate --mark`` on an order ledger full of mistakes."""
    rows = [make_order_row(order_id=f"SO26{i:05d}", quantity=-1 if i % 7 == 0 else 5) for i in range(60)]
    for row in rows[::11]:
        row["customer"] = None
    path = write_orders(tmp / "订单台账.xlsx", rows)
    assert main(["validate", str(path), "--mark", "--today", "2026-11-26"]) == 1
    return [path]


def _macro_workbook(tmp: Path, built: Path) -> list[Path]:
    """The built NeiQin.xlsm after ``neiqin doctor --fix``, ``neiqin import-ledger`` and the actions that add
    sheets, charts and long texts (``neiqin validate --mark``, ``neiqin run``)."""
    path = Path(shutil.copyfile(built / "NeiQin.xlsm", tmp / "内勤.xlsm"))
    assert main(["doctor", "--fix", str(path)]) == 0
    orders = [
        make_order_row(order_id=f"SO26{i:05d}", status="生产中", problem=LONG_PROBLEM if i < 3 else None)
        for i in range(120)
    ]
    orders[5]["quantity"] = -2
    existing = write_orders(tmp / "旧台账.xlsx", orders)
    for ledger in ("orders", "customers", "products"):
        assert main(["import-ledger", str(existing), "--ledger", ledger, "--into", str(path)]) == 0, ledger
    assert main(["validate", str(path), "--mark", "--today", "2026-11-26"]) == 1
    # 进度通知 holds back the line with an error and says so (exit 1); the others have nothing to refuse
    expected = {"progress_messages": 1, "overdue_alert": 0, "report_month": 0, "order_dashboard": 0}
    for action, code in expected.items():
        assert main(["run", action, str(path), "--today", "2026-11-26"]) == code, action
    return [path]


def _report(tmp: Path, built: Path) -> list[Path]:
    """``neiqin report FILE --period month --out x.xlsx``: a report tab with its charts."""
    regions = ["华东", "华南", "华北", "西南"]
    rows = [
        make_order_row(
            order_id=f"SO{m:02d}{i:03d}",
            order_date=dt.datetime(2026, m, 1 + i % 27),
            delivery_date=dt.datetime(2026, m, 1 + i % 27),
            ship_date=dt.datetime(2026, m, 1 + i % 27),
            status="已完成",
            region=regions[i % 4],
            quantity=float(1 + i % 9),
            amount=1850.0 * (1 + i % 9),
        )
        for m in range(1, 12)
        for i in range(12)
    ]
    source = order_workbook(tmp / "订单.xlsx", rows)
    out = tmp / "月报.xlsx"
    assert main(["report", str(source), "--period", "month", "--date", "2026-11", "--out", str(out)]) == 0
    return [out]


def _sealed(tmp: Path, built: Path) -> list[Path]:
    """``neiqin seal``: the sealed copy of a claim that passed 费用初审."""
    import macros
    from neiqin.engine import open_book

    source = expense_workbook(tmp / "报销.xlsx", [make_expense_form()])
    book = open_book(source)
    macros.run("prereview_expense", book, today=dt.date(2026, 11, 26), user="李娜")
    book.save()
    out = tmp / "finance"
    assert main(["seal", str(source), "--out", str(out), "--today", "2026-11-26"]) == 0
    return sorted(out.glob("*.xlsx"))


def _demo(tmp: Path, built: Path) -> list[Path]:
    """``neiqin demo --out``: the demo company's workbook after every action, and the claim its
    『提交财务』 (submit_to_finance) sealed."""
    assert main(["demo", "--out", str(tmp)]) == 0
    sealed = sorted(tmp.glob("报销单_*.xlsx"))
    assert len(sealed) == 1
    return [tmp / "neiqin-demo.xlsx", *sealed]


KINDS: dict[str, Callable[[Path, Path], list[Path]]] = {
    "NeiQin.xlsm": lambda tmp, built: [built / "NeiQin.xlsm"],
    "NeiQin.xlam": lambda tmp, built: [built / "NeiQin.xlam"],
    "marked ledger": _marked_ledger,
    "macro workbook after actions": _macro_workbook,
    "report tab": _report,
    "sealed claim": _sealed,
}


@pytest.mark.parametrize("kind", [*KINDS, pytest.param("demo", marks=pytest.mark.slow)])
def test_excel_opens_the_file_without_repair(kind: str, schemas: Schemas, built: Path, tmp_path: Path) -> None:
    made = (KINDS.get(kind) or _demo)(tmp_path, built)
    assert made and all(p.exists() for p in made)
    found = {p.name: problems(schemas, p) for p in made}
    assert found == {p.name: [] for p in made}


# --------------------------------------------------------------------------- the checks themselves


def _workbook(tmp: Path, macro: bool = False) -> Path:
    """A small workbook with what the checks look at: a table, a dropdown, a chart, long text, a merge."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["区域", "销售额"])
    for region, amount in (("华东", 10), ("华南", 20)):
        ws.append([region, amount])
    ws.add_table(Table(displayName="tbl_sales", ref="A1:B3"))
    dv = DataValidation(type="list", formula1="lst_regions", allow_blank=True)
    dv.add("A2:A100")
    ws.add_data_validation(dv)
    wb.create_sheet("列表").append(["华东"])
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names["lst_regions"] = DefinedName("lst_regions", attr_text="'列表'!$A$1:$A$5")
    ws.row_dimensions[2].height = 30
    ws.column_dimensions["A"].width = 20
    ws.merge_cells("D1:E1")
    ws["D3"] = " 前后有空格 "  # written with xml:space="preserve", as Excel writes it
    chart = BarChart()
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=3), titles_from_data=True)
    ws.add_chart(chart, "G2")
    path = tmp / ("book.xlsm" if macro else "book.xlsx")
    wb.save(path)
    if macro:  # a VBA project and code names, as NeiQin.xlsm has them
        with zipfile.ZipFile(path) as zf:
            parts = {n: zf.read(n) for n in zf.namelist()}
        parts["xl/vbaProject.bin"] = b"\0"
        book = parts["xl/workbook.xml"]
        parts["xl/workbook.xml"] = book.replace(b"<workbookPr", b'<workbookPr codeName="ThisWorkbook"', 1)
        for n, part in enumerate(("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"), start=1):
            parts[part] = re.sub(rb"<sheetPr\b", b'<sheetPr codeName="Sheet%d"' % n, parts[part], count=1)
            if b"<sheetPr" not in parts[part]:
                parts[part] = parts[part].replace(b"<dimension", b'<sheetPr codeName="Sheet%d"/><dimension' % n, 1)
        _rewrite(path, parts)
    return path


def _rewrite(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def _edit(path: Path, part: str, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    assert old in parts[part], (part, old)
    parts[part] = parts[part].replace(old, new, 1)
    _rewrite(path, parts)


SHEET = "xl/worksheets/sheet1.xml"
BOOK = "xl/workbook.xml"
BROKEN = [
    # (what Excel would repair, part, text, replaced by, the problem named)
    ("row over 409.5 pt", SHEET, 'ht="30"', 'ht="409.6"', "row 2 height 409.6 > 409.5"),
    ("column over 255", SHEET, 'width="20"', 'width="255.5"', "column 1 width 255.5 > 255"),
    ("dropdown with =", SHEET, "<formula1>lst_regions", "<formula1>=lst_regions", "starts with '='"),
    ("dropdown over 255", SHEET, "<formula1>lst_regions", '<formula1>"' + "x," * 130 + '"', "(> 255)"),
    ("cell over 32,767", SHEET, "<t>华东</t>", "<t>" + "长" * 32_768 + "</t>", "32768 characters"),
    ("number cell with text", SHEET, "<v>10</v>", "<v>10 元</v>", "number cell holds '10 元'"),
    ("table header not its column", SHEET, "<t>区域</t>", "<t>地区</t>", "is not its column name"),
    (
        "merged areas overlap",
        SHEET,
        '<mergeCell ref="D1:E1"',
        '<mergeCell ref="E1:F1"/><mergeCell ref="D1:E1"',
        "overlaps",
    ),
    ("sheet called History", BOOK, 'name="列表"', 'name="History"', "is reserved"),
    ("sheet name with /", BOOK, 'name="列表"', 'name="1/2"', "has one of"),
    ("defined name A1-like", BOOK, 'name="lst_regions"', 'name="AB12"', "is a cell reference"),
    ("defined name with space", BOOK, 'name="lst_regions"', 'name="lst regions"', "has characters"),
    ("chart axis hidden", "xl/charts/chart1.xml", '<delete val="0"', '<delete val="1"', "is not shown"),
    ("element not in schema", SHEET, "<sheetData>", "<sheetData><bogus/>", "bogus"),
    ("attribute value refused", SHEET, 'ht="30"', 'ht="tall"', "tall"),
    ("attribute not in schema", SHEET, "<t>华南</t>", '<t xml:lang="zh">华南</t>', "attribute not allowed"),
]


@pytest.mark.parametrize(("what", "part", "old", "new", "named"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_check_finds_what_excel_would_repair(
    schemas: Schemas, tmp_path: Path, what: str, part: str, old: str, new: str, named: str
) -> None:
    path = _workbook(tmp_path)
    assert problems(schemas, path) == []
    _edit(path, part, old.encode(), new.encode())
    found = problems(schemas, path)
    assert any(named in p for p in found), found


@pytest.mark.parametrize("part", ["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels"])
def test_a_package_part_with_a_prefix_is_found(tmp_path: Path, part: str) -> None:
    """What ElementTree writes for a part whose namespace it was not told (``<ns0:Types xmlns:ns0=…>``)."""
    path = _workbook(tmp_path)
    with zipfile.ZipFile(path) as zf:
        data = zf.read(part).decode()
    prefixed = re.sub(r"<(/?)(\w+)", r"<\1ns0:\2", data.replace(" xmlns=", " xmlns:ns0=", 1))
    _edit(path, part, data.encode(), prefixed.encode())
    root = re.findall(r"<(\w+)", data)[0]
    assert excel_problems(path) == [f"{part}: root ns0:{root} is prefixed (Excel wants the default namespace)"]


@pytest.mark.parametrize(
    ("part", "old", "new", "named"),
    [
        ("sheet2", ' codeName="Sheet2"', "", "[列表] sheet of a macro workbook without a code name"),
        ("sheet2", ' codeName="Sheet2"', ' codeName="sheet1"', "[列表] code name 'sheet1' is also 台账's"),
        ("sheet2", ' codeName="Sheet2"', ' codeName="表2"', "[列表] code name '表2' is not a VBA name"),
        ("workbook", ' codeName="ThisWorkbook"', "", "macro workbook without a code name (workbookPr codeName)"),
    ],
)
def test_code_names_of_a_macro_workbook_are_checked(tmp_path: Path, part: str, old: str, new: str, named: str) -> None:
    path = _workbook(tmp_path, macro=True)
    assert excel_problems(path) == []
    _edit(path, "xl/workbook.xml" if part == "workbook" else "xl/worksheets/sheet2.xml", old.encode(), new.encode())
    assert excel_problems(path) == [named]


def test_markup_compatibility_is_resolved_before_validating(schemas: Schemas) -> None:
    """Excel's own parts use mc:Ignorable (x14ac:dyDescent …) and mc:AlternateContent."""
    sheet = (
        f'<worksheet xmlns="{MAIN}" xmlns:mc="{MC}" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac">'
        '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
        '<sheetData><row r="1" x14ac:dyDescent="0.25"><c r="A1"><v>1</v></c></row></sheetData>'
        '<mc:AlternateContent><mc:Choice Requires="x14ac"><x14ac:unknown/></mc:Choice>'
        '<mc:Fallback><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</mc:Fallback></mc:AlternateContent></worksheet>"
    ).encode()
    assert schemas.errors("sheet.xml", sheet) == []
    assert schemas.errors("bad.xml", sheet.replace(b"<v>1</v>", b"<v>1</v><bogus/>"))
