"""What a certificate's status is on a day, derived from the records (never stored twice): valid from the issue day
to the last day of validity (Art. 9), unless the office revoked it (Art. 16, 17, 19) — then revoked from that day.
Also: which years need an annual report, their deadlines (with an office's earlier local date), and which office
supervises an enterprise."""

from __future__ import annotations

import datetime as dt

from hnte.procedure.periods import annual_report_due
from hnte.supervision.rules import benefit_years

VALID, REVOKED, EXPIRED, NOT_YET = "valid", "revoked", "expired", "not_yet"
STATUS_LABELS = {VALID: ("有效", "Valid"), REVOKED: ("已取消", "Revoked"), EXPIRED: ("已到期", "Expired"),
                 NOT_YET: ("尚未生效", "Not yet valid")}


def revoked_on(cert) -> dt.date | None:
    from .models import Revocation, RevocationState

    rev = Revocation.objects.filter(certificate_id=cert.pk, state=RevocationState.REVOKED.value).order_by("revoked_on").first()
    return rev.revoked_on if rev else None


def status_of(cert, today: dt.date, *, revoked: dt.date | None | bool = False) -> str:
    """``revoked``: pass the revocation date when already known (None = not revoked) to save a query."""
    day = revoked_on(cert) if revoked is False else revoked
    if day is not None and day <= today:
        return REVOKED
    if today < cert.issued_on:
        return NOT_YET
    if today > cert.valid_until:
        return EXPIRED
    return VALID


def status_label(status: str, lang: str = "zh") -> str:
    zh, en = STATUS_LABELS.get(status, (status, status))
    return en if lang == "en" else zh


def report_years(cert) -> tuple[int, ...]:
    """The years an annual report is owed for: the certificate's benefit years (the issue year and the two after,
    Art. 9 and 10), each reported in the following spring (Art. 13)."""
    return benefit_years(cert.issued_on)


def local_deadline_for(region_code: str, due_year: int):
    """The office's earlier local date for ``due_year`` (the most specific region prefix wins), or None."""
    from .models import LocalDeadline

    best = None
    for row in LocalDeadline.objects.filter(due_year=due_year):
        if (region_code or "").startswith(row.region_prefix) and (best is None or len(row.region_prefix) > len(best.region_prefix)):
            best = row
    return best


def report_due(region_code: str, year: int) -> dt.date:
    """I17: 31 May of the next year, or the office's earlier local date."""
    local = local_deadline_for(region_code, year + 1)
    return annual_report_due(year, local.due_on if local else None)


def later_certificate(cert):
    """A certificate issued to the same enterprise after this one (a re-identification), or None."""
    from hnte_web.certificates.models import Certificate

    return (Certificate.objects.filter(application__enterprise_id=cert.application.enterprise_id, issued_on__gt=cert.issued_on)
            .order_by("issued_on").first())
