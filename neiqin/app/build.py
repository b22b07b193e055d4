"""``neiqin build``: NeiQin.xlsm and NeiQin.xlam from text sources, byte for byte reproducible.

The way known to work on Linux (see DESIGN and notes/xlsm-build.md):

1. openpyxl writes the sheets: 首页, every ledger of ``templates/sheets/*.toml`` as
   an Excel table, 设置, 列表 and the hidden ``xlwings.conf``;
2. pyOpenVBA gives the file a VBA project and adds, from text, xlwings' own VBA
   module of the pinned xlwings version (the wheel ships it), its ``Dictionary``
   class, and ``templates/vba/NeiQinRibbon.bas``; ``_VBA_PROJECT`` is reset to the
   source-only form, so Excel compiles the modules on open;
3. a last zip step adds the ribbon (``customUI/customUI14.xml``, generated from
   the action registry) and its relationship, sets the macro-enabled content type
   and writes a deterministic zip (fixed part order and timestamps, document dates
   from ``SOURCE_DATE_EPOCH``).

Never let LibreOffice (or anything but this build) save the workbook: it damages the
VBA project.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import string
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import quoteattr

import xlwings
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import quote_sheetname

from neiqin import __version__
from neiqin.app.plugins import load_macros
from neiqin.base.addin import templates_dir
from neiqin.base.errors import NeiQinError
from neiqin.core.config import Settings
from neiqin.core.sheetio import LINE_HEIGHT, lines_needed
from neiqin.core.sheets import fit_to_page_width
from neiqin.engine.ooxml import CT_NS, REL_NS, WORKBOOK_CT, normalized_xml, package_xml

UI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
UI_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
UI_PART = "customUI/customUI14.xml"
VBA_PART = "xl/vbaProject.bin"
CONF_SHEET = "xlwings.conf"
# _VBA_PROJECT with no performance cache: "compile from source on open" ([MS-OVBA] 2.3.4.1).
SOURCE_ONLY_VBA_PROJECT = bytes.fromhex("cc61ffff000300")
DEFAULT_EPOCH = 1767225600  # 2026-01-01T00:00:00Z, when SOURCE_DATE_EPOCH is not set
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


class BuildError(NeiQinError):
    """The workbook cannot be built from the sources as they are (Chinese message)."""


def xlwings_vba_source() -> str:
    """xlwings' own VBA module, from the installed (pinned) wheel."""
    return (Path(xlwings.__file__).parent / "xlwings.bas").read_text(encoding="cp1252")


def vba_module_version(source: str) -> str | None:
    """The xlwings version a VBA module declares ("'Version: 0.37.8")."""
    match = re.search(r"^'Version:\s*([0-9][^\s]*)", source, re.M)
    return match.group(1) if match else None


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def source_date() -> dt.datetime:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH))
    return dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None)


# --------------------------------------------------------------------------- ribbon


def ribbon_xml(actions: Sequence[Any], tab_id: str = "tabNeiQin") -> str:
    """The customUI14 ribbon: tab 内勤, a group per area, a button per registered action."""
    from macros.registry import KNOWN_IMAGE_MSO

    groups: dict[str, list[Any]] = {}
    for act in actions:
        if not _ID.match(act.id):
            raise BuildError(f"操作编号 {act.id!r} 不是安全的标识符（小写字母、数字、下划线）")
        if act.image not in KNOWN_IMAGE_MSO:
            raise BuildError(f"操作 {act.id} 的图标 {act.image!r} 不在已核实的 imageMso 列表中")
        groups.setdefault(act.group, []).append(act)
    from neiqin.core import kit

    ids = {g.label: f"grp_{g.id}" for g in kit.groups()}
    parts = []
    for group, members in groups.items():
        gid = ids.get(group)
        if gid is None:
            raise BuildError(f"功能区分组『{group}』没有在任何台账中声明")
        buttons = [
            f'          <button id="{act.id}" label={quoteattr(act.label)} size="{act.size}" '
            f"imageMso={quoteattr(act.image)} screentip={quoteattr(act.screentip)} "
            f'supertip={quoteattr(act.supertip)} onAction="NeiQinAction"/>'
            for act in members
        ]
        parts.append(
            f'        <group id="{gid}" label={quoteattr(group)}>\n' + "\n".join(buttons) + "\n        </group>"
        )
    template = string.Template((templates_dir() / "ribbon" / "customUI14.xml").read_text(encoding="utf-8"))
    xml = template.substitute(tab_id=tab_id, groups="\n".join(parts))
    check_ribbon(xml, [a.id for a in actions])
    return xml


