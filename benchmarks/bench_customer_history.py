"""客户变更记录 on a 100,000-customer archive: what the record adds to a button's run.

    python benchmarks/bench_customer_history.py [--n 100000] [--changed 100] [--seed 7]

The records are bench_customer_dupes' generated archive (names, mobiles, landlines, credit codes,
e-mails; no real customer data). Times, on a throwaway SQLite store, the steps the wrapper in
``macros/customers.py`` takes around an action (the archive's reading is the action's and is not
counted): the snapshot of the archive (canonical text, digests of the confidential values), the first
save (every customer masked and written), loading the stored snapshot, the diff against it after
``--changed`` customers had their mobile changed, and the incremental save (only those customers).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_customer_dupes import generate

from neiqin.core.store import open_store
from validators.customers import store as tables
from validators.customers.history import diff, record

FIELDS = ("name", "uscc", "mobile", "phone", "email", "address", "province", "city")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    records, _ = generate(args.n, seed=args.seed)

    def snap(rows: list) -> dict:
        return {r.id: record(r.name, {f: getattr(r, f) for f in FIELDS}) for r in rows}

    now = dt.datetime.now()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    before = snap(records)
    timings["snapshot"] = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(str(Path(folder) / "bench.db"))
        started = time.perf_counter()
        store.write(lambda conn: tables.save_history(conn, "bench.xlsx", [], None, before, now, "bench"))
        timings["first save (all masked)"] = time.perf_counter() - started
        edited = [
            dataclasses.replace(r, mobile=f"139{i:08d}") if i < args.changed else r for i, r in enumerate(records)
        ]
        after = snap(edited)
        started = time.perf_counter()
        old = store.read(lambda conn: tables.load_snapshot(conn, "bench.xlsx"))
        timings["load stored snapshot"] = time.perf_counter() - started
        started = time.perf_counter()
        changes = diff(old or {}, after)
        timings["diff"] = time.perf_counter() - started
        entries = [("手工", c) for c in changes]
        started = time.perf_counter()
        store.write(lambda conn: tables.save_history(conn, "bench.xlsx", entries, old, after, now, "bench"))
        timings["incremental save"] = time.perf_counter() - started
    print(f"{len(records):,} customers, {len(changes):,} changes recorded")
    for step, seconds in timings.items():
        print(f"{step:28} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
