"""客户档案: every check as a table of cases — credit codes of each registration authority, phones,
e-mail, divisions, completeness, stale records — the headers it reads, and that no message leaks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neiqin.core.china.uscc import make_uscc, org_code_check_char
from neiqin.core.issues import Code
from validators.customers import CustomerCode, redact

from .conftest import validate_file, write_sheet
from .test_china_uscc import CONSTRUCTED, FUJIAN_PILOT, REAL, _constructed

HEADER = [
    "客户编号",
    "客户名称",
    "统一社会信用代码",
    "联系人",
    "手机",
    "座机",
    "邮箱",
    "省",
    "市",
    "区县",
    "客户类型",
    "负责销售",
    "最后更新",
]
UPDATED = dt.datetime(2026, 10, 1)
HZ = make_uscc("91330106" + "MA2H2YDX" + org_code_check_char("MA2H2YDX"))  # registered in 杭州市西湖区


def line(**values: Any) -> list[Any]:
    base: dict[str, Any] = {
        "客户编号": "C0001",
        "客户名称": "杭州恒通机械有限公司",
        "统一社会信用代码": HZ,
        "联系人": "张伟",
        "手机": "13812345678",
        "座机": "0571-88881234",
        "邮箱": "caigou@hengtong.example.com",
        "省": "浙江省",
        "市": "杭州市",
        "区县": "西湖区",
        "客户类型": "企业",
        "负责销售": "王磊",
        "最后更新": UPDATED,
    }
    base.update(values)
    return [base[h] for h in HEADER]


def found(tmp_path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> list[tuple[str, int, str]]:
    path = write_sheet(tmp_path / "客户.xlsx", [header, *rows], sheet="客户档案", title="客户档案")
    checked = validate_file(path, "customers")
    return sorted((i.code, i.row, i.column) for i in checked.issues)


ROW = 4  # Excel row of the first line under write_sheet's title and blank row
BAD_CHECK = HZ[:-1] + ("0" if HZ[-1] != "0" else "1")

# (what, the line's values, the issues expected: code, column)
CASES: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
    ("all good", {}, []),
    (
        "code with a wrong check character",
        {"统一社会信用代码": BAD_CHECK},
        [(CustomerCode.CUS_BAD_USCC, "统一社会信用代码")],
    ),
    ("code too short", {"统一社会信用代码": HZ[:17]}, [(CustomerCode.CUS_BAD_USCC, "统一社会信用代码")]),
    (
        "code with O for 0",
        {"统一社会信用代码": HZ.replace("0", "O", 1)},
        [(CustomerCode.CUS_BAD_USCC, "统一社会信用代码")],
    ),
    (
        "code typed with spaces and lower case",
        {"统一社会信用代码": " ".join([HZ[:9], HZ[9:].lower()])},
        [(CustomerCode.CUS_USCC_NOTE, "统一社会信用代码")],
    ),
    (
        "code registered in another province",
        {"省": "江苏省", "市": "南京市", "区县": "玄武区"},
        [(CustomerCode.CUS_USCC_REGION, "统一社会信用代码")],
    ),
    ("code registered in the city, only the city given", {"省": None, "区县": None}, []),
    ("enterprise without a code", {"统一社会信用代码": None}, [(CustomerCode.CUS_NO_USCC, "统一社会信用代码")]),
    ("individual business without a code", {"统一社会信用代码": None, "客户类型": "个体"}, []),
    ("store without a code", {"统一社会信用代码": None, "客户类型": "门店"}, []),
    ("unknown kind", {"客户类型": "公司"}, [(Code.LED_NOT_IN_LIST, "客户类型")]),
    ("mobile of ten digits", {"手机": "1381234567"}, [(CustomerCode.CUS_BAD_PHONE, "手机")]),
    ("mobile with +86 and spaces", {"手机": "+86 138 1234 5678"}, []),
    ("mobile stored as a number", {"手机": 13812345678}, []),
    ("mobile of a segment that does not exist", {"手机": "12012345678"}, [(CustomerCode.CUS_BAD_PHONE, "手机")]),
    ("landline in the mobile column (old sheets)", {"手机": "021-62345678"}, []),
    ("landline without area code", {"座机": "88881234"}, [(CustomerCode.CUS_BAD_LANDLINE, "座机")]),
    ("landline with extension", {"座机": "0571-88881234 转 802"}, []),
    ("e-mail without @", {"邮箱": "caigou.hengtong.example.com"}, [(CustomerCode.CUS_BAD_EMAIL, "邮箱")]),
    ("e-mail with a full-width dot", {"邮箱": "caigou@hengtong。example.com"}, []),
    (
        "city not in the province",
        {"省": "浙江省", "市": "南京市", "区县": None, "统一社会信用代码": None, "客户类型": "个体"},
        [(CustomerCode.CUS_BAD_REGION, "市")],
    ),
    ("district not in the city", {"区县": "玄武区"}, [(CustomerCode.CUS_BAD_REGION, "区县")]),
    ("province that does not exist", {"省": "浙东省", "市": None, "区县": None}, [(CustomerCode.CUS_BAD_REGION, "省")]),
    ("short names of divisions", {"省": "浙江", "市": "杭州", "区县": "西湖"}, []),
    ("not updated for 14 months", {"最后更新": dt.datetime(2025, 9, 20)}, [(CustomerCode.CUS_STALE, "最后更新")]),
    ("updated 12 months ago", {"最后更新": dt.datetime(2025, 11, 26)}, []),
    ("no contact", {"联系人": None}, [(CustomerCode.CUS_INCOMPLETE, "联系人")]),
    ("no contact and no mobile", {"联系人": None, "手机": None}, [(CustomerCode.CUS_INCOMPLETE, "联系人")]),
    ("no name", {"客户名称": None}, [(Code.LED_REQUIRED, "客户名称")]),
]


@pytest.mark.parametrize(("what", "values", "expected"), CASES, ids=[c[0] for c in CASES])
def test_customer_checks(tmp_path: Path, what: str, values: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert found(tmp_path, [line(**values)]) == sorted((str(code), ROW, column) for code, column in expected)


ALL_KINDS = [c for c, *_ in REAL] + FUJIAN_PILOT + [_constructed(p) for p, *_ in CONSTRUCTED]


@pytest.mark.parametrize("code", ALL_KINDS)
def test_every_registration_authority_is_accepted(tmp_path: Path, code: str) -> None:
    """Real codes of 机构编制, 民政, 市场监管 (企业, 个体), Fujian's pilot; one of every other authority and kind."""
    issues = found(tmp_path, [line(统一社会信用代码=code, 省=None, 市=None, 区县=None)])
    assert [i for i in issues if i[0] == CustomerCode.CUS_BAD_USCC] == []


