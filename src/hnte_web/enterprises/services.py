"""Registration services: views call these; each runs in one transaction and writes one audit event."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from hnte_web.audit.services import audit_record, notify_on_commit

from .models import Enterprise
from .workflow import REGISTRATION

REGISTRATION_FIELDS = ("name", "credit_code", "registration_date", "registration_type", "registered_capital", "industry",
                       "region_code", "address", "legal_representative", "legal_representative_phone", "contact_name",
                       "contact_phone", "contact_email")


def enterprise_register(*, username: str, password: str, fields: dict) -> Enterprise:
    """Create the enterprise's registration and its first user account (state: awaiting activation)."""
    User = get_user_model()
    with transaction.atomic():
        enterprise = Enterprise.objects.create(**{k: fields[k] for k in REGISTRATION_FIELDS})
        user = User(username=username, role="enterprise", enterprise=enterprise, email=fields["contact_email"])
        user.set_password(password)
        user.save()
        audit_record(acting_user=user, action="registration.register", obj=enterprise, to_state=enterprise.state,
                     data={"credit_code": enterprise.credit_code})
        for staff in User.objects.filter(role="office", is_active=True):
            if staff.covers_region(enterprise.region_code):
                notify_on_commit(staff, f"新的企业注册待审核：{enterprise.name}", f"New registration to review: {enterprise.name}",
                                 f"/office/registrations/{enterprise.pk}/")
    return enterprise


def _notify_owners(enterprise: Enterprise, zh: str, en: str) -> None:
    for user in enterprise.users.all():
        notify_on_commit(user, zh, en, "/enterprise/")


def registration_activate(*, acting_user, enterprise: Enterprise, reason: str = "") -> None:
    REGISTRATION.perform(enterprise, "activate", acting_user=acting_user, reason=reason,
                         effect=lambda e: setattr(e, "return_reason", ""),
                         notify=lambda e: _notify_owners(e, "您的企业注册已激活，可以提交认定申请。",
                                                         "Your registration is active: you can now submit applications."))


def registration_return(*, acting_user, enterprise: Enterprise, reason: str) -> None:
    REGISTRATION.perform(enterprise, "return", acting_user=acting_user, reason=reason,
                         effect=lambda e: setattr(e, "return_reason", reason),
                         notify=lambda e: _notify_owners(e, f"您的企业注册被退回：{reason}", f"Your registration was returned: {reason}"))


def registration_update(*, acting_user, enterprise: Enterprise, fields: dict) -> None:
    """Correct a returned registration (only while returned) and send it again."""
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        for k in REGISTRATION_FIELDS:
            if k in fields:
                setattr(locked, k, fields[k])
        locked.save()
        REGISTRATION.perform(locked, "resubmit", acting_user=acting_user, reason="更正后重新提交")
    enterprise.refresh_from_db()
