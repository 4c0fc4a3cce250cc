"""Field suggestion: rank catalogue entries for a Chinese product or core-technology description.

Offline and deterministic: jieba (its bundled dictionary, a private ``Tokenizer`` so that nobody else's
``add_word`` changes our segmentation) plus Okapi BM25 over the entries' texts.

Each *document* is one most-specific entry (a third-level entry, or a second-level entry without
sub-entries) made of weighted terms:

- its name and its keywords as whole phrases, and their jieba search-mode words;
- the words of its description (the catalogue's own text, where recorded);
- its second-level parent's name and keywords, at a lower weight (context shared by siblings).

A *query* is the description's jieba search-mode words plus every catalogue phrase (name or keyword)
that occurs in it verbatim, so multi-character terms such as 电池管理系统 or 人工关节 match even where
the segmenter splits them differently. Ranking second-level entries (``level=2``) takes each one's best
child. The matching terms shown are the query terms that contributed, longest first.

    >>> from hnte.registries.field_suggest import suggest
    >>> [s.code for s in suggest("锂离子动力电池包及电池管理系统", top=3)]    # doctest: +SKIP
    ['6.3.2', '6.3.1', ...]
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass
from functools import cache

from hnte.registries.catalogue import Catalogue, Entry

# BM25 parameters and term weights: tuned once on general grounds (short documents, phrase matches worth
# more than loose words); bench/bench_field_suggest.py reports the accuracy they give.
K1 = 1.2
B = 0.5
W_NAME = 3.0
W_KEYWORD = 2.0
W_WORD = 1.0
W_DESCRIPTION = 1.0
W_PARENT = 0.5
SECOND_LEVEL_SIBLING_SHARE = 0.1  # level=2: best child + this share of the other children's scores

STOP_WORDS = frozenset({
    "技术", "产品", "系统", "设备", "开发", "研发", "研制", "制备", "应用", "新型", "公司", "企业", "提供", "基于", "用于", "实现", "采用",
    "进行", "生产", "方法", "装置", "相关", "主要", "以及", "及其", "其他", "其它", "各种", "一种", "包括", "通过", "具有", "面向", "支持",
    "关键", "核心", "高效", "高性能", "我们", "我司", "本公司", "客户", "行业", "领域", "解决方案", "方案", "专业", "项目", "工艺", "一体化",
    "可以", "能够", "具备", "集成", "综合", "研究", "设计", "制造", "使用", "等", "的", "和", "与", "及", "或", "对", "在", "为", "将",
    "并", "由", "其", "是", "有", "了", "中", "上", "下", "个", "该", "此", "这", "等等", "用", "从", "向", "以",
})

_TOKEN_CLEAN = re.compile(r"^[\W_]+$")


@dataclass(frozen=True)
class Suggestion:
    """One ranked entry. ``score`` is for display only (BM25, float); ``terms`` are the matching query terms."""

    code: str
    name: str
    level: int
    path: tuple[tuple[str, str], ...]  # (code, name) from the top level down
    score: float
    terms: tuple[str, ...]

    @property
    def second_level(self) -> tuple[str, str] | None:
        return self.path[1] if len(self.path) > 1 else None

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "level": self.level, "path": [list(p) for p in self.path],
                "score": round(self.score, 4), "terms": list(self.terms)}


_tokenizer_lock = threading.Lock()


@cache
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    with _tokenizer_lock:
        tk.initialize()
    return tk


def _words(text: str) -> list[str]:
    """jieba search-mode words, lower-cased, without punctuation, single characters and stop words."""
    out = []
    for w in _tokenizer().cut_for_search(text.lower()):
        w = w.strip()
        if len(w) < 2 or w in STOP_WORDS or _TOKEN_CLEAN.match(w):
            continue
        out.append(w)
    return out


@dataclass(frozen=True)
class _Index:
    docs: tuple[Entry, ...]
    tf: tuple[dict[str, float], ...]
    lengths: tuple[float, ...]
    avg_length: float
    idf: dict[str, float]
    vocabulary: tuple[str, ...]  # catalogue phrases matched verbatim in queries, longest first


def _entry_terms(cat: Catalogue, e: Entry) -> Counter:
    terms: Counter = Counter()

    def phrase(text: str, weight: float) -> None:
        key = text.lower().strip()
        if len(key) >= 2 and key not in STOP_WORDS:
            terms[key] += weight
        for w in _words(text):
            if w != key:
                terms[w] += W_WORD * weight / W_KEYWORD

    phrase(e.name, W_NAME)
    for k in e.keywords:
        phrase(k, W_KEYWORD)
    for w in _words(e.description):
        terms[w] += W_DESCRIPTION
    parent = cat.entries.get(e.parent_code) if e.parent_code else None
    if parent is not None and parent.level >= 2:
        for text in (parent.name, *parent.keywords):
            for w in {text.lower(), *_words(text)}:
                if len(w) >= 2 and w not in STOP_WORDS:
                    terms[w] += W_PARENT
    return terms


@cache
def _index(cat_id: str, digest: str, origin: str) -> _Index:
    del digest, origin  # cache key only
    from hnte.registries import catalogue

    return _build(catalogue.load(cat_id))


def _build(cat: Catalogue) -> _Index:
    docs = tuple(e for e in cat.leaves() if e.level >= 2)
    tfs = tuple(dict(_entry_terms(cat, e)) for e in docs)
    lengths = tuple(sum(tf.values()) for tf in tfs)
    df: Counter = Counter()
    for tf in tfs:
        df.update(tf.keys())
    n = len(docs)
    idf = {t: math.log((n - d + 0.5) / (d + 0.5) + 1.0) for t, d in df.items()}
    vocab: set[str] = set()
    for e in cat.entries.values():
        for text in (e.name, *e.keywords):
            key = text.lower().strip()
            if len(key) >= 2 and key not in STOP_WORDS:
                vocab.add(key)
    return _Index(docs, tfs, lengths, sum(lengths) / n if n else 1.0, idf, tuple(sorted(vocab, key=lambda v: (-len(v), v))))


def _index_for(cat: Catalogue) -> _Index:
    from hnte.registries import catalogue

    if catalogue.load(cat.id) is cat:
        return _index(cat.id, cat.digest, cat.origin)
    return _build(cat)  # a catalogue object not from the registry (e.g. a file being validated)


def query_terms(text: str, index: _Index) -> Counter:
    """The query's words plus every catalogue phrase it contains verbatim."""
    lowered = text.lower()
    terms: Counter = Counter(_words(text))
    for phrase in index.vocabulary:
        if phrase in lowered:
            terms[phrase] += 1
    return terms


