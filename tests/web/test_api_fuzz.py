"""Property-based fuzzing of the API against its own OpenAPI document (schemathesis): whatever is sent —
valid or not by the schema, with or without a token, for an id that is the caller's own or anyone's —
the answer is never a server error, and it conforms to the document (documented status, content type, body).
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from hnte_web.applications.filedata import dumps

from .conftest import example_data

EXAMPLES_PER_OPERATION = 30
TOKEN_OPERATIONS = {"/api/v1/applications", "/api/v1/applications/{pk}"}


@contextmanager
def connection_kept():
    """As Django's own test client does: a request must not recycle the test's database connection (its
    transaction holds the fixtures and is rolled back at the end)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


with connection_kept():  # the document is read at collection, before any database exists
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def wsgi_requests(db):
    with connection_kept():
        yield


@pytest.fixture
def tokens(world, wsgi_requests):
    """Valid tokens of enterprise A (owner of a complete draft and a submitted application) and of an office."""
    from hnte_web.accounts.tokens import token_create
    from hnte_web.applications.services import application_create, application_submit

    application_submit(acting_user=world.user_a, application=world.app_a, commitment_by="张三", agreed=True)
    application_create(acting_user=world.user_a, programme="beijing-pilot")
    return {"own_ids": sorted(world.ent_a.applications.values_list("pk", flat=True)),
            "a": token_create(acting_user=world.user_a, label="fuzz"), "office": token_create(acting_user=world.office_bj)}


# Every check schemathesis has (no server error, documented status codes, content types and bodies, schema-invalid
# input rejected) but one: schema-valid input may still break a rule the schema cannot say (a date before any law,
# figures that contradict each other), which is a documented 400.
load_all_checks()
EXCLUDED = CHECKS.get_by_names(["positive_data_acceptance"])
assert len(CHECKS.get_all()) > len(EXCLUDED) + 5


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_has_no_server_error(case, tokens):
    path = case.operation.path
    case.call_and_validate(excluded_checks=EXCLUDED)
    if path in TOKEN_OPERATIONS:
        # also with a valid token: the enterprise's (and for one id, its own application) and an office's
        case.call_and_validate(headers={"Authorization": f"Bearer {tokens['office']}"}, excluded_checks=EXCLUDED)
        if path.endswith("{pk}") and isinstance(case.path_parameters.get("pk"), int):
            case.path_parameters["pk"] = tokens["own_ids"][case.path_parameters["pk"] % len(tokens["own_ids"])]
        case.call_and_validate(headers={"Authorization": f"Bearer {tokens['a']}"}, excluded_checks=EXCLUDED)


def test_the_fuzzed_document_covers_every_operation():
    """What is fuzzed is what the API routes: every operation of the ninja API, the token ones among them."""
    from hnte_web.api.api import api

    fuzzed = {f"{op.method.upper()} {op.path}" for op in (r.ok() for r in schema.get_all_operations())}
    routed = {f"{m.upper()} {path}" for path, ops in api.get_openapi_schema()["paths"].items() for m in ops}
    assert fuzzed == routed
    assert {f"GET {p}" for p in TOKEN_OPERATIONS} | {"POST /api/v1/assess"} <= fuzzed


def test_fuzzing_reaches_the_database(wsgi_requests):
    """A sanity check of the harness: a request through the same WSGI app sees this test's rows."""
    from werkzeug.test import Client

    from hnte_web.accounts.tokens import token_create

    from .conftest import make_user

    key = token_create(acting_user=make_user("fuzz_probe", "office", region_prefix="11"))
    resp = Client(schema.app).get("/api/v1/applications", headers={"Authorization": f"Bearer {key}"})
    assert resp.status_code == 200 and resp.json == []
    body = dumps(example_data())
    assert Client(schema.app).post("/api/v1/assess", data=body, content_type="application/json").status_code == 200
