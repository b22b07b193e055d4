"""Sheets NeiQin keeps protected: opened with the configured password around NeiQin's own writes.

A ledger whose sheet may be protected (客户档案: 『保护客户档案』) registers the setting that holds its
password (:func:`register_protected`). :func:`writable` — used by :func:`neiqin.core.plan.apply_plan`,
the issue marks of the 校验 buttons and an action's own writes (rows deleted by 合并客户) — checks
first that the password opens every protected sheet it is about to write, refusing in Chinese before
anything is written when it does not, then lifts the protection, lets the writes happen and protects
the sheet again with the same password, whatever happened in between. Sheets not registered are left
to the engine (which refuses to change a protected sheet's locked cells).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from neiqin.base.errors import NeiQinError

if TYPE_CHECKING:
    import xlwings as xw


@dataclass(frozen=True)
class Protected:
    ledger: str  # the ledger whose sheet it is
    field: str  # the settings field holding the password
    label: str  # that setting's label in 『设置』


_PROTECTED: dict[str, Protected] = {}


def register_protected(ledger: str, field: str, label: str) -> None:
    """The sheet of ``ledger`` may be protected with the password in the setting ``field`` (shown as ``label``)."""
    _PROTECTED[ledger] = Protected(ledger, field, label)


def refusal(sheet: str, label: str) -> NeiQinError:
    return NeiQinError(
        f"『{sheet}』受保护，『设置』中的「{label}」打不开它（没有填写或密码不对）；NeiQin 没有做任何修改。"
        f"请在「{label}」填写保护这张表时用的密码后重试"
    )


def protected_sheets(book: xw.Book, sheets: Iterable[str], settings: Any) -> list[tuple[Any, str | None, str]]:
    """(sheet, password, its setting's label) of every protected sheet among ``sheets`` (sheet names, or ledger
    names) that belongs to a registered ledger; refuses (NeiQinError) when its configured password does not open it."""
    from neiqin.core.kit import ledger as spec_of
    from neiqin.core.kit import ledger_names
    from neiqin.core.ledger import sheet_of
    from neiqin.engine.protection import is_protected, opens

    wanted = {s for s in sheets if s}
    if not _PROTECTED or not wanted:
        return []
    found: list[tuple[Any, str | None, str]] = []
    known = set(ledger_names())
    for entry in _PROTECTED.values():
        if entry.ledger not in known:  # a registry without that ledger (a test's own set of ledgers)
            continue
        name = sheet_of(book, spec_of(entry.ledger))
        if name is None or (name not in wanted and entry.ledger not in wanted):
            continue
        sheet = book.sheets[name]
        if not is_protected(sheet):
            continue
        password = getattr(settings, entry.field, None) if settings is not None else None
        if opens(sheet, password) is False:  # in Excel (None) the unprotect itself tells
            raise refusal(name, entry.label)
        found.append((sheet, password, entry.label))
    return found


@contextmanager
def writable(book: xw.Book, sheets: Iterable[str], settings: Any) -> Iterator[None]:
    """Open the protected ``sheets`` (of registered ledgers) for NeiQin's writes, and protect them again after."""
    from neiqin.engine.protection import protect, unprotect

    guarded = protected_sheets(book, sheets, settings)
    opened: list[tuple[Any, str | None]] = []
    try:
        for sheet, password, label in guarded:
            if not unprotect(sheet, password):  # Excel: the password is checked here
                raise refusal(sheet.name, label)
            opened.append((sheet, password))
        yield
    finally:
        for sheet, password in opened:
            protect(sheet, password)
