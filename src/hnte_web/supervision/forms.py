"""Forms of the supervision pages (labels in the request's language; errors from the services land on their field)."""

from __future__ import annotations

from django import forms

from hnte.core.errors import InputError
from hnte.supervision.annual_report import FIELDS
from hnte_web.core.i18n import t
from hnte_web.core.money import MoneyInputError, wan_text_to_yuan
from hnte_web.core.workflow import TransitionRefused

from .models import MAJOR_KINDS, CheckConclusion, DisputeKind, RelocationKind, RevocationGround

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


def add_errors(form: forms.Form, err: Exception, lang: str) -> None:
    """Put a service's errors on the fields they name (``data: years[0].sales_revenue`` → the ``data`` field)."""
    if isinstance(err, InputError):
        for issue in err.issues:
            field = issue.path.split(":")[0].split(".")[0].strip()
            where = issue.path[len(field):].lstrip(": ") if field in form.fields else ""
            message = (f"{where}: " if where else "") + issue.message(lang)
            form.add_error(field if field in form.fields else None, message)
    elif isinstance(err, TransitionRefused):
        form.add_error(err.code if err.code in form.fields else None, err.message(lang))
    else:  # pragma: no cover - only the two kinds above are raised by the services
        raise err


class Bilingual(forms.Form):
    """A form whose labels follow the request's language: ``labels = {field: (zh, en)}``."""

    labels: dict[str, tuple[str, str]] = {}

    def __init__(self, *args, lang: str = "zh", **kwargs):
        super().__init__(*args, **kwargs)
        self.lang = lang
        for name, (zh, en) in self.labels.items():
            if name in self.fields:
                self.fields[name].label = t(lang, zh, en)


class AnnualReportForm(forms.Form):
    """年度发展情况报表: money in 万元 on screen (stored in yuan exactly), staff as monthly averages, IP as counts."""

    def __init__(self, *args, lang: str = "zh", **kwargs):
        super().__init__(*args, **kwargs)
        for f in FIELDS:
            unit = {"money": t(lang, "（万元）", " (10k yuan)"), "people": "", "count": ""}[f.kind]
            self.fields[f.key] = forms.CharField(label=t(lang, f.label_zh, f.label_en) + unit, required=False,
                                                 widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "num"}))
        self.lang = lang

    def figures(self) -> dict[str, str]:
        """Money converted from 万元 to yuan (an unreadable entry is an error on its field); the rest as typed."""
        out = {}
        for f in FIELDS:
            raw = (self.data.get(f.key) or "").strip()
            if f.kind == "money" and raw:
                try:
                    out[f.key] = str(wan_text_to_yuan(raw))
                except MoneyInputError as e:
                    self.add_error(f.key, t(self.lang, e.zh, e.en))
            else:
                out[f.key] = raw.replace(",", "")
        return out


class ChangeReportForm(Bilingual):
    kind = forms.CharField(widget=forms.Select(choices=[("name", "更名 / name change"), ("major", "重大变化 / major change")]))
    event_on = forms.DateField(required=False, **DATE)
    new_name = forms.CharField(required=False, max_length=300)
    major_kinds = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                            choices=[(k, f"{zh} / {en}") for k, (zh, en) in MAJOR_KINDS.items()])
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    data = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text="hnte/application@1 (YAML / JSON)")
    data_file = forms.FileField(required=False)
    labels = {"kind": ("变化类型", "Kind of change"), "event_on": ("变化发生日期", "Date of the change"),
              "new_name": ("变更后的企业名称", "New name"), "major_kinds": ("重大变化类型", "Kind of major change"),
              "description": ("变化情况说明", "Description"), "data": ("变化后的申请数据（申请书文件内容）", "Application file after the change"),
              "data_file": ("或上传申请书文件", "or upload the file")}


class OfficeActionForm(Bilingual):
    labels = {"reason": ("意见或理由", "Reason")}
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LocalDeadlineForm(Bilingual):
    labels = {"due_on": ("本地截止日期", "Local deadline"), "notice": ("通知文号或标题", "Notice")}
    due_on = forms.DateField(required=False, **DATE)
    notice = forms.CharField(required=False, max_length=200)


