"""客户档案: the customer row schema and its rules (制度二.2: 客户信息完整、准确、及时).

Every rule leans on :mod:`neiqin.core.china` (credit codes, divisions, phones, e-mail) and masks
what it quotes (:func:`~validators.customers.privacy.redact`): an issue message never carries a
customer's mobile, e-mail or full credit code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from neiqin.core import fields as f
from neiqin.core.issues import Issue
from neiqin.core.kit import CheckContext
from neiqin.core.ledger import Ledger, display
from neiqin.core.schema import LedgerRow, column

from .codes import CustomerCode
from .privacy import redact


class CustomerRow(LedgerRow):
    """客户档案 one customer (the eight columns of the first 客户档案 are a subset)."""

    customer_id: str = f.CUSTOMER_ID(required=True)
    name: str = f.CUSTOMER(
        "客户名称全称", description="客户全称（与营业执照一致），订单台账中按此核对", required=True, width=30
    )
    uscc: str | None = column(
        "统一社会信用代码",
        "信用代码",
        "社会信用代码",
        "税号",
        "纳税人识别号",
        "统一信用代码",
        description="18 位统一社会信用代码；个体工商户可以没有",
        raw=True,
        width=20,
    )
    contact: str | None = column("联系人", "联系人姓名", "客户联系人", description="主要联系人", width=8)
    mobile: str | None = column(
        "手机", "手机号", "手机号码", "联系电话", "电话", "联系方式", description="联系人手机", raw=True, width=14
    )
    phone: str | None = column(
        "座机", "固定电话", "办公电话", "固话", description="带区号的固定电话，如 0571-88881234", raw=True, width=14
    )
    email: str | None = column("邮箱", "电子邮箱", "Email", "E-mail", "邮件", description="联系人邮箱", width=22)
    province: str | None = column("省", "省份", "所在省份", "所在省", description="所在省级行政区，如 浙江省", width=8)
    city: str | None = column("市", "城市", "所在城市", "地级市", description="所在地级市，如 杭州市", width=8)
    district: str | None = column("区县", "区/县", "县区", "所在区县", description="所在区县，如 西湖区", width=8)
    address: str | None = column(
        "详细地址", "地址", "通讯地址", "收货地址", "门店地址", description="收货或通讯地址", width=34
    )
    business_scope: str | None = column("经营范围", description="营业执照上的经营范围", width=20)
    industry: str | None = column("行业", "所属行业", "行业类别", description="客户所在行业", width=10)
    kind: str | None = column(
        "客户类型", "客户性质", "类型", description="企业、个体、门店或机构", choices="customer_kinds", width=8
    )
    channel: str | None = column("渠道", "销售渠道", "渠道类型", description="直销、经销、KA、电商等", width=8)
    ka_group: str | None = column(
        "KA客户组", "KA系统", "客户组", "连锁系统", description="所属 KA 系统或客户组", width=10
    )
    grade: str | None = column("客户等级", "等级", "客户级别", "客户分级", description="A / B / C 等级", width=8)
    sales_rep: str | None = f.SALES_REP(header="负责销售", description="负责该客户的销售员")
    region: str | None = column("大区", "区域", "销售区域", "片区", description="销售大区，如 华东", width=8)
    office: str | None = column("办事处", "分公司", "营业所", description="负责的办事处", width=8)
    created: dt.date | None = column(
        "建档日期", "创建日期", "录入日期", "开户日期", description="建立档案的日期", number_format=f.DATE, width=11
    )
    updated: dt.date | None = column(
        "最后更新",
        "更新日期",
        "最后更新日期",
        "修改日期",
        description="最后一次核实或修改资料的日期",
        number_format=f.DATE,
        width=11,
    )
    status: str | None = column(
        "状态", "客户状态", description="潜在、活跃、休眠或流失", choices="customer_statuses", width=8
    )
    segment: str | None = column(
        "客户分群",
        "RFM分群",
        "RFM分类",
        "价值分群",
        description="『客户分级』按 RFM（最近下单、订单数、销售额）写入的分群，如 重要价值客户",
        width=12,
    )
    class_reason: str | None = column(
        "分级依据",
        "分级原因",
        "等级依据",
        description="『客户分级』写入：等级、状态和分群是怎么得出的（销售额、占比、最近下单……）",
        width=40,
    )
    locked: str | None = column(
        "锁定",
        "人工锁定",
        "手工锁定",
        "锁定等级",
        "等级锁定",
        description="填「是」：客户等级、状态由人工确定，『客户分级』不改这一行",
        width=6,
    )
    note: str | None = f.NOTE()


def valid_phone(value: object) -> bool:
    """A Chinese mobile or landline number (or an international one with its +code)."""
    from neiqin.core.china.contact import check_phone

    return check_phone(value).ok


def _cells(ledger: Ledger, name: str) -> list[Any]:
    """The column's values, None where empty (or the whole column None when the sheet lacks it)."""
    if not ledger.has(name):
        return [None] * len(ledger.rows)
    return [None if v is None or v != v else v for v in ledger.frame[name]]


