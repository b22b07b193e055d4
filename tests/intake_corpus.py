"""The intake corpus (tests/data/intake) and its field-level scoring, shared by the tests and the benchmark.

Scoring, field by field (customer, kind, order numbers, POs, the message's delivery date for changes
and cancellations, and per line: product, candidates, quantity, unit, price, delivery, action):

- expected value and the same value read: correct;
- expected value and nothing read: missed (costs recall only);
- a value read that differs from the expected one, or a value where the expected field is empty:
  wrong (costs precision — a wrong value is worse than an empty one).

precision = correct / (correct + wrong); recall = correct / expected values. Lines are aligned in
message order, maximising the fields that agree (a missed line does not shift the others).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from neiqin.core.intake import Intake, IntakeLine, Reader, load_catalogue

DATA = Path(__file__).parent / "data" / "intake"
LINE_FIELDS = ("product", "candidates", "quantity", "unit", "price", "delivery", "action")


@dataclass
class Score:
    correct: int = 0
    wrong: int = 0
    missed: int = 0
    wrong_fields: list[str] = field(default_factory=list)
    missed_fields: list[str] = field(default_factory=list)
    missing_questions: list[str] = field(default_factory=list)
    extra_questions: list[str] = field(default_factory=list)
    silent_gaps: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.correct += other.correct
        self.wrong += other.wrong
        self.missed += other.missed
        self.wrong_fields += other.wrong_fields
        self.missed_fields += other.missed_fields
        self.missing_questions += other.missing_questions
        self.extra_questions += other.extra_questions
        self.silent_gaps += other.silent_gaps

    @property
    def precision(self) -> float:
        return self.correct / (self.correct + self.wrong) if self.correct + self.wrong else 1.0

    @property
    def recall(self) -> float:
        expected = self.correct + self.missed + sum(1 for f in self.wrong_fields if not f.endswith("(should be empty)"))
        return self.correct / expected if expected else 1.0


@cache
def reader() -> Reader:
    cat = load_catalogue(DATA / "catalogue.toml")
    return Reader(cat.customers, cat.products, cat.aliases)


@cache
def messages() -> list[dict[str, Any]]:
    return tomllib.loads((DATA / "corpus.toml").read_text(encoding="utf-8"))["message"]


def read(message: dict[str, Any], r: Reader | None = None) -> Intake:
    """Run the reader on one corpus message."""
    r = r or reader()
    if "eml" in message:
        return r.parse_eml((DATA / message["eml"]).read_bytes())
    return r.parse(message["text"], sent=message["sent"], customer_hint=message.get("hint"))


def _norm(value: Any) -> Any:
    if value is None or value == () or value == []:
        return None
    if isinstance(value, list | tuple):
        return tuple(sorted(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value)).normalize()
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _predicted_line(line: IntakeLine) -> dict[str, Any]:
    return {
        "product": line.product_code,
        "candidates": line.candidates,
        "quantity": line.quantity,
        "unit": line.unit,
        "price": line.price,
        "delivery": line.delivery,
        "action": line.action,
    }


def _expected_line(line: dict[str, Any], kind: str) -> dict[str, Any]:
    out = {f: line.get(f) for f in LINE_FIELDS}
    out["action"] = line.get("action", {"order": "order", "cancel": "cancel"}.get(kind))
    return out


def _compare(score: Score, where: str, expected: Any, predicted: Any) -> int:
    e, p = _norm(expected), _norm(predicted)
    if e is not None and p == e:
        score.correct += 1
        return 1
    if e is not None and p is None:
        score.missed += 1
        score.missed_fields.append(f"{where}={e}")
    elif e is not None:
        score.wrong += 1
        score.wrong_fields.append(f"{where}: expected {e}, read {p}")
    elif p is not None:
        score.wrong += 1
        score.wrong_fields.append(f"{where}: read {p} (should be empty)")
    return 0


def _agree(e: dict[str, Any], p: dict[str, Any]) -> int:
    return sum(1 for f in LINE_FIELDS if _norm(e[f]) is not None and _norm(e[f]) == _norm(p[f]))


def _align(expected: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> list[tuple[int | None, int | None]]:
    """Pairs (expected index, predicted index) in order, maximising agreeing fields (None: unpaired)."""
    n, m = len(expected), len(predicted)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            pair = _agree(expected[i], predicted[j])
            best[i][j] = max(best[i + 1][j], best[i][j + 1], best[i + 1][j + 1] + pair if pair else -1)
    out: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        pair = _agree(expected[i], predicted[j])
        if pair and best[i][j] == best[i + 1][j + 1] + pair:
            out.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            out.append((i, None))
            i += 1
        else:
            out.append((None, j))
            j += 1
    out += [(k, None) for k in range(i, n)] + [(None, k) for k in range(j, m)]
    return out


def score(message: dict[str, Any], intake: Intake) -> Score:
    """Field-level score of one message's reading against its hand-written expectation."""
    s = Score()
    exp = message["expect"]
    kind = exp["kind"]
    mid = message["id"]
    _compare(s, f"{mid} customer", exp.get("customer"), intake.customer.code if intake.customer else None)
    _compare(s, f"{mid} kind", kind, intake.kind)
    _compare(s, f"{mid} order_ids", exp.get("order_ids"), intake.order_ids)
    _compare(s, f"{mid} pos", exp.get("pos"), intake.pos)
    if kind != "order":
        _compare(s, f"{mid} delivery", exp.get("delivery"), intake.delivery)
    expected = [_expected_line(line, kind) for line in exp.get("lines", [])]
    predicted = [_predicted_line(line) for line in intake.lines]
    want = {f"message:{q}" for q in exp.get("questions", [])}
    got = {f"message:{q.code}" for q in intake.questions}
    for ei, pi in _align(expected, predicted):
        where = f"{mid} line {ei + 1 if ei is not None else '-'}/{pi + 1 if pi is not None else '-'}"
        e = expected[ei] if ei is not None else dict.fromkeys(LINE_FIELDS)
        p = predicted[pi] if pi is not None else dict.fromkeys(LINE_FIELDS)
        for f in LINE_FIELDS:
            if f == "candidates" and e["product"] is not None and p["product"] is None and e["product"] in (p[f] or ()):
                continue  # left ambiguous among candidates that include the right one: a miss, not a wrong value
            _compare(s, f"{where} {f}", e[f], p[f])
        if ei is not None:
            want |= {f"line{ei + 1}:{q}" for q in exp["lines"][ei].get("questions", [])}
        if pi is not None:
            line = intake.lines[pi]
            got |= {f"line{(ei if ei is not None else pi) + 1}:{q.code}" for q in line.questions}
            s.silent_gaps += _silent_gaps(f"{mid} line {pi + 1}", line, intake)
    s.missing_questions = sorted(f"{mid} {q}" for q in want - got)
    s.extra_questions = sorted(f"{mid} {q}" for q in got - want)
    return s


def _silent_gaps(where: str, line: IntakeLine, intake: Intake) -> list[str]:
    """Fields of a draft order line left empty without any question saying why."""
    if intake.kind != "order":
        return []
    asked = {q.field for q in line.questions} | {q.field for q in intake.questions}
    gaps = []
    if line.product_code is None and "product" not in asked:
        gaps.append(f"{where}: product empty, no question")
    if line.quantity is None and not asked & {"product", "quantity"}:
        gaps.append(f"{where}: quantity empty, no question")
    if line.delivery is None and "delivery" not in asked:
        gaps.append(f"{where}: delivery empty, no question")
    return gaps


def score_all(r: Reader | None = None) -> Score:
    total = Score()
    for message in messages():
        total.add(score(message, read(message, r)))
    return total
