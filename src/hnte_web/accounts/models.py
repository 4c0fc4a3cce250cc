"""Accounts and roles: enterprise user, identification-office staff (bound to their office's region),
expert (technical or financial) and Leading Group Office administrator (领导小组办公室)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", "企业用户"
    OFFICE = "office", "认定机构工作人员"
    EXPERT = "expert", "评审专家"
    ADMIN = "admin", "领导小组办公室"


ROLE_LABELS = {"enterprise": ("企业用户", "Enterprise user"), "office": ("认定机构工作人员", "Identification office"),
               "expert": ("评审专家", "Expert"), "admin": ("领导小组办公室", "Leading Group Office")}


class ExpertKind(models.TextChoices):
    TECHNICAL = "technical", "技术专家"
    FINANCIAL = "financial", "财务专家"


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices)
    # Office staff: the GB/T 2260 prefix of their office's region ("11" = 北京, "3205" = 苏州).
    region_prefix = models.CharField(max_length=6, blank=True)
    expert_kind = models.CharField(max_length=16, choices=ExpertKind.choices, blank=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="users")
    failed_logins = models.IntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        # Office staff see their region only: an office account without a region would see nothing (or, through a
        # prefix filter, everything), so it cannot exist.
        constraints = [models.CheckConstraint(condition=~models.Q(role="office") | ~models.Q(region_prefix=""),
                                              name="office_staff_have_a_region")]

    def role_label(self, lang: str = "zh") -> str:
        zh, en = ROLE_LABELS.get(self.role, (self.role, self.role))
        return en if lang == "en" else zh

    @property
    def is_enterprise(self) -> bool:
        return self.role == Role.ENTERPRISE

    @property
    def is_office(self) -> bool:
        return self.role == Role.OFFICE

    @property
    def is_expert(self) -> bool:
        return self.role == Role.EXPERT

    @property
    def is_lgo(self) -> bool:
        return self.role == Role.ADMIN

    def covers_region(self, region_code: str | None) -> bool:
        """Office staff see enterprises registered in their region; the Leading Group Office sees all."""
        if self.is_lgo:
            return True
        return bool(self.is_office and self.region_prefix and region_code and region_code.startswith(self.region_prefix))
from .tokens import ApiToken  # noqa: E402,F401
