"""Benchmark: `neiqin report online_retail.xlsx --map … --period month --json` (issue 4).

    python benchmarks/bench_report.py [--runs 5] [--data ../shared/data/online_retail.xlsx]

Needs the UCI Online Retail workbook (541,909 invoice lines; not in the repository).
Targets: end to end ≤ 1.3 × python-calamine's bare read of the same file (fresh
processes, alternating, medians); the report computation alone ≤ 0.5 s; peak memory
of the report process ≤ 1.5 GB.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "online_retail.xlsx"
MAP = ROOT / "examples" / "online_retail.toml"

BARE = """
import python_calamine as pc
wb = pc.CalamineWorkbook.from_path({path!r})
rows = wb.get_sheet_by_index(0).to_python()
"""

COMPUTE = """
import time, datetime as dt
from neiqin.base.addin import ensure_import_path
ensure_import_path()
from validators.sales import reports
from validators.sales.sources import load_mapping, read_export
sales = read_export({path!r}, load_mapping({map!r}))
best = []
for _ in range(5):
    t = time.perf_counter()
    doc = reports.report_json(sales, "month")
    best.append(time.perf_counter() - t)
t = time.perf_counter()
report = reports.build_report(sales, "month", dt.date(2011, 11, 1))
tab = time.perf_counter() - t
print(min(best), tab, len(sales.all), doc["totals"]["revenue"], doc["reconciled"])
"""


ENV = dict(os.environ)
ENV.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a clerk's PC: imports use cached bytecode


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS (kB) of a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, check=False)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"{args.data} not found: this benchmark needs the UCI Online Retail workbook")
    neiqin = str(Path(sys.executable).with_name("neiqin"))
    report_cmd = [neiqin, "report", str(args.data), "--map", str(MAP), "--period", "month", "--json"]
    bare_cmd = [sys.executable, "-c", BARE.format(path=str(args.data))]
    ENV.setdefault("NEIQIN_DB", str(HERE / "data" / "bench.db"))
    (HERE / "data").mkdir(exist_ok=True)

    out = subprocess.run(report_cmd, capture_output=True, text=True, env=ENV, check=False)  # also warms caches
    print(f"exit {out.returncode}; {len(out.stdout):,} bytes of JSON; stderr: {out.stderr[-300:]!r}")
    bare: list[float] = []
    ours: list[float] = []
    peak = 0
    for i in range(args.runs):
        t, _ = timed(bare_cmd)
        bare.append(t)
        t, rss = timed(report_cmd)
        ours.append(t)
        peak = max(peak, rss)
        print(f"run {i + 1}: calamine {bare[-1]:.2f} s, neiqin report {ours[-1]:.2f} s", flush=True)
    compute = subprocess.run(
        [sys.executable, "-c", COMPUTE.format(path=str(args.data), map=str(MAP))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    b, o = statistics.median(bare), statistics.median(ours)
    print()
    print(f"python-calamine read alone: median {b:.2f} s ({min(bare):.2f} – {max(bare):.2f})")
    print(f"neiqin report --json:       median {o:.2f} s ({min(ours):.2f} – {max(ours):.2f})")
    print(f"ratio: {o / b:.2f}  (target ≤ 1.3)")
    print(f"report computation (report_json, all months): {float(compute[0]):.3f} s  (target ≤ 0.5)")
    print(f"one month's full report tab data (build_report): {float(compute[1]):.3f} s")
    print(f"lines {int(compute[2]):,}; revenue {float(compute[3]):,.2f}; reconciled {compute[4]}")
    print(f"peak memory (max RSS of the runs): {peak / 1024:.0f} MB  (target ≤ 1536)")


if __name__ == "__main__":
    main()
