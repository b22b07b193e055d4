"""Saving a workbook: atomic, never over someone else's changes, a backup before a lossy save.

The file is written to a temp file beside the target, the package is restored
(:func:`ooxml.restore_package`: ribbon, VBA signature, formula results, shown notes),
what the save would still lose is named and the original backed up, and only then does
the temp file replace the target.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neiqin.engine import codenames
from neiqin.engine import ooxml as package
from neiqin.engine.common import EngineError, warnings_to_log
from neiqin.engine.formulas import formula_cache

if TYPE_CHECKING:
    from neiqin.engine.headless import Book

log = logging.getLogger(__name__)


def save(book: Book, path: str | os.PathLike[str] | None = None, password: str | None = None) -> None:
    """Save atomically. Refuses to overwrite a file that changed on disk since it was opened
    (someone else saved it meanwhile); when the save would lose content the engine cannot
    keep (shapes, threaded comments …), the original is first copied to ``save_backup``."""
    if password:
        raise EngineError("无 Excel 环境时不能设置工作簿密码")
    target = Path(path).resolve() if path else book._path
    if target is None:
        raise EngineError("新建的工作簿需要指定保存路径")
    if not target.parent.is_dir():
        raise EngineError(f"保存位置 {target.parent} 不存在，未保存；请先建好该文件夹或换一个路径")
    book.save_warnings = []
    book.save_backup = None
    overwrite = book._path is not None and target == book._path
    if book._xl is None:
        # nothing was written: the file on disk is the workbook
        if book._path is not None and target != book._path:
            tmp = package.temp_beside(target)
            shutil.copyfile(book._path, tmp)
            package.replace_file(tmp, target)
            book._disk = disk_stamp(target)
        book._path = target
        book._zip = None
        return
    if overwrite:
        check_unchanged(book, target)
    tmp = package.temp_beside(target)
    try:
        stored_as_excel_stores(book._xl)
        with warnings_to_log(log):
            book._xl.save(tmp)
        try:
            cached = formula_cache(book)
        except Exception:  # the results are a convenience: never a reason not to save
            log.warning("formula results not kept in %s", target.name, exc_info=True)
            cached = None
        lazy = {
            st.name: (st.lazy, max(len(book._grid(st)[0]) if book._grid(st) else 0, st.ws.max_column))
            for st in book._states
            if st.lazy is not None and st.ws is not None
        }
        raw_strings = any(rows.shared_strings for rows, _ in lazy.values())
        shared = book._strings.data if book._strings is not None and raw_strings else None
        before, after = package.restore_package(book._path, tmp, target.suffix, cached, lazy=lazy, strings=shared)
        if book._path is not None and book._is_zip():
            if book._comments_loaded is not None and "批注" in before:
                # notes NeiQin removed on purpose are not lost; those openpyxl could not read are
                after["批注"] = min(before["批注"], book._comments_loaded)
            lost = package.lost_items(before, after)
            book.save_warnings = lost
            for item in lost:
                log.warning("saving %s lost %s", target.name, item)
            if lost and overwrite and target.exists():
                book.save_backup = backup_copy(target)
        if overwrite:
            check_unchanged(book, target)  # the save took a while: look once more
        package.replace_file(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    book._path = target
    book._zip = None
    book._disk = disk_stamp(target)
    for st in book._states:
        st.file_name = st.name  # the file on disk now has the current names


def stored_as_excel_stores(wb: Any) -> None:
    """What earlier writers stored in a form Excel "repairs", put as Excel stores it: data-validation
    formulas without a leading ``=`` (NeiQin.xlsm 0.1.0 has ``<formula1>=lst_ranks</formula1>``), and
    a code name for every sheet of a macro workbook (sheets NeiQin 0.1.0 added have none)."""
    codenames.name_sheets(wb)
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            for attr in ("formula1", "formula2"):
                value = getattr(dv, attr, None)
                if isinstance(value, str) and value.startswith("="):
                    setattr(dv, attr, value[1:])


def check_unchanged(book: Book, target: Path) -> None:
    """Never overwrite what someone else saved (or has open in Excel) since NeiQin opened the file."""
    owner = target.with_name("~$" + target.name)  # Excel's owner file while it has the book open
    if owner.exists():
        raise EngineError(
            f"『{target.name}』正在 Excel 中打开（有锁文件 {owner.name}），NeiQin 的结果未保存；"
            "请在 Excel 中关闭该文件后重新运行（若确实没人打开它，删除该锁文件即可）"
        )
    if book._disk is not None and target.exists() and disk_stamp(target) != book._disk:
        raise EngineError(
            f"『{target.name}』在 NeiQin 运行期间被修改过（可能有人刚保存了它），为免覆盖别人的修改，"
            "NeiQin 的结果未保存；请重新运行"
        )


def disk_stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def backup_copy(target: Path) -> Path:
    """Copy ``target`` beside itself as ``name.neiqin-backup.xlsx`` (never over an older backup)."""
    base = target.with_name(f"{target.stem}.neiqin-backup{target.suffix}")
    backup, n = base, 2
    while backup.exists():
        backup = target.with_name(f"{target.stem}.neiqin-backup-{n}{target.suffix}")
        n += 1
    shutil.copy2(target, backup)
    return backup
