"""Certificate pages: the enterprise's results (certificates to download, rejections with their reasons), the
offices' issuing, the PDF, and the public verification by number."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hnte.core.errors import InputError
from hnte_web.applications.models import Application
from hnte_web.applications.workflow import APPLICATION
from hnte_web.audit.models import AuditEvent
from hnte_web.core.access import application_for, role_required
from hnte_web.core.i18n import t
from hnte_web.core.ratelimit import client_ip, rate_exceeded
from hnte_web.core.workflow import TransitionRefused
from hnte_web.publicity import clock

from . import services
from .models import Certificate


def _rejection_reasons(apps) -> dict[int, AuditEvent]:
    events = AuditEvent.objects.filter(object_type="applications.application", action="application.reject",
                                       object_id__in=[str(a.pk) for a in apps]).order_by("id")
    return {int(e.object_id): e for e in events}


@role_required("enterprise", "office", "admin")
def certificate_list(request):
    """Enterprise: its certificates (download) and its rejected applications with the reasons. Offices and the
    LGO: filed applications awaiting their certificate (issue) and the certificates issued in their region."""
    user = request.user
    if user.is_enterprise:
        apps = list(Application.objects.filter(enterprise_id=user.enterprise_id, state__in=["certified", "rejected"])
                    .select_related("certificate").order_by("-id"))
        reasons = _rejection_reasons([a for a in apps if a.state == "rejected"])
        rows = [{"app": a, "cert": getattr(a, "certificate", None) if a.state == "certified" else None,
                 "rejection": reasons.get(a.pk)} for a in apps]
        return render(request, "certificates/enterprise.html", {"rows": rows, "today": clock.today()})
    scope = Application.objects.select_related("enterprise")
    certs = Certificate.objects.select_related("application__enterprise").order_by("-issued_on", "number")
    if not user.is_lgo:
        scope = scope.filter(region_code__startswith=user.region_prefix)
        # Issued here, or held by an enterprise that has since moved here as a whole (Art. 18: the new office
        # supervises it from then on); a certificate issued here for an enterprise that moved away stays listed
        # for the record, marked with where it went.
        certs = certs.filter(Q(application__region_code__startswith=user.region_prefix)
                             | Q(application__enterprise__region_code__startswith=user.region_prefix))
    awaiting = [a for a in scope.filter(state="filed").order_by("id")[:200]
                if APPLICATION.check(a, "issue_certificate", user) is None]
    rows = [{"cert": c, "moved_to": c.application.enterprise.region_code
             if c.application.enterprise.region_code != c.application.region_code else None,
             "moved_in": not user.is_lgo and not c.application.region_code.startswith(user.region_prefix)} for c in certs[:200]]
    return render(request, "certificates/office.html", {"awaiting": awaiting, "rows": rows, "today": clock.today()})


@role_required("office", "admin")
@require_POST
def certificate_issue(request, pk: int):
    app = application_for(request.user, pk)
    try:
        services.certificate_issue(acting_user=request.user, application=app)
    except TransitionRefused as e:
        return render(request, "error.html", {"message": e.message(request.lang)}, status=409)
    return redirect("certificate_list")


def _readable(user, cert: Certificate) -> bool:
    app = cert.application
    if user.is_enterprise:
        return user.enterprise_id == app.enterprise_id
    return (user.is_office or user.is_lgo) and (user.covers_region(app.region_code) or user.covers_region(app.enterprise.region_code))


@role_required("enterprise", "office", "admin")
def certificate_pdf(request, pk: int):
    """The printed certificate: the enterprise's own, or its region's for the offices."""
    cert = get_object_or_404(Certificate.objects.select_related("application__enterprise"), pk=pk)
    if not _readable(request.user, cert):
        raise Http404
    verify_url = request.build_absolute_uri(reverse("certificate_verify")) + f"?number={cert.number}"
    try:
        body = services.certificate_pdf(cert, verify_url)
    except InputError as e:  # no Chromium or CJK font on this server: say so, never a traceback
        return render(request, "error.html", {"message": e.issues[0].message(request.lang)}, status=503)
    resp = HttpResponse(body, content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="{cert.number}.pdf"'
    return resp


def certificate_verify(request):
    """Anyone verifies a certificate by its number: name, number, issue date and validity — nothing else."""
    raw = request.GET.get("number", "")
    number = services.normalise_number(raw)
    cert, problem, status = None, None, 200
    if raw:
        limit = getattr(settings, "HNTE_VERIFY_RATE_PER_MINUTE", 30)
        if rate_exceeded(f"verify:{client_ip(request)}", limit):
            return render(request, "error.html", {"message": t(request, "查询过于频繁，请稍后再试", "too many look-ups: try again in a minute")},
                          status=429)
        reason = services.number_problem(number)
        if reason:
            problem, status = t(request, *reason), 400
        else:
            cert = services.certificate_verify(number)
            if cert is None:
                problem, status = t(request, f"未找到编号为 {number} 的高新技术企业证书", f"no HNTE certificate has the number {number}"), 404
    return render(request, "certificates/verify.html", {"number": number, "cert": cert, "problem": problem, "today": clock.today()},
                  status=status)
