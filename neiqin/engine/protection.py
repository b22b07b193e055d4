"""Protected sheets: refuse, as Excel does, to change their locked cells."""

from __future__ import annotations

from typing import TYPE_CHECKING

from neiqin.engine.common import EngineError

if TYPE_CHECKING:
    from neiqin.engine.headless import Sheet


def check_protected(sheet: Sheet, r1: int, c1: int, r2: int, c2: int, whole: bool = False, what: str = "value") -> None:
    """Refuse, as Excel does, to change locked cells of a protected sheet (or any cell for ``whole``)."""
    ws = sheet._book._ws_bare(sheet._st)
    protection = ws.protection
    if not protection.sheet:
        return
    if what == "format" and protection.formatCells is False:
        return  # the sheet allows formatting cells
    if what == "note" and not protection.objects:
        return  # notes are objects: editing them is allowed
    locked = whole or (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000
    if not locked:
        cells = sheet._book._ws_rows(sheet._st, r1, r2)._cells
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                cell = cells.get((r, c))
                if cell is None or not cell.has_style or cell.protection.locked is not False:
                    locked = True
                    break
            if locked:
                break
    if locked:
        raise EngineError(
            f"工作表『{sheet.name}』受保护，NeiQin 不能修改其中锁定的单元格；"
            "请在 Excel 中点「审阅 → 撤消工作表保护」后重新运行"
        )
