"""Where report data comes from: the workbook's 订单台账 (+ 订单归档), or any sales export.

A sales export (CSV or Excel) is mapped onto NeiQin's field names by a TOML file::

    [source]
    sheet = "Orders"          # optional; first sheet by default
    header_row = 1            # optional; found by the mapped names otherwise
    [columns]                 # NeiQin field = column in the file
    order_id = "Order ID"
    order_date = "Order Date"
    amount = "Sales"

An export is read with python-calamine only: its values, never its formatting, and
only the mapped columns are converted — the 541,909-line UCI Online Retail file costs
little more than calamine's own parse (benchmarks/bench_report.py).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

import pandas as pd

from neiqin.base.errors import NeiQinError
from neiqin.base.perf import gc_paused
from neiqin.base.text import fold
from neiqin.core.issues import Code, Issue, make_issue
from neiqin.core.ledger import Ledger, _series, convert_column, display, parse_ledger

from .codes import ReportCode
from .reports import FIELD_LABELS, REQUIRED_FIELDS, Sales, prepare, report_model

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
    missing = [f for f in REQUIRED_FIELDS if f not in columns]
    if missing:
        raise bad("必须映射 " + "、".join(f"{f}（{FIELD_LABELS[f]}）" for f in missing))
    if "amount" not in columns and not {"quantity", "unit_price"} <= set(columns):
        raise bad("必须映射 amount（金额），或同时映射 quantity（数量）和 unit_price（单价）")
    currency = source.get("currency", "¥")
    if not isinstance(currency, str) or not 0 < len(currency) <= 4 or '"' in currency:
        raise bad('currency 应为货币符号，如 "¥"、"$"、"€"')
    return Mapping(str(p), {k: v.strip() for k, v in columns.items()}, source.get("sheet"), header_row, currency)


def _key(text: Any) -> str:
    return fold(text)


def _read_grid(path: Path, sheet: str | None) -> tuple[str, list[list[Any]]]:
    """The raw cells of one sheet (calamine values: '' for empty, dates as date/datetime)."""
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
        return path.stem, frame.to_numpy().tolist()
    from neiqin.engine import prefetch

    job = prefetch.take(path.resolve())
    names: list[str]
    if job is not None and not job.failed:
        names = job.names
    else:
        job = None
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        names = [m.name for m in workbook.sheets_metadata if "WorkSheet" in str(m.typ)]
    if not names:
        raise ReportInputError(f"{path.name} 中没有工作表")
    name = sheet or names[0]
    if name not in names:
        raise ReportInputError(
            f"{path.name} 中没有名为『{name}』的工作表（有：{'、'.join(names)}）；请改正映射文件的 sheet"
        )
    grid = job.grid(name) if job is not None else None
    if grid is None:
        if job is not None:
            from python_calamine import CalamineWorkbook

            workbook = CalamineWorkbook.from_path(str(path))
        grid = prefetch.parse_sheet(workbook, name)
    return name, grid


def read_export(path: str | Path, mapping: Mapping, fields: set[str] | None = None) -> Sales:
    """Sales lines from a CSV or Excel export, mapped by ``mapping``.

    ``fields`` limits the conversion to the fields a caller uses (every mapped column
    must still exist): a JSON summary by month needs no product names.
    """
    p = Path(path)
    if not p.is_file():
        raise ReportInputError(f"找不到文件 {p}")
    try:
        sheet, grid = _read_grid(p, mapping.sheet)
    except ReportInputError:
        raise
    except Exception as exc:  # calamine: not a spreadsheet, damaged, encrypted
        raise ReportInputError(f"无法读取 {p.name}：{exc}；请确认它是 Excel 或 CSV 文件") from None
    wanted = {_key(v): f for f, v in mapping.columns.items()}
    header_index = -1
    if mapping.header_row is not None:
        header_index = mapping.header_row - 1
    else:
        best = 0
        for i, row in enumerate(grid[:20]):
            hits = sum(1 for v in row if v not in (None, "") and _key(v) in wanted)
            if hits > best:
                header_index, best = i, hits
    header = grid[header_index] if 0 <= header_index < len(grid) else []
    positions: dict[str, int] = {}
    for j, cell in enumerate(header):
        if cell not in (None, ""):
            fld = wanted.get(_key(cell))
            if fld is not None and fld not in positions:
                positions[fld] = j
    missing = [f for f in mapping.columns if f not in positions]
    if missing:
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
                    header_index + 1 if header_index >= 0 else 0,
                    mapping.columns[f],
                    field=f,
                    label=FIELD_LABELS[f],
                    suggestion=hint,
                )
            )
        raise ReportInputError(issues[0].message, issues)
    first_row = header_index + 2  # Excel row of the first data line
    if fields is not None:
        positions = {f: j for f, j in positions.items() if f in fields}
    frame, issues, headers = _columns(grid, header_index, positions, mapping, sheet)
    sales = prepare(
        [(sheet, frame)],
        issues=issues,
        description=f"{p.name}『{sheet}』（映射：{Path(mapping.path).name}），自第 {first_row} 行起",
        headers={sheet: headers},
    )
    sales.currency = mapping.currency
    return sales


def _columns(
    grid: list[list[Any]], header_index: int, positions: dict[str, int], mapping: Mapping, sheet: str
) -> tuple[pd.DataFrame, list[Issue], dict[str, tuple[str, int]]]:
    """Convert the mapped columns (only those) of the body, dropping blank lines."""
    specs = {c.field: c for c in report_model().columns()}
    body = grid[header_index + 1 :]
    with gc_paused():
        try:  # calamine grids and CSV rows are rectangular
            cols = {f: list(map(itemgetter(j), body)) for f, j in positions.items()}
        except IndexError:
            width = max(positions.values()) + 1
            body = [list(r) + [""] * (width - len(r)) for r in body]
            cols = {f: list(map(itemgetter(j), body)) for f, j in positions.items()}
        # blank lines (every mapped cell empty) are not sales lines: only rows with an
        # empty first mapped cell can be blank, so only those are looked at closely
        first = next(iter(cols.values()))
        candidates = [i for i, v in enumerate(first) if v == "" or v is None]
        blank = [i for i in candidates if all(c[i] == "" or c[i] is None for c in cols.values())]
        keep = None
        if blank:
            dropped = set(blank)
            keep = [i for i in range(len(body)) if i not in dropped]
            cols = {f: [v[i] for i in keep] for f, v in cols.items()}
        rows = (
            [header_index + 2 + i for i in keep]
            if keep is not None
            else range(header_index + 2, header_index + 2 + len(body))
        )
        index = pd.Index(rows, name="row", dtype="int64")
        frame: dict[str, pd.Series] = {}
        issues: list[Issue] = []
        headers: dict[str, tuple[str, int]] = {}
        for f, values in cols.items():
            spec = specs[f]
            header = mapping.columns[f]
            headers[f] = (header, positions[f] + 1)
            converted = convert_column(values, spec.kind)
            for position, problem in converted.problems:
                issues.append(
                    make_issue(problem.code, sheet, index[position], header, col=positions[f] + 1, **problem.values)
                )
            frame[f] = _series(converted.values, spec.kind, index)
    return pd.DataFrame(frame, index=index, copy=False), issues, headers


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
    sales.skipped = [(sheet, r) for r in ledger.skipped]
    return sales


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
    sales.skipped = [(orders.sheet, r) for r in orders.skipped]
    if archive is not None:
        sales.skipped += [(archive.sheet, r) for r in archive.skipped]
    return sales


def _frame(ledger: Any) -> pd.DataFrame:
    return ledger.frame[[c for c in ledger.frame.columns if c in FIELD_LABELS]]
