"""脱敏导出: the copy hides mobile, landline, e-mail, credit code and street; every export is logged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

import macros
from neiqin.core.store import open_store
from neiqin.engine import open_book
from validators.customers import store as tables

from .conftest import TODAY, write_sheet
from .test_customers_rules import HEADER, HZ, line

NOW = dt.datetime(2026, 11, 26, 15, 30, 5)


def test_export_masks_and_logs(tmp_path: Path) -> None:
    rows = [line(), line(客户编号="C2", 客户名称='=HYPERLINK("http://x")', 手机="021-62345678", 邮箱=None)]
    header = [*HEADER, "详细地址"]
    rows = [[*rows[0], "浙江省杭州市西湖区文三路 90 号 3 楼"], [*rows[1], None]]
    path = write_sheet(tmp_path / "客户.xlsx", [header, *rows], sheet="客户档案", title="客户档案")
    summary = macros.run("export_customers", open_book(path), today=TODAY, now=NOW, user="李娜")
    assert summary.outcome == "ok", summary.text()
    copy = tmp_path / "客户档案_脱敏_20261126_153005.xlsx"
    assert summary.message == (
        f"已导出 2 家客户到 {copy.name}（统一社会信用代码、手机、座机、邮箱、详细地址已脱敏）；导出已记入数据库。"
    )
    ws = openpyxl.load_workbook(copy)["客户档案"]
    got = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert got[0] == header
    first = dict(zip(header, got[1], strict=True))
    assert first["手机"] == "138****5678" and first["座机"] == "0571-****1234"
    assert first["邮箱"] == "c***@hengtong.example.com"
    assert first["统一社会信用代码"] == HZ[:8] + "********" + HZ[-2:]
    assert first["详细地址"] == "浙江省杭州市西湖区"
    assert first["客户名称"] == "杭州恒通机械有限公司" and first["联系人"] == "张伟"
    second = dict(zip(header, got[2], strict=True))
    assert second["手机"] == "021-****5678" and second["邮箱"] is None
    assert ws.cell(4, 2).data_type == "s"  # text that looks like a formula stays text
    text = "\n".join(str(v) for r in got for v in r if v is not None)
    for secret in ("13812345678", "88881234", "62345678", "caigou@", HZ, "文三路"):
        assert secret not in text
    (logged,) = open_store().read(tables.exports)
    assert (logged["user"], logged["rows"], logged["exported_at"]) == ("李娜", 2, NOW)
    assert logged["columns"] == header and logged["file"] == str(copy)
    assert logged["masked"] == ["统一社会信用代码", "手机", "座机", "邮箱", "详细地址"]