class RelocationForm(Bilingual):
    labels = {"certificate_number": ("证书编号", "Certificate number"), "credit_code": ("统一社会信用代码", "Credit code"), "kind": ("迁移类型", "Kind of move"), "to_region": ("迁入地区划代码", "New region code"), "new_address": ("迁入后的注册地址", "New address"), "moved_on": ("完成迁移日期", "Move completed on"), "evidence": ("迁入地登记机关出具的证明", "Registration authority\'s evidence")}
    certificate_number = forms.CharField(max_length=40, required=False)
    credit_code = forms.CharField(max_length=18, required=False)
    kind = forms.CharField(widget=forms.Select(choices=RelocationKind.choices), required=False)
    to_region = forms.CharField(max_length=6, required=False)
    new_address = forms.CharField(max_length=300, required=False)
    moved_on = forms.DateField(required=False, **DATE)
    evidence = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RandomCheckForm(Bilingual):
    labels = {"title": ("抽查名称", "Title"), "rate": ("各层抽取比例", "Share drawn per stratum"), "seed": ("随机种子（留空则自动生成并记录）", "Seed (blank: generated and recorded)")}
    title = forms.CharField(max_length=200, required=False)
    rate = forms.CharField(max_length=16, required=False, initial="0.1")
    seed = forms.IntegerField(required=False, min_value=0)


class TargetedCheckForm(Bilingual):
    labels = {"title": ("检查名称", "Title"), "reason": ("检查原因", "Reason"), "certificate_numbers": ("证书编号（每行一个）", "Certificate numbers (one per line)")}
    title = forms.CharField(max_length=200, required=False)
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    certificate_numbers = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CheckItemForm(Bilingual):
    labels = {"checked_on": ("检查日期", "Checked on"), "inspectors": ("检查人员", "Inspectors"), "findings": ("检查发现", "Findings"), "conclusion": ("检查结论", "Conclusion")}
    checked_on = forms.DateField(required=False, **DATE)
    inspectors = forms.CharField(max_length=200, required=False)
    findings = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    conclusion = forms.CharField(widget=forms.Select(choices=[("", "—")] + list(CheckConclusion.choices)), required=False)


class ReexaminationForm(Bilingual):
    labels = {"certificate_number": ("证书编号", "Certificate number"), "credit_code": ("统一社会信用代码", "Credit code"), "department": ("提请部门", "Requesting department"), "document_number": ("来文文号", "Letter number"), "letter_date": ("来文日期", "Letter date"), "dispute": ("异议类型", "What is disputed"), "disputed_year": ("问题所属年度", "Year in question"), "grounds": ("提请事由", "Grounds"), "data": ("复核数据（申请书文件内容）", "Figures (application file)"), "data_file": ("或上传申请书文件", "or upload the file")}
    certificate_number = forms.CharField(max_length=40, required=False)
    credit_code = forms.CharField(max_length=18, required=False)
    department = forms.CharField(max_length=100, required=False)
    document_number = forms.CharField(max_length=100, required=False)
    letter_date = forms.DateField(required=False, **DATE)
    dispute = forms.CharField(widget=forms.Select(choices=DisputeKind.choices), required=False)
    disputed_year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    grounds = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    data = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    data_file = forms.FileField(required=False)


class ConcludeForm(Bilingual):
    labels = {"conclusion": ("复核结论", "Conclusion"), "reason": ("理由", "Reason")}
    conclusion = forms.ChoiceField(choices=[("conform", "符合 / met"), ("nonconform", "不符合 / not met")])
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProposeForm(Bilingual):
    labels = {"ground": ("法定事由", "Legal ground"), "start_year": ("事由发生或不符合认定条件的年度", "Year the ground arose"), "basis": ("事实依据", "Facts")}
    ground = forms.CharField(widget=forms.Select(choices=RevocationGround.choices), required=False)
    start_year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    basis = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
