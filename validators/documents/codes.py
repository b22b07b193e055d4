"""Issue codes of the document registers (收文登记, 发文登记, 档案目录, 借阅登记): stable, documented in
docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class DocCode(StrEnum):
    """文件档案"""

    DOC_BAD_NUMBER = "DOC-001"
    DOC_DUPLICATE_NUMBER = "DOC-002"
    DOC_NUMBER_GAP = "DOC-003"
    DOC_NOT_APPROVED = "DOC-004"
    DOC_SELF_APPROVED = "DOC-005"
    DOC_NO_DISTRIBUTION = "DOC-006"
    DOC_READING_OVERDUE = "RCV-001"
    DOC_YEAR_MISMATCH = "DOC-007"
    DOC_LOAN_NOT_BY_HEAD = "LON-001"
    DOC_LOAN_OVERDUE = "LON-002"
    DOC_SECRET_ONE_APPROVAL = "LON-003"
    DOC_FILE_MISSING = "FIL-001"
    DOC_FILE_CHANGED = "FIL-002"
    DOC_UNKNOWN_ARCHIVE_NO = "LON-004"
    DOC_LENT_DESTROYED = "LON-005"
    DOC_UNKNOWN_PERSON = "LON-006"
    DOC_BAD_LOCATION = "FIL-003"
    DOC_SAME_DOCUMENT_TWICE = "RCV-002"
    DOC_DESTRUCTION_INCOMPLETE = "DES-001"
    DOC_NOT_DESTROYABLE = "DES-002"
    DOC_NOT_IN_INDEX = "DES-003"


CODES: dict[DocCode, CodeInfo] = {
    DocCode.DOC_BAD_NUMBER: CodeInfo(
        "error",
        "编号无法识别",
        "「{number}」不是可识别的文件编号；请按「机关代字〔年份〕序号号」填写，如 销字〔2026〕012号",
    ),
    DocCode.DOC_DUPLICATE_NUMBER: CodeInfo(
        "error",
        "编号重复",
        "{series} 第 {seq} 号已在第 {other} 行使用；一个编号只能用一次，请改用下一个编号",
    ),
    DocCode.DOC_NUMBER_GAP: CodeInfo(
        "warning",
        "编号不连续",
        "{series} 缺少第 {missing} 号；编号须连续，请补登缺号的文件（作废的编号也登记一行并注明作废）",
    ),
    DocCode.DOC_NOT_APPROVED: CodeInfo(
        "error",
        "未经审批即编号",
        "《{title}》已编发文字号，但没有填写{missing}；内部发文须经审核人、批准人签批后才能编号，请补齐签批",
    ),
    DocCode.DOC_SELF_APPROVED: CodeInfo(
        "error",
        "起草人自行审批",
        "{role}『{name}』就是起草人；内部发文须由起草人以外的人审核、批准，请改由他人签批",
    ),
    DocCode.DOC_NO_DISTRIBUTION: CodeInfo(
        "warning",
        "未登记分发",
        "《{title}》没有填写{what}；请登记文件分发给了哪些部门或人员",
    ),
    DocCode.DOC_READING_OVERDUE: CodeInfo(
        "warning",
        "阅办逾期",
        "《{title}》办结期限 {due}，已超过 {days} 天仍未办结；请催办 {who}，办结后填写办结日期",
    ),
    DocCode.DOC_YEAR_MISMATCH: CodeInfo(
        "warning",
        "编号年份不符",
        "编号中的年份 {year} 与{date_label} {date} 不在同一年；请核对编号或日期",
    ),
    DocCode.DOC_LOAN_NOT_BY_HEAD: CodeInfo(
        "error",
        "借阅未经部门负责人审批",
        "借阅人『{borrower}』属{department}，借阅须由部门负责人『{head}』审批，登记的审批人是『{approver}』；请由部门负责人审批后再借出",
    ),
    DocCode.DOC_LOAN_OVERDUE: CodeInfo(
        "warning",
        "借阅逾期未还",
        "档案 {archive_no} 应于 {due} 归还，已逾期 {days} 天；请催『{borrower}』归还，归还后填写归还日期",
    ),
    DocCode.DOC_SECRET_ONE_APPROVAL: CodeInfo(
        "error",
        "密级文件缺二次审批",
        "档案 {archive_no} 密级为{secrecy}，借阅须另有一人二次审批；请在「二次审批人」填写借阅人和审批人以外的人",
    ),
    DocCode.DOC_FILE_MISSING: CodeInfo(
        "error",
        "电子文件不存在",
        "档案 {archive_no} 的电子文件「{path}」找不到；请把文件放回原处，或更正路径",
    ),
    DocCode.DOC_FILE_CHANGED: CodeInfo(
        "error",
        "电子文件被改动",
        "档案 {archive_no} 的电子文件「{path}」与登记的 SHA-256 不符（归档后被改动或替换）；请从备份恢复原件",
    ),
    DocCode.DOC_UNKNOWN_ARCHIVE_NO: CodeInfo(
        "warning",
        "档号不在档案目录",
        "档号 {archive_no} 不在『档案目录』中；请核对档号",
    ),
    DocCode.DOC_LENT_DESTROYED: CodeInfo(
        "error",
        "借阅的档案已销毁",
        "档号 {archive_no} 在档案目录中的状态是「{status}」，不能借出；请核对档号",
    ),
    DocCode.DOC_UNKNOWN_PERSON: CodeInfo(
        "warning",
        "人员不在名单",
        "『{name}』不在『人员』名单中（或没有部门），无法确定其部门负责人；请先在『人员』登记",
    ),
    DocCode.DOC_BAD_LOCATION: CodeInfo(
        "warning",
        "存放位置格式不对",
        "存放位置「{location}」不是「柜-盒」的写法（如 A1-03）；请按 柜号-盒号 填写，便于查找",
    ),
    DocCode.DOC_SAME_DOCUMENT_TWICE: CodeInfo(
        "warning",
        "同一来文登记两次",
        "来自{sender}的文号 {number} 已在第 {other} 行登记；同一份来文只登记一次，请删去重复的一行",
    ),
    DocCode.DOC_DESTRUCTION_INCOMPLETE: CodeInfo(
        "error",
        "销毁登记不全",
        "档案 {archive_no} 登记了销毁日期，但{missing}；销毁须经批准，请补记批准人、销毁人、监销人和销毁方式",
    ),
    DocCode.DOC_NOT_DESTROYABLE: CodeInfo(
        "error",
        "档案不能销毁",
        "档案 {archive_no} {why}，不能列入销毁清单；请从清单中删去这一行",
    ),
    DocCode.DOC_NOT_IN_INDEX: CodeInfo(
        "warning",
        "档号不在档案目录",
        "销毁清单中的档号 {archive_no} 不在『档案目录』中；请核对档号，销毁的档案须在档案目录中保留一行",
    ),
}


def _of(*codes: DocCode) -> dict[DocCode, CodeInfo]:
    return {code: CODES[code] for code in codes}


# Each code is documented under one register; the numbering and distribution codes serve 收文登记 too.
OUTGOING_CODES = _of(
    DocCode.DOC_BAD_NUMBER,
    DocCode.DOC_DUPLICATE_NUMBER,
    DocCode.DOC_NUMBER_GAP,
    DocCode.DOC_NOT_APPROVED,
    DocCode.DOC_SELF_APPROVED,
    DocCode.DOC_NO_DISTRIBUTION,
    DocCode.DOC_YEAR_MISMATCH,
)
INCOMING_CODES = _of(DocCode.DOC_READING_OVERDUE, DocCode.DOC_SAME_DOCUMENT_TWICE)
ARCHIVE_CODES = _of(DocCode.DOC_FILE_MISSING, DocCode.DOC_FILE_CHANGED, DocCode.DOC_BAD_LOCATION)
LOAN_CODES = _of(
    DocCode.DOC_LOAN_NOT_BY_HEAD,
    DocCode.DOC_LOAN_OVERDUE,
    DocCode.DOC_SECRET_ONE_APPROVAL,
    DocCode.DOC_UNKNOWN_ARCHIVE_NO,
    DocCode.DOC_LENT_DESTROYED,
    DocCode.DOC_UNKNOWN_PERSON,
)
DESTRUCTION_CODES = _of(DocCode.DOC_DESTRUCTION_INCOMPLETE, DocCode.DOC_NOT_DESTROYABLE, DocCode.DOC_NOT_IN_INDEX)
assert len(OUTGOING_CODES) + len(DESTRUCTION_CODES) + len(INCOMING_CODES) + len(ARCHIVE_CODES) + len(LOAN_CODES) == len(
    CODES
)
