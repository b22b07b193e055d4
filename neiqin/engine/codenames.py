"""Code names in a macro workbook: the names VBA knows the sheets by (``Sheet1`` …, ``ThisWorkbook``).

Excel gives every sheet of a workbook with a VBA project a code name, unique among the code names and
the VBA modules; a sheet openpyxl adds has none, and Excel would make one up on open that may clash
with a module already in the project (``Sheet16`` of a sheet deleted since). The engine names new
sheets as Excel does: ``Sheet<N>``, the first number no sheet or module uses.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

VBA_PART = "xl/vbaProject.bin"


def is_macro_workbook(wb: Any) -> bool:
    """True when the openpyxl workbook has (or keeps) a VBA project, or already uses code names."""
    archive = getattr(wb, "vba_archive", None)
    if archive is not None and any(n.lower() == VBA_PART.lower() for n in archive.namelist()):
        return True
    return bool(wb.code_name) or any(ws.sheet_properties.codeName for ws in wb.worksheets)


def vba_module_names(wb: Any) -> set[str]:
    """The module names of the workbook's VBA project (read once per workbook; empty when it has none)."""
    cached = getattr(wb, "_nq_vba_modules", None)
    if cached is not None:
        return cached
    names: set[str] = set()
    archive = getattr(wb, "vba_archive", None)
    part = next((n for n in archive.namelist() if n.lower() == VBA_PART.lower()), None) if archive else None
    if part is not None:
        try:
            from pyopenvba.cfb import CFB
            from pyopenvba.vba import parse_vba_project

            names = set(parse_vba_project(CFB.from_bytes(archive.read(part))).module_names())
        except Exception:  # an unreadable project: the sheets' own code names still keep new ones unique
            log.warning("VBA module names not readable; code names checked against the sheets only", exc_info=True)
    wb._nq_vba_modules = names
    return names


def name_sheets(wb: Any) -> list[str]:
    """Give every sheet of a macro workbook that has no code name one, as Excel would; returns the names given.

    A code name already there is never changed (VBA code may use it)."""
    if not is_macro_workbook(wb):
        return []
    taken = {n.casefold() for n in vba_module_names(wb)}
    taken |= {ws.sheet_properties.codeName.casefold() for ws in wb.worksheets if ws.sheet_properties.codeName}
    if wb.code_name:
        taken.add(wb.code_name.casefold())
    given = []
    n = 1
    for ws in wb.worksheets:
        if ws.sheet_properties.codeName:
            continue
        while f"sheet{n}" in taken:
            n += 1
        ws.sheet_properties.codeName = f"Sheet{n}"
        taken.add(f"sheet{n}")
        given.append(ws.sheet_properties.codeName)
    return given
