"""``neiqin doctor``: is this PC ready for the ribbon buttons? Says what is wrong and how to fix it.

Checks, in the order a clerk's installation breaks:

1. the Python version;
2. xlwings: the installed version is the pinned one, and the workbook's VBA module
   has the same version (the classic "add-in/DLL out of sync");
3. NeiQin's ``macros`` and ``xlwings_udfs`` import (and are NeiQin's, not look-alikes);
4. the workbook's hidden ``xlwings.conf`` sheet: interpreter, PYTHONPATH, UDF modules;
5. the ribbon of the workbook matches the installed actions;
6. the store opens.

``--fix`` writes the interpreter and PYTHONPATH of this installation into the
workbook's ``xlwings.conf`` (a headless, atomic save that keeps the VBA project and
the ribbon).

Without a workbook argument doctor looks where the help says: the project's
``workbook/NeiQin.xlsm``, then ``workbook/NeiQin.xlsm`` and ``NeiQin.xlsm`` under the
current folder. A plain ``.xlsx`` (a ledger, the demo) has no VBA project, settings
sheet or ribbon to check: doctor says so in one line and checks the installation.
"""

from __future__ import annotations

import importlib
import itertools
import os
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import xlwings

from neiqin.base.addin import PACKAGES, addin_root, ensure_import_path

PINNED_XLWINGS = "0.37.8"
CONF_LABELS = {
    "INTERPRETER_WIN": "Interpreter_Win",
    "INTERPRETER_MAC": "Interpreter_Mac",
    "PYTHONPATH": "PYTHONPATH",
    "UDF MODULES": "UDF Modules",
}
MIN_PYTHON = (3, 11)
Status = Literal["ok", "warn", "fail"]


@dataclass
class Check:
    name: str
    status: Status
    message: str
    fix: str = ""

    def line(self) -> str:
        mark = {"ok": "✓", "warn": "!", "fail": "✗"}[self.status]
        text = f"{mark} {self.name}：{self.message}"
        return text + (f"\n    → {self.fix}" if self.fix and self.status != "ok" else "")


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Check:
    shown = ".".join(map(str, version))
    if tuple(version[:2]) >= MIN_PYTHON:
        return Check("Python", "ok", f"{shown}（{sys.executable}）")
    return Check("Python", "fail", f"版本 {shown} 太旧", "安装 Python 3.11 或更新版本，再重新 pip install")


def check_xlwings(workbook: Path | None, installed: str = xlwings.__version__) -> Check:
    if installed != PINNED_XLWINGS:
        return Check(
            "xlwings",
            "fail",
            f"已安装 {installed}，NeiQin 需要 {PINNED_XLWINGS}",
            f'运行 python -m pip install "xlwings=={PINNED_XLWINGS}"',
        )
    if workbook is None:
        return Check("xlwings", "ok", f"{installed}（未检查工作簿）")
    try:
        vba = workbook_vba_version(workbook)
    except Exception as exc:  # a VBA project pyOpenVBA cannot read: say so, never an internal error
        return Check(
            "xlwings",
            "fail",
            f"{workbook.name} 的 VBA 工程无法读取（{exc.__class__.__name__}）",
            "运行 neiqin build 重新生成工作簿",
        )
    if vba is None:
        return Check(
            "xlwings", "fail", f"{workbook.name} 中没有 xlwings 的 VBA 模块", "运行 neiqin build 重新生成工作簿"
        )
    if vba != installed:
        return Check(
            "xlwings",
            "fail",
            f"工作簿中的 xlwings VBA 模块是 {vba}，已安装的 xlwings 是 {installed}",
            "运行 neiqin build 重新生成工作簿（或安装与工作簿相同版本的 xlwings）",
        )
    return Check("xlwings", "ok", f"{installed}，与工作簿的 VBA 模块一致")


MACRO_SUFFIXES = (".xlsm", ".xlam", ".xltm")
WORKBOOK_NAME = "NeiQin.xlsm"


def workbook_candidates(cwd: Path | None = None) -> list[Path]:
    """Where ``neiqin doctor`` looks without an argument, in order (the first that exists is checked)."""
    from neiqin.app.build import default_folder

    here = cwd or Path.cwd()
    found = [default_folder() / WORKBOOK_NAME, here / "workbook" / WORKBOOK_NAME, here / WORKBOOK_NAME]
    return list(dict.fromkeys(p.resolve() for p in found))


def default_workbook(cwd: Path | None = None) -> Path | None:
    return next((p for p in workbook_candidates(cwd) if p.is_file()), None)


