"""One call for the whole advice: comparison, gaps, score options, headroom, risks and benefits."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hnte.advice.benefits import benefits
from hnte.advice.gaps import Gap, criterion_gaps, headroom, score_gap
from hnte.advice.programmes import compare
from hnte.advice.risks import Risk, risks
from hnte.engine import Assessment

ADVICE_FORMAT = "hnte/advice@1"


@dataclass
class Advice:
    result: Assessment
    comparison: list[dict[str, Any]]
    gaps: list[Gap]
    score: dict[str, Any] | None
    headroom: list[dict[str, Any]]
    risks: list[Risk]
    benefits: dict[str, Any]
    lang: str = "zh"

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        lang = lang or self.lang
        score = None
        if self.score is not None:
            score = {k: v for k, v in self.score.items() if k not in {"options", "text_zh", "text_en"}}
            score["text"] = self.score["text_en" if lang == "en" else "text_zh"]
            score["options"] = [o.to_dict(lang) for o in self.score["options"]]
        return {
            "format": ADVICE_FORMAT,
            "comparison": self.comparison,
            "gaps": [g.to_dict(lang) for g in self.gaps],
            "score": score,
            "headroom": [{"criterion": h["criterion"], "other_income_headroom": h["other_income_headroom"],
                          "text": h["text_en" if lang == "en" else "text_zh"]} for h in self.headroom],
            "risks": [r.to_dict(lang) for r in self.risks],
            "benefits": self.benefits,
        }


def advise(result: Assessment, *, taxable_income: Decimal | None = None, certificate_year: int | None = None, lang: str = "zh") -> Advice:
    return Advice(
        result=result,
        comparison=compare(result.app, lang, current=result),
        gaps=criterion_gaps(result),
        score=score_gap(result),
        headroom=headroom(result),
        risks=risks(result),
        benefits=benefits(result, taxable_income, certificate_year),
        lang=lang,
    )
