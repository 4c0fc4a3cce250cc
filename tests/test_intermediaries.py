"""Intermediaries, special audit reports and records of fraud (issue 9).

The qualification rules sit on their boundaries, below / at / above, for both versions:
guidelines_2016#sec1-3 (成立三年以上，近三年内无不良记录；注册会计师或税务师 ≥ 30 %；全年月平均在职职工 20人以上)
and guidelines_2008#intermediary (注册会计师 ≥ 20 %；more than 20 employees；no bad record since establishment).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import derive
from hnte.application import parse_application
from hnte.application.model import Intermediary, QualificationYear, Record
from hnte.core.errors import InputError
from hnte.core.parameters import ParameterView
from hnte.engine import assess
from hnte.registries import records as rec
from hnte.registries.intermediaries import check_qualification, parse_registry

ON_2016 = dt.date(2024, 5, 20)
ON_2008 = dt.date(2014, 5, 20)
DOCS = Path(__file__).resolve().parent.parent / "docs" / "registries"
CODE = "91110108MA00000001"


def firm(**facts) -> Intermediary:
    year = facts.pop("year", None)
    base = {"name": "示例会计师事务所", "credit_code": CODE, "founded_on": dt.date(2010, 1, 1), "independent_practice": True,
            "records": []}
    years = [QualificationYear(**{"year": 2024, "average_headcount": 40, "certified_public_accountants": 12, "tax_agents": 0, **(year or {})})]
    return Intermediary(**{**base, "years": years, **facts})


def record(decided_on: dt.date, **kw) -> Record:
    return Record(**{"subject": "intermediary", "name": "示例会计师事务所", "credit_code": CODE, "decision": "出具虚假专项审计报告",
                     "decided_on": decided_on, "authority": "认定机构", **kw})


def rule(q, rule_id: str):
    return next(r for r in q.rules if r.id == f"intermediary.{rule_id}")


def check(f: Intermediary, on: dt.date = ON_2016, records=None):
    return check_qualification(f, on=on, year=on.year, records=records)


# --- guidelines_2016#sec1-3: the rules on their boundaries ---------------------------------------------

@pytest.mark.parametrize(("cpas", "tax_agents", "dual", "status"), [
    (11, 0, 0, "fail"),  # 27.5 % below 30 %
    (12, 0, 0, "pass"),  # exactly 30 % ("不低于" includes it)
    (13, 0, 0, "pass"),
    (8, 4, 1, "fail"),  # 11 persons (one holds both) = 27.5 %
    (8, 4, 0, "pass"),  # CPAs or tax agents: 12 = 30 %
    (Decimal("11.99"), 0, 0, "fail"),
    (Decimal("12.01"), 0, 0, "pass"),
])
def test_2016_cpas_or_tax_agents_at_least_30_percent(cpas, tax_agents, dual, status):
    q = check(firm(year={"certified_public_accountants": cpas, "tax_agents": tax_agents, "dual_qualified": dual}))
    r = rule(q, "qualified_staff_share")
    assert r.status == status and r.threshold == Decimal("0.30") and r.threshold_inclusive
    assert "guidelines_2016#sec1-3" in r.all_cites()


@pytest.mark.parametrize(("headcount", "status"), [(Decimal("19.99"), "fail"), (20, "pass"), (Decimal("20.01"), "pass")])
def test_2016_headcount_20_or_more(headcount, status):
    q = check(firm(year={"average_headcount": headcount, "certified_public_accountants": 10}))
    assert rule(q, "headcount").status == status


@pytest.mark.parametrize(("founded", "status"), [
    (dt.date(2021, 5, 21), "fail"),  # one day short of three years on 2024-05-20
    (dt.date(2021, 5, 20), "pass"),  # exactly three years ("三年以上" includes three)
    (dt.date(2021, 5, 19), "pass"),
])
def test_2016_established_three_years(founded, status):
    r = rule(check(firm(founded_on=founded)), "years_established")
    assert r.status == status and r.details["latest_founding_date"] == "2021-05-20"


@pytest.mark.parametrize(("decided", "rescinded", "status"), [
    (dt.date(2021, 5, 19), None, "pass"),  # more than three years before the check
    (dt.date(2021, 5, 20), None, "fail"),  # exactly three years before: within "近三年内"
    (dt.date(2024, 5, 20), None, "fail"),  # decided on the day of the check
    (dt.date(2024, 5, 21), None, "pass"),  # decided after the check
    (dt.date(2022, 1, 1), dt.date(2023, 1, 1), "pass"),  # rescinded before the check
    (dt.date(2022, 1, 1), dt.date(2024, 5, 21), "fail"),  # rescinded only after the check
])
def test_2016_no_bad_record_in_the_last_three_years(decided, rescinded, status):
    r = rule(check(firm(), records=[record(decided, rescinded_on=rescinded)]), "no_bad_record")
    assert r.status == status


def test_records_against_another_firm_do_not_count_and_a_name_matches_when_there_is_no_credit_code():
    other = record(dt.date(2023, 1, 1), credit_code="91110108MA00000009", name="另一事务所")
    assert rule(check(firm(), records=[other]), "no_bad_record").status == "pass"
    by_name = record(dt.date(2023, 1, 1), credit_code=None, name="示例会计师事务所 ")
    assert rule(check(firm(credit_code=None), records=[by_name]), "no_bad_record").status == "fail"
    enterprise = record(dt.date(2023, 1, 1), subject="enterprise")
    assert rule(check(firm(), records=[enterprise]), "no_bad_record").status == "pass"


def test_independent_practice_is_required():
    assert rule(check(firm(independent_practice=False)), "independent_practice").status == "fail"
    assert rule(check(firm(independent_practice=True)), "independent_practice").status == "pass"


# --- guidelines_2008#intermediary ----------------------------------------------------------------------

def firm_2008(**year) -> Intermediary:
    return firm(founded_on=dt.date(2005, 1, 1), years=[QualificationYear(**{"year": 2014, "average_headcount": 25,
                                                                              "certified_public_accountants": 5, "tax_agents": 0, **year})])


@pytest.mark.parametrize(("headcount", "status"), [(20, "fail"), (Decimal("20.01"), "pass"), (Decimal("19.99"), "fail")])
def test_2008_more_than_20_employees(headcount, status):
    r = rule(check(firm_2008(average_headcount=headcount, certified_public_accountants=10), ON_2008), "headcount")
    assert r.status == status and r.threshold_inclusive is False and "guidelines_2008#intermediary" in r.all_cites()


@pytest.mark.parametrize(("cpas", "status"), [(Decimal("4.99"), "fail"), (5, "pass"), (Decimal("5.01"), "pass")])
def test_2008_cpas_at_least_20_percent(cpas, status):
    r = rule(check(firm_2008(certified_public_accountants=cpas), ON_2008), "qualified_staff_share")
    assert r.status == status and r.threshold == Decimal("0.20")


def test_2008_counts_cpas_only_2016_counts_tax_agents_too():
    facts = {"average_headcount": 25, "certified_public_accountants": 2, "tax_agents": 8}
    assert rule(check(firm_2008(**facts), ON_2008), "qualified_staff_share").status == "fail"  # 8 %
    assert rule(check(firm(year=facts)), "qualified_staff_share").status == "pass"  # 40 %


def test_2008_bad_record_since_establishment():
    r = rule(check(firm_2008(), ON_2008, records=[record(dt.date(2008, 3, 1))]), "no_bad_record")
    assert r.status == "fail" and r.label_zh == "成立以来无不良记录"
    assert rule(check(firm(), records=[record(dt.date(2018, 3, 1))]), "no_bad_record").status == "pass"  # 2016: three years only


# --- unknown, never failed ---------------------------------------------------------------------------

def test_missing_facts_make_rules_unknown_never_failed():
    bare = Intermediary(name="示例会计师事务所")
    q = check(bare)
    assert q.qualified is None and {r.status for r in q.rules} == {"unknown"}
    assert {"intermediary.founded_on", "intermediary.independent_practice", "records"} <= set(q.missing)
    # CPAs alone reach 30 %: the missing tax agents cannot change that
    alone = firm(years=[QualificationYear(year=2024, average_headcount=40, certified_public_accountants=12)])
    assert rule(check(alone), "qualified_staff_share").status == "pass"
    short = firm(years=[QualificationYear(year=2024, average_headcount=40, certified_public_accountants=10)])
    r = rule(check(short), "qualified_staff_share")
    assert r.status == "unknown" and "intermediary.years[0].tax_agents" in r.missing
    assert rule(check(firm(), ON_2016.replace(year=2025)), "headcount").missing == ["intermediary.years[year=2025].average_headcount"]


# --- records (pure functions for intake, draws and the public list) -------------------------------------

def test_record_functions():
    a = record(dt.date(2023, 3, 1), id="A")
    b = record(dt.date(2020, 1, 1), id="B", rescinded_on=dt.date(2021, 1, 1))
    c = Record(subject="enterprise", name="某企业", credit_code="91110108MA01ABCD1X", decision="取消资格", decided_on=dt.date(2022, 9, 1),
               authority="认定机构", public=False)
    pool = [a, b, c]
    assert [r.id for r in rec.records_for(pool, subject="intermediary", credit_code=CODE)] == ["A", "B"]
    assert rec.records_for(pool, subject="intermediary", credit_code=CODE, on=dt.date(2024, 1, 1)) == [a]
    assert rec.excluded(pool, on=dt.date(2024, 1, 1)) == {CODE, "91110108MA01ABCD1X"}
    assert rec.excluded(pool, on=dt.date(2024, 1, 1), subject="intermediary", since=dt.date(2023, 6, 1)) == set()
    assert rec.public_list(pool, on=dt.date(2024, 1, 1)) == [a]
    assert "认定机构" in rec.describe(a) and "fraud" in rec.describe(a, "en")


# --- the application: differences and a blocking finding -------------------------------------------------

def report_years(**changes) -> list[dict]:
    ledger = {"personnel": 500000, "direct_inputs": 0, "depreciation": 0, "intangible_amortization": 0, "design": 0,
              "equipment_debugging": 0, "outsourced_domestic": 0, "outsourced_overseas": 0, "other": 0}
    return [{"year": y, "rd_expenses": {**ledger, **changes.get(str(y), {})}} for y in (2021, 2022, 2023)]


QUALIFIED = {"name": "北京示例会计师事务所（普通合伙）", "credit_code": CODE, "founded_on": "2012-04-01", "independent_practice": True,
             "years": [{"year": 2024, "average_headcount": 48, "certified_public_accountants": 12, "tax_agents": 4, "dual_qualified": 1}],
             "records": []}


def audited(intermediary: dict | None = None, report: dict | None = None, **more):
    data = derive("simple_2016", {"enterprise.credit_code": "91110108MA01ABCD1X"})
    if intermediary is not None:
        data["intermediary"] = intermediary
    if report is not None:
        data["special_audit_report"] = report
    return assess(parse_application(data, "app.yaml"), **more)


def test_figures_that_differ_from_the_audit_report_are_each_flagged_with_citations():
    result = audited(QUALIFIED, {"number": "京审专字〔2024〕第001号", "issued_on": "2024-05-20", "high_tech_income": 5800000,
                                 "years": report_years(**{"2022": {"personnel": 480000, "design": 1000}})})
    audit = result.audit
    assert audit.qualification.qualified is True and not audit.submission_blocked
    got = {(d.path, d.report_path): d for d in audit.differences}
    assert set(got) == {("years[1].rd_expenses.personnel", "special_audit_report.years[1].rd_expenses.personnel"),
                        ("years[1].rd_expenses.design", "special_audit_report.years[1].rd_expenses.design"),
                        ("years[2].high_tech_income", "special_audit_report.high_tech_income")}
    personnel = got[("years[1].rd_expenses.personnel", "special_audit_report.years[1].rd_expenses.personnel")]
    assert personnel.application == 50_000_000 and personnel.report == 48_000_000 and personnel.difference == -2_000_000
    assert "guidelines_2016#sec2-3" in personnel.cites
    assert "申请书 500,000.00 元，专项审计报告 480,000.00 元" in personnel.message("zh")
    out = result.to_dict("zh")["audit"]
    assert out["submission_blocked"] is False and {d["path"] for d in out["differences"]} == {p for p, _ in got}
    assert result.eligible is True  # differences do not change the verdict


def test_the_reports_counted_total_and_domestic_part_are_compared_after_counting():
    years = report_years()
    years[2].update(rd_total=580000, rd_domestic=580000)  # the application: 500,000 + 80 % × 100,000 domestic outsourcing
    data = derive("simple_2016", {"years[2].rd_expenses.outsourced_domestic": 100000})
    data["intermediary"] = QUALIFIED
    data["special_audit_report"] = {"issued_on": "2024-05-20", "high_tech_income": 6000000, "years": years}
    years[2]["rd_expenses"]["outsourced_domestic"] = 100000
    assert assess(parse_application(data, "a.yaml")).audit.differences == []
    years[2].update(rd_total=600000)  # stated as if outsourcing counted in full
    (d,) = assess(parse_application(data, "a.yaml")).audit.differences
    assert d.report_path == "special_audit_report.years[2].rd_total" and d.application == 58_000_000 and d.report == 60_000_000
    assert "guidelines_2016#sec3-5-2-7" in d.cites


def test_an_intermediary_failing_the_30_percent_rule_blocks_submission_naming_the_rule():
    failing = {**QUALIFIED, "years": [{"year": 2024, "average_headcount": 60, "certified_public_accountants": 15, "tax_agents": 0}]}
    result = audited(failing, {"issued_on": "2024-05-20", "high_tech_income": 6000000, "years": report_years()})
    audit = result.audit
    assert audit.submission_blocked and audit.qualification.qualified is False
    (blocking,) = audit.blocking
    assert blocking.id == "intermediary.qualified_staff_share" and blocking.cites == ["guidelines_2016#sec1-3"]
    assert "25.00%" in blocking.message_zh and "≥ 30.00%" in blocking.message_zh and "不能作为认定申请材料" in blocking.message_zh
    assert "required ≥ 30.00%" in blocking.message_en
    out = result.to_dict("en")["audit"]
    assert out["submission_blocked"] is True and out["findings"][0]["severity"] == "blocking"
    assert result.eligible is True  # the enterprise meets Art. 11; the report cannot support it


def test_a_2008_application_is_checked_under_the_2008_rules():
    data = derive("t08_simple")
    data["intermediary"] = {**QUALIFIED, "founded_on": "2005-01-01",
                            "years": [{"year": data["application_date"].year, "average_headcount": 20, "certified_public_accountants": 10}]}
    audit = assess(parse_application(data, "a.yaml")).audit
    (blocking,) = audit.blocking
    assert blocking.id == "intermediary.headcount" and blocking.cites == ["guidelines_2008#intermediary"] and "> 20" in blocking.message_zh


def test_the_registry_supplies_the_facts_and_records_when_the_file_names_the_firm_only():
    registry = parse_registry({"format": "hnte/intermediaries@1", "firms": [{**QUALIFIED, "id": "ZJ001", "records": None}],
                               "records": [{"subject": "intermediary", "name": QUALIFIED["name"], "credit_code": CODE,
                                            "decision": "出具虚假报告", "decided_on": "2023-01-05", "authority": "认定机构"}]})
    result = audited({"name": "任意写法", "credit_code": CODE}, {"issued_on": "2024-05-20", "years": report_years(), "high_tech_income": 6000000},
                     intermediaries=registry)
    q = result.audit.qualification
    assert q.source == "registry" and rule(q, "no_bad_record").status == "fail" and len(q.records) == 1
    assert [f.id for f in result.audit.blocking] == ["intermediary.no_bad_record"]
    unknown = audited({"name": "未登记事务所"}, {"years": report_years()}, intermediaries=registry)
    assert "intermediary.not_registered" in [f.id for f in unknown.audit.findings]
    assert unknown.audit.qualification.qualified is None and not unknown.audit.submission_blocked


def test_warnings_for_uncovered_years_and_a_record_against_the_enterprise():
    years = report_years()[1:]  # 2022, 2023 only
    enterprise_record = Record(subject="enterprise", name="测试企业", credit_code="91110108MA01ABCD1X", decision="取消资格",
                               decided_on=dt.date(2023, 1, 1), authority="认定机构")
    audit = audited(QUALIFIED, {"years": years}, records=[enterprise_record]).audit
    ids = [f.id for f in audit.findings]
    assert "report.missing_year" in ids and "report.missing_high_tech_income" in ids and "enterprise.record" in ids
    assert all(f.severity == "warning" for f in audit.findings) and not audit.submission_blocked


def test_without_the_optional_sections_the_output_is_unchanged():
    result = assess(parse_application(derive("simple_2016"), "a.yaml"))
    assert result.audit is None and "audit" not in result.to_dict()


@pytest.mark.parametrize(("change", "path"), [
    ({"special_audit_report": {"issued_on": "2024-07-01", "years": [{"year": 2023}]}}, "special_audit_report.issued_on"),
    ({"special_audit_report": {"years": [{"year": 2023}, {"year": 2023}]}}, "special_audit_report.years[1].year"),
    ({"intermediary": {**QUALIFIED, "years": [{"year": 2024, "average_headcount": 10, "certified_public_accountants": 8, "tax_agents": 4}]}},
     "intermediary.years[0].average_headcount"),
    ({"intermediary": {**QUALIFIED, "years": [{"year": 2024, "certified_public_accountants": 2, "tax_agents": 4, "dual_qualified": 3}]}},
     "intermediary.years[0].dual_qualified"),
    ({"intermediary": {**QUALIFIED, "records": [{"subject": "intermediary", "name": "x", "decision": "d", "decided_on": "2023-01-01",
                                                 "authority": "a", "rescinded_on": "2022-01-01"}]}}, "intermediary.records[0].rescinded_on"),
    ({"intermediary": {**QUALIFIED, "credit_code": "123"}}, "intermediary.credit_code"),
    ({"intermediary": {**QUALIFIED, "founded_on": "2024-07-01"}}, "intermediary.founded_on"),
])
def test_bad_sections_are_input_errors_naming_the_field(change, path):
    data = derive("simple_2016")
    data.update(change)
    with pytest.raises(InputError) as info:
        parse_application(data, "app.yaml")
    assert path in [i.path for i in info.value.issues], [(i.path, i.message_zh) for i in info.value.issues]


# --- the commands ---------------------------------------------------------------------------------------

def hnte(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hnte", *args], capture_output=True, text=True, timeout=300)


def test_intermediary_check_command_on_the_example_registry():
    r = hnte("intermediary", "check", str(DOCS / "intermediaries.yaml"), "--on", "2024-05-20", "--json")
    out = {x["id"]: x for x in json.loads(r.stdout)["results"]}
    assert r.returncode == 0 and out["ZJ001"]["qualified"] is True
    failed = {x["id"]: x["status"] for x in out["ZJ002"]["rules"]}
    assert failed["intermediary.years_established"] == "fail" and failed["intermediary.no_bad_record"] == "fail"
    assert {x["id"]: x["status"] for x in out["ZJ003"]["rules"]}["intermediary.qualified_staff_share"] == "fail"
    text = hnte("intermediary", "check", str(DOCS / "intermediaries.yaml"), "--on", "2024-05-20", "--firm", "ZJ003").stdout
    assert "不符合中介机构条件" in text and "25.00%" in text


def test_intermediary_check_refuses_a_bad_registry_with_exit_2(tmp_path):
    bad = tmp_path / "reg.yaml"
    bad.write_text("format: hnte/intermediaries@1\nfirms:\n  - {name: 甲, years: [{year: 2024, average_headcount: -1}]}\n", encoding="utf-8")
    r = hnte("intermediary", "check", str(bad))
    assert r.returncode == 2 and f"{bad}: firms[0].years[0].average_headcount" in r.stderr and "Traceback" not in r.stderr


def test_assess_with_the_registry_and_records_from_the_command_line(tmp_path):
    data = derive("simple_2016", {"enterprise.credit_code": "91110108MA01ABCD1X"})
    data["intermediary"] = {"name": "朝阳示例会计师事务所（特殊普通合伙）", "credit_code": "91110105MA00000003"}
    data["special_audit_report"] = {"issued_on": "2024-05-20", "high_tech_income": 6000000, "years": report_years()}
    app = tmp_path / "app.json"
    app.write_text(json.dumps(data, default=str, ensure_ascii=False), encoding="utf-8")
    r = hnte("assess", str(app), "--intermediaries", str(DOCS / "intermediaries.yaml"), "--records", str(DOCS / "records.yaml"), "--json")
    out = json.loads(r.stdout)
    assert r.returncode == 0 and out["audit"]["submission_blocked"] is True
    assert out["audit"]["intermediary"]["source"] == "registry"
    text = hnte("assess", str(app), "--intermediaries", str(DOCS / "intermediaries.yaml")).stdout
    assert "不能提交" in text and "guidelines_2016#sec1-3" in text


def test_rules_read_their_values_from_dated_parameters():
    p16, p08 = ParameterView(ON_2016), ParameterView(ON_2008)
    assert p16.ref("intermediary.qualified_staff_share_min").value["min"] == Decimal("0.30")
    assert p08.ref("intermediary.qualified_staff_share_min").value["min"] == Decimal("0.20")
    assert p16.ref("intermediary.bad_record_lookback_years").value == 3 and p08.ref("intermediary.bad_record_lookback_years").value is None
    q = check(firm())
    assert {p.path for r in q.rules for p in r.params} == {
        "intermediary.independent_practice_required", "intermediary.min_years_established", "intermediary.bad_record_lookback_years",
        "intermediary.headcount_min", "intermediary.qualified_staff_share_min"}