def plain_workbook(workbook: Path) -> Check | None:
    """A workbook without macros (.xlsx) is a ledger, not NeiQin.xlsm: one clear line instead of the workbook checks."""
    if workbook.suffix.lower() in MACRO_SUFFIXES:
        return None
    with zipfile.ZipFile(workbook) as zf:
        if "xl/vbaProject.bin" in zf.namelist():
            return None
    return Check(
        "工作簿",
        "warn",
        f"{workbook.name} 是不带宏的普通工作簿（{workbook.suffix or '无扩展名'}），不是 NeiQin.xlsm。"
        "doctor 检查的是功能区按钮要用的 xlwings VBA 模块、隐藏的 xlwings.conf 工作表和『内勤』选项卡，"
        "普通工作簿本来就没有这些——这不是问题，它作为台账照常可用（neiqin validate / neiqin run，"
        "或在 Excel 里用 NeiQin.xlam 加载项的按钮）。下面只检查本机的安装",
        "要检查功能区按钮，请给出 NeiQin.xlsm 的路径：neiqin doctor workbook/NeiQin.xlsm",
    )


def workbook_vba_version(workbook: Path) -> str | None:
    from pyopenvba import ExcelFile

    from neiqin.app.build import vba_module_version

    with ExcelFile(workbook) as book:
        if not book.has_vba_project() or "xlwings" not in [n.lower() for n in book.module_names()]:
            return None
        name = next(n for n in book.module_names() if n.lower() == "xlwings")
        return vba_module_version(book.get_module(name))


def check_modules(root: Path | None = None) -> list[Check]:
    root = root or addin_root()
    ensure_import_path()
    checks = []
    for name in ("macros", "xlwings_udfs"):
        try:
            module = importlib.import_module(name)
        except Exception as exc:
            checks.append(
                Check(
                    f"模块 {name}",
                    "fail",
                    f"无法导入（{exc.__class__.__name__}: {exc}）",
                    f"确认 {root} 下有 {name} 文件夹；重新 python -m pip install NeiQin",
                )
            )
            continue
        if not getattr(module, "__neiqin__", False):
            checks.append(Check(f"模块 {name}", "fail", f"导入的是别的包（{module.__file__}）", "卸载同名的包"))
        else:
            checks.append(Check(f"模块 {name}", "ok", str(Path(module.__file__ or "").parent)))
    return checks


def read_conf(workbook: Path) -> dict[str, str] | None:
    """The workbook's xlwings.conf sheet as {KEY: value}, None when it has none."""
    from neiqin.engine import open_book

    book = open_book(workbook, engine="headless")
    if "xlwings.conf" not in [s.name for s in book.sheets]:
        return None
    values = book.sheets["xlwings.conf"].used_range.options(ndim=2).value or []
    conf: dict[str, str] = {}
    for row in values:
        if not row or row[0] in (None, ""):
            break  # xlwings reads keys from A1 down to the first gap
        conf[str(row[0]).upper()] = "" if len(row) < 2 or row[1] is None else str(row[1])
    return conf


def check_conf(workbook: Path, root: Path | None = None) -> list[Check]:
    root = root or addin_root()
    conf = read_conf(workbook)
    if conf is None:
        return [Check("xlwings.conf", "fail", "工作簿中没有 xlwings.conf 工作表", "运行 neiqin build 重新生成工作簿")]
    checks = []
    key = "INTERPRETER_WIN" if sys.platform.startswith("win") else "INTERPRETER_MAC"
    interpreter = os.path.expandvars(conf.get(key, ""))
    if not sys.platform.startswith(("win", "darwin")):
        checks.append(Check("解释器", "ok", "本系统没有 Excel：功能区按钮不适用，命令行 neiqin 照常可用"))
    elif key not in conf:
        checks.append(Check("解释器", "fail", f"xlwings.conf 缺少 {key}", "运行 neiqin doctor --fix"))
    elif not interpreter:
        checks.append(
            Check(
                "解释器", "warn", f"{key} 为空，将使用 PATH 中的 python", "运行 neiqin doctor --fix 写入本机的 Python"
            )
        )
    elif not Path(interpreter).exists():
        checks.append(Check("解释器", "fail", f"{key} 指向不存在的 {interpreter}", "运行 neiqin doctor --fix"))
    else:
        checks.append(Check("解释器", "ok", interpreter))
    paths = [p for p in os.path.expandvars(conf.get("PYTHONPATH", "")).split(";") if p]
    if any(all((Path(p) / pkg / "__init__.py").exists() for pkg in PACKAGES) for p in paths):
        checks.append(Check("PYTHONPATH", "ok", ";".join(paths)))
    else:
        checks.append(
            Check(
                "PYTHONPATH",
                "fail",
                f"『{conf.get('PYTHONPATH', '')}』中找不到 NeiQin 的 macros 等文件夹",
                "运行 neiqin doctor --fix（写入 " + str(root) + "）",
            )
        )
    udfs = conf.get("UDF MODULES", "")
    if "xlwings_udfs" in udfs.split(";"):
        checks.append(Check("UDF Modules", "ok", udfs))
    else:
        checks.append(
            Check("UDF Modules", "fail", f"应包含 xlwings_udfs，当前为『{udfs}』", "运行 neiqin doctor --fix")
        )
    return checks


