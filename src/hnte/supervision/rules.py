"""Supervision rules as pure functions (Measures 2016 Art. 13, 16–19; Guidelines 2016 part 5)."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from hnte.core.parameters import ParameterView

CLASS_II = {"utility_model", "design_patent", "software_copyright"}


@dataclass(frozen=True)
class Recovery:
    ground: str
    label_zh: str
    label_en: str
    from_year: int
    years: tuple[int, ...]  # tax years whose HNTE benefit is recovered
    cites: tuple[str, ...]


def benefit_years(issued_on: dt.date) -> tuple[int, ...]:
    """The tax years covered by a certificate: the issue year and the following ones, three in all (Art. 9)."""
    years = int(ParameterView(issued_on).ref("procedure.certificate_validity_years").value)
    return tuple(issued_on.year + i for i in range(years))


def recovery(ground: str, *, issued_on: dt.date, revoked_on: dt.date, start_year: int) -> Recovery:
    """The years of HNTE tax benefit to recover after a revocation on ``ground`` (art16, art17, art19_1..3).

    ``start_year`` is the year the ground sets: the first non-conforming year (Art. 16), the year of the name or
    major change (Art. 17), or the year the act occurred (Art. 19). Years run from there to the revocation year,
    within the certificate's years."""
    ref = ParameterView(revoked_on).ref("supervision.revocation_grounds")
    rules = ref.value
    if ground not in rules:
        raise ValueError(f"unknown revocation ground {ground!r}; choose one of {', '.join(rules)}")
    rule = rules[ground]
    years = tuple(y for y in benefit_years(issued_on) if start_year <= y <= revoked_on.year)
    cite = {"art16": "measures_2016#art16", "art17": "measures_2016#art17"}.get(ground, "measures_2016#art19")
    return Recovery(ground, rule["label_zh"], rule["label_en"], start_year, years, (cite,))


def reexamination_window(data: dict[str, Any], disputed_year: int) -> dict[str, Any]:
    """Guidelines 2016 part 5 (复核): a dispute over Art. 11(5) is re-examined on the disputed year and the two
    accounting years before it (fewer if the enterprise operated less), the tier chosen by the disputed year's
    sales. Returns an application dict whose years are exactly that window, dated so the engine reads the
    disputed year as the latest one."""
    years = [y for y in data.get("years") or [] if disputed_year - 2 <= int(y["year"]) <= disputed_year]
    if not years or int(years[-1]["year"]) != disputed_year:
        raise ValueError(f"the figures of the disputed year {disputed_year} are needed")
    out = copy.deepcopy(data)
    out["years"] = copy.deepcopy(years)
    out["application_date"] = f"{disputed_year + 1}-06-30"
    return out


def unusable_class_ii_ip(intellectual_property: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Class II IP already used in an earlier identification cannot be used again at re-identification
    (Guidelines 2016, 3(二)); Class I IP can."""
    return [ip for ip in intellectual_property if ip.get("kind") in CLASS_II and ip.get("used_in_previous_application")]


def prefill_reidentification(data: dict[str, Any], application_date: dt.date) -> dict[str, Any]:
    """A new application prefilled from the last one: same enterprise and IP (Class II IP marked as used),
    years shifted to the three before the new application date; figures of years not yet reported and
    product incomes are left for the enterprise to fill."""
    out = {k: copy.deepcopy(v) for k, v in data.items() if k in ("format", "programme", "enterprise", "intellectual_property",
                                                                    "rd_projects", "products", "assessment")}
    out["application_date"] = application_date.isoformat()
    for ip in out.get("intellectual_property", []):
        if ip.get("kind") in CLASS_II:
            ip["used_in_previous_application"] = True
    old = {int(y["year"]): y for y in data.get("years") or []}
    out["years"] = [copy.deepcopy(old.get(y, {"year": y})) for y in range(application_date.year - 3, application_date.year)]
    for product in out.get("products", []):
        product.pop("income", None)  # last year's income is a new year's fact
    return out
