"""Benchmark: `neiqin validate FILE --json` on a 100,000-row order ledger.

    python benchmarks/bench_validate.py [--rows 100000] [--runs 5] [--store]

Target (issue 2): end to end ≤ 1.5 × the time python-calamine alone takes to read
the same file, both measured as fresh processes, side by side, alternating, in one
run (medians reported); and the engine-call count of the `validate_orders` action
the same for 100 rows as for 10,000 rows.

``--store``: validate against a status store that remembers every line of the ledger (as on a clerk's
PC after a ``--mark``; ``make_store.py``) instead of none (a store file that does not exist is not opened).
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

BARE = """
import python_calamine as pc
wb = pc.CalamineWorkbook.from_path({path!r})
rows = wb.get_sheet_by_name("订单台账").to_python()
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def engine_calls(rows: int, folder: Path) -> int:
    """Engine calls of validate_orders on clean lines plus the same three problem lines."""
    import datetime as dt

    from make_ledger import make

    import neiqin
    from neiqin.app.plugins import load_macros

    os.environ["NEIQIN_DB"] = str(folder / f"calls_{rows}.db")  # a fresh store: no remembered statuses
    macros = load_macros()
    line = generate_line()
    tail = [
        {**line, "order_id": "X1", "customer_po": "PO-X1", "customer": None},
        {**line, "order_id": "X2", "customer_po": "PO-X2", "amount": 1.0},
        {**line, "order_id": "X3", "customer_po": "PO-X3", "channel": "QQ"},
    ]
    path = make(rows, folder / f"orders_{rows}.xlsx", tail=tail)
    book = neiqin.open_book(path, engine="headless")
    with neiqin.count_calls() as calls:
        macros.run("validate_orders", book, today=dt.date(2026, 11, 26))
    return sum(calls.values())


def generate_line() -> dict:
    import datetime as dt

    from neiqin.app.demo import generate

    return dict(generate(7, dt.date(2026, 11, 26), mistakes=False)["lines"][-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--store", action="store_true", help="a store that remembers every line")
    args = parser.parse_args()

    from make_ledger import make

    path = HERE / "data" / f"orders_{args.rows}.xlsx"
    if not path.exists():
        print(f"generating {path} …", flush=True)
        make(args.rows, path)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a clerk's PC: imports use cached bytecode
    tmp = Path(tempfile.mkdtemp(prefix="neiqin-bench-"))
    env["NEIQIN_DB"] = str(tmp / "bench.db")
    if args.store:
        from make_store import make_store

        print(f"store: {make_store(path, tmp / 'bench.db'):,} lines remembered", flush=True)
    env["NEIQIN_LOG"] = str(tmp / "bench.log")
    neiqin_cmd = [sys.executable, "-m", "neiqin", "validate", str(path), "--json"]
    bare_cmd = [sys.executable, "-c", BARE.format(path=str(path))]
    timed(bare_cmd, env)  # warm the file cache
    bare, ours = [], []
    for _ in range(args.runs):
        bare.append(timed(bare_cmd, env))
        ours.append(timed(neiqin_cmd, env))
    b, o = statistics.median(bare), statistics.median(ours)
    size = path.stat().st_size / 1e6
    print(f"file: {path.name} ({args.rows:,} rows × 20 columns, {size:.1f} MB)")
    print(f"python-calamine read alone : median {b:.2f} s  runs {', '.join(f'{x:.2f}' for x in bare)}")
    print(f"neiqin validate --json     : median {o:.2f} s  runs {', '.join(f'{x:.2f}' for x in ours)}")
    print(f"ratio: {o / b:.2f} (target ≤ 1.5)")

    small, large = engine_calls(100, tmp), engine_calls(10_000, tmp)
    print(f"engine calls of validate_orders: 100 rows → {small}, 10,000 rows → {large} (target: equal)")


if __name__ == "__main__":
    main()
