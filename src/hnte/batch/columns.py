"""The batch table: one enterprise per row, the application file flattened.

Years are relative to the application year: ``y3`` is the latest accounting year (application year − 1),
``y2`` the one before, ``y1`` the oldest. A young enterprise leaves the years before its registration empty.
Money is in yuan (at most two decimals), staff in persons (annual monthly averages). Each column has an
English name (canonical) and a Chinese alias accepted on input.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    alias_zh: str
    kind: str  # text | date | money | signed_money | persons | count | bool | grade | months | int
    unit_zh: str
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()


RD_CATEGORIES = (
    ("personnel", "人员人工费用"),
    ("direct_inputs", "直接投入费用"),
    ("depreciation", "折旧费用与长期待摊费用"),
    ("intangible_amortization", "无形资产摊销费用"),
    ("design", "设计费用"),
    ("equipment_debugging", "装备调试费用与试验费用"),
    ("outsourced_domestic", "委托境内研发费用"),
    ("outsourced_overseas", "委托境外研发费用"),
    ("other", "其他费用"),
)
YEAR_LABEL = {1: "第一年", 2: "第二年", 3: "最近一年"}

_cols: list[Column] = [
    Column("id", "企业编号", "text", "", "row identifier (unique within the table)", required=True),
    Column("name", "企业名称", "text", "", "enterprise name"),
    Column("credit_code", "统一社会信用代码", "text", "", "18-character unified social credit code"),
    Column("programme", "认定项目", "text", "", "national | beijing-pilot | suzhou-cultivation (default national)",
           choices=("national", "beijing-pilot", "suzhou-cultivation")),
    Column("application_date", "申请日期", "date", "YYYY-MM-DD", "application date (or give --as-of)"),
    Column("registration_date", "注册日期", "date", "YYYY-MM-DD", "registration date"),
    Column("region_code", "行政区划代码", "text", "6位", "GB/T 2260 code of the registered address"),
    Column("technical_field", "技术领域", "text", "代码", "catalogue code of the core technology, e.g. 1.1.1"),
    Column("industry", "行业", "text", "", "NBS industry group (for 规模以上)"),
    Column("above_designated_size", "规模以上", "bool", "是/否", "declared above designated size"),
    Column("pilot_field", "试点领域", "text", "", "integrated_circuits | artificial_intelligence | biomedicine | key_materials"),
    Column("previously_identified", "曾认定为高企", "bool", "是/否", "identified as an HNTE since 2008"),
    Column("incident_date", "最近重大事故日期", "date", "YYYY-MM-DD", "date of the latest major safety/quality accident or serious environmental violation; blank = none"),
]
for k in (1, 2, 3):
    label = YEAR_LABEL[k]
    _cols += [
        Column(f"y{k}_sales_revenue", f"{label}销售收入", "money", "元", f"sales revenue of year {k} (y3 = latest)"),
        Column(f"y{k}_net_assets", f"{label}净资产", "signed_money", "元", f"net assets at the end of year {k}"),
        Column(f"y{k}_total_assets", f"{label}资产总额", "money", "元", f"total assets at the end of year {k} (2008 rules)"),
        Column(f"y{k}_operating_months", f"{label}经营月数", "months", "月", f"months operated in year {k} (default 12)"),
    ]
    _cols += [Column(f"y{k}_rd_{key}", f"{label}{zh}", "money", "元", f"R&D {key} of year {k} (outsourcing as paid)") for key, zh in RD_CATEGORIES]
_cols += [
    Column("total_income", "近一年收入总额", "money", "元", "latest year's 收入总额"),
    Column("non_taxable_income", "近一年不征税收入", "money", "元", "latest year's 不征税收入"),
    Column("high_tech_income", "近一年高新技术产品（服务）收入", "money", "元", "latest year's high-tech product (service) income"),
    Column("main_products_income", "主要产品（服务）收入", "money", "元", "income of the products backed by owned core IP (part of high-tech income)"),
    Column("staff_total", "职工总数", "persons", "人", "latest year's total employees (annual monthly average)"),
    Column("staff_science_tech", "科技人员数", "persons", "人", "latest year's S&T staff (annual monthly average)"),
    Column("staff_science_tech_college", "大专以上科技人员数", "persons", "人", "S&T staff with a college degree (2008 rules)"),
    Column("staff_rd", "研发人员数", "persons", "人", "R&D staff (2008 rules)"),
    Column("ip_class1_self", "Ⅰ类知识产权（自主研发）", "count", "项", "owned Class I IP, self-developed (2008: invention patents)"),
    Column("ip_class1_acquired", "Ⅰ类知识产权（受让等）", "count", "项", "owned Class I IP, transferred, gifted or merged"),
    Column("ip_class2_self", "Ⅱ类知识产权（自主研发）", "count", "项", "owned Class II IP never used before, self-developed"),
    Column("ip_class2_acquired", "Ⅱ类知识产权（受让等）", "count", "项", "owned Class II IP never used before, transferred, gifted or merged"),
    Column("ip_class2_used", "已使用过的Ⅱ类知识产权", "count", "项", "Class II IP already used in an earlier application (not counted)"),
    Column("conversions_y1", "第一年科技成果转化数", "count", "项", "distinct achievements converted in year 1"),
    Column("conversions_y2", "第二年科技成果转化数", "count", "项", "distinct achievements converted in year 2"),
    Column("conversions_y3", "最近一年科技成果转化数", "count", "项", "distinct achievements converted in the latest year"),
    Column("assess_technology_advancement", "自评：技术先进程度", "grade", "A–E", "self-assessed grade of IP sub-item 1", choices=tuple("ABCDE")),
    Column("assess_core_support", "自评：核心支持作用", "grade", "A–E", "self-assessed grade of IP sub-item 2", choices=tuple("ABCDE")),
    Column("assess_standards", "自评：参与编制标准", "bool", "是/否", "took part in drafting standards (IP bonus)"),
    Column("assess_rd_system", "自评：研发管理制度", "int", "0–6分", "R&D management item 1"),
    Column("assess_rd_institution", "自评：研发机构与产学研", "int", "0–6分", "R&D management item 2"),
    Column("assess_rd_conversion_incentives", "自评：成果转化激励", "int", "0–4分", "R&D management item 3"),
    Column("assess_rd_talent", "自评：人才培养与绩效", "int", "0–4分", "R&D management item 4"),
    Column("assess_rd_2008_met", "自评：2008版研发管理符合项数", "int", "0–5项", "2008 rules: how many of the five items are met"),
]
COLUMNS: tuple[Column, ...] = tuple(_cols)
BY_NAME = {c.name: c for c in COLUMNS}
ALIASES = {c.alias_zh: c.name for c in COLUMNS}


def canonical(header: str) -> str | None:
    """The canonical column name of an English or Chinese header (None if unknown)."""
    h = header.strip()
    if h in BY_NAME:
        return h
    return ALIASES.get(h)


# In-memory representation of a typed table (Polars): exact integers, never binary floats.
#   money, signed_money → Int64 in fen (yuan × 100); persons → Int64 in 0.01 persons;
#   count, int, months → Int64; date → Date; bool → Boolean; text, grade → Utf8 (String).
SCALE = {"money": 100, "signed_money": 100, "persons": 100}
DTYPE_NAME = {"money": "Int64", "signed_money": "Int64", "persons": "Int64", "count": "Int64", "int": "Int64", "months": "Int64",
              "date": "Date", "bool": "Boolean", "text": "String", "grade": "String"}
RANGES = {"count": (0, None), "int": (0, None), "months": (1, 12), "money": (0, None), "persons": (0, None)}
