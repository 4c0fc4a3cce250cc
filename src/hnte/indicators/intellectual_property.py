"""知识产权 — which IP counts (class, Class II single use, 2008 recency), counts, main products share."""

from __future__ import annotations

from fractions import Fraction

from hnte.application.model import Acquisition, IntellectualProperty
from hnte.core.context import Context
from hnte.core.numbers import yuan_to_fen
from hnte.core.registry import indicator
from hnte.core.trace import Figure
from hnte.indicators.common import ratio, years_before


def _usable(ctx: Context, fig: Figure, i: int, ip: IntellectualProperty, classes: dict) -> tuple[bool | None, str | None]:
    """Whether one IP item counts for this application (None = unknown), and its class."""
    klass = classes.get(ip.kind.value)
    path = f"intellectual_property[{i}]"
    if klass is None:
        fig.note(f"{ip.number}：{ip.kind.value} 不属于本版认定办法所列知识产权", f"{ip.number}: {ip.kind.value} is not a recognised IP kind under this law version")
        return False, None
    if ctx.params.has("intellectual_property.acquired_within_years"):  # 2008: "近三年内" or a ≥ 5-year exclusive licence
        within = int(ctx.param(fig, "intellectual_property.acquired_within_years"))
        licence_min = int(ctx.param(fig, "intellectual_property.exclusive_licence_min_years"))
        if ip.acquisition == Acquisition.exclusive_licence:
            if ip.licence_years is None:
                ctx.missing(fig, f"{path}.licence_years")
                return None, klass
            ok = ip.licence_years >= licence_min
            if not ok:
                fig.note(f"{ip.number}：独占许可 {ip.licence_years} 年，不足 {licence_min} 年", f"{ip.number}: exclusive licence of {ip.licence_years} years, fewer than {licence_min}")
            return ok, klass
        obtained = ip.acquired_on or ip.granted_on
        if obtained is None:
            ctx.missing(fig, f"{path}.granted_on")
            return None, klass
        since = years_before(ctx.app.application_date, within)
        if obtained < since:
            fig.note(f"{ip.number}：获得于 {obtained}，早于近{within}年（{since} 起）", f"{ip.number}: obtained {obtained}, before the last {within} years ({since})")
            return False, klass
        return True, klass
    # 2016: ownership (no exclusive licence), Class II once
    if ip.acquisition == Acquisition.exclusive_licence:
        fig.note(f"{ip.number}：独占许可不属于所有权，不计入", f"{ip.number}: an exclusive licence is not ownership; not counted")
        return False, klass
    if klass == "II" and ctx.param(fig, "intellectual_property.class2_single_use") and ip.used_in_previous_application:
        fig.note(f"{ip.number}：Ⅱ类知识产权已在以往申请中使用，不能再次使用", f"{ip.number}: Class II IP already used in a previous application")
        return False, klass
    return True, klass


@indicator("ip.usable", label_zh="可用于本次申请的知识产权", label_en="IP usable in this application", unit="count",
           cites=("guidelines_2016#sec3-2",))
def usable_ip(ctx: Context, fig: Figure) -> int | None:
    items = ctx.app.intellectual_property
    classes = ctx.param(fig, "intellectual_property.class_by_kind")
    if items is None:
        ctx.missing(fig, "intellectual_property")
        return None
    listed: list[dict] = []
    unknown = False
    for i, ip in enumerate(items):
        ctx.input(fig, f"intellectual_property[{i}].number", ip.number)
        ok, klass = _usable(ctx, fig, i, ip, classes)
        if ok is None:
            unknown = True
        listed.append({"number": ip.number, "kind": ip.kind.value, "class": klass, "usable": ok,
                       "acquisition": ip.acquisition.value if ip.acquisition else None})
    fig.details["items"] = listed
    usable = [x for x in listed if x["usable"]]
    fig.details["by_class"] = {k: sum(1 for x in usable if x["class"] == k) for k in sorted({str(v) for v in classes.values() if v})}
    fig.details["self_developed"] = sum(1 for x in usable if x["acquisition"] == "self_developed")
    fig.details["acquisition_unknown"] = sum(1 for x in usable if x["acquisition"] is None)
    if unknown:
        return None
    return len(usable)


def supported_products(ctx: Context, fig: Figure) -> set[str] | None:
    """Product codes backed by usable owned core IP (via products[].core_ip or intellectual_property[].products)."""
    usable_fig = ctx.use(fig, "ip.usable")
    if usable_fig.value is None:
        return None
    usable = {x["number"] for x in usable_fig.details["items"] if x["usable"]}
    backed: set[str] = set()
    for prod in ctx.app.products or []:
        if any(n in usable for n in prod.core_ip or []):
            backed.add(prod.code)
    for ip in ctx.app.intellectual_property or []:
        if ip.number in usable:
            backed.update(ip.products or [])
    return backed


@indicator("products.main_share", label_zh="有核心知识产权支持的产品（服务）收入占高新技术产品（服务）收入比例",
           label_en="Income of IP-backed products / high-tech income", unit="ratio", cites=("guidelines_2016#sec3-3",))
def main_products_share(ctx: Context, fig: Figure) -> Fraction | None:
    products = ctx.app.products
    if products is None:
        ctx.missing(fig, "products")
    backed = supported_products(ctx, fig)
    ht = ctx.use(fig, "income.high_tech").value
    if products is None or backed is None or ht is None:
        return None
    income = 0
    complete = True
    for i, prod in enumerate(products):
        if prod.code not in backed:
            continue
        if prod.income is None:
            ctx.missing(fig, f"products[{i}].income")
            complete = False
            continue
        fen = yuan_to_fen(prod.income)
        ctx.input(fig, f"products[{i}].income", fen, "fen")
        income += fen
    fig.details["backed_products"] = sorted(backed)
    fig.details["backed_income"] = income
    if not complete:
        return None
    if ht == 0:
        fig.note("高新技术产品（服务）收入为0", "high-tech income is 0")
        return Fraction(0)
    return ratio(income, ht)
