"""客户档案 — the customer archive (regulation 二.2 / 三.2 / 四.2): collect, check, keep confidential.

A ledger of its own in the ribbon group 客户. The order ledger reads it as a companion (every
客户名称 of 订单台账 must be a customer here); the first eight-column 客户档案 still reads, its
columns being a subset of :class:`CustomerRow`. Store masters exported from field-sales systems
(门店编号, 门店名称, 大区, 办事处, 城市, 业务员, 渠道, KA客户组) read without a mapping.
"""

from __future__ import annotations

from neiqin.core.guard import register_protected
from neiqin.core.kit import Button, Group, LedgerSpec, register_group, template_path
from neiqin.core.layout import load_layout

from .codes import CODES, CustomerCode
from .demo import demo_rows
from .privacy import redact
from .rules import RULES, CustomerRow, valid_phone
from .settings import CustomerSettings

GROUP = register_group(Group("customers", "客户", order=15))

LEDGER = LedgerSpec(
    name="customers",
    title="客户档案",
    noun="客户",
    doc="每家客户一行：编号、全称、统一社会信用代码、联系人、手机、座机、邮箱、省市区县和地址、经营范围、行业、"
    "客户类型、渠道、等级、负责销售、大区、办事处、建档和更新日期、状态。订单台账的「客户名称」按此核对；"
    "NeiQin 核对必填项、编号和名称重复、信用代码（含校验位、登记机关所在地与省市是否一致）、手机座机和邮箱、"
    "省市区县是否真实且相互对应、资料是否完整和长期未更新。客户信息保密，不外发（制度二.2 / 四.2）："
    "NeiQin 写出的提示、报表和日志不含客户的手机、邮箱和完整信用代码。",
    row=CustomerRow,
    sheet="客户档案",
    sheet_synonyms=("客户", "客户信息", "客户资料", "客户名录", "门店档案", "门店信息", "客户主数据"),
    key=("customer_id",),
    unique=("customer_id", "name"),
    rules=RULES,
    codes=CODES,
    settings=CustomerSettings,
    template=load_layout(template_path(__file__)),
    group=GROUP,
    button=Button(
        "校验客户",
        "AcceptInvitation",
        "检查『客户档案』：必填项、编号和名称重复、统一社会信用代码、手机座机邮箱、省市区县、资料是否完整和及时更新。",
    ),
)
LEDGERS = (LEDGER,)
# 『保护客户档案』: every NeiQin write to the archive opens it with this setting's password and protects it again
register_protected("customers", "protect_password", "客户档案保护密码")

__all__ = [
    "GROUP",
    "LEDGER",
    "LEDGERS",
    "CustomerCode",
    "CustomerRow",
    "CustomerSettings",
    "demo_rows",
    "redact",
    "valid_phone",
]
