"""Store throughput with many clerks writing at once, on SQLite and on PostgreSQL.

    python benchmarks/bench_store.py                      # SQLite, and PostgreSQL if $NEIQIN_TEST_PG is set
    source .ci/postgres.sh && pg_start && python benchmarks/bench_store.py; pg_stop

Each writer is its own process (a clerk's PC), started from a fork server that has NeiQin's store
imported, opened on the store before the clock starts, then released together. Each does
``--rounds`` rounds of what a ribbon action writes: one action-log row, the reservation of a
claim's two invoices (one of them contested by every writer: the database lets one claim win),
and the status of five order lines. A round is three transactions. Figures: transactions per
second over the wall time from release to the last writer done, medians of ``--runs``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WHEN = dt.datetime(2026, 11, 20, 9, 0)


def writer(url: str, clerk: int, rounds: int, ready: Any, go: Any, out: Any) -> None:
    from neiqin.core.store import Store

    store = Store(url)
    store.actions(1)  # connected before the clock starts
    ready.wait()
    go.wait()
    started = time.perf_counter()
    won = 0
    for r in range(rounds):
        store.log_action("validate_orders", f"/clerk{clerk}.xlsx", "ok", rows=r, user=f"clerk{clerk:02d}")
        invoices = [{"key": f"OWN-{clerk}-{r}", "amount": 10.0}, {"key": f"HOT-{r}", "amount": 1.0}]
        won += store.reserve_invoices(f"BX{clerk}-{r}", invoices, WHEN) == []
        store.record_statuses({(f"SO{clerk}-{r}", f"P{n}"): "已确认" for n in range(5)}, "/w.xlsx")
    out.put((clerk, time.perf_counter() - started, won))
    store.dispose()


def run(ctx: Any, url: str, writers: int, rounds: int) -> dict[str, float]:
    from neiqin.core.store import Store

    Store(url).dispose()  # schema created before the clock
    ready, go, out = ctx.Barrier(writers + 1), ctx.Barrier(writers + 1), ctx.Queue()
    procs = [ctx.Process(target=writer, args=(url, i, rounds, ready, go, out)) for i in range(writers)]
    for p in procs:
        p.start()
    ready.wait()
    started = time.perf_counter()
    go.wait()
    results = [out.get(timeout=900) for _ in procs]
    wall = time.perf_counter() - started
    for p in procs:
        p.join(60)
    wins = sum(r[2] for r in results)
    assert wins == rounds, f"{wins} claims won {rounds} contested invoices"  # each accepted exactly once
    transactions = writers * rounds * 3
    return {"wall": wall, "tps": transactions / wall, "slowest": max(r[1] for r in results)}


def sqlite_url(folder: str) -> str:
    return f"sqlite:///{Path(folder) / f'bench-{uuid.uuid4().hex[:8]}.db'}"


def postgres_url(server: str) -> tuple[str, Any]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"neiqin_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", default=os.environ.get("NEIQIN_TEST_PG"), help="PostgreSQL server URL")
    args = parser.parse_args()
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["neiqin.core.store", "psycopg"] if args.pg else ["neiqin.core.store"])
    backends = ["sqlite"] + (["postgresql"] if args.pg else [])
    print(f"{args.rounds} rounds × 3 transactions per writer, median of {args.runs} runs, {os.cpu_count()} cores")
    print("| backend | writers | transactions/s | wall (s) | runs (tx/s) |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for backend in backends:
            for writers in args.writers:
                figures = []
                for _ in range(args.runs):
                    if backend == "sqlite":
                        figures.append(run(ctx, sqlite_url(folder), writers, args.rounds))
                    else:
                        url, drop = postgres_url(args.pg)
                        try:
                            figures.append(run(ctx, url, writers, args.rounds))
                        finally:
                            drop()
                tps = statistics.median(f["tps"] for f in figures)
                wall = statistics.median(f["wall"] for f in figures)
                spread = " – ".join(f"{f['tps']:.0f}" for f in sorted(figures, key=lambda f: f["tps"]))
                print(f"| {backend} | {writers} | {tps:,.0f} | {wall:.2f} | {spread} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
