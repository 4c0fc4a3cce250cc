"""Where the registries keep what an office installs (an updated catalogue).

``HNTE_DATA_DIR`` if set, else ``$XDG_DATA_HOME/hnte``, else ``~/.local/share/hnte``. The web layer
sets ``HNTE_DATA_DIR`` to a directory it owns; tests point it at a temporary directory.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    explicit = os.environ.get("HNTE_DATA_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "hnte"


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` so that readers see the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
