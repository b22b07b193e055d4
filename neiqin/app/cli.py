"""The ``neiqin`` command: NeiQin's actions headless (batch jobs, servers, CI).

Exit codes: 0 done (no error-severity issue), 1 done but errors were found,
2 unusable input (missing file, no header, bad settings …), 3 internal error
(the traceback is in the log file).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from neiqin import __version__
from neiqin.base.text import text_width
from neiqin.core.issues import GROUP_OVER  # stdlib only: start-up stays light

EXIT_OK, EXIT_ISSUES, EXIT_UNUSABLE, EXIT_BUG = 0, 1, 2, 3


class _Run:
    """What the running command promised its reader: JSON on stdout (``--json``), about which file."""

    json = False
    file: str | None = None
    printed = False  # a JSON document is already on stdout: an error must not add a second one


_RUN = _Run()


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        # argparse also calls this with prefix "" to build a subcommand's prog: keep that one
        super().add_usage(usage, actions, groups, prefix="用法 / usage: " if prefix is None else prefix)


JSON_HELP = "输出 JSON / print JSON"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        text = f"{self.prog}：参数有误（{message}）；用 {self.prog} --help 查看用法"
        _json_error("bad_arguments", text)
        self.exit(EXIT_UNUSABLE, text + "\n")


def _parser() -> argparse.ArgumentParser:
    def new(name: str, help_text: str, description: str) -> argparse.ArgumentParser:
        """A subcommand of ``sub`` (below) with the bilingual help layout."""
        p = sub.add_parser(name, help=help_text, description=description, formatter_class=_Formatter, add_help=False)
        _common(p)
        return p

    def _common(p: argparse.ArgumentParser) -> None:
        p._positionals.title = "参数 / arguments"
        p._optionals.title = "选项 / options"
        p.add_argument("-h", "--help", action="help", help="显示帮助 / show this help")

    parser = _Parser(
        prog="neiqin",
        formatter_class=_Formatter,
        add_help=False,
        description=(
            "NeiQin 内勤：把销售内勤管理制度放进 Excel 台账。\n"
            "NeiQin: a sales back office's regulation inside the clerks' Excel ledgers.\n\n"
            "退出码 / exit codes: 0 无错误 no errors · 1 发现错误 errors found · "
            "2 无法使用的输入 unusable input · 3 内部错误 internal error"
        ),
    )
    _common(parser)
    parser.add_argument("--version", action="version", version=f"neiqin {__version__}", help="显示版本 / show version")
    sub = parser.add_subparsers(dest="command", title="命令 / commands", metavar="COMMAND")

    p = new(
        "validate",
        "校验台账 / validate a ledger",
        "校验台账，一次列出全部问题（工作表、Excel 行号、列名、代码、说明）。\n"
        "Validate a ledger and list every issue at once (sheet, Excel row, column, code, message).",
    )
    p.add_argument("file", metavar="FILE", help="Excel 工作簿 / workbook (.xlsx .xlsm .xls)")
    p.add_argument(
        "--ledger",
        default="orders",
        help="台账 / ledger: orders（默认 / default）；expenses = 全部费用报销单 / every expense claim form",
    )
    p.add_argument("--sheet", help="工作表名（默认自动查找）/ sheet name (found automatically by default)")
    p.add_argument("--json", action="store_true", help="输出 JSON 问题列表 / print issues as a JSON list")
    p.add_argument(
        "--group",
        type=int,
        default=GROUP_OVER,
        metavar="N",
        help=f"同一问题（同一列、同一代码）超过 N 行时合并为一条，带行数 count 和前 N 个行号 rows（默认 {GROUP_OVER}；"
        "0 = 逐行列出）/ an issue on more than N rows is one grouped finding with count and rows (0 = never)",
    )
    p.add_argument(
        "--mark",
        action="store_true",
        help="把问题标在单元格上并写入『校验结果』，原子保存 / mark issues in the cells and save atomically",
    )
    p.add_argument("--today", type=_date, help="按此日期校验（YYYY-MM-DD）/ validate as of this date")

    p = new(
        "run",
        "运行一个操作 / run an action",
        "无需 Excel 运行一个功能区操作，结果保存回 FILE（或 --out）。\n"
        "Run a ribbon action without Excel and save the result into FILE (or --out).",
    )
    p.add_argument("action", metavar="ACTION", help="操作编号，见 `neiqin actions` / action id")
    p.add_argument("file", metavar="FILE", help="Excel 工作簿 / workbook")
    p.add_argument("--out", help="另存为此路径，原文件不变 / save to this path, FILE stays unchanged")
    p.add_argument("--today", type=_date, help="按此日期运行（YYYY-MM-DD）/ run as of this date")

    p = new(
        "actions",
        "列出操作 / list actions",
        "列出全部已注册的操作（功能区按钮）。\nList the registered actions (ribbon buttons).",
    )
    p.add_argument("--json", action="store_true", help=JSON_HELP)

    p = new(
        "demo",
        "生成演示工作簿 / write the demo workbook",
        "生成一家销售公司的演示台账（客户、产品、12 个月订单、几处典型错误），运行全部操作并打印摘要。\n"
        "Write a demo workbook of a believable sales company, run every action on it, print a summary.",
    )
    p.add_argument("--out", default=".", help="输出目录（默认当前目录）/ output folder (default: current)")
    p.add_argument("--seed", type=int, default=2026, help="随机种子，相同种子结果相同 / random seed (default 2026)")
    p.add_argument("--date", type=_date, help="演示数据截止日期（默认 2026-11-26）/ last day of the demo data")

    p = new(
        "build",
        "生成 NeiQin.xlsm / build the workbook",
        "由 templates/ 和已注册的操作生成 NeiQin.xlsm 与 NeiQin.xlam（功能区、xlwings VBA 模块、台账、设置），"
        "结果逐字节可复现。\n"
        "Build NeiQin.xlsm and NeiQin.xlam from the text sources and the action registry (reproducible bytes).",
    )
    p.add_argument("--out", help="输出文件夹（默认项目的 workbook/）/ output folder (default: the project's workbook/)")

    p = new(
        "intake",
        "读取客户订单原文 / read an order message",
        "把客户的邮件（.eml）、微信或传真识别文字（.txt）读成草稿订单行：客户、产品、数量、单价、交货日期，"
        "拿不准的项留空并列出要向客户确认的问题。客户档案、产品目录和产品别名取自 --into 的工作簿"
        "（或 --catalogue）；有 --into 时消息记入该工作簿的『订单录入』并执行『粘贴订单』"
        "（草稿行写入订单台账，状态『待确认』）。\n"
        "Read an e-mail (.eml) or a WeChat/fax text (.txt) into draft order lines; uncertain fields stay empty "
        "with the question to ask. With --into the message is entered into that workbook as 粘贴订单 does.",
    )
    p.add_argument("file", metavar="FILE", help="消息文件 / message file (.txt .eml)")
    p.add_argument("--customer", help="发件客户（客户档案中的名称）/ the customer, when known")
    p.add_argument(
        "--date",
        type=_moment,
        help="收到时间（YYYY-MM-DD [HH:MM]；默认：邮件的发送时间，文本为现在）/ when it was received",
    )
    p.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    p.add_argument("--into", metavar="WORKBOOK", help="写入此工作簿的订单台账 / enter the lines into this workbook")
    p.add_argument(
        "--catalogue",
        metavar="FILE",
        help="不写入时：客户和产品取自此工作簿或 TOML 目录 / without --into: customers and products from this file",
    )

    p = new(
        "doctor",
        "检查安装 / check the installation",
        "检查 Python、xlwings 版本与工作簿 VBA 模块是否一致、macros 与 xlwings_udfs 能否导入、"
        "工作簿的 xlwings.conf、功能区和数据库；说明问题和解决办法。\n"
        "Check Python, xlwings (and the workbook's VBA module version), the add-in modules, xlwings.conf, "
        "the ribbon and the store; say what is wrong and how to fix it.",
    )
    p.add_argument(
        "workbook",
        metavar="WORKBOOK",
        nargs="?",
        help="NeiQin.xlsm（默认：项目的 workbook/NeiQin.xlsm，再找当前文件夹的 workbook/NeiQin.xlsm 和 NeiQin.xlsm）"
        " / default: the project's workbook/NeiQin.xlsm, then workbook/NeiQin.xlsm and NeiQin.xlsm here",
    )
    p.add_argument(
        "--fix", action="store_true", help="把本机 Python 和 NeiQin 路径写入工作簿的 xlwings.conf / write local paths"
    )

    p = new(
        "import-ledger",
        "导入已有台账 / import an existing ledger",
        "按列名把内勤已有的台账导入 NeiQin.xlsm：写入日期和数字（不是原样文字），跳过表头、小计、合计、表尾和空行，"
        "已导入过的行不会重复导入；源文件不会改动。\n"
        "Import a clerk's existing ledger into NeiQin.xlsm by header matching, as typed values; repeated headers,\n"
        "subtotals, totals and footers are skipped and lines already imported are not added again.\n\n"
        "退出码 / exit codes: 0 已导入 imported · 1 已导入，但有单元格无法转换或缺少必需的列 imported, cells to fix · "
        "2 没有可导入的行或文件无法使用 nothing to import",
    )
    p.add_argument("source", metavar="EXISTING", help="已有的台账文件 / the existing ledger (.xlsx .xls)")
    p.add_argument("--ledger", default="orders", help="台账 / ledger: orders（默认 / default）")
    p.add_argument("--into", required=True, help="目标工作簿，如 NeiQin.xlsm / target workbook")
    p.add_argument("--sheet", help="源文件中的工作表名（默认自动查找）/ sheet in the source")

    p = new(
        "report",
        "销售报表 / sales report",
        "按日、周或月汇总销售额、销量、毛利、订单数（来自 NeiQin 工作簿的订单台账和订单归档，"
        "或用 --map 映射的任何销售导出文件），并与数据源核对。\n"
        "Sales by day, ISO week or month from a NeiQin workbook or any mapped sales export,\n"
        "reconciled with the source.\n\n"
        "例 / example:  neiqin report 订单.xlsx --period month --date 2026-11 --out 月报.xlsx\n"
        "               neiqin report superstore.xlsx --map superstore.toml --period month --by region --json",
    )
    p.add_argument("file", metavar="FILE", help="工作簿或导出文件 / workbook or export (.xlsx .xlsm .xls .csv)")
    p.add_argument(
        "--period", required=True, choices=["day", "week", "month"], help="期间 / period: day, week (ISO) or month"
    )
    p.add_argument(
        "--date",
        help="只报这一期：期间内任一日期，或月份 2026-11、周 2026-W48 / one period: any date in it, 2026-11, 2026-W48",
    )
    p.add_argument(
        "--by",
        help="分组字段 / group by: region 区域, customer 客户, category 产品类别, product 产品, sales_rep 销售员",
    )
    p.add_argument("--map", help="列映射文件（TOML）/ column mapping for an export (TOML)")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.add_argument(
        "--out",
        help="把报表页（含图表）写入此 Excel 文件，已存在则更新同名报表页 / write the report tab (with charts) here",
    )

    p = new(
        "seal",
        "封存报销单 / seal expense claims",
        "校验 FILE 中的费用报销单，把没有错误、已在 Excel 中通过『费用初审』且之后没有改动的写成封存副本"
        "『报销单_<报销单号>.xlsx』（报销单 + 『校验记录』：规则版本、时间、内勤、剩余警告、SHA-256 摘要；"
        "配置了公司密钥时加 HMAC 签名），记入 NeiQin 数据库（此后该单号为已交财务）。"
        "已有的封存副本不会被覆盖（另存为 _2）。"
        "FILE 本身不改动；平时请用功能区的『提交财务』。\n"
        "Seal the forms of FILE that passed pre-review (费用初审) in Excel and did not change since; "
        "records the seal (FILE is not changed).\n\n"
        "公司密钥 / company key: $NEIQIN_SEAL_KEY, $NEIQIN_SEAL_KEY_FILE 或 config.toml 的 seal_key_file",
    )
    p.add_argument("file", metavar="FILE", help="含费用报销单的工作簿 / workbook with 费用报销单 sheets")
    p.add_argument(
        "--out",
        help="输出文件夹，只有一张报销单时也可是 .xlsx 文件名（默认 FILE 所在文件夹）/ output folder or file",
    )
    p.add_argument("--sheet", help="只封存这一张报销单（工作表名）/ seal only this form sheet")
    p.add_argument("--today", type=_date, help="按此日期校验（YYYY-MM-DD）/ validate as of this date")

    p = new(
        "verify",
        "核对封存的报销单 / verify sealed claims",
        "财务核对封存的报销单：逐个文件报告 有效 / 已被修改（哪些单元格，原值和现值，或显示被改动）/ 签名无效 / "
        "无校验记录。文件夹中不是封存报销单的工作簿列为跳过，不影响退出码。\n"
        "Verify sealed expense claims: valid, modified (which cells, old and new value or display), bad signature,\n"
        "no record. In a folder, workbooks that are not sealed claims are listed as skipped.\n\n"
        "退出码 / exit codes: 0 全部有效 all valid · 1 有无效的 some not valid · 2 无法使用的输入 unusable input",
    )
    p.add_argument("path", metavar="FILE|DIR", help="封存的报销单，或含封存报销单的文件夹 / sealed file or folder")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    p.add_argument(
        "--summary",
        metavar="FILE.xlsx",
        help="把核对结果写成工作簿（每个文件一行：状态、报销单号、内勤、改动）/ write the results as a workbook",
    )

    p = new(
        "docs",
        "生成参考文档 / write the reference docs",
        "由各台账的声明生成 docs/issue-codes.md、docs/ledgers.md、docs/settings.md、docs/kpis.md（考核指标）。\n"
        "Write the issue codes, ledgers and settings reference from the ledger declarations.",
    )
    p.add_argument("--out", help="输出文件夹（默认项目的 docs/）/ output folder (default: the project's docs/)")

    p = new(
        "invoices",
        "发票文件 / invoice files",
        "读取发票文件（数电发票 XML、OFD、PDF，发票二维码照片）。\n"
        "Read invoice files (数电 XML, OFD, PDF, photos of the QR code).\n\n"
        "例 / example:  neiqin invoices read 报销附件/ --json",
    )
    invoice_commands = p.add_subparsers(dest="invoices_command", title="命令 / commands", metavar="COMMAND")
    invoice_commands.required = True
    p = invoice_commands.add_parser(
        "read",
        help="读取发票文件 / read invoice files",
        description=(
            "读取发票文件或文件夹（含子文件夹）：每个文件得到一张发票的信息，或一句无法读取的原因；\n"
            "同一张发票的 XML、OFD、PDF 合并为一张，并核对它们是否一致、金额是否相符；列出查验平台要填的项目。\n"
            "Read invoice files or folders (recursively): one record per file, or why it cannot be read;\n"
            "the files of one invoice are merged and compared; prints what to type into the 查验 page.\n\n"
            "退出码 / exit codes: 0 全部读取且无问题 all read, no problem · 1 有文件无法读取或有问题 "
            "some file unreadable or with a problem · 2 无法使用的输入 unusable input (missing path …)"
        ),
        formatter_class=_Formatter,
        add_help=False,
    )
    _common(p)
    p.add_argument(
        "path", metavar="FILE|DIR", help="发票文件或文件夹 / invoice file or folder (.xml .ofd .pdf .png .jpg)"
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="输出 JSON 列表：每张发票一个对象，无法读取的文件各一个 / print a JSON list, one object per invoice",
    )

    p = new(
        "log",
        "查看操作日志 / show the action log",
        "查看最近的操作日志。\nShow the latest rows of the action log.",
    )
    p.add_argument("--limit", type=int, default=20, help="行数 / rows (default 20)")
    p.add_argument("--json", action="store_true", help=JSON_HELP)
    return parser


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def _moment(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"时间格式应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM：{text}") from None


def _width(text: str) -> int:
    return text_width(text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _print_issues(issues: list[Any], out: Any = None) -> None:
    """Issues sheet by sheet; an IssueGroup (validate) as its first issue and one line for the others."""
    from neiqin.core.issues import IssueGroup

    out = out or sys.stdout
    last_sheet = None
    for item in issues:
        issue = item.first if isinstance(item, IssueGroup) else item
        if issue.sheet != last_sheet:
            print(f"『{issue.sheet}』", file=out)
            last_sheet = issue.sheet
        where = issue.cell or (f"第{issue.row}行" if issue.row else "")
        level = "错误" if issue.severity == "error" else "警告"
        print(f"  {_pad(where, 8)} {level} {issue.code}  {_pad(issue.column, 10)} {issue.message}", file=out)
        if isinstance(item, IssueGroup):
            shown = "、".join(str(r) for r in item.rows[:20]) + (" …" if item.count > 20 else "")
            print(f"  {'':8} 同样的问题共 {item.count:,} 行：第 {shown} 行（--group 0 逐行列出）", file=out)


def _print_json(data: Any, default: Any = None) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1, default=default)
    sys.stdout.write("\n")
    _RUN.printed = True


def _json_error(kind: str, message: str, file: str | None = None) -> None:
    """With ``--json``, an unusable input is a JSON object on stdout too: a program reading JSON gets one."""
    if _RUN.json and not _RUN.printed:
        _print_json({"error": {"code": kind, "message": message, "file": file or _RUN.file}})


def _fail(message: str, code: int = EXIT_UNUSABLE, *, kind: str = "unusable_input", file: str | None = None) -> int:
    """Exit 2 (or 3): one Chinese line on stderr, for every command; with ``--json`` also the JSON error object."""
    print(f"neiqin：{message}", file=sys.stderr)
    _json_error(kind, message, file)
    return code


def _error_kind(exc: BaseException) -> str:
    """The stable ``code`` of the JSON error object for a user-fixable problem."""
    from neiqin.core.config import ConfigError
    from neiqin.core.ledger import LedgerError
    from neiqin.core.seal import SealError
    from neiqin.core.store import StoreError
    from neiqin.engine.common import EngineError

    kinds: list[tuple[type[BaseException], str]] = [
        (EngineError, "unreadable_workbook"),
        (LedgerError, "ledger_not_found"),
        (ConfigError, "bad_settings"),
        (StoreError, "database"),
        (SealError, "seal"),
    ]
    return next((kind for cls, kind in kinds if isinstance(exc, cls)), "unusable_input")


def _bug(exc: BaseException) -> int:
    from neiqin.base.logs import setup

    try:
        where = str(setup())
    except OSError:
        where = "（无法写日志文件）"
    logging.getLogger("neiqin.app.cli").exception("unexpected error")
    message = f"内部错误（{exc.__class__.__name__}），未完成；详细信息已写入 {where}"
    return _fail(message, EXIT_BUG, kind="internal_error")


def _missing(path: str) -> int:
    """Exit 2 for a path that is not a usable file: a folder is named as one, not as missing."""
    if Path(path).is_dir():
        return _fail(f"{path} 是文件夹，不是 Excel 工作簿；请给出工作簿文件的路径", kind="is_folder", file=path)
    return _fail(f"找不到文件 {path}；请检查路径", kind="file_not_found", file=path)


def _open(path: str) -> Any:
    from neiqin.engine import open_book

    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(2, "not found", path)
    if p.is_dir():
        raise IsADirectoryError(21, "is a folder", path)
    return open_book(p, engine="headless")


def cmd_validate(args: argparse.Namespace) -> int:
    from neiqin.app.plugins import load_macros, load_validators
    from neiqin.core import kit
    from neiqin.core.config import load_settings
    from neiqin.core.issues import group_issues, has_errors, sort_issues

    load_validators()  # every ledger (the ribbon code only for --mark)
    known = kit.ledger_names()
    if args.ledger not in known:
        return _fail(f"没有名为 {args.ledger} 的台账；可选：{'、'.join(known)}", kind="bad_arguments")
    spec = kit.ledger(args.ledger)
    book = _open(args.file)
    settings, setting_issues = load_settings(book)
    if args.sheet and args.mark and spec.form is None:
        from neiqin.core.ledger import find_sheet

        found = find_sheet(book, spec, settings.header_scan_rows).name
        if found != args.sheet:
            return _fail(
                f"--mark 只标记自动找到的『{found}』；要标记『{args.sheet}』，请先把它改名为"
                f"『{spec.sheet}』，或去掉 --mark 只列出问题",
                kind="bad_arguments",
            )
    notes: list[str] = []
    if args.mark:
        summary = load_macros().run(spec.validate_action, book, today=args.today)
        if summary.outcome in ("failed", "error"):
            if summary.outcome == "error":
                return _fail(summary.message, EXIT_BUG, kind="internal_error")
            return _fail(summary.message)
        book.save()
        issues = summary.issues
        _print_save_warnings(book)
        if spec.form is None:
            notes = [d for d in summary.details if d.startswith("『")]
    else:
        from neiqin.core.checking import check_ledger

        # the store is read as --mark reads it, so both give the same issues and exit code; a ledger whose
        # checks take nothing from the store (no snapshot declared) never opens it (nor imports SQLAlchemy)
        today = args.today or dt.date.today()
        store = _status_store(settings) if spec.snapshot is not None else None
        checked = check_ledger(book, spec, settings, today, sheet=args.sheet, store=store)
        issues = sort_issues(checked.issues + setting_issues)
        if spec.form is None:
            notes = checked.ledger.reading_notes()
    # the same issue on many rows (a column of a million-row ledger) is one finding with a count and its rows
    grouped = group_issues(issues, args.group)
    if args.json:
        _print_json([i.to_dict() for i in grouped])
        for note in notes:  # stdout is the issue list: the notes go beside it
            print(f"说明：{note}", file=sys.stderr)
    else:
        _print_issues(grouped)
        for note in notes:
            print(f"说明：{note}")
        errors = sum(i.severity == "error" for i in issues)
        print(
            f"共 {len(issues)} 条问题：错误 {errors} 条，警告 {len(issues) - errors} 条。" if issues else "未发现问题。"
        )
        if args.mark:
            print(f"已标记并保存：{book.fullname}")
    return EXIT_ISSUES if has_errors(issues) else EXIT_OK


def _status_store(settings: Any) -> Any:
    """The store whose recorded statuses validation compares with; None when there is none yet (not created)."""
    from neiqin.base.location import database_url

    url = database_url(settings.db)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None  # (the store's code, SQLAlchemy, is not even imported)
    from neiqin.core.store import open_store

    return open_store(settings.db)


def _print_save_warnings(book: Any, source: str | None = None) -> None:
    from neiqin.engine import save_backup, save_warnings

    lost = save_warnings(book)
    if not lost:
        return
    items = "、".join(lost)
    backup = save_backup(book)
    if backup is not None:
        where = f"保存前已把原文件备份为 {backup}，需要这些内容请打开备份"
    elif source is not None:
        where = f"原文件 {source} 未改动"
    else:
        where = "请保留原文件的备份"
    print(f"注意：保存结果中缺少 {items}（无 Excel 环境无法保留）；{where}。", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    from neiqin.app.plugins import load_macros
    from neiqin.engine import headless_caller

    macros = load_macros()
    macros.get(args.action)
    path = Path(args.file)
    if not path.is_file():
        return _missing(args.file)
    with headless_caller(path) as book:
        # dispatch() is exactly what the ribbon button runs; --today needs run()
        summary = macros.run(args.action, book, today=args.today) if args.today else macros.dispatch(args.action)
        if summary.outcome == "failed":  # the action could not use the workbook: on stderr, as every exit 2
            return _fail(summary.text().replace("\n", "；"))
        if summary.outcome == "error":
            return _fail(summary.text().replace("\n", "；"), EXIT_BUG, kind="internal_error")
        print(summary.text())
        book.save(args.out) if args.out else book.save()
        _print_save_warnings(book, args.file if args.out else None)
        print(f"已保存：{book.fullname}")
    return EXIT_ISSUES if summary.errors else EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from neiqin.app.plugins import load_validators

    load_validators()
    from validators.sales import reports
    from validators.sales.sources import ReportInputError

    try:
        by = reports.resolve_by(args.by)
        start = None
        period = args.period
        if args.date:
            _kind, start = reports.parse_period(args.date, period)
    except ValueError as exc:
        return _fail(str(exc), kind="bad_arguments")
    if not Path(args.file).is_file():
        return _missing(args.file)
    try:
        # a summary reads only what it sums; a report tab (--out) reads every mapped column
        sales = _read_sales(args.file, args.map, fields=None if args.out else reports.summary_fields(by))
    except ReportInputError as exc:
        if len(exc.issues) > 1:  # every problem listed once, then one line (not the first problem again)
            _print_issues(exc.issues, sys.stderr)
            return _fail(f"有 {len(exc.issues)} 个问题（见上），未生成报表", kind="unusable_export")
        return _fail(str(exc), kind="unusable_export")
    errors = [i for i in sales.issues if i.severity == "error"]
    if sales.issues:
        shown = sales.issues[:50]
        _print_issues(shown, sys.stderr)
        if len(sales.issues) > len(shown):
            print(f"……另有 {len(sales.issues) - len(shown):,} 条问题未列出", file=sys.stderr)
    document = reports.report_json(sales, period, by, start)
    for note in sales.notes:  # where values came from, rows that are not lines
        print(f"说明：{note}", file=sys.stderr)
    nothing = not len(sales.lines)  # every line left out (or none at all): a failed report, said in one line
    if nothing:
        reasons = sales.excluded["reason"].value_counts()
        why = "，".join(f"{k} {v:,} 行" for k, v in reasons.items()) if len(reasons) else "数据源中没有销售行"
        print(f"neiqin：✗ 没有计入任何一行（{why}），报表无法使用；请检查数据或映射文件", file=sys.stderr)
    empty_period = start is not None and not document["rows"] and not nothing
    if empty_period:
        dates = sales.all["date"].dropna()
        span = f"数据范围 {dates.min():%Y-%m-%d} 至 {dates.max():%Y-%m-%d}" if len(dates) else "数据中没有日期"
        label = reports.period_title(start, period)
        print(f"neiqin：⚠ 数据中没有 {label} 的销售行（{span}）；请检查 --date", file=sys.stderr)
    written = ""
    if args.out and not nothing:  # before the document is printed: a JSON reader gets the report or the error
        chosen = start or reports.latest_start(sales, period)
        # a period the data has not finished yet is compared day for day
        last_day = max(d for d in sales.all["date"] if d == d).date()
        report = reports.build_report(sales, period, chosen, as_of=last_day)
        _write_out(Path(args.out), report, source=Path(args.file).name)
        written = f"报表页『{report.title}』已写入 {args.out}"
    if args.json:
        _print_json(document)
    else:
        _print_report(document, by)
    if written:
        print(written, file=sys.stderr if args.json else sys.stdout)
    if nothing:
        return EXIT_ISSUES
    if not document["reconciled"]:
        print("neiqin：⚠ 报表与数据源核对不一致，请勿使用，见 checks", file=sys.stderr)
        return EXIT_ISSUES
    return EXIT_ISSUES if errors or empty_period else EXIT_OK


def _print_report(document: dict[str, Any], by: str | None) -> None:
    from validators.sales.reports import BY_FIELDS

    def money(v: Any) -> str:
        return "" if v is None else f"{v:,.2f}"

    head = ["期间"] + ([BY_FIELDS[by][1]] if by else []) + ["销售额", "销量", "毛利", "订单数", "行数"]
    rows = [
        [r["period"]]
        + ([str(r[by] if r[by] is not None else "（未填）")] if by else [])
        + [money(r["revenue"]), f"{r['quantity']:,.0f}", money(r["profit"]), f"{r['orders']:,}", f"{r['lines']:,}"]
        for r in document["rows"]
    ]
    t = document["totals"]
    rows.append(
        ["合计"]
        + ([""] if by else [])
        + [money(t["revenue"]), f"{t['quantity']:,.0f}", money(t["profit"]), f"{t['orders']:,}", f"{t['lines']:,}"]
    )
    widths = [max(_width(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    numeric = set(range(len(head) - 5, len(head)))
    for row in [head, *rows]:
        cells = []
        for j, (cell, w) in enumerate(zip(row, widths, strict=True)):
            text = str(cell)
            cells.append(" " * (w - _width(text)) + text if j in numeric else _pad(text, w))
        print("  ".join(cells))
    if document["excluded"]:
        reasons: dict[str, int] = {}
        for e in document["excluded"]:
            reasons[e["reason"]] = reasons.get(e["reason"], 0) + 1
        print("未计入：" + "，".join(f"{k} {v:,} 行" for k, v in reasons.items()))
    print("数据核对：" + ("通过 ✓" if document["reconciled"] else "不一致 ✗"))


def _write_out(path: Path, report: Any, source: str = "") -> None:
    import datetime as _dt

    from openpyxl import Workbook

    from neiqin.engine import open_book

    new = not path.exists()
    if new:
        wb = Workbook()
        wb.active.title = "说明"
        wb.save(path)
    book = open_book(path, engine="headless")
    try:
        from neiqin.app.plugins import load_macros

        generated = _dt.datetime.now().replace(microsecond=0)
        reports = load_macros().reports
        reports.write_report(book, report, generated)
        reports.write_notes(book, report, generated, source, create=new)  # sections, definitions, reconciliation
        book.save()
        _print_save_warnings(book)
    finally:
        book.close()


def _read_sales(path: str, mapping: str | None, fields: set[str] | None) -> Any:
    """What ``neiqin report FILE [--map MAP]`` reads: a mapped export, or a NeiQin workbook's ledgers."""
    from validators.sales.sources import EXCEL_SUFFIXES, ReportInputError, load_mapping, read_export

    if mapping is not None:
        return read_export(path, load_mapping(mapping), fields)
    p = Path(path)
    if p.suffix.lower() not in EXCEL_SUFFIXES:
        raise ReportInputError(f"{p.name} 不是 NeiQin 工作簿；报表需要 --map 映射文件说明各列含义")
    from macros.reports import read_sales
    from neiqin.core.config import load_settings
    from neiqin.engine import open_book

    book = open_book(p, engine="headless")
    try:
        return read_sales(book, load_settings(book)[0])
    finally:
        book.close()