def check_ribbon(xml: str, action_ids: Sequence[str]) -> None:
    """Fail unless the ribbon's buttons are exactly the registered actions, all on the one callback."""
    try:
        root = ET.fromstring(xml.encode("utf-8"))
    except ET.ParseError as exc:
        raise BuildError(f"功能区 XML 无效：{exc}") from None
    buttons = list(root.iter(f"{{{UI_NS}}}button"))
    ids = [b.get("id") for b in buttons]
    if sorted(ids) != sorted(action_ids) or len(set(ids)) != len(ids):
        raise BuildError(f"功能区按钮 {sorted(ids)} 与已注册的操作 {sorted(action_ids)} 不一致")
    wrong = [b.get("id") for b in buttons if b.get("onAction") != "NeiQinAction"]
    if wrong:
        raise BuildError(f"这些按钮没有调用 NeiQinAction：{wrong}")


# --------------------------------------------------------------------------- sheets


def _home(wb: Workbook, actions: Sequence[Any], sheet_names: list[str], addin: bool) -> None:
    ws = wb.active
    ws.title = "首页"
    ws["A1"] = "NeiQin 内勤" + ("（加载项）" if addin else "")
    ws["A1"].font = Font(bold=True, size=18, color="FF1F4E79")
    ws["A2"] = f"版本 {__version__} · xlwings {xlwings.__version__}"
    ws["A2"].font = Font(color="FF7F7F7F")
    intro = (
        "把《销售公司内勤管理制度》放进 Excel 台账：录入订单、客户、费用……后，点『内勤』选项卡上的按钮，"
        "NeiQin 一次查出全部问题，在出错的单元格上标色并加批注，并列在『校验结果』工作表里。"
    )
    if addin:
        intro = "加载 NeiQin.xlam 后，『内勤』选项卡的按钮作用于当前打开的工作簿（台账不必搬进 NeiQin.xlsm）。"
    widths = dict(zip("ABCD", HOME_WIDTHS, strict=True))
    ws["A4"] = intro
    ws["A4"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A4:D4")
    ws.row_dimensions[4].height = _fitted(intro, sum(HOME_WIDTHS))
    row = 6
    ws.cell(row, 1, "『内勤』选项卡的按钮").font = Font(bold=True, size=12)
    row += 1
    for j, text in enumerate(["分组", "按钮", "做什么", "编号"], start=1):
        ws.cell(row, j, text).font = Font(bold=True)
    top = Alignment(vertical="top")
    for act in actions:
        row += 1
        ws.cell(row, 1, act.group).alignment = top
        ws.cell(row, 2, act.label).alignment = top
        ws.cell(row, 3, act.supertip).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row, 4, act.id).font = Font(color="FF7F7F7F")
        ws.cell(row, 4).alignment = top
        # Excel keeps a row one line high when it opens a file: a description would stop mid-sentence
        ws.row_dimensions[row].height = _fitted(act.supertip, widths["C"])
    if not addin:
        row += 2
        ws.cell(row, 1, "工作表").font = Font(bold=True, size=12)
        for name in sheet_names:
            row += 1
            cell = ws.cell(row, 1, name)
            cell.hyperlink = f"#{quote_sheetname(name)}!A1"
            cell.font = Font(color="FF0563C1", underline="single")
    row += 2
    ws.cell(row, 1, "首次使用请看 docs/INSTALL.md；在 Excel 里检查一遍请看 docs/SMOKE-TEST.md。").font = Font(
        color="FF7F7F7F"
    )
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    fit_to_page_width(ws)


HOME_WIDTHS = (8, 16, 72, 27)  # 分组, 按钮 (校验采购任务单), 做什么 (wrapped), 编号 (validate_production_tasks)


def _fitted(text: str, width: float) -> float:
    """The height (points) of a row whose cell wraps ``text`` in a column ``width`` wide."""
    return LINE_HEIGHT * lines_needed(text, width) + 4


