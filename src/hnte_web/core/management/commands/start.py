"""``hnte-admin start``: migrate, collect static files, load the demo data, then serve with gunicorn
(production mode: DEBUG off, static files by WhiteNoise).

Workers: ``--workers`` (``HNTE_WORKERS``; default 2 × cores + 1, gunicorn's rule) processes of ``--worker-class``
(``HNTE_WORKER_CLASS``: ``sync``, the default, or ``gthread`` with ``--threads``/``HNTE_THREADS`` threads each). The
work is CPU-bound Python (the engine's assessment), so processes, not threads, use the cores, and a few more processes
than cores keep them busy while others wait on the database: ``bench/bench_web.py`` measures the choices (README,
"Load"). ``--preload`` loads the application and warms it once in gunicorn's master (``core/warmup.py``), so no
worker's first request pays for it."""

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
        parser.add_argument("--workers", type=int, default=int(os.environ.get("HNTE_WORKERS", 2 * (os.cpu_count() or 1) + 1)))
        parser.add_argument("--worker-class", choices=("sync", "gthread"), default=os.environ.get("HNTE_WORKER_CLASS", "sync"))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("HNTE_THREADS", "1")))
        parser.add_argument("--access-log", default=os.environ.get("HNTE_ACCESS_LOG", "-"),
                            help="file for the access log ('-' = standard output, '' = none)")
        parser.add_argument("--no-demo", action="store_true")

    def handle(self, *args, bind, workers, worker_class, threads, access_log, no_demo, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not no_demo:
            call_command("demo")
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        self.stdout.write(f"hnte is starting on http://{bind}/  (Ctrl-C stops it)")
        sys.stdout.flush()
        argv = [gunicorn, "hnte_web.config.wsgi", "--bind", bind, "--workers", str(workers), "--worker-class", worker_class,
                "--graceful-timeout", "10", "--preload"]  # load (and warm, core/warmup.py) once, then fork
        if worker_class == "gthread":
            argv += ["--threads", str(threads)]
        if access_log:
            argv += ["--access-logfile", access_log]
        os.execv(gunicorn, argv)
