"""The stock replay as properties: whatever the movements, stock never goes below zero and adds up."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from validators.supplies.stock import Item, Move, replay

DAY0 = dt.date(2026, 1, 1)
ITEMS = {"a": Item("A", "甲", ref_price=10.0), "b": Item("B", "乙", ref_price=3.0)}

moves_st = st.lists(
    st.builds(
        lambda day, item, kind, quantity, price, row: Move(
            DAY0 + dt.timedelta(days=day),
            item,
            quantity if kind != "out" else -quantity,
            kind,
            price if kind == "in" else None,
            row,
        ),
        st.integers(0, 60),
        st.sampled_from(["a", "b"]),
        st.sampled_from(["in", "out", "out", "adjust"]),
        st.integers(0, 50).map(float),
        st.one_of(st.none(), st.floats(0.5, 100)),
        st.integers(2, 10_000),
    ),
    max_size=60,
)


def ordered(moves: list[Move]) -> list[Move]:
    return sorted(moves, key=lambda m: (m.date, {"in": 0, "out": 1, "adjust": 2}[m.kind], m.row))


@given(moves_st)
def test_issues_never_take_stock_below_zero_and_the_rest_adds_up(moves: list[Move]) -> None:
    moves = [m for m in moves if not (m.kind == "adjust" and m.quantity < 0)]  # a count never goes below zero
    result = replay(ordered(moves), ITEMS)
    for step in result.steps:
        if step.move.kind == "out":
            assert (step.after >= -1e-9) and (step.refused == (step.before + step.move.quantity < -1e-9))
    for item in ("a", "b"):
        kept = sum(s.move.quantity for s in result.steps if s.move.item == item and not s.refused)
        assert abs(result.stock[item] - kept) < 1e-6


@given(moves_st)
def test_the_moving_average_stays_between_the_prices_paid(moves: list[Move]) -> None:
    result = replay(ordered(moves), ITEMS)
    for item in ("a", "b"):
        prices = [ITEMS[item].ref_price] + [
            s.move.price
            for s in result.steps
            if s.move.item == item and s.move.kind == "in" and s.move.price is not None and s.move.quantity > 0
        ]
        if item in result.average:
            assert min(prices) - 1e-6 <= result.average[item] <= max(prices) + 1e-6
