"""Log-in with lock-out after repeated failures."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hnte_web.audit.services import audit_record


class LoginRefused(Exception):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def login_check(*, request, username: str, password: str):
    """Return the user for good credentials, else raise :class:`LoginRefused` (counting the failure)."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    now = timezone.now()
    if user is not None and user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise LoginRefused(f"连续登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试",
                           f"too many failed log-ins: the account is locked, try again in {minutes} minutes")
    authed = authenticate(request, username=username, password=password)
    if authed is None:
        if user is not None:
            with transaction.atomic():
                User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
                user.refresh_from_db(fields=["failed_logins"])
                locking = user.failed_logins >= settings.LOCKOUT_THRESHOLD
                if locking:
                    User.objects.filter(pk=user.pk).update(locked_until=now + timedelta(minutes=settings.LOCKOUT_MINUTES),
                                                           failed_logins=0)
                    audit_record(acting_user=None, action="account.lock", obj=user, reason="连续登录失败")
            if locking:
                raise LoginRefused(f"连续 {settings.LOCKOUT_THRESHOLD} 次登录失败，账户已锁定 {settings.LOCKOUT_MINUTES} 分钟",
                                   f"{settings.LOCKOUT_THRESHOLD} failed log-ins in a row: the account is locked for "
                                   f"{settings.LOCKOUT_MINUTES} minutes")
        raise LoginRefused("用户名或密码错误", "wrong user name or password")
    if authed.failed_logins or authed.locked_until:
        User.objects.filter(pk=authed.pk).update(failed_logins=0, locked_until=None)
    return authed
