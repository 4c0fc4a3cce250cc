from __future__ import annotations

from django import forms
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hnte_web.core.i18n import t
from hnte_web.core.ratelimit import client_ip, rate_exceeded

from .services import LoginRefused, login_check


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput)


def login_view(request):
    form = LoginForm(request.POST or None)
    error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        if rate_exceeded(f"login:{client_ip(request)}", 30):
            error, status = t(request, "登录尝试过于频繁，请稍后再试", "too many log-in attempts, try again later"), 429
        else:
            try:
                user = login_check(request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
            except LoginRefused as e:
                error, status = t(request, e.zh, e.en), 200
            else:
                login(request, user)
                nxt = request.GET.get("next", "")
                return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "home")
    return render(request, "accounts/login.html", {"form": form, "error": error}, status=status)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        return render(request, "accounts/password_done.html")
    return render(request, "accounts/password.html", {"form": form})


@login_required
def tokens(request):
    """Personal API tokens (shown once)."""
    from .tokens import ApiToken, token_create

    key = None
    if request.method == "POST":
        if "revoke" in request.POST:
            if request.POST["revoke"].isdigit():
                ApiToken.objects.filter(user=request.user, pk=int(request.POST["revoke"])).update(revoked=True)
        else:
            key = token_create(acting_user=request.user, label=request.POST.get("label", ""))
    items = ApiToken.objects.filter(user=request.user, revoked=False).order_by("-id")
    return render(request, "accounts/tokens.html", {"items": items, "key": key})