def _conf(wb: Workbook) -> None:
    """xlwings' settings sheet (keys from A1 down, no gap); ``neiqin doctor --fix`` fills the paths."""
    ws = wb.create_sheet(CONF_SHEET)
    rows = [
        (
            "Interpreter_Win",
            "",
            "Windows 上的 pythonw.exe 完整路径；空 = PATH 中的 pythonw。neiqin doctor --fix 会填写",
        ),
        ("Interpreter_Mac", "", "macOS 上的 python 完整路径；空 = PATH 中的 python。neiqin doctor --fix 会填写"),
        ("PYTHONPATH", "%NEIQIN_HOME%", "NeiQin 项目文件夹（含 macros、validators）；neiqin doctor --fix 会填写"),
        ("UDF Modules", "xlwings_udfs", "工作表函数所在的模块（Windows：xlwings 加载项 → Import Functions）"),
        ("Show Console", "False", ""),
    ]
    for i, (key, value, note) in enumerate(rows, start=1):
        ws.cell(i, 1, key)
        ws.cell(i, 2, value)
        ws.cell(i, 3, note)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions["C"].width = 70
    ws.sheet_state = "hidden"


def write_ledger_sheets(
    wb: Workbook,
    actions: Sequence[Any],
    *,
    data: dict[str, list[dict[str, Any]]] | None = None,
    titles: dict[str, str] | None = None,
    subtitles: dict[str, str] | None = None,
    settings: Settings | None = None,
) -> list[str]:
    """首页, the template sheet of every registered ledger (with ``data`` rows if given), 设置 and 列表.

    The same layout serves NeiQin.xlsm (empty ledgers) and the demo (a company's data). A table
    ledger's sheet comes from its schema and its ``sheet.toml``; a form ledger's template is a
    function (a blank form, or one sheet per form in ``data[<ledger>]``). Returns the sheet names in order.
    """
    from neiqin.core import kit
    from neiqin.core.sheets import write_ledger, write_lists, write_settings

    settings = settings or Settings()
    data = data or {}
    specs = [s for s in kit.ledgers() if s.template is not None]

    # by the templates' order (a form goes where its group's ledgers are)
    def order(spec: Any) -> tuple[int, str]:
        template = spec.template
        return (getattr(template, "order", None) or 75, spec.name)

    specs.sort(key=order)
    lists = write_lists(wb, settings)
    names: list[str] = []
    for spec in specs:
        if spec.form is not None:
            forms = data.get(spec.name) or [{"sheet": spec.sheet}]
            for form in forms:
                sheet = form.get("sheet", spec.sheet)
                spec.template(wb, form, name=sheet, title=form.get("title", spec.title), lists=lists, settings=settings)
                names.append(sheet)
            continue
        layout = spec.template
        write_ledger(
            wb,
            spec,
            data.get(spec.name) or layout.defaults,
            settings,
            layout=layout,
            lists=lists,
            title=(titles or {}).get(spec.name),
            subtitle=(subtitles or {}).get(spec.name),
        )
        names.append(spec.sheet)
    write_settings(wb, settings)
    order_names = ["首页", *names, "设置", "列表"]
    _home(wb, actions, order_names[1:], addin=False)
    for position, name in enumerate(order_names):
        wb.move_sheet(name, offset=position - wb.sheetnames.index(name))
    wb.active = 0
    return order_names


def write_sheets(path: Path, actions: Sequence[Any], *, addin: bool) -> None:
    """Step 1: the sheets, with openpyxl."""
    wb = Workbook()
    if addin:
        _home(wb, actions, [], addin=True)
    else:
        write_ledger_sheets(wb, actions)
    _conf(wb)
    wb.active = 0
    wb.save(path)


# --------------------------------------------------------------------------- VBA


def add_vba(path: Path, ribbon_module: str) -> None:
    """Step 2: the VBA project, from text (pyOpenVBA)."""
    from pyopenvba import ExcelFile
    from pyopenvba.vba import VBAModuleKind

    xlwings_bas = xlwings_vba_source()
    version = vba_module_version(xlwings_bas)
    if version != xlwings.__version__:
        raise BuildError(f"xlwings 的 VBA 模块版本 {version} 与已安装的 xlwings {xlwings.__version__} 不一致")
    dictionary = (Path(xlwings.__file__).parent / "addin" / "Dictionary.cls").read_text(encoding="cp1252")
    ribbon = (templates_dir() / "vba" / ribbon_module).read_bytes().decode("ascii")
    with ExcelFile(path) as book:
        project = book.add_vba_project()
        project.add_module("xlwings", _crlf(xlwings_bas))
        project.add_module("Dictionary", _crlf(dictionary), kind=VBAModuleKind.other)
        project.add_module("NeiQinRibbon", ribbon)
        book.save()


