"""Security in production settings, rate limits, fuzzed uploads, and an audit log the application cannot alter.

- ``hnte-admin check --deploy`` with ``HNTE_HTTPS=1`` has no warning but the accepted ones (``ACCEPTED_DEPLOY``).
- The production server (gunicorn, ``hnte_web.config.settings``, HTTPS behind a proxy) redirects plain HTTP, sends
  HSTS, nosniff, Referrer-Policy, X-Frame-Options, Secure/HttpOnly/SameSite cookies, and refuses a POST without
  the CSRF token or from another origin; the anonymous API's limit is shared by every worker.
- Log-in attempts per address: 30 in a minute are answered, the 31st is refused (429), another address and the
  next minute start afresh. (The API's own below/at/above tests are in test_api.py.)
- Uploads fuzzed with hypothesis (bytes, types, truncated and malformed PDFs, sizes, path tricks and odd names):
  never a server error, and what is accepted is stored under a random name inside the upload directory only.
- The audit log: no code but ``audit_record`` writes an ``AuditEvent`` (checked in the source and at run time), and
  bulk updates and deletes are refused. (A tampered row is detected: test_workflow.py.)
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import secrets
import subprocess
import time
import traceback
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.signals import pre_save
from django.test import Client
from hypothesis import HealthCheck, event, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from hnte_web.applications.models import Attachment, AttachmentKind
from hnte_web.audit.models import AuditEvent

from .conftest import PASSWORD, make_user
from .liveserver import BIN, Server, database_url

SRC = Path(__file__).resolve().parents[2] / "src" / "hnte_web"

# Deployment checks accepted in production, with the reason.
ACCEPTED_DEPLOY = {
    # HSTS preload is a commitment for the whole registrable domain (a government domain, e.g. *.gov.cn, and every
    # host under it) made by submitting it to the browsers' list: the operator's decision, not the application's.
    "security.W021",
}


def _prod_env(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HNTE_", "DJANGO_", "DATABASE_URL"))}
    return {**env, "DJANGO_SETTINGS_MODULE": "hnte_web.config.settings", "HNTE_DATA_DIR": str(data_dir), "HNTE_HTTPS": "1",
            "DATABASE_URL": f"sqlite:///{data_dir / 'check.sqlite3'}", **extra}


# --------------------------------------------------------------------------------------------- deployment settings


def test_check_deploy_has_no_warning_but_the_accepted_ones(tmp_path):
    out = subprocess.run([str(BIN / "hnte-admin"), "check", "--deploy", "--fail-level", "ERROR"], env=_prod_env(tmp_path),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    found = set(re.findall(r"\((\w+\.[WE]\d+)\)", out.stdout + out.stderr))
    assert found <= ACCEPTED_DEPLOY, out.stdout + out.stderr
    # and without HNTE_HTTPS the same check does complain: the settings above are what HTTPS mode adds
    plain = subprocess.run([str(BIN / "hnte-admin"), "check", "--deploy"], env=_prod_env(tmp_path, HNTE_HTTPS=""),
                           capture_output=True, text=True, timeout=120)
    assert {"security.W004", "security.W008", "security.W012", "security.W016"} <= set(
        re.findall(r"\((\w+\.[WE]\d+)\)", plain.stdout + plain.stderr))


def _cookie(resp, name: str) -> str:
    return next(c for c in resp.cookies() if c.startswith(f"{name}="))


def _seconds_left_in_minute() -> float:
    return 60 - time.time() % 60


@pytest.mark.django_db(transaction=True)
def test_the_production_server_sends_the_security_headers_and_cookies(tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    make_user("office_https", "office", region_prefix="11")  # hashed with PBKDF2: the production settings' hasher
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = _prod_env(data_dir, DATABASE_URL=database_url(), HNTE_SECRET_KEY=django_settings.SECRET_KEY, HNTE_API_ANON_RATE="5")
    subprocess.run([str(BIN / "hnte-admin"), "collectstatic", "--noinput", "--verbosity", "0"], env=env, check=True, timeout=300)
    server = Server(tmp_path, env=env, workers=3, threads=1, settings_module="hnte_web.config.settings")
    https = {"X-Forwarded-Proto": "https"}
    with server:
        plain = server.request("GET", "/accounts/login/")
        assert plain.status == 301 and plain.header("Location").startswith("https://")

        page = server.request("GET", "/accounts/login/", headers=https)
        assert page.status == 200
        assert page.header("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
        assert page.header("X-Content-Type-Options") == "nosniff"
        assert page.header("Referrer-Policy") == "same-origin"
        assert page.header("X-Frame-Options") == "DENY"
        csrf = _cookie(page, "csrftoken")
        assert "; Secure" in csrf and "SameSite=Lax" in csrf
        token = csrf.split(";", 1)[0].split("=", 1)[1]
        origin = f"https://127.0.0.1:{server.port}"
        form = {"username": "office_https", "password": PASSWORD}

        # a POST without the token, or from another origin, is refused
        assert server.request("POST", "/accounts/login/", data=form, headers={**https, "Origin": origin}).status == 403
        foreign = server.request("POST", "/accounts/login/", data=form, cookies={"csrftoken": token},
                                 headers={**https, "Origin": "https://evil.example"})
        assert foreign.status == 403 and "Traceback" not in foreign.text
        ok = server.request("POST", "/accounts/login/", data=form, cookies={"csrftoken": token},
                            headers={**https, "Origin": origin, "Referer": origin + "/accounts/login/"})
        assert ok.status == 302, ok
        session = _cookie(ok, "sessionid")
        assert "; Secure" in session and "; HttpOnly" in session and "SameSite=Lax" in session

        api = server.request("GET", "/api/v1/criteria", headers=https)
        assert api.status == 200 and api.header("X-Content-Type-Options") == "nosniff"
        assert api.header("Strict-Transport-Security")

        # the anonymous API's limit (5 a minute here) holds across the three worker processes
        if _seconds_left_in_minute() < 15:
            time.sleep(_seconds_left_in_minute() + 0.5)
        body, json_headers = b"{}", {**https, "Content-Type": "application/json", "X-Forwarded-For": "198.51.100.9"}  # not trusted
        statuses = [server.request("POST", "/api/v1/assess", body=body, headers=json_headers).status for _ in range(7)]
        assert statuses == [400] * 5 + [429] * 2, statuses
    assert "Traceback" not in server.log()


# --------------------------------------------------------------------------------------------- rate limits


@pytest.fixture
def frozen_clock(monkeypatch):
    """The rate limiter's minute, held still (and turned by hand)."""
    import hnte_web.core.ratelimit as rl

    now = [1_900_000_000.0]
    monkeypatch.setattr(rl.time, "time", lambda: now[0])
    return now


