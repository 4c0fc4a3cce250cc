"""《国家重点支持的高新技术领域》 as dated, cited data (format ``hnte/catalogue@1``).

Three editions ship with the engine, in ``parameters/catalogue/_<id>.yaml``:

- ``national_2016`` — the annex of 国科发火〔2016〕32号 (measures_2016#annex): 8 fields, 52 second-level
  and 254 third-level entries;
- ``national_2008`` — the annex of 国科发火〔2008〕172号 (measures_2008#annex): 8 fields; second-level
  entries are recorded but not verified, so only the first level is checked (``checked_levels: 1``);
- ``beijing_pilot_2021`` — the Beijing pilot's field scope (beijing_pilot_2021#annex1): IC, AI,
  biomedicine and key materials with their sub-items; the top-level entries carry the ``key`` used by
  ``enterprise.pilot_field``.

Which edition is in force is a dated parameter (``catalogue.edition``; the pilot: ``catalogue.pilot_scope``).
Codes are stable: ``"1"`` (一、电子信息), ``"1.1"`` (（一）软件), ``"1.1.1"`` (1. 基础软件), as in the
application file's ``enterprise.technical_field``.

An office installs an updated edition with ``hnte catalogue load FILE`` (:func:`install`): the file is
validated (errors name the file and the field path) and stored under ``<data dir>/catalogue/<id>.yaml``
(see :mod:`hnte.registries.store`), where :func:`load` finds it before the built-in edition.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from hnte.core.errors import InputError, InputIssue
from hnte.core.parameters import PARAMETERS_DIR, ParameterView, ParamRef, load_yaml
from hnte.registries.store import data_dir, write_atomically

FORMAT = "hnte/catalogue@1"
BUILTIN_DIR = PARAMETERS_DIR / "catalogue"
BUILTIN_IDS = ("national_2008", "national_2016", "beijing_pilot_2021")
EDITION_PARAM = "catalogue.edition"
PILOT_SCOPE_PARAM = "catalogue.pilot_scope"

CODE_PATTERN = r"^[1-9][0-9]*(\.[1-9][0-9]*){0,2}$"
_CODE = re.compile(CODE_PATTERN)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_ENTRY_KEYS = {"code", "name", "name_en", "description", "keywords", "cites", "key", "national", "note"}
_TOP_KEYS = {"format", "id", "title", "title_en", "instrument", "cites", "source", "checked_levels", "entries"}


@dataclass(frozen=True)
class Entry:
    """One catalogue entry. ``cites`` are inherited from the parent when the file gives none."""

    code: str
    name: str
    name_en: str | None = None
    description: str = ""
    keywords: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()
    key: str | None = None  # pilot scope: the enterprise.pilot_field value of a top-level entry
    national: tuple[str, ...] = ()  # pilot scope: the national 2016 codes covering the same technology
    note: str | None = None

    @property
    def level(self) -> int:
        return self.code.count(".") + 1

    @property
    def parent_code(self) -> str | None:
        return self.code.rsplit(".", 1)[0] if "." in self.code else None

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"code": self.code, "name": self.name, "level": self.level, "cites": list(self.cites)}
        for key in ("name_en", "key", "note"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.description:
            out["description"] = self.description
        if self.keywords:
            out["keywords"] = list(self.keywords)
        if self.national:
            out["national"] = list(self.national)
        return out


@dataclass(frozen=True)
class CodeCheck:
    """The result of looking a code up: ``ok`` or an error message; ``entry`` is the deepest recorded entry."""

    ok: bool
    entry: Entry | None
    exact: bool  # the code itself is recorded (not only an ancestor)
    message_zh: str = ""
    message_en: str = ""


@dataclass(frozen=True)
class Catalogue:
    id: str
    title: str
    title_en: str
    instrument: str
    cites: tuple[str, ...]
    source: str
    checked_levels: int  # codes are checked down to this level; deeper levels are accepted under a checked ancestor
    entries: dict[str, Entry] = field(repr=False)
    origin: str = "built-in"  # or the path of the installed override file
    digest: str = ""  # sha256 of the file text

    @property
    def overridden(self) -> bool:
        return self.origin != "built-in"

    def get(self, code: str) -> Entry | None:
        return self.entries.get(code)

    def top_level(self) -> list[Entry]:
        return [e for e in self.entries.values() if e.level == 1]

    @cached_property
    def _children(self) -> dict[str | None, list[Entry]]:
        out: dict[str | None, list[Entry]] = {}
        for e in self.entries.values():
            out.setdefault(e.parent_code, []).append(e)
        return out

    def children(self, code: str | None) -> list[Entry]:
        return list(self._children.get(code, ()))

    def path(self, code: str) -> list[Entry]:
        """The recorded entries from the top level down to ``code`` (as deep as recorded)."""
        parts = code.split(".")
        out = []
        for i in range(1, len(parts) + 1):
            e = self.entries.get(".".join(parts[:i]))
            if e is None:
                break
            out.append(e)
        return out

    def leaves(self) -> list[Entry]:
        return [e for e in self.entries.values() if e.code not in self._children]

    def counts(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for e in self.entries.values():
            out[e.level] = out.get(e.level, 0) + 1
        return dict(sorted(out.items()))

    def by_key(self, key: str) -> Entry | None:
        for e in self.top_level():
            if e.key == key:
                return e
        return None

    def pilot_keys(self) -> list[str]:
        return [e.key for e in self.top_level() if e.key]

    def check(self, code: str) -> CodeCheck:
        """Is ``code`` an entry of this catalogue (down to ``checked_levels``)?"""
        if not _CODE.match(code):
            return CodeCheck(False, None, False, f"技术领域代码 {code} 格式不正确（应如 1、1.1 或 1.1.1）",
                             f"malformed technical field code {code} (expected e.g. 1, 1.1 or 1.1.1)")
        chain = self.path(code)
        depth = code.count(".") + 1
        if len(chain) == depth:
            return CodeCheck(True, chain[-1], True)
        if len(chain) >= min(depth, self.checked_levels):
            return CodeCheck(True, chain[-1] if chain else None, False)
        missing = ".".join(code.split(".")[: len(chain) + 1])
        parent = chain[-1] if chain else None
        options = self.children(parent.code if parent else None)
        listed = "、".join(f"{e.code} {e.name}" for e in options[:12]) + ("……" if len(options) > 12 else "")
        listed_en = ", ".join(e.code for e in options)
        where_zh = f"“{parent.code} {parent.name}”下" if parent else "一级领域中"
        where_en = f"under {parent.code} {parent.name}" if parent else "at the top level"
        if not options:
            tail_zh, tail_en = f"“{parent.code} {parent.name}”没有下级目录，请填写 {parent.code}", f"{parent.code} has no sub-entries; use {parent.code}"
        else:
            tail_zh, tail_en = f"可选：{listed}", f"choose one of: {listed_en}"
        return CodeCheck(
            False, parent, False,
            f"技术领域代码 {code} 不在《{self.title}》中：{where_zh}没有 {missing}；{tail_zh}",
            f"technical field {code} is not in the catalogue ({self.title_en}): no {missing} {where_en}; {tail_en}",
        )

    def describe(self, code: str, lang: str = "zh") -> str:
        """"1.2.3 一、电子信息 › （二）微电子技术 › 3. 集成电路封装技术"-style label."""
        chain = self.path(code)
        names = " › ".join((e.name_en or e.name) if lang == "en" else e.name for e in chain)
        return f"{code} {names}".strip()

    def summary(self, lang: str = "zh") -> dict:
        counts = self.counts()
        return {"id": self.id, "title": self.title_en if lang == "en" else self.title, "instrument": self.instrument,
                "cites": list(self.cites), "checked_levels": self.checked_levels,
                "counts": {str(k): v for k, v in counts.items()}, "origin": self.origin, "sha256": self.digest}

    def to_dict(self, lang: str = "zh") -> dict:
        return {**self.summary(lang), "format": FORMAT, "source": self.source,
                "entries": [e.to_dict() for e in self.entries.values()]}


# --- parsing and validation ---------------------------------------------------------------------------

def _issue(path: str, zh: str, en: str) -> InputIssue:
    return InputIssue(path, zh, en)


def _cites(raw: Any, path: str, issues: list[InputIssue]) -> tuple[str, ...]:
    from hnte.core.citations import resolve

    if raw is None:
        return ()
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(c, str) for c in items):
        issues.append(_issue(path, "应为条款引用或其列表，如 measures_2016#annex", "expected a citation or a list, e.g. measures_2016#annex"))
        return ()
    for i, c in enumerate(items):
        try:
            resolve(c)
        except KeyError:
            issues.append(_issue(f"{path}[{i}]" if not isinstance(raw, str) else path,
                                 f"引用 {c} 无法对应到 legal_texts 中的条款锚点", f"citation {c} does not resolve to an anchor in legal_texts"))
    return tuple(items)


def _text(raw: Any, path: str, issues: list[InputIssue], *, required: bool = False) -> str:
    if raw is None:
        if required:
            issues.append(_issue(path, "缺少必填字段", "required field is missing"))
        return ""
    if not isinstance(raw, str) or (required and not raw.strip()):
        issues.append(_issue(path, "应为非空文本", "expected non-empty text"))
        return ""
    return raw.strip()


def _keywords(raw: Any, path: str, issues: list[InputIssue]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [w for w in re.split(r"[\s,，、；;]+", raw) if w]
    if not isinstance(raw, list) or not all(isinstance(w, str) and w.strip() for w in raw):
        issues.append(_issue(path, "应为关键词列表（文本）", "expected a list of keywords (text)"))
        return ()
    return tuple(w.strip() for w in raw)


def parse_catalogue(data: Any, source: str, *, origin: str = "built-in", digest: str = "") -> Catalogue:
    """Validate parsed data into a :class:`Catalogue`, or raise :class:`InputError` listing every problem."""
    from hnte.application.model import PilotField

    issues: list[InputIssue] = []
    if not isinstance(data, dict):
        raise InputError(source, [_issue("", "文件内容应为一个键值映射（目录对象）", "expected the file to hold one mapping (the catalogue)")])
    if data.get("format") != FORMAT:
        raise InputError(source, [_issue("format", f"应为 \"{FORMAT}\"，实际为 {data.get('format')!r}", f"expected \"{FORMAT}\", got {data.get('format')!r}")])
    for key in data:
        if key not in _TOP_KEYS:
            issues.append(_issue(str(key), "未知字段（hnte/catalogue@1 中没有此键）", "unknown key (not part of hnte/catalogue@1)"))
    cid = data.get("id")
    if not isinstance(cid, str) or not _ID.match(cid):
        issues.append(_issue("id", "应为目录编号（小写字母、数字、下划线）", "expected a catalogue id (lower-case letters, digits, underscores)"))
        cid = ""
    elif cid not in BUILTIN_IDS:
        issues.append(_issue("id", f"目录编号 {cid} 未被任何日期参数选用，应为以下之一：{'、'.join(BUILTIN_IDS)}",
                             f"catalogue id {cid} is not selected by any dated parameter; expected one of: {', '.join(BUILTIN_IDS)}"))
    title = _text(data.get("title"), "title", issues, required=True)
    title_en = _text(data.get("title_en"), "title_en", issues) or title
    instrument = _text(data.get("instrument"), "instrument", issues)
    source_text = _text(data.get("source"), "source", issues)
    cites = _cites(data.get("cites"), "cites", issues)
    if not cites and "cites" not in data:
        issues.append(_issue("cites", "缺少必填字段（目录依据的条款）", "required field is missing (the article the catalogue implements)"))
    levels = data.get("checked_levels", 3)
    if isinstance(levels, bool) or not isinstance(levels, int) or not 1 <= levels <= 3:
        issues.append(_issue("checked_levels", f"应为 1 到 3 的整数，实际为 {levels!r}", f"expected an integer from 1 to 3, got {levels!r}"))
        levels = 3
    raw_entries = data.get("entries")
    entries: dict[str, Entry] = {}
    if not isinstance(raw_entries, list) or not raw_entries:
        issues.append(_issue("entries", "应为非空的条目列表", "expected a non-empty list of entries"))
        raw_entries = []
    pilot_keys = {p.value for p in PilotField}
    for i, raw in enumerate(raw_entries):
        p = f"entries[{i}]"
        if not isinstance(raw, dict):
            issues.append(_issue(p, "应为键值映射（code、name……）", "expected a mapping (code, name, ...)"))
            continue
        for key in raw:
            if key not in _ENTRY_KEYS:
                issues.append(_issue(f"{p}.{key}", "未知字段（条目只能有 code、name、name_en、description、keywords、cites、key、national、note）",
                                     "unknown key (an entry has code, name, name_en, description, keywords, cites, key, national, note)"))
        code = raw.get("code")
        if isinstance(code, int) and not isinstance(code, bool):
            code = str(code)
        if not isinstance(code, str) or not _CODE.match(code):
            issues.append(_issue(f"{p}.code", f"应为目录编码如 \"1\"、\"1.1\"、\"1.1.1\"（各级为不以0开头的数字），实际为 {code!r}",
                                 f"expected a code such as \"1\", \"1.1\", \"1.1.1\" (numbers without leading zeros), got {code!r}"))
            continue
        if code in entries:
            issues.append(_issue(f"{p}.code", f"编码 {code} 重复", f"code {code} appears twice"))
            continue
        parent = code.rsplit(".", 1)[0] if "." in code else None
        if parent is not None and parent not in entries:
            issues.append(_issue(f"{p}.code", f"上级条目 {parent} 应在 {code} 之前列出", f"the parent entry {parent} must be listed before {code}"))
            continue
        if code.count(".") + 1 > 3:
            continue
        name = _text(raw.get("name"), f"{p}.name", issues, required=True)
        entry_cites = _cites(raw.get("cites"), f"{p}.cites", issues)
        if not entry_cites:
            entry_cites = entries[parent].cites if parent else cites
        key = raw.get("key")
        if key is not None:
            if parent is not None:
                issues.append(_issue(f"{p}.key", "只有一级条目可以有 key（试点领域）", "only top-level entries may carry a key (pilot field)"))
            elif key not in pilot_keys:
                issues.append(_issue(f"{p}.key", f"应为试点领域之一：{'、'.join(sorted(pilot_keys))}，实际为 {key!r}",
                                     f"expected one of the pilot fields: {', '.join(sorted(pilot_keys))}, got {key!r}"))
        national = raw.get("national") or []
        if not isinstance(national, list) or not all(isinstance(n, str) and _CODE.match(n) for n in national):
            issues.append(_issue(f"{p}.national", "应为全国目录编码列表，如 [\"1.2.1\"]", "expected a list of national catalogue codes, e.g. [\"1.2.1\"]"))
            national = []
        entries[code] = Entry(
            code=code, name=name, name_en=_text(raw.get("name_en"), f"{p}.name_en", issues) or None,
            description=_text(raw.get("description"), f"{p}.description", issues),
            keywords=_keywords(raw.get("keywords"), f"{p}.keywords", issues),
            cites=entry_cites, key=key, national=tuple(national), note=_text(raw.get("note"), f"{p}.note", issues) or None,
        )
    if entries and not any(e.level == 1 for e in entries.values()):
        issues.append(_issue("entries", "至少需要一个一级条目", "expected at least one top-level entry"))
    if cid == "beijing_pilot_2021":
        for e in entries.values():
            if e.level == 1 and not e.key:
                issues.append(_issue(f"entries[{_index(raw_entries, e.code)}].key", "试点领域范围的一级条目须有 key（试点领域）",
                                     "top-level entries of the pilot scope need a key (pilot field)"))
    if cid in BUILTIN_IDS and origin != "built-in" and not issues:
        issues.extend(_compatibility_issues(cid, entries, raw_entries))
    if issues:
        raise InputError(source, issues)
    return Catalogue(cid, title, title_en, instrument, cites, source_text, levels, entries, origin, digest)


def _index(raw_entries: list, code: str) -> int:
    for i, raw in enumerate(raw_entries):
        if isinstance(raw, dict) and str(raw.get("code")) == code:
            return i
    return 0


def _compatibility_issues(cid: str, entries: dict[str, Entry], raw_entries: list) -> list[InputIssue]:
    """An update may rename, describe and add entries, but the top level (set by law) stays the same."""
    builtin = _builtin(cid)
    issues = []
    old_tops = {e.code for e in builtin.top_level()}
    new_tops = {e.code for e in entries.values() if e.level == 1}
    for code in sorted(old_tops - new_tops):
        issues.append(_issue("entries", f"缺少一级领域 {code} {builtin.entries[code].name}（一级领域由办法附件规定，不能删除）",
                             f"top-level field {code} {builtin.entries[code].name} is missing (the top level is set by the Measures' annex)"))
    for code in sorted(new_tops - old_tops, key=lambda c: int(c)):
        issues.append(_issue(f"entries[{_index(raw_entries, code)}].code", f"新增一级领域 {code} 须修改法规数据（办法附件），不能通过目录更新文件增加",
                             f"a new top-level field {code} needs a change of the law data (the Measures' annex), not a catalogue update"))
    if cid == "beijing_pilot_2021":
        old_keys, new_keys = set(builtin.pilot_keys()), {e.key for e in entries.values() if e.level == 1}
        if old_keys != new_keys:
            issues.append(_issue("entries", f"试点领域应为 {'、'.join(sorted(old_keys))}", f"the pilot fields must be {', '.join(sorted(old_keys))}"))
    return issues


def _read(path: Path, source: str) -> tuple[Any, str]:
    from hnte.application.load import _parse_text

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(source, [_issue("", "文件不存在", "file not found")]) from None
    except UnicodeDecodeError:
        raise InputError(source, [_issue("", "文件不是 UTF-8 编码", "file is not UTF-8 encoded")]) from None
    except OSError as e:
        raise InputError(source, [_issue("", f"无法读取文件：{e.strerror}", f"cannot read file: {e.strerror}")]) from None
    return _parse_text(text, source), hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_catalogue(path: str | Path, *, origin: str | None = None) -> Catalogue:
    """Read and validate a catalogue file (YAML or JSON)."""
    p = Path(path)
    data, digest = _read(p, str(path))
    return parse_catalogue(data, str(path), origin=origin or str(p), digest=digest)


@cache
def _builtin(cid: str) -> Catalogue:
    path = BUILTIN_DIR / f"_{cid}.yaml"
    text = path.read_text(encoding="utf-8")
    return parse_catalogue(load_yaml(text), str(path.relative_to(PARAMETERS_DIR.parent)),
                           digest=hashlib.sha256(text.encode("utf-8")).hexdigest())


def override_path(cid: str) -> Path:
    return data_dir() / "catalogue" / f"{cid}.yaml"


@cache
def _override(path: str, mtime_ns: int, size: int) -> Catalogue:
    del mtime_ns, size  # cache key: a replaced file is read again
    return read_catalogue(path, origin=path)


def load(cid: str) -> Catalogue:
    """The edition ``cid``: the installed override if there is one, else the built-in data."""
    if cid not in BUILTIN_IDS:
        raise KeyError(f"unknown catalogue {cid!r}; known: {', '.join(BUILTIN_IDS)}")
    path = override_path(cid)
    try:
        st = path.stat()
    except FileNotFoundError:
        return _builtin(cid)
    return _override(str(path), st.st_mtime_ns, st.st_size)


def builtin(cid: str) -> Catalogue:
    return _builtin(cid)


def install(path: str | Path) -> Catalogue:
    """Validate a catalogue file and install it as the override of its edition (``hnte catalogue load``)."""
    cat = read_catalogue(path)
    target = override_path(cat.id)
    write_atomically(target, Path(path).read_text(encoding="utf-8"))
    return load(cat.id)


def remove(cid: str) -> bool:
    """Remove the installed override of ``cid`` (back to the built-in edition). True if one was removed."""
    path = override_path(cid)
    if path.exists():
        path.unlink()
        return True
    return False


def in_force(params: ParameterView, param: str = EDITION_PARAM) -> tuple[Catalogue, ParamRef]:
    """The edition selected by the dated parameter ``param`` on the view's date, with the parameter read."""
    ref = params.ref(param)
    return load(str(ref.value)), ref


def catalogue_note(cat: Catalogue) -> tuple[str, str] | None:
    """The trace note when an office's updated edition is in use."""
    if not cat.overridden:
        return None
    return (f"使用本地更新的目录 {cat.id}（文件 {cat.origin}，sha256 {cat.digest[:12]}）",
            f"using the locally updated catalogue {cat.id} (file {cat.origin}, sha256 {cat.digest[:12]})")


def pilot_fields_for(national_code: str, scope: Catalogue) -> list[str]:
    """The pilot fields whose sub-items name a national entry covering ``national_code`` (by code prefix)."""
    out: list[str] = []
    for e in scope.entries.values():
        for n in e.national:
            if national_code == n or national_code.startswith(n + "."):
                top = scope.entries[e.code.split(".")[0]]
                if top.key and top.key not in out:
                    out.append(top.key)
    return out
