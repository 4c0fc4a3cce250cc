"""The batch commands end to end: template → filled by hand → batch; synth → batch; folder; simulate."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl

from hnte.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "src" / "hnte" / "examples"


def test_template_filled_by_hand_with_one_broken_row(tmp_path, capsys):
    template = tmp_path / "batch.xlsx"
    assert main(["template", str(template)]) == 0
    capsys.readouterr()
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert "企业编号" in headers and "最近一年销售收入" in headers and ws.cell(2, 1).value == "单位"
    example = [c.value for c in ws[3]]
    col = {h: i for i, h in enumerate(headers)}
    for n in range(3):  # three more enterprises copied from the example, one broken
        row = list(example)
        row[col["企业编号"]] = f"手填-{n}"
        if n == 1:
            row[col["最近一年销售收入"]] = "四千万"  # not a number
        if n == 2:
            row[col["近一年高新技术产品（服务）收入"]] = 1  # a tiny high-tech income: fails Art. 11(六)
        ws.append(row)
    wb.save(template)
    out = tmp_path / "results.csv"
    assert main(["batch", str(template), "-o", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["assessed"] == 3 and summary["errors"] == 1
    with out.open(encoding="utf-8-sig") as f:
        results = {r["id"]: r for r in csv.DictReader(f)}
    assert set(results) == {"示例-001", "手填-0", "手填-2"}
    assert results["手填-0"]["verdict"] == results["示例-001"]["verdict"] == "eligible"
    assert results["手填-2"]["c_art11_6_high_tech_income"] == "fail" and results["手填-2"]["main_gap"] == "art11_6_high_tech_income"
    with (tmp_path / "results.errors.csv").open(encoding="utf-8-sig") as f:
        errors = list(csv.reader(f))
    assert len(errors) == 2  # header + the broken cell
    assert errors[1][0] == "5" and errors[1][1] == "最近一年销售收入" and "四千万" in errors[1][2]


def test_synth_then_batch_then_simulate(tmp_path, capsys):
    pop = tmp_path / "pop.parquet"
    assert main(["synth", "3000", "--seed", "7", "-o", str(pop)]) == 0
    capsys.readouterr()
    out = tmp_path / "res.parquet"
    assert main(["batch", str(pop), "-o", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["assessed"] == 3000 and summary["errors"] == 0
    assert sum(summary["by_verdict"].values()) == 3000 and summary["most_failed"]["count"] > 0
    changes = tmp_path / "changes.csv"
    assert main(["simulate", str(pop), "--scenario", "pm60: scoring.pass_mark.min=60", "--scenario",
                 "tier4: rd_expense.ratio_min_by_sales[0].rate=0.04", "-o", str(changes)]) == 0
    text = capsys.readouterr().out
    assert "pm60" in text and "tier4" in text
    with changes.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert rows and {r["scenario"] for r in rows} <= {"pm60", "tier4"}
    assert all(r["before"] != r["after"] for r in rows)
    assert changes.with_suffix(".svg").read_text(encoding="utf-8").startswith("<svg")


def test_folder_of_application_files(tmp_path, capsys):
    folder = tmp_path / "apps"
    folder.mkdir()
    for name in ("pass_2016", "fail_2016", "case_2008"):
        (folder / f"{name}.yaml").write_text((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "broken.yaml").write_text("format: hnte/application@1\napplication_date: nope\n", encoding="utf-8")
    out = tmp_path / "res.csv"
    assert main(["batch", str(folder), "-o", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["assessed"] == 3 and summary["errors"] == 1
    with out.open(encoding="utf-8-sig") as f:
        verdicts = {r["id"]: r["verdict"] for r in csv.DictReader(f)}
    assert verdicts == {"pass_2016.yaml": "eligible", "fail_2016.yaml": "not_eligible", "case_2008.yaml": "eligible"}


def test_bad_override_and_missing_file_are_clear_errors(tmp_path, capsys):
    assert main(["simulate", str(tmp_path / "none.parquet"), "--set", "scoring.pass_mark.min=60"]) == 2
    assert main(["simulate", str(tmp_path / "none.parquet"), "--set", "no.such=1"]) == 2
    err = capsys.readouterr().err
    assert "no.such" in err