@pytest.mark.parametrize("code", ALL_KINDS)
def test_every_registration_authority_with_a_typo_is_refused(tmp_path: Path, code: str) -> None:
    wrong = code[:9] + ("1" if code[9] != "1" else "2") + code[10:]
    issues = found(tmp_path, [line(统一社会信用代码=wrong, 省=None, 市=None, 区县=None)])
    assert (str(CustomerCode.CUS_BAD_USCC), ROW, "统一社会信用代码") in issues


def test_duplicate_ids_and_names(tmp_path: Path) -> None:
    rows = [line(), line(客户编号="C0002"), line(客户名称="宁波远航贸易有限公司")]
    assert found(tmp_path, rows) == [
        (str(Code.LED_DUPLICATE_KEY), ROW + 1, "客户名称"),
        (str(Code.LED_DUPLICATE_KEY), ROW + 2, "客户编号"),
    ]


def test_the_first_eight_column_archive_still_reads(tmp_path: Path) -> None:
    header = ["客户编号", "客户名称", "联系人", "手机", "地址", "所属行业", "区域", "负责销售"]
    rows = [["C0001", "上海华东贸易有限公司", "张伟", "13512345678", "上海市", "机械", "华东", "王磊"],
            ["C0002", "苏州恒通机械有限公司", "李静", "021-62345678", "苏州市", "机械", "华东", "陈静"]]  # fmt: skip
    path = write_sheet(tmp_path / "旧.xlsx", [header, *rows], sheet="客户档案", title=None)
    checked = validate_file(path, "customers")
    assert checked.issues == []
    frame = checked.ledger.frame
    assert list(frame["industry"]) == ["机械", "机械"] and list(frame["region"]) == ["华东", "华东"]


