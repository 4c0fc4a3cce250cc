"""What the status is worth: income tax saved (25 % vs 15 %), the longer loss carry-forward, the
expiry-year prepayment trap, and local rewards from a dated, cited table offices can extend."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from hnte.core.numbers import round_half_up, to_fraction, yuan_to_fen
from hnte.core.parameters import ParameterView
from hnte.engine import Assessment


def _yuan(fen: Fraction) -> float:
    return float(round_half_up(fen / 100, 2))


def local_rewards(result: Assessment, view: ParameterView) -> list[dict[str, Any]]:
    ent = result.app.enterprise
    kind = "re_identification" if ent.previously_identified else "first_identification"
    latest = result.app.latest.sales_revenue
    if not view.has("rewards.local"):
        return []
    ref = view.ref("rewards.local")
    out = []
    for row in ref.value:
        if row["kind"] != kind:
            continue
        code = row.get("region_code")
        if code is not None and not (ent.region_code or "").startswith(str(code)):
            continue
        if latest is not None:
            if "min_latest_sales" in row and latest < row["min_latest_sales"]:
                continue
            if "max_latest_sales" in row and latest > row["max_latest_sales"]:
                continue
        elif "min_latest_sales" in row or "max_latest_sales" in row:
            continue
        out.append({"id": row["id"], "region": row["region"], "kind": kind, "amount": float(row["amount"]),
                    "located": code is not None, "cites": [row["cites"]]})
    return out


def benefits(result: Assessment, taxable_income: Decimal | None = None, certificate_year: int | None = None) -> dict[str, Any]:
    app = result.app
    view = ParameterView(app.application_date)
    rates = view.ref("tax.eit_rates")
    standard, hnte = to_fraction(rates.value["standard"]), to_fraction(rates.value["hnte"])
    validity = int(view.ref("procedure.certificate_validity_years").value)
    first = certificate_year or app.application_date.year
    years = list(range(first, first + validity))
    out: dict[str, Any] = {
        "rates": {"standard": float(standard), "hnte": float(hnte), "cites": list(rates.cites)},
        "years": years,
        "saving_per_yuan": float(standard - hnte),
    }
    if taxable_income is not None:
        fen = yuan_to_fen(taxable_income)
        per_year = Fraction(fen) * (standard - hnte)
        out["taxable_income"] = float(taxable_income)
        out["saving_per_year"] = _yuan(per_year)
        out["saving_total"] = _yuan(per_year * len(years))
    if view.has("tax.loss_carry_forward_years"):
        loss = view.ref("tax.loss_carry_forward_years")
        out["loss_carry_forward"] = {"standard_years": int(loss.value["standard"]), "hnte_years": int(loss.value["hnte"]),
                                     "cites": list(loss.cites)}
    if view.has("tax.expiry_year_prepayment"):
        trap = view.ref("tax.expiry_year_prepayment")
        expiry_year = first + validity
        item: dict[str, Any] = {"expiry_year": expiry_year, "prepay_rate": float(trap.value["prepay_rate"]),
                                "true_up_rate": float(trap.value["true_up_rate"]), "cites": list(trap.cites)}
        if taxable_income is not None:
            item["at_risk"] = _yuan(Fraction(yuan_to_fen(taxable_income)) * (to_fraction(trap.value["true_up_rate"]) - to_fraction(trap.value["prepay_rate"])))
        out["expiry_year_prepayment"] = item
    out["local_rewards"] = local_rewards(result, view)
    return out
