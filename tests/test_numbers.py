"""Exact arithmetic helpers (I14): the JSON number of a Decimal is the one its exact fraction gives."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from hnte.core.numbers import json_number, round_half_up


def _via_fraction(value: Decimal, places: int) -> int | float:
    """The reference: through the exact fraction, as every other number type goes."""
    frac = Fraction(value)
    return frac.numerator if frac.denominator == 1 else float(round_half_up(frac, places))


@given(st.decimals(min_value=Decimal("-1e16"), max_value=Decimal("1e16"), places=8, allow_nan=False, allow_infinity=False),
       st.sampled_from([2, 6]))
def test_a_decimal_gives_the_number_its_exact_fraction_gives(value, places):
    got = json_number(value, places)
    assert got == _via_fraction(value, places) and type(got) is type(_via_fraction(value, places))


def test_decimal_rounding_half_up_below_at_and_above_the_half():
    assert json_number(Decimal("0.124"), 2) == 0.12
    assert json_number(Decimal("0.125"), 2) == 0.13  # exactly half: up
    assert json_number(Decimal("-0.125"), 2) == -0.13  # half away from zero, as round_half_up does
    assert json_number(Decimal("0.126"), 2) == 0.13


def test_integral_decimals_and_fractions_are_ints():
    assert json_number(Decimal("45000000.00")) == 45000000 and isinstance(json_number(Decimal("45000000.00")), int)
    assert json_number(Decimal("1E+3")) == 1000 and isinstance(json_number(Decimal("1E+3")), int)
    assert json_number(Fraction(6, 3)) == 2 and json_number(Fraction(1, 3)) == 0.333333
