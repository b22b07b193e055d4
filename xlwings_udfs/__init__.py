"""NQ_* worksheet functions for Windows Excel (xlwings UDFs)."""

from __future__ import annotations

__neiqin__ = True  # marks NeiQin's own package (see neiqin.addin)
