"""Application services: create, save a section, import/export the application file, upload attachments,
submit (immutable versioned snapshot), return. Each runs in one transaction; state changes go through the
declared state machine and are audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from pathlib import Path

import filetype
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hnte.application.load import FORMAT, parse_application
from hnte.core.errors import InputError, InputIssue
from hnte_web.audit.services import audit_record, notify_on_commit
from hnte_web.core.workflow import TransitionRefused

from .assessment import engine_check
from .filedata import dumps
from .models import Application, ApplicationVersion, Attachment
from .sections import apply_post
from .workflow import APPLICATION

COMMITMENT_ZH = ("本企业承诺：所填写的申请材料真实、准确、完整，无虚假内容；如有弄虚作假行为，"
                 "愿依照《高新技术企业认定管理办法》第十九条承担相应责任。")
COMMITMENT_EN = ("We commit that the application is true, accurate and complete; in case of fraud we accept the "
                 "consequences under Article 19 of the 2016 Measures.")

ALLOWED_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def with_enterprise(data: dict, enterprise) -> dict:
    """The registration is authoritative for who the enterprise is: name, credit code, date, region, address."""
    block = dict(data.get("enterprise") or {})
    block.update(name=enterprise.name, credit_code=enterprise.credit_code,
                 registration_date=enterprise.registration_date.isoformat(), region_code=enterprise.region_code,
                 address=enterprise.address)
    out = {"format": FORMAT, "programme": data.get("programme") or "national",
           "application_date": data.get("application_date") or timezone.localdate().isoformat()}
    out.update({k: v for k, v in data.items() if k not in out})
    out["enterprise"] = block
    return out


def application_create(*, acting_user, programme: str = "national") -> Application:
    enterprise = acting_user.enterprise
    with transaction.atomic():
        data = with_enterprise({"programme": programme}, enterprise)
        app = Application(enterprise=enterprise, region_code=enterprise.region_code,
                          year=dt.date.fromisoformat(data["application_date"]).year)
        app.set_data(data)
        app.save()
        audit_record(acting_user=acting_user, action="application.create", obj=app, to_state=app.state)
    return app


def _store(app: Application, data: dict) -> None:
    app.set_data(with_enterprise(data, app.enterprise))
    app.year = dt.date.fromisoformat(str(app.data["application_date"])).year
    app.save()


def _editable_or_refuse(app: Application) -> None:
    if not app.editable:
        raise TransitionRefused("已提交的申请不能修改（退回后可修改）", "a submitted application cannot be changed (until returned)",
                                code="not_editable")


def application_save_section(*, acting_user, application: Application, section: str, post) -> dict:
    """Apply one form section. Any unreadable input → nothing is written and the errors are returned."""
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        _editable_or_refuse(app)
        data, errors = apply_post(app.data, section, post)
        if errors:
            return errors
        _store(app, data)
    application.refresh_from_db()
    return {}


def application_import(*, acting_user, application: Application, text: str, source: str) -> None:
    """Replace the draft with an application file (YAML or JSON), validated first; nothing changes on error."""
    app_model = parse_application(None, source, text=text)  # raises InputError naming file and field path
    ent = application.enterprise
    if app_model.enterprise.credit_code and app_model.enterprise.credit_code != ent.credit_code:
        raise InputError(source, [InputIssue("enterprise.credit_code",
                                             f"文件中的统一社会信用代码 {app_model.enterprise.credit_code} 与注册信息 {ent.credit_code} 不一致",
                                             f"the file's credit code {app_model.enterprise.credit_code} differs from the registration's {ent.credit_code}")])
    data = app_model.model_dump(mode="python", exclude_none=True)
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        _editable_or_refuse(app)
        _store(app, _jsonable(data))
        audit_record(acting_user=acting_user, action="application.import", obj=app, reason=source)
    application.refresh_from_db()


def _jsonable(value):
    if isinstance(value, dict):
        return {(k.value if hasattr(k, "value") else k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value


def application_export(application: Application, version: ApplicationVersion | None = None) -> str:
    """The application file (JSON, format hnte/application@1), exactly as stored."""
    return dumps(version.data if version else with_enterprise(application.data, application.enterprise))


def _sniff(head: bytes) -> str | None:
    kind = filetype.guess(head)
    return kind.mime if kind and kind.mime in ALLOWED_TYPES else None


def attachment_upload(*, acting_user, application: Application, upload, kind: str, deidentified: bool) -> Attachment:
    """Store an uploaded PDF or image (checked by content, not by name) outside the web root."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise InputError(upload.name, [InputIssue("file", f"文件过大：上限 {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB",
                                                  f"file too large: the limit is {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB")])
    head = upload.read(8192)
    upload.seek(0)
    mime = _sniff(head)
    if mime is None:
        raise InputError(upload.name, [InputIssue("file", "只接受 PDF、PNG 或 JPEG 文件（按文件内容判断，而非文件名）",
                                                  "only PDF, PNG or JPEG files are accepted (judged by content, not by name)")])
    if mime == "application/pdf" and b"%%EOF" not in _tail(upload):
        raise InputError(upload.name, [InputIssue("file", "PDF 文件不完整（缺少文件结束标记）", "the PDF is truncated (no end-of-file marker)")])
    root = Path(settings.UPLOAD_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    storage_name = f"{secrets.token_hex(16)}.{ALLOWED_TYPES[mime]}"
    target = root / storage_name
    digest = hashlib.sha256()
    tmp = target.with_suffix(".part")
    with tmp.open("wb") as fh:
        for chunk in upload.chunks():
            digest.update(chunk)
            fh.write(chunk)
    tmp.replace(target)  # the file exists before its row: a crash leaves at worst an orphan file, never a dangling row
    try:
        with transaction.atomic():
            app = Application.objects.select_for_update().get(pk=application.pk)
            _editable_or_refuse(app)
            att = Attachment.objects.create(
                application=app, kind=kind, original_name=Path(upload.name or "file").name[:200], content_type=mime,
                size=upload.size, sha256=digest.hexdigest(), storage_name=storage_name, deidentified=deidentified,
                uploaded_by=acting_user)
            audit_record(acting_user=acting_user, action="attachment.upload", obj=att,
                         data={"application": app.pk, "sha256": att.sha256, "deidentified": deidentified})
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return att


def _tail(upload) -> bytes:
    upload.seek(max(0, upload.size - 2048))
    tail = upload.read()
    upload.seek(0)
    return tail


def attachment_path(att: Attachment) -> Path:
    return Path(settings.UPLOAD_ROOT) / att.storage_name


def attachment_remove(*, acting_user, attachment: Attachment) -> None:
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=attachment.application_id)
        _editable_or_refuse(app)
        Attachment.objects.filter(pk=attachment.pk).update(removed=True)
        audit_record(acting_user=acting_user, action="attachment.remove", obj=attachment)


