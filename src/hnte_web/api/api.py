"""The HTTP API (django-ninja; OpenAPI document at /api/v1/openapi.json, browsable at /api/v1/docs).

- ``POST /api/v1/assess``: anonymous self-assessment of a posted application file (rate-limited);
- ``GET /api/v1/applications[/{id}]``: the token holder's own enterprise's applications;
- ``GET /api/v1/parameters`` and ``/api/v1/criteria``: the legal values and criteria in force, with citations.
Every error is a structured 4xx body: ``{"error": code, "message": ..., "issues": [{"path", "message"}]}``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from hnte.advice.advise import advise
from hnte.application.load import parse_application
from hnte.core.citations import heading
from hnte.core.errors import InputError, InputIssue, LawVersionError, ParameterError
from hnte.core.parameters import ParameterView
from hnte.core.registry import criteria_for, load_rules, programmes, select
from hnte.engine import assess
from hnte.schemas import application_schema
from hnte_web.accounts.tokens import token_user
from hnte_web.applications.assessment import live_assessment
from hnte_web.applications.models import Application
from hnte_web.applications.services import with_enterprise
from hnte_web.applications.workflow import APPLICATION
from hnte_web.core.ratelimit import client_ip, rate_exceeded


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.auth_user = user
        return user


api = NinjaAPI(title="hnte API", version="1", description="高新技术企业认定 — self-assessment, applications, parameters",
               urls_namespace="api")


def _lang(request: HttpRequest) -> str:
    return "en" if getattr(request, "lang", "zh") == "en" else "zh"


class Issue(Schema):
    path: str
    message: str


class ErrorOut(Schema):
    error: str
    message: str
    issues: list[Issue] = []


@api.exception_handler(InputError)
def _input_error(request, exc: InputError):
    d = exc.to_dict(_lang(request))
    return api.create_response(request, {"error": "invalid_input", "message": exc.render(_lang(request)), "file": d["file"],
                                         "issues": [{"path": i["path"], "message": i["message"]} for i in d["issues"]]}, status=400)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    issues = [{"path": ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "body", "path")), "message": e.get("msg", "")}
              for e in exc.errors]
    zh, en = "请求参数不正确", "invalid request parameters"
    return api.create_response(request, {"error": "invalid_request", "message": en if _lang(request) == "en" else zh,
                                         "issues": issues}, status=422)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    zh, en = "需要有效的 API 令牌（Authorization: Bearer …）", "a valid API token is required (Authorization: Bearer …)"
    return api.create_response(request, {"error": "unauthorized", "message": en if _lang(request) == "en" else zh, "issues": []},
                               status=401)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    code = getattr(exc, "code", "http_error")
    return api.create_response(request, {"error": code, "message": str(exc), "issues": []}, status=exc.status_code)


def _err(status: int, code: str, zh: str, en: str, request) -> HttpError:
    e = HttpError(status, en if _lang(request) == "en" else zh)
    e.code = code
    return e


_APP_SCHEMA = application_schema()
_APP_SCHEMA.pop("$schema", None)
_APP_SCHEMA.pop("$id", None)


@api.post("/assess", response={200: dict, 400: ErrorOut, 413: ErrorOut, 429: ErrorOut}, auth=None, tags=["self-assessment"],
          summary="Self-assess an application file (anonymous, rate-limited)",
          openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": _APP_SCHEMA}}}})
def assess_file(request, programme: str | None = None):
    """Post one application file (format ``hnte/application@1``, JSON); get the verdict, criteria, score range, gaps."""
    if rate_exceeded(f"api-assess:{client_ip(request)}", settings.API_ANON_RATE_PER_MINUTE):
        raise _err(429, "rate_limited", "请求过于频繁，请稍后再试", "too many requests, slow down", request)
    if len(request.body) > 2 * 1024 * 1024:
        raise _err(413, "too_large", "请求体过大（上限 2 MB）", "request body too large (2 MB limit)", request)
    try:
        data = json.loads(request.body or b"null", parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError("<api>", [InputIssue("", f"JSON 语法错误：{e}", f"JSON syntax error: {e}")]) from None
    app = parse_application(data, "<api>")
    result = assess(app, programme, source="<api>")
    lang = _lang(request)
    out = result.to_dict(lang)
    out["advice"] = advise(result, lang=lang).to_dict(lang)
    # Encoded once, with orjson (UTF-8, the same values as ninja's encoder gives), instead of a round trip through
    # json.loads and a second validation and encoding of a ~60 KB body: the anonymous API is the busiest endpoint
    # (bench_web.py). An integer past 64 bits (orjson's limit) falls back to the standard encoder.
    try:
        payload = orjson.dumps(out, default=str, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        payload = json.dumps(out, default=str, ensure_ascii=False).encode()
    return HttpResponse(payload, content_type="application/json; charset=utf-8")


class ApplicationOut(Schema):
    id: int
    programme: str
    state: str
    state_label: str
    year: int
    current_version: int
    updated: dt.datetime


def _own(request, pk: int) -> Application:
    user = request.auth_user
    app = Application.objects.select_related("enterprise").filter(pk=pk, enterprise_id=user.enterprise_id).first()
    if app is None or not user.is_enterprise:
        raise _err(404, "not_found", "没有该申请", "no such application", request)
    return app


def _out(app: Application, lang: str) -> dict:
    return {"id": app.pk, "programme": app.programme, "state": app.state, "state_label": APPLICATION.state_label(app.state, lang),
            "year": app.year, "current_version": app.current_version, "updated": app.updated}


@api.get("/applications", response={200: list[ApplicationOut], 401: ErrorOut}, auth=TokenAuth(), tags=["applications"])
def list_applications(request):
    """The token holder's enterprise's applications."""
    user = request.auth_user
    if not user.is_enterprise:
        return []
    return [_out(a, _lang(request)) for a in Application.objects.filter(enterprise_id=user.enterprise_id)]


@api.get("/applications/{pk}", response={200: dict, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}, auth=TokenAuth(),
         tags=["applications"])
def get_application(request, pk: int):
    """One application: status, versions, the current data and the live assessment."""
    app = _own(request, pk)
    data = with_enterprise(app.data, app.enterprise)
    live = live_assessment(data, lang=_lang(request), traces=False)
    body = _out(app, _lang(request))
    body.update({
        "versions": [{"number": v.number, "submitted_at": v.submitted_at.isoformat(), "sha256": v.sha256, "verdict": v.verdict}
                     for v in app.versions.all()],
        "data": data,
        "assessment": {"verdict": live.get("verdict"), "issues": live.get("issues", []),
                       "criteria": [{k: c[k] for k in ("id", "label", "status", "value", "threshold", "missing")} | {"cites": [x["id"] for x in c["cites"]]}
                                    for c in (live["view"]["criteria"] if live["ok"] else [])]},
    })
    return json.loads(json.dumps(body, default=str))


class WhenQuery(Schema):
    as_of: dt.date | None = None
    programme: str = "national"


def _select(request, q: WhenQuery):
    when = q.as_of or dt.date.today()
    if q.programme not in programmes():
        raise InputError("<api>", [InputIssue("programme", f"未知的认定项目：{q.programme}；可选 {', '.join(programmes())}",
                                              f"unknown programme {q.programme}; choose one of {', '.join(programmes())}")])
    try:
        law, prog = select(q.programme, when)
    except LawVersionError as e:  # the date asked about is the query's as_of, not an application date
        raise InputError("<api>", [InputIssue("as_of", e.message_zh, e.message_en)]) from None
    return when, law, prog


@api.get("/parameters", response={200: dict, 400: ErrorOut, 422: ErrorOut}, auth=None, tags=["law"])
def parameters(request, q: Query[WhenQuery]):
    """The legal values in force on a date, each with its citation."""
    when, law, prog = _select(request, q)
    lang = _lang(request)
    rows = ParameterView(when, prog.variant).in_force()
    body: dict[str, Any] = {
        "as_of": when.isoformat(), "law_version": law.id, "programme": prog.id,
        "parameters": [{**ref.to_dict(), "description": p.description_en if lang == "en" else p.description,
                        "citations": [{"id": c, "heading": heading(c)} for c in ref.cites]} for p, ref in rows],
    }
    return json.loads(json.dumps(body, default=str, ensure_ascii=False))


@api.get("/criteria", response={200: dict, 400: ErrorOut, 422: ErrorOut}, auth=None, tags=["law"])
def criteria(request, q: Query[WhenQuery]):
    """The criteria applied on a date under a programme, each with its articles."""
    when, law, prog = _select(request, q)
    load_rules()
    lang = _lang(request)
    return {"as_of": when.isoformat(), "law_version": law.id, "programme": prog.id,
            "criteria": [{"id": d.id, "label": d.label_en if lang == "en" else d.label_zh,
                          "citations": [{"id": c, "heading": heading(c)} for c in d.cites]} for d in criteria_for(law, prog)]}


class SuggestQuery(Schema):
    text: str = Field(..., min_length=1, max_length=2000)
    as_of: dt.date | None = None
    top: int = Field(5, ge=1, le=20)
    level: int | None = Field(None, ge=2, le=3)


@api.get("/field-suggest", response={200: dict, 400: ErrorOut, 422: ErrorOut, 429: ErrorOut}, auth=None, tags=["law"],
         summary="Suggest catalogue entries for a product or core-technology description")
def field_suggest(request, q: Query[SuggestQuery]):
    """Rank entries of the 《国家重点支持的高新技术领域》 in force on ``as_of`` for a Chinese description (offline:
    jieba segmentation and BM25 over the entries' names, keywords and descriptions), with the matching terms."""
    if rate_exceeded(f"api-suggest:{client_ip(request)}", settings.API_ANON_RATE_PER_MINUTE):
        raise _err(429, "rate_limited", "请求过于频繁，请稍后再试", "too many requests, slow down", request)
    from hnte.registries.field_suggest import suggest

    when = q.as_of or dt.date.today()
    try:
        found = suggest(q.text, when=when, top=q.top, level=q.level)
    except ParameterError:
        raise InputError("<api>", [InputIssue("as_of", f"{when} 没有有效的技术领域目录（2008年起）",
                                              f"no catalogue is in force on {when} (from 2008)")]) from None
    return {"as_of": when.isoformat(), "suggestions": [s.to_dict() for s in found]}
