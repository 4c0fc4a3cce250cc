"""``hnte synth``: a reproducible synthetic population whose every row is a valid application."""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal

import numpy as np
import polars as pl
import pytest

from hnte.application import parse_application
from hnte.batch.columns import COLUMNS, DTYPE_NAME, RD_CATEGORIES
from hnte.batch.convert import row_to_application
from hnte.batch.synth import DEFAULT_APPLICATION_DATE, frame_rows_as_python, synth
from hnte.batch.synth_cli import XLSX_MAX_ROWS, add_arguments, cmd_synth, to_external
from hnte.core.errors import InputError
from hnte.engine import assess

SEED = 20240630
YEAR_COLUMNS = {k: [f"y{k}_{f}" for f in ("sales_revenue", "net_assets", "total_assets", "operating_months")]
                + [f"y{k}_rd_{c}" for c, _ in RD_CATEGORIES] + [f"conversions_y{k}"] for k in (1, 2, 3)}
ASSESSMENT = [c.name for c in COLUMNS if c.name.startswith("assess_")]


@pytest.fixture(scope="module")
def small() -> pl.DataFrame:
    return synth(2000, SEED)


@pytest.fixture(scope="module")
def large() -> pl.DataFrame:
    return synth(30_000, SEED + 1)


def _sample_rows(frame: pl.DataFrame, k: int, seed: int) -> list[dict]:
    """~k random rows plus every unusual row kind (young, pilot, incident, no assessment, negative net assets)."""
    picks = set(np.random.default_rng(seed).choice(frame.height, size=min(k, frame.height), replace=False).tolist())
    age = (frame["application_date"] - frame["registration_date"]).dt.total_days()
    for mask in (age < 365, frame["y2_sales_revenue"].is_null(), frame["programme"] != "national", frame["incident_date"].is_not_null(),
                 frame["assess_rd_system"].is_null(), frame["y3_net_assets"] < 0):
        picks.update(np.flatnonzero(mask.fill_null(False).to_numpy())[:10].tolist())
    return frame_rows_as_python(frame[sorted(picks)])


# --- reproducibility and schema ---------------------------------------------------------------------------

def test_same_seed_same_frame_and_different_seed_different_frame():
    a, b, c = synth(1000, 7), synth(1000, 7), synth(1000, 8)
    assert a.equals(b)
    assert not a.equals(c)
    assert a["y3_sales_revenue"].to_list() != c["y3_sales_revenue"].to_list()


def test_columns_and_dtypes_are_exactly_the_schema(small):
    assert small.columns == [c.name for c in COLUMNS]
    for col in COLUMNS:
        assert str(small.schema[col.name]) == DTYPE_NAME[col.kind], col.name
    assert small.height == 2000
    assert small["id"].n_unique() == small.height


def test_empty_and_single_row_frames():
    assert synth(0, 1).columns == [c.name for c in COLUMNS]
    assert synth(1, 1).height == 1


# --- every row is a valid application -------------------------------------------------------------------------

def test_sampled_rows_convert_to_valid_applications(small):
    rows = _sample_rows(small, 300, SEED)
    assert len(rows) >= 300
    for row in rows:
        parse_application(row_to_application(row), row["id"])  # raises InputError on any invalid row


def test_sampled_rows_pass_the_engine_input_checks(small):
    """The law-dependent input checks (catalogue top field, R&D management maxima) accept the rows too."""
    for row in _sample_rows(small, 40, SEED + 2):
        assess(parse_application(row_to_application(row), row["id"]), with_alternative=False)


@pytest.mark.parametrize("when", [dt.date(2022, 9, 1), dt.date(2015, 6, 30), dt.date(2024, 12, 31), dt.date(2024, 1, 1)])
def test_other_application_dates_give_valid_rows(when):
    frame = synth(600, SEED, when)
    assert frame["application_date"].unique().to_list() == [when]
    for row in _sample_rows(frame, 120, SEED):
        assess(parse_application(row_to_application(row), row["id"]), with_alternative=False)


