"""The `neiqin` command: exit codes, JSON contract, --mark, run, actions, help, demo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from neiqin.app.cli import main
from neiqin.core.marks import RESULT_SHEET

from .conftest import make_order_row, write_orders, write_sheet

CONTRACT = {"sheet", "row", "column", "code", "severity", "message"}


def neiqin(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it."""
    exe = shutil.which("neiqin", path=str(Path(sys.executable).parent)) or shutil.which("neiqin")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "neiqin", *args]
    return subprocess.run(
        cmd, capture_output=True, text=True, encoding="utf-8", cwd=cwd, env={**os.environ, **(env or {})}, timeout=300
    )


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return write_orders(tmp_path / "clean.xlsx", [make_order_row(), make_order_row(order_id="SO2")])


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    rows = [
        make_order_row(),
        make_order_row(order_id="SO2", customer=None),
        make_order_row(order_id="SO3", quantity=-1, amount=-1850),
    ]
    return write_orders(tmp_path / "broken.xlsx", rows)


def test_exit_0_when_no_error(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(clean), "--today", "2026-11-26"]) == 0
    assert "未发现问题" in capsys.readouterr().out


def test_exit_0_with_only_warnings(tmp_path: Path) -> None:
    path = write_orders(tmp_path / "w.xlsx", [make_order_row(quantity=-1, amount=-1850)])
    assert main(["validate", str(path), "--today", "2026-11-26"]) == 0


def test_exit_1_and_a_table_for_people(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(broken), "--today", "2026-11-26"]) == 1
    out = capsys.readouterr().out
    assert "『订单台账』" in out
    assert "D5" in out and "LED-010" in out and "客户名称" in out
    assert "共 2 条问题：错误 1 条，警告 1 条。" in out


def test_json_is_a_list_of_issue_objects(broken: Path) -> None:
    result = neiqin("validate", str(broken), "--json", "--today", "2026-11-26")
    assert result.returncode == 1, result.stderr
    issues = json.loads(result.stdout)
    assert [set(i) for i in issues] == [CONTRACT, CONTRACT]
    assert issues[0] == {
        "sheet": "订单台账",
        "row": 5,
        "column": "客户名称",
        "code": "LED-010",
        "severity": "error",
        "message": "「客户名称」为必填项，当前为空；请补充",
    }
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "找不到文件"),
        ("folder", "是文件夹"),
        ("garbage", "无法打开"),
        ("no_header", "找不到表头"),
        ("no_ledger", "没有『订单台账』工作表"),
    ],
)
def test_exit_2_on_unusable_input_with_one_chinese_line(tmp_path: Path, setup: str, message: str) -> None:
    path = tmp_path / "in.xlsx"
    if setup == "folder":
        path.mkdir()
    elif setup == "garbage":
        path.write_bytes(b"PK\x03\x04 definitely not a workbook")
    elif setup == "no_header":
        write_sheet(path, [["随便"], ["写点"]])
    elif setup == "no_ledger":
        write_sheet(path, [["客户", "电话"], ["甲", "1"]], sheet="通讯录")
    result = neiqin("validate", str(path), "--json")
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    # a program reading JSON gets a JSON object too, with the same message
    error = json.loads(result.stdout)["error"]
    assert set(error) == {"code", "message", "file"} and error["file"] == str(path)
    assert message in error["message"] and error["message"] in result.stderr


# every command that reads a file: exit 2 on the same stream (stderr), a folder named as a folder
FILE_COMMANDS = {
    "validate": ["validate", "{path}"],
    "run": ["run", "validate_orders", "{path}"],
    "report": ["report", "{path}", "--period", "month"],
    "seal": ["seal", "{path}"],
    "import-ledger": ["import-ledger", "{path}", "--into", "{path}"],
    "doctor": ["doctor", "{path}"],
}
JSON_COMMANDS = {
    "validate": ["validate", "{path}", "--json"],
    "report": ["report", "{path}", "--period", "month", "--json"],
    "verify": ["verify", "{path}", "--json"],
}