def test_login_attempts_per_address_below_at_and_above_the_limit(world, frozen_clock):
    here = Client(REMOTE_ADDR="203.0.113.20")
    wrong = {"username": "nobody", "password": "wrong-password-1"}
    statuses = [here.post("/accounts/login/", wrong).status_code for _ in range(29)]
    assert statuses == [200] * 29  # answered (a wrong password, said so)
    at = here.post("/accounts/login/", {"username": "ent_a", "password": PASSWORD})
    assert at.status_code == 302  # the 30th attempt: still allowed, and it logs in
    above = Client(REMOTE_ADDR="203.0.113.20").post("/accounts/login/", {"username": "ent_a", "password": PASSWORD})
    assert above.status_code == 429 and "登录尝试过于频繁" in above.content.decode()
    en = Client(REMOTE_ADDR="203.0.113.20").post("/accounts/login/?lang=en", wrong)
    assert en.status_code == 429 and "too many log-in attempts" in en.content.decode()
    assert Client(REMOTE_ADDR="203.0.113.21").post("/accounts/login/", wrong).status_code == 200  # its own budget
    frozen_clock[0] += 60
    assert Client(REMOTE_ADDR="203.0.113.20").post("/accounts/login/", {"username": "ent_a", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_old_rate_counters_are_pruned_once_a_minute_per_process_not_on_every_new_key(frozen_clock, monkeypatch):
    import hnte_web.core.ratelimit as rl
    from hnte_web.core.models import RateCounter

    monkeypatch.setattr(rl, "_pruned_window", None)
    window = int(frozen_clock[0] // 60)
    for age in (rl.KEEP_WINDOWS + 1, rl.KEEP_WINDOWS, 1):  # one too old, one at the edge, one recent
        RateCounter.objects.create(key=f"old:{age}", window=window - age, count=3)
    deletes = []
    monkeypatch.setattr(rl, "prune", lambda w, real=rl.prune: deletes.append(real(w)) or deletes[-1])
    assert rl.rate_exceeded("api-assess:198.51.100.1", 60) is False
    assert deletes == [1]  # the first hit of the window pruned the one counter older than KEEP_WINDOWS minutes
    assert set(RateCounter.objects.filter(key__startswith="old:").values_list("window", flat=True)) == {
        window - rl.KEEP_WINDOWS, window - 1}
    for i in range(2, 6):  # new keys in the same minute: counted, no further prune
        assert rl.rate_exceeded(f"api-assess:198.51.100.{i}", 60) is False
    assert deletes == [1]
    frozen_clock[0] += 60  # the next minute: the counter at the edge is now too old
    rl.rate_exceeded("api-assess:198.51.100.1", 60)
    assert deletes == [1, 1] and not RateCounter.objects.filter(key=f"old:{rl.KEEP_WINDOWS}").exists()


# --------------------------------------------------------------------------------------------- fuzzed uploads

MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
               b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
JPEG_HEAD = bytes.fromhex("ffd8ffe000104a46494600010100000100010000")

contents = st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=2000).map(lambda b: b"%PDF-1." + b),  # a PDF header and anything after it
    st.integers(min_value=0, max_value=len(MINIMAL_PDF)).map(lambda k: MINIMAL_PDF[:k]),  # truncated
    st.binary(max_size=2000).map(lambda b: MINIMAL_PDF + b),  # trailing junk
    st.binary(max_size=2000).map(lambda b: MINIMAL_PDF.replace(b"%%EOF", b"") + b),  # no end marker
    st.binary(max_size=2000).map(lambda b: PNG[:16] + b),
    st.binary(max_size=2000).map(lambda b: JPEG_HEAD + b),
    st.sampled_from([b"", b"%PDF", b"%%EOF", b"<html><script>alert(1)</script></html>", b"MZ\x90\x00", b"PK\x03\x04", PNG]),
    st.integers(min_value=1, max_value=3).map(lambda k: MINIMAL_PDF + b"%" * (1500 * k) + b"\n%%EOF\n"),  # around the size limit
)
names = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/shadow", "a/b/../../c.pdf", "%2e%2e%2fx.pdf",
                     "....//....//x.pdf", "x.pdf\x00.exe", "\u202egpj.exe", "CON", ".htaccess", " ", ".", "..", "~/x.pdf",
                     "a" * 400 + ".pdf", "报告.PDF", "file:///etc/passwd", "x.pdf;rm -rf /", "<script>.pdf", "x\r\nX-Evil: 1.pdf"]),
    st.tuples(st.sampled_from(["../", "..\\", "/", "./"]), st.text(max_size=20), st.sampled_from([".pdf", ".png", ".jpg", ""]))
    .map("".join),
)
kinds = st.one_of(st.sampled_from(AttachmentKind.values), st.text(max_size=20))
LIMIT = 3000  # HNTE_UPLOAD_MAX_BYTES for this test: the generated files fall on both sides of it


