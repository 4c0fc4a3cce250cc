"""A folder of application files (YAML/JSON) as a batch: each file through the single engine, one output
row per file in the same columns as the table path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from hnte.batch.table import RowError, read_application_folder
from hnte.core.errors import InputError
from hnte.engine import assess

INDICATORS = {
    "registration_age_days": "registration_days", "rd_expense.ratio": "rd_ratio", "rd_expense.ratio_min": "rd_ratio_min",
    "rd_expense.domestic_share": "rd_domestic_share", "staff.science_tech_ratio": "staff_science_tech_ratio",
    "staff.science_tech_college_ratio": "staff_college_ratio", "staff.rd_staff_ratio": "staff_rd_staff_ratio",
    "income.high_tech_ratio": "high_tech_ratio", "products.main_share": "main_products_share", "ip.usable": "ip_usable",
    "conversions.annual_average": "conversions_average", "growth.net_assets": "growth_net_assets",
    "growth.total_assets": "growth_total_assets", "growth.sales": "growth_sales",
}
SIZE_BANDS = ((50_000_000_00, "≤5000万"), (200_000_000_00, "5000万–2亿"))


def _size_band(sales) -> str | None:
    if sales is None:
        return None
    fen = int(sales * 100)
    for upper, label in SIZE_BANDS:
        if fen <= upper:
            return label
    return ">2亿"


def assess_folder(folder: Path, *, as_of: dt.date | None = None, programme: str | None = None) -> tuple[pl.DataFrame, list[RowError]]:
    rows: list[dict] = []
    errors: list[RowError] = []
    for index, (name, loaded) in enumerate(read_application_folder(folder), start=1):
        path = Path(name)
        try:
            if isinstance(loaded, InputError):
                raise loaded
            app = loaded
            if as_of is not None:
                app = app.model_copy(update={"application_date": as_of})
            result = assess(app, programme, source=str(path), with_alternative=False)
        except InputError as e:
            errors += [RowError(index, i.path or "-", path.name, i.message_zh, i.message_en) for i in e.issues]
            continue
        row: dict = {"_row": index, "id": path.name, "name": app.enterprise.name, "programme": result.programme.id,
                     "law_version": result.law.id, "verdict": result.verdict}
        gap = None
        for c in result.criteria:
            row[f"c_{c.id}"] = c.status
        for c in result.criteria:
            if c.status == "fail":
                gap = c.id
                break
        if gap is None:
            gap = next((f"{c.id} (unknown)" for c in result.criteria if c.status == "unknown"), None)
        row.update(score_min=float(result.score.total_min), score_max=float(result.score.total_max),
                   score_verdict=result.score.verdict, main_gap=gap)
        for fig_id, col in INDICATORS.items():
            if fig_id in result.ctx.trace:
                value = result.ctx.trace.get(fig_id).value
                row[col] = None if value is None else float(value)
        ent = app.enterprise
        row.update(province=ent.region_code[:2] if ent.region_code else None,
                   field=ent.technical_field.split(".")[0] if ent.technical_field else None,
                   size_band=_size_band(app.latest.sales_revenue))
        rows.append(row)
    return pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame(), errors