def check_ribbon(workbook: Path) -> Check:
    from xml.etree import ElementTree as ET

    from neiqin.app.build import UI_NS, UI_PART
    from neiqin.app.plugins import load_macros

    with zipfile.ZipFile(workbook) as zf:
        if UI_PART not in zf.namelist():
            return Check("功能区", "fail", "工作簿中没有『内勤』选项卡", "运行 neiqin build 重新生成工作簿")
        root = ET.fromstring(zf.read(UI_PART))
    buttons = {b.get("id") for b in root.iter(f"{{{UI_NS}}}button")}
    actions = {a.id for a in load_macros().actions()}
    if buttons != actions:
        return Check(
            "功能区",
            "fail",
            f"按钮与已安装的 NeiQin 操作不一致（多 {sorted(buttons - actions)}，少 {sorted(actions - buttons)}）",
            "运行 neiqin build 重新生成工作簿",
        )
    return Check("功能区", "ok", f"{len(buttons)} 个按钮")


def check_store() -> Check:
    from neiqin.base.errors import NeiQinError
    from neiqin.core.config import load_settings
    from neiqin.core.store import open_store

    try:
        settings, _ = load_settings()
        store = open_store(settings.db)
        store.actions(1)
    except NeiQinError as exc:
        return Check("数据库", "fail", str(exc), "检查 NEIQIN_DB 或『数据库』设置")
    return Check("数据库", "ok", store.url.split("@")[-1])


def run_checks(workbook: Path | None) -> list[Check]:
    checks = [check_python(), check_xlwings(workbook), *check_modules()]
    if workbook is not None:
        checks += check_conf(workbook)
        checks.append(check_ribbon(workbook))
    checks.append(check_store())
    return checks


def interpreter_paths() -> tuple[str, str]:
    """(Interpreter_Win, Interpreter_Mac) for this installation."""
    exe = Path(sys.executable)
    if sys.platform.startswith("win"):
        pythonw = exe.with_name("pythonw.exe")
        return str(pythonw if pythonw.exists() else exe), ""
    return "", str(exe)


def fix(workbook: Path) -> list[str]:
    """Write this installation's interpreter and PYTHONPATH into the workbook's xlwings.conf."""
    from neiqin.base.errors import NeiQinError
    from neiqin.core.sheetio import as_text
    from neiqin.engine import open_book

    win, mac = interpreter_paths()
    wanted = {
        "INTERPRETER_WIN": win,
        "INTERPRETER_MAC": mac,
        "PYTHONPATH": str(addin_root()),
        "UDF MODULES": "xlwings_udfs",
    }
    book = open_book(workbook, engine="headless")
    if "xlwings.conf" not in [s.name for s in book.sheets]:
        raise NeiQinError(f"{workbook.name} 中没有 xlwings.conf 工作表，无法写入；请运行 neiqin build 重新生成工作簿")
    sheet = book.sheets["xlwings.conf"]
    values = sheet.used_range.options(ndim=2).value or []
    rows = {str(row[0]).upper(): i for i, row in enumerate(values, 1) if row and row[0]}
    # a new key goes into the first empty row of column A (never over another key after a gap)
    free = (i for i in itertools.count(1) if i > len(values) or not values[i - 1] or values[i - 1][0] in (None, ""))
    changed = []
    for key, value in wanted.items():
        if not value:
            continue
        row = rows.get(key) or next(free)
        if key not in rows:
            sheet.range((row, 1)).value = CONF_LABELS[key]
        if sheet.range((row, 2)).value != value:
            sheet.range((row, 2)).value = as_text(value)  # a path is text, whatever it starts with
            changed.append(f"{key} = {value}")
    if changed:
        book.save()
    return changed
