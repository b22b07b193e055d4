"""Fifty clerks writing to one company store at once: nothing lost, nothing twice, no error for any clerk."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from neiqin.core.store import Store

from . import store_procs
from .store_procs import at_once

CLERKS = 50
CONTESTED = 5  # invoices every clerk tries to put on a claim of their own
WHEN = dt.datetime(2026, 11, 20, 9, 0)


def day(url: str) -> dict[str, Any]:
    Store(url).dispose()  # created first: the upgrade under load has its own test
    results = at_once(store_procs.clerk_day, [(url, i, CONTESTED, WHEN) for i in range(CLERKS)], timeout=600)
    store = Store(url)
    log = store.actions(10_000)
    held = store.claimed_invoices(
        [f"OWN-{i:02d}-{n}" for i in range(CLERKS) for n in range(3)] + [f"HOT-{k}" for k in range(CONTESTED)]
    )
    return {
        "failures": [r for r in results if not isinstance(r, dict)],
        "own refused": [r["own"] for r in results if isinstance(r, dict) and r["own"]],
        "wins per invoice": Counter(key for r in results if isinstance(r, dict) for key in r["won"]),
        "log": Counter((r["user"], r["action"], r["rows"]) for r in log),
        "held": sorted(held),
        "holders": {k: v["claim_id"] for k, v in held.items() if k.startswith("OWN")},
        "statuses": store.statuses(),
    }


def check(result: dict[str, Any]) -> None:
    assert result["failures"] == [] and result["own refused"] == []
    assert result["wins per invoice"] == Counter({f"HOT-{k}": 1 for k in range(CONTESTED)})  # each accepted once
    assert sum(result["log"].values()) == CLERKS * 5 and all(n == 1 for n in result["log"].values())
    assert len(result["held"]) == CLERKS * 3 + CONTESTED
    assert len(result["statuses"]) == CLERKS * 10 + 10
    assert result["statuses"][("SO07", "P0")] == ("暂停", "已确认")


@pytest.mark.slow
@pytest.mark.postgres
def test_fifty_clerks_at_once_on_postgresql_and_sqlite_end_the_same(postgres_url: str, tmp_path: Path) -> None:
    on_postgres = day(postgres_url)
    check(on_postgres)
    on_sqlite = day(f"sqlite:///{tmp_path / 'store.db'}")
    check(on_sqlite)
    same = ("log", "held", "holders", "statuses", "wins per invoice")
    assert {k: on_postgres[k] for k in same} == {k: on_sqlite[k] for k in same}


@pytest.mark.slow
def test_fifty_clerks_at_once_on_sqlite(tmp_path: Path) -> None:
    check(day(f"sqlite:///{tmp_path / 'store.db'}"))
