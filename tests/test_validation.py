"""Bad input gets one clear error naming the file, the field path and what was expected; exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import derive
from hnte.application import load_application, parse_application
from hnte.cli import main
from hnte.core.errors import InputError


def _write(tmp_path: Path, name: str, data: dict | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    elif name.endswith(".json"):
        path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(_plain(data), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _plain(value):
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _with_fourth_year() -> dict:
    data = derive("pass_2016")
    data["years"].insert(0, {"year": 2020})
    return data


MALFORMED = [
    # (name, builder, expected path, a word the message must contain)
    ("wrong_type", lambda: derive("pass_2016", {"years[2].sales_revenue": "四千五百万"}), "years[2].sales_revenue", "元"),
    ("negative_money", lambda: derive("pass_2016", {"years[2].rd_expenses.other": -1}), "years[2].rd_expenses.other", "负"),
    ("three_decimals", lambda: derive("pass_2016", {"years[1].sales_revenue": 1.005}), "years[1].sales_revenue", "两位小数"),
    ("eleven_monthly_pairs", lambda: derive("pass_2016", {"years[0].staff.total_monthly": [[40, 42]] * 11}),
     "years[0].staff.total_monthly", "12"),
    ("unknown_ip_kind", lambda: derive("pass_2016", {"intellectual_property[0].kind": "trademark"}), "intellectual_property[0].kind", "invention_patent"),
    ("future_registration", lambda: derive("pass_2016", {"enterprise.registration_date": "2024-07-01"}), "enterprise.registration_date", "申请日期"),
    ("duplicate_years", lambda: derive("pass_2016", {"years[1].year": 2021}), "years[1].year", "重复"),
    ("non_consecutive_years", lambda: derive("pass_2016", {"years[0].year": 2019}), "years[1].year", "连续"),
    ("latest_year_not_previous", lambda: derive("pass_2016", {"application_date": "2025-06-30"}), "years[2].year", "2024"),
    ("unknown_key", lambda: derive("pass_2016", {"enterprise.nmae": "x"}), "enterprise.nmae", "未知字段"),
    ("bad_credit_code", lambda: derive("pass_2016", {"enterprise.credit_code": "123"}), "enterprise.credit_code", "格式"),
    ("monthly_and_average", lambda: derive("pass_2016", {"years[0].staff.total_average": 40}), "years[0].staff.total_monthly", "其一"),
    ("unknown_core_ip_reference", lambda: derive("pass_2016", {"products[0].core_ip": ["ZL-NOPE"]}), "products[0].core_ip[0]", "ZL-NOPE"),
    ("non_taxable_above_total", lambda: derive("pass_2016", {"years[2].non_taxable_income": 48000000}), "years[2].non_taxable_income", "收入总额"),
    ("bad_date", lambda: derive("pass_2016", {"application_date": "2024-13-01"}), "application_date", "YYYY-MM-DD"),
    ("wrong_format", lambda: derive("pass_2016", {"format": "hnte/application@2"}), "format", "hnte/application@1"),
    ("too_many_years", lambda: _with_fourth_year(), "years", "3"),
    ("operating_months_out_of_range", lambda: derive("pass_2016", {"enterprise.operating_months": {2023: 13}}),
     "enterprise.operating_months[2023]", "12"),
    ("bool_as_money", lambda: derive("pass_2016", {"years[2].high_tech_income": True}), "years[2].high_tech_income", "元"),
    ("ip_granted_after_application", lambda: derive("pass_2016", {"intellectual_property[0].granted_on": "2024-07-01"}),
     "intellectual_property[0].granted_on", "授权"),
]


@pytest.mark.parametrize(("name", "builder", "path", "word"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_file_names_file_path_and_expectation(tmp_path, capsys, name, builder, path, word):
    file = _write(tmp_path, f"{name}.yaml", builder())
    code = main(["assess", str(file)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert any(f"{file}: {path}:" in line for line in lines), err
    assert word in err, err


def test_bad_yaml_syntax_reports_line_and_column(tmp_path, capsys):
    file = _write(tmp_path, "broken.yaml", "format: hnte/application@1\nyears: [\n  - year: 2023\n")
    assert main(["assess", str(file)]) == 2
    err = capsys.readouterr().err
    assert str(file) in err and "YAML" in err and "行" in err


def test_bad_json_syntax(tmp_path, capsys):
    file = _write(tmp_path, "broken.json", '{"format": "hnte/application@1", }')
    assert main(["assess", str(file)]) == 2
    err = capsys.readouterr().err
    assert "JSON" in err and "第 1 行" in err


def test_duplicate_yaml_key_is_an_error_not_a_silent_overwrite(tmp_path, capsys):
    text = (Path(__file__).parent.parent / "src/hnte/examples/pass_2016.yaml").read_text(encoding="utf-8")
    text = text.replace("application_date: 2024-06-30", "application_date: 2024-06-30\napplication_date: 2023-06-30")
    file = _write(tmp_path, "dup.yaml", text)
    assert main(["assess", str(file)]) == 2
    assert "duplicate key" in capsys.readouterr().err


def test_missing_file(tmp_path, capsys):
    assert main(["assess", str(tmp_path / "nope.yaml")]) == 2
    assert "文件不存在" in capsys.readouterr().err


def test_error_in_english(tmp_path, capsys):
    file = _write(tmp_path, "neg.yaml", derive("pass_2016", {"years[2].rd_expenses.other": -5}))
    assert main(["assess", str(file), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "years[2].rd_expenses.other: expected a non-negative amount in yuan" in err


def test_json_error_body(tmp_path, capsys):
    file = _write(tmp_path, "neg.json", derive("pass_2016", {"years[2].rd_expenses.other": -5}))
    assert main(["assess", str(file), "--json"]) == 2
    body = json.loads(capsys.readouterr().out)
    assert body["error"] == "invalid_input" and body["file"] == str(file)
    assert body["issues"][0]["path"] == "years[2].rd_expenses.other"


def test_several_issues_are_all_reported_at_once(tmp_path):
    data = derive("pass_2016", {"years[0].rd_expenses.other": -1, "years[1].sales_revenue": "x"})
    with pytest.raises(InputError) as info:
        parse_application(data, "two.yaml")
    assert {i.path for i in info.value.issues} == {"years[0].rd_expenses.other", "years[1].sales_revenue"}


def test_json_and_yaml_give_the_same_application(tmp_path):
    data = derive("pass_2016")
    as_json = load_application(_write(tmp_path, "a.json", data))
    as_yaml = load_application(Path(__file__).parent.parent / "src/hnte/examples/pass_2016.yaml")
    assert as_json == as_yaml


def test_programme_outside_validity_is_an_error_not_a_fallback(tmp_path, capsys):
    file = _write(tmp_path, "old.yaml", derive("pass_2016"))
    assert main(["assess", str(file), "--programme", "suzhou-cultivation"]) == 2
    err = capsys.readouterr().err
    assert "application_date" in err and "2023-12-31" in err and "苏州" in err


def test_cli_never_prints_a_traceback_on_bad_input_subprocess(tmp_path):
    file = _write(tmp_path, "neg.yaml", derive("pass_2016", {"years[2].rd_expenses.other": -5}))
    proc = subprocess.run([sys.executable, "-m", "hnte", "assess", str(file)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "years[2].rd_expenses.other" in proc.stderr
