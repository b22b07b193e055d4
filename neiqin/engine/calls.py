"""Counting the calls an action makes into the headless engine.

Every public method and property of the engine's implementation classes is an
"engine call" — the headless counterpart of one COM round trip in Excel. Only the
outermost call is counted: an engine method that uses another one internally is
still one call, as it would be one call into Excel.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

_T = TypeVar("_T")

_EXPOSED_DUNDERS = {"__call__", "__len__", "__iter__", "__contains__"}


class CallLog:
    """Engine calls seen while counting is on, by ``Class.member``."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._depth = 0
        self._listeners = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


_LOG = CallLog()


@contextmanager
def count_calls() -> Iterator[Counter[str]]:
    """Count engine calls made inside the block; yields a Counter by ``Class.member``."""
    counts: Counter[str] = Counter()
    before = _LOG.counts.copy()
    _LOG._listeners += 1
    try:
        yield counts
    finally:
        _LOG._listeners -= 1
        counts.update(_LOG.counts)
        counts.subtract(before)
        for key in [k for k, v in counts.items() if v <= 0]:
            del counts[key]
        if not _LOG._listeners:
            _LOG.counts.clear()


def _wrap(fn: Callable[..., Any], key: str) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        log = _LOG
        if log._listeners and not log._depth:
            log.counts[key] += 1
        log._depth += 1
        try:
            return fn(*args, **kwargs)
        finally:
            log._depth -= 1

    return wrapper


def instrumented(cls: type[_T]) -> type[_T]:
    """Class decorator: every public method and property counts as one engine call."""
    for name, attr in list(vars(cls).items()):
        if name.startswith("_") and name not in _EXPOSED_DUNDERS:
            continue
        key = f"{cls.__name__}.{name}"
        if isinstance(attr, property):
            setattr(
                cls,
                name,
                property(
                    _wrap(attr.fget, key) if attr.fget else None,
                    _wrap(attr.fset, key + "=") if attr.fset else None,
                    attr.fdel,
                    attr.__doc__,
                ),
            )
        elif isinstance(attr, (staticmethod, classmethod)):
            continue
        elif callable(attr):
            setattr(cls, name, _wrap(attr, key))
    return cls
