"""Where report data comes from: the workbook's 订单台账 (+ 订单归档), or any sales export.

A sales export (CSV or Excel) is mapped onto NeiQin's field names by a TOML file::

    [source]
    sheet = "Orders"          # optional; first sheet by default
    header_row = 1            # optional; found by the mapped names otherwise
    [columns]                 # NeiQin field = column in the file
    order_id = "Order ID"     # optional: without it orders are counted by customer and time
    order_date = "Order Date"
    amount = "Sales"

Every field of the order ledger may be mapped (and ``profit``); one column may feed two
fields. An export is read like any ledger (repeated headers, subtotals, totals and footers
left out, a date from a title row or the file name), through the headless engine — values
only, never formatting — and only the mapped columns a caller needs are converted, so the
541,909-line UCI Online Retail file costs little more than calamine's own parse
(benchmarks/bench_report.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import create_model

from neiqin.base.errors import NeiQinError
from neiqin.base.text import fold
from neiqin.core.issues import Code, Issue, make_issue
from neiqin.core.ledger import Ledger, _series, convert_column, display, parse_ledger
from neiqin.core.schema import LedgerRow, column

from .codes import ReportCode
from .reports import FIELD_LABELS, REQUIRED_FIELDS, Sales, prepare, report_model

log = logging.getLogger(__name__)
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".xltx", ".xltm")


class ReportInputError(NeiQinError):
    """The data cannot be reported on: the issues say where and what to do."""

    def __init__(self, message: str, issues: list[Issue] | None = None) -> None:
        super().__init__(message)
        self.issues = issues or []


@dataclass
class Mapping:
    path: str
    columns: dict[str, str]  # field -> column header in the file
    sheet: str | None = None
    header_row: int | None = None
    currency: str = "¥"


def load_mapping(path: str | Path) -> Mapping:
    """Read a mapping TOML; unusable files raise ReportInputError with REP-002/REP-006 issues."""
    p = Path(path)

    def bad(detail: str) -> ReportInputError:
        issue = make_issue(ReportCode.REP_MAP_FILE, p.name, 0, "", path=p, detail=detail)
        return ReportInputError(issue.message, [issue])

    try:
        data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise bad("文件不存在") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise bad(f"不是有效的 TOML（{exc}）") from None
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise bad('缺少 [columns] 段（每行写 NeiQin 字段 = "文件中的列名"）')
    unknown = [k for k in columns if k not in FIELD_LABELS]
    if unknown:
        known = "、".join(f"{k}（{v}）" for k, v in FIELD_LABELS.items())
        issues = [make_issue(ReportCode.REP_MAP_FIELD, p.name, 0, "", field=k, known=known) for k in unknown]
        raise ReportInputError(issues[0].message, issues)
    if any(not isinstance(v, str) or not v.strip() for v in columns.values()):
        raise bad("[columns] 中每个字段都要对应一个列名（文字）")
    source = data.get("source", {})
    if not isinstance(source, dict):
        raise bad("[source] 段格式不对")
    header_row = source.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise bad("header_row 应为正整数（表头所在的行号）")
    # order_id is optional (a POS export has none: orders are counted by customer and time), and so is
    # order_date when the file has a date column under the ledger's own names, a title row or a file name with a date
    if "amount" not in columns and not {"quantity", "unit_price"} <= set(columns):
        raise bad("必须映射 amount（金额），或同时映射 quantity（数量）和 unit_price（单价）")
    currency = source.get("currency", "¥")
    if not isinstance(currency, str) or not 0 < len(currency) <= 4 or '"' in currency:
        raise bad('currency 应为货币符号，如 "¥"、"$"、"€"')
    return Mapping(str(p), {k: v.strip() for k, v in columns.items()}, source.get("sheet"), header_row, currency)


def _key(text: Any) -> str:
    return fold(text)


def _read_table(path: Path, sheet: str | None) -> tuple[str, list[list[Any]], int, int, Any, bool]:
    """One sheet of an export: (name, cell rows, first row, first column, merged areas, raw).

    CSV is read by pandas. A workbook is read by python-calamine (started in the background by
    the CLI): its values as they come (``raw``: '' for an empty cell), not a second pass over
    541,909 × 8 cells; where calamine cannot read the file (LibreOffice's rows-only dimension with
    an older calamine, a ``#SPILL!`` cell …) NeiQin's headless engine reads it with openpyxl.
    """
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                frame = pd.read_csv(
                    path,
                    dtype=str,
                    keep_default_na=False,
                    header=None,
                    encoding=encoding,
                    sep="\t" if path.suffix.lower() == ".tsv" else ",",
                )
                break
            except UnicodeDecodeError:
                continue
            except pd.errors.EmptyDataError:
                raise ReportInputError(f"{path.name} 是空文件，没有表头和数据") from None
        else:
            raise ReportInputError(f"{path.name} 的编码无法识别；请另存为 UTF-8 编码的 CSV")
        return path.stem, frame.to_numpy().tolist(), 1, 1, None, True
    try:
        return _read_calamine(path, sheet)
    except ReportInputError:
        raise
    except Exception as exc:  # calamine cannot read it: the engine may (openpyxl), or says why
        log.info("python-calamine could not read %s (%s): reading it with the engine", path.name, exc)
    return _read_engine(path, sheet)


def _pick_sheet(path: Path, names: list[str], sheet: str | None) -> str:
    if not names:
        raise ReportInputError(f"{path.name} 中没有工作表")
    name = sheet or names[0]
    if name not in names:
        raise ReportInputError(
            f"{path.name} 中没有名为『{name}』的工作表（有：{'、'.join(names)}）；请改正映射文件的 sheet"
        )
    return name


def _read_calamine(path: Path, sheet: str | None) -> tuple[str, list[list[Any]], int, int, Any, bool]:
    from neiqin.engine import ooxml, prefetch
    from neiqin.engine.addresses import parse_area

    job = prefetch.take(path.resolve())
    workbook = None
    if job is not None and not job.failed:
        names = job.names
    else:
        job = None
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        names = [m.name for m in workbook.sheets_metadata if "WorkSheet" in str(m.typ)]
    name = _pick_sheet(path, names, sheet)
    grid = job.grid(name) if job is not None else None
    if grid is None:
        if workbook is None:
            from python_calamine import CalamineWorkbook

            workbook = CalamineWorkbook.from_path(str(path))
        zipped = ooxml.is_zip_workbook(path)
        grid = prefetch.parse_sheet(workbook, name, path if zipped else None)
    zipped = ooxml.is_zip_workbook(path)

    def merged(_blanks: Any) -> list[tuple[int, int, int, int]]:
        if zipped:
            return [parse_area(ref) for ref in ooxml.merged_refs(path, name)]
        from python_calamine import CalamineWorkbook

        ranges = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).merged_cell_ranges or []
        return [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in ranges]

    return name, grid, 1, 1, merged, True


def _read_engine(path: Path, sheet: str | None) -> tuple[str, list[list[Any]], int, int, Any, bool]:
    from neiqin.engine import EngineError, merged_areas, open_book

    try:
        book = open_book(path, engine="headless")
        names = [s.name for s in book.sheets]
        name = _pick_sheet(path, names, sheet)
        target = book.sheets[name]
        used = target.used_range
        values = used.options(ndim=2, err_to_str=True).value or [[]]
    except EngineError as exc:
        raise ReportInputError(str(exc)) from None
    return name, values, used.row, used.column, (lambda blanks: merged_areas(target, used, blanks)), False


def _header_index(grid: list[list[Any]], wanted: dict[str, list[str]], fixed: int | None, first_row: int) -> int:
    """The header row (index into ``grid``): the mapping's ``header_row``, else the row with most mapped names."""
    if fixed is not None:
        return fixed - first_row
    header_index, best = -1, 0
    for i, row in enumerate(grid[: max(0, 20 - first_row + 1)]):
        hits = sum(1 for v in row if isinstance(v, str) and _key(v) in wanted)
        if hits > best:
            header_index, best = i, hits
    return header_index


def mapping_model(mapping: Mapping, fields: set[str] | None = None) -> tuple[type[LedgerRow], dict[str, str]]:
    """The row schema a mapping describes: each mapped field with the file's column name as its header.

    A column mapped to two fields (社保卡号 for both customer and order_id) is read once, for the
    first; the second is returned as ``{second: first}``. Without a mapped 接单日期, the order ledger's
    own headers find a date column, and a title row or the file name may give the date.
    """
    spec_of = {c.field: c for c in report_model().columns()}
    wanted = {f: h for f, h in mapping.columns.items() if fields is None or f in fields or f == "order_date"}
    model_fields: dict[str, Any] = {}
    shared: dict[str, str] = {}
    owner: dict[str, str] = {}
    for f, header in wanted.items():
        k = _key(header)
        if k in owner:
            shared[f] = owner[k]
            continue
        owner[k] = f
        spec = spec_of[f]
        annotation = {"date": dt.datetime, "number": float}.get(spec.kind, str)
        model_fields[f] = (annotation | None, column(header, description=spec.description))
    if "order_date" not in mapping.columns:
        spec = spec_of["order_date"]
        model_fields["order_date"] = (
            dt.datetime | None,
            column(spec.header, *spec.synonyms, description=spec.description, required=True),
        )
    return create_model("MappedRow", __base__=LedgerRow, **model_fields), shared


def read_export(path: str | Path, mapping: Mapping, fields: set[str] | None = None) -> Sales:
    """Sales lines from a CSV or Excel export, mapped by ``mapping``.

    The export is read like any ledger (:func:`neiqin.core.ledger.parse_ledger`): stacked documents,
    repeated headers, subtotal, total and footer rows are left out and listed, a date in a title
    row or the file name stands in for a missing date column. ``fields`` limits the conversion to
    the fields a caller uses (every mapped column must still exist): a JSON summary by month needs
    no product names.
    """
    p = Path(path)
    if not p.is_file():
        raise ReportInputError(f"找不到文件 {p}")
    try:
        sheet, grid, first_row, first_col, merged, raw = _read_table(p, mapping.sheet)
    except ReportInputError:
        raise
    except Exception as exc:  # not a spreadsheet, damaged, encrypted
        raise ReportInputError(f"无法读取 {p.name}：{exc}；请确认它是 Excel 或 CSV 文件") from None
    wanted: dict[str, list[str]] = {}
    for f, v in mapping.columns.items():
        wanted.setdefault(_key(v), []).append(f)
    header_index = _header_index(grid, wanted, mapping.header_row, first_row)
    header = grid[header_index] if 0 <= header_index < len(grid) else []
    present = {_key(display(c)) for c in header if c is not None and not (isinstance(c, str) and not c.strip())}
    missing = [f for f, v in mapping.columns.items() if _key(v) not in present]
    if missing:
        raise _missing_columns(missing, mapping, header, sheet, first_row + header_index if header_index >= 0 else 1)
    model, shared = mapping_model(mapping, fields)
    ledger = parse_ledger(
        grid,
        model,
        sheet,
        first_row=first_row,
        first_col=first_col,
        merged=merged,
        key=("order_id",) if "order_id" in model.model_fields else (),
        source=p.name,
        header_row=first_row + header_index,
        unknown_columns=False,
        fill_merged=("order_id",),  # a document number merged down its lines (the customer with it)
        empty_text=raw,
    )
    if not ledger.has("order_date"):
        raise ReportInputError(
            "映射文件没有映射 order_date（接单日期），文件中也没有日期列、标题行或文件名中的日期；"
            '请在 [columns] 中写 order_date = "日期所在的列名"',
            [i for i in ledger.issues if i.code == Code.LED_MISSING_COLUMN],
        )
    issues = [i for i in ledger.issues if i.code != Code.LED_MISSING_COLUMN]
    frame = ledger.frame
    if shared:
        frame = frame.copy()
        specs = {c.field: c for c in report_model().columns()}
        for f, first in shared.items():
            converted = convert_column(ledger.raw[first], specs[f].kind)
            frame[f] = _series(converted.values, specs[f].kind, frame.index)
    headers = {f: (c.header, c.col) for f, c in ledger.columns.items()}
    headers |= {f: headers[first] for f, first in shared.items() if first in headers}
    sales = prepare(
        [(sheet, frame)],
        issues=issues,
        description=f"{p.name}『{sheet}』（映射：{Path(mapping.path).name}），自第 {ledger.header_row + 1} 行起",
        headers={sheet: headers},
    )
    sales.currency = mapping.currency
    _skips(sales, ledger)
    return sales


def _missing_columns(missing: list[str], mapping: Mapping, header: list[Any], sheet: str, row: int) -> ReportInputError:
    """REP-001 for every mapped column the header row lacks, with the closest column as a hint."""
    from rapidfuzz import process

    present = [display(c) for c in header if c not in (None, "")]
    issues = []
    for f in missing:
        match = process.extractOne(mapping.columns[f], present) if present else None
        hint = f"；是否为「{match[0]}」？" if match and match[1] >= 70 else ""
        issues.append(
            make_issue(
                ReportCode.REP_MAP_COLUMN,
                sheet,
                row,
                mapping.columns[f],
                field=f,
                label=FIELD_LABELS[f],
                suggestion=hint,
            )
        )
    return ReportInputError(issues[0].message, issues)


def read_values(values: list[list[Any]], sheet: str = "数据") -> Sales:
    """Sales lines from a 2-D block with a header row (a UDF's range argument)."""
    values = [[None if v == "" else v for v in row] for row in values]
    ledger = parse_ledger(values, report_model(), sheet, key=("order_id",))
    # a missing column makes the block unusable; a bad cell only leaves its line out (listed)
    missing = [i for i in ledger.issues if i.code == Code.LED_MISSING_COLUMN]
    if missing:
        raise ReportInputError(missing[0].message, missing)
    if not ledger.has("amount") and not (ledger.has("quantity") and ledger.has("unit_price")):
        raise ReportInputError("缺少「金额」列（或「数量」和「单价」两列）；请把它们包括在数据区域内")
    sales = prepare([(sheet, ledger.frame)], issues=ledger.issues, headers={sheet: _where(ledger)})
    _skips(sales, ledger)
    return sales


def _skips(sales: Sales, *ledgers: Ledger | None) -> None:
    """The rows each ledger left out (合计, repeated headers, footers …) and its reading notes, on ``sales``."""
    for ledger in ledgers:
        if ledger is None:
            continue
        sales.skipped += [(ledger.sheet, r) for r in ledger.skipped]
        sales.skip_reasons |= {(ledger.sheet, r): why for r, why in ledger.skip_reasons.items()}
        sales.notes += ledger.reading_notes()


def _where(ledger: Any) -> dict[str, tuple[str, int]]:
    return {f: (c.header, c.col) for f, c in ledger.columns.items()}


def sales_from_ledgers(orders: Ledger, archive: Ledger | None = None, products: Ledger | None = None) -> Sales:
    """Sales lines of a NeiQin workbook's ledgers: 订单台账 plus 订单归档 (archived lines still count),
    with 成本单价/产品类别 filled from 产品目录 where a line has none."""
    sources = [(orders.sheet, _frame(orders))]
    headers = {orders.sheet: _where(orders)}
    issues = [i for i in orders.issues if i.severity == "error" and i.code != Code.LED_MISSING_COLUMN]
    if archive is not None and len(archive):
        sources.append((archive.sheet, _frame(archive)))
        headers[archive.sheet] = _where(archive)
    missing = [f for f in REQUIRED_FIELDS if not orders.has(f)]
    if not orders.has("amount") and not (orders.has("quantity") and orders.has("unit_price")):
        missing.append("amount")
    if missing:
        labels = "、".join(orders.model.column(f).header for f in missing)
        raise ReportInputError(f"『{orders.sheet}』缺少报表需要的列：{labels}；请在表头行加上这些列")
    costs: dict[str, float] = {}
    categories: dict[str, str] = {}
    if products is not None and products.has("product_code"):
        p = products.frame
        if products.has("cost"):
            known = p[p["cost"].notna() & p["product_code"].notna()]
            costs = dict(zip(known["product_code"], known["cost"].astype(float), strict=True))
        if products.has("category"):
            known = p[p["category"].notna() & p["product_code"].notna()]
            categories = dict(zip(known["product_code"], known["category"], strict=True))
    sales = prepare(
        sources,
        costs=costs,
        categories=categories,
        issues=issues,
        description="、".join(f"『{s}』" for s, _ in sources),
        headers=headers,
    )
    _skips(sales, orders, archive)
    return sales


def _frame(ledger: Any) -> pd.DataFrame:
    return ledger.frame[[c for c in ledger.frame.columns if c in FIELD_LABELS]]
