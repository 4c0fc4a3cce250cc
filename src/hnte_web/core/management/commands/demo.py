"""``hnte-admin demo``: demo accounts and data (idempotent): offices, the Leading Group Office, experts and
enterprises, one of them active with a complete draft, one awaiting activation, and one identified in the 2024
round through the whole standard track, with its certificate and annual reports (``supervision/demo.py``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

import hnte
from hnte.application.load import load_application
from hnte_web.applications.models import Application
from hnte_web.applications.services import _jsonable, _store, application_create
from hnte_web.enterprises.credit_code import with_check_character
from hnte_web.enterprises.models import Enterprise
from hnte_web.enterprises.services import enterprise_register, registration_activate
from hnte_web.experts.demo import demo_pool
from hnte_web.supervision.demo import USERNAME as CERTIFIED
from hnte_web.supervision.demo import demo_certified, demo_fields

DEMO_PASSWORD = "hnte-demo-2026"
EXAMPLES = Path(hnte.__file__).resolve().parent / "examples"

STAFF = [
    ("office_bj", "office", {"region_prefix": "11", "first_name": "北京市认定机构"}),
    ("office_sz", "office", {"region_prefix": "3205", "first_name": "苏州市认定机构"}),
    ("lgo", "admin", {"first_name": "领导小组办公室"}),
    ("expert_tech", "expert", {"expert_kind": "technical", "first_name": "技术专家"}),
    ("expert_fin", "expert", {"expert_kind": "financial", "first_name": "财务专家"}),
]


def _enterprise_fields(name: str, code17: str, region: str, address: str) -> dict:
    return {"name": name, "credit_code": with_check_character(code17), "registration_date": dt.date(2019, 3, 15),
            "registration_type": "有限责任公司", "registered_capital": Decimal("10000000"), "industry": "软件和信息技术服务业",
            "region_code": region, "address": address, "legal_representative": "张三", "legal_representative_phone": "010-88886666",
            "contact_name": "李四", "contact_phone": "13800000000", "contact_email": "contact@example.com"}


class Command(BaseCommand):
    help = "Create the demo accounts and data (idempotent) and print the demo log-ins."

    def handle(self, *args, **options):
        User = get_user_model()
        with transaction.atomic():
            for username, role, extra in STAFF:
                if not User.objects.filter(username=username).exists():
                    u = User(username=username, role=role, **extra)
                    u.set_password(DEMO_PASSWORD)
                    u.save()
            if not User.objects.filter(username="demo_enterprise").exists():
                ent = enterprise_register(username="demo_enterprise", password=DEMO_PASSWORD,
                                          fields=_enterprise_fields("北京示例智能科技有限公司", "91110108MA01ABCD1", "110108", "北京市海淀区示例路1号"))
                registration_activate(acting_user=User.objects.get(username="office_bj"), enterprise=ent, reason="演示数据")
                owner = User.objects.get(username="demo_enterprise")
                app = application_create(acting_user=owner)
                data = _jsonable(load_application(EXAMPLES / "pass_2016.yaml").model_dump(mode="python", exclude_none=True))
                _store(Application.objects.get(pk=app.pk), data)
            demo_pool(office=User.objects.get(username="office_bj"), password=DEMO_PASSWORD)  # 12 technical + 3 financial
            demo_certified(office=User.objects.get(username="office_bj"), lgo=User.objects.get(username="lgo"), password=DEMO_PASSWORD,
                           fields=demo_fields("北京示例电子科技有限公司", with_check_character("91110108MA01CRTF2"), "110108",
                                              "北京市海淀区示例路8号"),
                           data=_jsonable(load_application(EXAMPLES / "pass_2016.yaml").model_dump(mode="python", exclude_none=True)))
            if not User.objects.filter(username="demo_pending").exists():
                enterprise_register(username="demo_pending", password=DEMO_PASSWORD,
                                    fields=_enterprise_fields("北京待激活科技有限公司", "91110105MA02XYKW3", "110105", "北京市朝阳区示例街2号"))
        rows = [(u, r) for u, r, _ in STAFF] + [("demo_enterprise", "enterprise (active, with a draft)"),
                                                 (CERTIFIED, "enterprise (identified 2024, certificate and annual reports)"),
                                                 ("demo_pending", "enterprise (awaiting activation)")]
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for username, role in rows:
            self.stdout.write(f"  {username:<16} {role}")
        self.stdout.write(f"  ({Enterprise.objects.count()} enterprises, {Application.objects.count()} applications in the database)")