def multipart(filename: str, body: bytes, kind: str, deidentified: bool) -> tuple[bytes, str]:
    """The form as a client could send it, byte for byte: the file name goes in unescaped (quotes, CR/LF, NUL and
    all), which a test client's file object would not allow."""
    boundary = "hnteFuzz" + secrets.token_hex(12)
    parts = [(f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
              "Content-Type: application/octet-stream").encode("utf-8", "surrogatepass") + b"\r\n\r\n" + body,
             b'Content-Disposition: form-data; name="kind"\r\n\r\n' + kind.encode("utf-8", "surrogatepass")]
    if deidentified:
        parts.append(b'Content-Disposition: form-data; name="deidentified"\r\n\r\non')
    raw = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts) + b"--" + boundary.encode() + b"--\r\n"
    return raw, f"multipart/form-data; boundary={boundary}"


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=contents, name=names, kind=kinds, deidentified=st.booleans())
@example(body=MINIMAL_PDF, name="../../etc/passwd", kind="other", deidentified=False)  # accepted, the name kept as a name
@example(body=PNG, name="..\\..\\windows\\x.png", kind="ip_certificate", deidentified=True)
@example(body=MINIMAL_PDF, name='x.pdf"\r\nContent-Type: text/html\r\n\r\n<script>', kind="other", deidentified=False)
@example(body=MINIMAL_PDF, name="", kind="other", deidentified=False)
@example(body=MINIMAL_PDF + b"%" * 4000, name="big.pdf", kind="other", deidentified=False)  # over the limit
def test_fuzzed_uploads_never_cause_a_server_error(world, settings, body, name, kind, deidentified):
    settings.UPLOAD_MAX_BYTES = LIMIT
    client = Client(raise_request_exception=False)
    client.force_login(world.user_a)
    data_dir, upload_root = Path(django_settings.DATA_DIR), Path(django_settings.UPLOAD_ROOT)
    upload_root.mkdir(parents=True, exist_ok=True)
    before_rows = set(Attachment.objects.values_list("pk", flat=True))
    outside_before = _files_under(data_dir) - _files_under(upload_root)
    r = client.generic("POST", f"/applications/{world.app_a.pk}/attachments/", *multipart(name, body, kind, deidentified))
    assert r.status_code in (302, 400), (r.status_code, name, body[:40])
    assert "Traceback" not in r.content.decode("utf-8", "replace")
    new = Attachment.objects.exclude(pk__in=before_rows)
    outside_after = _files_under(data_dir) - _files_under(upload_root)
    assert outside_after == outside_before  # nothing ever written outside the upload directory
    if r.status_code == 400:
        event("refused")
        assert not new.exists()
        return
    event("accepted")
    att = new.get()
    assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|png|jpg)", att.storage_name)
    stored = upload_root / att.storage_name
    assert stored.read_bytes() == body and hashlib.sha256(body).hexdigest() == att.sha256 and att.size == len(body) <= LIMIT
    assert att.content_type in ("application/pdf", "image/png", "image/jpeg")
    assert (att.content_type == "application/pdf") == body.startswith(b"%PDF")
    assert "/" not in att.original_name and "\\" not in att.original_name and "\x00" not in att.original_name
    assert att.kind in AttachmentKind.values and att.deidentified == deidentified
    got = client.get(f"/attachments/{att.pk}/")
    assert got.status_code == 200 and got["Content-Type"] == att.content_type and got["X-Content-Type-Options"] == "nosniff"
    assert got["Content-Disposition"].startswith("attachment;") and "\n" not in got["Content-Disposition"]
    assert b"".join(got.streaming_content) == body


