"""Backup and restore (``hnte-admin backup FILE.tar.gz`` / ``hnte-admin restore FILE.tar.gz``, run as commands): a
database with applications through submission, review, the expert panel, publicity, filing and the certificate,
with attachments, is backed up, emptied, and restored; every row of every model is compared field by field, every
stored file byte for byte, and the audit chain verifies. Restore refuses a non-empty database and a damaged archive
(exit code 2) and then changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from hnte_web.accounts.tokens import token_create
from hnte_web.applications.models import Application, Attachment
from hnte_web.applications.services import (
    application_return,
    application_submit,
    attachment_path,
    attachment_remove,
    attachment_upload,
)
from hnte_web.audit.services import audit_verify
from hnte_web.core.backup import EXCLUDED
from hnte_web.core.ratelimit import rate_exceeded
from hnte_web.review import services as review

from .liveserver import BIN, database_url

pytestmark = pytest.mark.django_db(transaction=True)

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def admin(*args: str) -> subprocess.CompletedProcess:
    """``hnte-admin`` as an operator runs it, against this test database and data directory."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hnte_web.config.test_settings", "DATABASE_URL": database_url(),
           "HNTE_DATA_DIR": str(settings.DATA_DIR), "HNTE_SECRET_KEY": settings.SECRET_KEY}
    return subprocess.run([str(BIN / "hnte-admin"), *args], env=env, capture_output=True, text=True, timeout=300)


def every_row() -> dict[str, list]:
    """Every row of every model (m2m tables included), field by field; tables migrate recreates are left out."""
    out: dict[str, list] = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in EXCLUDED:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = list(model._base_manager.order_by("pk").values_list(*fields))
        if model._meta.auto_created:  # a many-to-many table: its own ids are not data, the pairs are
            rows = sorted(row[1:] for row in rows)
        out[label] = rows
    return out


def every_file() -> dict[str, str]:
    root = Path(settings.UPLOAD_ROOT)
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.iterdir()) if p.is_file()}


def upload(world, app, name: str, body: bytes, kind: str = "audit_report", deidentified: bool = False):
    return attachment_upload(acting_user=world.user_a, application=Application.objects.get(pk=app.pk), kind=kind,
                             deidentified=deidentified, upload=SimpleUploadedFile(name, body))


@pytest.fixture
def full(world):
    """A through the whole identification (panel, publicity, filing, certificate) with attachments, one removed;
    B submitted, returned and resubmitted (two versions); an API token, rate counters, notifications, a batch."""
    from hnte_web.certificates.services import certificate_issue

    from .publicity_support import filed, reported

    w = world
    upload(w, w.app_a, "专项审计报告.pdf", PDF)
    upload(w, w.app_a, "证书扫描.png", PNG, kind="ip_certificate", deidentified=True)
    gone = upload(w, w.app_a, "作废.pdf", PDF + b"% old\n%%EOF\n")
    attachment_remove(acting_user=w.user_a, attachment=gone)
    app_a = filed(w, reported(w.office_bj, w.user_a, w.app_a))
    certificate_issue(acting_user=w.lgo, application=app_a, issued_on=dt.date(2024, 12, 2))
    from hnte_web.applications.services import _store

    from .conftest import example_data

    _store(Application.objects.get(pk=w.app_b.pk), example_data())
    upload_b = attachment_upload(acting_user=w.user_b, application=Application.objects.get(pk=w.app_b.pk), kind="other",
                                 deidentified=False, upload=SimpleUploadedFile("材料.pdf", PDF + b"% b\n%%EOF\n"))
    assert upload_b.pk
    application_submit(acting_user=w.user_b, application=Application.objects.get(pk=w.app_b.pk), commitment_by="张三", agreed=True)
    application_return(acting_user=w.office_bj, application=Application.objects.get(pk=w.app_b.pk), reason="请补充材料")
    application_submit(acting_user=w.user_b, application=Application.objects.get(pk=w.app_b.pk), commitment_by="张三", agreed=True)
    review.onsite_check_record(acting_user=w.office_bj, application=Application.objects.get(pk=w.app_b.pk),
                               checked_on=dt.date(2025, 3, 3), inspectors="王五、赵六", findings="研发场地与申报一致")
    token_create(acting_user=w.user_a, label="对接系统")
    for _ in range(3):
        rate_exceeded("login:203.0.113.5", 30)
    return w


