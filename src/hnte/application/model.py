"""Pydantic model of the application file (``shared/spec/application-format.md``).

Keys from the spec are never renamed or dropped. Added optional keys (documented in the README):
``enterprise.pilot_field``, ``years[].staff.*_monthly`` for the 2008 staff measures,
``intellectual_property[].acquired_on`` and ``licence_years`` and the acquisition ``exclusive_licence``
(2008 rules), ``intermediary`` and ``special_audit_report`` (issue 9: the special audit and its issuer).

Keys the spec marks (opt) — and, because users fill forms in steps (I21), every figure — may be
absent: the criteria that need them are then *unknown*, not failed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

NUMBER_LIMIT = Decimal(10) ** 16  # as the batch table: larger figures are typing errors and would overflow exact arithmetic


def _number(value: object, *, allow_negative: bool) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("money_type")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError("money_type")
    if abs(number) >= NUMBER_LIMIT:
        raise ValueError("number_too_large")
    if not allow_negative and number < 0:
        raise ValueError("money_negative")
    if number != number.quantize(Decimal("0.01")):
        raise ValueError("money_places")
    return number


def _money(value: object) -> Decimal:
    return _number(value, allow_negative=False)


def _signed_money(value: object) -> Decimal:
    return _number(value, allow_negative=True)


def _headcount(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("headcount_type")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number < 0:
        raise ValueError("headcount_negative")
    if number >= NUMBER_LIMIT:
        raise ValueError("number_too_large")
    return number


_MONEY_SCHEMA = {"type": "number", "minimum": 0, "exclusiveMaximum": 1e16, "multipleOf": 0.01, "description": "元 (yuan), ≤ 2 decimals"}
_SIGNED_MONEY_SCHEMA = {"type": "number", "exclusiveMinimum": -1e16, "exclusiveMaximum": 1e16, "multipleOf": 0.01,
                        "description": "元 (yuan), may be negative"}
_HEADCOUNT_SCHEMA = {"type": "number", "minimum": 0, "exclusiveMaximum": 1e16, "description": "persons"}

Money = Annotated[Decimal, BeforeValidator(_money), Field(json_schema_extra=_MONEY_SCHEMA)]
SignedMoney = Annotated[Decimal, BeforeValidator(_signed_money), Field(json_schema_extra=_SIGNED_MONEY_SCHEMA)]
Headcount = Annotated[Decimal, BeforeValidator(_headcount), Field(json_schema_extra=_HEADCOUNT_SCHEMA)]
MonthPair = Annotated[list[Headcount], Field(min_length=2, max_length=2, description="[月初数, 月末数]")]
_CREDIT_CODE = r"^[0-9A-HJ-NPQRTUWXY]{18}$"  # 统一社会信用代码


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Programme(StrEnum):
    national = "national"
    beijing_pilot = "beijing-pilot"
    suzhou_cultivation = "suzhou-cultivation"


class IncidentKind(StrEnum):
    major_safety_accident = "major_safety_accident"  # 重大安全事故
    major_quality_accident = "major_quality_accident"  # 重大质量事故
    serious_environmental_violation = "serious_environmental_violation"  # 严重环境违法行为


class IndustryGroup(StrEnum):
    """NBS industry groups for 规模以上 (interpretation I19)."""

    industrial = "industrial"
    construction = "construction"
    wholesale = "wholesale"
    retail = "retail"
    accommodation_catering = "accommodation_catering"
    real_estate = "real_estate"
    transport_storage_post = "transport_storage_post"
    information_software = "information_software"
    water_environment_public_facilities = "water_environment_public_facilities"
    health = "health"
    leasing_business_services = "leasing_business_services"
    science_technology_services = "science_technology_services"
    education = "education"
    resident_services_repair = "resident_services_repair"
    culture_sports_entertainment = "culture_sports_entertainment"
    social_work = "social_work"


class PilotField(StrEnum):
    """Beijing pilot fields (京科创发〔2021〕114号 附件1)."""

    integrated_circuits = "integrated_circuits"  # 集成电路
    artificial_intelligence = "artificial_intelligence"  # 人工智能
    biomedicine = "biomedicine"  # 生物医药
    key_materials = "key_materials"  # 关键材料


class IpKind(StrEnum):
    invention_patent = "invention_patent"
    defense_patent = "defense_patent"
    plant_variety = "plant_variety"
    national_crop_variety = "national_crop_variety"
    national_new_drug = "national_new_drug"
    tcm_protected_variety_1 = "tcm_protected_variety_1"
    ic_layout_design = "ic_layout_design"
    utility_model = "utility_model"
    design_patent = "design_patent"
    software_copyright = "software_copyright"


class Acquisition(StrEnum):
    self_developed = "self_developed"  # 自主研发
    transfer = "transfer"  # 受让
    gift = "gift"  # 受赠
    merger = "merger"  # 并购
    exclusive_licence = "exclusive_licence"  # 5年以上独占许可 (2008 rules only)



SubjectiveGrade = Literal["A", "B", "C", "D", "E"]


class Incident(_Strict):
    date: dt.date
    kind: IncidentKind


class Enterprise(_Strict):
    name: str = Field(min_length=1)
    credit_code: str | None = Field(default=None, pattern=_CREDIT_CODE)
    registration_date: dt.date | None = None
    region_code: str | None = Field(default=None, pattern=r"^[0-9]{6}$")
    address: str | None = None
    technical_field: str | None = Field(default=None, pattern=r"^[0-9]+(\.[0-9]+){0,2}$")
    pilot_field: PilotField | None = None
    industry: IndustryGroup | None = None
    above_designated_size: bool | None = None
    operating_months: dict[int, Annotated[int, Field(ge=1, le=12)]] | None = None
    previously_identified: bool | None = None
    incidents: list[Incident] | None = None


class RdExpenses(_Strict):
    """企业年度研究开发费用结构 (HNTE basis), yuan; outsourcing as actually paid."""

    personnel: Money | None = None
    direct_inputs: Money | None = None
    depreciation: Money | None = None
    intangible_amortization: Money | None = None
    design: Money | None = None
    equipment_debugging: Money | None = None
    outsourced_domestic: Money | None = None
    outsourced_overseas: Money | None = None
    other: Money | None = None


class Staff(_Strict):
    total_monthly: list[MonthPair] | None = None
    science_tech_monthly: list[MonthPair] | None = None
    science_tech_college_monthly: list[MonthPair] | None = None
    rd_staff_monthly: list[MonthPair] | None = None
    total_average: Headcount | None = None
    science_tech_average: Headcount | None = None
    science_tech_college_average: Headcount | None = None
    rd_staff_average: Headcount | None = None


class Year(_Strict):
    year: int = Field(ge=1990, le=2200)
    sales_revenue: Money | None = None
    net_assets: SignedMoney | None = None
    total_assets: Money | None = None
    rd_expenses: RdExpenses | None = None
    staff: Staff | None = None
    total_income: Money | None = None
    non_taxable_income: Money | None = None
    high_tech_income: Money | None = None


class IntellectualProperty(_Strict):
    number: str = Field(min_length=1)
    kind: IpKind
    title: str | None = None
    granted_on: dt.date | None = None
    acquisition: Acquisition | None = None
    acquired_on: dt.date | None = None
    licence_years: Annotated[int, Field(ge=0)] | None = None
    used_in_previous_application: bool | None = None
    co_owned: bool | None = None
    products: list[str] | None = None


class Product(_Strict):
    code: str = Field(min_length=1)
    name: str | None = None
    income: Money | None = None
    core_ip: list[str] | None = None


class Conversion(_Strict):
    year: int = Field(ge=1990, le=2200)
    achievement: str = Field(min_length=1)
    result: str | None = None


class RdProject(_Strict):
    code: str = Field(min_length=1)
    name: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    spend: dict[int, Money] | None = None


class RdManagement(_Strict):
    """研究开发组织管理水平 (2016): four integer items, maxima 6/6/4/4 (I3)."""

    system: Annotated[int, Field(ge=0)] | None = None
    institution: Annotated[int, Field(ge=0)] | None = None
    conversion_incentives: Annotated[int, Field(ge=0)] | None = None
    talent: Annotated[int, Field(ge=0)] | None = None


class RdManagement2008(_Strict):
    """研究开发组织管理水平 (2008): five items, met or not."""

    project_reports: bool | None = None
    accounting_system: bool | None = None
    industry_university_research: bool | None = None
    rd_institution: bool | None = None
    performance_rewards: bool | None = None


class Assessment(_Strict):
    technology_advancement: SubjectiveGrade | None = None
    core_support: SubjectiveGrade | None = None
    standards_participation: bool | None = None
    rd_management: RdManagement | None = None
    rd_management_2008: RdManagement2008 | None = None


class RecordSubject(StrEnum):
    enterprise = "enterprise"  # 企业
    intermediary = "intermediary"  # 中介机构


class RecordKind(StrEnum):
    fraud = "fraud"  # 弄虚作假（含申请认定过程中提供虚假信息）
    tax_fraud = "tax_fraud"  # 偷、骗税等
    other_violation = "other_violation"  # 其他违法违规、违反认定工作纪律



class Record(_Strict):
    """A recorded finding (e.g. fraud) against an enterprise or an intermediary: decision, date, authority.

    A record counts from ``decided_on`` until it is rescinded (``rescinded_on``, e.g. after administrative
    reconsideration or litigation). ``public`` is the office's choice to list it publicly."""

    id: str | None = None
    subject: RecordSubject
    name: str = Field(min_length=1)
    credit_code: str | None = Field(default=None, pattern=_CREDIT_CODE)
    kind: RecordKind = RecordKind.fraud
    decision: str = Field(min_length=1)  # 处理决定，如“取消其高新技术企业资格”“不得承担认定工作”
    decided_on: dt.date
    authority: str = Field(min_length=1)  # 作出决定的机关
    reference: str | None = None  # 决定文号
    rescinded_on: dt.date | None = None
    public: bool = True
    note: str | None = None


