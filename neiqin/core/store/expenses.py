"""费用报销: the invoice registry (cross-claim duplicates), claim stages, and sealed forms.

"Only once" is the database's job here: an invoice is held by one claim at a time (a unique
index over unreleased reservations), a claim has one stage row (its primary key), a sealed
copy (claim, digest) is recorded once and numbered in the order of submission.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
    select,
    update,
)

from neiqin.core.money import same_amount  # one definition of "the same amount" (re-exported)

from .base import chunks, metadata
from .upsert import insert_ignoring, insert_statement, upsert

# a claim in one of these stages is with finance or finished: its 报销单号 and invoices are closed
CLOSED_STAGES = ("已交财务", "财务已审核", "已支付")
SUBMITTED = "已交财务"
PREREVIEWED = "初审通过"

# every invoice of a claim that passed pre-review, until the claim is returned
invoice_registry = Table(
    "invoice_registry",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("invoice_key", String(64), nullable=False, index=True),  # 代码-号码, or the 20-digit 数电 number
    Column("claim_id", String(64), nullable=False, index=True),
    Column("amount", Float, nullable=True),
    Column("invoice_date", DateTime, nullable=True),
    Column("reserved_at", DateTime, nullable=False),
    Column("released_at", DateTime, nullable=True),  # set when the claim is returned
    Column("user", String(120), nullable=False, default=""),
    Column("workbook", String(1000), nullable=False, default=""),
)
# one claim at a time holds an invoice: the loser of a race gets a unique violation, not a second reservation
Index(
    "uq_invoice_registry_open",
    invoice_registry.c.invoice_key,
    unique=True,
    sqlite_where=invoice_registry.c.released_at.is_(None),
    postgresql_where=invoice_registry.c.released_at.is_(None),
)

sealed_forms = Table(
    "sealed_forms",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_id", String(64), nullable=False, index=True),
    Column("sealed_at", DateTime, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("file", String(1000), nullable=False),
    Column("user", String(120), nullable=False, default=""),
    Column("submission", Integer, nullable=False),  # 1, 2 … : the claim's n-th submission to finance
    Index("uq_sealed_forms_claim_digest", "claim_id", "digest", unique=True),
    Index("uq_sealed_forms_claim_submission", "claim_id", "submission", unique=True),
)

# where each claim (报销单号) is, and what its pre-review saw (claimant, total, invoices)
expense_claims = Table(
    "expense_claims",
    metadata,
    Column("claim_id", String(64), primary_key=True),
    Column("stage", String(16), nullable=False),  # 初审通过 / 初审退回 / 已交财务 / 财务已审核 / 财务退回 / 已支付
    Column("claimant", String(120), nullable=False, default=""),
    Column("total", Float, nullable=True),
    Column("fingerprint", String(64), nullable=False, default=""),  # expenses.claim_fingerprint at pre-review
    Column("months", Text, nullable=False, default="{}"),  # JSON {"费用类别|YYYY-MM": amount} for 每月 limits
    Column("prereviewed_at", DateTime, nullable=True),
    Column("prereviewer", String(120), nullable=False, default=""),
    Column("updated_at", DateTime, nullable=False),
    Column("workbook", String(1000), nullable=False, default=""),
)

TABLES = (invoice_registry, sealed_forms, expense_claims)


def _held(conn: Connection, keys: list[str]) -> list[Any]:
    """Unreleased reservations of ``keys`` (locked on PostgreSQL until the transaction ends)."""
    rows: list[Any] = []
    for part in chunks(sorted(set(keys))):
        query = (
            select(invoice_registry)
            .where(invoice_registry.c.invoice_key.in_(part), invoice_registry.c.released_at.is_(None))
            .order_by(invoice_registry.c.id)
            .with_for_update()
        )
        rows.extend(conn.execute(query))
    return sorted(rows, key=lambda r: r.id)


def claimed_invoices(conn: Connection, keys: list[str]) -> dict[str, dict[str, Any]]:
    """Reserved (not released) invoices among ``keys``: key -> {claim_id, reserved_at, …}."""
    found: dict[str, dict[str, Any]] = {}
    rows: list[Any] = []
    for part in chunks(sorted(set(keys))):
        rows.extend(
            conn.execute(
                select(invoice_registry).where(
                    invoice_registry.c.invoice_key.in_(part), invoice_registry.c.released_at.is_(None)
                )
            )
        )
    for row in sorted(rows, key=lambda r: r.id):
        found.setdefault(row.invoice_key, dict(row._mapping))
    return found


def _insert_invoices(
    conn: Connection, invoices: list[dict[str, Any]], claim_id: str, when: dt.datetime, user: str, workbook: str
) -> dict[str, str]:
    """Register invoices of a claim (a key twice on one form once); the keys another claim got first -> that claim.

    INSERT … ON CONFLICT DO NOTHING over the open-reservation index: on PostgreSQL a clerk reserving
    the same invoice at this moment makes the statement wait for their commit, then skip the key."""
    rows: dict[str, dict[str, Any]] = {}
    for inv in invoices:
        rows.setdefault(
            inv["key"],
            {
                "invoice_key": inv["key"],
                "claim_id": claim_id,
                "amount": inv.get("amount"),
                "invoice_date": inv.get("invoice_date"),
                "reserved_at": when,
                "released_at": None,
                "user": user,
                "workbook": workbook,
            },
        )
    if not rows:
        return {}
    stmt = insert_statement(conn, invoice_registry).on_conflict_do_nothing(
        index_elements=["invoice_key"], index_where=invoice_registry.c.released_at.is_(None)
    )
    added = set(conn.execute(stmt.returning(invoice_registry.c.invoice_key), list(rows.values())).scalars())
    missing = [key for key in rows if key not in added]
    return {r.invoice_key: r.claim_id for r in _held(conn, missing) if r.claim_id != claim_id}


def reserve_invoices(
    conn: Connection, claim_id: str, invoices: list[dict[str, Any]], when: dt.datetime, user: str, workbook: str
) -> list[str]:
    """Reserve a claim's invoices, all or none; the keys another claim holds (then nothing is reserved)."""
    keys = [inv["key"] for inv in invoices]
    held = {row.invoice_key: row.claim_id for row in _held(conn, keys)}
    taken = sorted(k for k, claim in held.items() if claim != claim_id)
    if taken:
        return taken
    with conn.begin_nested() as attempt:
        lost = _insert_invoices(
            conn, [inv for inv in invoices if inv["key"] not in held], claim_id, when, user, workbook
        )
        if lost:  # another claim got one of them a moment ago: none of this claim's
            attempt.rollback()
    if lost:
        return sorted({row.invoice_key for row in _held(conn, keys) if row.claim_id != claim_id})
    return []


