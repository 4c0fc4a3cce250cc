"""第十一条（七）企业创新能力评价应达到相应要求：综合得分70分以上（不含70分，I1）。

The score is a range [min, max] (subjective items from the applicant's assessment, else their full
range): pass when min > 70, fail when max ≤ 70, unknown in between.
"""

from hnte.core.context import Context
from hnte.core.numbers import to_fraction
from hnte.core.registry import criterion
from hnte.core.trace import Figure
from hnte.criteria.common import FAIL, PASS, UNKNOWN
from hnte.indicators.common import meets


def innovation_score(ctx: Context, c: Figure) -> None:
    from hnte.scoring import score_for

    score = score_for(ctx)
    c.depends.append("score.total")
    thr = ctx.param(c, "scoring.pass_mark")
    c.unit = "points"
    c.value = score.total_min if score.total_min == score.total_max else None
    c.details["range"] = [score.total_min, score.total_max]
    c.threshold = to_fraction(thr["min"])
    c.threshold_inclusive = bool(thr["inclusive"])
    if meets(score.total_min, thr):
        c.status = PASS
        c.margin = score.total_min - c.threshold
    elif not meets(score.total_max, thr):
        c.status = FAIL
        c.margin = score.total_max - c.threshold
    else:
        c.status = UNKNOWN
        c.missing.extend(m for m in score.missing if m not in c.missing)
        c.note(
            f"得分区间 {float(score.total_min):g}–{float(score.total_max):g} 跨越及格线，取决于专家评价",
            f"score range {float(score.total_min):g}–{float(score.total_max):g} straddles the pass mark; it depends on the experts",
        )


criterion("art11_7_innovation_score", scope="national_2016", label_zh="企业创新能力评价",
          label_en="Innovation ability score", cites=("measures_2016#art11-7", "guidelines_2016#sec3-7"))(innovation_score)
