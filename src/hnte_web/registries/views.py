"""Registry pages: intermediaries (office and Leading Group Office), records of fraud, the public list."""

from __future__ import annotations

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from hnte.registries.records import describe
from hnte_web.core.access import role_required
from hnte_web.core.workflow import TransitionRefused
from hnte_web.enterprises.credit_code import credit_code_problem

from . import services
from .models import FraudRecord, IntermediaryFirm


def _code_ok(form, field: str, lang: str, *, required: bool = True):
    code = (form.cleaned_data.get(field) or "").strip().upper()
    if not code and not required:
        return ""
    problem = credit_code_problem(code)
    if problem:
        raise forms.ValidationError(problem[1] if lang == "en" else problem[0])
    return code


class FirmForm(forms.ModelForm):
    class Meta:
        model = IntermediaryFirm
        fields = ["name", "credit_code", "founded_on", "independent_practice"]
        widgets = {"founded_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, lang="zh", **kwargs):
        super().__init__(*args, **kwargs)
        self.lang = lang

    def clean_credit_code(self):
        return _code_ok(self, "credit_code", self.lang)


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=1990, max_value=2200)
    average_headcount = forms.DecimalField(min_value=0, max_digits=9, decimal_places=2)
    certified_public_accountants = forms.DecimalField(min_value=0, max_digits=9, decimal_places=2)
    tax_agents = forms.DecimalField(min_value=0, max_digits=9, decimal_places=2)
    dual_qualified = forms.DecimalField(min_value=0, max_digits=9, decimal_places=2, required=False)

    def clean(self):
        data = super().clean()
        cpa, tax, dual, head = (data.get(k) for k in ("certified_public_accountants", "tax_agents", "dual_qualified", "average_headcount"))
        if None not in (cpa, tax, head) and (cpa + tax - (dual or 0)) > head:
            self.add_error("average_headcount", "注册会计师和税务师人数（去重）超过职工人数 / qualified staff exceed the headcount")
        if dual and None not in (cpa, tax) and dual > min(cpa, tax):
            self.add_error("dual_qualified", "同时具有两种资格的人数超过注册会计师或税务师人数 / more dual-qualified than CPAs or tax agents")
        return data


@role_required("office", "admin")
def intermediaries(request):
    form = FirmForm(request.POST or None, lang=request.lang)
    if request.method == "POST" and form.is_valid():
        firm = services.firm_save(acting_user=request.user, fields=form.cleaned_data)
        return redirect("intermediary_detail", pk=firm.pk)
    today = timezone.localdate()
    rows = [{"firm": f, "q": services.firm_qualification(f, on=today, year=today.year - 1)} for f in IntermediaryFirm.objects.all()[:200]]
    return render(request, "registries/intermediaries.html", {"rows": rows, "form": form, "year": today.year - 1},
                  status=400 if request.method == "POST" else 200)


@role_required("office", "admin")
def intermediary_detail(request, pk: int):
    firm = get_object_or_404(IntermediaryFirm, pk=pk)
    form = YearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        facts = {k: v for k, v in form.cleaned_data.items() if k != "year"}
        services.firm_year_save(acting_user=request.user, firm=firm, year=form.cleaned_data["year"], facts=facts)
        return redirect("intermediary_detail", pk=firm.pk)
    today = timezone.localdate()
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today.year - 1
    q = services.firm_qualification(firm, on=today, year=year).to_dict(request.lang)
    return render(request, "registries/intermediary.html", {"firm": firm, "form": form, "q": q, "year": year},
                  status=400 if request.method == "POST" else 200)


class RecordForm(forms.ModelForm):
    class Meta:
        model = FraudRecord
        fields = ["subject", "name", "credit_code", "kind", "decision", "decided_on", "authority", "reference", "public", "note"]
        widgets = {"decided_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, lang="zh", **kwargs):
        super().__init__(*args, **kwargs)
        self.lang = lang

    def clean_credit_code(self):
        return _code_ok(self, "credit_code", self.lang, required=False)


@role_required("office", "admin")
def records(request):
    form = RecordForm(request.POST or None, lang=request.lang)
    error = None
    if request.method == "POST":
        if request.POST.get("rescind", "").isdigit():
            rec = get_object_or_404(FraudRecord, pk=int(request.POST["rescind"]))
            try:
                services.record_rescind(acting_user=request.user, record=rec, on=timezone.localdate(),
                                        reason=request.POST.get("reason", ""))
                return redirect("records")
            except TransitionRefused as e:
                error = e.message(request.lang)
        elif form.is_valid():
            services.record_create(acting_user=request.user, fields=form.cleaned_data)
            return redirect("records")
    return render(request, "registries/records.html", {"items": FraudRecord.objects.all()[:300], "form": form, "error": error},
                  status=400 if request.method == "POST" else 200)


def public_records(request):
    """The public list of active, public records (Measures 2016 Art. 19, 20)."""
    items = [{"r": r, "text": describe(r, request.lang)} for r in services.public_records(on=timezone.localdate())]
    return render(request, "registries/public_records.html", {"items": items})