class QualificationYear(_Strict):
    """中介机构承担认定工作当年的人员情况（工作指引 一、（三））: annual monthly averages, persons."""

    year: int = Field(ge=1990, le=2200)
    average_headcount: Headcount | None = None  # 全年月平均在职职工人数
    certified_public_accountants: Headcount | None = None  # 注册会计师
    tax_agents: Headcount | None = None  # 税务师
    dual_qualified: Headcount | None = None  # 同时具有注册会计师和税务师资格的人数（只计一次）


class Intermediary(_Strict):
    """The intermediary issuing the special audit report (中介机构), with its qualification facts — or only
    its identity (``id`` / ``credit_code`` / ``name``) when the office's registry holds the facts."""

    id: str | None = None  # registry id
    name: str = Field(min_length=1)
    credit_code: str | None = Field(default=None, pattern=_CREDIT_CODE)
    founded_on: dt.date | None = None  # 成立日期
    independent_practice: bool | None = None  # 具备独立执业资格
    years: list[QualificationYear] | None = None
    records: list[Record] | None = None  # findings against the firm known to the file's author


class AuditYear(_Strict):
    """One accounting year of the special audit report: R&D by category (as in ``years[].rd_expenses``,
    outsourcing as actually paid), and, if the report states them, the counted total and its domestic part."""

    year: int = Field(ge=1990, le=2200)
    rd_expenses: RdExpenses | None = None
    rd_total: Money | None = None  # 研究开发费用总额（认定口径）
    rd_domestic: Money | None = None  # 其中：境内研究开发费用


