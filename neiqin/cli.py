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
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__

EXIT_OK, EXIT_ISSUES, EXIT_UNUSABLE, EXIT_BUG = 0, 1, 2, 3


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix="用法 / usage: ")


def _parser() -> argparse.ArgumentParser:
    def new(sub: Any, name: str, help_text: str, description: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=description, formatter_class=_Formatter, add_help=False)
        _common(p)
        return p

    def _common(p: argparse.ArgumentParser) -> None:
        p._positionals.title = "参数 / arguments"
        p._optionals.title = "选项 / options"
        p.add_argument("-h", "--help", action="help", help="显示帮助 / show this help")

    parser = argparse.ArgumentParser(
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
        sub,
        "validate",
        "校验台账 / validate a ledger",
        "校验台账，一次列出全部问题（工作表、Excel 行号、列名、代码、说明）。\n"
        "Validate a ledger and list every issue at once (sheet, Excel row, column, code, message).",
    )
    p.add_argument("file", metavar="FILE", help="Excel 工作簿 / workbook (.xlsx .xlsm .xls)")
    p.add_argument("--ledger", default="orders", help="台账 / ledger: orders（默认 / default）")
    p.add_argument("--sheet", help="工作表名（默认自动查找）/ sheet name (found automatically by default)")
    p.add_argument("--json", action="store_true", help="输出 JSON 问题列表 / print issues as a JSON list")
    p.add_argument(
        "--mark",
        action="store_true",
        help="把问题标在单元格上并写入『校验结果』，原子保存 / mark issues in the cells and save atomically",
    )
    p.add_argument("--today", type=_date, help="按此日期校验（YYYY-MM-DD）/ validate as of this date")

    p = new(
        sub,
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
        sub,
        "actions",
        "列出操作 / list actions",
        "列出全部已注册的操作（功能区按钮）。\nList the registered actions (ribbon buttons).",
    )
    p.add_argument("--json", action="store_true", help="输出 JSON / print JSON")

    p = new(
        sub,
        "demo",
        "生成演示工作簿 / write the demo workbook",
        "生成一家销售公司的演示台账（客户、产品、12 个月订单、几处典型错误），运行全部操作并打印摘要。\n"
        "Write a demo workbook of a believable sales company, run every action on it, print a summary.",
    )
    p.add_argument("--out", default=".", help="输出目录（默认当前目录）/ output folder (default: current)")
    p.add_argument("--seed", type=int, default=2026, help="随机种子，相同种子结果相同 / random seed (default 2026)")
    p.add_argument("--date", type=_date, help="演示数据截止日期（默认 2026-11-26）/ last day of the demo data")

    p = new(
        sub,
        "build",
        "生成 NeiQin.xlsm / build the workbook",
        "由 templates/ 和已注册的操作生成 NeiQin.xlsm 与 NeiQin.xlam（功能区、xlwings VBA 模块、台账、设置），"
        "结果逐字节可复现。\n"
        "Build NeiQin.xlsm and NeiQin.xlam from the text sources and the action registry (reproducible bytes).",
    )
    p.add_argument("--out", help="输出文件夹（默认项目的 workbook/）/ output folder (default: the project's workbook/)")

    p = new(
        sub,
        "doctor",
        "检查安装 / check the installation",
        "检查 Python、xlwings 版本与工作簿 VBA 模块是否一致、macros 与 xlwings_udfs 能否导入、"
        "工作簿的 xlwings.conf、功能区和数据库；说明问题和解决办法。\n"
        "Check Python, xlwings (and the workbook's VBA module version), the add-in modules, xlwings.conf, "
        "the ribbon and the store; say what is wrong and how to fix it.",
    )
    p.add_argument("workbook", metavar="WORKBOOK", nargs="?", help="NeiQin.xlsm（默认项目的 workbook/NeiQin.xlsm）")
    p.add_argument(
        "--fix", action="store_true", help="把本机 Python 和 NeiQin 路径写入工作簿的 xlwings.conf / write local paths"
    )

    p = new(
        sub,
        "import-ledger",
        "导入已有台账 / import an existing ledger",
        "按列名把内勤已有的台账复制进 NeiQin.xlsm，列出没有导入的列；源文件不会改动。\n"
        "Copy a clerk's existing ledger into NeiQin.xlsm by header matching; the source file is not changed.",
    )
    p.add_argument("source", metavar="EXISTING", help="已有的台账文件 / the existing ledger (.xlsx .xls)")
    p.add_argument("--ledger", default="orders", help="台账 / ledger: orders（默认 / default）")
    p.add_argument("--into", required=True, help="目标工作簿，如 NeiQin.xlsm / target workbook")
    p.add_argument("--sheet", help="源文件中的工作表名（默认自动查找）/ sheet in the source")

    p = new(
        sub,
        "log",
        "查看操作日志 / show the action log",
        "查看最近的操作日志。\nShow the latest rows of the action log.",
    )
    p.add_argument("--limit", type=int, default=20, help="行数 / rows (default 20)")
    p.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    return parser


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _print_issues(issues: list[Any], out: Any = None) -> None:
    out = out or sys.stdout
    last_sheet = None
    for issue in issues:
        if issue.sheet != last_sheet:
            print(f"『{issue.sheet}』", file=out)
            last_sheet = issue.sheet
        where = issue.cell or (f"第{issue.row}行" if issue.row else "")
        level = "错误" if issue.severity == "error" else "警告"
        print(f"  {_pad(where, 8)} {level} {issue.code}  {_pad(issue.column, 10)} {issue.message}", file=out)


