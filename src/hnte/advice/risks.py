"""Risk checks reviewers are known to act on (seed training deck "认定不通过原因分析").

Each risk has a severity (high / medium / low), a reason and its evidence. A risk never changes a legal
verdict by itself. The thresholds below are the advisor's heuristics, not law.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hnte.core.numbers import percent, to_fraction
from hnte.engine import Assessment

HEURISTICS = {
    "ip_window_days": 180,           # all IP granted within this many days looks like a rush before applying
    "conversion_one_year_share": Fraction(7, 10),  # ≥ 70 % of conversions in one year
    "other_near_cap_share": Fraction(9, 10),        # other expenses ≥ 90 % of their cap
    "overseas_heavy_share": Fraction(3, 10),        # overseas outsourcing ≥ 30 % of counted R&D
    "domestic_margin": Fraction(5, 100),            # domestic share within 5 points of its threshold
    "rd_to_high_tech_income_min": Fraction(1, 100),  # latest R&D below 1 % of high-tech income
    "ledger_tolerance": Fraction(1, 100),           # project spend vs ledger, product incomes vs high-tech income
}


@dataclass
class Risk:
    id: str
    severity: str  # high | medium | low
    title_zh: str
    title_en: str
    reason_zh: str
    reason_en: str
    evidence: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity, "title": self.title_en if lang == "en" else self.title_zh,
                "reason": self.reason_en if lang == "en" else self.reason_zh, "evidence": self.evidence, "cites": self.cites}


def _usable_items(result: Assessment) -> list[dict]:
    fig = result.ctx.trace.get("ip.usable")
    return [x for x in fig.details.get("items", []) if x["usable"]]


def check_ip_timing(result: Assessment) -> list[Risk]:
    ips = [ip for ip in result.app.intellectual_property or [] if ip.granted_on]
    out = []
    app_year = result.app.application_date.year
    in_app_year = [ip.number for ip in ips if ip.granted_on.year == app_year]
    if in_app_year:
        out.append(Risk("ip_granted_in_application_year", "medium", "申报当年授权的知识产权", "IP granted in the application year",
                        "部分地区不认可申报当年授权的知识产权（如江苏2021年），专家也会关注是否为突击申请",
                        "some regions reject IP granted in the application year (e.g. Jiangsu 2021); experts look for rushed filings",
                        in_app_year, ["guidelines_2016#sec3-2-5"]))
    if len(ips) >= 2:
        dates = sorted(ip.granted_on for ip in ips)
        span = (dates[-1] - dates[0]).days
        if span <= HEURISTICS["ip_window_days"]:
            out.append(Risk("ip_granted_in_short_window", "medium", "知识产权集中在短期内取得", "All IP granted within a short window",
                            f"全部 {len(ips)} 项知识产权在 {span} 天内授权，易被认为是为申报而突击取得",
                            f"all {len(ips)} IP items were granted within {span} days, which reviewers read as a rush to qualify",
                            [f"{dates[0]} – {dates[-1]}"], ["guidelines_2016#sec3-7-1"]))
    return out


def check_ip_quality(result: Assessment) -> list[Risk]:
    out = []
    items = result.app.intellectual_property or []
    used = [ip.number for ip in items if ip.used_in_previous_application and result.ctx.trace.get("ip.usable").details
            and any(x["number"] == ip.number and x["class"] == "II" for x in result.ctx.trace.get("ip.usable").details["items"])]
    if used:
        out.append(Risk("class2_already_used", "high", "Ⅱ类知识产权已使用过", "Class II IP already used",
                        "按Ⅱ类评价的知识产权仅限使用一次，这些项目不计入本次申请", "Class II IP may be used once; these items do not count now",
                        used, ["guidelines_2016#sec3-2-3"]))
    usable = _usable_items(result)
    if usable and all(x["acquisition"] in ("transfer", "gift", "merger") for x in usable):
        out.append(Risk("only_acquired_ip", "medium", "知识产权全部为受让、受赠或并购取得", "Only transferred, gifted or merged IP",
                        "没有自主研发的知识产权：获得方式最多得3分，专家会核查技术是否真正消化吸收",
                        "no self-developed IP: acquisition scores at most 3 and experts check the technology was absorbed",
                        [x["number"] for x in usable], ["guidelines_2016#sec3-7-1"]))
    products = result.app.products or []
    linked = {n for p in products for n in (p.core_ip or [])} | {ip.number for ip in items if ip.products}
    unlinked = [ip.number for ip in items if ip.number not in linked]
    if unlinked:
        out.append(Risk("ip_not_linked", "low", "知识产权未关联产品", "IP not linked to any product",
                        "未与任何产品（服务）关联的知识产权难以证明对主要产品发挥核心支持作用",
                        "IP linked to no product (service) cannot show core support for the main products", unlinked, ["guidelines_2016#sec3-3"]))
    share = result.ctx.trace.get("products.main_share") if "products.main_share" in result.ctx.trace else None
    bare = [p.code for p in products if share is not None and p.code not in share.details.get("backed_products", [])]
    if bare:
        out.append(Risk("product_without_core_ip", "medium", "产品没有核心知识产权支持", "Products without core IP",
                        "这些产品（服务）不计入主要产品，其收入可能被专家核减出高新技术产品（服务）收入",
                        "these products are not main products and experts may strike their income from high-tech income", bare,
                        ["guidelines_2016#sec3-3", "guidelines_2016#sec3-6-1"]))
    co = [ip.number for ip in items if ip.co_owned]
    if co:
        out.append(Risk("co_owned_ip", "low", "共有知识产权", "Co-owned IP", "多个权属人时只能由一个权属人在申请时使用，需其他权属人书面放弃",
                        "with several owners only one may use the IP: the others must waive in writing", co, ["guidelines_2016#sec3-2-4"]))
    return out


def check_conversions(result: Assessment) -> list[Risk]:
    out = []
    convs = result.app.conversions or []
    granted = {ip.number: ip.granted_on for ip in result.app.intellectual_property or [] if ip.granted_on}
    early = [f"{c.achievement} ({c.year} < {granted[c.achievement].year})" for c in convs
             if c.achievement in granted and granted[c.achievement].year > c.year]
    if early:
        out.append(Risk("conversion_before_ip", "high", "转化年度早于知识产权授权", "Conversion before the IP was granted",
                        "成果转化引用的知识产权在转化年度之后才授权，专家会质疑转化的真实性",
                        "the conversion cites IP granted after the conversion year; experts will doubt it", early, ["guidelines_2016#sec3-7-2"]))
    if len(convs) >= 3:
        year, n = Counter(c.year for c in convs).most_common(1)[0]
        if Fraction(n, len(convs)) >= HEURISTICS["conversion_one_year_share"]:
            out.append(Risk("conversions_concentrated", "medium", "科技成果转化集中在一年", "Conversions concentrated in one year",
                            f"{len(convs)} 项转化中有 {n} 项在 {year} 年，专家按近3年年平均数并结合总体情况评价",
                            f"{n} of {len(convs)} conversions are in {year}; experts judge the three-year picture", [str(year)],
                            ["guidelines_2016#sec3-7-2"]))
    return out


def check_rd(result: Assessment) -> list[Risk]:
    out = []
    trace = result.ctx.trace
    total = trace.get("rd_expense.total") if "rd_expense.total" in trace else None
    if total is not None and total.value is not None:
        near, excluded = [], []
        for year, d in total.details["years"].items():
            other, cap = to_fraction(d["other_reported"]), to_fraction(d["other_cap"])
            if other > cap:
                excluded.append(f"{year}: {float(other - cap) / 100:,.2f}")
            elif cap and other >= cap * HEURISTICS["other_near_cap_share"]:
                near.append(f"{year}: {percent(other / cap)}")
        if excluded:
            out.append(Risk("other_expenses_excluded", "medium", "其他费用超过上限被剔除", "Other expenses above the cap were excluded",
                            "超过上限的其他费用不计入研发费用总额（元）", "other expenses above the cap are not counted (yuan)", excluded,
                            ["guidelines_2016#sec3-5-2-8"]))
        if near:
            out.append(Risk("other_expenses_near_cap", "low", "其他费用接近上限", "Other expenses close to the cap",
                            "其他费用已达上限的90%以上，专家核减任何一项研发费用都会使其超限", "other expenses are within 10 % of the cap; any expert cut pushes them over",
                            near, ["guidelines_2016#sec3-5-2-8"]))
        overseas = sum((to_fraction(d["outsourced_overseas_counted"]) for d in total.details["years"].values()), Fraction(0))
        if total.value and overseas / total.value >= HEURISTICS["overseas_heavy_share"]:
            out.append(Risk("heavy_overseas_outsourcing", "medium", "境外委托研发比重大", "Heavy overseas outsourcing",
                            f"境外委托研发占计入研发费用的 {percent(overseas / total.value)}，境内占比可能不足",
                            f"overseas outsourcing is {percent(overseas / total.value)} of counted R&D; the domestic share is at risk",
                            [percent(overseas / total.value)], ["guidelines_2016#sec3-5-3"]))
    for c in result.criteria:
        if "rd_expense.domestic_share" in c.depends and c.status == "pass" and c.margin is not None and c.margin < HEURISTICS["domestic_margin"]:
            out.append(Risk("domestic_share_margin", "medium", "境内研发费用占比余量小", "Thin margin on the domestic R&D share",
                            "境内占比仅略高于要求，专家核减境内项目即可能不达标", "the domestic share barely passes; an expert cut of domestic items could sink it",
                            [percent(to_fraction(c.value))], list(c.cites)))
    return out


def check_income_and_growth(result: Assessment) -> list[Risk]:
    out = []
    trace = result.ctx.trace
    app = result.app
    latest = app.latest
    if latest.high_tech_income is not None and latest.total_income is not None:
        net = latest.total_income - (latest.non_taxable_income or Decimal(0))
        if latest.high_tech_income > net:
            out.append(Risk("high_tech_above_total", "high", "高新技术收入大于总收入", "High-tech income above total income",
                            "高新技术产品（服务）收入不应超过收入总额减不征税收入", "high-tech income cannot exceed total income less non-taxable income",
                            [f"{latest.high_tech_income} > {net}"], ["guidelines_2016#sec3-6-2"]))
    products = app.products or []
    incomes = [p.income for p in products if p.income is not None]
    if latest.high_tech_income and incomes and len(incomes) == len(products):
        total = sum(incomes)
        if abs(to_fraction(total) - to_fraction(latest.high_tech_income)) > to_fraction(latest.high_tech_income) * HEURISTICS["ledger_tolerance"]:
            out.append(Risk("products_do_not_add_up", "medium", "产品收入与高新技术收入不一致", "Product incomes do not add up",
                            "上年度高新技术产品（服务）情况表的收入合计与专项审计的高新技术收入不一致",
                            "the product table's incomes do not add up to the audited high-tech income", [f"{total} ≠ {latest.high_tech_income}"],
                            ["guidelines_2016#sec3-6-1"]))
    rd = latest.rd_expenses
    if rd is not None and latest.high_tech_income and all(getattr(rd, c) is not None for c in ("personnel", "direct_inputs")):
        spent = sum((v for v in rd.model_dump().values() if v is not None), Decimal(0))
        if to_fraction(spent) < to_fraction(latest.high_tech_income) * HEURISTICS["rd_to_high_tech_income_min"]:
            out.append(Risk("trade_like_income", "medium", "高新技术收入疑似贸易收入", "High-tech income that looks like trade income",
                            "近一年研发投入不足高新技术收入的1%，专家可能认为部分收入来自贸易而非自有技术",
                            "last year's R&D is under 1 % of high-tech income; experts may see trade rather than own technology",
                            [f"R&D {spent} / {latest.high_tech_income}"], ["guidelines_2016#sec3-6-1"]))
    for key, zh, en in (("growth.net_assets", "净资产", "net assets"), ("growth.sales", "销售收入", "sales")):
        if key in trace:
            g = trace.get(key)
            if g.value is not None and g.value <= 0:
                out.append(Risk(f"negative_{key.split('.')[1]}_growth", "medium", f"{zh}负增长", f"Negative {en} growth",
                                f"{zh}增长率为 {percent(g.value)}，该项成长性得0分", f"{en} growth is {percent(g.value)}: 0 growth points",
                                [percent(g.value)], ["guidelines_2016#sec3-7-4"]))
    return out


def check_contradictions(result: Assessment) -> list[Risk]:
    out = []
    app = result.app
    for i, y in enumerate(app.years):
        s = y.staff
        if s is None:
            continue
        if s.science_tech_average is not None and s.total_average is not None and s.science_tech_average > s.total_average:
            out.append(Risk("science_tech_above_total", "high", "科技人员多于职工总数", "S&T staff above total staff",
                            "科技人员数不能超过职工总数", "S&T staff cannot exceed total employees", [f"years[{i}].staff"], ["guidelines_2016#sec3-4-1"]))
        if s.science_tech_monthly and s.total_monthly:
            months = [m for m, (a, b) in enumerate(zip(s.science_tech_monthly, s.total_monthly, strict=False)) if a[0] > b[0] or a[1] > b[1]]
            if months:
                out.append(Risk("science_tech_above_total", "high", "科技人员多于职工总数", "S&T staff above total staff",
                                "有月份的科技人员数超过职工总数", "in some months S&T staff exceed total employees",
                                [f"years[{i}] month {m + 1}" for m in months], ["guidelines_2016#sec3-4-1"]))
    trace = result.ctx.trace
    total = trace.get("rd_expense.total") if "rd_expense.total" in trace else None
    if app.rd_projects and total is not None and total.value is not None:
        for year in total.details["years"]:
            y = app.year(int(year))
            ledger = sum((v for v in y.rd_expenses.model_dump().values() if v is not None), Decimal(0))
            spend = sum((p.spend.get(int(year), Decimal(0)) for p in app.rd_projects if p.spend), Decimal(0))
            if spend and abs(to_fraction(spend) - to_fraction(ledger)) > to_fraction(ledger) * HEURISTICS["ledger_tolerance"]:
                out.append(Risk("projects_do_not_add_up", "medium", "研发项目支出与研发费用总额不一致", "Project spend does not add up to the ledger",
                                f"{year} 年各研发活动支出合计 {spend} 元，研发费用明细合计 {ledger} 元",
                                f"{year}: projects total {spend} yuan, the R&D ledger {ledger} yuan", [year], ["guidelines_2016#sec3-5-4"]))
    return out


CHECKS = (check_ip_timing, check_ip_quality, check_conversions, check_rd, check_income_and_growth, check_contradictions)
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def risks(result: Assessment) -> list[Risk]:
    found = [r for check in CHECKS for r in check(result)]
    return sorted(found, key=lambda r: SEVERITY_ORDER[r.severity])
