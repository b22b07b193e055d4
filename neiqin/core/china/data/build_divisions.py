"""Rebuild ``divisions.csv`` from the areacodes data set (run by hand when the source is updated).

Source: https://github.com/yescallop/areacodes (CC0 1.0), which collects the Ministry of Civil
Affairs' 《中华人民共和国县级以上行政区划代码》 for every year since 1981 with the dates each code was
in use. Its ``result.csv`` columns are 代码, 一级行政区, 二级行政区, 名称, 级别, 状态, 启用时间,
变更/弃用时间, 新代码.

Usage::

    python build_divisions.py result.csv [YEAR.txt ...] > divisions.csv

Each optional ``YEAR.txt`` (the same project's ``data/<year>.txt``: ``code name`` per line, the list
in force at the end of that year) is applied on top of ``result.csv`` when it is newer: codes that
appear are added, codes that disappear are ended, renamed codes are ended and re-added.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

_LEVELS = {"省级": 1, "地级": 2, "县级": 3}
_HEADER = ["code", "name", "level", "start", "end"]


def _level(code: str) -> int:
    if code.endswith("0000"):
        return 1
    if code.endswith("00"):
        return 2
    return 3


def build(result_csv: Path, updates: list[Path]) -> list[list[str]]:
    """The rows of ``divisions.csv``: code, name, level (1 province, 2 city, 3 county), start, end (or '')."""
    rows: list[list[str]] = []
    with result_csv.open(encoding="utf-8-sig", newline="") as fh:
        for rec in csv.DictReader(fh):
            rows.append([rec["代码"], rec["名称"], str(_LEVELS[rec["级别"]]), rec["启用时间"], rec["变更/弃用时间"]])
    last_year = max(int(r[3]) for r in rows)
    for path in sorted(updates):
        year = int(path.stem[:4])
        if year <= last_year:
            continue
        listed = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                code, name = line.split(maxsplit=1)
                listed[code] = name.strip()
        active = {r[0]: r for r in rows if not r[4]}
        for code, row in active.items():
            if listed.get(code) != row[1]:
                row[4] = str(year)
        for code, name in listed.items():
            if code not in active or active[code][1] != name:
                rows.append([code, name, str(_level(code)), str(year), ""])
        last_year = year
    rows.sort(key=lambda r: (r[0], int(r[3])))
    return rows


def main(argv: list[str]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(_HEADER)
    writer.writerows(build(Path(argv[0]), [Path(p) for p in argv[1:]]))


if __name__ == "__main__":
    main(sys.argv[1:])