@pytest.mark.parametrize("kind", ["missing", "folder"])
@pytest.mark.parametrize("command", sorted(FILE_COMMANDS))
def test_exit_2_is_one_line_on_stderr_for_every_command(
    tmp_path: Path, command: str, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / ("台账" if kind == "folder" else "missing.xlsx")
    if kind == "folder":
        path.mkdir()
    assert main([a.format(path=path) for a in FILE_COMMANDS[command]]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("neiqin：") and len(err.strip().splitlines()) == 1
    assert ("是文件夹" if kind == "folder" else "找不到") in err


@pytest.mark.parametrize("command", sorted(JSON_COMMANDS))
def test_json_commands_print_a_json_error_on_exit_2(tmp_path: Path, command: str) -> None:
    path = tmp_path / "missing.xlsx"
    result = neiqin(*[a.format(path=path) for a in JSON_COMMANDS[command]])
    assert result.returncode == 2
    message = result.stderr.strip().removeprefix("neiqin：")
    assert json.loads(result.stdout) == {"error": {"code": "file_not_found", "message": message, "file": str(path)}}


def test_a_wrong_argument_with_json_is_a_json_error_too(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "--json"])
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert json.loads(out)["error"]["code"] == "bad_arguments" and "参数有误" in err


def test_run_reports_a_failed_action_on_stderr(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "in.xlsx", [["客户", "电话"], ["甲", "1"]], sheet="通讯录")
    result = neiqin("run", "confirm_orders", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("neiqin：确认订单") and "订单台账" in result.stderr


def test_unknown_ledger_is_unusable(clean: Path) -> None:
    assert main(["validate", str(clean), "--ledger", "nonsense"]) == 2


def test_mark_saves_marks_atomically(broken: Path) -> None:
    result = neiqin("validate", str(broken), "--mark", "--today", "2026-11-26")
    assert result.returncode == 1, result.stderr
    assert "已标记并保存" in result.stdout
    wb = openpyxl.load_workbook(broken)
    assert RESULT_SHEET in wb.sheetnames
    assert wb["订单台账"]["D5"].comment is not None
    assert not [p for p in broken.parent.iterdir() if p.name.startswith(".")]


def test_without_mark_the_file_is_not_touched(broken: Path) -> None:
    before = broken.read_bytes()
    main(["validate", str(broken), "--json"])
    assert broken.read_bytes() == before


def test_run_action_saves_into_file_or_out(broken: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.xlsx"
    before = broken.read_bytes()
    result = neiqin("run", "validate_orders", str(broken), "--out", str(out), "--today", "2026-11-26")
    assert result.returncode == 1, result.stderr
    assert "校验订单" in result.stdout and str(out) in result.stdout
    assert broken.read_bytes() == before
    assert RESULT_SHEET in openpyxl.load_workbook(out).sheetnames
    assert main(["run", "validate_orders", str(broken)]) == 1  # the ribbon's dispatch path
    assert RESULT_SHEET in openpyxl.load_workbook(broken).sheetnames


def test_run_unknown_action(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "no_such_action", str(clean)]) == 2
    assert "没有名为 no_such_action 的操作" in capsys.readouterr().err


def test_actions_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["actions", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert {"id": "validate_orders", "label": "校验订单", "group": "订单"} in items


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], ["run", "--help"], ["demo", "--help"]])
def test_help_is_chinese_and_english(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "用法 / usage" in text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert any(word in text for word in ("Validate", "Run", "Write", "exit codes"))


def test_wrong_arguments_say_which_command_and_where_to_look(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("用法 / usage") == 1  # a subcommand's prog is not prefixed twice
    assert "neiqin validate：参数有误" in err and "neiqin validate --help" in err


def test_doctor_on_a_file_that_is_not_a_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "notes.xlsm"
    text.write_text("not a workbook", encoding="utf-8")
    assert main(["doctor", str(text)]) == 2  # unusable input, not an internal error
    assert "不是 .xlsm / .xlsx 工作簿" in capsys.readouterr().err


def test_version() -> None:
    result = neiqin("--version")
    assert result.returncode == 0 and result.stdout.startswith("neiqin ")


def test_action_log_written_for_cli_runs(broken: Path, isolated: Path) -> None:
    main(["run", "validate_orders", str(broken), "--today", "2026-11-26"])
    from neiqin.core.store import open_store

    (row,) = open_store().actions()
    assert row["action"] == "validate_orders"
    assert row["workbook"] == str(broken.resolve())
    assert (row["rows"], row["issues"], row["errors"], row["outcome"]) == (3, 2, 1, "issues")
    assert row["user"] and row["host"] and row["seconds"] >= 0