def _fail(message: str, code: int = EXIT_UNUSABLE) -> int:
    print(f"neiqin：{message}", file=sys.stderr)
    return code


def _bug(exc: BaseException) -> int:
    from .logs import setup

    try:
        where = str(setup())
    except OSError:
        where = "（无法写日志文件）"
    logging.getLogger("neiqin.cli").exception("unexpected error")
    return _fail(f"内部错误（{exc.__class__.__name__}），未完成；详细信息已写入 {where}", EXIT_BUG)


def _open(path: str) -> Any:
    from .engine import open_book

    p = Path(path)
    if not p.exists():
        from .errors import NeiQinError

        raise NeiQinError(f"找不到文件 {path}；请检查路径")
    if p.is_dir():
        from .errors import NeiQinError

        raise NeiQinError(f"{path} 是文件夹，不是 Excel 工作簿")
    return open_book(p, engine="headless")


def cmd_validate(args: argparse.Namespace) -> int:
    from . import addin
    from .config import load_settings
    from .issues import has_errors, sort_issues
    from .schema import ledger_names

    addin.ensure_import_path()
    if args.ledger not in ledger_names():
        return _fail(f"没有名为 {args.ledger} 的台账；可选：{'、'.join(ledger_names())}")
    book = _open(args.file)
    if args.mark:
        macros = addin.load_macros()
        action_id = f"validate_{args.ledger}"
        summary = macros.run(action_id, book, today=args.today)
        if summary.outcome in ("failed", "error"):
            return _fail(summary.message, EXIT_UNUSABLE if summary.outcome == "failed" else EXIT_BUG)
        book.save()
        issues = summary.issues
        _print_save_warnings(book)
    else:
        validators = addin.load_validators()
        settings, setting_issues = load_settings(book)
        result = validators.validate(book, args.ledger, settings, args.today)
        issues = sort_issues(result.issues + setting_issues)
    if args.json:
        json.dump([i.to_dict() for i in issues], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print_issues(issues)
        errors = sum(i.severity == "error" for i in issues)
        print(
            f"共 {len(issues)} 条问题：错误 {errors} 条，警告 {len(issues) - errors} 条。" if issues else "未发现问题。"
        )
        if args.mark:
            print(f"已标记并保存：{book.fullname}")
    return EXIT_ISSUES if has_errors(issues) else EXIT_OK


def _print_save_warnings(book: Any) -> None:
    for item in getattr(book.impl, "save_warnings", []) or []:
        print(f"注意：保存时丢失了 {item}（无 Excel 环境无法保留），原文件请另行备份。", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    from . import addin
    from .engine import headless_caller

    macros = addin.load_macros()
    macros.get(args.action)
    path = Path(args.file)
    if not path.is_file():
        return _fail(f"找不到文件 {args.file}；请检查路径")
    with headless_caller(path) as book:
        # dispatch() is exactly what the ribbon button runs; --today needs run()
        summary = macros.run(args.action, book, today=args.today) if args.today else macros.dispatch(args.action)
        print(summary.text())
        if summary.outcome == "failed":
            return EXIT_UNUSABLE
        if summary.outcome == "error":
            return EXIT_BUG
        book.save(args.out) if args.out else book.save()
        _print_save_warnings(book)
        print(f"已保存：{book.fullname}")
    return EXIT_ISSUES if summary.errors else EXIT_OK


def cmd_actions(args: argparse.Namespace) -> int:
    from . import addin

    macros = addin.load_macros()
    items = [{"id": a.id, "label": a.label, "group": a.group} for a in macros.actions()]
    if args.json:
        json.dump(items, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for a in items:
            print(f"{_pad(a['id'], 20)} {_pad(a['group'], 6)} {a['label']}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(Path(args.out), seed=args.seed, end=args.date)


def cmd_log(args: argparse.Namespace) -> int:
    from .config import load_settings
    from .store import open_store

    settings, _ = load_settings()
    rows = open_store(settings.db).actions(args.limit)
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
        return EXIT_OK
    for r in rows:
        print(
            f"{r['time']:%Y-%m-%d %H:%M:%S} {_pad(r['action'], 18)} {_pad(r['outcome'], 7)} "
            f"{r['rows']:>7} 行 {r['issues']:>5} 问题 {r['seconds']:>7.2f}s {r['user']}@{r['host']} {r['workbook']}"
        )
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build_all, default_folder

    folder = Path(args.out) if args.out else default_folder()
    for path in build_all(folder):
        print(f"已生成：{path}")
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from . import doctor
    from .build import default_folder

    workbook = Path(args.workbook) if args.workbook else default_folder() / "NeiQin.xlsm"
    if not workbook.exists():
        if args.workbook:
            return _fail(f"找不到工作簿 {workbook}")
        print(f"! 工作簿：没有找到 {workbook}，只检查本机安装")
        workbook = None
    if args.fix and workbook is not None:
        for line in doctor.fix(workbook):
            print(f"已写入 xlwings.conf：{line}")
    checks = doctor.run_checks(workbook)
    for check in checks:
        print(check.line())
    failed = [c for c in checks if c.status == "fail"]
    print("一切就绪。" if not failed else f"有 {len(failed)} 项需要处理。")
    return EXIT_ISSUES if failed else EXIT_OK


def cmd_import_ledger(args: argparse.Namespace) -> int:
    from . import addin
    from .importer import import_ledger

    addin.ensure_import_path()
    for path in (args.source, args.into):
        if not Path(path).is_file():
            return _fail(f"找不到文件 {path}；请检查路径")
    result = import_ledger(Path(args.source), Path(args.into), args.ledger, sheet=args.sheet)
    print(result.text())
    return EXIT_OK


COMMANDS = {
    "build": cmd_build,
    "doctor": cmd_doctor,
    "import-ledger": cmd_import_ledger,
    "validate": cmd_validate,
    "run": cmd_run,
    "actions": cmd_actions,
    "demo": cmd_demo,
    "log": cmd_log,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``neiqin`` console script."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (stream.encoding or "").lower() not in ("utf-8", "utf8"):
            with contextlib.suppress(ValueError, OSError):
                reconfigure(encoding="utf-8", errors="replace")
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_OK
    if args.command in ("validate", "run"):
        from . import prefetch

        prefetch.start(args.file)  # parse the workbook while the libraries below import
    from .errors import NeiQinError
    from .logs import setup

    with contextlib.suppress(OSError):  # no writable log folder: run without a log file
        setup()
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    from .perf import gc_paused

    try:
        with gc_paused():  # a batch command builds big tables and forms no cycles
            return COMMANDS[args.command](args)
    except NeiQinError as exc:
        return _fail(str(exc))
    except FileNotFoundError as exc:
        return _fail(f"找不到文件 {exc.filename or exc}；请检查路径")
    except PermissionError as exc:
        return _fail(f"没有权限读写 {exc.filename or exc}；文件可能正在 Excel 中打开，请关闭后再试")
    except BrokenPipeError:  # output piped into `head`: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK
    except KeyboardInterrupt:
        return _fail("已取消", EXIT_UNUSABLE)
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
