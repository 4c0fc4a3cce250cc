"""The explanation trace: one structure, rendered by every front end (CLI, JSON, web, PDF).

Every figure (indicator, criterion, score item) is a :class:`Figure` that lists its inputs (field
paths and values), the parameters it read (value, effective date, citations), the figures it
depends on, the fields that were missing, and its own citations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hnte.core.numbers import fen_to_yuan, fraction_str, json_number, percent, round_half_up
from hnte.core.parameters import ParamRef


@dataclass
class Input:
    path: str
    value: Any
    unit: str | None = None

    def to_dict(self) -> dict:
        return {"path": self.path, "value": to_json(self.value, self.unit), **({"unit": self.unit} if self.unit else {})}


@dataclass
class Figure:
    """One computed figure and how it was obtained. ``value is None`` means unknown."""

    id: str
    kind: str  # indicator | criterion | score
    label_zh: str
    label_en: str
    unit: str | None = None  # ratio | fen | days | persons | count | bool | points | grade | text
    value: Any = None
    inputs: list[Input] = field(default_factory=list)
    params: list[ParamRef] = field(default_factory=list)
    depends: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)
    notes_zh: list[str] = field(default_factory=list)
    notes_en: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    # criteria only
    status: str | None = None  # pass | fail | unknown
    threshold: Any = None
    threshold_inclusive: bool | None = None
    margin: Any = None

    @property
    def known(self) -> bool:
        return self.value is not None

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang == "en" else self.label_zh

    def notes(self, lang: str = "zh") -> list[str]:
        return self.notes_en if lang == "en" else self.notes_zh

    def note(self, zh: str, en: str) -> None:
        self.notes_zh.append(zh)
        self.notes_en.append(en)

    def all_cites(self) -> list[str]:
        seen: dict[str, None] = dict.fromkeys(self.cites)
        for p in self.params:
            seen.update(dict.fromkeys(p.cites))
        return list(seen)

    def display(self, lang: str = "zh") -> str:
        if self.value is None and "range" in self.details:
            low, high = self.details["range"]
            return f"{display(low, self.unit, lang)}–{display(high, self.unit, lang)}"
        if self.value is None and self.details.get("forced_zero"):
            return "不适用（按0分计算）" if lang == "zh" else "not applicable (scored 0)"
        return display(self.value, self.unit, lang)

    def to_dict(self, lang: str = "zh") -> dict:
        out = {
            "id": self.id,
            "kind": self.kind,
            "label": self.label(lang),
            "unit": self.unit,
            "value": to_json(self.value, self.unit),
            "display": self.display(lang),
            "inputs": [i.to_dict() for i in self.inputs],
            "parameters": [p.to_dict() for p in self.params],
            "depends": list(self.depends),
            "missing": list(self.missing),
            "cites": self.all_cites(),
            "notes": self.notes(lang),
        }
        if self.status is not None:
            out["status"] = self.status
            out["threshold"] = to_json(self.threshold, self.unit)
            out["threshold_display"] = display(self.threshold, self.unit, lang) if self.threshold is not None else None
            out["threshold_inclusive"] = self.threshold_inclusive
            out["margin"] = to_json(self.margin, self.unit)
            out["margin_display"] = display_margin(self.margin, self.unit, lang)
        if isinstance(self.value, Fraction) and self.value.denominator != 1:
            out["exact"] = fraction_str(self.value)
        if self.details:
            out["details"] = {k: _details_json(v) for k, v in self.details.items()}
        return out


def _details_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _details_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_details_json(v) for v in value]
    if isinstance(value, Fraction | Decimal):
        return json_number(value)
    return value


def to_json(value: Any, unit: str | None) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if unit == "fen" and isinstance(value, int | Fraction):
        return json_number(fen_to_yuan(value), 2)
    if isinstance(value, Fraction | Decimal | int):
        return json_number(value)
    if isinstance(value, list | tuple):
        return [to_json(v, unit) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def display(value: Any, unit: str | None, lang: str = "zh") -> str:
    if value is None:
        return "未知" if lang == "zh" else "unknown"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if unit == "ratio":
        return percent(Fraction(value))
    if unit == "fen":
        return f"{fen_to_yuan(value):,.2f} " + ("元" if lang == "zh" else "yuan")
    if unit == "days":
        return f"{value} " + ("天" if lang == "zh" else "days")
    if unit == "persons":
        return f"{round_half_up(Fraction(value), 2)} " + ("人" if lang == "zh" else "persons")
    if unit == "points" and isinstance(value, Fraction | Decimal | int):
        frac = Fraction(value)
        return str(frac.numerator) if frac.denominator == 1 else f"{round_half_up(frac, 2)}"
    if isinstance(value, Fraction):
        return str(round_half_up(value, 2))
    return str(value)


def display_margin(margin: Any, unit: str | None, lang: str = "zh") -> str | None:
    """Signed distance to the threshold; ratios in percentage points."""
    if margin is None:
        return None
    sign = "+" if margin >= 0 else "−"
    magnitude = abs(margin)
    if unit == "ratio":
        pts = round_half_up(Fraction(magnitude) * 100, 2)
        return f"{sign}{pts} " + ("个百分点" if lang == "zh" else "percentage points")
    return sign + display(magnitude, unit, lang)


class Trace:
    """Ordered figures by id."""

    def __init__(self) -> None:
        self.figures: dict[str, Figure] = {}

    def add(self, fig: Figure) -> Figure:
        self.figures[fig.id] = fig
        return fig

    def get(self, fig_id: str) -> Figure:
        return self.figures[fig_id]

    def __contains__(self, fig_id: str) -> bool:
        return fig_id in self.figures

    def to_list(self, lang: str = "zh") -> list[dict]:
        return [f.to_dict(lang) for f in self.figures.values()]

    def closure(self, fig_id: str) -> list[Figure]:
        """The figure and everything it depends on, dependencies first."""
        order: list[Figure] = []
        seen: set[str] = set()

        def visit(i: str) -> None:
            if i in seen or i not in self.figures:
                return
            seen.add(i)
            for d in self.figures[i].depends:
                visit(d)
            order.append(self.figures[i])

        visit(fig_id)
        return order