def release_invoices(conn: Connection, claim_id: str, when: dt.datetime) -> int:
    """Release every invoice a claim holds; returns how many."""
    result = conn.execute(
        update(invoice_registry)
        .where(invoice_registry.c.claim_id == claim_id, invoice_registry.c.released_at.is_(None))
        .values(released_at=when)
    )
    return int(result.rowcount or 0)


def set_stage(conn: Connection, claim_id: str, stage: str, when: dt.datetime, **values: Any) -> None:
    """The claim's one stage row, inserted or updated in one statement (two clerks cannot make two)."""
    changes = {"stage": stage, "updated_at": when, **values}
    upsert(conn, expense_claims, {"claim_id": claim_id, **changes}, ["claim_id"], changes)


def record_seal(conn: Connection, claim_id: str, digest: str, file: str, when: dt.datetime, user: str) -> bool:
    """Record a sealed copy as the claim's next submission; False when this (claim, digest) was recorded before.

    The claim is 已交财务 from now on either way. Its stage row is written first: on PostgreSQL that
    row stays locked until the transaction ends, so two clerks sealing one claim number their
    submissions one after the other (and the unique index catches any other way of doubling one)."""
    set_stage(conn, claim_id, SUBMITTED, when)
    exists = conn.execute(
        select(sealed_forms.c.id).where(sealed_forms.c.claim_id == claim_id, sealed_forms.c.digest == digest)
    ).first()
    if exists is not None:
        return False
    last = conn.execute(select(func.max(sealed_forms.c.submission)).where(sealed_forms.c.claim_id == claim_id)).scalar()
    row = {
        "claim_id": claim_id,
        "sealed_at": when,
        "digest": digest,
        "file": file,
        "user": user,
        "submission": int(last or 0) + 1,
    }
    insert_ignoring(conn, sealed_forms, [row], ["claim_id", "digest"])
    return True


