"""The intake corpus as the spec: every message read with no wrong value, every expected question asked.

tests/data/intake/corpus.toml (70 messages) and holdout.toml (25 messages written after the parser,
see benchmarks/README.md) hold hand-written expectations. A field may stay empty where the expectation
has a value (a miss: counted against recall), never hold a different value, never hold a value
where the expectation is empty.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from functools import cache
from typing import Any

import pytest

from tests.intake_corpus import DATA, Score, messages, read, score


@cache
def holdout() -> list[dict[str, Any]]:
    return tomllib.loads((DATA / "holdout.toml").read_text(encoding="utf-8"))["message"]


ALL = [pytest.param(m, id=m["id"]) for m in [*messages(), *holdout()]]


@pytest.mark.parametrize("message", ALL)
def test_no_wrong_value(message: dict[str, Any]) -> None:
    s = score(message, read(message))
    assert s.wrong_fields == []


@pytest.mark.parametrize("message", ALL)
def test_every_expected_question_is_asked(message: dict[str, Any]) -> None:
    s = score(message, read(message))
    assert s.missing_questions == []


@pytest.mark.parametrize("message", ALL)
def test_no_field_left_empty_in_silence(message: dict[str, Any]) -> None:
    s = score(message, read(message))
    assert s.silent_gaps == []


def _total(corpus: list[dict[str, Any]]) -> Score:
    total = Score()
    for m in corpus:
        total.add(score(m, read(m)))
    return total


@pytest.mark.parametrize(("corpus", "recall"), [(messages, 0.85), (holdout, 0.85)], ids=["corpus", "holdout"])
def test_precision_and_recall_floor(corpus: Any, recall: float) -> None:
    total = _total(corpus())
    assert total.precision >= 0.95, total.wrong_fields
    assert total.recall >= recall, total.missed_fields


def test_corpus_covers_the_brief() -> None:
    """At least 60 messages of every kind the brief names, each with hand-written expectations."""
    corpus = messages()
    assert len(corpus) >= 60
    assert len({m["id"] for m in corpus}) == len(corpus)
    channels = Counter(m["channel"] for m in corpus)
    assert channels["邮件"] >= 10 and channels["微信"] >= 30 and channels["传真"] >= 6 and channels["短信"] >= 2
    assert sum("eml" in m for m in corpus) >= 6
    kinds = Counter(m["expect"]["kind"] for m in corpus)
    assert kinds["cancel"] >= 5 and kinds["change"] >= 6
    lines = [line for m in corpus for line in m["expect"].get("lines", [])]
    assert sum(len(m["expect"].get("lines", [])) >= 2 for m in corpus) >= 25  # several products in one message
    assert sum("candidates" in line for line in lines) >= 5  # ambiguous products
    questions = Counter(q for m in corpus for q in m["expect"].get("questions", []))
    questions += Counter(q for line in lines for q in line.get("questions", []))
    assert questions["DATE_MISSING"] + questions["DATE_ASAP"] + questions["DATE_UNCLEAR"] >= 6  # no date
    assert {"CUSTOMER_UNKNOWN", "CUSTOMER_AMBIGUOUS", "PRODUCT_UNKNOWN", "UNIT_UNKNOWN", "AMOUNT_MISMATCH"} <= set(
        questions
    )
    full_width = sum(any("\uff10" <= c <= "\uff19" for c in m.get("text", "")) for m in corpus)
    assert full_width >= 1


def test_every_question_code_is_documented() -> None:
    """docs/intake.md has a row, with a Chinese example, for every question code (and no other)."""
    from neiqin.core.intake import Ask

    doc = (DATA.parent.parent.parent / "docs" / "intake.md").read_text(encoding="utf-8")
    table = doc[doc.index("## Questions") : doc.index("## Known limits")]
    rows = {
        line.split("|")[1].strip(): line.split("|")[3].strip() for line in table.splitlines() if line.startswith("| ")
    }
    rows.pop("code")
    assert set(rows) == {a.value for a in Ask}
    assert all(any("\u4e00" <= c <= "\u9fff" for c in example) for example in rows.values())
