"""Fixtures for the web tests: users of every role, enterprises in two regions, applications."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import hnte
from hnte.application.load import load_application

EXAMPLES = Path(hnte.__file__).resolve().parent / "examples"
PASSWORD = "correct-horse-battery-9"


def enterprise_fields(name: str, code17: str, region: str) -> dict:
    from hnte_web.enterprises.credit_code import with_check_character

    return {"name": name, "credit_code": with_check_character(code17), "registration_date": dt.date(2019, 3, 15),
            "registration_type": "有限责任公司", "registered_capital": Decimal("10000000"), "industry": "软件",
            "region_code": region, "address": f"{name}地址", "legal_representative": "张三",
            "legal_representative_phone": "010-1", "contact_name": "李四", "contact_phone": "13800000000",
            "contact_email": "a@example.com"}


def make_user(username: str, role: str, **extra):
    from django.contrib.auth import get_user_model

    user = get_user_model()(username=username, role=role, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


def example_data(name: str = "pass_2016") -> dict:
    from hnte_web.applications.services import _jsonable

    return _jsonable(load_application(EXAMPLES / f"{name}.yaml").model_dump(mode="python", exclude_none=True))


@pytest.fixture
def world(db):
    """Two Beijing enterprises (A active, B active) and one in Suzhou (C pending); offices for both regions;
    the Leading Group Office; two experts. A has a complete draft, B a draft of its own."""
    from hnte_web.applications.models import Application
    from hnte_web.applications.services import _store, application_create
    from hnte_web.enterprises.services import enterprise_register, registration_activate

    w = type("World", (), {})()
    w.office_bj = make_user("office_bj", "office", region_prefix="11")
    w.office_sz = make_user("office_sz", "office", region_prefix="3205")
    w.lgo = make_user("lgo", "admin")
    w.expert = make_user("expert_t", "expert", expert_kind="technical")
    w.ent_a = enterprise_register(username="ent_a", password=PASSWORD, fields=enterprise_fields("甲科技有限公司", "91110108MA01AAAA1", "110108"))
    w.ent_b = enterprise_register(username="ent_b", password=PASSWORD, fields=enterprise_fields("乙科技有限公司", "91110105MA01BBBB2", "110105"))
    w.ent_c = enterprise_register(username="ent_c", password=PASSWORD, fields=enterprise_fields("丙科技有限公司", "91320505MA01CCCC3", "320505"))
    registration_activate(acting_user=w.office_bj, enterprise=w.ent_a)
    registration_activate(acting_user=w.office_bj, enterprise=w.ent_b)
    w.user_a, w.user_b, w.user_c = (e.users.get() for e in (w.ent_a, w.ent_b, w.ent_c))
    w.app_a = application_create(acting_user=w.user_a)
    _store(Application.objects.get(pk=w.app_a.pk), example_data())
    w.app_a.refresh_from_db()
    w.app_b = application_create(acting_user=w.user_b)
    return w


SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def shot(page, name: str, min_bytes: int = 5000) -> Path:
    """A full-page screenshot of a key page into build/screenshots/ (kept by CI), checked to hold a rendered page.
    Capturing waits for fonts and layout; on a loaded machine that can pass Playwright's 30 s default, so the
    limit here is 90 s and animations and the caret are frozen."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, timeout=90_000, animations="disabled", caret="hide")
    assert path.stat().st_size > min_bytes, (name, path.stat().st_size)
    return path


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright (never a downloaded browser), one per test module."""
    from playwright.sync_api import sync_playwright

    from hnte.report.pdf import CHROMIUM_ARGS, chromium_path

    exe = chromium_path()
    assert exe, "Debian chromium is required (scripts/system-deps installs it)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()