class SpecialAuditReport(_Strict):
    """专项审计（鉴证）报告: three years of R&D fees and last year's high-tech product (service) income."""

    number: str | None = None  # 报告文号
    issued_on: dt.date | None = None
    years: list[AuditYear] = Field(min_length=1, max_length=3)
    high_tech_income: Money | None = None  # 近一个会计年度高新技术产品（服务）收入


class Application(_Strict):
    """One enterprise's application (高新技术企业认定申请书 data), format ``hnte/application@1``."""

    format: Literal["hnte/application@1"]
    programme: Programme = Programme.national
    application_date: dt.date
    enterprise: Enterprise
    years: list[Year] = Field(min_length=1, max_length=3)
    intellectual_property: list[IntellectualProperty] | None = None
    products: list[Product] | None = None
    conversions: list[Conversion] | None = None
    rd_projects: list[RdProject] | None = None
    assessment: Assessment | None = None
    intermediary: Intermediary | None = None
    special_audit_report: SpecialAuditReport | None = None

    @property
    def latest(self) -> Year:
        return self.years[-1]

    def year(self, year: int) -> Year | None:
        for y in self.years:
            if y.year == year:
                return y
        return None

    def year_index(self, year: int) -> int:
        for i, y in enumerate(self.years):
            if y.year == year:
                return i
        raise KeyError(year)

    def operating_months(self, year: int) -> int:
        months = self.enterprise.operating_months or {}
        return months.get(year, 12)
