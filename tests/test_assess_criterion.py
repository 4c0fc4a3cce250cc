"""``engine.assess_criterion`` (one criterion alone, what the advisor's exact searches call many times per file) gives
the same figure as ``engine.assess(...).criterion(...)``: status, value, threshold, margin, missing data, dependencies
and citations — for generated enterprises and for every bundled example under every programme it can be read
under."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from generators import enterprises
from hnte.application import load_application, parse_application
from hnte.core.errors import InputError
from hnte.engine import assess, assess_criterion

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "src" / "hnte" / "examples").glob("*.yaml"))


def _shape(c) -> tuple:
    return (c.id, c.status, c.value, c.threshold, c.threshold_inclusive, c.margin, c.unit, list(c.missing), list(c.depends),
            list(c.cites), dict(c.details))


def _same(app, programme) -> int:
    full = assess(app, programme, with_alternative=False)
    for c in full.criteria:
        assert _shape(assess_criterion(app, programme, c.id)) == _shape(c), c.id
    return len(full.criteria)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(enterprises())
def test_one_criterion_alone_equals_the_full_assessment(data):
    assert _same(parse_application(data, "g.yaml"), None) >= 7


def test_one_criterion_alone_on_the_examples_under_every_programme_in_force():
    compared = []
    for path in EXAMPLES:
        app = load_application(path)
        for programme in (None, "national", "beijing-pilot", "suzhou-cultivation"):
            try:
                assess(app, programme)
            except InputError:  # the programme is not in force on this file's date
                continue
            assert _same(app, programme) >= 1
            compared.append((path.stem, programme))
    assert len(compared) >= 2 * len(EXAMPLES), compared  # its own programme, and at least one other, for each file


def test_an_unknown_criterion_is_an_error():
    with pytest.raises(KeyError):
        assess_criterion(load_application(EXAMPLES[0]), None, "art99_nothing")