def test_a_store_master_export_reads_without_a_mapping(tmp_path: Path) -> None:
    header = ["门店编号", "门店名称", "大区", "办事处", "城市", "业务员", "渠道", "KA客户组"]
    rows = [["MD001", "永辉超市福州鼓楼店", "华南", "福州办事处", "福州市", "林晓", "KA", "永辉"]]
    path = write_sheet(tmp_path / "门店.xlsx", [header, *rows], sheet="门店档案", title=None)
    checked = validate_file(path, "customers")
    assert checked.issues == []
    record = checked.ledger.frame.iloc[0]
    got = {
        k: record[k] for k in ("customer_id", "name", "region", "office", "city", "sales_rep", "channel", "ka_group")
    }
    assert got == dict(zip(got, rows[0], strict=True))


SECRETS = ["13812345678", "0571-88881234", "caigou@hengtong.example.com"]


def test_no_message_quotes_a_mobile_email_or_credit_code(tmp_path: Path) -> None:
    """Every kind of finding on lines full of contact data: the messages name none of it (制度四.2)."""
    rows = [
        line(客户编号="C1", 手机="1381234567", 邮箱="caigou@hengtong", 统一社会信用代码=BAD_CHECK),
        line(
            客户编号="C2",
            客户名称="二号",
            座机="88881234",
            统一社会信用代码=HZ.lower(),
            省="江苏省",
            市="南京市",
            区县=None,
        ),
        line(客户编号="C3", 客户名称="三号", 手机="+86 12012345678", 统一社会信用代码=HZ[:17] + "0" * 3),
    ]
    path = write_sheet(tmp_path / "客户.xlsx", [HEADER, *rows], sheet="客户档案", title="客户档案")
    issues = validate_file(path, "customers").issues
    assert len(issues) >= 6
    text = "\n".join(i.message for i in issues)
    for secret in ["1381234567", "caigou@hengtong", BAD_CHECK, HZ, "88881234", "12012345678", HZ[:17]]:
        assert secret not in text and secret.upper() not in text.upper()
    assert re.search(r"\d{9,}", text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("请核对 13812345678 的号码", "请核对 138****5678 的号码"),
        ("「+86 138 1234 5678」无效", "「138****5678」无效"),
        ("固定电话「0571-88881234」缺少", "固定电话「0571-****1234」缺少"),
        ("号码「88881234」缺少区号", "号码「****1234」缺少区号"),
        ("邮箱「zhang.san@example.com」格式", "邮箱「z***@example.com」格式"),
        (f"请改为「{HZ}」", f"请改为「{HZ[:8]}********{HZ[-2:]}」"),
        ("于 2026-12-04 更新，已 14 个月", "于 2026-12-04 更新，已 14 个月"),
        ("第 3–8 位是 330106", "第 3–8 位是 330106"),
        ("", ""),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_validate_customers_is_in_the_customer_group() -> None:
    import macros

    act = macros.registry.get("validate_customers")
    assert act.group == "客户"


@given(
    before=st.text(max_size=30),
    after=st.text(max_size=30),
    mobile=st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
    sep=st.sampled_from(["", " ", "-"]),
)
def test_redact_never_leaves_a_mobile(before: str, after: str, mobile: str, sep: str) -> None:
    typed = sep.join([mobile[:3], mobile[3:7], mobile[7:]])
    out = redact(f"{before}「{typed}」{after}")
    assert typed not in out or len(re.sub(r"\D", "", typed)) < 11
    assert mobile not in re.sub(r"[\s\-]", "", out)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(
        st.one_of(st.none(), st.text(max_size=40), st.integers(), st.floats(allow_nan=False)), min_size=13, max_size=13
    )
)
def test_any_cell_values_give_issues_never_a_traceback(tmp_path: Path, cells: list[Any]) -> None:
    clean = [c.replace("\x00", "") if isinstance(c, str) else c for c in cells]
    clean = [re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", c) if isinstance(c, str) else c for c in clean]
    path = write_sheet(tmp_path / "h.xlsx", [HEADER, ["C1", "某公司", *clean[2:]]], sheet="客户档案", title=None)
    issues = validate_file(path, "customers").issues
    assert all(i.message and "Traceback" not in i.message for i in issues)
