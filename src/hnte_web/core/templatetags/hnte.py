"""Template helpers: ``{% t "中文" "English" %}``, money in 万元, status labels."""

from __future__ import annotations

from decimal import Decimal

from django import template

from hnte_web.core.money import yuan_to_wan_text

register = template.Library()


@register.simple_tag(takes_context=True)
def t(context, zh: str, en: str) -> str:
    return en if context.get("lang") == "en" else zh


@register.filter
def wan(value) -> str:
    """Yuan → 万元 text with at least 2 decimals (never rounds away an exact figure)."""
    if value in (None, ""):
        return ""
    return yuan_to_wan_text(Decimal(str(value)))


@register.filter
def pick(obj, lang: str):
    """``{{ obj|pick:lang }}`` for objects with ``label_zh``/``label_en`` or dicts with ``zh``/``en``."""
    if isinstance(obj, dict):
        return obj.get("en" if lang == "en" else "zh", "")
    if hasattr(obj, "label_zh"):
        return getattr(obj, "label_en" if lang == "en" else "label_zh")
    return getattr(obj, "en" if lang == "en" else "zh", "")


@register.filter
def get(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def role_label(user, lang: str) -> str:
    return user.role_label(lang) if hasattr(user, "role_label") else ""


@register.filter
def status_text(status: str, lang: str) -> str:
    zh = {"pass": "符合", "fail": "不符合", "unknown": "待定", "eligible": "符合认定条件", "not_eligible": "不符合认定条件",
          "undetermined": "尚不能确定"}
    en = {"pass": "pass", "fail": "fail", "unknown": "unknown", "eligible": "Meets the conditions",
          "not_eligible": "Does not meet the conditions", "undetermined": "Undetermined"}
    return (en if lang == "en" else zh).get(status, status)
