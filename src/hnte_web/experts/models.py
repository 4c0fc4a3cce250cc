"""The expert pool (专家库), panels drawn at random with their draw records, the experts' forms (技术专家评价表,
财务专家评价表) and the panel leader's comprehensive evaluation (专家组综合评价表).

Rules live in :mod:`.rules` (pure); writes happen in :mod:`.services` (one transaction, one audit event each).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.conf import settings
from django.db import models

from hnte.indicators.common import meets

from . import rules as R


class Expert(models.Model):
    """One expert of an identification office's pool. The name and organisation are seen by the office only."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profile")
    region_prefix = models.CharField("所属认定机构地区", max_length=6, db_index=True)
    kind = models.CharField("专家类别", max_length=16, choices=[(k, R.KIND_LABELS[k][0]) for k in R.KINDS])
    name = models.CharField("姓名", max_length=64)
    title = models.CharField("职称", max_length=64, blank=True)
    senior_title = models.BooleanField("具有高级技术职称", default=False)
    certificates = models.JSONField("执业资格", default=list, blank=True)  # ["cpa", "tax_agent"]
    finance_years = models.IntegerField("从事财税工作年限", null=True, blank=True)
    fields = models.JSONField("技术领域", default=list, blank=True)  # catalogue codes, first or second level
    organisation = models.CharField("工作单位", max_length=200)
    organisation_credit_code = models.CharField("工作单位统一社会信用代码", max_length=18, db_index=True)
    conflicts = models.JSONField("回避声明（企业或中介机构统一社会信用代码）", default=list, blank=True)
    active = models.BooleanField("在库", default=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"

    def kind_label(self, lang: str = "zh") -> str:
        zh, en = R.KIND_LABELS.get(self.kind, (self.kind, self.kind))
        return en if lang == "en" else zh

    def facts(self) -> R.ExpertFacts:
        return R.ExpertFacts(self.kind, self.senior_title, list(self.certificates or []), self.finance_years,
                             list(self.fields or []))


class Panel(models.Model):
    """专家组 of one application: drawn at random (see ``draws``), one technical expert leads it."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="panels")
    leader = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    needed = models.JSONField()  # {"technical": 4, "financial": 1}
    due_date = models.DateField("评审截止日期")
    screening = models.JSONField(default=list)  # de-identified attachments checked for identifying text
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    @property
    def reference(self) -> str:
        """The only name experts see for the application (评审编号)."""
        return f"P{self.pk:06d}"

    def version_data(self) -> dict:
        app = self.application
        return app.versions.get(number=app.current_version).data

    def application_date(self) -> dt.date:
        return dt.date.fromisoformat(str(self.version_data()["application_date"]))

    def active_members(self):
        return self.members.filter(status=PanelMember.ACTIVE).select_related("expert")

    def problem(self) -> tuple[str, str] | None:
        """None when the panel is complete and lawful (size, 60 % technical, a financial expert, a technical
        leader among the active members), else why not."""
        members = list(self.active_members())
        n_tech = sum(1 for m in members if m.kind == R.TECHNICAL)
        n_fin = len(members) - n_tech
        problems = R.composition_problems(n_tech, n_fin, R.params_on(self.application_date()))
        declined = [m for m in self.members.filter(status=PanelMember.DECLINED) if not m.replaced]
        if declined:
            return (f"有 {len(declined)} 名专家已谢绝，尚未补抽", f"{len(declined)} expert(s) declined and are not yet replaced")
        if problems:
            return (problems[0].message("zh"), problems[0].message("en"))
        if self.leader_id is None or not any(m.expert_id == self.leader_id and m.kind == R.TECHNICAL for m in members):
            return ("专家组组长须为本组技术专家", "the panel leader must be one of its technical experts")
        return None

    def evaluation_problem(self) -> tuple[str, str] | None:
        """None when every active member's form is submitted and the leader's comprehensive evaluation exists."""
        problem = self.problem()
        if problem:
            return problem
        missing = [m for m in self.active_members() if not hasattr(m, "review")]
        if missing:
            return (f"尚有 {len(missing)} 名专家未提交评价表", f"{len(missing)} expert form(s) not yet submitted")
        if not PanelEvaluation.objects.filter(panel=self).exists():
            return ("专家组组长尚未填写专家组综合评价表", "the panel leader has not filled in the comprehensive evaluation")
        return None

    def technical_share_ok(self) -> bool:
        members = list(self.active_members())
        n = len(members)
        share = R.params_on(self.application_date()).ref("experts.technical_share_min").value
        return bool(n) and meets(Fraction(sum(1 for m in members if m.kind == R.TECHNICAL), n), share)


class PanelDraw(models.Model):
    """One random draw, recorded so that anyone can re-run it: the seed, the candidate ids, the numbers
    needed and who may lead (``record``, the input of :func:`rules.draw`) and what it picked (``result``).
    Number 1 is the panel's draw; later numbers replace an expert who declined."""

    INITIAL, REPLACEMENT = "initial", "replacement"

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="draws")
    number = models.IntegerField()
    kind = models.CharField(max_length=16)
    record = models.JSONField()
    result = models.JSONField()
    replaces = models.OneToOneField("PanelMember", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["panel", "number"]
        unique_together = [("panel", "number")]


class PanelMember(models.Model):
    ACTIVE, DECLINED = "active", "declined"

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="memberships")
    kind = models.CharField(max_length=16)
    draw = models.ForeignKey(PanelDraw, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, default=ACTIVE, db_index=True)
    decline_reason = models.TextField(blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        unique_together = [("panel", "expert")]

    @property
    def replaced(self) -> bool:
        return PanelDraw.objects.filter(replaces=self).exists()

    def kind_label(self, lang: str = "zh") -> str:
        zh, en = R.KIND_LABELS.get(self.kind, (self.kind, self.kind))
        return en if lang == "en" else zh


class ExpertReview(models.Model):
    """One expert's form: 技术专家评价表 (附件3) or 财务专家评价表, validated by :mod:`.rules`."""

    member = models.OneToOneField(PanelMember, on_delete=models.PROTECT, related_name="review")
    kind = models.CharField(max_length=16)
    form = models.JSONField()
    scores = models.JSONField()  # {indicator: integer}, what panel_score averages (I2)
    submitted_at = models.DateTimeField()


class PanelEvaluation(models.Model):
    """专家组综合评价表, by the leader: the panel's confirmed figures and opinion, and the result computed from
    the submitted forms (averages per I2) and the engine on the confirmed figures."""

    panel = models.OneToOneField(Panel, on_delete=models.PROTECT, related_name="evaluation")
    leader = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+")
    form = models.JSONField()
    result = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)


class ReviewReminder(models.Model):
    """A reminder sent (so that each is sent once): ``due_soon`` before the due date, ``overdue`` after it."""

    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16)
    sent_on = models.DateField()

    class Meta:
        unique_together = [("member", "kind")]
