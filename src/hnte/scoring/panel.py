"""The expert panel's score (专家组综合评价): each indicator averaged over the experts who score it (I2).

Technical experts score IP (≤ 30), conversion (≤ 30) and R&D management (≤ 20); financial experts score
growth (≤ 20); every expert scores in integers. The panel score is the sum of the four averages and may be
fractional: 70.4 passes, 70 does not (I1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from hnte.core.parameters import ParameterView
from hnte.indicators.common import meets


@dataclass(frozen=True)
class ExpertForm:
    expert: str
    role: str  # technical | financial
    scores: dict[str, int]  # the indicators this expert's form covers


@dataclass(frozen=True)
class PanelScore:
    averages: dict[str, Fraction]
    total: Fraction
    passes: bool


def panel_score(forms: list[ExpertForm], on: dt.date) -> PanelScore:
    """Average each indicator over the experts whose form covers it, then sum (I2); compare with the pass mark (I1)."""
    params = ParameterView(on)
    indicators = params.ref("scoring.panel_indicators").value
    averages: dict[str, Fraction] = {}
    for indicator, spec in indicators.items():
        role, top = spec["scored_by"], int(spec["max"])
        values = []
        for f in forms:
            if f.role != role:
                continue
            v = f.scores.get(indicator)
            if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= top:
                raise ValueError(f"{f.expert}: {indicator} must be an integer from 0 to {top}, got {v!r}")
            values.append(v)
        if not values:
            raise ValueError(f"no {role} expert scored {indicator}")
        averages[indicator] = Fraction(sum(values), len(values))
    total = sum(averages.values(), Fraction(0))
    pass_mark = params.ref("scoring.pass_mark").value
    return PanelScore(averages, total, meets(total, pass_mark))
