"""The office dashboard's figures and the export tables, computed for what the user covers (an office: its region;
the Leading Group Office: every region). Read-only."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import dataclass

from hnte.core.parameters import ParameterView
from hnte_web.applications.models import Application, ApplicationState
from hnte_web.applications.workflow import APPLICATION
from hnte_web.certificates.models import Certificate
from hnte_web.core.i18n import t
from hnte_web.publicity.regions import region_name

from .models import AnnualReport, Revocation, RevocationGround
from .status import status_label, status_of

PASSED = {"recommended", "reported", "in_publicity", "publicized", "filed", "certified"}
FAILED = {"rejected"}
REPORT_SERIES = ("submitted", "late", "missed", "open")
REPORT_SERIES_LABELS = {"submitted": ("按期填报", "on time"), "late": ("逾期补报", "late"), "missed": ("未填报", "missed"),
                        "open": ("待填报", "open")}


def scope_prefix(user) -> str:
    return "" if user.is_lgo else user.region_prefix


def region_level(prefix: str) -> int:
    """Group regions one administrative level below the user's own (provinces for the LGO)."""
    return min(6, len(prefix) + 2)


def region_label(code: str, level: int) -> str:
    return region_name(code) if level == 2 else code


def field_names(today: dt.date) -> dict[str, tuple[str, str]]:
    from hnte.registries.catalogue import in_force

    try:
        catalogue, _ = in_force(ParameterView(today))
    except Exception:  # noqa: BLE001 - a missing catalogue only loses the names, the codes remain
        return {}
    return {e.code: (e.name, getattr(e, "name_en", "") or e.name) for e in catalogue.top_level()}


def _apps(prefix: str):
    return Application.objects.filter(current_version__gt=0, region_code__startswith=prefix)


def applications_by_stage(prefix: str, lang: str) -> list[tuple[str, int]]:
    counts = Counter(_apps(prefix).values_list("state", flat=True))
    return [(APPLICATION.state_label(s.value, lang), counts.get(s.value, 0)) for s in ApplicationState if s.value != "draft"]


@dataclass
class Rate:
    key: str
    label: str
    passed: int
    decided: int

    @property
    def percent(self) -> float:
        return round(100 * self.passed / self.decided, 1) if self.decided else 0.0


def pass_rates(prefix: str, lang: str, today: dt.date) -> tuple[list[Rate], list[Rate]]:
    """Among decided applications (passed review: recommended and after; failed: rejected), by technical field
    (first level of the catalogue) and by region."""
    names = field_names(today)
    level = region_level(prefix)
    by_field: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_region: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for state, field, region in _apps(prefix).values_list("state", "technical_field", "region_code"):
        if state not in PASSED | FAILED:
            continue
        top = (field or "").split(".")[0] or "-"
        for bucket, key in ((by_field, top), (by_region, region[:level])):
            bucket[key][1] += 1
            bucket[key][0] += state in PASSED
    fields = [Rate(k, f"{k} {t(lang, *names[k])}" if k in names else k, p, d) for k, (p, d) in sorted(by_field.items())]
    regions = [Rate(k, region_label(k, level), p, d) for k, (p, d) in sorted(by_region.items())]
    return fields, regions


def expert_workload(prefix: str) -> list[tuple[str, int, int]] | None:
    """(expert, panels under review now, forms submitted) for the experts of the pool(s) the user covers; None when
    the experts app offers no workload."""
    try:
        from hnte_web.experts.models import Expert, ExpertReview
        from hnte_web.experts.services import open_assignments
    except ImportError:  # pragma: no cover - the experts app is part of the system
        return None
    experts = list(Expert.objects.filter(region_prefix__startswith=prefix, active=True).order_by("id")[:50])
    current = open_assignments([e.pk for e in experts])
    done = Counter(ExpertReview.objects.filter(member__expert__in=experts).values_list("member__expert_id", flat=True))
    return [(e.name, current.get(e.pk, 0), done.get(e.pk, 0)) for e in experts]


def report_compliance(prefix: str) -> list[tuple[int, list[int]]]:
    counts: dict[int, Counter] = defaultdict(Counter)
    for year, state in AnnualReport.objects.filter(enterprise__region_code__startswith=prefix).values_list("year", "state"):
        counts[year][state] += 1
    return [(year, [counts[year].get(s, 0) for s in REPORT_SERIES]) for year in sorted(counts)]


def revocations(prefix: str) -> list[tuple[str, list[int]]]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for ground, state in Revocation.objects.filter(enterprise__region_code__startswith=prefix).values_list("ground", "state"):
        counts[ground][state] += 1
    return [(g, [counts[g].get(s, 0) for s in ("proposed", "revoked", "dismissed")]) for g in RevocationGround.values if g in counts]


# --- export tables --------------------------------------------------------------------------------------------------


@dataclass
class Table:
    name: str  # the key in URLs, the sheet name
    title_zh: str
    title_en: str
    headers: list[tuple[str, str]]
    rows: list[list]

    def header_row(self, lang: str) -> list[str]:
        return [t(lang, zh, en) for zh, en in self.headers]


