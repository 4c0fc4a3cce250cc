"""The ``hnte`` command end to end: every bundled example, JSON validated against its schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from hnte.cli import main
from hnte.schemas import application_schema, assessment_schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "src" / "hnte" / "examples"

EXPECTED = {
    "pass_2016": ("national_2016", True),
    "fail_2016": ("national_2016", False),
    "missing_2016": ("national_2016", None),
    "case_2008": ("national_2008", True),
    "beijing_pilot": ("national_2016", True),
    "suzhou_cultivation": ("national_2016", True),
}


def _json(capsys, argv: list[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_assess_json_validates_and_gives_the_expected_verdict(capsys, name):
    out = _json(capsys, ["assess", str(EXAMPLES / f"{name}.yaml"), "--json"])
    jsonschema.Draft202012Validator(assessment_schema()).validate(out)
    assert out["advice"]["format"] == "hnte/advice@1"  # `assess --json` carries the advice
    law, eligible = EXPECTED[name]
    assert out["law_version"]["id"] == law
    assert out["eligible"] is eligible
    ids = {f["id"] for f in out["trace"]}
    for c in out["criteria"]:
        assert set(c["depends"]) <= ids
        assert c["cites"], c["id"]


def test_fail_example_names_the_failing_articles(capsys):
    out = _json(capsys, ["assess", str(EXAMPLES / "fail_2016.yaml"), "--json"])
    failing = {c["id"]: c for c in out["criteria"] if c["status"] == "fail"}
    assert set(failing) == {"art11_5_rd_expense_ratio", "art11_6_high_tech_income"}
    assert "measures_2016#art11-6" in failing["art11_6_high_tech_income"]["cites"]
    assert failing["art11_6_high_tech_income"]["margin"] < 0


def test_missing_example_lists_missing_fields_and_is_undetermined(capsys):
    out = _json(capsys, ["assess", str(EXAMPLES / "missing_2016.yaml"), "--json"])
    assert out["verdict"] == "undetermined"
    assert "enterprise.incidents" in out["missing"]
    assert not any(c["status"] == "fail" for c in out["criteria"])


def test_beijing_pilot_reads_the_overlay_and_offers_the_standard_track(capsys):
    out = _json(capsys, ["assess", str(EXAMPLES / "beijing_pilot.yaml"), "--json"])
    share = next(c for c in out["criteria"] if c["id"] == "art11_5_domestic_rd_share")
    assert share["threshold"] == 0.5 and "beijing_pilot_2021#sec2-3" in share["cites"]
    assert "alternative" not in out  # eligible under the pilot itself
    national = _json(capsys, ["assess", str(EXAMPLES / "beijing_pilot.yaml"), "--json", "--programme", "national"])
    assert next(c for c in national["criteria"] if c["id"] == "art11_5_domestic_rd_share")["status"] == "fail"


def test_failing_the_pilot_conditions_offers_the_standard_track(capsys, tmp_path):
    text = (EXAMPLES / "pass_2016.yaml").read_text(encoding="utf-8")
    shanghai = tmp_path / "shanghai.yaml"
    shanghai.write_text(text.replace("programme: national", "programme: beijing-pilot").replace('"110108"', '"310115"')
                        .replace("above_designated_size: true", "above_designated_size: true\n  pilot_field: biomedicine"), encoding="utf-8")
    out = _json(capsys, ["assess", str(shanghai), "--json"])
    assert out["eligible"] is False
    assert [c["id"] for c in out["criteria"] if c["status"] == "fail"] == ["sec2_2_registered_in_beijing"]
    assert out["alternative"] == {"programme": "national", "eligible": True, "verdict": "eligible"}


def test_text_report_in_chinese_and_english(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "240")
    assert main(["assess", str(EXAMPLES / "fail_2016.yaml")]) == 0
    zh = capsys.readouterr().out
    assert "不符合认定条件" in zh and "高新技术产品（服务）收入占比" in zh and "measures_2016#art11-6" in zh
    assert main(["assess", str(EXAMPLES / "fail_2016.yaml"), "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert "Does not meet the conditions" in en and "Share of high-tech product (service) income" in en


def test_explain_shows_inputs_parameters_with_dates_and_articles(capsys):
    assert main(["explain", str(EXAMPLES / "pass_2016.yaml"), "art11_5_rd_expense_ratio"]) == 0
    out = capsys.readouterr().out
    assert "years[2].rd_expenses.other" in out
    assert "rd_expense.outsourcing_counted_share" in out and "2016-01-01" in out
    assert "guidelines_2016#sec3-5-2-7" in out
    assert main(["explain", str(EXAMPLES / "pass_2016.yaml"), "art11-5", "--json"]) == 2  # two criteria cite art11-5
    capsys.readouterr()
    figs = _json(capsys, ["explain", str(EXAMPLES / "pass_2016.yaml"), "art11_6", "--json"])
    assert [f["id"] for f in figs][-1] == "art11_6_high_tech_income"
    assert {"income.total", "income.high_tech", "income.high_tech_ratio"} <= {f["id"] for f in figs}


def test_params_list_values_in_force_with_citations(capsys):
    out = _json(capsys, ["params", "--as-of", "2014-05-20", "--json"])
    by_path = {p["path"]: p for p in out["parameters"]}
    assert out["law_version"] == "national_2008"
    assert by_path["rd_expense.other_share_cap"]["value"] == 0.1
    assert by_path["rd_expense.ratio_min_by_sales"]["value"][0]["rate"] == 0.06
    assert "staff.science_tech_ratio_min" not in by_path
    suzhou = _json(capsys, ["params", "--as-of", "2022-01-01", "--programme", "suzhou-cultivation", "--json"])
    sz = {p["path"]: p for p in suzhou["parameters"]}
    assert sz["scoring.pass_mark"]["value"] == {"min": 60, "inclusive": True}
    assert sz["scoring.pass_mark"]["cites"][0] == "suzhou_cultivation_2021#cond7"
    assert main(["params", "--as-of", "2007-01-01"]) == 2


def test_schema_is_a_valid_json_schema_that_accepts_every_example(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == json.loads(json.dumps(application_schema(), ensure_ascii=False))
    from hnte.core.parameters import load_yaml

    for f in EXAMPLES.glob("*.yaml"):
        data = json.loads(json.dumps(load_yaml(f.read_text(encoding="utf-8")), default=str))
        jsonschema.Draft202012Validator(schema).validate(data)
    bad = json.loads(json.dumps(load_yaml((EXAMPLES / "pass_2016.yaml").read_text(encoding="utf-8")), default=str))
    bad["years"][0]["rd_expenses"]["other"] = -1
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(bad))


def test_articles_index_goes_from_article_to_code_parameters_and_tests(capsys):
    assert main(["articles", "measures_2016#art11-5"]) == 0
    out = capsys.readouterr().out
    assert "src/hnte/criteria/national_2016/art11_5_rd_expense.py" in out
    assert "src/hnte/parameters/rd_expense/ratio_min_by_sales.yaml" in out
    assert "tests/cases/measures_2016/art11-5_rd_expense_ratio.yaml" in out


def test_article_index_document_is_up_to_date(capsys):
    assert main(["articles"]) == 0
    current = capsys.readouterr().out
    doc = (ROOT / "docs" / "article-index.md").read_text(encoding="utf-8")
    assert current in doc, "docs/article-index.md is stale: regenerate it with `hnte articles` (see the file's header)"


def test_module_entry_point_runs():
    proc = subprocess.run([sys.executable, "-m", "hnte", "assess", str(EXAMPLES / "pass_2016.yaml"), "--json"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["verdict"] == "eligible"