def cmd_intake(args: argparse.Namespace) -> int:
    from neiqin.app.intake import enter_file, read_file

    message, notes = read_file(Path(args.file), args.customer, args.date)
    for note in notes:
        print(f"说明：{note}", file=sys.stderr)
    if args.into:
        summary, lines = enter_file(Path(args.into), message)
        if summary.outcome in ("failed", "error"):
            return _fail(summary.message, EXIT_UNUSABLE if summary.outcome == "failed" else EXIT_BUG)
        if args.json:
            _print_json({"summary": summary.text(), "lines": lines, "issues": [i.to_dict() for i in summary.issues]},
                        default=str)  # fmt: skip
        else:
            print(summary.text())
            _print_issues(summary.issues)
            print(f"已保存：{args.into}")
        return EXIT_ISSUES if summary.errors else EXIT_OK
    if not args.catalogue:
        return _fail("需要客户档案和产品目录才能识别：用 --into 工作簿（写入）或 --catalogue 工作簿/TOML 目录（只读）")
    from neiqin.app.intake import read_message

    intake = read_message(Path(args.catalogue), message)
    if args.json:
        _print_json(intake.model_dump(mode="json"))
    else:
        from neiqin.app.intake import intake_text

        print(intake_text(intake))
    return EXIT_ISSUES if intake.all_questions else EXIT_OK


