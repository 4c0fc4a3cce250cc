"""The production server (gunicorn, DEBUG off) started by a test as a subprocess against the pytest-django test
database — SQLite file or PostgreSQL, whichever the run uses — so that it can be killed, restarted and cut off
from its database. Tests using it need committed rows: ``transactional_db``.

Requests go over loopback with ``http.client``; sessions are made in the test process (``force_login`` on a
Django test client) and handed to the server as cookies; the CSRF check is met with a cookie and the matching
``X-CSRFToken`` header, as a browser's script would send them.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection

BIN = Path(sys.executable).parent


def database_url() -> str:
    """The URL of the database this test run uses (the test database, after pytest-django created it)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def cookies(self) -> list[str]:
        return [v for k, v in self.headers if k.lower() == "set-cookie"]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"<{self.status} {self.text[:200]!r}>"


class Server:
    def __init__(self, log_dir: Path, *, env: dict[str, str] | None = None, workers: int = 2, threads: int = 4,
                 settings_module: str = "hnte_web.config.test_settings"):
        self.port = _free_port()
        self.log_path = log_dir / f"gunicorn-{self.port}.log"
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "DATABASE_URL": database_url(),
                    "HNTE_DATA_DIR": str(settings.DATA_DIR), "HNTE_SECRET_KEY": settings.SECRET_KEY, "HNTE_WARM_UP": "0",
                    "HNTE_LOG_LEVEL": "WARNING", **(env or {})}
        for k in [k for k in self.env if k.startswith("HNTE_FAULT_") and k not in (env or {})]:
            del self.env[k]
        self.workers, self.threads = workers, threads
        self.proc: subprocess.Popen | None = None

    # -- life cycle

    def start(self, timeout: float = 60) -> Server:
        cmd = [str(BIN / "gunicorn"), "hnte_web.config.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
               "--worker-class", "gthread", "--threads", str(self.threads), "--timeout", "120", "--graceful-timeout", "2"]
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the server stopped:\n{self.log()}"
            try:
                if self.request("GET", "/healthz", timeout=5).status in (200, 301):  # 301: HTTPS mode redirects plain HTTP
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"the server did not answer within {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL to gunicorn's master and every worker (its process group): nothing gets to clean up."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def wait_for_log(self, pattern: str, count: int = 1, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = len(re.findall(pattern, self.log()))
            if found >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} seen fewer than {count} times in {timeout} s:\n{self.log()[-3000:]}")

    # -- requests

    def request(self, method: str, path: str, *, data: dict | None = None, body: bytes | None = None,
                headers: dict[str, str] | None = None, cookies: dict[str, str] | None = None, timeout: float = 120) -> Response:
        headers = dict(headers or {})
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
            if "csrftoken" in cookies:
                headers.setdefault("X-CSRFToken", cookies["csrftoken"])
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            return Response(r.status, r.getheaders(), r.read())
        finally:
            conn.close()


def session_for(user) -> dict[str, str]:
    """Cookies of a logged-in session of ``user`` (made by the test process in the shared database)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": secrets.token_hex(16)}
