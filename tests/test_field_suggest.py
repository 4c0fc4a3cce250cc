"""Field suggestion (jieba + BM25 over the catalogue entries, measures_2016#annex): clear cases, the
matching terms, the labelled set (bench/data/field_suggest_labelled.yaml) and the command."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hnte.core.parameters import load_yaml
from hnte.registries import catalogue
from hnte.registries.field_suggest import suggest

LABELLED = Path(__file__).resolve().parent.parent / "bench" / "data" / "field_suggest_labelled.yaml"


def labelled() -> list[dict]:
    return load_yaml(LABELLED.read_text(encoding="utf-8"))["items"]


@pytest.mark.parametrize(("text", "code"), [
    ("锂离子动力电池包及电池管理系统", "6.3.2"),
    ("六轴工业机器人及视觉引导抓取", "8.4.2"),
    ("新冠病毒抗原快速检测试剂盒", "2.1.3"),
    ("城镇污水处理厂的MBR膜生化处理工艺", "7.1.1"),
    ("集成电路先进封装与晶圆级封装", "1.2.3"),
    ("北斗卫星导航高精度定位接收机", "3.2.8"),
])
def test_clear_descriptions_get_their_entry_first(text, code):
    first = suggest(text, top=3)[0]
    assert first.code == code
    assert first.terms  # the matching terms are shown
    assert [p[0] for p in first.path] == [code.split(".")[0], ".".join(code.split(".")[:2]), code]


def test_matching_terms_are_the_query_words_found_in_the_entry_longest_not_repeated():
    (s,) = suggest("锂离子动力电池包及电池管理系统", top=1)
    assert "电池管理系统" in s.terms and "动力电池" in s.terms
    assert "电池" not in s.terms  # contained in a longer term already shown
    assert all(t in "锂离子动力电池包及电池管理系统".lower() for t in s.terms)


def test_second_level_ranking_and_ordering():
    results = suggest("便携式彩色多普勒超声诊断仪", level=2, top=3)
    assert results[0].code == "2.5" and all(r.level == 2 for r in results)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert len({r.code for r in results}) == len(results)


def test_no_matching_word_gives_no_suggestion_and_results_are_deterministic():
    assert suggest("。，、！") == []
    assert suggest("的和与") == []
    text = "面向中小制造企业的SaaS进销存与财务一体化管理平台"
    assert [s.to_dict() for s in suggest(text)] == [s.to_dict() for s in suggest(text)]


def test_the_catalogue_in_force_on_a_date_is_used():
    old = suggest("数控机床与工业机器人", when=dt.date(2012, 6, 30), top=1)[0]
    assert old.code.startswith("8.") and old.level == 2  # 2008: recorded to the second level only
    assert old.path[0] == ("8", "高新技术改造传统产业")


def test_the_labelled_set_is_large_enough_and_spread_over_all_eight_fields():
    items = labelled()
    assert len(items) >= 60
    per_field: dict[str, int] = {}
    cat = catalogue.builtin("national_2016")
    for item in items:
        assert cat.get(item["second"]) is not None and cat.get(item["second"]).level == 2, item
        if "third" in item:
            assert item["third"].startswith(item["second"] + ".") and cat.get(item["third"]) is not None, item
        per_field[item["second"].split(".")[0]] = per_field.get(item["second"].split(".")[0], 0) + 1
    assert sorted(per_field) == [str(i) for i in range(1, 9)] and min(per_field.values()) >= 6


def test_accuracy_floor_on_the_labelled_set():
    """Deterministic: the right second-level entry is in the top 3 for at least 80 % (issue 9)."""
    items = labelled()
    cat = catalogue.builtin("national_2016")
    hits = sum(1 for item in items if item["second"] in [s.code for s in suggest(item["text"], catalogue=cat, level=2, top=3)])
    assert hits / len(items) >= 0.80, f"top-3 {hits}/{len(items)}"


def test_field_suggest_command():
    r = subprocess.run([sys.executable, "-m", "hnte", "field-suggest", "高速精密圆锥滚子轴承", "--json", "--top", "2"],
                       capture_output=True, text=True, timeout=300)
    out = json.loads(r.stdout)
    assert r.returncode == 0 and out["catalogue"] == "national_2016" and len(out["suggestions"]) == 2
    assert out["suggestions"][0]["code"] == "8.5.1" and "轴承" in out["suggestions"][0]["terms"]
    text = subprocess.run([sys.executable, "-m", "hnte", "field-suggest", "海上风力发电机组", "--level", "2"],
                          capture_output=True, text=True, timeout=300).stdout
    assert "6.1" in text and ("风力发电" in text or "风电" in text)
    bad = subprocess.run([sys.executable, "-m", "hnte", "field-suggest", "轴承", "--top", "0"], capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "--top" in bad.stderr and "Traceback" not in bad.stderr
