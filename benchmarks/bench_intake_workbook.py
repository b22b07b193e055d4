"""Benchmark: 粘贴订单 on a workbook — what reaches 订单台账, how fast, how many workbook calls.

    python benchmarks/bench_intake_workbook.py [--lines 5000]

Pastes every message of tests/data/intake/corpus.toml and holdout.toml on 订单录入 of a workbook
holding the corpus catalogue (客户档案 with 简称 and 邮箱, 产品目录 with 包装, 产品别名), runs the action
once, and scores the draft lines' cells — customer, product, quantity in the catalogue unit, delivery
date — against the hand-written expectations (precision = correct / filled, recall = correct / expected;
an empty cell where the customer wrote the value must carry a question). Then the action's time and
engine calls with the same messages on top of an order ledger of ``--lines`` existing lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import macros  # noqa: E402
import neiqin  # noqa: E402
from neiqin.engine import open_book  # noqa: E402
from tests.conftest import make_order_row  # noqa: E402
from tests.intake_corpus import messages  # noqa: E402
from tests.intake_workbook import corpus_workbook, score_ledger  # noqa: E402
from tests.test_intake_corpus import holdout  # noqa: E402

DAY = dt.date(2026, 11, 20)


def run(path: Path) -> tuple[macros.Summary, float, int]:
    book = open_book(path, engine="headless")
    start = time.perf_counter()
    with neiqin.count_calls() as counted:
        summary = macros.run("order_intake", book, today=DAY)
    took = time.perf_counter() - start
    book.save()
    return summary, took, sum(counted.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=5000, help="existing lines of 订单台账 for the timing run")
    args = parser.parse_args()
    import os

    with tempfile.TemporaryDirectory() as folder:
        os.environ["NEIQIN_DB"] = str(Path(folder) / "bench.db")
        print(f"{'set':10} {'msgs':>5} {'lines':>6} {'filled':>7} {'correct':>8} {'wrong':>6} {'silent':>7} "
              f"{'precision':>10} {'recall':>7} {'action s':>9} {'calls':>6}")  # fmt: skip
        for name, corpus in (("corpus", messages()), ("holdout", holdout())):
            path, rows = corpus_workbook(Path(folder) / f"{name}.xlsx", corpus)
            summary, took, calls = run(path)
            s = score_ledger(path, corpus, rows, summary.issues)
            print(f"{name:10} {len(corpus):>5} {s.lines:>6} {s.filled:>7} {s.correct:>8} {len(s.wrong):>6} "
                  f"{len(s.silent):>7} {s.precision:>10.1%} {s.recall:>7.1%} {took:>9.2f} {calls:>6}")  # fmt: skip
            for problem in s.wrong + s.silent:
                print("   ", problem)
        corpus = messages() + holdout()
        existing = [
            make_order_row(order_id=f"SO2610{n:04d}", customer="苏州恒通机械有限公司", status="已完成")
            for n in range(args.lines)
        ]
        path, _ = corpus_workbook(Path(folder) / "big.xlsx", corpus, orders=existing)
        summary, took, calls = run(path)
        print(
            f"\n{len(corpus)} messages onto {args.lines:,} existing lines: {took:.2f} s "
            f"({took / len(corpus) * 1000:.0f} ms a message), {calls} engine calls; {summary.message}"
        )


if __name__ == "__main__":
    main()
