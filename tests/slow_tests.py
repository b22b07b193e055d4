"""The fast lane: which tests are ``slow`` (``python -m pytest -m "not slow"`` runs the rest in about a minute).

A test is slow when its call or set-up took long in a measured run of the whole suite; the node ids are
kept in ``slow_tests.txt`` beside this file and ``conftest.py`` marks them ``slow`` at collection (a
test may also carry ``@pytest.mark.slow`` itself). Re-measure after adding end-to-end tests::

    python -m pytest -n 2 -p no:randomly --durations=0 > durations.log
    python tests/slow_tests.py durations.log [--seconds 0.3]

or, to add what has become slow to the list, measure the fast lane itself::

    python -m pytest -m "not slow" -n 2 -p no:randomly --durations=0 > durations.log
    python tests/slow_tests.py durations.log --add

The threshold is in seconds of the measured run: on a loaded machine raise it with the load
(the list of 2026-12-05 was measured at a load average of 12 with ``--seconds 1.2``, then the fast
lane at a load of 3 added with ``--seconds 0.3 --add``).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from pathlib import Path

LIST = Path(__file__).with_name("slow_tests.txt")
_LINE = re.compile(r"^([\d.]+)s (?:call|setup)\s+(tests/\S.*)$")


def slow_ids(path: Path = LIST) -> frozenset[str]:
    """The node ids listed as slow (blank lines and # comments ignored)."""
    if not path.exists():
        return frozenset()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def measured(lines: Iterable[str], seconds: float) -> list[str]:
    """Node ids whose call or set-up took at least ``seconds`` in a ``--durations=0`` report."""
    found = {m.group(2).strip() for line in lines if (m := _LINE.match(line)) and float(m.group(1)) >= seconds}
    return sorted(found)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path, help="pytest output with --durations=0")
    parser.add_argument("--seconds", type=float, default=0.3, help="slow from this many seconds (default 0.3)")
    parser.add_argument("--add", action="store_true", help="keep the tests listed already (a fast-lane run)")
    args = parser.parse_args(argv)
    ids = measured(args.report.read_text(encoding="utf-8").splitlines(), args.seconds)
    if args.add:
        ids = sorted(set(ids) | slow_ids())
    header = "# slow tests (call or set-up over a threshold in a measured run); see tests/slow_tests.py\n"
    LIST.write_text(header + "\n".join(ids) + "\n", encoding="utf-8")
    print(f"{len(ids)} slow tests written to {LIST}")


if __name__ == "__main__":
    main()
