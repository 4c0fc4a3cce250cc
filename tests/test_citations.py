"""Every citation resolves to an anchor in legal_texts/; law data is well formed (Catala-style checks)."""

from __future__ import annotations

import datetime as dt

import pytest

from hnte.core.citations import instruments, resolve
from hnte.core.errors import LawVersionError
from hnte.core.parameters import ParameterView, load_all
from hnte.core.registry import CRITERIA, INDICATORS, law_versions, load_rules, programmes, select

load_rules()


def test_every_parameter_value_cites_resolvable_articles():
    base, variants = load_all()
    params = list(base.values()) + [p for v in variants.values() for p in v.values()]
    assert len(params) >= 40
    for p in params:
        for v in p.values:
            assert v.cites, f"{p.source_file} {v.start}: no citation"
            for c in v.cites:
                resolve(c)  # raises KeyError naming the missing anchor


def test_every_criterion_and_indicator_cites_resolvable_articles():
    assert len(CRITERIA) >= 25
    for c in CRITERIA:
        assert c.cites, c.id
        for cite in c.cites:
            resolve(cite)
    for d in INDICATORS.values():
        for cite in d.cites:
            resolve(cite)


def test_unresolvable_citation_is_reported_precisely():
    with pytest.raises(KeyError, match="anchor 'art99' not found in legal_texts/measures_2016.md"):
        resolve("measures_2016#art99")
    with pytest.raises(KeyError, match="unknown legal instrument"):
        resolve("nowhere#art1")


def test_legal_texts_have_the_instruments_we_encode():
    ids = set(instruments())
    assert {"measures_2016", "guidelines_2016", "measures_2008", "guidelines_2008", "beijing_pilot_2021",
            "suzhou_cultivation_2021", "interpretations"} <= ids
    assert all(f"i{n}" in instruments()["interpretations"].anchors for n in range(1, 22))
    art = resolve("measures_2016#art11-5")
    assert "5,000万元" in art.text and "60%" in art.text


def test_law_versions_never_overlap_and_leave_no_gap_after_2008():
    versions = sorted(law_versions().values(), key=lambda v: v.start)
    for a, b in zip(versions, versions[1:], strict=False):
        assert a.end is not None and a.end + dt.timedelta(days=1) == b.start


@pytest.mark.parametrize(("day", "law"), [
    ("2008-01-01", "national_2008"), ("2015-12-31", "national_2008"), ("2016-01-01", "national_2016"), ("2026-11-23", "national_2016"),
])
def test_application_date_selects_the_law_version(day, law):
    assert select("national", dt.date.fromisoformat(day))[0].id == law


@pytest.mark.parametrize(("programme", "day"), [
    ("national", "2007-12-31"), ("beijing-pilot", "2021-07-28"), ("beijing-pilot", "2015-06-01"),
    ("suzhou-cultivation", "2024-01-01"), ("suzhou-cultivation", "2020-12-31"), ("shanghai", "2024-01-01"),
])
def test_date_outside_every_version_or_programme_is_an_error(programme, day):
    with pytest.raises(LawVersionError):
        select(programme, dt.date.fromisoformat(day))


def test_overlays_only_change_what_differs_and_cite_their_programme():
    _, variants = load_all()
    for variant, overlay in variants.items():
        prefix = {"beijing_pilot": "beijing_pilot_2021#", "suzhou_cultivation": "suzhou_cultivation_2021#"}[variant]
        for p in overlay.values():
            assert all(any(c.startswith(prefix) for c in v.cites) for v in p.values), p.source_file


def test_every_base_parameter_is_in_force_on_some_date_and_expired_ones_are_gone():
    base, _ = load_all()
    for p in base.values():
        assert any(not v.expired for v in p.values), p.path
    view_2020 = ParameterView(dt.date(2020, 1, 1))
    paths = {ref.path for _, ref in view_2020.in_force()}
    assert "staff.science_tech_ratio_min" in paths
    assert "staff.science_tech_college_ratio_min" not in paths  # 2008-only value expired 2016-01-01
    view_2010 = ParameterView(dt.date(2010, 1, 1))
    assert view_2010.ref("rd_expense.other_share_cap").value == view_2010.ref("rd_expense.other_share_cap").value
    assert str(view_2010.ref("rd_expense.other_share_cap").value) == "0.10"
    assert str(view_2020.ref("rd_expense.other_share_cap").value) == "0.20"


def test_programme_overlay_is_read_before_the_base():
    view = ParameterView(dt.date(2022, 1, 1), "beijing_pilot")
    ref = view.ref("rd_expense.domestic_share_min")
    assert str(ref.value["min"]) == "0.50" and ref.variant == "beijing_pilot" and ref.effective_from == dt.date(2021, 7, 29)
    assert str(ParameterView(dt.date(2022, 1, 1)).ref("rd_expense.domestic_share_min").value["min"]) == "0.60"


def test_programmes_are_declared_with_validity():
    progs = programmes()
    assert progs["beijing-pilot"].start == dt.date(2021, 7, 29)
    assert progs["suzhou-cultivation"].end == dt.date(2023, 12, 31)
