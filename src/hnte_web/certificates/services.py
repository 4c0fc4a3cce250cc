"""Certificates: issue (number allocated without gaps, validity from the engine's parameter), print to PDF, verify."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from hnte.procedure.periods import certificate_validity
from hnte_web.applications.models import Application
from hnte_web.applications.workflow import APPLICATION
from hnte_web.audit.services import notify_on_commit
from hnte_web.core.workflow import TransitionRefused
from hnte_web.publicity import clock
from hnte_web.publicity.regions import province_code, region_name

from .models import SERIAL_DIGITS, Certificate, CertificateSerial, certificate_number

NUMBER = re.compile(rf"^GR(\d{{4}})(\d{{2}})(\d{{{SERIAL_DIGITS}}})$")


def _next_serial(year: int, province: str) -> int:
    """The next serial for (year, province), inside the caller's transaction: the counter row is locked until it
    commits, so concurrent issues queue on it; a rolled-back issue rolls its serial back (no gaps)."""
    for _ in range(5):
        row = CertificateSerial.objects.select_for_update().filter(year=year, province=province).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = CertificateSerial.objects.create(year=year, province=province, last=0)
            except IntegrityError:  # another issue created it at the same moment: lock that row instead
                continue
        if row.last + 1 >= 10 ** SERIAL_DIGITS:
            raise TransitionRefused(f"{year} 年省级代码 {province} 的证书序号已用完", f"no serial left for {year}, province {province}")
        row.last += 1
        row.save(update_fields=["last"])
        return row.last
    raise TransitionRefused("证书编号分配冲突，请重试", "the certificate number could not be allocated: try again")  # pragma: no cover


def issuer_name(region_code: str) -> str:
    return f"{region_name(region_code)}高新技术企业认定管理机构"


def certificate_issue(*, acting_user, application: Application, issued_on: dt.date | None = None) -> Certificate:
    """颁发证书 for a filed application: number GR + year of issue + province code + serial, valid three years
    (parameter procedure.certificate_validity_years)."""
    issued_on = issued_on or clock.today()
    data: dict = {}

    def effect(app: Application) -> Certificate:
        province = province_code(app.region_code)
        if len(province) != 2 or not province.isdigit():
            raise TransitionRefused(f"地区代码“{app.region_code}”无效，无法确定省级代码", f"invalid region code {app.region_code!r}")
        serial = _next_serial(issued_on.year, province)
        validity = certificate_validity(issued_on)
        ent = app.enterprise
        cert = Certificate.objects.create(
            application=app, number=certificate_number(issued_on.year, province, serial), year=issued_on.year,
            province=province, serial=serial, enterprise_name=ent.name, credit_code=ent.credit_code, issued_on=issued_on,
            valid_until=validity.last_day, issuer=issuer_name(app.region_code), issued_by=acting_user)
        data.update(number=cert.number, issued_on=issued_on.isoformat(), valid_until=cert.valid_until.isoformat())
        return cert

    def notify(app: Application) -> None:
        cert = app.certificate
        for user in app.enterprise.users.all():
            notify_on_commit(user, f"高新技术企业证书已颁发：编号 {cert.number}，有效期至 {cert.valid_until:%Y-%m-%d}，可下载电子证书。",
                             f"Your HNTE certificate {cert.number} is issued, valid until {cert.valid_until}; download it.", "/certificates/")

    return APPLICATION.perform(application, "issue_certificate", acting_user=acting_user, reason="颁发高新技术企业证书",
                               effect=effect, data=data, notify=notify)


# --- the printed certificate ---------------------------------------------------------------------------------


def _pdf_path(cert: Certificate) -> Path:
    return Path(settings.DATA_DIR) / "certificates" / f"{cert.number}.pdf"


def certificate_html(cert: Certificate, verify_url: str = "") -> str:
    return render_to_string("certificates/print.html", {"cert": cert, "verify_url": verify_url})


def certificate_pdf(cert: Certificate, verify_url: str = "") -> bytes:
    """The certificate as a PDF (HTML printed by Debian's Chromium, fonts embedded), printed once and kept; the
    kept file is served only while its SHA-256 is the one recorded for this certificate (else it is printed again:
    a file left by another database, or altered, is never handed out)."""
    from hnte.report.pdf import html_to_pdf

    path = _pdf_path(cert)
    if cert.pdf_sha256 and path.exists():
        body = path.read_bytes()
        if hashlib.sha256(body).hexdigest() == cert.pdf_sha256:
            return body
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        out = Path(tmp) / "certificate.pdf"
        html_to_pdf(certificate_html(cert, verify_url), out)
        body = out.read_bytes()
        out.replace(path)  # readers see the whole file or none
    cert.pdf_sha256 = hashlib.sha256(body).hexdigest()
    Certificate.objects.filter(pk=cert.pk).update(pdf_sha256=cert.pdf_sha256)
    return body


# --- public verification ---------------------------------------------------------------------------------------


def normalise_number(text: str) -> str:
    return re.sub(r"\s+", "", text or "").upper()


def number_problem(number: str) -> tuple[str, str] | None:
    if not number:
        return ("请输入证书编号", "enter a certificate number")
    if not NUMBER.match(number):
        return (f"证书编号格式应为 GR + 4位年份 + 2位省级代码 + {SERIAL_DIGITS}位序号，例如 GR202411000001",
                f"a certificate number is GR + 4-digit year + 2-digit province code + {SERIAL_DIGITS}-digit serial, "
                "e.g. GR202411000001")
    return None


def certificate_verify(number: str) -> Certificate | None:
    """The certificate with this exact number, or None."""
    return Certificate.objects.filter(number=normalise_number(number)).first()
