"""NQ_* worksheet functions for Windows Excel (xlwings UDFs)."""

from __future__ import annotations

__neiqin__ = True  # marks NeiQin's own package (see neiqin.base.addin)

from neiqin.base.addin import ensure_import_path

ensure_import_path()  # NeiQin's validators/ before any look-alike package

# xlwings imports this package ("UDF Modules = xlwings_udfs") and registers every
# @xw.func it finds here.
from .reports import NQ_ONTIME, NQ_PVM, NQ_SALES, NQ_TOTAL  # noqa: E402

__all__ = ["NQ_ONTIME", "NQ_PVM", "NQ_SALES", "NQ_TOTAL"]