def test_programmes_only_where_and_when_in_force(large):
    progs = set(large["programme"].unique())
    assert "suzhou-cultivation" not in progs  # the pool ended 2023-12-31; the default date is 2024-06-30
    pilot = large.filter(pl.col("programme") == "beijing-pilot")
    assert 0 < pilot.height < 0.05 * large.height
    assert pilot["region_code"].str.starts_with("11").all()
    assert pilot["pilot_field"].is_not_null().all()
    assert large.filter(pl.col("programme") != "beijing-pilot")["pilot_field"].is_null().all()
    assert pilot["above_designated_size"].mean() > 0.8
    assert "beijing-pilot" not in set(synth(3000, SEED, dt.date(2021, 7, 28))["programme"])
    suzhou = synth(3000, SEED, dt.date(2022, 9, 1)).filter(pl.col("programme") == "suzhou-cultivation")
    assert suzhou.height > 0
    assert suzhou["region_code"].str.starts_with("3205").all()
    assert not suzhou["previously_identified"].any()


def test_rows_are_internally_consistent(large):
    f = large
    money = [c.name for c in COLUMNS if c.kind in ("money", "count", "int", "persons")]
    for name in money:
        assert (f[name].drop_nulls() >= 0).all(), name
    assert (f["staff_science_tech"] <= f["staff_total"]).all()
    assert (f["staff_science_tech_college"] <= f["staff_science_tech"]).all()
    assert (f["staff_rd"] <= f["staff_science_tech"]).all()
    assert (f["non_taxable_income"] <= f["total_income"]).all()
    assert (f["high_tech_income"] <= f["total_income"] - f["non_taxable_income"]).all()
    assert (f["main_products_income"] <= f["high_tech_income"]).all()
    assert (f["y3_sales_revenue"] <= f["total_income"]).all()
    for k in (1, 2, 3):
        both = f.select(pl.col(f"y{k}_net_assets"), pl.col(f"y{k}_total_assets")).drop_nulls()
        assert (both[f"y{k}_net_assets"] <= both[f"y{k}_total_assets"]).all()
        months = f[f"y{k}_operating_months"].drop_nulls()
        assert months.min() >= 1 and months.max() <= 12
    assert (f["registration_date"] <= f["application_date"]).all()
    assert (f["incident_date"].drop_nulls() <= DEFAULT_APPLICATION_DATE).all()
    assert set(f["assess_technology_advancement"].drop_nulls()) <= set("ABCDE")
    for name, top in (("assess_rd_system", 6), ("assess_rd_institution", 6), ("assess_rd_conversion_incentives", 4),
                      ("assess_rd_talent", 4), ("assess_rd_2008_met", 5)):
        assert f[name].drop_nulls().max() <= top
    assert f["technical_field"].str.contains(r"^[1-8]\.\d+\.\d+$").all()
    assert f["region_code"].str.contains(r"^\d{6}$").all()


def test_years_before_registration_are_null_and_the_latest_year_always_present(large):
    reg_year = large["registration_date"].dt.year()
    app_year = DEFAULT_APPLICATION_DATE.year
    for k in (1, 2, 3):
        before = (reg_year > app_year - (4 - k)).to_numpy()
        for name in YEAR_COLUMNS[k]:
            nulls = large[name].is_null().to_numpy()
            assert (nulls == before).all(), name
    assert not any(large[n].is_null().any() for n in YEAR_COLUMNS[3])
    registered_in_y3 = reg_year == app_year - 1
    assert (large.filter(registered_in_y3)["y3_operating_months"] == 13 - large.filter(registered_in_y3)["registration_date"].dt.month()).all()


def test_assessment_is_all_or_nothing(large):
    nulls = large.select([pl.col(c).is_null() for c in ASSESSMENT])
    per_row = nulls.sum_horizontal()
    assert set(per_row.unique()) == {0, len(ASSESSMENT)}
    assert 0.15 < (per_row > 0).mean() < 0.25


