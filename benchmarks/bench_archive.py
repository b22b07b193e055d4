"""Benchmark: the whole `archive_orders` action headless, 5,000 lines out of a 50,000-row ledger.

    python benchmarks/bench_archive.py [--rows 50000] [--archive 5000] [--runs 3] [--profile]

Generates an order ledger of ``--rows`` clean lines (the demo company's, repeated) in which
``--archive`` lines chosen at random (seed 7, so nearly every one is its own run of rows) are
已完成 and shipped long ago; every other 已完成 line is 已发货. Then times, as a fresh process,
``neiqin run archive_orders FILE --today 2026-11-26``: reading and checking the ledger, appending
the lines to 订单归档, storing them, reading them back, deleting them from 订单台账, saving.

Target (issue 19): ≤ 10 s on this project's 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
TODAY = dt.date(2026, 11, 26)


def ledger(rows: int, archive: int) -> Path:
    """The benchmark ledger (cached under benchmarks/data)."""
    from make_ledger import make

    path = HERE / "data" / f"archive_{rows}_{archive}.xlsx"
    if path.exists():
        return path
    old = dt.datetime.combine(TODAY - dt.timedelta(days=60), dt.time())
    chosen = set(random.Random(7).sample(range(rows), archive))

    def adjust(n: int, line: dict) -> dict:
        if n in chosen:
            line["status"] = "已完成"
            ship = line.get("ship_date")
            if not isinstance(ship, dt.datetime) or ship > old:
                line["ship_date"] = max(old, line["order_date"]) if isinstance(line["order_date"], dt.datetime) else old
                line["order_date"] = min(line["order_date"], line["ship_date"])
                line["delivery_date"] = line["ship_date"]
        elif line.get("status") == "已完成":
            line["status"] = "已发货"
        return line

    print(f"generating {path} …", flush=True)
    return make(rows, path, tail=[], adjust=adjust)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--archive", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="one run in-process under cProfile")
    args = parser.parse_args()
    source = ledger(args.rows, args.archive)
    tmp = Path(tempfile.mkdtemp(prefix="neiqin-bench-"))
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["NEIQIN_LOG"] = str(tmp / "bench.log")
    times = []
    for run in range(args.runs):
        path = tmp / f"run{run}.xlsx"
        shutil.copyfile(source, path)
        env["NEIQIN_DB"] = str(tmp / f"bench{run}.db")  # a fresh store: nothing archived yet
        cmd = [sys.executable, "-m", "neiqin", "run", "archive_orders", str(path), "--today", TODAY.isoformat()]
        if args.profile:  # main() in-process: the console script ends with os._exit, before cProfile writes
            code = (
                "import cProfile, sys; from neiqin.app.cli import main; "
                f"cProfile.run('main(sys.argv[1:])', {str(tmp / 'archive.prof')!r})"
            )
            cmd = [sys.executable, "-c", code, *cmd[3:]]
        start = time.perf_counter()
        result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        times.append(time.perf_counter() - start)
        print(result.stdout.strip().splitlines()[0] if result.stdout.strip() else result.stderr.strip(), flush=True)
        if args.profile:
            import pstats

            pstats.Stats(str(tmp / "archive.prof")).sort_stats("cumulative").print_stats(40)
            break
    print(f"ledger {args.rows:,} lines, {args.archive:,} to archive ({source.stat().st_size / 1e6:.1f} MB)")
    print(
        f"neiqin run archive_orders: median {statistics.median(times):.2f} s, runs "
        + ", ".join(f"{t:.2f}" for t in times)
        + " (target ≤ 10 s)"
    )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
