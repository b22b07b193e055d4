"""Benchmark: deleting scattered ledger lines headless, as `archive_orders` does.

    python benchmarks/bench_archive_delete.py [--rows 50000] [--delete 5000] [--src DIR]

Generates an order ledger of ``--rows`` lines (benchmarks/make_ledger.py), picks ``--delete``
lines at random (seed 7: nearly every line its own run, the worst case), and times the
archive's own deletion step (``macros.orders._delete_lines``) on the headless engine, then
the save. ``--src`` runs the same steps on another checkout of NeiQin (e.g. an export of
``main`` for the figure before a change).

Target (engine brief): 5,000 scattered lines out of 50,000 deleted in ≤ 10 s headless.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--delete", type=int, default=5_000)
    parser.add_argument("--src", type=Path, default=HERE.parent, help="NeiQin checkout to measure")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src.resolve()))
    sys.path.insert(1, str(HERE))
    from make_ledger import make

    from neiqin.base.addin import ensure_import_path
    from neiqin.engine import open_book

    ensure_import_path()
    from macros.orders import _delete_lines

    source = HERE / "data" / f"orders_{args.rows}.xlsx"
    if not source.exists():
        make(args.rows, source)
    header = 4
    rows = sorted(random.Random(7).sample(range(header + 1, header + args.rows + 1), args.delete))
    runs = sum(1 for i, r in enumerate(rows) if i == 0 or rows[i - 1] != r - 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / source.name
        path.write_bytes(source.read_bytes())
        start = time.perf_counter()
        book = open_book(path, engine="headless")
        sheet = book.sheets["订单台账"]
        first = sheet.range((header + 1, 1)).value  # reading does not load openpyxl: the delete does
        opened = time.perf_counter()
        _delete_lines(sheet, rows)
        deleted = time.perf_counter()
        book.save()
        saved = time.perf_counter()
        book.close()
        check = open_book(path, engine="headless")
        left = check.sheets["订单台账"].used_range.shape[0] - header
        check.close()
    assert first is not None
    print(f"ledger {args.rows:,} lines, deleted {args.delete:,} ({runs:,} runs), {left:,} lines left")
    print(f"open + first read {opened - start:6.2f} s")
    print(f"delete (incl. openpyxl load) {deleted - opened:6.2f} s")
    print(f"save {saved - deleted:6.2f} s")
    print(f"total {saved - start:6.2f} s")


if __name__ == "__main__":
    main()
