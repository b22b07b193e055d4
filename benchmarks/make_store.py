"""Write a status store that remembers every line of an order ledger, as after a ``validate --mark``.

    python benchmarks/make_store.py benchmarks/data/orders_100000.xlsx benchmarks/data/store_100000.db

``neiqin validate`` compares each line's status with the one the store recorded (the status machine's
transitions): on a clerk's PC the store knows the ledger's lines, so the benchmarks measure with such a
store (``NEIQIN_DB=…``) as well as without one (a store file that does not exist is not opened).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def make_store(ledger: Path, db: Path) -> int:
    """Record the status of every line of ``ledger`` in a new store at ``db``; returns the lines recorded."""
    from neiqin.app.plugins import load_validators
    from neiqin.core import kit
    from neiqin.core.config import load_settings
    from neiqin.core.kit import CheckContext
    from neiqin.core.ledger import read_ledger
    from neiqin.core.store import open_store
    from neiqin.engine import open_book

    load_validators()
    spec = kit.ledger("orders")
    assert spec.record is not None
    db.unlink(missing_ok=True)
    os.environ["NEIQIN_DB"] = str(db)  # $NEIQIN_DB comes before any setting: this store, not the machine's
    book = open_book(ledger, engine="headless")
    settings, _ = load_settings(book)
    data = read_ledger(book, spec, settings)
    store = open_store()
    spec.record(store, data, [], CheckContext(settings, dt.date(2026, 11, 26), workbook=str(ledger)))
    return len(store.statuses())


if __name__ == "__main__":
    print(make_store(Path(sys.argv[1]), Path(sys.argv[2])), "lines recorded")
