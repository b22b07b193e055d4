"""Domains of the store: the core's tables and migrations, and those of plug-in ledgers.

A plug-in ledger (customer archive, office supplies …) keeps its tables and its Alembic
revisions in its own package and registers them once, at import::

    from pathlib import Path
    from sqlalchemy import Column, MetaData, String, Table
    from neiqin.core.store import register_domain

    metadata = MetaData()
    visits = Table("customer_visits", metadata, Column("id", String(32), primary_key=True), ...)
    register_domain("customers", metadata, Path(__file__).parent / "migrations")

Its migrations folder is an Alembic branch: revision ids start with ``customers_``, the first
revision has ``branch_labels = ("customers",)`` and ``depends_on`` a core revision (e.g.
``"core_0005"``, the core schema it was written against). The store runs ``upgrade heads`` over
the core and every registered domain on first use, so a new plug-in's tables appear in an
existing database by themselves. Its code reads and writes through ``Store.read`` /
``Store.write`` (one transaction, retried when another clerk got in the way).
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from sqlalchemy import MetaData, Table

from . import actions, archive, expenses, orders

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
CORE = "core"
CORE_MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class Revision:
    """What the store needs of one revision script, read without importing Alembic."""

    revision: str
    down_revision: tuple[str, ...]
    branch_labels: tuple[str, ...]
    depends_on: tuple[str, ...]
    path: Path


@dataclass(frozen=True)
class Domain:
    """A set of tables with the Alembic branch that creates and changes them."""

    name: str
    tables: tuple[Table, ...]
    versions: Path  # the folder of revision scripts

    def revisions(self) -> list[Revision]:
        return _revisions(self.versions)

    def head(self) -> str:
        """The domain's newest revision (a domain's branch has one head)."""
        (head,) = script_heads([self])
        return head


_DOMAINS: dict[str, Domain] = {}
_generation = 0  # bumped on every registration: open stores check the new domain's schema


def generation() -> int:
    return _generation


def all_domains() -> list[Domain]:
    """The core first, then plug-in domains in registration order."""
    return list(_DOMAINS.values())


def register_domain(
    name: str,
    tables: MetaData | ModuleType | Iterable[Table],
    migrations: str | Path,
) -> Domain:
    """Make a plug-in's tables and migrations part of the store (see the module docstring).

    ``tables``: its MetaData, the module defining its tables, or the tables. ``migrations``: the
    folder of its Alembic revision scripts. Registering the same domain again (a reloaded module)
    replaces it; a table name another domain owns, or a revision that does not follow the rules,
    is a programming error (``ValueError``)."""
    global _generation
    if not _NAME.match(name):
        raise ValueError(f"domain name {name!r}: lower-case ASCII letters, digits and '_'")
    domain = Domain(name, _tables_of(tables), Path(migrations))
    _check(domain)
    _DOMAINS[name] = domain
    _generation += 1
    return domain


def unregister_domain(name: str) -> None:
    """Forget a plug-in domain (tests); its tables and version row stay in the database."""
    global _generation
    if name == CORE:
        raise ValueError("the core domain cannot be removed")
    if _DOMAINS.pop(name, None) is not None:
        _generation += 1


def _tables_of(tables: MetaData | ModuleType | Iterable[Table]) -> tuple[Table, ...]:
    if isinstance(tables, MetaData):
        return tuple(tables.tables.values())
    if isinstance(tables, ModuleType):
        found = [value for value in vars(tables).values() if isinstance(value, Table)]
        return tuple(dict.fromkeys(found))
    return tuple(tables)


def _check(domain: Domain) -> None:
    owners = {t.name: d.name for d in _DOMAINS.values() if d.name != domain.name for t in d.tables}
    for table in domain.tables:
        if table.name in owners or table.name == "alembic_version":
            raise ValueError(f"table {table.name!r} of domain {domain.name!r} belongs to {owners.get(table.name)!r}")
    if not domain.versions.is_dir():
        raise ValueError(f"migrations folder of domain {domain.name!r} not found: {domain.versions}")
    revisions = domain.revisions()
    if not revisions:
        raise ValueError(f"domain {domain.name!r} has no revision scripts in {domain.versions}")
    for rev in revisions:
        if not rev.revision.startswith(f"{domain.name}_"):
            raise ValueError(f"revision {rev.revision!r} of domain {domain.name!r} must start with {domain.name}_")
    if len(script_heads([domain])) != 1:
        raise ValueError(f"domain {domain.name!r} has more than one head: merge its branches")
    roots = [r for r in revisions if not r.down_revision]
    if len(roots) != 1 or domain.name not in roots[0].branch_labels:
        raise ValueError(f"domain {domain.name!r}: one first revision with branch_labels=({domain.name!r},)")
    if domain.name != CORE and not roots[0].depends_on:
        raise ValueError(f"domain {domain.name!r}: its first revision must depend on a core revision (depends_on)")
    known = {r.revision for d in _DOMAINS.values() if d.name != domain.name for r in d.revisions()}
    known |= {r.revision for r in revisions}
    for rev in revisions:
        for needed in rev.depends_on:
            if needed not in known:
                raise ValueError(
                    f"revision {rev.revision!r}: depends_on {needed!r} is no revision id of a registered domain"
                )


def _revisions(folder: Path) -> list[Revision]:
    """Every revision script of a folder, read with ``ast`` (Alembic itself is imported only to migrate)."""
    scripts = tuple(
        (path, path.stat().st_mtime_ns) for path in sorted(folder.glob("*.py")) if not path.name.startswith("__init__")
    )
    return list(_read_revisions(scripts))


@functools.lru_cache(maxsize=64)
def _read_revisions(scripts: tuple[tuple[Path, int], ...]) -> tuple[Revision, ...]:
    found: list[Revision] = []
    for path, _mtime in scripts:
        values: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
            target = value = None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            if isinstance(target, ast.Name) and target.id in (
                "revision",
                "down_revision",
                "branch_labels",
                "depends_on",
            ):
                values[target.id] = ast.literal_eval(value)
        if "revision" not in values:
            raise ValueError(f"{path}: not an Alembic revision script (no revision = '…')")
        found.append(
            Revision(
                revision=str(values["revision"]),
                down_revision=_tuple(values.get("down_revision")),
                branch_labels=_tuple(values.get("branch_labels")),
                depends_on=_tuple(values.get("depends_on")),
                path=path,
            )
        )
    return tuple(found)


def _tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)  # type: ignore[union-attr]


def ancestors(selected: list[Domain]) -> dict[str, set[str]]:
    """Every revision of these domains -> the revisions it builds on (down_revision and depends_on, transitively)."""
    parents = {r.revision: set(r.down_revision) | set(r.depends_on) for d in selected for r in d.revisions()}
    found: dict[str, set[str]] = {}

    def walk(revision: str) -> set[str]:
        if revision not in found:
            found[revision] = set()
            for parent in parents.get(revision, ()):
                found[revision] |= {parent} | walk(parent)
        return found[revision]

    for revision in parents:
        walk(revision)
    return found


def script_heads(selected: list[Domain]) -> set[str]:
    """The newest revision of every branch (what ``alembic heads`` says) of these domains."""
    revisions = [r for d in selected for r in d.revisions()]
    parents = {p for r in revisions for p in r.down_revision}
    return {r.revision for r in revisions if r.revision not in parents}


_DOMAINS[CORE] = Domain(
    CORE,
    (*actions.TABLES, *orders.TABLES, *archive.TABLES, *expenses.TABLES),
    CORE_MIGRATIONS / "versions",
)
