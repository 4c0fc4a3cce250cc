"""The HTTP API: anonymous self-assessment (same answers as the engine, structured errors, rate limit), the
token-protected applications of the token holder's own enterprise, and the law in force with its citations."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from hnte.application.load import load_application
from hnte.core.citations import resolve
from hnte.core.parameters import load_yaml
from hnte.engine import assess
from hnte_web.applications.filedata import dumps

from .conftest import EXAMPLES, example_data

ASSESS = "/api/v1/assess"
EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))


def example_json(name: str) -> str:
    """The bundled YAML example as JSON, every number digit for digit (no binary floats)."""
    return dumps(load_yaml((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")))


_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def is_english(message: str) -> bool:
    """English text (the user's own input, quoted, may be Chinese)."""
    return bool(re.search(r"[A-Za-z]{4,}", message)) and not _CJK.search(re.sub(r'"[^"]*"', "", message))


def is_chinese(message: str) -> bool:
    return bool(_CJK.search(re.sub(r'"[^"]*"', "", message)))


def post_json(client: Client, url: str, body: str | bytes, **extra):
    return client.generic("POST", url, body.encode("utf-8") if isinstance(body, str) else body,
                          content_type="application/json", **extra)


def assert_structured(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.content[:300]
    body = resp.json()
    assert body["error"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["issues"], list)
    for issue in body["issues"]:
        assert set(issue) >= {"path", "message"} and issue["message"]
    return body


# --- POST /api/v1/assess --------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_examples_convert_to_json_exactly(name):
    """Read back with Decimal, the JSON holds the YAML's very numbers (no binary float on the way)."""
    yaml_data = load_yaml((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    back = json.loads(example_json(name), parse_float=Decimal)
    assert back == _plain(yaml_data)


def _engine_json(result) -> dict:
    return json.loads(json.dumps(result.to_dict(), default=str))


def test_fen_amounts_stay_exact_through_the_api(db, client):
    """Amounts with fen (0.07 yuan) reach the engine exactly: the API's indicators equal the engine's."""
    data = load_yaml((EXAMPLES / "pass_2016.yaml").read_text(encoding="utf-8"))
    data["years"][2]["sales_revenue"] = Decimal("45000000.07")
    data["years"][2]["rd_expenses"]["other"] = Decimal("150000.01")
    text = dumps(data)
    assert "45000000.07" in text and "150000.01" in text
    from hnte.application.load import parse_application

    expected = _engine_json(assess(parse_application(data)))
    body = post_json(client, ASSESS, text).json()
    assert body["indicators"] == expected["indicators"]
    assert any("45000000.07" in json.dumps(f) for f in body["trace"])


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_assess_gives_the_engines_verdict_and_criteria(db, client, name):
    expected = assess(load_application(EXAMPLES / f"{name}.yaml"))
    resp = post_json(client, ASSESS, example_json(name))
    assert resp.status_code == 200, resp.content[:500]
    body = resp.json()
    assert (body["verdict"], body["eligible"]) == (expected.verdict, expected.eligible)
    assert {c["id"]: c["status"] for c in body["criteria"]} == {c.id: c.status for c in expected.criteria}
    assert body["missing"] == expected.missing
    assert body["law_version"]["id"] == expected.law.id
    engine = _engine_json(expected)
    assert (body["score"]["min"], body["score"]["max"], body["indicators"]) == (engine["score"]["min"], engine["score"]["max"],
                                                                               engine["indicators"])
    assert "advice" in body


def test_assess_answer_is_the_engines_whole_answer_in_utf8_and_the_fallback_encoder_agrees(db, client, monkeypatch):
    """The body is the engine's assessment plus its advice, value for value (orjson), Chinese as UTF-8 rather than
    escapes; when orjson cannot encode (an integer past 64 bits) the standard encoder gives the same values."""
    import orjson

    from hnte.advice.advise import advise

    expected = assess(load_application(EXAMPLES / "fail_2016.yaml"))
    want = json.loads(json.dumps({**expected.to_dict("zh"), "advice": advise(expected, lang="zh").to_dict("zh")}, default=str))
    fast = post_json(client, ASSESS, example_json("fail_2016"))
    assert fast["Content-Type"] == "application/json; charset=utf-8" and expected.app.enterprise.name.encode() in fast.content
    assert fast.json() == want

    def refuse(*args, **kwargs):
        raise orjson.JSONEncodeError("Integer exceeds 64-bit range")

    monkeypatch.setattr("hnte_web.api.api.orjson.dumps", refuse)
    slow = post_json(client, ASSESS, example_json("fail_2016"), REMOTE_ADDR="192.0.2.77")
    assert slow.status_code == 200 and slow.json() == want


def test_assess_answers_the_examples_verdicts_as_documented(db, client):
    """Not only equal to the engine: the bundled cases say what they should."""
    verdicts = {n: post_json(client, ASSESS, example_json(n)).json()["verdict"] for n in ("pass_2016", "fail_2016", "missing_2016")}
    assert verdicts == {"pass_2016": "eligible", "fail_2016": "not_eligible", "missing_2016": "undetermined"}


def test_assess_under_another_programme(db, client):
    expected = assess(load_application(EXAMPLES / "beijing_pilot.yaml"), "national")
    body = post_json(client, ASSESS + "?programme=national", example_json("beijing_pilot")).json()
    assert body["programme"]["id"] == "national"
    assert body["verdict"] == expected.verdict


def _with(path_value: tuple[list, object]) -> str:
    data = example_data()
    keys, value = path_value
    obj = data
    for k in keys[:-1]:
        obj = obj[k]
    obj[keys[-1]] = value
    return dumps(data)


@pytest.mark.parametrize(("keys", "value", "path"), [
    (["years", 0, "sales_revenue"], "三千万", "years[0].sales_revenue"),
    (["years", 2, "rd_expenses", "other"], -5, "years[2].rd_expenses.other"),
    (["application_date"], "2024-13-45", "application_date"),
    (["enterprise", "registration_date"], 20190315, "enterprise.registration_date"),
])
def test_bad_field_is_400_naming_its_path(db, client, keys, value, path):
    body = assert_structured(post_json(client, ASSESS, _with((keys, value))), 400, "invalid_input")
    assert path in [i["path"] for i in body["issues"]], body
    assert is_chinese(body["message"]) and all(is_chinese(i["message"]) for i in body["issues"]), "Chinese by default"


def test_bad_field_in_english_on_request(db, client):
    body = assert_structured(post_json(client, ASSESS + "?lang=en", _with((["years", 0, "sales_revenue"], "三千万"))), 400,
                             "invalid_input")
    issue = next(i for i in body["issues"] if i["path"] == "years[0].sales_revenue")
    assert is_english(issue["message"]) and is_english(body["message"])
    zh = assert_structured(post_json(client, ASSESS + "?lang=zh", _with((["years", 0, "sales_revenue"], "三千万"))), 400,
                           "invalid_input")
    assert next(i for i in zh["issues"] if i["path"] == "years[0].sales_revenue")["message"] != issue["message"]


@pytest.mark.parametrize("raw", [b"{", b"", b"\xff\xfe{}", b'{"format": "hnte/application@1",}', b"null", b"[]", b'"text"', b"42"])
def test_unreadable_body_is_400(db, client, raw):
    body = assert_structured(post_json(client, ASSESS, raw), 400, "invalid_input")
    assert body["issues"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999999", "1e308", "10000000000000000"])
def test_non_finite_or_absurd_numbers_are_400_not_a_server_error(db, client, literal):
    text = example_json("pass_2016").replace('"sales_revenue":30000000', f'"sales_revenue":{literal}', 1)
    assert literal in text
    body = assert_structured(post_json(client, ASSESS, text), 400, "invalid_input")
    assert "years[0].sales_revenue" in [i["path"] for i in body["issues"]], body


def test_body_over_the_limit_is_413(db, client):
    big = b'{"format": "hnte/application@1", "pad": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    assert_structured(post_json(client, ASSESS, big), 413, "too_large")


@pytest.fixture
def frozen_minute(monkeypatch):
    """The rate limiter's clock, held still (and moved by hand) so the minute never turns during a test."""
    import hnte_web.core.ratelimit as rl

    now = [1_800_000_000.0]
    monkeypatch.setattr(rl.time, "time", lambda: now[0])
    return now


def test_rate_limit_below_at_and_above(db, settings, frozen_minute):
    settings.API_ANON_RATE_PER_MINUTE = 3
    client = Client(REMOTE_ADDR="203.0.113.7")
    good = example_json("pass_2016")
    statuses = [post_json(client, ASSESS, good if i == 0 else "{}").status_code for i in range(3)]
    assert statuses == [200, 400, 400]  # below and at the limit: answered (bad input is still counted)
    body = assert_structured(post_json(client, ASSESS, good), 429, "rate_limited")
    assert body["issues"] == []
    assert_structured(post_json(client, ASSESS + "?lang=en", good), 429, "rate_limited")
    assert is_english(post_json(client, ASSESS + "?lang=en", good).json()["message"])
    # another client has its own budget; the next minute starts afresh
    assert post_json(Client(REMOTE_ADDR="203.0.113.8"), ASSESS, good).status_code == 200
    frozen_minute[0] += 60
    assert post_json(client, ASSESS, good).status_code == 200


def test_rate_limit_does_not_touch_the_other_operations(db, settings, frozen_minute):
    settings.API_ANON_RATE_PER_MINUTE = 1
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert post_json(client, ASSESS, "{}").status_code == 400
    assert post_json(client, ASSESS, "{}").status_code == 429
    assert client.get("/api/v1/criteria").status_code == 200


# --- token API ------------------------------------------------------------------------------------------


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_token_lists_own_applications_only(world, client):
    from hnte_web.accounts.tokens import token_create
    from hnte_web.applications.services import application_create

    second = application_create(acting_user=world.user_a, programme="beijing-pilot")
    key = token_create(acting_user=world.user_a, label="erp")
    body = client.get("/api/v1/applications", headers=bearer(key)).json()
    assert {a["id"] for a in body} == {world.app_a.pk, second.pk}
    assert all(set(a) == {"id", "programme", "state", "state_label", "year", "current_version", "updated"} for a in body)
    assert world.app_b.pk not in {a["id"] for a in body}
    key_b = token_create(acting_user=world.user_b)
    assert [a["id"] for a in client.get("/api/v1/applications", headers=bearer(key_b)).json()] == [world.app_b.pk]


def test_token_reads_own_application_with_assessment(world, client):
    from hnte_web.accounts.tokens import token_create

    key = token_create(acting_user=world.user_a)
    body = client.get(f"/api/v1/applications/{world.app_a.pk}", headers=bearer(key)).json()
    assert body["id"] == world.app_a.pk
    assert body["data"]["enterprise"]["credit_code"] == world.ent_a.credit_code
    assert body["assessment"]["verdict"] == "eligible"
    assert all(c["cites"] for c in body["assessment"]["criteria"])
    assert body["versions"] == []


def test_another_enterprises_application_is_404_like_a_missing_one(world, client):
    from hnte_web.accounts.tokens import token_create

    key_b = token_create(acting_user=world.user_b)
    theirs = client.get(f"/api/v1/applications/{world.app_a.pk}", headers=bearer(key_b))
    missing = client.get("/api/v1/applications/987654321", headers=bearer(key_b))
    assert_structured(theirs, 404, "not_found")
    assert theirs.json() == missing.json()
    assert world.ent_a.name not in theirs.content.decode()


def test_office_token_sees_no_enterprise_application(world, client):
    from hnte_web.accounts.tokens import token_create

    key = token_create(acting_user=world.office_bj)
    assert client.get("/api/v1/applications", headers=bearer(key)).json() == []
    assert_structured(client.get(f"/api/v1/applications/{world.app_a.pk}", headers=bearer(key)), 404, "not_found")


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer "}, {"Authorization": "Bearer hnte_not-a-real-token"},
                                     {"Authorization": "Basic ZW50X2E6eA=="}, {"Authorization": "hnte_not-a-real-token"}])
def test_missing_or_invalid_token_is_401(world, client, headers):
    for url in ("/api/v1/applications", f"/api/v1/applications/{world.app_a.pk}"):
        body = assert_structured(client.get(url, headers=headers), 401, "unauthorized")
        assert world.ent_a.name not in json.dumps(body, ensure_ascii=False)
    en = assert_structured(client.get("/api/v1/applications?lang=en", headers=headers), 401, "unauthorized")
    assert is_english(en["message"])


def test_a_session_is_not_a_token(world, client):
    client.force_login(world.user_a)
    assert_structured(client.get("/api/v1/applications"), 401, "unauthorized")


def test_revoked_token_is_401(world, client):
    from hnte_web.accounts.tokens import ApiToken, token_create

    key = token_create(acting_user=world.user_a)
    assert client.get("/api/v1/applications", headers=bearer(key)).status_code == 200
    page = Client()
    page.force_login(world.user_a)
    assert page.post(reverse("tokens"), {"revoke": ApiToken.objects.get(user=world.user_a).pk}).status_code == 200
    assert_structured(client.get("/api/v1/applications", headers=bearer(key)), 401, "unauthorized")


def test_token_of_a_deactivated_user_is_401(world, client):
    from hnte_web.accounts.tokens import token_create

    key = token_create(acting_user=world.user_a)
    world.user_a.is_active = False
    world.user_a.save()
    assert_structured(client.get("/api/v1/applications", headers=bearer(key)), 401, "unauthorized")


# --- the law in force -----------------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["parameters", "criteria"])
def test_no_law_in_force_before_2008_is_400(db, client, op):
    body = assert_structured(client.get(f"/api/v1/{op}?as_of=2007-12-31"), 400, "invalid_input")
    assert [i["path"] for i in body["issues"]] == ["as_of"]
    en = assert_structured(client.get(f"/api/v1/{op}?as_of=2007-12-31&lang=en"), 400, "invalid_input")
    assert is_english(en["issues"][0]["message"]) and is_chinese(body["issues"][0]["message"])
    first_day = client.get(f"/api/v1/{op}?as_of=2008-01-01")
    assert first_day.status_code == 200 and first_day.json()["law_version"] == "national_2008"


@pytest.mark.parametrize("op", ["parameters", "criteria"])
def test_unknown_programme_is_400(db, client, op):
    body = assert_structured(client.get(f"/api/v1/{op}?programme=shanghai-fast-track"), 400, "invalid_input")
    assert [i["path"] for i in body["issues"]] == ["programme"]
    assert "national" in body["issues"][0]["message"]


@pytest.mark.parametrize("op", ["parameters", "criteria"])
def test_malformed_date_is_a_structured_4xx(db, client, op):
    body = assert_structured(client.get(f"/api/v1/{op}?as_of=yesterday"), 422, "invalid_request")
    assert [i["path"] for i in body["issues"]] == ["as_of"]


@pytest.mark.parametrize(("as_of", "programme", "law"), [("2016-06-01", "national", "national_2016"),
                                                          ("2012-06-01", "national", "national_2008"),
                                                          ("2023-06-01", "beijing-pilot", "national_2016")])
def test_citations_resolve_to_their_articles(db, client, as_of, programme, law):
    for op, key in (("parameters", "parameters"), ("criteria", "criteria")):
        body = client.get(f"/api/v1/{op}", {"as_of": as_of, "programme": programme}).json()
        assert (body["as_of"], body["law_version"], body["programme"]) == (as_of, law, programme)
        rows = body[key]
        assert rows
        for row in rows:
            assert row["citations"], row
            for c in row["citations"]:
                assert c["heading"].strip() and c["heading"] != c["id"], c
                assert resolve(c["id"]).heading == c["heading"]


def test_criteria_follow_the_law_of_the_date(db, client):
    ids_2016 = [c["id"] for c in client.get("/api/v1/criteria?as_of=2020-01-01").json()["criteria"]]
    ids_2008 = [c["id"] for c in client.get("/api/v1/criteria?as_of=2010-01-01").json()["criteria"]]
    assert ids_2016 != ids_2008 and ids_2016 and ids_2008
    en = client.get("/api/v1/criteria?as_of=2020-01-01&lang=en").json()["criteria"]
    assert all(is_english(c["label"]) for c in en)


def test_openapi_document_describes_every_operation(db, client):
    doc = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/assess", "/api/v1/applications", "/api/v1/applications/{pk}", "/api/v1/parameters",
            "/api/v1/criteria"} <= set(doc["paths"])
    for path, ops in doc["paths"].items():  # every error an operation can answer is documented as structured
        for method, op in ops.items():
            errors = {code: r for code, r in op["responses"].items() if code.startswith("4")}
            assert errors, f"{method} {path}"
            for code, r in errors.items():
                ref = r["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorOut"), f"{method} {path} {code}"
    assess_op = doc["paths"]["/api/v1/assess"]["post"]
    assert assess_op["requestBody"]["content"]["application/json"]["schema"]["properties"]["format"]
    assert {"400", "429"} <= set(assess_op["responses"])
    assert doc["paths"]["/api/v1/applications"]["get"]["security"]
