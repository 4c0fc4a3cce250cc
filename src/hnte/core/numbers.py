"""Exact arithmetic (interpretation I14): money in integer fen, ratios as :class:`Fraction`.

No binary float ever decides a threshold or a band; floats appear only in display output.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

FEN_PER_YUAN = 100


def yuan_to_fen(amount: Decimal) -> int:
    """Convert a validated yuan amount (at most two decimal places) to integer fen."""
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} has more than two decimal places")
    return int(fen)


def fen_to_yuan(fen: int | Fraction) -> Decimal:
    """Yuan with two decimals (exact for integer fen; half-up for a fractional fen such as 80 % of 1 fen)."""
    if isinstance(fen, Fraction):
        return round_half_up(fen / FEN_PER_YUAN, 2)
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def to_fraction(value: Decimal | int | Fraction | str) -> Fraction:
    """Exact conversion; a Decimal's decimal digits are kept exactly (0.05 is 1/20)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):  # pragma: no cover - guarded: floats never reach here
        raise TypeError("binary floats are not allowed in exact arithmetic")
    return Fraction(Decimal(value) if isinstance(value, str) else value)


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """Display rounding only (I14): half-up to ``places`` decimals."""
    q = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(q, rounding=ROUND_HALF_UP)


def percent(value: Fraction, places: int = 2) -> str:
    return f"{round_half_up(value * 100, places)}%"


def fraction_str(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def json_number(value: Fraction | int | Decimal, places: int = 6) -> int | float:
    """A JSON-friendly number for machine output (display precision, never used to decide)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal) and value.is_finite():  # the common case (money in yuan), without a Fraction
        if value == value.to_integral_value():
            return int(value)
        return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    frac = to_fraction(value)
    if frac.denominator == 1:
        return frac.numerator
    return float(round_half_up(frac, places))
