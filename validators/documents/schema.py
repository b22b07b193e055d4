"""The row schemas of 收文登记, 发文登记, 档案目录 and 借阅登记 (aliases = the headers clerks write)."""

from __future__ import annotations

import datetime as dt

from neiqin.core import fields as f
from neiqin.core.schema import LedgerRow, column


def _date(header: str, *synonyms: str, description: str, required: bool = False) -> dt.date | None:
    return column(header, *synonyms, description=description, required=required, width=12, number_format=f.DATE)


def _registered(description: str) -> dt.datetime | None:
    """登记时间: written by the numbering action (with the action log it tells who registered the document)."""
    return column("登记时间", "编号时间", description=description, number_format=f.DATETIME, width=16)


SECRECY = {"choices": "secrecy_levels", "width": 8}


class IncomingRow(LedgerRow):
    """收文登记 one document received."""

    number: str | None = column(
        "收文编号",
        "收文号",
        "收文序号",
        description="本单位的收文编号，如 收文〔2026〕001号；空着的由『收文登记』按钮按年份连续编号",
        expected=True,
        width=16,
    )
    sender: str = column("来文单位", "来文机关", "发文单位", description="文件从哪个单位来", required=True, width=18)
    title: str = column("文件标题", "标题", "文件名称", "事由", description="文件的标题", required=True, width=28)
    doc_number: str | None = column(
        "文号", "文件编号", "来文字号", "来文文号", description="来文上的编号，如 宁党〔2021〕1号", width=16
    )
    received_on: dt.date = _date("收到日期", "收文日期", "签收日期", description="收到文件的日期", required=True)
    receiver: str | None = column("签收人", "收文人", description="签收文件的人", width=8)
    secrecy: str | None = column("密级", description="公开、内部、秘密、机密、绝密", **SECRECY)
    distribution: str | None = column(
        "分发对象", "分送", "传阅对象", "分发部门", description="文件分发给谁（人名或部门，用顿号分隔）", width=20
    )
    instruction: str | None = column("阅办要求", "拟办意见", "批办意见", description="阅知或办理的要求", width=20)
    due_on: dt.date | None = _date("办结期限", "办理期限", "限办日期", description="应在何日前办结")
    done_on: dt.date | None = _date("办结日期", "办结时间", "完成日期", description="实际办结的日期")
    status: str | None = column("状态", "办理状态", description="待分发、阅办中、已办结", width=8)
    registered_at: dt.datetime | None = _registered("『收文登记』编号的时间（文件登记及时率据此计算）")


class OutgoingRow(LedgerRow):
    """发文登记 one document sent out (numbered once approved)."""

    number: str | None = column(
        "发文字号",
        "发文编号",
        "文号",
        description="『发文编号』按钮按代字和年份连续编号，如 销字〔2026〕012号",
        width=16,
    )
    category: str | None = column("代字", "发文代字", "机关代字", description="编号的代字，如 销字", width=8)
    title: str = column("标题", "文件标题", "文件名称", description="文件的标题", required=True, width=28)
    drafter: str = column("起草人", "拟稿人", "拟稿", description="起草文件的人", required=True, width=8)
    reviewer: str | None = column("审核人", "核稿人", "核稿", description="审核人（不能是起草人）", width=8)
    approver: str | None = column("批准人", "签发人", "签发", description="批准签发的人（不能是起草人）", width=8)
    issued_on: dt.date | None = _date("发文日期", "印发日期", "签发日期", description="发出文件的日期")
    distribution: str | None = column(
        "分发范围", "主送", "发送范围", "主送抄送", description="主送、抄送的单位或部门", width=20
    )
    copies: float | None = column("份数", "印数", "印发份数", description="印发的份数", gt=0, width=6)
    secrecy: str | None = column("密级", description="公开、内部、秘密、机密、绝密", **SECRECY)
    registered_at: dt.datetime | None = _registered("『发文编号』编号的时间（文件登记及时率据此计算）")


