"""API tokens: shown once, stored as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        app_label = "accounts"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def token_create(*, acting_user, label: str = "") -> str:
    from django.db import transaction

    from hnte_web.audit.services import audit_record

    key = "hnte_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        tok = ApiToken.objects.create(user=acting_user, digest=digest(key), label=label[:100])
        audit_record(acting_user=acting_user, action="token.create", obj=tok)
    return key


def token_user(key: str):
    tok = ApiToken.objects.select_related("user").filter(digest=digest(key or ""), revoked=False).first()
    if tok is None or not tok.user.is_active:
        return None
    return tok.user
