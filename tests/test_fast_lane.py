"""The fast lane: tests measured slow are marked ``slow`` from tests/slow_tests.txt (see tests/slow_tests.py)."""

from __future__ import annotations

import pytest

from . import conftest
from .slow_tests import measured, slow_ids

SEASONALITY = "tests/test_demo.py::test_demo_seasonality"


@pytest.mark.parametrize(
    ("line", "seconds", "expected"),
    [
        (f"2.50s call     {SEASONALITY}", 1.0, [SEASONALITY]),
        ("2.50s setup    tests/test_x.py::test_y[a b-1]", 1.0, ["tests/test_x.py::test_y[a b-1]"]),
        (f"0.50s call     {SEASONALITY}", 1.0, []),
        (f"2.50s teardown {SEASONALITY}", 1.0, []),
        ("(3 durations < 0.005s hidden.  Use -vv to show these durations.)", 0.0, []),
    ],
)
def test_the_list_is_read_from_a_durations_report(line: str, seconds: float, expected: list[str]) -> None:
    assert measured([line], seconds) == expected


def test_the_list_holds_node_ids_of_the_suite() -> None:
    listed = slow_ids()
    assert "tests/test_demo.py::test_demo_is_deterministic_for_a_seed" in listed
    assert all(line.startswith("tests/test_") and "::" in line for line in listed)


def test_a_listed_test_is_marked_slow_at_collection(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = request.node
    assert item.get_closest_marker("slow") is None  # not listed: in the fast lane
    monkeypatch.setattr(conftest, "SLOW", frozenset({item.nodeid}))
    conftest.pytest_collection_modifyitems(request.config, [item])
    assert item.get_closest_marker("slow") is not None
