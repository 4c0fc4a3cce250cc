"""万元 on screen, yuan in storage — exactly. 1 万元 = 10 000 元; the file keeps yuan with ≤ 2 decimals,
so a 万元 entry may carry up to 6 decimals and is never rounded."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

WAN = Decimal(10000)


class MoneyInputError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def wan_text_to_yuan(text: str, *, allow_negative: bool = False) -> Decimal | None:
    """Parse a 万元 entry ("1,234.56") into exact yuan; blank → None."""
    raw = (text or "").strip().replace(",", "").replace("，", "")
    if raw == "":
        return None
    try:
        wan = Decimal(raw)
    except InvalidOperation:
        raise MoneyInputError(f"应为以万元计的数字（例如 1234.56），实际为 “{text}”",
                              f"expected a number in 10k yuan (e.g. 1234.56), got \"{text}\"") from None
    if not wan.is_finite():
        raise MoneyInputError("应为有限数字", "expected a finite number")
    if wan < 0 and not allow_negative:
        raise MoneyInputError("不能为负数", "must not be negative")
    yuan = wan * WAN
    if yuan != yuan.quantize(Decimal("0.01")):
        raise MoneyInputError("以万元计最多 6 位小数（精确到分）", "at most 6 decimals in 10k yuan (down to the fen)")
    if abs(yuan) >= Decimal("1e15"):
        raise MoneyInputError("数额过大", "amount too large")
    return yuan.quantize(Decimal("0.01")) if yuan != yuan.to_integral_value() else yuan.quantize(Decimal(1))


def yuan_to_wan_text(yuan: Decimal) -> str:
    """Exact 万元 text with at least two decimals: 1234567 元 → "123.4567"; 1200000 → "120.00"."""
    wan = (Decimal(yuan) / WAN).normalize()
    sign, digits, exponent = wan.as_tuple()
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{wan:.{places}f}"
