"""注册成立时间 — days from registration to application (Art. 11(一), 2008 Art. 2)."""

from __future__ import annotations

from hnte.core.context import Context
from hnte.core.registry import indicator
from hnte.core.trace import Figure


@indicator("registration_age_days", label_zh="注册成立日历天数（至申请日）", label_en="Calendar days from registration to application",
           unit="days", cites=("guidelines_2016#sec3-1",))
def registration_age_days(ctx: Context, fig: Figure) -> int | None:
    reg = ctx.app.enterprise.registration_date
    ctx.input(fig, "application_date", ctx.app.application_date)
    if reg is None:
        ctx.missing(fig, "enterprise.registration_date")
        return None
    ctx.input(fig, "enterprise.registration_date", reg)
    return (ctx.app.application_date - reg).days


@indicator("registered_region", label_zh="注册地行政区划代码", label_en="Registered region code", unit="text")
def registered_region(ctx: Context, fig: Figure) -> str | None:
    code = ctx.app.enterprise.region_code
    if code is None:
        ctx.missing(fig, "enterprise.region_code")
        return None
    return ctx.input(fig, "enterprise.region_code", code)