def test_backup_then_restore_into_an_empty_database_gives_back_every_row_and_file(full, tmp_path):
    before, files = every_row(), every_file()
    assert len(files) >= 4 and Attachment.objects.count() == 4
    populated = {k for k, rows in before.items() if rows}
    for table in ("applications.application", "applications.applicationversion", "applications.applicationversion_attachments",
                  "applications.attachment", "audit.auditevent", "audit.notification", "accounts.apitoken", "core.ratecounter",
                  "review.batch", "review.onsitecheck", "publicity.publicity", "publicity.publicityentry",
                  "certificates.certificate", "experts.panel"):
        assert table in populated, table  # the comparison below is over real data
    archive = tmp_path / "hnte-backup.tar.gz"
    done = admin("backup", str(archive))
    assert done.returncode == 0 and "备份已写入" in done.stdout, done.stderr
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert {"manifest.json", "data.jsonl"} <= set(names) and sum(n.startswith("files/uploads/") for n in names) == len(files)

    call_command("flush", interactive=False, verbosity=0)  # an empty database (what migrate leaves)
    for path in Path(settings.UPLOAD_ROOT).iterdir():
        path.unlink()
    assert not any(every_row()[k] for k in populated) and every_file() == {}

    done = admin("restore", str(archive))
    assert done.returncode == 0 and "已从" in done.stdout, done.stderr
    after = every_row()
    for table, rows in before.items():
        assert after[table] == rows, table
    assert every_file() == files
    for att in Attachment.objects.all():
        assert hashlib.sha256(attachment_path(att).read_bytes()).hexdigest() == att.sha256
    assert audit_verify() == []
    # and it is a working system again: the ids go on from where they were, the chain keeps growing
    token_create(acting_user=full.user_b, label="恢复后")
    assert audit_verify() == []


def test_restore_refuses_a_database_that_is_not_empty(full, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert admin("backup", str(archive)).returncode == 0
    before = every_row()
    done = admin("restore", str(archive))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "数据库不是空的" in done.stderr and "not empty" in done.stderr and "Traceback" not in done.stderr
    assert every_row() == before


def _rewrite(archive: Path, target: Path, change) -> None:
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            body = src.extractfile(member).read()
            body = change(member.name, body)
            member.size = len(body)
            dst.addfile(member, io.BytesIO(body))


def test_restore_refuses_a_damaged_or_foreign_archive_and_changes_nothing(full, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert admin("backup", str(archive)).returncode == 0
    call_command("flush", interactive=False, verbosity=0)
    for path in Path(settings.UPLOAD_ROOT).iterdir():
        path.unlink()
    damaged = tmp_path / "damaged.tar.gz"
    _rewrite(archive, damaged, lambda name, body: body.replace(b"\xe7\x94\xb2", b"\xe4\xb9\x99", 1) if name == "data.jsonl" else body)
    done = admin("restore", str(damaged))
    assert done.returncode == 2 and "校验和不符" in done.stderr and "checksum" in done.stderr, done.stderr
    with tarfile.open(archive) as tar:
        a_file = [n for n in tar.getnames() if n.startswith("files/uploads/")][-1]  # the others are staged, then removed
    bad_file = tmp_path / "bad-file.tar.gz"
    _rewrite(archive, bad_file, lambda name, body: body + b"x" if name == a_file else body)
    done = admin("restore", str(bad_file))
    assert done.returncode == 2 and "校验和不符" in done.stderr, done.stderr
    foreign = tmp_path / "foreign.tar.gz"
    foreign.write_bytes(b"not a tar file at all")
    done = admin("restore", str(foreign))
    assert done.returncode == 2 and "不是 hnte 备份文件" in done.stderr, done.stderr
    assert not any(every_row()[k] for k in ("applications.application", "audit.auditevent", "accounts.user"))
    assert every_file() == {}  # no file placed either
    assert admin("restore", str(archive)).returncode == 0  # the good archive still restores
    assert audit_verify() == []


def test_a_backup_keeps_a_tampered_audit_row_detectable(full, tmp_path):
    """A backup is a faithful copy: an altered audit row is still named by audit_verify() after restore."""
    from django.db import connection

    from hnte_web.audit.models import AuditEvent

    victim = AuditEvent.objects.order_by("id")[3]
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["篡改", victim.pk])
    archive = tmp_path / "b.tar.gz"
    assert admin("backup", str(archive)).returncode == 0
    call_command("flush", interactive=False, verbosity=0)
    assert admin("restore", str(archive)).returncode == 0
    assert audit_verify() == [victim.pk]
