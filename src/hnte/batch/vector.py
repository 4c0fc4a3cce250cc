"""The vectorised engine: every criterion and the score range over a typed table, exactly.

Money is integer fen, staff hundredths of a person; every ratio is compared by cross-multiplying in
128-bit integers (growth squares fen amounts), so no binary float decides a band (I14). Statuses are
nullable booleans: true = pass, false = fail, null = unknown (I21). Parameters are read from the same
dated YAML through :class:`~hnte.core.parameters.ParameterView`, for one law version, programme and
parameter epoch at a time (``hnte.batch.run`` groups the rows). Property tests prove this path equal to
the single-application engine on generated enterprises, boundaries included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

import polars as pl

from hnte.batch.columns import RD_CATEGORIES
from hnte.core.numbers import to_fraction
from hnte.core.parameters import ParameterView
from hnte.core.registry import CriterionDef, LawVersion, Programme, criteria_for
from hnte.criteria.beijing_pilot.sec2_1_field_and_size import above_designated_size, pilot_field
from hnte.criteria.beijing_pilot.sec2_2_registered_in_beijing import registered_in_region
from hnte.criteria.national_2008.art10_1_core_ip import core_ip_2008
from hnte.criteria.national_2008.art10_3_staff import college_science_tech_staff, rd_staff
from hnte.criteria.national_2016.art11_1_registration_age import registration_age
from hnte.criteria.national_2016.art11_2_core_ip import core_ip
from hnte.criteria.national_2016.art11_3_technical_field import technical_field
from hnte.criteria.national_2016.art11_4_science_tech_staff import science_tech_staff
from hnte.criteria.national_2016.art11_5_rd_expense import domestic_rd_share, rd_expense_ratio
from hnte.criteria.national_2016.art11_6_high_tech_income import high_tech_income
from hnte.criteria.national_2016.art11_7_innovation_score import innovation_score
from hnte.criteria.national_2016.art11_8_no_major_incident import no_major_incident
from hnte.criteria.suzhou_cultivation.conditions import never_identified

I128 = pl.Int128
INTERNAL = [c for c, _ in RD_CATEGORIES[:6]]
POINTS = 100  # score points are carried in hundredths (2008 scores are weight × ratio with two decimals)


def c(name: str) -> pl.Expr:
    return pl.col(name)


def big(e: pl.Expr) -> pl.Expr:
    return e.cast(I128)


def frac(value) -> tuple[int, int]:
    f = to_fraction(value)
    return f.numerator, f.denominator


def ge_ratio(num: pl.Expr, den: pl.Expr, threshold, inclusive: bool = True) -> pl.Expr:
    """num / den ≥ threshold (or >), exactly; den may be 0 (then the ratio counts as 0)."""
    p, q = frac(threshold)
    lhs = big(num) * q
    rhs = big(den) * p
    cmp = (lhs >= rhs) if inclusive else (lhs > rhs)
    zero = pl.lit(Fraction(0) >= to_fraction(threshold)) if inclusive else pl.lit(Fraction(0) > to_fraction(threshold))
    return pl.when(den == 0).then(zero).otherwise(cmp)


def ratio_float(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den == 0).then(0.0).otherwise(num.cast(pl.Float64) / den.cast(pl.Float64))


def all_present(names: list[str]) -> pl.Expr:
    return pl.all_horizontal([c(n).is_not_null() for n in names])


def pick(index: pl.Expr, labels: list[str]) -> pl.Expr:
    """``labels[index]`` (null where the index is null): the strings are built once, each row takes a view."""
    return pl.lit(pl.Series(labels, dtype=pl.String)).gather(index)


def table_at(index: pl.Expr, values: list[int], default: int) -> pl.Expr:
    """``values[index]``, ``default`` where the index is null (a short table: comparisons are cheaper than a gather)."""
    out = pl.lit(default)
    for i in reversed(range(len(values))):
        out = pl.when(index == i).then(values[i]).otherwise(out)
    return out


def status(known: pl.Expr, passed: pl.Expr) -> pl.Expr:
    return pl.when(known).then(passed).otherwise(pl.lit(None, dtype=pl.Boolean))


@dataclass
class Group:
    """The rows that share a law version, a programme and the parameters in force."""

    law: LawVersion
    programme: Programme
    when: dt.date
    overrides: dict | None = None

    @property
    def params(self) -> ParameterView:
        return ParameterView(self.when, self.programme.variant, self.overrides)

    def criteria(self) -> list[CriterionDef]:
        return criteria_for(self.law, self.programme)


class Evaluator:
    """Builds the Polars expressions for one group; ``evaluate(frame)`` adds the result columns."""

    def __init__(self, group: Group):
        self.g = group
        self.p = group.params
        self.cols: dict[str, pl.Expr] = {}

    def v(self, path: str):
        return self.p.ref(path).value

    # ---------------------------------------------------------------- base columns
    def base(self, df: pl.DataFrame) -> pl.DataFrame:
        exprs = [c("application_date").dt.year().cast(pl.Int64).alias("_app_year"),
                 c("registration_date").dt.year().cast(pl.Int64).alias("_reg_year")]
        for k in (1, 2, 3):
            names = [f"y{k}_sales_revenue", f"y{k}_net_assets", f"y{k}_total_assets"] + [f"y{k}_rd_{x}" for x, _ in RD_CATEGORIES]
            present = pl.any_horizontal([c(n).is_not_null() for n in names]) if k < 3 else pl.lit(True)
            exprs.append(present.alias(f"_present{k}"))
        df = df.with_columns(exprs)
        df = df.with_columns(
            (c("_present1").cast(pl.Int64) + c("_present2").cast(pl.Int64) + c("_present3").cast(pl.Int64)).alias("_n_years"),
            *[(c("_app_year") - (4 - k)).alias(f"_year{k}") for k in (1, 2, 3)],
        )
        return df

    def counted(self, n: int, prefix: str) -> list[pl.Expr]:
        """``{prefix}_ok`` (counted years known) and ``{prefix}{k}`` (year k counted) for the last n years."""
        out = []
        reg_known = c("_reg_year").is_not_null()
        ok = reg_known | (c("_n_years") >= n)
        out.append(ok.alias(f"{prefix}_ok"))
        for k in (1, 2, 3):
            in_range = pl.lit(k >= 4 - n)
            counted = in_range & (~reg_known | (c(f"_year{k}") >= c("_reg_year")))
            out.append((counted & ok).fill_null(False).alias(f"{prefix}{k}"))
        out.append(sum(pl.when(pl.lit(k >= 4 - n) & (~reg_known | (c(f"_year{k}") >= c("_reg_year")))).then(1).otherwise(0)
                       for k in (1, 2, 3)).alias(f"{prefix}_count"))
        return out

    # ---------------------------------------------------------------- indicators
    def rd(self, df: pl.DataFrame) -> pl.DataFrame:
        n = int(self.v("rd_expense.years_counted"))
        df = df.with_columns(self.counted(n, "_rdk"))
        po, qo = frac(self.v("rd_expense.outsourcing_counted_share"))
        pc, qc = frac(self.v("rd_expense.other_share_cap"))
        d = qo * (qc - pc)  # every amount below is carried × d, an integer
        exprs = []
        for k in (1, 2, 3):
            cats = [f"y{k}_rd_{x}" for x, _ in RD_CATEGORIES]
            internal = sum(c(f"y{k}_rd_{x}") for x in INTERNAL)
            out_dom, out_ovs, other = c(f"y{k}_rd_outsourced_domestic"), c(f"y{k}_rd_outsourced_overseas"), c(f"y{k}_rd_other")
            base_q = internal * qo + (out_dom + out_ovs) * po  # rest × qo
            rest_d = base_q * (qc - pc)
            cap_d = base_q * pc
            other_d = other * d
            other_counted = pl.when(other_d < cap_d).then(other_d).otherwise(cap_d)
            total_d = rest_d + other_counted
            domestic_d = internal * d + other_counted + out_dom * po * (qc - pc)
            counted = c(f"_rdk{k}")
            complete = c(f"_present{k}") & all_present(cats)
            exprs += [
                (~counted | complete).alias(f"_rdok{k}"),
                pl.when(counted).then(total_d).otherwise(0).alias(f"_rdt{k}"),
                pl.when(counted).then(domestic_d).otherwise(0).alias(f"_rdd{k}"),
                (~counted | c(f"y{k}_sales_revenue").is_not_null()).alias(f"_salesok{k}"),
                pl.when(counted).then(c(f"y{k}_sales_revenue")).otherwise(0).alias(f"_sales{k}"),
            ]
        df = df.with_columns(exprs)
        known_rd = c("_rdk_ok") & c("_rdok1") & c("_rdok2") & c("_rdok3")
        known_sales = c("_rdk_ok") & c("_salesok1") & c("_salesok2") & c("_salesok3")
        df = df.with_columns(
            known_rd.alias("_rd_known"), known_sales.alias("_sales_known"),
            (c("_rdt1").fill_null(0) + c("_rdt2").fill_null(0) + c("_rdt3").fill_null(0)).alias("_rd_total_d"),
            (c("_rdd1").fill_null(0) + c("_rdd2").fill_null(0) + c("_rdd3").fill_null(0)).alias("_rd_dom_d"),
            (c("_sales1").fill_null(0) + c("_sales2").fill_null(0) + c("_sales3").fill_null(0)).alias("_sales_total"),
        )
        # tier by the latest year's sales
        brackets = self.v("rd_expense.ratio_min_by_sales")
        rate_p: pl.Expr | None = None
        rate_q: pl.Expr | None = None
        for b in reversed(brackets):
            p, q = frac(b["rate"])
            if "upper" not in b:
                rate_p, rate_q = pl.lit(p, dtype=pl.Int64), pl.lit(q, dtype=pl.Int64)
                continue
            upper = int(to_fraction(b["upper"]) * 100)
            cond = (c("y3_sales_revenue") <= upper) if b.get("upper_inclusive") else (c("y3_sales_revenue") < upper)
            rate_p = pl.when(cond).then(pl.lit(p, dtype=pl.Int64)).otherwise(rate_p)
            rate_q = pl.when(cond).then(pl.lit(q, dtype=pl.Int64)).otherwise(rate_q)
        if len(brackets) > 1:
            rate_p = pl.when(c("y3_sales_revenue").is_null()).then(pl.lit(None, dtype=pl.Int64)).otherwise(rate_p)
        df = df.with_columns(rate_p.alias("_rate_p"), rate_q.alias("_rate_q"))
        ratio_ok = big(c("_rd_total_d")) * big(c("_rate_q")) >= big(c("_rate_p")) * big(c("_sales_total")) * d
        df = df.with_columns(
            status(known_rd & known_sales & c("_rate_p").is_not_null(),
                   pl.when(c("_sales_total") == 0).then(pl.lit(False)).otherwise(ratio_ok)).alias("_st_rd_ratio"),
            pl.when(known_rd & known_sales).then(
                pl.when(c("_sales_total") == 0).then(0.0).otherwise(c("_rd_total_d").cast(pl.Float64) / d / c("_sales_total").cast(pl.Float64))
            ).alias("rd_ratio"),
            (c("_rate_p").cast(pl.Float64) / c("_rate_q").cast(pl.Float64)).alias("rd_ratio_min"),
        )
        dom_min = self.v("rd_expense.domestic_share_min")
        df = df.with_columns(
            status(known_rd, ge_ratio(c("_rd_dom_d"), c("_rd_total_d"), dom_min["min"], dom_min["inclusive"])).alias("_st_domestic"),
            pl.when(known_rd).then(ratio_float(c("_rd_dom_d"), c("_rd_total_d"))).alias("rd_domestic_share"),
        )
        return df

    def simple(self, df: pl.DataFrame) -> pl.DataFrame:
        out = []
        thr = self.v("registration_age.min_days")
        days = (c("application_date").to_physical() - c("registration_date").to_physical()).cast(pl.Int64)  # dates are day numbers
        out.append(days.alias("registration_days"))
        passed = (days >= int(thr["min"])) if thr["inclusive"] else (days > int(thr["min"]))
        out.append(status(c("registration_date").is_not_null(), passed).alias("_st_registration"))
        # staff (latest year, hundredths of a person)
        for measure, col, path in (("science_tech", "staff_science_tech", "staff.science_tech_ratio_min"),
                                   ("college", "staff_science_tech_college", "staff.science_tech_college_ratio_min"),
                                   ("rd_staff", "staff_rd", "staff.rd_staff_ratio_min")):
            if not self.p.has(path):
                continue
            t = self.v(path)
            known = c(col).is_not_null() & c("staff_total").is_not_null()
            out.append(status(known, ge_ratio(c(col), c("staff_total"), t["min"], t["inclusive"])).alias(f"_st_staff_{measure}"))
            out.append(pl.when(known).then(ratio_float(c(col), c("staff_total"))).alias(f"staff_{measure}_ratio"))
        # high-tech income
        t = self.v("income.high_tech_ratio_min")
        total = c("total_income") - c("non_taxable_income")
        known = c("high_tech_income").is_not_null() & c("total_income").is_not_null() & c("non_taxable_income").is_not_null()
        out.append(status(known, ge_ratio(c("high_tech_income"), total, t["min"], t["inclusive"])).alias("_st_high_tech"))
        out.append(pl.when(known).then(ratio_float(c("high_tech_income"), total)).alias("high_tech_ratio"))
        # technical field, incidents
        out.append(status(c("technical_field").is_not_null(), pl.lit(True)).alias("_st_field"))
        if self.p.has("incidents.lookback_days"):
            lookback = int(self.v("incidents.lookback_days"))
            before = c("application_date").to_physical() - c("incident_date").to_physical()  # days (dates are day numbers)
            hit = c("incident_date").is_not_null() & (before <= lookback) & (before >= 0)
            out.append((~hit).alias("_st_incident"))
        return df.with_columns(out)

    def ip(self, df: pl.DataFrame) -> pl.DataFrame:
        ip_cols = ["ip_class1_self", "ip_class1_acquired", "ip_class2_self", "ip_class2_acquired", "ip_class2_used"]
        known = pl.any_horizontal([c(x).is_not_null() for x in ip_cols])
        z = {x: c(x).fill_null(0) for x in ip_cols}
        class1 = z["ip_class1_self"] + z["ip_class1_acquired"]
        class2 = z["ip_class2_self"] + z["ip_class2_acquired"]
        if self.p.has("intellectual_property.class2_single_use"):  # 2016: Class II used once
            usable = class1 + class2
        else:  # 2008: every listed item counts (obtained within three years: the table's IP is current)
            usable = class1 + class2 + z["ip_class2_used"]
        self_dev = z["ip_class1_self"] + z["ip_class2_self"] + (z["ip_class2_used"] if not self.p.has("intellectual_property.class2_single_use") else 0)
        df = df.with_columns(
            known.alias("_ip_known"), pl.when(known).then(usable).alias("ip_usable"), class1.alias("_ip_class1"), class2.alias("_ip_class2"),
            self_dev.alias("_ip_self"),
        )
        if self.p.has("products.main_products_share_min"):
            t = self.v("products.main_products_share_min")
            share_known = c("_ip_known") & c("main_products_income").is_not_null() & c("high_tech_income").is_not_null()
            share_ok = ge_ratio(c("main_products_income"), c("high_tech_income"), t["min"], t["inclusive"])
            df = df.with_columns(
                pl.when(c("_ip_known") & (c("ip_usable") == 0)).then(pl.lit(False)).otherwise(status(share_known, share_ok)).alias("_st_core_ip"),
                pl.when(share_known).then(ratio_float(c("main_products_income"), c("high_tech_income"))).alias("main_products_share"),
            )
        else:
            df = df.with_columns(status(c("_ip_known"), c("ip_usable") >= 1).alias("_st_core_ip_2008"))
        return df

    def programme_conditions(self, df: pl.DataFrame) -> pl.DataFrame:
        out = []
        if self.p.has("enterprise.pilot_fields"):
            allowed = list(self.v("enterprise.pilot_fields"))
            out.append(status(c("pilot_field").is_not_null(), c("pilot_field").is_in(allowed)).alias("_st_pilot_field"))
        if self.p.has("enterprise.above_size_min_revenue"):
            thresholds = self.v("enterprise.above_size_min_revenue")
            minimum = pl.lit(None, dtype=pl.Int64)
            for industry, value in thresholds.items():
                if value is not None:
                    minimum = pl.when(c("industry") == industry).then(pl.lit(int(to_fraction(value) * 100))).otherwise(minimum)
            by_revenue = minimum.is_not_null() & c("y3_sales_revenue").is_not_null()
            decided = pl.when(by_revenue).then(c("y3_sales_revenue") >= minimum).otherwise(c("above_designated_size"))
            out.append(decided.alias("_st_above_size"))
        prefix = self.v("enterprise.region_code_prefix")
        if prefix is not None:
            out.append(status(c("region_code").is_not_null(), c("region_code").str.starts_with(prefix)).alias("_st_region"))
        out.append(status(c("previously_identified").is_not_null(), ~c("previously_identified").fill_null(False)).alias("_st_never_identified"))
        return df.with_columns(out)

    # ---------------------------------------------------------------- growth (exact, Int128)
    def growth(self, df: pl.DataFrame, field: str, name: str, table: list[dict], band_key: str) -> pl.DataFrame:
        n = int(self.v("growth.years_counted"))
        rules = self.v("growth.non_positive_rules")
        df = df.with_columns(self.counted(n, "_gk"))
        known = c("_gk_ok")
        for k in (1, 2, 3):
            known = known & (~c(f"_gk{k}") | (c(f"_present{k}") & c(f"y{k}_{field}").is_not_null()))
        # the counted values, oldest first: with counted years forming a suffix, count = 1, 2 or 3
        df = df.with_columns(
            (c("_gk1").cast(pl.Int64) + c("_gk2").cast(pl.Int64) + c("_gk3").cast(pl.Int64)).alias("_g_cnt"),
            (big(c(f"y2_{field}")) * big(c(f"y2_{field}")) + big(c(f"y3_{field}")) * big(c(f"y1_{field}"))).alias("_g_a"),
            (big(c(f"y1_{field}")) * big(c(f"y2_{field}")) * 2).alias("_g_b"),
        )
        y1, y2, y3 = (big(c(f"y{k}_{field}")) for k in (1, 2, 3))
        z1, z2, z3 = (c(f"y{k}_{field}") for k in (1, 2, 3))  # signs on Int64
        cnt = c("_g_cnt")
        # g ≥ rate ⟺ num·q ≥ den·(q + p), exactly: three counted years (the first positive) compare
        # (y2² + y3·y1) / (2·y1·y2), two years (or three, the first not positive, when the last two then count) y3 / y2
        last_two = rules["first_year_non_positive"] == "last_two_years"
        mean = (cnt == 3) & (z1 > 0)
        df = df.with_columns(pl.when(mean).then(c("_g_a")).otherwise(y3).alias("_g_num"), pl.when(mean).then(c("_g_b")).otherwise(y2).alias("_g_den"),
                             ((cnt == 2) | ((cnt == 3) & ((z1 > 0) | pl.lit(last_two)))).alias("_g_ok"))
        num, den, ok = c("_g_num"), c("_g_den"), c("_g_ok")

        def at_least(rate) -> pl.Expr:
            p, q = frac(rate)
            return ok & (num * q >= den * (q + p))

        def above(rate) -> pl.Expr:
            p, q = frac(rate)
            return ok & (num * q > den * (q + p))

        forced_zero = (cnt <= 1) | ((cnt == 3) & (z2 <= 0)) | ((cnt == 2) & ((z2 <= 0) | (z3 <= 0)))
        if not last_two:
            forced_zero = forced_zero | ((cnt == 3) & (z1 <= 0))
        last = len(table) - 1  # the grade: an index into ``table``
        grade = pl.lit(last, dtype=pl.UInt32)
        for i in reversed(range(last)):
            row = table[i]
            test = at_least(row[band_key]) if row.get("inclusive", True) else above(row[band_key])
            grade = pl.when(test).then(pl.lit(i, dtype=pl.UInt32)).otherwise(grade)
        grade = pl.when(forced_zero).then(pl.lit(last, dtype=pl.UInt32)).otherwise(grade)
        f1, f2, f3 = (c(f"y{k}_{field}").cast(pl.Float64) for k in (1, 2, 3))  # from Int64: the same doubles as from Int128
        g_float = pl.when(forced_zero).then(None).when(cnt == 3).then(
            pl.when(z1 <= 0).then(f3 / f2 - 1).otherwise(0.5 * (f2 / f1 + f3 / f2) - 1)
        ).otherwise(f3 / f2 - 1)
        return df.with_columns(pl.when(known).then(grade).alias(f"_grade_{name}"), pl.when(known).then(g_float).alias(name))

    # ---------------------------------------------------------------- score
    def conversions(self, df: pl.DataFrame) -> pl.DataFrame:
        n = int(self.v("conversion.average_divisor")["years"])
        df = df.with_columns(self.counted(n, "_ck"))
        known = c("_ck_ok") & pl.any_horizontal([c(f"conversions_y{k}").is_not_null() for k in (1, 2, 3)])
        count = sum(pl.when(c(f"_ck{k}")).then(c(f"conversions_y{k}").fill_null(0)).otherwise(0) for k in (1, 2, 3))
        return df.with_columns(known.alias("_conv_known"), count.alias("_conv_count"), c("_ck_count").alias("_conv_years"),
                               pl.when(known).then(count / c("_ck_count")).alias("conversions_average"))

    def score_2016(self, df: pl.DataFrame) -> pl.DataFrame:
        def rng(lo: int, hi: int) -> tuple[pl.Expr, pl.Expr]:
            return pl.lit(lo * POINTS), pl.lit(hi * POINTS)

        items: list[tuple[pl.Expr, pl.Expr]] = []
        no_ip = c("_ip_known") & (c("ip_usable") == 0)
        for key, col in (("technology_advancement", "assess_technology_advancement"), ("core_support", "assess_core_support")):
            table = self.v(f"scoring.intellectual_property.{key}")
            lo = pl.lit(min(v[0] for v in table.values()) * POINTS)
            hi = pl.lit(max(v[1] for v in table.values()) * POINTS)
            for grade, (a, b) in table.items():
                lo = pl.when(c(col) == grade).then(a * POINTS).otherwise(lo)
                hi = pl.when(c(col) == grade).then(b * POINTS).otherwise(hi)
            e_lo, e_hi = table["E"]
            items.append((pl.when(no_ip).then(e_lo * POINTS).otherwise(lo), pl.when(no_ip).then(e_hi * POINTS).otherwise(hi)))
        table = self.v("scoring.intellectual_property.quantity")
        lo, hi = pl.lit(table[-1]["points"][0] * POINTS), pl.lit(table[-1]["points"][1] * POINTS)
        for row in reversed(table[:-1]):
            have = c("_ip_class1") if row["class"] == "I" else c("_ip_class2")
            cond = have >= row["min_count"]
            lo = pl.when(cond).then(row["points"][0] * POINTS).otherwise(lo)
            hi = pl.when(cond).then(row["points"][1] * POINTS).otherwise(hi)
        all_lo, all_hi = min(r["points"][0] for r in table), max(r["points"][1] for r in table)
        items.append((pl.when(c("_ip_known")).then(lo).otherwise(all_lo * POINTS), pl.when(c("_ip_known")).then(hi).otherwise(all_hi * POINTS)))
        acq = self.v("scoring.intellectual_property.acquisition")
        a_lo = pl.when(~c("_ip_known")).then(acq["none"][0]).when(c("ip_usable") == 0).then(acq["none"][0]).when(c("_ip_self") > 0).then(
            acq["A"][0]).otherwise(acq["B"][0])
        a_hi = pl.when(~c("_ip_known")).then(acq["A"][1]).when(c("ip_usable") == 0).then(acq["none"][1]).when(c("_ip_self") > 0).then(
            acq["A"][1]).otherwise(acq["B"][1])
        items.append((a_lo * POINTS, a_hi * POINTS))
        std = self.v("scoring.intellectual_property.standards_bonus")
        s_col = c("assess_standards")
        items.append((pl.when(s_col.is_null()).then(std["B"][0]).when(s_col).then(std["A"][0]).otherwise(std["B"][0]) * POINTS,
                      pl.when(s_col.is_null()).then(std["A"][1]).when(s_col).then(std["A"][1]).otherwise(std["B"][1]) * POINTS))
        cap = int(self.v("scoring.intellectual_property.cap")) * POINTS
        ip_lo = sum(x[0] for x in items)
        ip_hi = sum(x[1] for x in items)
        ip_lo = pl.when(ip_lo > cap).then(cap).otherwise(ip_lo)
        ip_hi = pl.when(ip_hi > cap).then(cap).otherwise(ip_hi)
        # conversion
        table = self.v("scoring.conversion.grades")
        lo, hi = pl.lit(table[-1]["points"][0] * POINTS), pl.lit(table[-1]["points"][1] * POINTS)
        for row in reversed(table[:-1]):
            p, q = frac(row["min_average"])
            lhs, rhs = c("_conv_count") * q, c("_conv_years") * p
            cond = (lhs >= rhs) if row.get("inclusive", True) else (lhs > rhs)
            lo = pl.when(cond).then(row["points"][0] * POINTS).otherwise(lo)
            hi = pl.when(cond).then(row["points"][1] * POINTS).otherwise(hi)
        conv_lo = pl.when(c("_conv_known")).then(lo).otherwise(min(r["points"][0] for r in table) * POINTS)
        conv_hi = pl.when(c("_conv_known")).then(hi).otherwise(max(r["points"][1] for r in table) * POINTS)
        # R&D management
        maxima = self.v("scoring.rd_management.items")
        rm_lo = sum(c(f"assess_rd_{k}").fill_null(0) for k in maxima) * POINTS
        rm_hi = sum(pl.when(c(f"assess_rd_{k}").is_null()).then(int(top)).otherwise(c(f"assess_rd_{k}")) for k, top in maxima.items()) * POINTS
        # growth
        table = self.v("scoring.growth.grades")
        points = {r["grade"]: r["points"] for r in table}
        g_lo = pl.lit(0)
        g_hi = pl.lit(0)
        for name in ("growth_net_assets", "growth_sales"):
            grade = c(f"_grade_{name}")  # an index into the growth table
            lo = table_at(grade, [points[r["grade"]][0] for r in table], min(p[0] for p in points.values()))
            hi = table_at(grade, [points[r["grade"]][1] for r in table], max(p[1] for p in points.values()))
            g_lo = g_lo + lo * POINTS
            g_hi = g_hi + hi * POINTS
        return df.with_columns((ip_lo + conv_lo + rm_lo + g_lo).alias("_score_min"), (ip_hi + conv_hi + rm_hi + g_hi).alias("_score_max"))

    def score_2008(self, df: pl.DataFrame) -> pl.DataFrame:
        weights = {k: to_fraction(v) for k, v in self.v("scoring.weights_2008").items()}
        bands = {g: (to_fraction(a), to_fraction(b)) for g, (a, b) in self.v("scoring.ratio_bands_2008").items()}

        def pts(weight_key: str, grade: pl.Expr | None) -> tuple[pl.Expr, pl.Expr]:
            w = weights[weight_key]
            lo_all = int(w * min(b[0] for b in bands.values()) * POINTS)
            hi_all = int(w * max(b[1] for b in bands.values()) * POINTS)
            if grade is None:
                return pl.lit(lo_all), pl.lit(hi_all)
            lo, hi = pl.lit(lo_all), pl.lit(hi_all)
            for g, (a, b) in bands.items():
                lo = pl.when(grade == g).then(int(w * a * POINTS)).otherwise(lo)
                hi = pl.when(grade == g).then(int(w * b * POINTS)).otherwise(hi)
            return lo, hi

        # core IP
        table = self.v("scoring.intellectual_property.grades_2008")
        count, inv = c("ip_usable"), c("_ip_class1")
        grade = pl.lit(table[-1]["grade"])
        for row in reversed(table[:-1]):
            cond = count >= row["min_count"]
            if "min_inventions" in row:
                cond = cond | (inv >= row["min_inventions"])
            grade = pl.when(cond).then(pl.lit(row["grade"])).otherwise(grade)
        ip_lo, ip_hi = pts("intellectual_property", grade)
        all_lo, all_hi = pts("intellectual_property", None)
        ip_lo, ip_hi = pl.when(c("_ip_known")).then(ip_lo).otherwise(all_lo), pl.when(c("_ip_known")).then(ip_hi).otherwise(all_hi)
        # conversion
        table = self.v("scoring.conversion.grades_2008")
        grade = pl.lit(table[-1]["grade"])
        for row in reversed(table[:-1]):
            p, q = frac(row["min_average"])
            lhs, rhs = c("_conv_count") * q, c("_conv_years") * p
            grade = pl.when((lhs >= rhs) if row.get("inclusive", True) else (lhs > rhs)).then(pl.lit(row["grade"])).otherwise(grade)
        cv_lo, cv_hi = pts("conversion", grade)
        a_lo, a_hi = pts("conversion", None)
        cv_lo, cv_hi = pl.when(c("_conv_known")).then(cv_lo).otherwise(a_lo), pl.when(c("_conv_known")).then(cv_hi).otherwise(a_hi)
        # R&D management: grade by the number of items met
        by_count = {int(k): v for k, v in self.v("scoring.rd_management.grades_2008").items()}
        grade = pl.lit(None, dtype=pl.String)
        for n_met, g in by_count.items():
            grade = pl.when(c("assess_rd_2008_met") == n_met).then(pl.lit(g)).otherwise(grade)
        rm_lo, rm_hi = pts("rd_management", grade)
        a_lo, a_hi = pts("rd_management", None)
        rm_lo = pl.when(c("assess_rd_2008_met").is_not_null()).then(rm_lo).otherwise(a_lo)
        rm_hi = pl.when(c("assess_rd_2008_met").is_not_null()).then(rm_hi).otherwise(a_hi)
        total_lo, total_hi = ip_lo + cv_lo + rm_lo, ip_hi + cv_hi + rm_hi
        growth = self.v("scoring.growth.grades_2008")
        for name, key in (("growth_total_assets", "total_assets_growth"), ("growth_sales", "sales_growth")):
            w = weights[key]
            lo_all = int(w * min(b[0] for b in bands.values()) * POINTS)
            hi_all = int(w * max(b[1] for b in bands.values()) * POINTS)
            labels = [r["grade"] for r in growth]  # the grade column is an index into the growth table
            total_lo = total_lo + table_at(c(f"_grade_{name}"), [int(w * bands[g][0] * POINTS) if g in bands else lo_all for g in labels], lo_all)
            total_hi = total_hi + table_at(c(f"_grade_{name}"), [int(w * bands[g][1] * POINTS) if g in bands else hi_all for g in labels], hi_all)
        return df.with_columns(total_lo.alias("_score_min"), total_hi.alias("_score_max"))

    def score_status(self, df: pl.DataFrame) -> pl.DataFrame:
        thr = self.v("scoring.pass_mark")
        mark = int(to_fraction(thr["min"]) * POINTS)
        inclusive = bool(thr["inclusive"])
        meets_min = (c("_score_min") >= mark) if inclusive else (c("_score_min") > mark)
        meets_max = (c("_score_max") >= mark) if inclusive else (c("_score_max") > mark)
        return df.with_columns(
            pick(pl.when(meets_min).then(pl.lit(0, dtype=pl.UInt32)).when(~meets_max).then(pl.lit(1, dtype=pl.UInt32))
                 .otherwise(pl.lit(2, dtype=pl.UInt32)), ["certain", "impossible", "possible"]).alias("score_verdict"),
            pl.when(meets_min).then(pl.lit(True)).when(~meets_max).then(pl.lit(False)).otherwise(pl.lit(None, dtype=pl.Boolean)).alias("_st_score"),
            (c("_score_min") / POINTS).round(2).alias("score_min"), (c("_score_max") / POINTS).round(2).alias("score_max"),
        )

    # ---------------------------------------------------------------- all together
    def evaluate(self, df: pl.DataFrame | pl.LazyFrame, *, has_base: bool = False) -> tuple[pl.DataFrame | pl.LazyFrame, list[CriterionDef]]:
        """Add every indicator, status and score column. Works on a LazyFrame too (one optimised plan)."""
        if not has_base:
            df = self.base(df)
        df = self.rd(df)
        df = self.simple(df)
        df = self.ip(df)
        df = self.programme_conditions(df)
        df = self.conversions(df)
        if self.p.has("scoring.growth.grades"):
            table = self.v("scoring.growth.grades")
            df = self.growth(df, "net_assets", "growth_net_assets", table, "min_rate")
            df = self.growth(df, "sales_revenue", "growth_sales", table, "min_rate")
            df = self.score_2016(df)
        else:
            table = self.v("scoring.growth.grades_2008")
            df = self.growth(df, "total_assets", "growth_total_assets", table, "min_rate")
            df = self.growth(df, "sales_revenue", "growth_sales", table, "min_rate")
            df = self.score_2008(df)
        df = self.score_status(df)
        criteria = self.g.criteria()
        df = df.with_columns([c(STATUS_COLUMN[d.fn]).alias(f"c_{d.id}") for d in criteria])
        return df, criteria


STATUS_COLUMN = {
    registration_age: "_st_registration",
    core_ip: "_st_core_ip",
    core_ip_2008: "_st_core_ip_2008",
    technical_field: "_st_field",
    science_tech_staff: "_st_staff_science_tech",
    college_science_tech_staff: "_st_staff_college",
    rd_staff: "_st_staff_rd_staff",
    rd_expense_ratio: "_st_rd_ratio",
    domestic_rd_share: "_st_domestic",
    high_tech_income: "_st_high_tech",
    innovation_score: "_st_score",
    no_major_incident: "_st_incident",
    pilot_field: "_st_pilot_field",
    above_designated_size: "_st_above_size",
    registered_in_region: "_st_region",
    never_identified: "_st_never_identified",
}