def claims(conn: Connection, claim_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The store's record of each claim among ``claim_ids`` (claim_id -> row, with ``stage``).

    A claim sealed before claim stages were kept has no row but a seal: it shows as 已交财务."""
    ids = sorted({str(c) for c in claim_ids if c})
    found: dict[str, dict[str, Any]] = {}
    for part in chunks(ids):
        for r in conn.execute(select(expense_claims).where(expense_claims.c.claim_id.in_(part))):
            found[r.claim_id] = dict(r._mapping)
    for part in chunks(ids):
        query = select(sealed_forms).where(sealed_forms.c.claim_id.in_(part)).order_by(sealed_forms.c.id)
        for r in conn.execute(query):
            found.setdefault(r.claim_id, {"claim_id": r.claim_id, "stage": SUBMITTED, "updated_at": r.sealed_at})
    return found


def monthly_amounts(conn: Connection, claimant: str, exclude: str) -> dict[str, float]:
    """What the claimant's other claims that passed 费用初审 (not returned) spent per "费用类别|YYYY-MM"."""
    out: dict[str, float] = {}
    if not claimant:
        return out
    query = select(expense_claims.c.months).where(
        expense_claims.c.claimant == claimant,
        expense_claims.c.claim_id != exclude,
        expense_claims.c.stage.in_((PREREVIEWED, *CLOSED_STAGES)),
    )
    for (months,) in conn.execute(query):
        for key, amount in json.loads(months or "{}").items():
            out[key] = round(out.get(key, 0.0) + float(amount), 2)
    return out


def prereview_claim(
    conn: Connection,
    claim_id: str,
    invoices: list[dict[str, Any]],
    *,
    claimant: str,
    total: float | None,
    fingerprint: str,
    when: dt.datetime,
    user: str,
    workbook: str,
    months: dict[str, float] | None,
) -> tuple[str | None, dict[str, str]]:
    """Record that a claim passed 费用初审 and reserve its invoices (see ``Store.prereview_claim``)."""
    keys = [inv["key"] for inv in invoices]
    amounts = {inv["key"]: inv.get("amount") for inv in invoices}
    row = conn.execute(select(expense_claims).where(expense_claims.c.claim_id == claim_id).with_for_update()).first()
    stage = row.stage if row is not None else None
    if stage is None and conn.execute(select(sealed_forms.c.id).where(sealed_forms.c.claim_id == claim_id)).first():
        stage = SUBMITTED
    if stage in CLOSED_STAGES:
        return stage, {}
    held = _held(conn, keys)
    # the claim's own invoices: same amounts as reserved, or the same claimant correcting them
    same_person = row is not None and row.claimant == claimant
    taken = {
        r.invoice_key: r.claim_id
        for r in held
        if r.claim_id != claim_id or not (same_person or same_amount(r.amount, amounts.get(r.invoice_key)))
    }
    if taken:
        return None, dict(sorted(taken.items()))
    own = {r.invoice_key for r in held}
    with conn.begin_nested() as attempt:
        lost = _write_prereview(conn, claim_id, invoices, own, when, user, workbook)
        if lost:  # another claim reserved one of the invoices a moment ago: nothing of this pre-review
            attempt.rollback()
    if lost:
        return None, dict(sorted(lost.items()))
    set_stage(
        conn,
        claim_id,
        PREREVIEWED,
        when,
        claimant=claimant,
        total=total,
        fingerprint=fingerprint,
        months=json.dumps(months or {}, ensure_ascii=False, sort_keys=True),
        prereviewed_at=when,
        prereviewer=user,
        workbook=workbook,
    )
    return None, {}


def _write_prereview(
    conn: Connection,
    claim_id: str,
    invoices: list[dict[str, Any]],
    own: set[str],
    when: dt.datetime,
    user: str,
    workbook: str,
) -> dict[str, str]:
    """The claim's invoices become exactly ``invoices``; the keys another claim got first -> that claim."""
    on_form = {inv["key"] for inv in invoices}
    released = [
        r.id
        for r in conn.execute(
            select(invoice_registry.c.id, invoice_registry.c.invoice_key).where(
                invoice_registry.c.claim_id == claim_id, invoice_registry.c.released_at.is_(None)
            )
        )
        if r.invoice_key not in on_form
    ]
    for part in chunks(released):
        conn.execute(update(invoice_registry).where(invoice_registry.c.id.in_(part)).values(released_at=when))
    for inv in invoices:
        if inv["key"] in own:  # a corrected amount
            conn.execute(
                update(invoice_registry)
                .where(
                    invoice_registry.c.claim_id == claim_id,
                    invoice_registry.c.invoice_key == inv["key"],
                    invoice_registry.c.released_at.is_(None),
                )
                .values(amount=inv.get("amount"))
            )
    return _insert_invoices(conn, [inv for inv in invoices if inv["key"] not in own], claim_id, when, user, workbook)


def seals(conn: Connection, claim_id: str | None = None) -> list[dict[str, Any]]:
    """Sealed copies in the order they were recorded (all, or one claim's)."""
    query = select(sealed_forms).order_by(sealed_forms.c.id)
    if claim_id is not None:
        query = query.where(sealed_forms.c.claim_id == claim_id)
    return [dict(r._mapping) for r in conn.execute(query)]
