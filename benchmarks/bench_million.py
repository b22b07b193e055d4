"""Benchmark: `neiqin validate FILE --json` on a ledger of Excel's maximum row count (issue 19).

    python benchmarks/bench_million.py [--rows 1048572] [--runs 3]

Targets: ≤ 1.5 × the bare read (``bare_read.py``: python-calamine's ``to_python()`` of the sheet), and
≤ 2 GB peak memory. Both commands run as fresh processes, alternating; for each the wall time, the CPU
time (user + system, from the operating system's accounting of the child) and the peak resident memory
are taken, and the medians reported, with the size of the JSON ``validate`` printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def measured(cmd: list[str], env: dict[str, str], out: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MiB) of one run of ``cmd`` (stdout to ``out``)."""
    start = time.perf_counter()
    with out.open("wb") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.DEVNULL, env=env)
        _pid, _status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_048_572)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from make_ledger import make

    path = HERE / "data" / f"orders_{args.rows}.xlsx"
    if not path.exists():
        print(f"generating {path} … (minutes)", flush=True)
        make(args.rows, path)
    tmp = Path(tempfile.mkdtemp(prefix="neiqin-bench-"))
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["NEIQIN_DB"] = str(tmp / "none" / "bench.db")  # no store: nothing to compare statuses with
    env["NEIQIN_LOG"] = str(tmp / "bench.log")
    bare_cmd = [sys.executable, str(HERE / "bare_read.py"), str(path), "订单台账"]
    ours_cmd = [sys.executable, "-m", "neiqin", "validate", str(path), "--json"]
    measured(bare_cmd, env, tmp / "bare.out")  # warm the file cache
    bare, ours = [], []
    for _ in range(args.runs):
        bare.append(measured(bare_cmd, env, tmp / "bare.out"))
        ours.append(measured(ours_cmd, env, tmp / "ours.json"))

    def med(runs: list[tuple[float, float, float]], i: int) -> float:
        return statistics.median(r[i] for r in runs)

    size = path.stat().st_size / 1e6
    print(f"file: {path.name} ({args.rows:,} lines × 20 columns, {size:.0f} MB); load {os.getloadavg()[0]:.1f}")
    for label, runs in (("python-calamine bare read", bare), ("neiqin validate --json", ours)):
        print(
            f"{label:27}: wall {med(runs, 0):6.1f} s  CPU {med(runs, 1):6.1f} s  peak {med(runs, 2):6.0f} MiB"
            f"  (walls {', '.join(f'{r[0]:.1f}' for r in runs)})"
        )
    print(
        f"ratio: wall {med(ours, 0) / med(bare, 0):.2f}, CPU {med(ours, 1) / med(bare, 1):.2f} (target ≤ 1.5); "
        f"peak {med(ours, 2) * 1.048576:.0f} MB (target ≤ 2,000 MB); "
        f"JSON {(tmp / 'ours.json').stat().st_size / 1e3:.0f} kB"
    )


if __name__ == "__main__":
    main()