def test_an_oversized_upload_is_refused_with_the_limit_named(world, settings, client):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(world.user_a)
    big = MINIMAL_PDF + b"%" * 2000 + b"\n%%EOF\n"
    r = client.post(f"/applications/{world.app_a.pk}/attachments/", {"file": SimpleUploadedFile("big.pdf", big), "kind": "other"})
    assert r.status_code == 400 and "文件过大" in r.content.decode() and not Attachment.objects.exists()


# --------------------------------------------------------------------------------------------- the audit log

WRITES = {"create", "bulk_create", "get_or_create", "update_or_create", "update", "delete", "bulk_update", "save", "_raw_delete",
          "_insert", "_do_insert", "save_base"}


def _audit_writes(tree: ast.AST) -> list[int]:
    """Lines where ``AuditEvent`` is constructed, or a write method is called on a chain starting at it."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id == "AuditEvent":
                found.append(node.lineno)
            chain = []
            while isinstance(f, ast.Attribute):
                chain.append(f.attr)
                f = f.value.func if isinstance(f.value, ast.Call) else f.value
            if isinstance(f, ast.Name) and f.id == "AuditEvent" and chain and chain[0] in WRITES:
                found.append(node.lineno)
    return found


def test_no_code_but_audit_record_writes_an_audit_event():
    offenders = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(SRC).as_posix()
        if rel == "audit/services.py":  # audit_record: the one writer
            tree = ast.parse(text)
            funcs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
            writers = {name for name, fn in funcs.items() if _audit_writes(fn)}
            assert writers == {"audit_record"}, writers
            continue
        offenders += [f"{rel}:{line}" for line in _audit_writes(ast.parse(text))]
        if re.search(r"(?i)(insert\s+into|update|delete\s+from)\s+\"?audit_auditevent", text):
            offenders.append(f"{rel}: raw SQL on audit_auditevent")
    assert offenders == []


def test_the_source_check_finds_a_write_when_there_is_one():
    for snippet in ("AuditEvent.objects.create(action='x')", "AuditEvent.objects.filter(pk=1).update(reason='x')",
                    "AuditEvent(action='x').save()", "AuditEvent.objects.all().delete()",
                    "AuditEvent.objects.bulk_create([])"):
        assert _audit_writes(ast.parse(snippet)), snippet
    assert not _audit_writes(ast.parse("AuditEvent.objects.filter(object_id='1').order_by('id').first()"))


def test_bulk_updates_and_deletes_of_audit_events_are_refused(world):
    qs = AuditEvent.objects.filter(pk=AuditEvent.objects.first().pk)
    for attempt in (lambda: qs.update(reason="changed"), lambda: qs.delete(), lambda: AuditEvent.objects.all().delete(),
                    lambda: AuditEvent.objects.bulk_update(list(qs), ["reason"]),
                    lambda: AuditEvent.objects.update_or_create(pk=qs.get().pk, defaults={"reason": "x"})):
        with pytest.raises(PermissionError):
            attempt()
    assert AuditEvent.objects.filter(reason="changed").count() == 0


def test_at_run_time_every_audit_event_comes_from_audit_record(world, client):
    """Through pages, the API and services: each AuditEvent saved is saved from inside audit_record."""
    from hnte_web.applications.services import application_submit

    callers: list[str] = []

    def watch(sender, instance, **kwargs):
        stack = traceback.extract_stack()
        callers.append("ok" if any(f.name == "audit_record" and f.filename.endswith("audit/services.py") for f in stack)
                       else "".join(traceback.format_list(stack[-8:])))

    pre_save.connect(watch, sender=AuditEvent, dispatch_uid="audit-watch")
    try:
        client.force_login(world.user_a)
        client.post("/accounts/tokens/", {"label": "k"})
        client.post(f"/applications/{world.app_a.pk}/attachments/", {"file": SimpleUploadedFile("a.pdf", MINIMAL_PDF),
                                                                    "kind": "other"})
        application_submit(acting_user=world.user_a, application=world.app_a, commitment_by="张三", agreed=True)
        client.force_login(world.office_bj)
        client.post(f"/office/applications/{world.app_a.pk}/action/", {"action": "return", "reason": "补充材料"})
        client.post(f"/office/registrations/{world.ent_c.pk}/", {"action": "activate"})
        Client(REMOTE_ADDR="198.51.100.1").post("/accounts/login/", {"username": "ent_b", "password": "wrong"})
    finally:
        pre_save.disconnect(dispatch_uid="audit-watch", sender=AuditEvent)
    assert len(callers) >= 4
    assert [c for c in callers if c != "ok"] == []
