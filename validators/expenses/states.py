"""Where an expense claim is (regulation 三.7): 报销人 → 部门负责人 → 内勤初审 → 财务终审 → 付款.

The stages are the company's labels (setting 报销状态选项, one per stage in this order);
the store records the canonical stage of each claim (the enum value).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from neiqin.core.config import Settings
from neiqin.core.kit import StatusMachine


class ClaimStage(StrEnum):
    """The stages of a claim; the values are the default labels."""

    AWAITING_APPROVAL = "待部门审批"
    AWAITING_PREREVIEW = "待初审"
    PREREVIEWED = "初审通过"
    RETURNED = "初审退回"
    HANDED_OVER = "已交财务"
    FINANCE_APPROVED = "财务已审核"
    FINANCE_RETURNED = "财务退回"
    PAID = "已支付"


C = ClaimStage
TRANSITIONS: dict[ClaimStage | None, frozenset[ClaimStage]] = {
    None: frozenset({C.AWAITING_APPROVAL, C.AWAITING_PREREVIEW, C.PREREVIEWED, C.RETURNED}),
    C.AWAITING_APPROVAL: frozenset({C.AWAITING_PREREVIEW, C.PREREVIEWED, C.RETURNED}),
    C.AWAITING_PREREVIEW: frozenset({C.PREREVIEWED, C.RETURNED}),
    C.RETURNED: frozenset({C.AWAITING_PREREVIEW, C.PREREVIEWED, C.RETURNED}),
    C.PREREVIEWED: frozenset({C.HANDED_OVER, C.RETURNED}),
    C.HANDED_OVER: frozenset({C.FINANCE_APPROVED, C.FINANCE_RETURNED, C.PAID}),
    C.FINANCE_APPROVED: frozenset({C.PAID, C.FINANCE_RETURNED}),
    C.FINANCE_RETURNED: frozenset({C.AWAITING_PREREVIEW, C.PREREVIEWED, C.RETURNED}),
    C.PAID: frozenset(),
}
MACHINE = StatusMachine(ClaimStage, TRANSITIONS, labels="claim_statuses")

# a claim in one of these stages is with finance or finished: its 报销单号 and invoices are closed
CLOSED = frozenset({C.HANDED_OVER, C.FINANCE_APPROVED, C.PAID})
# waiting for the claimant or a pre-review
PENDING = frozenset({C.AWAITING_APPROVAL, C.AWAITING_PREREVIEW, C.RETURNED, C.FINANCE_RETURNED})
FINANCE_RESULTS = frozenset({C.FINANCE_APPROVED, C.FINANCE_RETURNED, C.PAID})
# the stages whose spending counts towards the claimant's 每月 limits
COUNTED = frozenset({C.PREREVIEWED}) | CLOSED

_WHY = {
    C.HANDED_OVER: "已交财务的报销单由财务审核，内勤不能再初审或退回",
    C.FINANCE_APPROVED: "财务已审核，只能付款或财务退回",
    C.PAID: "已支付的报销单已经办结",
}


def stage(value: Any, settings: Settings | None = None) -> ClaimStage | None:
    """The stage a 状态 cell (or a stage the store recorded) stands for; None when empty or unknown."""
    return MACHINE.state(value, settings)


def transition(old: ClaimStage | None, new: ClaimStage) -> str | None:
    """None when a claim may go from ``old`` to ``new``; else why not (Chinese)."""
    if MACHINE.allowed(old, new) and not (old is None and new in FINANCE_RESULTS):
        return None
    if new == C.HANDED_OVER:
        return "只有初审通过的报销单才能交财务"
    if old in _WHY:
        return _WHY[old]
    if new in FINANCE_RESULTS:
        return "报销单还没有交财务"
    return "不能跳过或倒退环节"


def change_problem(old: Any, new: ClaimStage, settings: Settings | None = None) -> str | None:
    """Why a claim whose 状态 reads ``old`` (a label, or None) cannot become ``new``; None when it can."""
    current = stage(old, settings)
    if current is None and old is not None and str(old).strip():
        return f"『{old}』不是报销状态"
    return transition(current, new)
