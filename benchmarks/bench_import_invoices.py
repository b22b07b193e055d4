"""Benchmark: 『导入发票』 of 200 invoice files of mixed kinds into one claim (target ≤ 20 s, 2-core machine).

    python benchmarks/bench_import_invoices.py [--files 200] [--runs 3]

Uses the files of ``bench_invoice_files.py`` (written once under ``benchmarks/data/invoices/``: 数电 XML,
OFD with the embedded XML, PDFs with text and QR code, 12-megapixel phone photos, 200-dpi scans).
Each run, in a fresh directory: a 费用报销单 (the real template, 报销单号 BX2503001, room for the lines)
and the files in ``发票/BX2503001/`` beside it, a new SQLite store; then, timed as a fresh process,
``neiqin run import_invoices FILE`` end to end (imports, reading the form, reading every file,
the store's registration, writing 200 lines, checking and marking the form, saving the workbook).
Every run checks that 200 invoices were written.  Reports the median; figures go to benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_invoice_files import make_files  # noqa: E402

CLAIM = "BX2503001"


def claim_workbook(path: Path, rows: int) -> None:
    import openpyxl

    from validators.expenses.template import write_expense_form

    wb = openpyxl.Workbook()
    form = {
        "claim_id": CLAIM,
        "claimant": "王磊",
        "department": "华东销售部",
        "rank": "员工",
        "claim_date": dt.datetime(2025, 3, 18),
        "purpose": "上海客户拜访",
        "attachments": rows,
        "approver": "周建国",
        "approval_date": dt.datetime(2025, 3, 19),
        "status": "待初审",
        "lines": [{} for _ in range(rows)],  # blank lines (序号 only): room for the import
    }
    write_expense_form(wb, form)
    del wb["Sheet"]
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    files = ROOT / "benchmarks" / "data" / "invoices"
    make_files(files, args.files)
    times: list[float] = []
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average before: {load:.1f} on {os.cpu_count()} cores")
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="neiqin-import-") as tmp:
            folder = Path(tmp)
            book = folder / "报销单.xlsx"
            claim_workbook(book, args.files + 10)
            shutil.copytree(files, folder / "发票" / CLAIM)
            env = {**os.environ, "NEIQIN_DB": str(folder / "neiqin.db")}  # a new store: no invoice imported before
            cmd = [sys.executable, "-m", "neiqin", "run", "import_invoices", str(book)]
            start = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env)
            seconds = time.perf_counter() - start
            if done.returncode not in (0, 1) or f"写入 {args.files} 张发票" not in done.stdout:
                raise SystemExit(f"import failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
            times.append(seconds)
            print(f"run: {seconds:6.2f} s")
    print(f"neiqin run import_invoices ({args.files} files)  median {statistics.median(times):6.2f} s "
          f"({min(times):.2f} – {max(times):.2f})")  # fmt: skip
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average after: {load:.1f}")


if __name__ == "__main__":
    main()
