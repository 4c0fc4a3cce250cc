"""A batch row as an application file: the bridge to the single-application engine.

The vectorised batch path is proven equal to ``assess(parse_application(row_to_application(row)))`` by
property tests. IP counts become IP items (Class I as invention patents, Class II as software
copyrights), linked to one main product ``PS01`` earning ``main_products_income``; the rest of the
high-tech income is a product ``PS02`` without core IP. Conversion counts become distinct achievements.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hnte.batch.columns import RD_CATEGORIES

YEAR_FIELDS = ("sales_revenue", "net_assets", "total_assets")


def _present(row: dict, *names: str) -> bool:
    return any(row.get(n) is not None for n in names)


def row_to_application(row: dict[str, Any], as_of: dt.date | None = None) -> dict[str, Any]:
    """Build the application data (as :func:`hnte.application.parse_application` takes it) from a typed row."""
    app_date: dt.date = as_of or row["application_date"]
    enterprise: dict[str, Any] = {"name": row.get("name") or str(row["id"])}
    for key in ("credit_code", "registration_date", "region_code", "technical_field", "industry", "above_designated_size",
                "pilot_field", "previously_identified"):
        if row.get(key) is not None:
            enterprise[key] = row[key]
    enterprise["incidents"] = [] if row.get("incident_date") is None else [{"date": row["incident_date"], "kind": "major_safety_accident"}]
    years = []
    months: dict[int, int] = {}
    for k in (1, 2, 3):
        names = [f"y{k}_{f}" for f in YEAR_FIELDS] + [f"y{k}_rd_{c}" for c, _ in RD_CATEGORIES]
        latest = k == 3
        if not (_present(row, *names) or latest):
            continue
        year = app_date.year - (4 - k)
        entry: dict[str, Any] = {"year": year}
        for f in YEAR_FIELDS:
            if row.get(f"y{k}_{f}") is not None:
                entry[f] = row[f"y{k}_{f}"]
        rd = {c: row[f"y{k}_rd_{c}"] for c, _ in RD_CATEGORIES if row.get(f"y{k}_rd_{c}") is not None}
        if rd:
            entry["rd_expenses"] = rd
        if row.get(f"y{k}_operating_months") is not None:
            months[year] = row[f"y{k}_operating_months"]
        if latest:
            for f in ("total_income", "non_taxable_income", "high_tech_income"):
                if row.get(f) is not None:
                    entry[f] = row[f]
            staff = {target: row[src] for src, target in (("staff_total", "total_average"), ("staff_science_tech", "science_tech_average"),
                                                          ("staff_science_tech_college", "science_tech_college_average"),
                                                          ("staff_rd", "rd_staff_average")) if row.get(src) is not None}
            if staff:
                entry["staff"] = staff
        years.append(entry)
    if months:
        enterprise["operating_months"] = months
    data: dict[str, Any] = {"format": "hnte/application@1", "programme": row.get("programme") or "national",
                            "application_date": app_date, "enterprise": enterprise, "years": years}

    ip_cols = ("ip_class1_self", "ip_class1_acquired", "ip_class2_self", "ip_class2_acquired", "ip_class2_used")
    if _present(row, *ip_cols):
        items = []
        for col, kind, acquisition, used in (("ip_class1_self", "invention_patent", "self_developed", False),
                                             ("ip_class1_acquired", "invention_patent", "transfer", False),
                                             ("ip_class2_self", "software_copyright", "self_developed", False),
                                             ("ip_class2_acquired", "software_copyright", "transfer", False),
                                             ("ip_class2_used", "software_copyright", "self_developed", True)):
            for i in range(int(row.get(col) or 0)):
                item = {"number": f"{col}-{i + 1}", "kind": kind, "acquisition": acquisition, "acquired_on": app_date}
                if used:
                    item["used_in_previous_application"] = True
                items.append(item)
        data["intellectual_property"] = items
    if row.get("main_products_income") is not None:
        usable = [x["number"] for x in data.get("intellectual_property", []) if not x.get("used_in_previous_application")]
        products = [{"code": "PS01", "income": row["main_products_income"], "core_ip": usable}]
        rest = (row.get("high_tech_income") or Decimal(0)) - row["main_products_income"]
        if rest > 0:
            products.append({"code": "PS02", "income": rest})
        data["products"] = products
    if _present(row, "conversions_y1", "conversions_y2", "conversions_y3"):
        data["conversions"] = [{"year": app_date.year - (4 - k), "achievement": f"C{k}-{i + 1}"}
                               for k in (1, 2, 3) for i in range(int(row.get(f"conversions_y{k}") or 0))]
    assessment: dict[str, Any] = {}
    for src, target in (("assess_technology_advancement", "technology_advancement"), ("assess_core_support", "core_support"),
                        ("assess_standards", "standards_participation")):
        if row.get(src) is not None:
            assessment[target] = row[src]
    rm = {target: row[src] for src, target in (("assess_rd_system", "system"), ("assess_rd_institution", "institution"),
                                              ("assess_rd_conversion_incentives", "conversion_incentives"), ("assess_rd_talent", "talent"))
          if row.get(src) is not None}
    if rm:
        assessment["rd_management"] = rm
    if row.get("assess_rd_2008_met") is not None:
        met = int(row["assess_rd_2008_met"])
        keys = ("project_reports", "accounting_system", "industry_university_research", "rd_institution", "performance_rewards")
        assessment["rd_management_2008"] = {k: i < met for i, k in enumerate(keys)}
    if assessment:
        data["assessment"] = assessment
    return data
