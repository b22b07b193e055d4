"""Separate processes started at the same moment (clerks on other PCs), for the store's race tests.

A fork server with the store already imported starts them: real processes, each with its own
engine and connections, without paying the import on a busy 2-core machine for every one.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any

_CTX = multiprocessing.get_context("forkserver")
_CTX.set_forkserver_preload(["neiqin.core.store", "tests.store_procs"])


def _run(target: Callable[..., Any], args: tuple[Any, ...], barrier: Any, out: Any, index: int) -> None:
    barrier.wait()
    try:
        out.put((index, target(*args)))
    except Exception as exc:  # reported to the test as text, never lost in the child
        out.put((index, f"{exc.__class__.__name__}: {exc}"))


def at_once(target: Callable[..., Any], calls: Sequence[tuple[Any, ...]], timeout: float = 180) -> list[Any]:
    """``target(*args)`` for every args in ``calls``, each in its own process, released together; results in order."""
    barrier, out = _CTX.Barrier(len(calls)), _CTX.Queue()
    procs = [_CTX.Process(target=_run, args=(target, args, barrier, out, i)) for i, args in enumerate(calls)]
    for p in procs:
        p.start()
    results: list[Any] = [None] * len(calls)
    for _ in procs:
        index, value = out.get(timeout=timeout)
        results[index] = value
    for p in procs:
        p.join(60)
    return results


def reserve(url: str, claim: str, key: str, when: Any) -> list[str]:
    from neiqin.core.store import Store

    return Store(url).reserve_invoices(claim, [{"key": key, "amount": 99.0}], when)


def open_and_log(url: str) -> str:
    from neiqin.core.store import Store

    Store(url).log_action("validate_orders", "/w.xlsx", "ok")
    return "ok"


def clerk_day(url: str, clerk: int, contested: int, when: Any) -> dict[str, Any]:
    """One clerk's burst of work: action-log rows, own and contested invoices, order statuses."""
    from neiqin.core.store import Store

    store = Store(url)
    for n in range(5):
        store.log_action("validate_orders", f"/clerk{clerk}.xlsx", "ok", rows=n, user=f"clerk{clerk:02d}")
    own = store.reserve_invoices(
        f"BX{clerk:02d}", [{"key": f"OWN-{clerk:02d}-{n}", "amount": 10.0 + n} for n in range(3)], when
    )
    won = [
        key
        for key in (f"HOT-{k}" for k in range(contested))
        if store.reserve_invoices(f"BX{clerk:02d}-{key}", [{"key": key, "amount": 1.0}], when) == []
    ]
    mine = {(f"SO{clerk:02d}", f"P{n}"): "已确认" for n in range(10)}
    shared = {(f"SO-SHARED-{n}", "P"): "生产中" for n in range(10)}  # every clerk records the same lines
    store.record_statuses({**mine, **shared}, f"/clerk{clerk}.xlsx")
    store.record_statuses({(f"SO{clerk:02d}", "P0"): "暂停"})
    store.dispose()
    return {"own": own, "won": won}
