"""Probable duplicate customers: evidence per pair, guards against merging different companies, scale."""

from __future__ import annotations

import importlib
import math

import pytest

from neiqin.core.china.dupes import Customer, Evidence, find_duplicates
from neiqin.core.china.uscc import make_uscc

CODE_A = make_uscc("91330106MA2B00001")
CODE_B = make_uscc("91330106MA2B00002")


def _pairs(customers: list[Customer], **kw: object) -> dict[frozenset[str], set[Evidence]]:
    report = find_duplicates(customers, **kw)  # type: ignore[arg-type]
    return {frozenset((p.a, p.b)): {f.evidence for f in p.findings} for g in report.groups for p in g.pairs}


@pytest.mark.parametrize(
    ("a", "b", "evidence"),
    [
        (dict(uscc=CODE_A), dict(uscc=CODE_A.lower()), Evidence.SAME_USCC),
        (dict(name="杭州明远机电设备有限公司"), dict(name="杭州明远机电设备有限责任公司"), Evidence.SAME_NAME),
        (dict(name="百度（中国）有限公司"), dict(name="百度(中国)有限公司"), Evidence.SAME_NAME),
        (dict(mobile="13812345678"), dict(mobile="+86 138 1234 5678"), Evidence.SAME_MOBILE),
        (dict(mobile=13812345678.0), dict(phone="138-1234-5678"), Evidence.SAME_MOBILE),  # a mobile in the phone column
        (dict(email="Zhang@Example.com"), dict(email="zhang@example.com"), Evidence.SAME_EMAIL),
        (dict(phone="0571-88881234"), dict(phone="(0571)88881234转8"), Evidence.SAME_PHONE),
        (dict(name="杭州明远机电设备有限公司"), dict(name="明远机电设备（杭州）有限公司"), Evidence.SAME_CORE),
        (dict(name="明远精密机电设备制造有限公司"), dict(name="明远精密机电没备制造有限公司"), Evidence.NEAR_NAME),
        (dict(name="杭州明远精密机电设备有限公司"), dict(name="杭州明远精密机电设有限公司"), Evidence.NEAR_NAME),
    ],
)
def test_each_kind_of_evidence(a: dict[str, object], b: dict[str, object], evidence: Evidence) -> None:
    pairs = _pairs([Customer("A", **a), Customer("B", **b)])  # type: ignore[arg-type]
    assert pairs == {frozenset({"A", "B"}): {evidence}}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (dict(name="北京明远科技有限公司"), dict(name="上海明远科技有限公司")),
        (dict(name="明远科技有限公司", province="北京"), dict(name="明远科技有限公司（上海）", province="上海")),
        (dict(name="杭州明远机电设备", uscc=CODE_A), dict(name="明远机电设备（杭州）", uscc=CODE_B)),
        (dict(name="杭州明远机电设备第一分店"), dict(name="杭州明远机电设备第二分店")),
        (dict(name="上海明远科技有限公司北京分公司"), dict(name="上海明远科技有限公司广州分公司")),
        (dict(name="杭州明远科技有限公司"), dict(name="杭州明源科技有限公司")),  # one trade-name character apart
        (dict(name="杭州明远"), dict(name="杭州明达")),
        (dict(name=None), dict(name=None)),
        (dict(name="", mobile="", uscc="", email=""), dict(name="", mobile="", uscc="", email="")),
    ],
)
def test_different_companies_are_not_linked(a: dict[str, object], b: dict[str, object]) -> None:
    assert _pairs([Customer("A", **a), Customer("B", **b)]) == {}  # type: ignore[arg-type]


def test_same_name_with_different_credit_codes_is_reported_with_the_conflict() -> None:
    report = find_duplicates(
        [Customer("A", "杭州明远机电设备有限公司", uscc=CODE_A), Customer("B", "杭州明远机电设备", uscc=CODE_B)]
    )
    (group,) = report.groups
    assert group.pairs[0].conflicts == ("统一社会信用代码不同，请核实是否为同一单位",)
    assert "但统一社会信用代码不同" in group.pairs[0].text


