"""The 2016 rubric (工作指引 三、（七）): IP ≤ 30, conversion ≤ 30, R&D management ≤ 20, growth ≤ 20."""

from __future__ import annotations

from hnte.core.context import Context
from hnte.core.registry import rubric
from hnte.core.trace import Figure
from hnte.scoring.rubric_2016.conversion import conversion_items
from hnte.scoring.rubric_2016.growth import growth_items
from hnte.scoring.rubric_2016.intellectual_property import intellectual_property_items
from hnte.scoring.rubric_2016.rd_management import rd_management_items


@rubric("national_2016")
def rubric_2016(ctx: Context) -> tuple[list[Figure], list[Figure]]:
    items: list[Figure] = []
    groups: list[Figure] = []
    for build in (intellectual_property_items, conversion_items, rd_management_items, growth_items):
        its, grp = build(ctx)
        items += its
        groups.append(grp)
    return items, groups