def cmd_actions(args: argparse.Namespace) -> int:
    from neiqin.app.plugins import load_macros

    macros = load_macros()
    items = [{"id": a.id, "label": a.label, "group": a.group} for a in macros.actions()]
    if args.json:
        _print_json(items)
    else:
        for a in items:
            print(f"{_pad(a['id'], 20)} {_pad(a['group'], 6)} {a['label']}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from neiqin.app.demo import run_demo

    return run_demo(Path(args.out), seed=args.seed, end=args.date)


def cmd_log(args: argparse.Namespace) -> int:
    from neiqin.core.config import load_settings
    from neiqin.core.store import open_store

    settings, _ = load_settings()
    rows = open_store(settings.db).actions(args.limit)
    if args.json:
        _print_json(rows, default=str)
        return EXIT_OK
    for r in rows:
        print(
            f"{r['time']:%Y-%m-%d %H:%M:%S} {_pad(r['action'], 18)} {_pad(r['outcome'], 7)} "
            f"{r['rows']:>7} 行 {r['issues']:>5} 问题 {r['seconds']:>7.2f}s {r['user']}@{r['host']} {r['workbook']}"
        )
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    from neiqin.app.docs import write
    from neiqin.base.addin import addin_root

    folder = Path(args.out) if args.out else addin_root() / "docs"
    for path in write(folder):
        print(f"已生成：{path}")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from neiqin.app.build import build_all, default_folder

    folder = Path(args.out) if args.out else default_folder()
    for path in build_all(folder):
        print(f"已生成：{path}")
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from neiqin.app import doctor

    workbook = Path(args.workbook) if args.workbook else doctor.default_workbook()
    notes: list[doctor.Check] = []
    if workbook is None:
        where = "、".join(str(p) for p in doctor.workbook_candidates())
        print(f"! 工作簿：没有找到 NeiQin.xlsm（找过 {where}），只检查本机安装")
    elif workbook.is_dir():
        return _missing(str(workbook))
    elif not workbook.exists():
        return _fail(f"找不到工作簿 {workbook}", kind="file_not_found", file=str(workbook))
    else:
        from neiqin.engine.ooxml import is_zip_workbook

        if not is_zip_workbook(workbook):
            return _fail(f"{workbook} 不是 .xlsm / .xlsx 工作簿；请给出 NeiQin.xlsm 的路径")
        plain = doctor.plain_workbook(workbook)
        if plain is not None:
            if args.fix:
                return _fail(f"{workbook.name} 不是带宏的工作簿，没有 xlwings.conf 可写；--fix 请用于 NeiQin.xlsm")
            notes.append(plain)
            workbook = None
        elif not args.workbook:
            print(f"工作簿：{workbook}")
    if args.fix and workbook is not None:
        for line in doctor.fix(workbook):
            print(f"已写入 xlwings.conf：{line}")
    checks = [*notes, *doctor.run_checks(workbook)]
    for check in checks:
        print(check.line())
    failed = [c for c in checks if c.status == "fail"]
    print("一切就绪。" if not failed else f"有 {len(failed)} 项需要处理。")
    return EXIT_ISSUES if failed else EXIT_OK


def cmd_import_ledger(args: argparse.Namespace) -> int:
    from neiqin.app.importer import NothingToImport, import_ledger
    from neiqin.app.plugins import load_validators
    from neiqin.core import kit

    load_validators()
    for path in (args.source, args.into):
        if not Path(path).is_file():
            return _missing(path)
    if kit.ledger(args.ledger).row is None:
        return _fail(f"{args.ledger} 是表单，不能逐行导入；请选择表格台账（如 orders）", kind="bad_arguments")
    try:
        result = import_ledger(Path(args.source), Path(args.into), args.ledger, sheet=args.sheet)
    except NothingToImport as exc:
        return _fail(f"{exc}；未导入任何行")
    print(result.text())
    return EXIT_ISSUES if result.problems else EXIT_OK


def cmd_seal(args: argparse.Namespace) -> int:
    from neiqin.app.plugins import load_validators
    from neiqin.core import kit, seal
    from neiqin.core.config import clerk_name, load_settings
    from neiqin.core.store import open_store

    load_validators()
    from neiqin.core.checking import check_ledger
    from validators.expenses import RULES_VERSION
    from validators.expenses.planners import prereview_problem

    book = _open(args.file)
    settings, _setting_issues = load_settings(book)
    clerk = clerk_name(settings)
    key = seal.seal_key()
    now = dt.datetime.now().replace(microsecond=0)
    store_now = _status_store(settings)
    checked = check_ledger(book, kit.ledger("expenses"), settings, args.today or now.date(), sheet=args.sheet,
                           store=store_now)  # fmt: skip
    if not checked.forms:
        return _fail("报销单都是空白模板，没有可封存的报销单")
    out = Path(args.out) if args.out else Path(args.file).resolve().parent
    single_file = out.suffix.lower() in (".xlsx", ".xlsm")
    if single_file and len(checked.forms) > 1:
        return _fail(f"FILE 中有 {len(checked.forms)} 张报销单，--out 请给一个文件夹")
    # the same rule as 提交财务: only a form the store knows as passed by 费用初审, unchanged since;
    # the seal is recorded, and the claim is 已交财务 from then on
    store = open_store(settings.db)
    records = store.claims([str(f.claim_id) for f in checked.forms if f.claim_id])
    by_sheet = checked.by_sheet()
    refused = 0
    for form in checked.forms:
        issues = by_sheet.get(form.sheet, [])
        errors = [i for i in issues if i.severity == "error"]
        if errors or not form.claim_id:
            refused += 1
            print(f"『{form.sheet}』有 {len(errors)} 个错误，未封存：")
            _print_issues(errors)
            continue
        why = prereview_problem(form, records.get(str(form.claim_id)))
        if why:
            refused += 1
            print(
                f"『{form.sheet}』报销单 {form.claim_id} {why}，未封存："
                "只封存在 Excel 中点过『费用初审』并通过、之后没有改动的报销单"
            )
            continue
        target = out if single_file else seal.free_path(out, form.claim_id)
        if target.exists():
            refused += 1
            print(f"『{form.sheet}』未封存：{target} 已存在，封存副本不会被覆盖；请换一个 --out")
            continue
        warnings = [f"{i.cell or i.column}：{i.message}" for i in issues if i.severity == "warning"]
        try:
            result = seal.seal_form(
                book, form, target, clerk=clerk, when=now, warnings=warnings, key=key, rules_version=RULES_VERSION
            )
        except OSError as exc:
            return _fail(f"封存副本无法写到 {target}（{exc.strerror or exc}）；请检查文件夹是否存在、能否写入")
        store.record_seal(form.claim_id, result.digest, str(result.path), now, clerk)
        signed = "已签名" if result.signed else "未签名（未配置公司密钥）"
        print(f"已封存：{result.path}（报销单 {form.claim_id}，{result.cells} 个单元格，{signed}）")
    return EXIT_ISSUES if refused else EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from neiqin.core import seal

    path = Path(args.path)
    if not path.exists():
        return _fail(f"找不到 {args.path}；请检查路径", kind="file_not_found")
    folder = path.is_dir()
    files = seal.workbook_files(path) if folder else [path]
    if not files:
        return _fail(f"文件夹 {args.path} 中没有 .xlsx / .xlsm 文件")
    key = seal.seal_key()
    results = seal.verify_files(files, key)  # every core, one process per core, for a folder of many
    from neiqin.core.config import load_settings

    store = _status_store(load_settings()[0])  # the seals NeiQin recorded, when this computer has the database
    ids = sorted({r.claim_id for r in results if r.claim_id})
    seal.cross_check(results, {cid: store.seals(cid) for cid in ids} if store is not None else None)
    if not folder and results[0].status == seal.UNREADABLE:
        return _fail("；".join(results[0].notes) or f"无法读取 {args.path}", kind="unreadable_workbook")
    # in a folder, the clerk's own workbooks are not claims: listed as skipped, not counted
    counted = [r for r in results if r.sealed or not folder]
    skipped = [r for r in results if not (r.sealed or not folder)]
    if args.summary:
        written = seal.write_summary(results, Path(args.summary))
        print(f"核对结果已写入 {written}", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        _print_json([r.to_dict() | {"skipped": r in skipped} for r in results])
    else:
        for r in counted:
            head = f"{r.path.name}：{r.status}"
            if r.claim_id:
                signature = "，公司密钥签名已核对" if r.signature_checked else ""
                head += f"（报销单 {r.claim_id}，{r.sealed_at} 由 {r.clerk} 封存{signature}）"
            print(head)
            for change in r.changes:
                print(f"  改动 {change.text()}")
            for note in r.notes:
                print(f"  {note}")
        if skipped:
            print(f"跳过 {len(skipped)} 个不是封存报销单的文件：{'、'.join(r.path.name for r in skipped[:10])}"
                  + (" 等" if len(skipped) > 10 else ""))  # fmt: skip
        valid = sum(r.valid for r in counted)
        print(f"共 {len(counted)} 个封存的报销单：有效 {valid} 个，无效 {len(counted) - valid} 个。")
    return EXIT_OK if all(r.valid for r in counted) else EXIT_ISSUES


def cmd_invoices(args: argparse.Namespace) -> int:
    from neiqin.core import einvoice

    path = Path(args.path)

    def unusable(code: str, message: str) -> int:
        return _fail(message, kind=code, file=args.path)

    if not path.exists():
        return unusable("not_found", f"找不到 {args.path}；请检查路径")
    reading = einvoice.read_paths([path])
    if not reading.records:
        return unusable("no_files", f"文件夹 {args.path} 中没有文件")
    if args.json:
        _print_json(reading.to_list())
        if reading.skipped:
            print(f"neiqin：已跳过 {len(reading.skipped)} 个隐藏文件（如 .DS_Store）", file=sys.stderr)
    else:
        _print_invoices(reading)
    return EXIT_OK if reading.ok else EXIT_ISSUES


def _print_invoices(reading: Any) -> None:
    from neiqin.core.einvoice import verification
    from neiqin.core.einvoice.values import money_text, percent

    for inv in reading.invoices:
        kind = inv.kind.title if inv.kind else (inv.kind_label or "种类未知")
        head = f"{inv.title}  {kind}  {inv.date or '（无日期）'}"
        amounts = [f"价税合计 {money_text(inv.gross)}"] if inv.gross is not None else []
        if inv.net is not None:
            amounts.append(f"金额 {money_text(inv.net)}")
        if inv.tax is not None:
            amounts.append(f"税额 {money_text(inv.tax)}")
        if inv.tax_rates:
            amounts.append("税率 " + "、".join(percent(r) for r in inv.tax_rates))
        print(head + ("  " + "  ".join(amounts) if amounts else ""))
        parties = (("销售方", inv.seller_name, inv.seller_tax_id), ("购买方", inv.buyer_name, inv.buyer_tax_id))
        for role, name, tax_id in parties:
            if name or tax_id:
                print(f"  {role}：{name or '（无名称）'}" + (f"（{tax_id}）" if tax_id else ""))
        print("  文件：" + "、".join(f"{Path(r.path).name}（{r.format}）" for r in inv.sources))
        print("  查验：" + "  ".join(verification(inv).lines()[1:]))
        for problem in inv.problems:
            print(f"  {'错误' if problem.severity == 'error' else '警告'} {problem.message}")
    if reading.unreadable:
        print("无法读取：")
        for r in reading.unreadable:
            print(f"  {r.path}：{r.error}")
    problems = sum(len(inv.problems) for inv in reading.invoices)
    summary = f"共 {len(reading.records)} 个文件：{len(reading.invoices)} 张发票"
    summary += f"，{len(reading.unreadable)} 个无法读取" if reading.unreadable else ""
    summary += f"，{problems} 条问题。" if problems else "，未发现问题。" if not reading.unreadable else "。"
    if reading.skipped:
        summary += f"已跳过 {len(reading.skipped)} 个隐藏文件（如 .DS_Store）。"
    print(summary)


COMMANDS = {
    "intake": cmd_intake,
    "invoices": cmd_invoices,
    "seal": cmd_seal,
    "verify": cmd_verify,
    "build": cmd_build,
    "docs": cmd_docs,
    "doctor": cmd_doctor,
    "import-ledger": cmd_import_ledger,
    "validate": cmd_validate,
    "run": cmd_run,
    "actions": cmd_actions,
    "demo": cmd_demo,
    "log": cmd_log,
    "report": cmd_report,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``neiqin`` console script."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            with contextlib.suppress(ValueError, OSError):
                reconfigure(encoding="utf-8", errors="replace")
    argv = list(sys.argv[1:] if argv is None else argv)
    _RUN.json, _RUN.file, _RUN.printed = "--json" in argv, None, False
    parser = _parser()
    args = parser.parse_args(argv)
    _RUN.file = next((getattr(args, n) for n in ("file", "path", "source") if getattr(args, n, None)), None)
    if not args.command:
        parser.print_help()
        return EXIT_OK
    if args.command in ("validate", "run", "report"):
        from neiqin.engine import prefetch

        # parse the workbook while the libraries below import (a mapped export is read without the engine)
        prefetch.start(args.file, errors=not (args.command == "report" and args.map))
    from neiqin.base.errors import NeiQinError
    from neiqin.base.logs import setup

    with contextlib.suppress(OSError):  # no writable log folder: run without a log file
        setup()
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    from neiqin.base.perf import gc_paused

    try:
        with gc_paused():  # a batch command builds big tables and forms no cycles
            return COMMANDS[args.command](args)
    except NeiQinError as exc:
        return _fail(str(exc), kind=_error_kind(exc))
    except IsADirectoryError as exc:
        return _missing(str(exc.filename or exc))
    except FileNotFoundError as exc:
        return _fail(f"找不到文件 {exc.filename or exc}；请检查路径", kind="file_not_found", file=exc.filename)
    except PermissionError as exc:
        return _fail(
            f"没有权限读写 {exc.filename or exc}；文件可能正在 Excel 中打开，请关闭后再试",
            kind="permission_denied",
            file=exc.filename,
        )
    except BrokenPipeError:  # output piped into `head`: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK
    except KeyboardInterrupt:
        return _fail("已取消", EXIT_UNUSABLE, kind="cancelled")
    except Exception as exc:  # a bug: the traceback goes to the log, not the screen
        return _bug(exc)


def entry() -> None:
    """The console script: ``main()``, then a fast exit.

    Everything is written and flushed when ``main`` returns; tearing down the
    interpreter would only free a few million objects one by one (0.4 s after a
    100,000-row ledger), so the process ends at once instead.
    """
    import gc

    gc.disable()  # the process ends right after main(): no collection is ever worth it
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        pass
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
