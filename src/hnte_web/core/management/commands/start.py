"""``hnte-admin start``: migrate, collect static files, load the demo data, then serve with gunicorn
(production mode: DEBUG off, static files by WhiteNoise)."""

from __future__ import annotations

import os
import shutil
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prepare the database and static files, load demo data and start the production server."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("HNTE_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("HNTE_WORKERS", "3")))
        parser.add_argument("--no-demo", action="store_true")

    def handle(self, *args, bind, workers, no_demo, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_demo:
            call_command("demo")
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        self.stdout.write(f"hnte is starting on http://{bind}/  (Ctrl-C stops it)")
        sys.stdout.flush()
        os.execv(gunicorn, [gunicorn, "hnte_web.config.wsgi", "--bind", bind, "--workers", str(workers),
                            "--access-logfile", "-", "--graceful-timeout", "10"])
