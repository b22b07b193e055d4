"""NeiQin (内勤): a sales back office's regulation inside the clerks' Excel ledgers."""

from __future__ import annotations

__version__ = "0.1.0"

from .engine import count_calls, headless_caller, open_book

__all__ = ["__version__", "count_calls", "headless_caller", "open_book"]
