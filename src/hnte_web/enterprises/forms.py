from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from .credit_code import credit_code_problem
from .models import Enterprise

LABELS = {
    "username": ("登录用户名", "User name"), "password": ("密码（至少 10 位）", "Password (at least 10 characters)"),
    "password2": ("再次输入密码", "Repeat the password"),
    "name": ("企业名称", "Enterprise name"), "credit_code": ("统一社会信用代码", "Unified social credit code"),
    "registration_date": ("注册时间", "Registration date"), "registration_type": ("注册类型", "Registration type"),
    "registered_capital": ("注册资本（万元）", "Registered capital (10k yuan)"), "industry": ("所属行业", "Industry"),
    "region_code": ("注册地行政区划代码（6 位）", "Region code of the registered address (6 digits)"),
    "address": ("注册地址", "Registered address"), "legal_representative": ("法定代表人", "Legal representative"),
    "legal_representative_phone": ("法定代表人电话", "Legal representative's phone"), "contact_name": ("联系人", "Contact person"),
    "contact_phone": ("联系人手机", "Contact's mobile"), "contact_email": ("联系人邮箱", "Contact's e-mail"),
}
REGISTRATION_TYPES = (("有限责任公司", "有限责任公司", "Limited liability company"), ("股份有限公司", "股份有限公司", "Joint-stock company"),
                      ("私营企业", "私营企业", "Private enterprise"), ("外商投资企业", "外商投资企业", "Foreign-invested enterprise"),
                      ("国有企业", "国有企业", "State-owned enterprise"), ("其他", "其他", "Other"))


RESERVED_USERNAMES = {"system", "admin", "administrator", "root", "anonymous", "lgo"}  # the scheduled jobs act as "system"


def _labelled(form: forms.Form, lang: str) -> None:
    for name, field in form.fields.items():
        if name in LABELS:
            field.label = LABELS[name][1 if lang == "en" else 0]


class RegistrationForm(forms.ModelForm):
    registered_capital = forms.DecimalField(min_value=0, max_digits=14, decimal_places=6)
    registration_type = forms.ChoiceField()

    class Meta:
        model = Enterprise
        fields = ["name", "credit_code", "registration_date", "registration_type", "registered_capital", "industry", "region_code",
                  "address", "legal_representative", "legal_representative_phone", "contact_name", "contact_phone", "contact_email"]
        widgets = {"registration_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, lang: str = "zh", **kwargs):
        super().__init__(*args, **kwargs)
        self.lang = lang
        self.fields["registration_type"].choices = [(v, en if lang == "en" else zh) for v, zh, en in REGISTRATION_TYPES]
        if self.instance.pk:
            self.initial["registered_capital"] = self.instance.registered_capital / 10000
        _labelled(self, lang)

    def _msg(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        problem = credit_code_problem(code)
        if problem:
            raise forms.ValidationError(self._msg(*problem))
        clash = Enterprise.objects.filter(credit_code=code).exclude(pk=self.instance.pk).exists()
        if clash:
            raise forms.ValidationError(self._msg("该统一社会信用代码已注册", "this credit code is already registered"))
        return code

    def clean_region_code(self):
        code = self.cleaned_data["region_code"].strip()
        if not re.fullmatch(r"[1-8][0-9]{5}", code):
            raise forms.ValidationError(self._msg("应为 6 位行政区划代码（GB/T 2260），如 110108", "expected a 6-digit GB/T 2260 code, e.g. 110108"))
        return code

    def clean_registration_date(self):
        d = self.cleaned_data["registration_date"]
        if d > dt.date.today():
            raise forms.ValidationError(self._msg("注册时间不能晚于今天", "the registration date cannot be in the future"))
        return d

    def clean_registered_capital(self):
        wan = self.cleaned_data["registered_capital"]
        yuan = wan * 10000
        if yuan != yuan.quantize(1) and yuan != yuan.quantize(type(yuan)("0.01")):
            raise forms.ValidationError(self._msg("最多精确到分", "at most down to the fen"))
        return yuan


class SignUpForm(RegistrationForm):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput)
    password2 = forms.CharField(widget=forms.PasswordInput)

    field_order = ["username", "password", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        _labelled(self, self.lang)

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        if name.lower() in RESERVED_USERNAMES:
            raise forms.ValidationError(self._msg("该用户名为系统保留，请换一个", "this user name is reserved by the system"))
        if get_user_model().objects.filter(username=name).exists():
            raise forms.ValidationError(self._msg("该用户名已被使用", "this user name is taken"))
        return name

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", self._msg("两次输入的密码不一致", "the passwords differ"))
        elif data.get("password"):
            try:
                validate_password(data["password"])
            except forms.ValidationError as e:
                self.add_error("password", e)
        return data
