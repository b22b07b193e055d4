"""Office supplies on a large 领用登记: time of the check and of each action, and their workbook calls.

    python benchmarks/bench_supplies.py [--n 50000] [--runs 3]

The workbook is the demo company's supplies (``validators.supplies.demo``) with its 领用登记
repeated until it has ``--n`` lines (dates kept, so stock and quotas are those of a bigger
company: the receipts are scaled by the same factor). Each action runs on a fresh copy through
NeiQin's headless engine, with its own store.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ACTIONS = ("validate_supply_issues", "stock_ledger", "purchase_plan", "supplies_report", "stocktake")
END = dt.date(2026, 11, 30)


def make_book(n: int, folder: Path) -> Path:
    import openpyxl

    from neiqin.app.demo import REPS
    from validators.supplies.demo import supply_rows

    rows = supply_rows({"end": END, "seed": 2026, "reps": REPS})
    factor = max(1, math.ceil(n / len(rows["supply_issues"])))
    issues = (rows["supply_issues"] * factor)[:n]
    receipts = [
        {**r, **{k: r[k] * factor for k in ("due_qty", "got_qty", "accepted") if r.get(k)}}
        for r in rows["supply_receipts"]
    ]
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    from neiqin.core.kit import ledger

    for name, lines in (
        ("supplies", rows["supplies"]),
        ("supply_receipts", receipts),
        ("supply_issues", issues),
        ("supply_quotas", rows["supply_quotas"]),
        ("supplier_quotes", rows["supplier_quotes"]),
    ):
        spec = ledger(name)
        ws = wb.create_sheet(spec.sheet)
        columns = spec.columns()
        ws.append([c.header for c in columns])
        for line in lines:
            ws.append([line.get(c.field) for c in columns])
    path = folder / f"supplies-{n}.xlsx"
    wb.save(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import macros
    import neiqin
    from neiqin.core import store
    from neiqin.engine import open_book

    folder = Path(tempfile.mkdtemp(prefix="bench-supplies-"))
    source = make_book(args.n, folder)
    print(f"领用登记 {args.n:,} 行：{source} ({source.stat().st_size / 1e6:.1f} MB)")
    for action_id in ACTIONS:
        seconds, calls = [], set()
        for run in range(args.runs):
            path = folder / f"run-{action_id}-{run}.xlsx"
            shutil.copyfile(source, path)
            os.environ["NEIQIN_DB"] = str(path.with_suffix(".db"))
            store._STORES.clear()
            started = time.perf_counter()
            book = open_book(path)
            with neiqin.count_calls() as counted:
                summary = macros.run(action_id, book, today=END)
            seconds.append(time.perf_counter() - started)
            calls.add(sum(counted.values()))
            assert summary.outcome in ("ok", "issues"), summary.text()
        print(
            f"{action_id:24s} median {statistics.median(seconds):6.2f} s  "
            f"({min(seconds):.2f} – {max(seconds):.2f})  workbook calls {sorted(calls)}"
        )
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