def test_credit_codes_carry_valid_check_characters(small):
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for code, region in zip(small["credit_code"].head(500), small["region_code"].head(500), strict=True):
        assert len(code) == 18 and code[:2] == "91" and code[2:8] == region
        total = sum(charset.index(ch) * pow(3, i, 31) for i, ch in enumerate(code[:17]))
        assert charset[(31 - total % 31) % 31] == code[17]
        org = sum(int(ch, 36) * w for ch, w in zip(code[8:16], (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
        c9 = 11 - org % 11
        assert code[16] == ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))


def test_frame_rows_as_python_gives_exact_decimals():
    frame = synth(3, 1).with_columns(pl.lit(123456789, dtype=pl.Int64).alias("y3_sales_revenue"),
                                     pl.lit(-5, dtype=pl.Int64).alias("y3_net_assets"),
                                     pl.lit(4925, dtype=pl.Int64).alias("staff_total"))
    row = frame_rows_as_python(frame)[0]
    assert row["y3_sales_revenue"] == Decimal("1234567.89")
    assert row["y3_net_assets"] == Decimal("-0.05")
    assert row["staff_total"] == Decimal("49.25")
    assert isinstance(row["ip_class1_self"], int) and isinstance(row["registration_date"], dt.date)
    assert isinstance(row["above_designated_size"], bool) and isinstance(row["id"], str)


# --- realistic spreads ------------------------------------------------------------------------------------------

def test_sales_tiers(large):
    s = large["y3_sales_revenue"]
    small_share = (s <= 50_000_000_00).mean()
    middle_share = ((s > 50_000_000_00) & (s <= 200_000_000_00)).mean()
    big_share = (s > 200_000_000_00).mean()
    assert 0.45 < small_share < 0.65
    assert 0.25 < middle_share < 0.45
    assert 0.05 < big_share < 0.16


def test_registration_age_and_growth(large):
    age = (large["application_date"] - large["registration_date"]).dt.total_days()
    assert 0.03 < (age < 365).mean() < 0.08
    assert age.max() <= 20 * 366
    growth = (large["y3_sales_revenue"] / large["y2_sales_revenue"]).drop_nulls()
    assert (growth < 1).mean() > 0.1  # some shrink
    assert 1.05 < growth.median() < 1.3
    assert 0.005 < (large["y3_net_assets"] < 0).mean() < 0.06


def test_science_tech_ratio_straddles_ten_percent(large):
    ratio = large["staff_science_tech"] / large["staff_total"]
    below = (ratio < 0.10).mean()
    assert 0.05 < below < 0.35
    assert 0.08 < ratio.quantile(0.25) < 0.20 < ratio.quantile(0.75) < 0.4


def test_rd_intensity_straddles_every_tier(large):
    rd = pl.sum_horizontal([pl.col(f"y{k}_rd_{c}") for k in (1, 2, 3) for c, _ in RD_CATEGORIES])
    sales = pl.sum_horizontal([pl.col(f"y{k}_sales_revenue") for k in (1, 2, 3)])
    f = large.select(intensity=rd / sales, latest=pl.col("y3_sales_revenue"))
    for low, high, rate in ((0, 50_000_000_00, 0.05), (50_000_000_00, 200_000_000_00, 0.04), (200_000_000_00, None, 0.03)):
        tier = f.filter((pl.col("latest") > low) & (pl.lit(True) if high is None else pl.col("latest") <= high))["intensity"]
        below = (tier < rate).mean()
        near = ((tier >= rate) & (tier < rate + 0.01)).mean()
        assert 0.15 < below < 0.6, rate
        assert near > 0.15, rate
    other_share = large.select(pl.col("y3_rd_other") / pl.sum_horizontal([pl.col(f"y3_rd_{c}") for c, _ in RD_CATEGORIES]))
    assert 0.01 < (other_share.to_series() > 0.2).mean() < 0.12  # the 20 % cap bites sometimes
    assert (large["y3_rd_outsourced_overseas"] > 0).mean() > 0.01
    assert (large["y3_rd_personnel"] > 0).all()


def test_income_ip_and_fields(large):
    share = large["high_tech_income"] / (large["total_income"] - large["non_taxable_income"])
    assert 0.08 < (share < 0.6).mean() < 0.35
    assert (large["ip_class1_self"] + large["ip_class1_acquired"] == 0).mean() > 0.3
    assert (large["ip_class2_used"] > 0).mean() > 0.1
    tops = large["technical_field"].str.split(".").list.first().value_counts(sort=True)["technical_field"].to_list()
    assert tops[:2] == ["1", "8"]
    industries = large["industry"].value_counts(sort=True)["industry"].head(3).to_list()
    assert set(industries) == {"industrial", "information_software", "science_technology_services"}
    assert 0.005 < large["incident_date"].is_not_null().mean() < 0.02


def test_a_hundred_thousand_rows_build():
    frame = synth(100_000, 1)
    assert frame.shape == (100_000, len(COLUMNS))
    assert frame["y3_sales_revenue"].null_count() == 0


# --- the command ----------------------------------------------------------------------------------------------------

def _args(*argv: str) -> argparse.Namespace:
    p = argparse.ArgumentParser()
    add_arguments(p)
    return p.parse_args(list(argv))


@pytest.mark.parametrize("ext", [".parquet", ".csv", ".xlsx"])
def test_cmd_synth_writes_each_format(tmp_path, capsys, ext):
    out = tmp_path / f"pop{ext}"
    assert cmd_synth(_args("50", "--seed", "3", "-o", str(out), "--lang", "en")) == 0
    assert out.exists() and out.stat().st_size > 0
    assert "50" in capsys.readouterr().out
    expected = to_external(synth(50, 3))
    if ext == ".parquet":
        assert pl.read_parquet(out).equals(expected)
    elif ext == ".csv":
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")
        back = pl.read_csv(out, infer_schema=False)
        assert back.columns == expected.columns
        assert back["y3_sales_revenue"].to_list() == [str(v) for v in expected["y3_sales_revenue"]]
    else:
        import openpyxl

        ws = openpyxl.load_workbook(out, read_only=True).active
        header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True))
        assert list(header) == expected.columns
        assert ws.max_row == 51


