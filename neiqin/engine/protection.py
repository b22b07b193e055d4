"""Protected sheets: refuse, as Excel does, to change their locked cells."""

from __future__ import annotations

import base64
import hashlib
import struct
from typing import TYPE_CHECKING, Any

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


# --------------------------------------------------------------------------- protecting with a password
# NeiQin protects a sheet (『保护客户档案』) and opens it around its own writes. Headless, the openpyxl
# worksheet's <sheetProtection> holds the password as Excel stores it: the legacy 16-bit hash (what
# openpyxl writes, what LibreOffice and Excel accept), or a salted SHA-512 hash (what Excel 2013+ writes);
# both are checked here. In Excel, the COM Worksheet's Protect / Unprotect do it.


def _openpyxl_ws(sheet: Any) -> Any:
    from openpyxl.worksheet.worksheet import Worksheet

    api = sheet.api
    return api if isinstance(api, Worksheet) else None


def is_protected(sheet: Any) -> bool:
    """Whether the sheet is protected (its cells cannot be changed)."""
    ws = _openpyxl_ws(sheet)
    if ws is None:
        return bool(sheet.api.ProtectContents)
    return bool(ws.protection.sheet)


def _sha512_matches(password: str, algorithm: str, salt: str, spins: int, expected: str) -> bool:
    if algorithm.replace("-", "").upper() != "SHA512":
        return False
    digest = hashlib.sha512(base64.b64decode(salt) + password.encode("utf-16-le")).digest()
    for i in range(spins):
        digest = hashlib.sha512(digest + struct.pack("<I", i)).digest()
    return base64.b64encode(digest).decode() == expected


def password_opens(ws: Any, password: str | None) -> bool:
    """Whether ``password`` opens the openpyxl worksheet's protection (no password set: anything does)."""
    from openpyxl.worksheet.protection import hash_password

    p = ws.protection
    if p.hashValue and p.saltValue and p.algorithmName:
        return bool(password) and _sha512_matches(
            password or "", p.algorithmName, p.saltValue, int(p.spinCount or 0), p.hashValue
        )
    if p.password:
        return bool(password) and hash_password(password or "").upper() == str(p.password).upper()
    return True


def opens(sheet: Any, password: str | None) -> bool | None:
    """Whether ``password`` opens the sheet's protection; None in Excel, where it can only be tried
    (:func:`unprotect` says then)."""
    ws = _openpyxl_ws(sheet)
    return None if ws is None else password_opens(ws, password)


def unprotect(sheet: Any, password: str | None) -> bool:
    """Lift the sheet's protection with ``password``; False (and still protected) when it does not open it."""
    ws = _openpyxl_ws(sheet)
    if ws is None:
        try:
            sheet.api.Unprotect(password or "")
        except Exception:  # Excel answers a wrong password with a COM error
            return False
        return not sheet.api.ProtectContents
    if not password_opens(ws, password):
        return False
    p = ws.protection
    p.sheet = False
    p.hashValue = p.saltValue = p.algorithmName = p.spinCount = None
    p.set_password(None, already_hashed=True)  # no hash left (openpyxl's setter would hash None)
    p.sheet = False
    return True


def protect(sheet: Any, password: str | None) -> None:
    """Protect the sheet with ``password`` (hashed as Excel does); its other protection options are kept."""
    ws = _openpyxl_ws(sheet)
    if ws is None:
        sheet.api.Protect(password or "", True, True, True)  # Password, DrawingObjects, Contents, Scenarios
        return
    p = ws.protection
    p.hashValue = p.saltValue = p.algorithmName = p.spinCount = None
    if password:
        p.password = password  # openpyxl stores Excel's hash of it, never the password
    p.sheet = True
