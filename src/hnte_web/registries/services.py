"""Registry services (audited) and the bridge to the engine's pure registry checks."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from hnte.application.model import Intermediary, QualificationYear, Record
from hnte.registries import records as record_rules
from hnte.registries.intermediaries import IntermediaryRegistry, check_qualification
from hnte_web.audit.services import audit_record
from hnte_web.core.workflow import TransitionRefused

from .models import FraudRecord, IntermediaryFirm, IntermediaryYear


def _office_or_lgo(user) -> None:
    if not (user.is_office or user.is_lgo):
        raise TransitionRefused("只有认定机构或领导小组办公室可以维护名录", "only offices and the Leading Group Office keep the registries")


def firm_save(*, acting_user, fields: dict, firm: IntermediaryFirm | None = None) -> IntermediaryFirm:
    _office_or_lgo(acting_user)
    with transaction.atomic():
        if firm is None:
            firm = IntermediaryFirm.objects.create(**fields)
            action = "intermediary.create"
        else:
            for k, v in fields.items():
                setattr(firm, k, v)
            firm.save()
            action = "intermediary.update"
        audit_record(acting_user=acting_user, action=action, obj=firm, data={"credit_code": firm.credit_code})
    return firm


def firm_year_save(*, acting_user, firm: IntermediaryFirm, year: int, facts: dict) -> IntermediaryYear:
    _office_or_lgo(acting_user)
    with transaction.atomic():
        row, _ = IntermediaryYear.objects.update_or_create(firm=firm, year=year, defaults=facts)
        audit_record(acting_user=acting_user, action="intermediary.year", obj=firm,
                     data={"year": year, **{k: str(v) for k, v in facts.items()}})
    return row


def record_create(*, acting_user, fields: dict) -> FraudRecord:
    _office_or_lgo(acting_user)
    with transaction.atomic():
        rec = FraudRecord.objects.create(recorded_by=acting_user, **fields)
        audit_record(acting_user=acting_user, action="record.create", obj=rec, reason=fields.get("decision", ""),
                     data={"subject": rec.subject, "credit_code": rec.credit_code})
    return rec


def record_rescind(*, acting_user, record: FraudRecord, on: dt.date, reason: str) -> None:
    _office_or_lgo(acting_user)
    if not reason.strip():
        raise TransitionRefused("请填写撤销理由", "a reason is required", code="reason_required")
    with transaction.atomic():
        FraudRecord.objects.filter(pk=record.pk).update(rescinded_on=on)
        audit_record(acting_user=acting_user, action="record.rescind", obj=record, reason=reason, data={"on": on.isoformat()})


def _firm_model(firm: IntermediaryFirm) -> Intermediary:
    return Intermediary(
        id=str(firm.pk), name=firm.name, credit_code=firm.credit_code, founded_on=firm.founded_on,
        independent_practice=firm.independent_practice,
        years=[QualificationYear(year=y.year, average_headcount=y.average_headcount,
                                 certified_public_accountants=y.certified_public_accountants, tax_agents=y.tax_agents,
                                 dual_qualified=y.dual_qualified) for y in firm.years.all()])


def engine_records() -> list[Record]:
    return [Record(id=str(r.pk), subject=r.subject, name=r.name, credit_code=r.credit_code or None, kind=r.kind,
                   decision=r.decision, decided_on=r.decided_on, authority=r.authority, reference=r.reference or None,
                   rescinded_on=r.rescinded_on, public=r.public) for r in FraudRecord.objects.all()]


def engine_registry() -> IntermediaryRegistry:
    firms = [_firm_model(f) for f in IntermediaryFirm.objects.prefetch_related("years")]
    return IntermediaryRegistry(format="hnte/intermediaries@1", firms=firms)


def firm_qualification(firm: IntermediaryFirm, *, on: dt.date, year: int):
    return check_qualification(_firm_model(firm), on=on, year=year, records=engine_records())


def records_for_enterprise(enterprise, *, on: dt.date) -> list[Record]:
    return record_rules.records_for(engine_records(), subject="enterprise", credit_code=enterprise.credit_code,
                                    name=enterprise.name, on=on)


def public_records(*, on: dt.date) -> list[Record]:
    return record_rules.public_list(engine_records(), on=on)