def identified_table(prefix: str, today: dt.date, lang: str) -> Table:
    revoked = {r.certificate_id: r for r in Revocation.objects.filter(state="revoked")}
    reports: dict[int, Counter] = defaultdict(Counter)
    for cert_id, state in AnnualReport.objects.values_list("certificate_id", "state"):
        reports[cert_id][state] += 1
    rows = []
    certs = Certificate.objects.select_related("application__enterprise").filter(
        application__enterprise__region_code__startswith=prefix).order_by("number")
    for c in certs:
        rev = revoked.get(c.pk)
        status = status_of(c, today, revoked=rev.revoked_on if rev else None)
        n = reports[c.pk]
        rows.append([c.number, c.enterprise_name, c.credit_code, c.application.enterprise.region_code, c.application.technical_field,
                     c.issued_on, c.valid_until, status_label(status, lang), n["submitted"], n["late"], n["missed"],
                     rev.revoked_on if rev else None, rev.ground if rev else ""])
    return Table("identified", "高新技术企业", "Identified enterprises",
                 [("证书编号", "Certificate"), ("企业名称", "Enterprise"), ("统一社会信用代码", "Credit code"), ("地区代码", "Region"),
                  ("技术领域", "Field"), ("发证日期", "Issued"), ("有效期至", "Valid until"), ("状态", "Status"),
                  ("按期年报", "Reports on time"), ("逾期补报", "Reports late"), ("未填报", "Reports missed"),
                  ("取消日期", "Revoked on"), ("取消事由", "Ground")], rows)


def annual_reports_table(prefix: str, lang: str) -> Table:
    from .workflow import ANNUAL_REPORT

    rows = []
    for r in AnnualReport.objects.select_related("certificate", "enterprise").filter(
            enterprise__region_code__startswith=prefix).order_by("year", "certificate__number"):
        rows.append([r.certificate.number, r.enterprise.name, r.year, r.due_on, ANNUAL_REPORT.state_label(r.state, lang),
                     r.submitted_on, len(r.warnings)])
    return Table("annual_reports", "年度发展情况报表", "Annual reports",
                 [("证书编号", "Certificate"), ("企业名称", "Enterprise"), ("年度", "Year"), ("截止日期", "Due"),
                  ("状态", "State"), ("填报日期", "Filed on"), ("低于认定条件的项数", "Warnings")], rows)


def revocations_table(prefix: str, lang: str) -> Table:
    from .workflow import REVOCATION

    rows = []
    for r in Revocation.objects.select_related("certificate", "enterprise").filter(
            enterprise__region_code__startswith=prefix).order_by("proposed_on", "id"):
        rows.append([r.certificate.number, r.certificate.enterprise_name, r.ground, r.start_year, REVOCATION.state_label(r.state, lang),
                     r.proposed_on, r.revoked_on, "、".join(str(y) for y in r.recovery_years)])
    return Table("revocations", "取消资格", "Revocations",
                 [("证书编号", "Certificate"), ("企业名称", "Enterprise"), ("法定事由", "Ground"), ("起始年度", "From year"),
                  ("状态", "State"), ("提请日期", "Proposed"), ("取消日期", "Revoked"), ("追缴年度", "Recovery years")], rows)


def stage_table(prefix: str, lang: str) -> Table:
    return Table("applications_by_stage", "申请（按阶段）", "Applications by stage", [("阶段", "Stage"), ("件数", "Count")],
                 [[label, n] for label, n in applications_by_stage(prefix, lang)])


def pass_rate_table(prefix: str, lang: str, today: dt.date) -> Table:
    fields, regions = pass_rates(prefix, lang, today)
    rows = [[t(lang, "技术领域", "field"), r.label, r.passed, r.decided, r.percent] for r in fields]
    rows += [[t(lang, "地区", "region"), r.label, r.passed, r.decided, r.percent] for r in regions]
    return Table("pass_rates", "通过率", "Pass rates", [("维度", "By"), ("类别", "Group"), ("通过", "Passed"), ("已决定", "Decided"),
                                                          ("通过率（%）", "Pass rate (%)")], rows)


TABLES = ("identified", "annual_reports", "revocations", "applications_by_stage", "pass_rates")


def export_tables(user, today: dt.date, lang: str) -> list[Table]:
    prefix = scope_prefix(user)
    return [identified_table(prefix, today, lang), annual_reports_table(prefix, lang), revocations_table(prefix, lang),
            stage_table(prefix, lang), pass_rate_table(prefix, lang, today)]


def _cell(value):
    """Text cells that a spreadsheet would read as a formula are quoted (CSV/XLSX injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(table: Table, lang: str) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table.header_row(lang))
    for row in table.rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else _cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: spreadsheets then read the Chinese text as UTF-8


def to_xlsx(tables: list[Table], lang: str) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    for table in tables:
        sheet = book.add_worksheet(table.name[:31])
        sheet.write_row(0, 0, table.header_row(lang), bold)
        for r, row in enumerate(table.rows, 1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date)
                elif isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, _cell(str(value)))
        sheet.set_column(0, max(0, len(table.headers) - 1), 16)
    book.close()
    return buf.getvalue()
