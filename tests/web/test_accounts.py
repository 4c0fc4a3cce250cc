"""Log-in, lock-out after repeated failures (below, at and above the threshold), log-out, password change,
and enterprise sign-up with the credit-code check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from hnte_web.enterprises.credit_code import credit_code_problem, with_check_character
from hnte_web.enterprises.models import Enterprise

from .conftest import PASSWORD


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_and_logout(client, world):
    r = _login(client, "ent_a", PASSWORD)
    assert r.status_code == 302 and r.url == "/"
    assert client.get("/enterprise/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # log-out is a POST (no CSRF-able GET)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/enterprise/").status_code == 302


@pytest.mark.parametrize("failures, locked", [(settings.LOCKOUT_THRESHOLD - 1, False), (settings.LOCKOUT_THRESHOLD, True),
                                              (settings.LOCKOUT_THRESHOLD + 1, True)])
def test_lockout_after_repeated_failures(client, world, failures, locked):
    for _ in range(failures):
        r = _login(client, "ent_a", "wrong-password")
        assert r.status_code == 200
    r = _login(client, "ent_a", PASSWORD)
    if locked:
        assert r.status_code == 200 and "锁定" in r.content.decode()
    else:
        assert r.status_code == 302


def test_lockout_message_in_english(client, world):
    for _ in range(settings.LOCKOUT_THRESHOLD):
        _login(client, "ent_a", "wrong")
    r = client.post("/accounts/login/?lang=en", {"username": "ent_a", "password": PASSWORD})
    assert "locked" in r.content.decode()


def test_a_success_resets_the_failure_count(client, world):
    for _ in range(settings.LOCKOUT_THRESHOLD - 1):
        _login(client, "ent_a", "wrong")
    assert _login(client, "ent_a", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(settings.LOCKOUT_THRESHOLD - 1):
        _login(client, "ent_a", "wrong")
    assert _login(client, "ent_a", PASSWORD).status_code == 302


def test_unknown_user_gets_the_same_message_as_a_wrong_password(client, world):
    a = _login(client, "nobody", "x").content.decode()
    b = _login(client, "ent_a", "x").content.decode()
    assert "用户名或密码错误" in a and "用户名或密码错误" in b


def test_password_change(client, world):
    client.force_login(world.user_a)
    r = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "a-new-secret-2026",
                                            "new_password2": "a-new-secret-2026"})
    assert r.status_code == 200 and "密码已修改" in r.content.decode()
    client.post("/accounts/logout/")
    assert _login(client, "ent_a", PASSWORD).status_code == 200
    assert _login(client, "ent_a", "a-new-secret-2026").status_code == 302


@pytest.mark.parametrize("code, ok", [
    ("91350100M000100Y43", True), ("91440300708461136T", True),
    ("91350100M000100Y44", False),  # wrong check character
    ("91350100M000100Y4", False), ("91350100M000100Y433", False),  # 17 and 19 characters
    ("91350100M000100I43", False),  # I is never used
])
def test_credit_code_check_character(code, ok):
    assert (credit_code_problem(code) is None) is ok


def _signup(**over):
    data = {"username": "newco", "password": "long-enough-pass-1", "password2": "long-enough-pass-1", "name": "新公司",
            "credit_code": with_check_character("91110108MA09WWWW9"), "registration_date": "2020-01-02",
            "registration_type": "有限责任公司", "registered_capital": "500.5", "industry": "软件", "region_code": "110108",
            "address": "北京市海淀区", "legal_representative": "王五", "legal_representative_phone": "010-2",
            "contact_name": "赵六", "contact_phone": "13900000000", "contact_email": "x@example.com"}
    data.update(over)
    return data


def test_signup_registers_an_enterprise_awaiting_activation(client, world):
    r = client.post("/register/", _signup())
    assert r.status_code == 302
    ent = Enterprise.objects.get(name="新公司")
    assert ent.state == "registered" and ent.registered_capital == 5005000  # 500.5 万元, stored in yuan
    assert "待审核" in client.get("/enterprise/").content.decode()


def test_signup_rejects_a_bad_check_character_and_writes_nothing(client, world):
    bad = _signup(credit_code="91110108MA09WWWW90")
    r = client.post("/register/", bad)
    assert r.status_code == 400
    assert "校验位错误" in r.content.decode()
    assert not Enterprise.objects.filter(name="新公司").exists()


def test_signup_rejects_a_duplicate_credit_code(client, world):
    r = client.post("/register/", _signup(credit_code=world.ent_a.credit_code))
    assert r.status_code == 400 and "已注册" in r.content.decode()


@pytest.mark.parametrize("taken", ["credit_code", "username"])
def test_a_sign_up_that_loses_a_race_is_told_which_field_was_taken_and_writes_nothing(client, world, monkeypatch, taken):
    """Two sign-ups with the same credit code (or user name) at once: both pass the form's check, the second meets
    the database's unique constraint — a form error naming the field, never a server error, nothing half-written."""
    import hnte_web.enterprises.views as views
    from hnte_web.enterprises.services import enterprise_register

    mine = _signup()
    theirs = {"username": "otherco" if taken == "credit_code" else mine["username"], "password": "long-enough-pass-2",
              "fields": {**{k: v for k, v in mine.items() if k not in ("username", "password", "password2")},
                         "name": "抢先公司", "registration_date": dt.date(2020, 1, 2), "registered_capital": Decimal("1000000"),
                         "credit_code": mine["credit_code"] if taken == "credit_code" else with_check_character("91110108MA09KKKK8")}}

    def just_after_the_check(**kwargs):
        enterprise_register(**theirs)  # the other sign-up lands between the form's check and this insert
        return enterprise_register(**kwargs)

    monkeypatch.setattr(views, "enterprise_register", just_after_the_check)
    r = client.post("/register/", mine)
    assert r.status_code == 400
    assert ("该统一社会信用代码已注册" if taken == "credit_code" else "该用户名已被使用") in r.content.decode()
    assert not Enterprise.objects.filter(name="新公司").exists() and Enterprise.objects.filter(name="抢先公司").count() == 1


@pytest.mark.parametrize("name", ["system", "System", "root"])
def test_reserved_user_names_cannot_be_registered(client, db, name):
    r = client.post("/register/", _signup(username=name))
    assert r.status_code == 400 and "系统保留" in r.content.decode()
    assert not Enterprise.objects.filter(name="新公司").exists()