class ArchiveRow(LedgerRow):
    """档案目录 one archived document."""

    archive_no: str = column("档号", "档案号", "档案编号", description="档案的唯一编号", required=True, width=14)
    title: str = column("标题", "题名", "文件标题", "案卷题名", description="档案的标题", required=True, width=28)
    category: str | None = column("类别", "分类", "档案类别", description="如 合同、文书、财务", width=8)
    year: float | None = column("年度", "归档年度", description="归档年度，如 2026", width=6)
    retention: str = column(
        "保管期限",
        "保存期限",
        description="1年、3年、10年、30年或永久",
        required=True,
        choices="retention_periods",
        width=8,
    )
    location: str | None = column("存放位置", "位置", "柜号", description="柜-盒，如 A1-03", width=10)
    secrecy: str | None = column("密级", description="公开、内部、秘密、机密、绝密", **SECRECY)
    file_path: str | None = column(
        "电子文件", "电子文件路径", "文件路径", description="电子文件的路径（相对路径从工作簿所在文件夹算起）", width=30
    )
    sha256: str | None = column(
        "SHA-256", "校验值", "哈希值", description="归档时电子文件的 SHA-256；之后文件被改动能被发现", width=20
    )
    legal_hold: str | None = column(
        "法律冻结",
        "诉讼保留",
        "冻结",
        description="因诉讼、审计等须保留时写明原因；有内容（「否」「无」除外）的不能销毁",
        width=12,
    )
    status: str | None = column(
        "状态", "档案状态", description="在库、借出、已销毁（销毁后行保留，作为销毁记录）", width=8
    )


class LoanRow(LedgerRow):
    """借阅登记 one loan of an archived document."""

    borrower: str = column("申请人", "借阅人", description="借阅档案的人（须在『人员』名单中）", required=True, width=8)
    department: str | None = column("部门", "借阅部门", description="借阅人的部门（空 = 按『人员』）", width=12)
    archive_no: str = column("档号", "档案号", "档案编号", description="借阅的档案", required=True, width=14)
    lent_on: dt.date = _date("借出日期", "借阅日期", description="借出的日期", required=True)
    due_on: dt.date | None = _date("应还日期", "归还期限", description="应归还的日期（空 = 借出日期 + 借阅天数）")
    approver: str | None = column("审批人", "批准人", description="借阅人的部门负责人", width=8)
    second_approver: str | None = column(
        "二次审批人", "保密审批人", description="借阅有密级的档案时的第二位审批人", width=8
    )
    returned_on: dt.date | None = _date("归还日期", "实际归还日期", description="实际归还的日期")
    status: str | None = column("状态", "借阅状态", description="借出、已归还", width=8)


class DestructionRow(LedgerRow):
    """销毁清单 one document past its retention: approvals, then who destroyed it, when, how, before whom."""

    archive_no: str = column("档号", "档案号", "档案编号", description="档案目录中的档号", required=True, width=14)
    title: str | None = column("标题", "题名", "文件标题", description="档案的标题", width=28)
    retention: str | None = column("保管期限", "保存期限", description="档案的保管期限", width=8)
    expired_on: dt.date | None = _date("到期日期", "保管到期", description="保管期限届满的日期（年度末 + 保管年数）")
    appraiser: str | None = column("鉴定人", "鉴定", description="鉴定档案已无保存价值的人", width=8)
    approver: str | None = column("批准人", "审批人", description="批准销毁的负责人", width=8)
    approved_on: dt.date | None = _date("批准日期", "审批日期", description="批准销毁的日期")
    destroyed_on: dt.date | None = _date("销毁日期", "销毁时间", description="实际销毁的日期")
    destroyer: str | None = column("销毁人", "执行人", description="执行销毁的人", width=8)
    witnesses: str | None = column(
        "监销人", "监督人", "见证人", description="监督销毁的人（至少一人，不能是销毁人）", width=12
    )
    method: str | None = column(
        "销毁方式", "方式", description="粉碎、焚毁、化浆、删除电子文件", choices="destruction_methods", width=10
    )
    status: str | None = column("状态", description="待审批、已批准、已销毁（『销毁登记』填写）", width=8)