def _source_only(vba_project: bytes) -> bytes:
    from pyopenvba.cfb import CFB

    cfb = CFB.from_bytes(vba_project)
    cfb.write_stream_in_storage("VBA", "_VBA_PROJECT", SOURCE_ONLY_VBA_PROJECT)
    return cfb.to_bytes()


# --------------------------------------------------------------------------- package


_ORDER = ["[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml", "xl/workbook.xml"]


def finish_package(src: Path, dest: Path, ribbon: str) -> None:
    """Step 3: ribbon part and relationship, macro-enabled type, deterministic zip."""
    with zipfile.ZipFile(src) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    parts[VBA_PART] = _source_only(parts[VBA_PART])
    parts[UI_PART] = ribbon.encode("utf-8")

    rels = ET.fromstring(parts["_rels/.rels"])
    for rel in list(rels):
        if rel.get("Type") == UI_REL_TYPE:
            rels.remove(rel)
    ET.SubElement(rels, f"{{{REL_NS}}}Relationship", Id="rIdNeiQinRibbon", Type=UI_REL_TYPE, Target=UI_PART)
    parts["_rels/.rels"] = package_xml(rels)

    types = ET.fromstring(parts["[Content_Types].xml"])
    for override in types.iter(f"{{{CT_NS}}}Override"):
        if override.get("PartName") == "/xl/workbook.xml":
            override.set("ContentType", WORKBOOK_CT[dest.suffix.lower()])
    if not any(d.get("Extension") == "bin" for d in types.iter(f"{{{CT_NS}}}Default")):
        ET.SubElement(types, f"{{{CT_NS}}}Default", Extension="bin", ContentType="application/vnd.ms-office.vbaProject")
    parts["[Content_Types].xml"] = package_xml(types)

    stamp = source_date().strftime("%Y-%m-%dT%H:%M:%SZ")
    core = parts["docProps/core.xml"].decode("utf-8")
    core = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rf"\g<1>{stamp}\g<2>", core)
    parts["docProps/core.xml"] = core.encode("utf-8")

    for name, data in parts.items():  # the same bytes whether openpyxl wrote them with lxml or without
        if name.endswith((".xml", ".rels", ".vml")) and name not in ("[Content_Types].xml", "_rels/.rels"):
            parts[name] = normalized_xml(data)

    names = [n for n in _ORDER if n in parts] + sorted(n for n in parts if n not in _ORDER)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            out.writestr(info, parts[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, dest)


def build(out: Path, *, addin: bool = False) -> Path:
    """Build NeiQin.xlsm (or, with ``addin``, NeiQin.xlam) at ``out``."""
    macros = load_macros()
    actions = macros.actions()
    ribbon = ribbon_xml(actions, tab_id="tabNeiQinAddin" if addin else "tabNeiQin")
    with tempfile.TemporaryDirectory(prefix="neiqin-build-") as folder:
        work = Path(folder) / "book.xlsm"
        write_sheets(work, actions, addin=addin)
        add_vba(work, "NeiQinAddin.bas" if addin else "NeiQinRibbon.bas")
        finish_package(work, Path(out), ribbon)
    return Path(out)


def build_all(folder: Path) -> list[Path]:
    """NeiQin.xlsm and NeiQin.xlam in ``folder``."""
    return [build(folder / "NeiQin.xlsm"), build(folder / "NeiQin.xlam", addin=True)]


def default_folder() -> Path:
    """``workbook/`` of the project (a checkout) or the current folder."""
    from neiqin.base.addin import addin_root

    root = addin_root()
    return root / "workbook" if (root / "pyproject.toml").exists() else Path.cwd()


__all__ = ["BuildError", "build", "build_all", "check_ribbon", "ribbon_xml", "vba_module_version"]