def suggest(text: str, *, catalogue: Catalogue | None = None, when: dt.date | None = None, top: int = 5,
            level: int | None = None) -> list[Suggestion]:
    """Rank the entries of ``catalogue`` (default: the national edition in force on ``when``, default today)
    for ``text``. ``level=2`` ranks second-level entries; otherwise the most specific entries. Entries
    with no matching term are left out, so the list may be shorter than ``top`` (or empty)."""
    from hnte.registries import catalogue as registry

    if catalogue is None:
        from hnte.core.parameters import ParameterView

        catalogue, _ = registry.in_force(ParameterView(when or dt.date.today()))
    index = _index_for(catalogue)
    q = query_terms(text, index)
    if not q:
        return []
    scored: list[tuple[float, Entry, dict[str, float]]] = []
    for e, tf, length in zip(index.docs, index.tf, index.lengths, strict=True):
        contributions: dict[str, float] = {}
        norm = K1 * (1 - B + B * length / index.avg_length)
        for term, qf in q.items():
            f = tf.get(term)
            if f:
                contributions[term] = index.idf[term] * f * (K1 + 1) / (f + norm) * qf
        if contributions:
            scored.append((sum(contributions.values()), e, contributions))
    if level == 2:
        scored = _by_second_level(catalogue, scored)
    scored.sort(key=lambda s: (-s[0], _natural(s[1].code)))
    return [_suggestion(catalogue, score, e, contributions) for score, e, contributions in scored[:top]]


def _by_second_level(cat: Catalogue, scored: list[tuple[float, Entry, dict[str, float]]]) -> list[tuple[float, Entry, dict[str, float]]]:
    groups: dict[str, list[tuple[float, Entry, dict[str, float]]]] = {}
    for s in scored:
        code = ".".join(s[1].code.split(".")[:2])
        groups.setdefault(code, []).append(s)
    out = []
    for code, members in groups.items():
        members.sort(key=lambda s: -s[0])
        best = members[0]
        score = best[0] + SECOND_LEVEL_SIBLING_SHARE * sum(m[0] for m in members[1:])
        merged: dict[str, float] = {}
        for m in members:
            for t, v in m[2].items():
                merged[t] = max(merged.get(t, 0.0), v)
        out.append((score, cat.entries[code], merged))
    return out


def _natural(code: str) -> list[int]:
    return [int(p) for p in code.split(".")]


def _suggestion(cat: Catalogue, score: float, e: Entry, contributions: dict[str, float]) -> Suggestion:
    ranked = sorted(contributions, key=lambda t: (-len(t), -contributions[t], t))
    terms: list[str] = []
    for t in ranked:
        if not any(t in longer for longer in terms):
            terms.append(t)
    terms.sort(key=lambda t: -contributions[t])
    return Suggestion(e.code, e.name, e.level, tuple((p.code, p.name) for p in cat.path(e.code)), score, tuple(terms[:8]))
