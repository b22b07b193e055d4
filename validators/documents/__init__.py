"""文件档案 — 收文登记, 发文登记, 档案目录, 借阅登记 (regulation 二.4 / 三.4 / 四.4).

Four registers of one package: documents received (numbered, distributed, 阅办 followed up),
documents sent (approved before they are numbered, numbered without gaps per 代字 and year),
the archive index (retention, location, the electronic file and its SHA-256) and loans of
archived documents (approved by the borrower's department head from 人员; a second approval
for the configured 密级). Document numbers are read in every bracket style (:mod:`.numbers`).
"""

from __future__ import annotations

from neiqin.core.kit import Button, Group, LedgerSpec, register_group, template_path
from neiqin.core.layout import load_layout

from . import (
    kpis,  # noqa: F401  (registers 文件登记及时率)
    numbers,
)
from .codes import ARCHIVE_CODES, CODES, DESTRUCTION_CODES, INCOMING_CODES, LOAN_CODES, OUTGOING_CODES, DocCode
from .demo import demo_history, demo_rows
from .rules import ARCHIVE_RULES, DESTRUCTION_RULES, INCOMING_RULES, LOAN_RULES, OUTGOING_RULES
from .schema import ArchiveRow, DestructionRow, IncomingRow, LoanRow, OutgoingRow
from .settings import DocumentSettings

GROUP = register_group(Group("documents", "文件", order=60))

INCOMING = LedgerSpec(
    name="incoming_docs",
    title="收文登记",
    noun="收文",
    doc="收到的每份文件一行：收文编号（每年连续）、来文单位、标题、文号、收到日期（可写作「2021年3月26日」）、签收人、"
    "密级、分发对象、阅办要求、办结期限和办结日期。检查编号重复和断号、同一来文登记两次、未登记分发、阅办逾期。",
    row=IncomingRow,
    sheet="收文登记",
    sheet_synonyms=("收文登记簿", "收文登记表", "收文簿", "收文"),
    key=("title",),  # 收文编号 may be blank until 『收文登记』; duplicates are DOC-002 (any bracket style)
    rules=INCOMING_RULES,
    codes=INCOMING_CODES,
    settings=DocumentSettings,
    template=load_layout(template_path(__file__, "incoming.toml")),
    group=GROUP,
    button=Button(
        "校验收文", "AcceptInvitation", "检查『收文登记』：编号重复和断号、未登记分发、阅办逾期。", size="normal"
    ),
)
OUTGOING = LedgerSpec(
    name="outgoing_docs",
    title="发文登记",
    noun="发文",
    doc="发出的每份文件一行：发文字号（按代字和年份连续，如「销字〔2026〕012号」，〔〕[]()【】均可识别）、标题、"
    "起草人、审核人、批准人、发文日期、分发范围、份数。内部发文须经审核人和批准人（都不是起草人）签批后才能编号。",
    row=OutgoingRow,
    sheet="发文登记",
    sheet_synonyms=("发文登记簿", "发文登记表", "发文簿", "发文"),
    key=("title",),
    rules=OUTGOING_RULES,
    codes=OUTGOING_CODES,
    template=load_layout(template_path(__file__, "outgoing.toml")),
    group=GROUP,
    button=Button(
        "校验发文", "AcceptInvitation", "检查『发文登记』：字号重复和断号、未经审批即编号、未登记分发。", size="normal"
    ),
)
ARCHIVE_INDEX = LedgerSpec(
    name="archive_index",
    title="档案目录",
    noun="档案",
    doc="每份归档文件一行：档号、标题、类别、年度、保管期限（1年/3年/10年/30年/永久）、存放位置（柜-盒）、密级、"
    "电子文件路径及其 SHA-256、状态。校验时核对电子文件是否还在、是否被改动。",
    row=ArchiveRow,
    sheet="档案目录",
    sheet_synonyms=("档案目录表", "档案台账", "归档目录", "档案"),
    key=("archive_no",),
    unique=("archive_no",),
    rules=ARCHIVE_RULES,
    codes=ARCHIVE_CODES,
    template=load_layout(template_path(__file__, "archive.toml")),
    group=GROUP,
    button=Button(
        "校验档案",
        "AcceptInvitation",
        "检查『档案目录』：档号重复、保管期限、存放位置、电子文件及其校验值。",
        size="normal",
    ),
)
LOANS = LedgerSpec(
    name="loans",
    title="借阅登记",
    noun="借阅",
    doc="每次借阅一行：申请人、部门、档号、借出日期、应还日期、审批人、二次审批人、归还日期。借阅须由申请人的部门负责人"
    "（按『人员』）审批；设置中列出的密级还须二次审批；逾期未还会被提示。",
    row=LoanRow,
    sheet="借阅登记",
    sheet_synonyms=("档案借阅登记", "借阅登记表", "档案借阅"),
    key=("archive_no",),
    companions=("staff", "archive_index"),
    rules=LOAN_RULES,
    codes=LOAN_CODES,
    template=load_layout(template_path(__file__, "loans.toml")),
    group=GROUP,
    button=Button(
        "校验借阅", "AcceptInvitation", "检查『借阅登记』：部门负责人审批、密级文件二次审批、逾期未还。", size="normal"
    ),
)
DESTRUCTION = LedgerSpec(
    name="destruction",
    title="销毁清单",
    noun="销毁",
    doc="『到期清单』把保管期限已满的档案列到这里（永久、法律冻结、借出中的不列）；鉴定人、批准人签批后销毁，"
    "填写销毁日期、销毁人、监销人（不能只是销毁人）和销毁方式，『销毁登记』再把档案目录中的行改为已销毁（行保留）。",
    row=DestructionRow,
    sheet="销毁清单",
    sheet_synonyms=("档案销毁清单", "销毁登记", "档案销毁登记"),
    key=("archive_no",),
    unique=("archive_no",),
    companions=("archive_index",),
    rules=DESTRUCTION_RULES,
    codes=DESTRUCTION_CODES,
    template=load_layout(template_path(__file__, "destruction.toml")),
    group=GROUP,
    button=Button(
        "校验销毁清单",
        "AcceptInvitation",
        "检查『销毁清单』：销毁前的批准、销毁人和监销人、销毁方式；永久和法律冻结的档案不能列入。",
        size="normal",
    ),
)
LEDGERS = (INCOMING, OUTGOING, ARCHIVE_INDEX, LOANS, DESTRUCTION)

__all__ = [
    "ARCHIVE_INDEX",
    "CODES",
    "DESTRUCTION",
    "GROUP",
    "INCOMING",
    "LEDGERS",
    "LOANS",
    "OUTGOING",
    "ArchiveRow",
    "DestructionRow",
    "DocCode",
    "DocumentSettings",
    "IncomingRow",
    "LoanRow",
    "OutgoingRow",
    "demo_history",
    "demo_rows",
    "numbers",
]