def test_cmd_synth_refuses_a_large_workbook_and_unknown_formats(tmp_path):
    with pytest.raises(InputError) as err:
        cmd_synth(_args(str(XLSX_MAX_ROWS + 1), "-o", str(tmp_path / "big.xlsx")))
    assert "XLSX" in err.value.render("en")
    assert not (tmp_path / "big.xlsx").exists()
    with pytest.raises(InputError):
        cmd_synth(_args("10", "-o", str(tmp_path / "pop.json")))
    with pytest.raises(InputError):
        cmd_synth(_args("0", "-o", str(tmp_path / "pop.csv")))
    with pytest.raises(InputError):
        cmd_synth(_args("10", "-o", str(tmp_path / "pop.csv"), "--application-date", "2024-13-01"))


def test_cmd_synth_application_date(tmp_path):
    out = tmp_path / "pop.parquet"
    cmd_synth(_args("20", "-o", str(out), "--application-date", "2022-09-01"))
    assert pl.read_parquet(out)["application_date"].unique().to_list() == [dt.date(2022, 9, 1)]


@pytest.mark.parametrize("ext", [".parquet", ".csv", ".xlsx"])
def test_written_files_read_back_to_the_same_typed_frame(tmp_path, ext):
    """The batch table reader gets back exactly the generated frame (units survive the round trip)."""
    table = pytest.importorskip("hnte.batch.table")
    frame = synth(200, 11)
    out = tmp_path / f"pop{ext}"
    from hnte.batch.synth_cli import write_population

    write_population(frame, out)
    read = table.read_table(out)
    assert read.rows_rejected == 0
    assert read.frame.equals(frame)
