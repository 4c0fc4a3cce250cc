"""Load what every request needs once, when the server starts, not on the first requests: Django imports the URL
configuration (every view, the API and its schemas: ≈ 1 s) on the first request, the translations on the first
activation, and the engine reads its dated parameters, legal texts, criteria and catalogue lazily (≈ 1.5 s), so
without this the first request of every gunicorn worker waits for all of it. ``hnte-admin start`` runs gunicorn with ``--preload``: the
application — and this warm-up — is loaded once in the master and shared by the forked workers.
``HNTE_WARM_UP=0`` skips it."""

from __future__ import annotations

import os
from pathlib import Path


def warm_up() -> None:
    if os.environ.get("HNTE_WARM_UP", "1") == "0":
        return
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports the URL configuration: every view and the API
    for lang in ("en", "zh-hans"):
        translation.activate(lang)
    translation.deactivate()

    import hnte
    from hnte.advice.advise import advise
    from hnte.application.load import load_application
    from hnte.engine import assess

    example = Path(hnte.__file__).resolve().parent / "examples" / "pass_2016.yaml"
    advise(assess(load_application(example)))
