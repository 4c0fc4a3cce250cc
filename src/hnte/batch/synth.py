"""Synthetic enterprise populations for demos and benchmarks (``hnte synth N --seed S``).

:func:`synth` returns a typed batch table (:mod:`hnte.batch.columns`: money in integer fen, staff in
hundredths of a person) in which every row converts to a valid application file
(:func:`hnte.batch.convert.row_to_application` + :func:`hnte.application.parse_application`). Everything
is drawn with vectorised numpy from ``numpy.random.default_rng(seed)``; each aspect (age, size, R&D …)
has its own child stream (``Generator.spawn``), so the same ``n`` and ``seed`` give the same frame. The
first ``k`` rows of ``synth(n)`` are not ``synth(k)``.

The spreads are chosen to look like an HNTE applicant pool and to straddle the thresholds of the 2016
rules (Art. 11 and Guidelines §3), so that screening and simulation runs have rows on both sides of
every line. Choices, by aspect:

- **Age.** ≈ 5 % of rows are registered 0.5–1 year before the application date (uniform), the rest
  1 + 19 × Beta(1.4, 3) years before (mean ≈ 7 years, long tail to 20). The registration date is capped
  at 31 December of the year before the application year, so the latest accounting year ``y3`` always
  exists. Accounting years before the registration year are left null (all their columns, conversions
  included); the registration year gets ``operating_months`` = 13 − registration month, later years 12.
- **Size.** Latest-year (``y3``) sales at a full-year rate are lognormal, median ≈ 43 million yuan,
  σ = 1.2 (log), which gives ≈ 55 % ≤ 50 M, ≈ 35 % in (50 M, 200 M], ≈ 10 % > 200 M (the Art. 11(5)
  tiers; measured 57/34/9.5 % once partial registration years are scaled down), floored at 100,000 yuan. Earlier years follow growth rates drawn per year from
  Normal(15 %, 25 %) (Normal(40 %, 40 %) for enterprises under three years old), clipped to
  [−60 %, +300 %], so some shrink. A year's sales are the full-year rate × operating months ÷ 12.
- **Assets.** Total assets = full-year sales × lognormal(median 1.0, σ 0.5) × per-year noise; net assets =
  total assets × an equity ratio Beta(2.5, 2.5) (per-year noise, kept in [2 %, 98 %]). 4 % of rows
  are loss-making: in each of their years, with probability 0.7, the equity ratio is −U(5 %, 50 %) — a
  few negative net assets (total assets stay ≥ 0 and ≥ net assets).
- **Field.** ``technical_field`` is a third-level code drawn from an outline of the catalogue (8 top fields,
  their second-level entries, a plausible number of third-level entries each) and mapped onto the real
  entries of the edition in force (``hnte.registries.catalogue``), so every code is valid. Top-field weights:
  1 electronic information 32 %, 8 advanced manufacturing 22 %, 4 new materials 11 %, 5 high-tech
  services 10 %, 2 biomedicine 9 %, 6 new energy 7 %, 7 resources & environment 7 %, 3 aerospace 2 %;
  within a field the better-populated sub-fields (software 1.1, equipment 8.4 …) weigh more and the
  third level decreases as 1/√j. ``industry`` is drawn from the top field: mostly
  ``information_software`` (electronic information, services), ``industrial`` (manufacturing, materials,
  energy, aerospace, biomedicine) and ``science_technology_services``, with a few health, leasing and
  business services, water/environment, construction and wholesale rows.
- **Region.** Real GB/T 2260 district codes of 20 cities with HNTE-heavy weights (Beijing 1101xx 14 %,
  Shenzhen 4403xx 12 %, Shanghai 3101xx 11 %, Suzhou 3205xx 7 %, Guangzhou 4401xx 7 %, Hangzhou 3301xx
  6 %, Wuhan 4201xx 6 %, Chengdu 5101xx 5 %, Tianjin 1201xx 5 %, Xi'an 6101xx 4.5 %, Nanjing 3201xx
  4.5 %, Hefei 3401xx 4 %, then Changsha, Jinan, Qingdao, Xiamen, Zhengzhou, Chongqing, Ningbo, Dongguan);
  high-tech districts (Haidian, Nanshan, Pudong …) weigh most within a city.
- **Programme.** ``national`` except: Beijing rows in fields 1, 2 or 4 join the ``beijing-pilot`` with
  probability 30 % when above designated size (3 % otherwise), with ``pilot_field`` from the field
  (IC for microelectronics/components, AI for the rest of field 1, biomedicine, key materials) — only
  when the pilot is in force on the application date (from 2021-07-29); Suzhou rows never identified
  before and with sales ≤ 100 M join ``suzhou-cultivation`` with probability 30 % — only when that
  programme is in force (2021-01-01 … 2023-12-31, so never with the default 2024-06-30). Validity is read
  from the programme registry (``parameters/_versions.yaml``), not hard-coded.
  ``above_designated_size`` is declared for every row from the NBS revenue line of its industry group
  (20 M yuan industrial, information/software, wholesale …; 10 M science & technology and business
  services; construction, which NBS does not decide by revenue, 50 M as a stand-in).
- **R&D.** The intensity (R&D ÷ sales) is lognormal with σ = 0.45 and a median by tier of the latest
  sales — 6.0 % (≤ 50 M), 4.9 % (≤ 200 M), 3.7 % (> 200 M); 12 % of rows "manage to the line" at the
  tier rate + U(0, 0.3 pp) with no year-to-year noise (3-year ratio at or just above the line, now and
  then a fen below), the others vary by year × exp(Normal(0, 0.15)). Measured on a million rows, in
  each tier ≈ 28–30 % sit below the 5 %/4 %/3 % line, ≈ 25–34 % within one point above it and ≈ 6 %
  within 0.1 point. Categories: shares from gamma draws with shapes personnel 5, direct inputs 2,
  depreciation 0.8, intangible amortisation 0.3, design 0.4, equipment & tests 0.4 (the last three zero
  for 40–50 % of rows), domestic outsourcing 1.2 for 30 % of rows, overseas outsourcing 3 for 4 % of
  rows (so the 60 % domestic share fails now and then); personnel and direct inputs vary by year ×
  exp(Normal(0, 0.15)), the other categories keep their row's share; "other" is 0.25 × Beta(1.1, 2)
  of the year's total (zero for 15 % of rows), above the 20 % cap for ≈ 4 %.
- **Staff.** Total = full-year sales ÷ revenue per employee (lognormal, median 500 k yuan for
  information/software and services, 800 k otherwise, σ 0.6), at least 3; 55 % of rows give whole
  persons, the rest averages with two decimals. S&T share Beta(3, 9) (mean 25 %) for
  information/software and S&T services, Beta(2.6, 11) (mean 19 %) otherwise — ≈ 15 % of rows
  under the 10 % line (10th–90th percentile 8–37 %). 2008 measures: college-educated S&T = S&T × Beta(8, 2.5); R&D staff = S&T ×
  Beta(5, 3).
- **Income.** Total income = latest sales × (1 + lognormal(median 2 %, σ 1), at most 50 %); non-taxable
  income for 35 % of rows, total × 2 % × Beta(1, 3); high-tech income = Beta(7, 2.6) (mean 73 %, 10th–90th
  percentile 54–90 %, ≈ 18 % under 60 %) of total income − non-taxable; main products income =
  high-tech income × (0.3 + 0.7 × Beta(2.5, 1.2)), ≈ 6 % at or under the 50 % line.
- **IP.** Negative binomial counts (Poisson with a gamma-distributed rate): Class I self-developed mean
  1.5 × (sales ÷ 43 M)^0.3, shape 0.4 (≈ 46 % of rows have no Class I IP at all); Class I acquired mean 0.2, shape 0.3;
  Class II self-developed mean 8, shape 0.8; Class II acquired mean 0.8, shape 0.3; Class II already used
  mean 6 (shape 1) for previously identified enterprises, 0.3 otherwise. ``previously_identified``:
  5 % under three years old, 30 % at 3–6 years, 55 % older.
- **Conversions.** Per row a rate Gamma(3, 1.7) (mean 5.1 a year, so the average straddles the A line
  of 5); each present year Poisson(rate × months ÷ 12).
- **Assessment.** 80 % of rows carry the self-assessment (grades A–E: technology advancement
  20/50/25/4/1 %, core support 30/50/16/3/1 %; standards 25 % yes; R&D management items 0–6, 0–6, 0–4,
  0–4 peaked at 5 and 3–4; 2008 items met 0–5), the rest leave every assessment column null. With the
  other spreads this puts the innovation score's midpoint around the 70 pass mark.
- **Incidents.** 1 % of rows have an ``incident_date`` uniform over the two years before the application
  date (never before registration), so about half fall within the 365-day look-back.
- **Identity.** ``id`` is ``E`` + a zero-padded row number; ``name`` is city + trade name + field word +
  legal form (names are not unique); ``credit_code`` is a well-formed 18-character unified social credit
  code (``91`` + region + organisation code with its GB 11714 check digit, ``MA…`` after 2015-10 +
  the GB 32100 check character).

Money is generated as integer fen, so it has at most two decimals by construction, and every row is
internally consistent: S&T staff ≤ total staff, non-taxable ≤ total income, high-tech ≤ total −
non-taxable, main products ≤ high-tech income, sales ≤ total income, counts ≥ 0, net assets ≤ total assets.

A million rows take about 3–4 s on the 2-core reference machine (peak RSS ≈ 1.1 GB, frame ≈ 570 MB).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from hnte.batch.columns import COLUMNS, DTYPE_NAME, RD_CATEGORIES, SCALE

DEFAULT_APPLICATION_DATE = dt.date(2024, 6, 30)

# ---------------------------------------------------------------------------------------------------
# Catalogue outline: top field → (weight, [(second-level weight, number of third-level entries), ...])

_FIELDS: dict[int, tuple[float, list[tuple[float, int]]]] = {
    1: (0.32, [(0.35, 12), (0.08, 6), (0.12, 4), (0.12, 10), (0.03, 6), (0.15, 5), (0.10, 7), (0.05, 4)]),
    2: (0.09, [(0.20, 6), (0.10, 4), (0.15, 5), (0.08, 4), (0.25, 6), (0.12, 4), (0.10, 5)]),
    3: (0.02, [(0.50, 6), (0.50, 7)]),
    4: (0.11, [(0.20, 8), (0.18, 7), (0.25, 7), (0.07, 4), (0.25, 6), (0.05, 3)]),
    5: (0.10, [(0.18, 2), (0.10, 2), (0.25, 4), (0.10, 4), (0.05, 2), (0.12, 4), (0.10, 4), (0.10, 5)]),
    6: (0.07, [(0.30, 7), (0.05, 4), (0.30, 6), (0.35, 7)]),
    7: (0.07, [(0.20, 6), (0.15, 5), (0.15, 4), (0.05, 3), (0.10, 3), (0.10, 4), (0.15, 6), (0.10, 5)]),
    8: (0.22, [(0.15, 3), (0.05, 3), (0.12, 8), (0.25, 10), (0.15, 6), (0.12, 8), (0.10, 5), (0.03, 4), (0.03, 3)]),
}

_FIELD_WORDS = {
    1: ("信息", "软件", "电子", "网络", "智能", "数据"), 2: ("生物", "医药", "医疗", "基因"), 3: ("航空", "航天", "宇航"),
    4: ("材料", "新材料", "化工"), 5: ("信息技术", "检测", "数字"), 6: ("能源", "新能源", "储能", "节能"),
    7: ("环保", "环境", "水务"), 8: ("智能装备", "精密机械", "自动化", "电气", "仪器"),
}

_INDUSTRIES = ("information_software", "industrial", "science_technology_services", "health", "leasing_business_services",
               "water_environment_public_facilities", "construction", "wholesale")
# P(industry | top field), rows in _FIELDS order, columns in _INDUSTRIES order
_INDUSTRY_BY_FIELD = np.array([
    [0.62, 0.28, 0.08, 0.00, 0.00, 0.00, 0.00, 0.02],
    [0.00, 0.62, 0.28, 0.06, 0.00, 0.00, 0.00, 0.04],
    [0.05, 0.80, 0.15, 0.00, 0.00, 0.00, 0.00, 0.00],
    [0.00, 0.90, 0.08, 0.00, 0.00, 0.00, 0.00, 0.02],
    [0.35, 0.05, 0.45, 0.00, 0.15, 0.00, 0.00, 0.00],
    [0.00, 0.75, 0.12, 0.00, 0.00, 0.00, 0.10, 0.03],
    [0.00, 0.45, 0.25, 0.00, 0.00, 0.25, 0.05, 0.00],
    [0.05, 0.85, 0.08, 0.00, 0.00, 0.00, 0.00, 0.02],
])
# NBS 规模以上 revenue line by industry group, yuan (construction: not decided by revenue — a stand-in)
_ABOVE_SIZE_YUAN = np.array([20e6, 20e6, 10e6, 20e6, 10e6, 20e6, 50e6, 20e6])
_SERVICE_LIKE = np.array([True, False, True, False, True, False, False, False])  # lower revenue per head, more S&T staff

# City → (Chinese name, weight, [(district code, weight), ...]); codes are GB/T 2260 districts
_CITIES: dict[str, tuple[str, float, list[tuple[str, float]]]] = {
    "beijing": ("北京", 14.0, [("110108", 40), ("110105", 15), ("110114", 10), ("110115", 8), ("110106", 7), ("110102", 6),
                               ("110101", 4), ("110113", 5), ("110112", 5)]),
    "shenzhen": ("深圳", 12.0, [("440305", 35), ("440306", 20), ("440307", 15), ("440309", 12), ("440304", 10), ("440311", 5),
                                ("440303", 3)]),
    "shanghai": ("上海", 11.0, [("310115", 30), ("310112", 15), ("310104", 12), ("310114", 10), ("310117", 10), ("310110", 8),
                                ("310105", 8), ("310113", 7)]),
    "suzhou": ("苏州", 7.0, [("320505", 25), ("320506", 15), ("320583", 20), ("320582", 10), ("320581", 10), ("320509", 10),
                             ("320507", 5), ("320508", 5)]),
    "guangzhou": ("广州", 7.0, [("440106", 35), ("440112", 30), ("440113", 15), ("440111", 10), ("440114", 10)]),
    "hangzhou": ("杭州", 6.0, [("330108", 30), ("330110", 25), ("330106", 20), ("330109", 15), ("330105", 10)]),
    "wuhan": ("武汉", 6.0, [("420111", 45), ("420106", 20), ("420112", 15), ("420115", 10), ("420104", 10)]),
    "chengdu": ("成都", 5.0, [("510107", 35), ("510104", 15), ("510116", 20), ("510117", 15), ("510106", 15)]),
    "tianjin": ("天津", 5.0, [("120116", 50), ("120104", 15), ("120111", 20), ("120112", 15)]),
    "xian": ("西安", 4.5, [("610113", 50), ("610116", 20), ("610112", 20), ("610111", 10)]),
    "nanjing": ("南京", 4.5, [("320115", 30), ("320106", 20), ("320111", 15), ("320113", 15), ("320104", 20)]),
    "hefei": ("合肥", 4.0, [("340104", 45), ("340111", 30), ("340103", 25)]),
    "changsha": ("长沙", 3.0, [("430104", 50), ("430111", 25), ("430112", 25)]),
    "jinan": ("济南", 2.5, [("370112", 40), ("370102", 30), ("370105", 30)]),
    "qingdao": ("青岛", 2.5, [("370212", 40), ("370211", 35), ("370213", 25)]),
    "xiamen": ("厦门", 2.0, [("350206", 50), ("350203", 30), ("350211", 20)]),
    "zhengzhou": ("郑州", 2.0, [("410105", 40), ("410102", 30), ("410122", 30)]),
    "chongqing": ("重庆", 2.0, [("500112", 45), ("500106", 30), ("500108", 25)]),
    "ningbo": ("宁波", 2.0, [("330212", 45), ("330206", 30), ("330203", 25)]),
    "dongguan": ("东莞", 2.0, [("441900", 100)]),
}

_TRADE_FIRST = "华中天新金瑞博智优科联创恒达信宏盛泰海云星光东远长安鼎汇嘉润普康英卓锐"
_TRADE_SECOND = "为芯创达通科源微讯维联驰启航拓亿腾睿晟辰峰越曜图澜岳诚宇川和"
_LEGAL_FORMS = ("科技有限公司", "技术有限公司", "股份有限公司", "有限公司")

_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 (no I, O, S, V, Z)
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)  # GB 11714-1997
_ORG_VALUE = np.array([int(c, 36) for c in _USCC_CHARSET], dtype=np.int64)  # GB 11714 value of each USCC character

_TIER_EDGES_YUAN = (50_000_000, 200_000_000)  # Art. 11(5) bands of the latest year's sales, upper inclusive
_TIER_RATE = np.array([0.05, 0.04, 0.03])  # the 2016 minima, the line the "managed" rows aim at
_TIER_MEDIAN = np.array([0.060, 0.049, 0.037])

# gamma shapes of the internal and outsourced R&D categories (other is drawn separately)
_RD_SHAPES = {"personnel": 5.0, "direct_inputs": 2.0, "depreciation": 0.8, "intangible_amortization": 0.3, "design": 0.4,
              "equipment_debugging": 0.4, "outsourced_domestic": 1.2, "outsourced_overseas": 3.0}
_RD_ZERO_SHARE = {"personnel": 0.0, "direct_inputs": 0.05, "depreciation": 0.10, "intangible_amortization": 0.45, "design": 0.40,
                  "equipment_debugging": 0.50, "outsourced_domestic": 0.70, "outsourced_overseas": 0.96}

_STREAMS = ("age", "size", "assets", "field", "region", "programme", "rd", "staff", "income", "ip", "conversions",
            "assessment", "incident", "identity")


def _catalogue_code(cat, top: int, s: int, t: int) -> str:
    """The outline's position (top, s, t) as a real third-level code of the catalogue edition ``cat``
    (positions beyond an entry's children wrap around; second-level entries without a third level are skipped)."""
    seconds = cat.children(str(top))
    with_thirds = [e for e in seconds if cat.children(e.code)]
    if not with_thirds:  # an edition recorded to the second level only (2008): any third level is accepted
        return f"{seconds[(s - 1) % len(seconds)].code}.{t}"
    thirds = cat.children(with_thirds[(s - 1) % len(with_thirds)].code)
    return thirds[(t - 1) % len(thirds)].code


def _field_codes(application_date: dt.date = DEFAULT_APPLICATION_DATE) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Every third-level code with its probability, top field and second-level index (outline position),
    mapped onto the catalogue edition in force on ``application_date`` so that every code is valid."""
    from hnte.core.parameters import ParameterView
    from hnte.registries import catalogue

    cat, _ = catalogue.in_force(ParameterView(application_date))
    codes, probs, tops, seconds = [], [], [], []
    for top, (w_top, subs) in _FIELDS.items():
        w_sub_total = sum(w for w, _ in subs)
        for s, (w_sub, n_third) in enumerate(subs, start=1):
            third = np.array([1 / np.sqrt(j) for j in range(1, n_third + 1)])
            third /= third.sum()
            for j in range(n_third):
                codes.append(_catalogue_code(cat, top, s, j + 1))
                probs.append(w_top * w_sub / w_sub_total * third[j])
                tops.append(top)
                seconds.append(s)
    p = np.array(probs)
    return codes, p / p.sum(), np.array(tops), np.array(seconds)


def _regions() -> tuple[list[str], np.ndarray, np.ndarray, list[str], list[str]]:
    """Every district code with its probability and city index; city keys and Chinese names."""
    codes, probs, city_idx = [], [], []
    keys = list(_CITIES)
    for c, key in enumerate(keys):
        _, w_city, districts = _CITIES[key]
        total = sum(w for _, w in districts)
        for code, w in districts:
            codes.append(code)
            probs.append(w_city * w / total)
            city_idx.append(c)
    p = np.array(probs)
    return codes, p / p.sum(), np.array(city_idx), keys, [_CITIES[k][0] for k in keys]


def _choice_by_group(rng: np.random.Generator, group: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """For each row, an index drawn from the row ``probs[group]`` (probability matrix, one row per group)."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(group.shape[0])
    return np.minimum((u[:, None] > cum[group]).sum(axis=1), probs.shape[1] - 1)


def _neg_binomial(rng: np.random.Generator, mean: np.ndarray | float, shape: float, n: int) -> np.ndarray:
    rate = rng.gamma(shape, np.broadcast_to(np.asarray(mean, dtype=np.float64), (n,)) / shape)
    return rng.poisson(rate).astype(np.int64)


def _fen(yuan: np.ndarray) -> np.ndarray:
    return np.rint(yuan * 100).astype(np.int64)


def _programme_in_force(programme_id: str, when: dt.date) -> bool:
    from hnte.core.errors import LawVersionError
    from hnte.core.registry import select

    try:
        select(programme_id, when)
    except LawVersionError:
        return False
    return True


def _credit_codes(rng: np.random.Generator, region_idx: np.ndarray, region_codes: list[str], modern: np.ndarray) -> pl.Series:
    """18-character unified social credit codes: 91 + region + organisation code (GB 11714) + GB 32100 check."""
    n = region_idx.shape[0]
    chars = np.empty((n, 18), dtype=np.uint8)  # indices into _USCC_CHARSET, column by column
    prefix = np.array([[9, 1, *(int(ch) for ch in code)] for code in region_codes], dtype=np.uint8)
    chars[:, :8] = prefix[region_idx]
    # organisation code: 8 digits before the reform; "MA" + 6 characters of the USCC set after 2015-10
    chars[:, 8:16] = rng.integers(0, 10, size=(n, 8), dtype=np.uint8)
    new_body = rng.integers(0, len(_USCC_CHARSET), size=(n, 6), dtype=np.uint8)
    chars[:, 8] = np.where(modern, _USCC_CHARSET.index("M"), chars[:, 8])
    chars[:, 9] = np.where(modern, _USCC_CHARSET.index("A"), chars[:, 9])
    chars[:, 10:16] = np.where(modern[:, None], new_body, chars[:, 10:16])
    del new_body
    org_sum = np.zeros(n, dtype=np.int64)
    for j in range(8):
        org_sum += _ORG_VALUE[chars[:, 8 + j]] * _ORG_WEIGHTS[j]
    c9 = 11 - org_sum % 11  # 1..11; 10 → X, 11 → 0
    chars[:, 16] = np.where(c9 == 11, 0, np.where(c9 == 10, _USCC_CHARSET.index("X"), c9))
    total = prefix[:, :8].astype(np.int64) @ _USCC_WEIGHTS[:8]  # per region, then gathered
    total = total[region_idx]
    for j in range(8, 17):
        total += chars[:, j].astype(np.int64) * _USCC_WEIGHTS[j]
    chars[:, 17] = (31 - total % 31) % 31
    table = np.frombuffer(_USCC_CHARSET.encode("ascii"), dtype=np.uint8)
    raw = table[chars].view("S18").ravel()
    return pl.Series("credit_code", raw).cast(pl.String)


def synth(n: int, seed: int, application_date: dt.date = DEFAULT_APPLICATION_DATE) -> pl.DataFrame:
    """A synthetic population of ``n`` enterprises applying on ``application_date``, reproducible from ``seed``.

    The frame has every column of :data:`hnte.batch.columns.COLUMNS`, in order, with the typed dtypes
    (:data:`~hnte.batch.columns.DTYPE_NAME`). See the module docstring for the distributions.
    """
    if n < 0:
        raise ValueError(f"n must be ≥ 0, got {n}")
    root = np.random.default_rng(seed)
    rs = dict(zip(_STREAMS, root.spawn(len(_STREAMS)), strict=True))
    app_year = application_date.year
    app_day = np.datetime64(application_date, "D")
    cols: dict[str, Any] = {}  # name → numpy array or pl.Series
    valid: dict[str, np.ndarray] = {}  # name → rows where the value is present (others become null)

    # --- age: registration date, years present, operating months --------------------------------------
    r = rs["age"]
    young = r.random(n) < 0.05
    age_years = np.where(young, r.uniform(0.5, 1.0, n), 1.0 + 19.0 * r.beta(1.4, 3.0, n))
    reg = app_day - np.rint(age_years * 365.25).astype("timedelta64[D]")
    reg = np.minimum(reg, np.datetime64(dt.date(app_year - 1, 12, 31), "D"))
    reg_year = reg.astype("datetime64[Y]").astype(np.int64) + 1970
    reg_month = reg.astype("datetime64[M]").astype(np.int64) % 12 + 1
    age_days = (app_day - reg).astype(np.int64)
    del age_years
    year_of = {k: app_year - (4 - k) for k in (1, 2, 3)}
    present = {k: year_of[k] >= reg_year for k in (1, 2, 3)}
    months = {k: np.where(year_of[k] == reg_year, 13 - reg_month, 12) for k in (1, 2, 3)}
    frac = {k: months[k] / 12.0 for k in (1, 2, 3)}
    young3 = age_days < 3 * 365

    # --- size: full-year sales rates and growth ----------------------------------------------------------
    r = rs["size"]
    rate3 = np.maximum(np.exp(r.normal(17.577, 1.2, n)), 100_000.0)
    g_mean = np.where(young3, 0.40, 0.15)
    g_sd = np.where(young3, 0.40, 0.25)
    g2 = np.clip(r.normal(g_mean, g_sd), -0.6, 3.0)
    g1 = np.clip(r.normal(g_mean, g_sd), -0.6, 3.0)
    rate = {3: rate3, 2: rate3 / (1 + g2)}
    rate[1] = rate[2] / (1 + g1)
    del g1, g2, g_mean, g_sd
    sales_fen = {k: _fen(rate[k] * frac[k]) for k in (1, 2, 3)}
    sales3 = sales_fen[3] / 100.0
    tier = np.searchsorted(np.array(_TIER_EDGES_YUAN, dtype=np.float64), sales3, side="left")  # 0, 1, 2; edges inclusive below

    # --- assets -------------------------------------------------------------------------------------------
    r = rs["assets"]
    ta_ratio = np.exp(r.normal(0.0, 0.5, n))
    equity = r.beta(2.5, 2.5, n)
    loss_making = r.random(n) < 0.04
    for k in (1, 2, 3):
        total_assets = rate[k] * ta_ratio * np.exp(r.normal(0.0, 0.1, n))
        eq = np.clip(equity + r.normal(0.0, 0.05, n), 0.02, 0.98)
        negative = loss_making & (r.random(n) < 0.7)
        eq = np.where(negative, -r.uniform(0.05, 0.5, n), eq)
        ta_fen = _fen(total_assets)
        cols[f"y{k}_total_assets"] = ta_fen
        cols[f"y{k}_net_assets"] = np.minimum(_fen(total_assets * eq), ta_fen)
    del ta_ratio, equity, loss_making, total_assets, eq, negative

    # --- field and industry ----------------------------------------------------------------------------------
    r = rs["field"]
    codes, p_codes, code_top, code_second = _field_codes(application_date)
    code_idx = r.choice(len(codes), size=n, p=p_codes)
    top = code_top[code_idx]
    second = code_second[code_idx]
    industry_idx = _choice_by_group(r, top - 1, _INDUSTRY_BY_FIELD)
    service_like = _SERVICE_LIKE[industry_idx]
    above_size = sales3 >= _ABOVE_SIZE_YUAN[industry_idx]

    # --- region ---------------------------------------------------------------------------------------------------
    r = rs["region"]
    region_codes, p_regions, region_city, city_keys, city_names = _regions()
    region_idx = r.choice(len(region_codes), size=n, p=p_regions)
    city = region_city[region_idx]

    # --- previously identified ------------------------------------------------------------------------------
    r = rs["programme"]
    p_prev = np.where(young3, 0.05, np.where(age_days < 6 * 365, 0.30, 0.55))
    previously = r.random(n) < p_prev

    # --- programme -------------------------------------------------------------------------------------------------
    programme = np.zeros(n, dtype=np.int64)  # 0 national, 1 beijing-pilot, 2 suzhou-cultivation
    pilot = np.full(n, -1, dtype=np.int64)  # index into _PILOT_FIELDS
    u = r.random(n)
    if _programme_in_force("beijing-pilot", application_date):
        eligible_field = np.isin(top, (1, 2, 4))
        p_pilot = np.where(above_size, 0.30, 0.03)
        is_pilot = (city == city_keys.index("beijing")) & eligible_field & (u < p_pilot)
        programme[is_pilot] = 1
        field_pilot = np.select([(top == 1) & np.isin(second, (2, 6)), top == 1, top == 2, top == 4], [0, 1, 2, 3], -1)
        pilot = np.where(is_pilot, field_pilot, -1)
    if _programme_in_force("suzhou-cultivation", application_date):
        is_pool = (city == city_keys.index("suzhou")) & ~previously & (sales3 <= 100_000_000) & (u < 0.30)
        programme[is_pool] = 2

    # --- R&D ----------------------------------------------------------------------------------------------------------
    r = rs["rd"]
    intensity = _TIER_MEDIAN[tier] * np.exp(r.normal(0.0, 0.45, n))
    managed = r.random(n) < 0.12
    intensity = np.where(managed, _TIER_RATE[tier] + r.uniform(0.0, 0.003, n), intensity)
    cats = [c for c, _ in RD_CATEGORIES if c != "other"]
    base_share = {}
    for c in cats:
        g = r.standard_gamma(_RD_SHAPES[c], n)
        base_share[c] = np.where(r.random(n) < _RD_ZERO_SHARE[c], 0.0, g)
    other_base = np.where(r.random(n) < 0.15, 0.0, 0.25 * r.beta(1.1, 2.0, n))
    noisy = ("personnel", "direct_inputs")  # the two large categories move from year to year; the rest keep their share
    rest = sum(base_share[c] for c in cats if c not in noisy)
    for k in (1, 2, 3):
        year_intensity = np.where(managed, intensity, intensity * np.exp(r.normal(0.0, 0.15, n)))
        total_fen = rate[k] * frac[k] * year_intensity * 100
        shares = {c: base_share[c] * np.exp(r.normal(0.0, 0.15, n)) for c in noisy}
        norm = rest + shares["personnel"] + shares["direct_inputs"]  # > 0: personnel is never zero
        other_share = np.minimum(other_base * np.exp(r.normal(0.0, 0.1, n)), 0.3)
        listed_fen = total_fen * (1 - other_share) / norm
        for c in cats:
            cols[f"y{k}_rd_{c}"] = np.rint(listed_fen * shares.get(c, base_share[c])).astype(np.int64)
        cols[f"y{k}_rd_other"] = np.rint(total_fen * other_share).astype(np.int64)
    del base_share, shares, norm, other_share, total_fen, listed_fen, year_intensity, intensity, managed, rest

    # --- staff ----------------------------------------------------------------------------------------------------
    r = rs["staff"]
    rpe = np.where(service_like, 500_000.0, 800_000.0) * np.exp(r.normal(0.0, 0.6, n))
    staff = np.maximum(rate3 / rpe, 3.0)
    whole = r.random(n) < 0.55
    staff_h = np.where(whole, np.rint(staff) * 100, np.rint(staff * 100)).astype(np.int64)
    st_share = r.beta(np.where(service_like, 3.0, 2.6), np.where(service_like, 9.0, 11.0))
    st_h = np.where(whole, np.rint(staff_h * st_share / 100) * 100, np.floor(staff_h * st_share)).astype(np.int64)
    st_h = np.minimum(st_h, staff_h)
    college_h = np.floor(st_h * r.beta(8.0, 2.5, n)).astype(np.int64)
    rd_staff_h = np.floor(st_h * r.beta(5.0, 3.0, n)).astype(np.int64)
    cols["staff_total"], cols["staff_science_tech"] = staff_h, st_h
    cols["staff_science_tech_college"], cols["staff_rd"] = college_h, rd_staff_h
    del rpe, staff, whole, st_share

    # --- income -----------------------------------------------------------------------------------------------------
    r = rs["income"]
    extra = np.minimum(np.exp(r.normal(np.log(0.02), 1.0, n)), 0.5)
    total_income = sales_fen[3] + _fen(sales3 * extra)
    non_taxable = np.where(r.random(n) < 0.35, np.floor(total_income * 0.02 * r.beta(1.0, 3.0, n)), 0).astype(np.int64)
    high_tech = np.floor((total_income - non_taxable) * r.beta(7.0, 2.6, n)).astype(np.int64)
    main_products = np.floor(high_tech * (0.3 + 0.7 * r.beta(2.5, 1.2, n))).astype(np.int64)
    cols["total_income"], cols["non_taxable_income"] = total_income, non_taxable
    cols["high_tech_income"], cols["main_products_income"] = high_tech, np.minimum(main_products, high_tech)
    del extra

    # --- IP --------------------------------------------------------------------------------------------------------------
    r = rs["ip"]
    size_factor = (rate3 / 43_000_000.0) ** 0.3
    cols["ip_class1_self"] = _neg_binomial(r, 1.5 * size_factor, 0.4, n)
    cols["ip_class1_acquired"] = _neg_binomial(r, 0.2, 0.3, n)
    cols["ip_class2_self"] = _neg_binomial(r, 8.0, 0.8, n)
    cols["ip_class2_acquired"] = _neg_binomial(r, 0.8, 0.3, n)
    cols["ip_class2_used"] = _neg_binomial(r, np.where(previously, 6.0, 0.3), 1.0, n)

    # --- conversions -------------------------------------------------------------------------------------------------
    r = rs["conversions"]
    conv_rate = r.gamma(3.0, 1.7, n)
    for k in (1, 2, 3):
        cols[f"conversions_y{k}"] = r.poisson(conv_rate * frac[k]).astype(np.int64)
        valid[f"conversions_y{k}"] = present[k]

    # --- assessment -------------------------------------------------------------------------------------------------
    r = rs["assessment"]
    has_assessment = r.random(n) < 0.80
    grades = pl.Series(list("ABCDE"))
    cols["assess_technology_advancement"] = grades.gather(r.choice(5, size=n, p=[0.20, 0.50, 0.25, 0.04, 0.01]))
    cols["assess_core_support"] = grades.gather(r.choice(5, size=n, p=[0.30, 0.50, 0.16, 0.03, 0.01]))
    cols["assess_standards"] = r.random(n) < 0.25
    six = [0.01, 0.02, 0.04, 0.10, 0.25, 0.35, 0.23]
    four = [0.02, 0.04, 0.14, 0.40, 0.40]
    cols["assess_rd_system"] = r.choice(7, size=n, p=six)
    cols["assess_rd_institution"] = r.choice(7, size=n, p=six)
    cols["assess_rd_conversion_incentives"] = r.choice(5, size=n, p=four)
    cols["assess_rd_talent"] = r.choice(5, size=n, p=four)
    cols["assess_rd_2008_met"] = r.choice(6, size=n, p=[0.02, 0.03, 0.10, 0.20, 0.30, 0.35])
    for name in ("assess_technology_advancement", "assess_core_support", "assess_standards", "assess_rd_system",
                 "assess_rd_institution", "assess_rd_conversion_incentives", "assess_rd_talent", "assess_rd_2008_met"):
        valid[name] = has_assessment

    # --- incidents ---------------------------------------------------------------------------------------------------
    r = rs["incident"]
    has_incident = r.random(n) < 0.01
    incident = np.maximum(app_day - r.integers(0, 730, n).astype("timedelta64[D]"), reg)
    cols["incident_date"] = incident
    valid["incident_date"] = has_incident

    # --- per-year presence ------------------------------------------------------------------------------------------
    for k in (1, 2, 3):
        cols[f"y{k}_sales_revenue"] = sales_fen[k]
        cols[f"y{k}_operating_months"] = months[k].astype(np.int64)
        if k < 3:
            for f in ("sales_revenue", "net_assets", "total_assets", "operating_months"):
                valid[f"y{k}_{f}"] = present[k]
            for c, _ in RD_CATEGORIES:
                valid[f"y{k}_rd_{c}"] = present[k]

    # --- identity and categorical text -------------------------------------------------------------------------------
    r = rs["identity"]
    width = max(7, len(str(n)))
    cols["id"] = pl.select(pl.concat_str(pl.lit("E"), pl.int_range(1, n + 1, dtype=pl.Int64).cast(pl.String).str.zfill(width)))
    modern = reg >= np.datetime64("2015-10-01")
    cols["credit_code"] = _credit_codes(r, region_idx, region_codes, modern)

    first = pl.Series(list(_TRADE_FIRST)).gather(r.integers(0, len(_TRADE_FIRST), n))
    second_char = pl.Series(list(_TRADE_SECOND)).gather(r.integers(0, len(_TRADE_SECOND), n))
    words = [w for t in sorted(_FIELD_WORDS) for w in _FIELD_WORDS[t]]
    offsets = np.cumsum([0] + [len(_FIELD_WORDS[t]) for t in sorted(_FIELD_WORDS)])
    lens = np.array([len(_FIELD_WORDS[t]) for t in sorted(_FIELD_WORDS)])
    word_idx = offsets[top - 1] + np.floor(r.random(n) * lens[top - 1]).astype(np.int64)
    form_idx = np.where(tier == 2, r.choice(4, size=n, p=[0.30, 0.10, 0.55, 0.05]), r.choice(4, size=n, p=[0.70, 0.15, 0.05, 0.10]))
    cols["name"] = pl.select(pl.concat_str(
        pl.lit(pl.Series(city_names).gather(city)), pl.lit(first), pl.lit(second_char),
        pl.lit(pl.Series(words).gather(word_idx)), pl.lit(pl.Series(_LEGAL_FORMS).gather(form_idx)),
    ))
    cols["programme"] = pl.Series(["national", "beijing-pilot", "suzhou-cultivation"]).gather(programme)
    cols["application_date"] = np.full(n, app_day)
    cols["registration_date"] = reg
    cols["region_code"] = pl.Series(region_codes).gather(region_idx)
    cols["technical_field"] = pl.Series(codes).gather(code_idx)
    cols["industry"] = pl.Series(_INDUSTRIES).gather(industry_idx)
    cols["above_designated_size"] = above_size
    cols["pilot_field"] = pl.Series(list(_PILOT_FIELDS)).gather(np.maximum(pilot, 0))
    valid["pilot_field"] = pilot >= 0
    cols["previously_identified"] = previously

    return _assemble(cols, valid, n)


_PILOT_FIELDS = ("integrated_circuits", "artificial_intelligence", "biomedicine", "key_materials")
_POLARS_DTYPE = {"Int64": pl.Int64, "Date": pl.Date, "Boolean": pl.Boolean, "String": pl.String}


def _assemble(cols: dict[str, Any], valid: dict[str, np.ndarray], n: int) -> pl.DataFrame:
    series = []
    masks = {}
    for column in COLUMNS:
        value = cols.pop(column.name)
        dtype = _POLARS_DTYPE[DTYPE_NAME[column.kind]]
        if isinstance(value, pl.DataFrame):
            value = value.to_series()
        s = value.alias(column.name) if isinstance(value, pl.Series) else pl.Series(column.name, value)
        series.append(s.cast(dtype))
        if column.name in valid:
            mask_name = f"__valid_{id(valid[column.name])}"
            masks.setdefault(mask_name, pl.Series(mask_name, valid[column.name]))
    if cols:  # pragma: no cover - a programming error
        raise AssertionError(f"generated columns outside the schema: {sorted(cols)}")
    frame = pl.DataFrame(series + list(masks.values()), height=n)
    exprs = [
        pl.when(pl.col(f"__valid_{id(valid[c.name])}")).then(pl.col(c.name)).otherwise(None).alias(c.name)
        if c.name in valid else pl.col(c.name)
        for c in COLUMNS
    ]
    return frame.select(exprs)


def frame_rows_as_python(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The rows of a typed frame as Python values: fen and hundredths of a person → exact ``Decimal`` yuan / persons.

    Other values keep their Python type (``datetime.date``, ``bool``, ``int``, ``str``, ``None``), so the rows
    can go straight to :func:`hnte.batch.convert.row_to_application`.
    """
    from hnte.batch.columns import BY_NAME

    columns: dict[str, list[Any]] = {}
    for name in frame.columns:
        values = frame.get_column(name).to_list()
        col = BY_NAME.get(name)
        if col is not None and col.kind in SCALE:
            exponent = -len(str(SCALE[col.kind])) + 1  # 100 → −2
            values = [None if v is None else Decimal(v).scaleb(exponent) for v in values]
        columns[name] = values
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]
