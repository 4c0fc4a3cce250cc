"""《国家重点支持的高新技术领域》 as dated, cited data (measures_2016#annex, measures_2008#annex,
beijing_pilot_2021#annex1): the editions, the code check, an office's update, and the commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml

from conftest import derive
from hnte.application import parse_application
from hnte.application.model import PilotField
from hnte.core.citations import resolve
from hnte.core.errors import InputError
from hnte.core.parameters import ParameterView
from hnte.engine import assess
from hnte.registries import catalogue

HNTE = [sys.executable, "-m", "hnte"]
N2016 = catalogue.builtin("national_2016")
N2008 = catalogue.builtin("national_2008")
PILOT = catalogue.builtin("beijing_pilot_2021")


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*HNTE, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300)


# --- the editions ---------------------------------------------------------------------------------------

def test_the_2016_catalogue_has_8_fields_52_second_and_254_third_level_entries():
    assert N2016.counts() == {1: 8, 2: 52, 3: 254}
    assert [e.name for e in N2016.top_level()] == ["电子信息", "生物与新医药", "航空航天", "新材料", "高技术服务", "新能源与节能",
                                                  "资源与环境", "先进制造与自动化"]
    assert N2016.get("1.2.3").name == "集成电路封装技术"
    assert N2016.get("8.1.4").name == "制造执行系统（MES）技术"
    # second-level entries the catalogue leaves without a third level
    assert [e.code for e in N2016.entries.values() if e.level == 2 and not N2016.children(e.code)] == ["5.4", "5.5", "7.6"]


def test_every_entry_cites_resolvable_articles_and_every_top_level_field_its_own_annex_section():
    for cat in (N2016, N2008, PILOT):
        for e in cat.entries.values():
            assert e.cites, (cat.id, e.code)
            for c in e.cites:
                resolve(c)
    assert [e.cites[0] for e in N2016.top_level()] == [f"measures_2016#annex-{i}" for i in range(1, 9)]
    for e in N2016.top_level():  # the legal text lists the same titles as the data
        text = resolve(e.cites[0]).text
        for child in N2016.children(e.code):
            assert child.name in text, child.code


@pytest.mark.parametrize(("day", "edition"), [("2015-12-31", "national_2008"), ("2016-01-01", "national_2016")])
def test_the_edition_in_force_is_a_dated_parameter(day, edition):
    cat, ref = catalogue.in_force(ParameterView(dt.date.fromisoformat(day)))
    assert cat.id == edition and ref.cites


@pytest.mark.parametrize("day", ["2012-06-30", "2024-06-30"])
def test_top_level_names_agree_with_the_top_level_parameter(day):
    view = ParameterView(dt.date.fromisoformat(day))
    cat, _ = catalogue.in_force(view)
    assert {int(e.code): e.name for e in cat.top_level()} == dict(view.ref("catalogue.top_level_fields").value)


def test_the_pilot_scope_keys_are_the_pilot_fields_parameter_and_the_application_enum():
    view = ParameterView(dt.date(2022, 1, 1), "beijing_pilot")
    scope, _ = catalogue.in_force(view, catalogue.PILOT_SCOPE_PARAM)
    assert scope.pilot_keys() == list(view.ref("enterprise.pilot_fields").value) == [p.value for p in PilotField]
    assert [e.name for e in scope.top_level()] == ["集成电路", "人工智能", "生物医药", "关键材料"]
    assert not ParameterView(dt.date(2022, 1, 1)).has(catalogue.PILOT_SCOPE_PARAM)  # national: no pilot scope


def test_pilot_entries_name_the_national_entries_with_the_same_sub_items():
    """附件1 reproduces national entries: IC 1–6 = 1.2.1–1.2.6; biomedicine (一)–(六) = 2.1–2.6, (八) = 4.4."""
    def same_text(a: str, b: str) -> bool:
        return re.sub(r"[\s;；]", "", a) == re.sub(r"[\s;；]", "", b)

    mapped = [e for e in PILOT.entries.values() if e.national]
    assert len(mapped) == 13
    for e in mapped:
        (code,) = e.national
        national = N2016.get(code)
        assert national is not None, code
        pairs = [(e, national)] if e.code.startswith("1.") else list(zip(PILOT.children(e.code), N2016.children(code), strict=True))
        for pilot_entry, national_entry in pairs:
            assert pilot_entry.name == national_entry.name, pilot_entry.code
            assert same_text(pilot_entry.description, national_entry.description), pilot_entry.code
    assert catalogue.pilot_fields_for("1.2.3", PILOT) == ["integrated_circuits"]
    assert catalogue.pilot_fields_for("4.4.1", PILOT) == ["biomedicine"]
    assert catalogue.pilot_fields_for("1.1.1", PILOT) == []


# --- the code check -------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["1", "1.1", "1.1.12", "5.4", "5.5", "7.6", "8.9.2", "2.7.5"])
def test_recorded_codes_are_accepted(code):
    assert N2016.check(code).ok and N2016.check(code).exact


@pytest.mark.parametrize(("code", "says"), [
    ("1.1.13", "1.1.12 Web服务与集成软件"),  # one past the last third-level entry
    ("1.9", "1.8 智能交通和轨道交通技术"),  # one past the last second-level entry
    ("9", "8 先进制造与自动化"),
    ("5.4.1", "没有下级目录，请填写 5.4"),  # a second-level entry without a third level
    ("8.9.3", "8.9.2 印刷技术"),
    ("1.01", "格式不正确"),
])
def test_unknown_codes_are_refused_naming_the_choices(code, says):
    check = N2016.check(code)
    assert not check.ok and says in check.message_zh and check.message_en


def test_the_2008_edition_checks_the_first_level_only():
    assert N2008.checked_levels == 1 and N2008.counts() == {1: 8, 2: 52}
    assert N2008.check("8.6.9").ok and not N2008.check("8.6.9").exact  # second level recorded, third not
    assert N2008.check("1.99").ok
    assert not N2008.check("9.1").ok


@pytest.mark.parametrize("day", [dt.date(2024, 6, 30), dt.date(2012, 6, 30)])
def test_the_batch_refuses_exactly_the_codes_the_single_engine_refuses(day):
    """The table path (hnte batch) checks codes vectorised; it must agree with Catalogue.check."""
    from hnte.batch.run import run_batch
    from hnte.batch.synth import synth

    codes = ["1", "9", "1.1", "1.9", "1.13", "5.4", "5.4.1", "1.1.12", "1.1.13", "8.9.2", "8.9.3", "2.7.5", "2.8.1",
             "7.6", "7.6.1", "3.2.8", "3.2.9", "6.4.8", "1.99", "8.6.9", "5.10", "5.10.3", "01.1"]
    frame = synth(len(codes), 7, day).with_columns(pl.Series("technical_field", codes))
    refused = {e.row for e in run_batch(frame).errors if e.column == "technical_field"}
    cat, _ = catalogue.in_force(ParameterView(day))
    assert refused == {i + 1 for i, c in enumerate(codes) if not cat.check(c).ok}
    assert refused  # both editions refuse some of these


# --- the engine -----------------------------------------------------------------------------------------

def test_art11_3_explains_the_entry_and_asks_for_the_third_level():
    data = derive("simple_2016", {"enterprise.technical_field": "1.2"})
    result = assess(parse_application(data, "case.yaml"))
    c = result.criterion("art11_3_technical_field")
    assert c.status == "pass"
    fig = result.ctx.trace.get("enterprise.technical_field")
    assert fig.details["entry"]["path"] == [["1", "电子信息"], ["1.2", "微电子技术"]]
    assert any("细化到三级目录" in n for n in fig.notes_zh)
    assert any(p.path == "catalogue.edition" and "measures_2016#annex" in p.cites for p in fig.params)


def test_an_unknown_third_level_code_is_an_input_error_naming_the_field():
    with pytest.raises(InputError) as info:
        assess(parse_application(derive("simple_2016", {"enterprise.technical_field": "1.1.13"}), "f.yaml"), source="f.yaml")
    (issue,) = info.value.issues
    assert issue.path == "enterprise.technical_field" and "1.1.13" in issue.message_zh and "1.1.12" in issue.message_zh


def test_the_pilot_condition_reads_the_scope_and_notes_a_mismatch_with_the_national_code():
    data = derive("tbj_simple", {"enterprise.technical_field": "1.2.2", "enterprise.pilot_field": "artificial_intelligence"})
    result = assess(parse_application(data, "bj.yaml"))
    c = result.criterion("sec2_1_pilot_field")
    assert c.status == "pass"
    assert c.details["scope_entry"]["name"] == "人工智能" and len(c.details["scope_entry"]["sub_items"]) == 3
    assert any("1.2.2" in n and "集成电路" in n for n in c.notes_zh)
    assert any(p.path == "catalogue.pilot_scope" for p in c.params)


# --- an office's update ---------------------------------------------------------------------------------

def _updated(tmp_path: Path, change) -> Path:
    data = yaml.safe_load((catalogue.BUILTIN_DIR / "_national_2016.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "update.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_an_installed_update_is_used_by_the_engine_and_reset_restores_the_built_in_edition(tmp_path):
    def add(data):
        i = next(i for i, e in enumerate(data["entries"]) if e["code"] == "1.1.12")
        data["entries"].insert(i + 1, {"code": "1.1.13", "name": "区块链软件", "keywords": ["区块链", "分布式账本"]})

    data = derive("simple_2016", {"enterprise.technical_field": "1.1.13"})
    try:
        installed = catalogue.install(_updated(tmp_path, add))
        assert installed.overridden and installed.get("1.1.13").cites == installed.get("1.1").cites
        result = assess(parse_application(data, "f.yaml"))
        fig = result.ctx.trace.get("enterprise.technical_field")
        assert result.criterion("art11_3_technical_field").status == "pass"
        assert any("本地更新的目录" in n for n in fig.notes_zh)
        from hnte.registries.field_suggest import suggest

        assert suggest("基于区块链的电子存证软件", top=1)[0].code == "1.1.13"  # the suggester indexes the update too
    finally:
        assert catalogue.remove("national_2016")
    with pytest.raises(InputError):
        assess(parse_application(data, "f.yaml"))


@pytest.mark.parametrize(("change", "path", "says"), [
    (lambda d: d["entries"][5].update(code="1.x"), "entries[5].code", "目录编码"),
    (lambda d: d["entries"].append({"code": "1.9.1", "name": "无上级"}), "entries[314].code", "上级条目 1.9"),
    (lambda d: d["entries"].append({"code": "1.1", "name": "重复"}), "entries[314].code", "重复"),
    (lambda d: d["entries"][3].update(colour="red"), "entries[3].colour", "未知字段"),
    (lambda d: d["entries"][3].update(cites=["measures_2016#annex-99"]), "entries[3].cites[0]", "无法对应"),
    (lambda d: d["entries"][3].update(name=""), "entries[3].name", "非空"),
    (lambda d: d.update(id="national_2030"), "id", "未被任何日期参数选用"),
    (lambda d: d.update(entries=[e for e in d["entries"] if not e["code"].startswith("8")]), "entries", "缺少一级领域 8"),
])
def test_an_invalid_update_is_refused_naming_the_file_and_the_field(tmp_path, change, path, says):
    file = _updated(tmp_path, change)
    with pytest.raises(InputError) as info:
        catalogue.install(file)
    assert info.value.source == str(file)
    assert any(i.path == path and says in i.message_zh for i in info.value.issues), [(i.path, i.message_zh) for i in info.value.issues]
    assert not catalogue.override_path("national_2016").exists()


def test_catalogue_load_from_the_command_line_exits_2_on_a_bad_file_and_installs_a_good_one(tmp_path):
    env = {"HNTE_DATA_DIR": str(tmp_path / "data")}
    bad = _updated(tmp_path, lambda d: d["entries"][0].pop("name"))
    r = run("catalogue", "load", str(bad), env=env)
    assert r.returncode == 2 and f"{bad}: entries[0].name" in r.stderr and "Traceback" not in r.stderr
    r = run("catalogue", "load", str(bad), "--json", "--lang", "en", env=env)
    body = json.loads(r.stdout)
    assert r.returncode == 2 and body["file"] == str(bad) and body["issues"][0]["path"] == "entries[0].name"
    good = _updated(tmp_path, lambda d: d["entries"][1].update(keywords=["软件", "App"]))
    r = run("catalogue", "load", str(good), env=env)
    assert r.returncode == 0 and "national_2016" in r.stdout
    assert (tmp_path / "data" / "catalogue" / "national_2016.yaml").exists()
    shown = json.loads(run("catalogue", "--json", env=env).stdout)
    assert shown["catalogue"]["origin"].endswith("national_2016.yaml")
    assert run("catalogue", "reset", "national_2016", env=env).returncode == 0
    assert json.loads(run("catalogue", "--json", env=env).stdout)["catalogue"]["origin"] == "built-in"


# --- the commands ---------------------------------------------------------------------------------------

def test_hnte_catalogue_shows_the_edition_in_force_with_citations():
    out = json.loads(run("catalogue", "--json", "--as-of", "2024-06-30").stdout)
    assert out["catalogue"]["id"] == "national_2016" and out["catalogue"]["counts"] == {"1": 8, "2": 52, "3": 254}
    assert out["parameter"]["path"] == "catalogue.edition" and "measures_2016#annex" in out["parameter"]["cites"]
    assert out["catalogue"]["entries"][0] == {"code": "1", "name": "电子信息", "level": 1, "cites": ["measures_2016#annex-1"],
                                              "name_en": "Electronic information", "keywords": out["catalogue"]["entries"][0]["keywords"]}
    old = json.loads(run("catalogue", "--json", "--as-of", "2012-01-01").stdout)
    assert old["catalogue"]["id"] == "national_2008" and old["catalogue"]["checked_levels"] == 1
    scope = json.loads(run("catalogue", "--json", "--programme", "beijing-pilot", "--as-of", "2022-01-01", "--code", "1").stdout)
    assert scope["catalogue"]["id"] == "beijing_pilot_2021" and [e["code"] for e in scope["catalogue"]["entries"]][:2] == ["1", "1.1"]
    text = run("catalogue", "--level", "1").stdout
    assert "measures_2016#annex-8" in text and "先进制造与自动化" in text and "254 个三级领域" in text
    r = run("catalogue", "--code", "1.1.13")
    assert r.returncode == 2 and "--code" in r.stderr


def test_hnte_params_shows_the_catalogue_and_the_qualification_rules_with_citations():
    out = json.loads(run("params", "--json", "--as-of", "2024-06-30").stdout)
    params = {p["path"]: p for p in out["parameters"]}
    assert params["catalogue.edition"]["value"] == "national_2016"
    assert params["intermediary.qualified_staff_share_min"]["value"]["min"] == 0.3
    assert params["intermediary.qualified_staff_share_min"]["cites"] == ["guidelines_2016#sec1-3"]
    assert params["intermediary.headcount_min"]["value"] == {"min": 20, "inclusive": True}
    (cat,) = out["catalogues"]
    assert cat["id"] == "national_2016" and cat["counts"] == {"1": 8, "2": 52, "3": 254} and "measures_2016#annex" in cat["cites"]
    old = {p["path"]: p["value"] for p in json.loads(run("params", "--json", "--as-of", "2012-06-30").stdout)["parameters"]}
    assert old["intermediary.headcount_min"] == {"min": 20, "inclusive": False}
    assert old["intermediary.qualified_staff_share_min"]["qualifications"] == ["certified_public_accountants"]
    text = run("params", "--programme", "beijing-pilot", "--as-of", "2024-06-30").stdout
    assert "技术领域目录 catalogue.edition = national_2016" in text and "catalogue.pilot_scope = beijing_pilot_2021" in text
