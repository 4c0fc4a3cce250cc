"""Citations of the form ``instrument#anchor`` resolved against ``legal_texts/*.md``.

Each anchored heading in a legal text ends with ``{#anchor}``; the instrument id is the file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEGAL_TEXTS_DIR = Path(__file__).resolve().parent.parent / "legal_texts"
_ANCHOR = re.compile(r"^(#+)\s+(.*?)\s*\{#([a-z0-9-]+)\}\s*$")
_TITLE = re.compile(r"^#\s+(.*)$")


@dataclass(frozen=True)
class Anchor:
    instrument: str
    anchor: str
    heading: str
    text: str  # the body under the heading, up to the next heading

    @property
    def citation(self) -> str:
        return f"{self.instrument}#{self.anchor}"


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    anchors: dict[str, Anchor]


def parse_instrument(path: Path) -> Instrument:
    """Split a legal text into anchored sections: heading ``… {#anchor}`` and the body up to the next heading."""
    title = path.stem
    anchors: dict[str, Anchor] = {}
    current: tuple[str, str] | None = None
    body: list[str] = []
    sections: list[tuple[str, str, list[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            body.append(line)
            continue
        if current is not None:
            sections.append((*current, body))
        body = []
        m = _ANCHOR.match(line)
        current = (m.group(3), m.group(2)) if m else None
        t = _TITLE.match(line)
        if t and not m and title == path.stem:
            title = t.group(1).strip()
    if current is not None:
        sections.append((*current, body))
    for anchor, head, lines in sections:
        if anchor in anchors:
            raise ValueError(f"{path.name}: duplicate anchor {anchor}")
        anchors[anchor] = Anchor(path.stem, anchor, head, "\n".join(lines).strip())
    return Instrument(path.stem, title, anchors)


@cache
def instruments() -> dict[str, Instrument]:
    return {
        p.stem: parse_instrument(p)
        for p in sorted(LEGAL_TEXTS_DIR.glob("*.md"))
        if p.name.upper() != "README.MD"
    }


def resolve(citation: str) -> Anchor:
    """Return the anchor a citation points to, or raise KeyError naming what is missing."""
    instrument_id, _, anchor = citation.partition("#")
    inst = instruments().get(instrument_id)
    if inst is None:
        raise KeyError(f"unknown legal instrument {instrument_id!r} in citation {citation!r}")
    if anchor not in inst.anchors:
        raise KeyError(f"anchor {anchor!r} not found in legal_texts/{instrument_id}.md (citation {citation!r})")
    return inst.anchors[anchor]


def heading(citation: str) -> str:
    """A short human label such as "《高新技术企业认定管理办法》第十一条（五）"."""
    try:
        a = resolve(citation)
    except KeyError:
        return citation
    return a.heading
