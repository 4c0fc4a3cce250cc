"""Law versions, programmes, and the registries of indicators, criteria and rubrics.

The application date selects the law version in force; a programme is an overlay on a law version
with its own validity. A date outside every version, or a programme outside its validity, is a
:class:`LawVersionError` — never a fallback. Two versions in force at once is a data error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from hnte.core.errors import LawVersionError, ParameterError
from hnte.core.parameters import load_meta

if TYPE_CHECKING:
    from hnte.core.context import Context
    from hnte.core.trace import Figure


@dataclass(frozen=True)
class LawVersion:
    id: str
    label_zh: str
    label_en: str
    start: dt.date
    end: dt.date | None
    cites: tuple[str, ...]

    def in_force(self, when: dt.date) -> bool:
        return self.start <= when and (self.end is None or when <= self.end)


@dataclass(frozen=True)
class Programme:
    id: str
    label_zh: str
    label_en: str
    base: str | None  # required law version id (None: whichever national version is in force)
    variant: str | None  # parameters/variants/<variant>/
    start: dt.date | None
    end: dt.date | None
    include_base_criteria: bool
    cites: tuple[str, ...]

    def in_force(self, when: dt.date) -> bool:
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)


def _tuple(v: Any) -> tuple[str, ...]:
    return (v,) if isinstance(v, str) else tuple(v or ())


@cache
def law_versions() -> dict[str, LawVersion]:
    meta = load_meta("versions")
    return {
        k: LawVersion(k, v["label_zh"], v["label_en"], v["from"], v.get("to"), _tuple(v["cites"]))
        for k, v in meta["law_versions"].items()
    }


@cache
def programmes() -> dict[str, Programme]:
    meta = load_meta("versions")
    return {
        k: Programme(
            k, v["label_zh"], v["label_en"], v.get("base"), v.get("variant"), v.get("from"), v.get("to"),
            bool(v.get("include_base_criteria", True)), _tuple(v.get("cites")),
        )
        for k, v in meta["programmes"].items()
    }


def fmt_date(d: dt.date | None) -> str:
    return d.isoformat() if d else "…"


def select(programme_id: str, when: dt.date) -> tuple[LawVersion, Programme]:
    """The law version and programme for an application date, or a clear error."""
    progs = programmes()
    if programme_id not in progs:
        raise LawVersionError(
            f"未知的认定项目 \"{programme_id}\"，应为以下之一：{', '.join(progs)}",
            f"unknown programme \"{programme_id}\"; expected one of: {', '.join(progs)}",
            path="programme",
        )
    prog = progs[programme_id]
    in_force = [v for v in law_versions().values() if v.in_force(when)]
    if len(in_force) > 1:
        raise ParameterError(f"two law versions in force on {when}: {[v.id for v in in_force]}")
    if not in_force:
        spans = "；".join(f"{v.label_zh} {fmt_date(v.start)}–{fmt_date(v.end)}" for v in law_versions().values())
        spans_en = "; ".join(f"{v.id} {fmt_date(v.start)}–{fmt_date(v.end)}" for v in law_versions().values())
        raise LawVersionError(
            f"申请日期 {when} 不在任何一版认定办法的有效期内（{spans}）",
            f"application date {when} is outside every law version ({spans_en})",
        )
    law = in_force[0]
    if not prog.in_force(when) or (prog.base is not None and prog.base != law.id):
        raise LawVersionError(
            f"{prog.label_zh}的有效期为 {fmt_date(prog.start)} 至 {fmt_date(prog.end)}，申请日期 {when} 不在其内",
            f"programme {prog.id} is valid {fmt_date(prog.start)} to {fmt_date(prog.end)}; application date {when} is outside it",
        )
    return law, prog


# ---------------------------------------------------------------------------------------------
# Registries

IndicatorFn = Callable[["Context", "Figure"], Any]
CriterionFn = Callable[["Context", "Figure"], None]


@dataclass(frozen=True)
class IndicatorDef:
    id: str
    fn: IndicatorFn
    label_zh: str
    label_en: str
    unit: str | None
    cites: tuple[str, ...]
    module: str


@dataclass(frozen=True)
class CriterionDef:
    id: str
    scope: str  # a law version id or a programme id
    fn: CriterionFn
    label_zh: str
    label_en: str
    cites: tuple[str, ...]
    module: str


INDICATORS: dict[str, IndicatorDef] = {}
CRITERIA: list[CriterionDef] = []
RUBRICS: dict[str, Callable[[Context], Any]] = {}


def indicator(id: str, *, label_zh: str, label_en: str, unit: str | None = None, cites: tuple[str, ...] = ()):
    def deco(fn: IndicatorFn) -> IndicatorFn:
        if id in INDICATORS:
            raise ValueError(f"indicator {id} registered twice")
        INDICATORS[id] = IndicatorDef(id, fn, label_zh, label_en, unit, tuple(cites), fn.__module__)
        return fn

    return deco


def register_criterion(
    id: str, *, scope: str, fn: CriterionFn, label_zh: str, label_en: str, cites: tuple[str, ...], module: str
) -> None:
    if any(c.id == id for c in CRITERIA):
        raise ValueError(f"criterion {id} registered twice")
    CRITERIA.append(CriterionDef(id, scope, fn, label_zh, label_en, tuple(cites), module))


def criterion(id: str, *, scope: str, label_zh: str, label_en: str, cites: tuple[str, ...]):
    """Register the decorated function as the criterion ``id`` for a law version or programme."""

    def deco(fn: CriterionFn) -> CriterionFn:
        register_criterion(id, scope=scope, fn=fn, label_zh=label_zh, label_en=label_en, cites=cites, module=fn.__module__)
        return fn

    return deco


def rubric(law_version: str):
    def deco(fn):
        RUBRICS[law_version] = fn
        return fn

    return deco


def _article_order(c: CriterionDef) -> list:
    """Natural order of the article prefix (art2 < art10_1 < art10_2; sec2_1 < sec2_2); ties keep registration order."""
    m = re.match(r"[a-z]+[\d_]*\d", c.id)
    prefix = m.group(0) if m else c.id
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", prefix)]


def criteria_for(law: LawVersion, prog: Programme) -> list[CriterionDef]:
    """The law version's criteria (unless the programme replaces them), then the programme's own."""
    load_rules()
    out = []
    if prog.base is None or prog.include_base_criteria:
        out += sorted((c for c in CRITERIA if c.scope == law.id), key=_article_order)
    out += sorted((c for c in CRITERIA if c.scope == prog.id), key=_article_order)
    return out


@cache
def load_rules() -> None:
    """Import every rule module so that its registrations run."""
    import importlib
    import pkgutil

    import hnte.criteria
    import hnte.indicators
    import hnte.scoring

    for pkg in (hnte.indicators, hnte.criteria, hnte.scoring):
        for mod in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            importlib.import_module(mod.name)
