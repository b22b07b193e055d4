"""Write a large order ledger (.xlsx) for the benchmarks: the demo company's data, repeated.

    python benchmarks/make_ledger.py 100000 benchmarks/data/orders_100k.xlsx

The layout is the demo's (title row, subtitle, blank row, header row), the cells
are the demo's — dates as dates, a few text dates and ¥ amounts, the demo's
planted mistakes — so reading and checking do the same work as on a real ledger.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from neiqin.app.demo import generate
from neiqin.base.addin import ensure_import_path


def make(
    rows: int,
    path: Path,
    seed: int = 7,
    tail: list[dict] | None = None,
    adjust: Callable[[int, dict], dict] | None = None,
) -> Path:
    """``rows`` lines: the demo's (with its mistakes), or clean lines ending with ``tail``.

    ``adjust(n, line)`` may change the n-th line (a dict by field) before it is written.
    """
    ensure_import_path()
    from neiqin.app.plugins import load_validators
    from neiqin.core import kit

    load_validators()
    specs = kit.ledger("orders").columns()
    po = next(i for i, s in enumerate(specs) if s.field == "customer_po")
    lines = generate(seed, dt.date(2026, 11, 26), mistakes=tail is None)["lines"]
    if tail is not None:
        rows -= len(tail)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("订单台账")
    ws.append(["华东精工机电销售有限公司 订单台账（基准测试）"])
    ws.append(["内勤：李娜"])
    ws.append([])
    ws.append([s.header for s in specs])
    n = 0
    while n < rows:
        for line in lines:
            if n >= rows:
                break
            values = [(adjust(n, dict(line)) if adjust else line).get(s.field) for s in specs]
            if n >= len(lines):  # later copies get their own order numbers and customer POs
                copy = n // len(lines)
                values[0] = f"{values[0]}-{copy}"
                if values[po] is not None:
                    values[po] = f"{values[po]}-{copy}"
            ws.append(values)
            n += 1
    for line in tail or []:
        ws.append([line.get(s.field) for s in specs])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    _declare_dimension(path, len(specs))
    return path


def _declare_dimension(path: Path, columns: int) -> None:
    """Write ``<dimension ref="A1:…">`` as Excel, WPS and LibreOffice do (openpyxl's write-only mode
    leaves it out; without it NeiQin first scans the sheet for cells far out, a safety check that a
    file from a spreadsheet program never needs)."""
    import re
    import zipfile

    from openpyxl.utils import get_column_letter

    with zipfile.ZipFile(path) as zf:
        parts = {info: zf.read(info) for info in zf.infolist()}
    for info, data in parts.items():
        if info.filename.startswith("xl/worksheets/sheet") and b"<dimension" not in data:
            last = max(int(n) for n in re.findall(rb'<row r="(\d+)"', data))
            ref = f"A1:{get_column_letter(columns)}{last}".encode()
            parts[info] = data.replace(b"<sheetViews>", b'<dimension ref="%s"/><sheetViews>' % ref, 1)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts.items():
            out.writestr(info, data)
    tmp.replace(path)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).parent / "data" / f"orders_{count}.xlsx"
    print(make(count, target))