def test_placeholders_and_shared_contacts_link_nobody_and_are_listed() -> None:
    customers = [Customer(f"S{i}", "散客") for i in range(12)]
    customers += [Customer(f"M{i}", f"公司{i}号客户", mobile="13900000000") for i in range(11)]
    report = find_duplicates(customers)
    assert report.groups == []
    listed = {(c.evidence, c.value, c.count) for c in report.too_common}
    assert (Evidence.SAME_NAME, "散客", 12) in listed
    assert (Evidence.SAME_MOBILE, "13900000000", 11) in listed
    assert any("出现 12 次，不作为重复依据" in c.text for c in report.too_common)


def test_groups_join_by_any_evidence_and_come_strongest_first() -> None:
    customers = [
        Customer("K1", "杭州明远机电设备有限公司", mobile="13812345678"),
        Customer("K2", "杭州明远机电设备有限责任公司"),
        Customer("K3", "明远机电（杭州）", mobile="138 1234 5678"),  # same mobile as K1
        Customer("K4", "宁波华达贸易有限公司", phone="0574-88881234"),
        Customer("K5", "宁波华达商贸有限公司", phone="0574 8888 1234"),
        Customer("K6", "温州永盛五金厂", uscc=CODE_A),
        Customer("K7", "温州永盛五金制品厂", uscc=CODE_A),
    ]
    report = find_duplicates(customers)
    assert [g.ids for g in report.groups] == [("K6", "K7"), ("K1", "K2", "K3"), ("K4", "K5")]
    assert [g.strength for g in report.groups] == [100, 90, 40]
    k1_group = report.groups[1]
    assert [(p.a, p.b) for p in k1_group.pairs] == [("K1", "K2"), ("K1", "K3")]
    assert k1_group.pairs[1].text == "手机号相同：13812345678"


def test_records_without_an_id_are_named_by_position() -> None:
    report = find_duplicates([Customer("", "明远科技有限公司"), Customer(None, "明远科技有限责任公司")])  # type: ignore[arg-type]
    assert report.groups[0].ids == ("#1", "#2")


@pytest.mark.parametrize(
    "odd",
    [None, math.nan, 13812345678.0, "x" * 100_000, "\x00\x01", 12, "（（（（", "有限公司", "浙江省"],
)
def test_odd_cells_never_raise(odd: object) -> None:
    customers = [Customer("A", odd, uscc=odd, mobile=odd, phone=odd, email=odd, address=odd, province=odd, city=odd)]
    customers.append(
        Customer("B", odd, uscc=odd, mobile=odd, phone=odd, email=odd, address=odd, province=odd, city=odd)
    )
    report = find_duplicates(customers)
    assert all(isinstance(g.pairs[0].text, str) for g in report.groups)


def test_from_mapping_with_the_ledgers_headers() -> None:
    row = {"客户编号": 17, "客户名称": "明远科技有限公司", "手机": "13812345678", "省份": "浙江"}
    c = Customer.from_mapping(row, {"id": "客户编号", "name": "客户名称", "mobile": "手机", "province": "省份"})
    assert (c.id, c.name, c.mobile, c.province, c.uscc) == ("17", "明远科技有限公司", "13812345678", "浙江", None)


def test_generated_archive_precision_and_recall() -> None:
    bench = importlib.import_module("benchmarks.bench_customer_dupes")
    records, truth = bench.generate(3000, seed=11)
    report = find_duplicates(records)
    precision, recall, true_pairs, _ = bench.score(records, truth, [g.ids for g in report.groups])
    assert true_pairs > 250
    assert precision >= 0.97 and recall >= 0.93, (precision, recall)


def test_near_names_are_compared_in_blocks_never_all_pairs() -> None:
    bench = importlib.import_module("benchmarks.bench_customer_dupes")
    records = bench.generate(8000, seed=3)[0]
    compared = find_duplicates(records).candidates_compared
    assert 0 < compared < len(records) * 5  # all pairs would be 32 million
