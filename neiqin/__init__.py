"""NeiQin (内勤): a sales back office's regulation inside the clerks' Excel ledgers."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "count_calls", "headless_caller", "open_book"]


def __getattr__(name: str) -> Any:
    # Lazy, so that `neiqin` starts reading a workbook before xlwings and pandas load.
    if name in ("count_calls", "headless_caller", "open_book"):
        from neiqin import engine

        return getattr(engine, name)
    raise AttributeError(name)
