from __future__ import annotations

from django.contrib.auth import login
from django.db import IntegrityError
from django.shortcuts import redirect, render

from hnte_web.applications.models import Application
from hnte_web.applications.workflow import APPLICATION
from hnte_web.audit.models import AuditEvent
from hnte_web.core.access import enterprise_for_office, role_required
from hnte_web.core.workflow import TransitionRefused

from .forms import RegistrationForm, SignUpForm
from .models import Enterprise
from .services import (
    REGISTRATION_FIELDS,
    enterprise_register,
    registration_activate,
    registration_return,
    registration_update,
)
from .workflow import REGISTRATION


def register(request):
    """企业注册登记: anonymous sign-up; the office activates the account before applications can be submitted."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None, lang=request.lang)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_register(username=form.cleaned_data["username"], password=form.cleaned_data["password"],
                                             fields={k: form.cleaned_data[k] for k in REGISTRATION_FIELDS})
        except IntegrityError:
            # The same credit code or user name was registered between the form's check and the insert (two sign-ups
            # at once): nothing of this one was written; checking the form again names the field that is now taken.
            form = SignUpForm(request.POST, lang=request.lang)
            form.is_valid()
            return render(request, "enterprises/register.html", {"form": form}, status=400)
        user = enterprise.users.get()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("enterprise_home")
    return render(request, "enterprises/register.html", {"form": form}, status=200 if request.method == "GET" or form.is_valid() else 400)


@role_required("enterprise")
def enterprise_home(request):
    ent = request.user.enterprise
    apps = Application.objects.filter(enterprise=ent)
    rows = [{"app": a, "state": APPLICATION.state_label(a.state, request.lang)} for a in apps]
    return render(request, "enterprises/home.html", {
        "enterprise": ent, "state": REGISTRATION.state_label(ent.state, request.lang), "rows": rows,
        "notifications": request.user.notifications.all()[:10],
    })


@role_required("enterprise")
def registration_edit(request):
    ent = request.user.enterprise
    if ent.state != "returned":
        return redirect("enterprise_home")
    form = RegistrationForm(request.POST or None, instance=Enterprise.objects.get(pk=ent.pk), lang=request.lang)
    if request.method == "POST" and form.is_valid():
        registration_update(acting_user=request.user, enterprise=ent, fields={k: form.cleaned_data[k] for k in REGISTRATION_FIELDS})
        return redirect("enterprise_home")
    return render(request, "enterprises/registration_edit.html", {"form": form, "enterprise": ent},
                  status=400 if request.method == "POST" else 200)


@role_required("office", "admin")
def office_registration(request, pk: int):
    ent = enterprise_for_office(request.user, pk)
    error = None
    if request.method == "POST":
        action, reason = request.POST.get("action"), request.POST.get("reason", "")
        try:
            if action == "activate":
                registration_activate(acting_user=request.user, enterprise=ent, reason=reason)
            elif action == "return":
                registration_return(acting_user=request.user, enterprise=ent, reason=reason)
            return redirect("office_registration", pk=ent.pk)
        except TransitionRefused as e:
            error = e.message(request.lang)
    history = AuditEvent.objects.filter(object_type="enterprises.enterprise", object_id=str(ent.pk))
    return render(request, "office/registration.html", {
        "enterprise": ent, "state": REGISTRATION.state_label(ent.state, request.lang), "error": error,
        "actions": REGISTRATION.available(ent, request.user), "history": history,
    }, status=400 if error else 200)
