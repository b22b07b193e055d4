"""首页 shows whole descriptions; `neiqin doctor` on a plain .xlsx and without an argument; README and .gitignore."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

import macros
from neiqin.app import build as build_module
from neiqin.app import doctor
from neiqin.app.cli import main
from neiqin.core.sheetio import lines_needed

from .conftest import make_order_row, order_workbook

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.worksheet.worksheet.Worksheet:
    path = tmp_path_factory.mktemp("home") / "NeiQin.xlsm"
    build_module.build(path)
    return openpyxl.load_workbook(path)["首页"]


def test_every_description_on_the_home_sheet_has_room(home: openpyxl.worksheet.worksheet.Worksheet) -> None:
    """Excel keeps a row one line high when it opens a file: a wrapped description needs an explicit height."""
    width = home.column_dimensions["C"].width
    rows = {act.supertip: r for r in range(1, home.max_row + 1) for act in macros.actions()
            if home.cell(r, 3).value == act.supertip}  # fmt: skip
    assert len(rows) == len(macros.actions())
    for text, row in rows.items():
        assert home.cell(row, 3).alignment.wrap_text
        height = home.row_dimensions[row].height
        assert height is not None and height >= 15 * lines_needed(text, width), (row, text)
    intro = home["A4"].value
    merged_width = sum(home.column_dimensions[c].width for c in "ABCD")
    assert home.row_dimensions[4].height >= 15 * lines_needed(intro, merged_width)


def test_button_labels_and_ids_fit_their_columns(home: openpyxl.worksheet.worksheet.Worksheet) -> None:
    from neiqin.base.text import text_width

    assert home.column_dimensions["B"].width >= max(text_width(a.label) for a in macros.actions()) + 1
    assert home.column_dimensions["D"].width >= max(len(a.id) for a in macros.actions()) + 1


# --------------------------------------------------------------------------- doctor


def test_doctor_on_a_plain_xlsx_says_what_it_checks_not_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = order_workbook(tmp_path / "neiqin-demo.xlsx", [make_order_row()])
    assert main(["doctor", str(ledger)]) == 0
    out = capsys.readouterr()
    assert "内部错误" not in out.out + out.err
    first = out.out.splitlines()[0]
    assert first.startswith("! 工作簿：neiqin-demo.xlsx 是不带宏的普通工作簿")
    assert "xlwings VBA 模块" in first and "作为台账照常可用" in first
    assert "✓ Python" in out.out and "✓ 数据库" in out.out  # the installation is still checked
    assert main(["doctor", str(ledger), "--fix"]) == 2  # nothing to fix in a plain workbook: a clear refusal
    assert "--fix 请用于 NeiQin.xlsm" in capsys.readouterr().err


def test_doctor_without_an_argument_finds_workbook_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Installed with `pip install .` (not from a checkout), run in the repository root: workbook/NeiQin.xlsm."""
    repo = tmp_path / "NeiQin"
    (repo / "workbook").mkdir(parents=True)
    shutil.copyfile(ROOT / "workbook" / "NeiQin.xlsm", repo / "workbook" / "NeiQin.xlsm")
    monkeypatch.setattr(build_module, "default_folder", lambda: repo)  # what an installed copy answers: the cwd
    monkeypatch.chdir(repo)
    assert doctor.default_workbook() == (repo / "workbook" / "NeiQin.xlsm").resolve()
    main(["doctor"])
    out = capsys.readouterr().out
    assert f"工作簿：{(repo / 'workbook' / 'NeiQin.xlsm').resolve()}" in out
    assert "没有找到" not in out and "功能区：" in out


def test_doctor_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(build_module, "default_folder", lambda: tmp_path)
    monkeypatch.chdir(tmp_path)
    main(["doctor"])
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("! 工作簿：没有找到 NeiQin.xlsm")
    assert str(tmp_path.resolve() / "workbook" / "NeiQin.xlsm") in first


# --------------------------------------------------------------------------- README, .gitignore


def test_the_readme_installs_into_a_virtual_environment_and_says_why() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert block is not None
    first = block.group(1)
    assert first.index("python -m venv .venv") < first.index('pip install ".[test]"')
    assert "activate" in first
    why = readme[block.end() : block.end() + 600]
    assert "validators" in why and "macros" in why and "虚拟环境" in why


def test_the_demo_folder_is_ignored_by_git() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "demo/" in ignored
