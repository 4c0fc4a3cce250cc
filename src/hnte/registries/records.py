"""Records of findings (fraud and other violations) against enterprises and intermediaries — pure functions.

A :class:`~hnte.application.model.Record` holds the decision, its date and the deciding authority. It
counts from ``decided_on`` until it is rescinded. The intermediary check reads them for the "no bad
record" rule (guidelines_2016#sec1-3: 近三年内无不良记录; 2008: since establishment); the web layer
shows them in intake (:func:`records_for`), excludes their subjects from draws (:func:`excluded`) and
publishes the office's public list (:func:`public_list`). Enterprise fraud found in an application is
a ground for revocation (measures_2016#art19, measures_2008#art15); duties: measures_2016#art20.

Record files use the format ``hnte/records@1``::

    format: hnte/records@1
    records:
      - {subject: intermediary, name: 某某会计师事务所, credit_code: 91110000..., kind: fraud,
         decision: 出具虚假专项审计报告，三年内不得承担认定工作, decided_on: 2023-03-01, authority: 北京市高新技术企业认定办公室}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import Field

from hnte.application.model import Record, RecordKind, RecordSubject, _Strict
from hnte.core.errors import InputIssue

RECORDS_FORMAT = "hnte/records@1"
CITES = {RecordSubject.enterprise: ("measures_2016#art19", "measures_2016#art20"),
         RecordSubject.intermediary: ("guidelines_2016#sec1-3", "measures_2016#art20")}
KIND_ZH = {RecordKind.fraud: "弄虚作假", RecordKind.tax_fraud: "偷、骗税", RecordKind.other_violation: "其他违法违规"}
KIND_EN = {RecordKind.fraud: "fraud", RecordKind.tax_fraud: "tax fraud", RecordKind.other_violation: "other violation"}

__all__ = ["Record", "RecordKind", "RecordSet", "RecordSubject", "describe", "excluded", "is_active", "matches",
           "public_list", "read_records", "record_issues", "records_for", "same_name", "within"]


class RecordSet(_Strict):
    """A file of records (format ``hnte/records@1``)."""

    format: Literal["hnte/records@1"]
    records: list[Record] = Field(default_factory=list)


def is_active(record: Record, on: dt.date) -> bool:
    """Decided on or before ``on`` and not rescinded by then."""
    return record.decided_on <= on and (record.rescinded_on is None or record.rescinded_on > on)


def _norm(name: str) -> str:
    return "".join(name.split()).replace("(", "（").replace(")", "）")


def same_name(a: str, b: str) -> bool:
    """Names compared without spaces and with full-width brackets."""
    return _norm(a) == _norm(b)


def matches(record: Record, *, credit_code: str | None = None, name: str | None = None) -> bool:
    """The record concerns this subject: same credit code when both have one, else the same name."""
    if credit_code and record.credit_code:
        return credit_code == record.credit_code
    return bool(name) and same_name(name or "", record.name)


def records_for(records: Iterable[Record], *, subject: RecordSubject | str | None = None, credit_code: str | None = None,
                name: str | None = None, on: dt.date | None = None) -> list[Record]:
    """The records against one subject (optionally only those active on ``on``), newest first."""
    out = [r for r in records
           if (subject is None or r.subject == subject) and matches(r, credit_code=credit_code, name=name)
           and (on is None or is_active(r, on))]
    return sorted(out, key=lambda r: r.decided_on, reverse=True)


def within(records: Iterable[Record], *, since: dt.date | None, until: dt.date) -> list[Record]:
    """Records decided in [``since``, ``until``] (``since`` None: any time before) and still active on ``until``."""
    return [r for r in records if (since is None or r.decided_on >= since) and is_active(r, until)]


def excluded(records: Iterable[Record], *, on: dt.date, subject: RecordSubject | str | None = None,
             since: dt.date | None = None) -> set[str]:
    """Keys (credit code, else name) of the subjects with an active record on ``on`` decided since ``since``:
    the draw's exclusions (e.g. intermediaries with a bad record) and intake flags."""
    return {r.credit_code or _norm(r.name) for r in within(records, since=since, until=on)
            if subject is None or r.subject == subject}


def public_list(records: Iterable[Record], *, on: dt.date) -> list[Record]:
    """The office's public list on ``on``: public, active records, newest first."""
    return sorted((r for r in records if r.public and is_active(r, on)), key=lambda r: r.decided_on, reverse=True)


def describe(record: Record, lang: str = "zh") -> str:
    ref = f"，{record.reference}" if record.reference and lang == "zh" else (f", {record.reference}" if record.reference else "")
    if lang == "en":
        return f"{record.decided_on} {record.authority}: {KIND_EN[record.kind]} — {record.decision}{ref}"
    return f"{record.decided_on} {record.authority}：{KIND_ZH[record.kind]}——{record.decision}{ref}"


def record_issues(records: list[Record], path: str) -> list[InputIssue]:
    """Cross-field rules: a record is rescinded after its decision; ids are unique."""
    issues = []
    ids: dict[str, int] = {}
    for i, r in enumerate(records):
        if r.rescinded_on is not None and r.rescinded_on < r.decided_on:
            issues.append(InputIssue(f"{path}[{i}].rescinded_on", f"撤销日期 {r.rescinded_on} 早于决定日期 {r.decided_on}",
                                     f"rescinded on {r.rescinded_on}, before the decision of {r.decided_on}"))
        if r.id is not None:
            if r.id in ids:
                issues.append(InputIssue(f"{path}[{i}].id", f"记录编号 {r.id} 重复（已见于 {path}[{ids[r.id]}]）",
                                         f"record id {r.id} appears twice (also {path}[{ids[r.id]}])"))
            ids.setdefault(r.id, i)
    return issues


def read_records(path: str | Path) -> RecordSet:
    """Read and validate a records file (YAML or JSON); errors name the file and the field path."""
    from hnte.registries.files import read_model

    return read_model(path, RecordSet, RECORDS_FORMAT, lambda rs: record_issues(rs.records, "records"))
