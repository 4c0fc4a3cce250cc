"""Demo expert pool (for ``hnte-admin demo``): Beijing's office gets 12 technical experts of field 1 (电子信息) and 3
financial experts — exactly what a 4 + 1 draw needs (3×) — including the demo log-ins ``expert_tech`` and
``expert_fin``. Idempotent."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from hnte_web.enterprises.credit_code import with_check_character

from .models import Expert
from .services import expert_create


def demo_pool(*, office, password: str) -> int:
    """Add the demo experts that are missing; returns how many were added."""
    User = get_user_model()
    people = [("expert_tech", "technical")] + [(f"expert_t{i:02d}", "technical") for i in range(2, 13)]
    people += [("expert_fin", "financial"), ("expert_f02", "financial"), ("expert_f03", "financial")]
    added = 0
    for n, (username, kind) in enumerate(people, start=1):
        user = User.objects.filter(username=username).first()
        if user is not None and Expert.objects.filter(user=user).exists():
            continue
        values = {"kind": kind, "name": f"{'技术' if kind == 'technical' else '财务'}专家{n:02d}",
                  "title": "正高级工程师" if kind == "technical" else "高级会计师", "senior_title": True, "certificates": [],
                  "finance_years": None, "fields": ["1"] if kind == "technical" else [],
                  "organisation": f"示例研究院第{n}研究所", "organisation_credit_code": with_check_character(f"12110000{n:05d}DEMX"),
                  "conflicts": [], "active": True}
        expert_create(acting_user=office, username=username, password=password, values=values)
        added += 1
    return added