def submission_problems(app: Application, lang: str = "zh") -> list[str]:
    """What keeps the draft from being submitted: invalid or missing data (the engine's own findings)."""
    check = engine_check(with_enterprise(app.data, app.enterprise), lang=lang)
    if not check["ok"]:
        return [f"{i['path']}: {i['message']}" if i["path"] else i["message"] for i in check["issues"]]
    blocking = [f"{f['message']}（{'；'.join(f['cites'])}）" for f in (check.get("audit") or {}).get("findings", [])
                if f["severity"] == "blocking"]
    return check["missing"] + blocking


def application_submit(*, acting_user, application: Application, commitment_by: str, agreed: bool) -> ApplicationVersion:
    """The legal representative's commitment, then an immutable snapshot (a new version each submission)."""
    if not agreed or not commitment_by.strip():
        raise TransitionRefused("提交前须由法定代表人确认承诺并签名", "the legal representative must accept the commitment and sign",
                                code="commitment")
    if commitment_by.strip() != application.enterprise.legal_representative:
        raise TransitionRefused(f"承诺人应为注册的法定代表人（{application.enterprise.legal_representative}）",
                                "the commitment must be signed by the registered legal representative", code="commitment")
    problems = submission_problems(application)
    if problems:
        raise TransitionRefused("申请书尚不完整，不能提交：" + "；".join(problems[:10]),
                                "the application is incomplete: " + "; ".join(submission_problems(application, "en")[:10]),
                                code="incomplete")
    created: list[ApplicationVersion] = []

    def effect(app: Application) -> None:
        data = with_enterprise(app.data, app.enterprise)
        live = engine_check(data)
        app.current_version += 1
        app.return_reason = ""
        version = ApplicationVersion(application=app, number=app.current_version, data_json=dumps(data),
                                     submitted_at=timezone.now(), submitted_by=acting_user,
                                     commitment_by=commitment_by.strip(), commitment_text=COMMITMENT_ZH,
                                     verdict=live.get("verdict", ""))
        version.save()
        version.attachments.set(app.attachments.filter(removed=False))
        created.append(version)

    def notify(app: Application) -> None:
        from django.contrib.auth import get_user_model

        for staff in get_user_model().objects.filter(role="office", is_active=True):
            if staff.covers_region(app.region_code):
                notify_on_commit(staff, f"新的认定申请：{app.enterprise.name}（第 {app.current_version} 版）",
                                 f"New application: {app.enterprise.name} (version {app.current_version})", f"/applications/{app.pk}/")

    APPLICATION.perform(application, "submit", acting_user=acting_user, reason="法定代表人承诺并提交", effect=effect,
                        notify=notify)
    return created[0]


def application_return(*, acting_user, application: Application, reason: str) -> None:
    def effect(app: Application) -> None:
        app.return_reason = reason

    def notify(app: Application) -> None:
        for user in app.enterprise.users.all():
            notify_on_commit(user, f"您的申请被退回修改：{reason}", f"Your application was returned: {reason}", f"/applications/{app.pk}/")

    APPLICATION.perform(application, "return", acting_user=acting_user, reason=reason, effect=effect, notify=notify)
