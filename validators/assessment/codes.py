"""Issue codes of 考核表 and 培训记录: stable, documented in docs/issue-codes.md."""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.issues import CodeInfo


class AssessmentCode(StrEnum):
    """考核表"""

    ASM_PEER_SELF = "ASM-001"
    ASM_SELF_BY_OTHER = "ASM-002"
    ASM_TWICE = "ASM-003"
    ASM_MISSING = "ASM-004"
    ASM_WEIGHTS = "ASM-005"
    ASM_UNKNOWN_PERSON = "ASM-006"
    ASM_OUT_OF_RANGE = "ASM-007"


CODES: dict[AssessmentCode, CodeInfo] = {
    AssessmentCode.ASM_PEER_SELF: CodeInfo(
        "error",
        "同事评价评了自己",
        "{person} 的同事评价由本人填写；同事评价须由其他同事填写，请删除这一行或改为「自评」",
    ),
    AssessmentCode.ASM_SELF_BY_OTHER: CodeInfo(
        "error", "自评不是本人填写", "{person} 的自评由 {rater} 填写；自评须由本人填写，请改正评价人或评价类型"
    ),
    AssessmentCode.ASM_TWICE: CodeInfo(
        "error",
        "重复评价",
        "{rater} 对 {person} 的 {month}「{kind}」已在第 {other} 行填写；每人每月每类只评一次，请删除多余的一行",
    ),
    AssessmentCode.ASM_MISSING: CodeInfo(
        "error",
        "缺少评分",
        "{person} 的 {month} 考核缺少：{missing}；请补填后再点『月度考核』（缺项的人不计算综合得分）",
    ),
    AssessmentCode.ASM_WEIGHTS: CodeInfo(
        "error",
        "权重之和不是 100%",
        "『设置』中四项权重（指标得分 {kpi}、自评 {own}、上级评价 {supervisor}、同事评价 {peer}）之和是 {total}%；"
        "请调整为合计 100%",
    ),
    AssessmentCode.ASM_UNKNOWN_PERSON: CodeInfo(
        "warning", "人员名单中没有此人", "「{name}」不在『人员』中；请核对姓名（考核按『人员』的姓名对应）"
    ),
    AssessmentCode.ASM_OUT_OF_RANGE: CodeInfo(
        "error", "分数超出范围", "分数 {value} 不在 0–100 之间；请按百分制填写（不计入考核）"
    ),
}
