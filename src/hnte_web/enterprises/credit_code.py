"""统一社会信用代码 check (GB 32100-2015): 18 characters from a 31-character alphabet; the last one is a
check character computed from the first 17 with weights 3^i mod 31."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> tuple[str, str] | None:
    """None when valid, else (zh, en) saying what is wrong."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return (f"统一社会信用代码应为 18 位，实际为 {len(code)} 位", f"the unified social credit code has 18 characters, got {len(code)}")
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        return (f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、S、V、Z）",
                f"the credit code contains characters not allowed: {''.join(bad)} (I, O, S, V, Z are never used)")
    expected = check_character(code[:17])
    if code[17] != expected:
        return (f"统一社会信用代码校验位错误：第 18 位应为 {expected}", f"wrong check character: the 18th should be {expected}")
    return None


def with_check_character(first17: str) -> str:
    return first17 + check_character(first17)