def check_phones(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """手机 and 座机 are numbers that can be dialled (``phonenumbers``, China first; a landline needs its area code)."""
    from neiqin.core.china.contact import check_phone  # phonenumbers: only when checking

    found: list[Issue] = []
    for name, code in (("mobile", CustomerCode.CUS_BAD_PHONE), ("phone", CustomerCode.CUS_BAD_LANDLINE)):
        if not ledger.has(name):
            continue
        for row, value in zip(ledger.rows, _cells(ledger, name), strict=True):
            if value is None:
                continue
            verdict = check_phone(value)
            if not verdict.ok:
                found.append(ledger.issue(code, row, name, reason=redact(verdict.reason)))
    return found


def check_emails(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """邮箱 has the syntax of an address mail can go to (``email-validator``, no DNS)."""
    from neiqin.core.china.contact import check_email

    found: list[Issue] = []
    if ledger.has("email"):
        for row, value in zip(ledger.rows, _cells(ledger, "email"), strict=True):
            if value is not None:
                verdict = check_email(value)
                if not verdict.ok:
                    found.append(ledger.issue(CustomerCode.CUS_BAD_EMAIL, row, "email", reason=redact(verdict.reason)))
    return found


def check_credit_codes(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """统一社会信用代码: 18 characters of the allowed alphabet, the check character, every registration
    authority (1–9, A, N, Y); its division agrees with 省/市 (warning); enterprises and institutions have one."""
    if not ledger.has("uscc"):
        return []
    from neiqin.core.china.uscc import check_uscc, uscc_region_check  # stdnum: only when checking

    needs = set(ctx.settings.uscc_kinds)  # by field name: the section class may be a re-imported one
    provinces, cities, kinds = _cells(ledger, "province"), _cells(ledger, "city"), _cells(ledger, "kind")
    found: list[Issue] = []
    for pos, (row, value) in enumerate(zip(ledger.rows, _cells(ledger, "uscc"), strict=True)):
        if value is None:
            kind = kinds[pos]
            if kind is not None and str(kind).strip() in needs:
                found.append(ledger.issue(CustomerCode.CUS_NO_USCC, row, "uscc", kind=display(kind)))
            continue
        verdict = check_uscc(value)
        if not verdict.ok:
            found.append(ledger.issue(CustomerCode.CUS_BAD_USCC, row, "uscc", reason=redact(verdict.reason)))
            continue
        if verdict.severity == "warning":
            found.append(ledger.issue(CustomerCode.CUS_USCC_NOTE, row, "uscc", reason=redact(verdict.reason)))
        if provinces[pos] is None and cities[pos] is None:
            continue
        agreement = uscc_region_check(verdict.code, provinces[pos], cities[pos])
        if agreement.agrees is False:
            found.append(ledger.issue(CustomerCode.CUS_USCC_REGION, row, "uscc", reason=redact(agreement.reason)))
    return found


def check_regions(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """省 / 市 / 区县 are real divisions (民政部行政区划代码) that belong together."""
    if not (ledger.has("province") or ledger.has("city") or ledger.has("district")):
        return []
    from neiqin.core.china.divisions import check_region

    found: list[Issue] = []
    seen: dict[tuple[Any, Any, Any], str] = {}
    columns = zip(
        ledger.rows, _cells(ledger, "province"), _cells(ledger, "city"), _cells(ledger, "district"), strict=True
    )
    for row, province, city, district in columns:
        if province is None and city is None and district is None:
            continue
        key = (province, city, district)
        if key not in seen:
            verdict = check_region(province, city, district)
            seen[key] = "" if verdict.ok else verdict.reason
        if seen[key]:
            where = "district" if district is not None and ledger.has("district") else "city"
            if where == "city" and (city is None or not ledger.has("city")):
                where = "province"
            found.append(ledger.issue(CustomerCode.CUS_BAD_REGION, row, where, reason=seen[key]))
    return found


def _months_between(earlier: dt.date, later: dt.date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def _as_date(value: Any) -> dt.date | None:
    if value is None or value != value:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def check_stale(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """A record not updated (最后更新, else 建档日期) for more than the configured months: verify it (warning)."""
    limit = ctx.settings.stale_months
    if not limit or not (ledger.has("updated") or ledger.has("created")):
        return []
    field_name = "updated" if ledger.has("updated") else "created"
    found: list[Issue] = []
    for row, updated, created in zip(ledger.rows, _cells(ledger, "updated"), _cells(ledger, "created"), strict=True):
        when = _as_date(updated) or _as_date(created)
        if when is None:
            continue
        months = _months_between(when, ctx.today)
        if months > limit:
            found.append(
                ledger.issue(CustomerCode.CUS_STALE, row, field_name, months=months, updated=display(when), limit=limit)
            )
    return found


def check_complete(ledger: Ledger, ctx: CheckContext) -> list[Issue]:
    """The columns required of every customer (setting 客户必填资料) are filled, where the sheet has them."""
    wanted = ctx.settings.customer_required
    specs = {c.header: c.field for c in CustomerRow.columns()}
    for c in CustomerRow.columns():
        for synonym in c.synonyms:
            specs.setdefault(synonym, c.field)
    names = [(header, specs[header]) for header in wanted if header in specs and ledger.has(specs[header])]
    if not names:
        return []
    found: list[Issue] = []
    columns = {name: _cells(ledger, name) for _h, name in names}
    for pos, row in enumerate(ledger.rows):
        missing = [(header, name) for header, name in names if columns[name][pos] is None]
        if missing:
            text = "、".join(f"「{ledger.header(name)}」" for _h, name in missing)
            found.append(ledger.issue(CustomerCode.CUS_INCOMPLETE, row, missing[0][1], missing=text))
    return found


RULES = (check_credit_codes, check_phones, check_emails, check_regions, check_complete, check_stale)
