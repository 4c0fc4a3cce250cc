"""Guards of the application machine that belong to certificates (filled in by the certificates app)."""

from __future__ import annotations


def issue_problem(app):
    from .models import Certificate

    if Certificate.objects.filter(application=app).exists():
        return ("该申请已颁发证书", "a certificate has already been issued for this application")
    return None
