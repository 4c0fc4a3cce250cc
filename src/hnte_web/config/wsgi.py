"""WSGI entry point (gunicorn hnte_web.config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hnte_web.config.settings")
application = get_wsgi_application()

from hnte_web.core.warmup import warm_up  # noqa: E402 - after Django is set up

warm_up()
