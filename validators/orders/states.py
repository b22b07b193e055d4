"""The status machine of an order line (regulation 三.1: 接单 → 录入 → 下达 → 跟踪 → 发货).

待确认 → 已确认 → 已下达 → 生产中 / 采购中 → 已发货 → 已完成, one step at a time
(生产中 / 采购中 may be skipped: a short job ships before anyone reports progress);
any open line may be cancelled or paused; a paused line resumes where it stopped.
The labels are the company's (setting 订单状态选项, one per state in this order).
"""

from __future__ import annotations

from enum import StrEnum

from neiqin.core.config import Settings
from neiqin.core.kit import StatusMachine


class OrderStatus(StrEnum):
    """The states of an order line; the values are the default labels."""

    PENDING = "待确认"
    CONFIRMED = "已确认"
    DISPATCHED = "已下达"
    IN_PRODUCTION = "生产中"
    IN_PURCHASE = "采购中"
    SHIPPED = "已发货"
    DONE = "已完成"
    CANCELLED = "已取消"
    PAUSED = "暂停"


S = OrderStatus
_STOP = frozenset({S.CANCELLED, S.PAUSED})  # what any open line may do
TRANSITIONS: dict[OrderStatus | None, frozenset[OrderStatus]] = {
    None: frozenset(S),  # a line NeiQin has not seen yet may be in any state
    S.PENDING: frozenset({S.CONFIRMED}) | _STOP,
    S.CONFIRMED: frozenset({S.DISPATCHED}) | _STOP,
    S.DISPATCHED: frozenset({S.IN_PRODUCTION, S.IN_PURCHASE, S.SHIPPED}) | _STOP,
    S.IN_PRODUCTION: frozenset({S.IN_PURCHASE, S.SHIPPED}) | _STOP,
    S.IN_PURCHASE: frozenset({S.IN_PRODUCTION, S.SHIPPED}) | _STOP,
    S.SHIPPED: frozenset({S.DONE}) | _STOP,
    S.DONE: frozenset(),
    S.CANCELLED: frozenset(),
    S.PAUSED: frozenset({S.CANCELLED}),  # and back to where it stopped (see transition_problem)
}
MACHINE = StatusMachine(OrderStatus, TRANSITIONS, labels="order_statuses")

# a line in one of these states needs no more work from production, purchasing or the clerk
CLOSED = (S.SHIPPED, S.DONE, S.CANCELLED)
# the steps of the path, for messages (生产中 and 采购中 are one step)
_PATH = [(S.PENDING,), (S.CONFIRMED,), (S.DISPATCHED,), (S.IN_PRODUCTION, S.IN_PURCHASE), (S.SHIPPED,), (S.DONE,)]
_RANK = {state: i for i, step in enumerate(_PATH) for state in step}


def transition_problem(
    old: OrderStatus, new: OrderStatus, before_pause: OrderStatus | None = None, settings: Settings | None = None
) -> str | None:
    """Why going from ``old`` to ``new`` breaks the status machine (Chinese), or None when it is fine."""
    if new == old:
        return None
    if old == S.PAUSED and new != S.CANCELLED:
        old = before_pause or S.PENDING  # a paused line resumes where it stopped
        if new == old:
            return None
    if MACHINE.allowed(old, new):
        return None
    label = MACHINE.label_map(settings)
    if new == S.CANCELLED:
        return f"{label[S.DONE]}的订单行不能再取消"
    if new == S.PAUSED:
        return f"『{label[old]}』的订单行不能暂停"
    if old == S.CANCELLED:
        return f"{label[S.CANCELLED]}的订单行不能恢复，请新开一行"
    if old not in _RANK or new not in _RANK:
        return None
    if _RANK[new] < _RANK[old]:
        return "状态倒退"
    skipped = ["/".join(label[s] for s in step) for step in _PATH[_RANK[old] + 1 : _RANK[new]]]
    return "跳过了" + "、".join(f"『{s}』" for s in skipped)


def path_text(settings: Settings | None = None) -> str:
    """待确认→已确认→…→已完成 in the company's labels."""
    label = MACHINE.label_map(settings)
    return "→".join("/".join(label[s] for s in step) for step in _PATH)
