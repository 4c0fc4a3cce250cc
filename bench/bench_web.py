"""Benchmark: the identification system under load, measured (a report that prints figures, never a test).

Starts the production server (``hnte-admin start --no-demo``: gunicorn, DEBUG off, WhiteNoise) on a PostgreSQL
database of its own (``hnte_bench``, created here and dropped afterwards), seeds it, and drives load from this
process over loopback (asyncio, one connection per request as a browser or client library without keep-alive
would, so gunicorn's sync workers are measured as deployed). Every phase is bounded in time.

Scenarios (run in this order; ``--only NAME,...`` picks some):

- ``assess``: the anonymous self-assessment API (``POST /api/v1/assess`` with ``src/hnte/examples/pass_2016.yaml``
  as JSON). First a closed-loop probe estimates the capacity, then open-loop runs at fixed offered rates find the
  highest throughput sustained with p99 ≤ 100 ms (steps of 0.15 × capacity, then ``--bisect-steps`` halvings
  between the last rate that held and the first that did not); then p50/p99 at 200 requests/s offered. Each request comes from
  its own loopback address (127.10.x.y), as many enterprises would: the production rate limit (60/min per
  address) stays on and is paid for on every request, but no single address reaches it.
- ``annual_report``: annual development report filing (年度发展情况报表, the supervision app): enterprise users post the
  form for their open reports, closed loop, several users at once: sustained reports/s and errors (must be 0);
  afterwards the filed reports are counted and the audit chain verified.
- ``autosave``: the application form's autosave: enterprise users each typing into a draft's finance page, every
  save answered with the live self-assessment panel (closed loop; the verdict flips on every other save).
- ``submit``: the other write path, application submission (draft → submitted: the engine's check, an immutable
  version, the audit event, notifications), measured the same way.
- ``queue``: the office queue ``/office/`` with ``--rows`` (100,000) applications in the database (bulk-created,
  not through the services): p50/p95 of the first page, of a filtered page and of the last page.

To add a scenario: write ``def scenario_x(b: Bench) -> list[Row]`` (seed what it needs with ``b.django()``, get a session
with ``b.login()`` or ``b.session()``, drive it with ``closed_loop``/``open_loop`` through ``b.measure``) and add it to
``SCENARIOS``.

Run: .venv/bin/python bench/bench_web.py [--rows 100000] [--workers 3] [--worker-class sync] [--only assess,annual_report,autosave,submit,queue]
     [--pg-url postgres://postgres@127.0.0.1:5432/postgres] [--db hnte_bench]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EXAMPLE = ROOT / "src" / "hnte" / "examples" / "pass_2016.yaml"
PASSWORD = "bench-password-2026"
P99_TARGET_MS = 100.0


# --------------------------------------------------------------------------------------------- results


@dataclass
class Run:
    """One measured phase: latencies (ms) of the answered requests, statuses, the wall time."""

    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0  # connection failures, timeouts, unexpected statuses
    seconds: float = 0.0
    offered: float | None = None  # requests/s offered (open loop)
    server_cpu: float | None = None  # CPU seconds the server used during the run

    def add(self, ms: float, status: int, ok: bool) -> None:
        self.latencies.append(ms)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if not ok:
            self.errors += 1

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return (self.count - self.errors) / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))]  # nearest-rank

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.server_cpu / self.count if self.server_cpu is not None and self.count else float("nan")

    def line(self) -> str:
        offered = f"offered {self.offered:6.1f}/s  " if self.offered else ""
        cpu = f"  server CPU {self.cpu_ms_per_request:.1f} ms/request" if self.server_cpu is not None else ""
        return (f"{self.name:44} {offered}done {self.count:5}  ok/s {self.throughput:7.1f}  p50 {self.pct(50):7.1f} ms  "
                f"p95 {self.pct(95):7.1f} ms  p99 {self.pct(99):7.1f} ms  errors {self.errors}  statuses {dict(sorted(self.statuses.items()))}{cpu}")


@dataclass
class Row:
    measure: str
    figure: str


# --------------------------------------------------------------------------------------------- HTTP


def raw_request(method: str, path: str, *, host: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


async def fetch(port: int, raw: bytes, *, source: str | None = None, timeout: float = 30.0) -> tuple[int, bytes]:
    """Send one request on a fresh connection (optionally from a given loopback address); (status, whole response)."""
    async def go():
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0) if source else None)
        try:
            writer.write(raw)
            await writer.drain()
            data = await reader.read(-1)  # Connection: close → the server closes after the response
        finally:
            writer.close()
        return int(data.split(b" ", 2)[1]), data

    return await asyncio.wait_for(go(), timeout)


def source_address(i: int) -> str:
    """A distinct loopback address per request (62,500 of them, all routed to lo on Linux)."""
    return f"127.10.{(i // 250) % 250}.{i % 250 + 1}"


async def open_loop(name: str, port: int, make: Callable[[int], tuple[bytes, str | None]], ok: Callable[[int, bytes], bool],
                    rate: float, seconds: float, timeout: float = 30.0) -> Run:
    """Requests started at a fixed rate whatever the answers (open loop); latency counted from the scheduled start,
    so a slow server is not hidden by a generator that waits for it (no coordinated omission)."""
    run = Run(name, offered=rate)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    n = int(rate * seconds)

    async def one(i: int) -> None:
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - loop.time()))
        raw, source = make(i)
        try:
            status, data = await fetch(port, raw, source=source, timeout=timeout)
            run.add((loop.time() - due) * 1000, status, ok(status, data))
        except (TimeoutError, OSError, IndexError, ValueError):
            run.add((loop.time() - due) * 1000, 0, False)

    await asyncio.gather(*(one(i) for i in range(n)))
    run.seconds = max(loop.time() - start, seconds)
    return run


async def closed_loop(name: str, clients: list[Callable[[], Awaitable[tuple[int, bool]]]], seconds: float) -> Run:
    """Each client sends its next request as soon as the previous one is answered, until the time is up."""
    run = Run(name)
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    t0 = loop.time()

    async def client(step) -> None:
        while loop.time() < end:
            t = loop.time()
            try:
                status, good = await step()
            except (TimeoutError, OSError, IndexError, ValueError):
                status, good = 0, False
            if status == -1:  # the client ran out of work
                return
            run.add((loop.time() - t) * 1000, status, good)

    await asyncio.gather(*(client(c) for c in clients))
    run.seconds = loop.time() - t0
    return run


# --------------------------------------------------------------------------------------------- the bench


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="hnte-bench-"))
        base = args.pg_url.rsplit("/", 1)[0]
        self.db_url = f"{base}/{args.db}"
        self.port = _free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hnte_web.config.settings", "DATABASE_URL": self.db_url,
                    "HNTE_DATA_DIR": str(self.tmp / "data"), "HNTE_SECRET_KEY": secrets.token_urlsafe(50),
                    "HNTE_LOG_LEVEL": "WARNING", "HNTE_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
        self.env.pop("HNTE_DEBUG", None)
        for k in [k for k in self.env if k.startswith("HNTE_FAULT_")]:
            del self.env[k]
        self.server: subprocess.Popen | None = None
        self._django = False

    # -- database and server

    def admin_sql(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.args.pg_url, autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self) -> None:
        self.admin_sql(f'DROP DATABASE IF EXISTS "{self.args.db}" WITH (FORCE)')
        self.admin_sql(f'CREATE DATABASE "{self.args.db}"')

    def drop_database(self) -> None:
        self.admin_sql(f'DROP DATABASE IF EXISTS "{self.args.db}" WITH (FORCE)')

    def django(self):
        """Configure Django in this process against the bench database (for seeding and checks)."""
        if not self._django:
            os.environ.update({k: self.env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "HNTE_DATA_DIR", "HNTE_SECRET_KEY")})
            import django

            django.setup()
            self._django = True
        from django.db import connection

        return connection

    def migrate(self) -> None:
        subprocess.run([str(BIN / "hnte-admin"), "migrate", "--verbosity", "0"], env=self.env, check=True, cwd=self.tmp)

    def start_server(self) -> None:
        a = self.args
        cmd = [str(BIN / "hnte-admin"), "start", "--no-demo", "--bind", self.host, "--workers", str(a.workers),
               "--worker-class", a.worker_class, "--threads", str(a.threads), "--access-log", str(self.tmp / "access.log")]
        self.server_log = (self.tmp / "server.log").open("ab")
        self.server = subprocess.Popen(cmd, env=self.env, cwd=self.tmp, stdout=self.server_log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise SystemExit(f"the server stopped: see {self.tmp / 'server.log'}")
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("the server did not answer /healthz within 60 s")

    def measure(self, coro) -> Run:
        """Run one load phase; note the CPU time the server spent on it."""
        before = server_cpu_seconds(self.server.pid)
        run = asyncio.run(coro)
        run.server_cpu = server_cpu_seconds(self.server.pid) - before
        return run

    def stop_server(self) -> None:
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait()

    # -- synchronous HTTP for set-up steps (log-in)

    def get(self, path: str, cookies: dict | None = None) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", path, headers={"Cookie": _cookie_header(cookies or {})})
        r = conn.getresponse()
        return r.status, _set_cookies(r), r.read()

    def login(self, username: str) -> dict[str, str]:
        """Log in through the real form; the session and CSRF cookies."""
        _, cookies, _ = self.get("/accounts/login/")
        body = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": cookies["csrftoken"]}).encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("POST", "/accounts/login/", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": _cookie_header(cookies)})
        r = conn.getresponse()
        r.read()
        cookies.update(_set_cookies(r))
        if r.status != 302 or "sessionid" not in cookies:
            raise SystemExit(f"log-in as {username} failed: HTTP {r.status}")
        return cookies

    def session(self, username: str) -> dict[str, str]:
        """Session and CSRF cookies for ``username``, made in the database (as a log-in would make them), for
        scenarios with more users than the log-in rate limit lets one address sign in."""
        self.django()
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
        from django.contrib.sessions.backends.db import SessionStore

        user = get_user_model().objects.get(username=username)
        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return {"sessionid": store.session_key, "csrftoken": secrets.token_hex(16)}

    def cleanup(self) -> None:
        self.stop_server()
        if self._django:
            from django.db import connections

            connections.close_all()
        if not self.args.keep:
            self.drop_database()
            shutil.rmtree(self.tmp, ignore_errors=True)


def server_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) used so far by the server's processes (gunicorn master and workers: one process group)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 of stat: the process group
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _set_cookies(r: http.client.HTTPResponse) -> dict[str, str]:
    out = {}
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            out[name.strip()] = rest.split(";", 1)[0]
    return out


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def example_json() -> bytes:
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return json.dumps(data, default=str, ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------------------------- seeding


def _enterprise(i: int, region: str, state: str = "active"):
    from hnte_web.enterprises.credit_code import with_check_character
    from hnte_web.enterprises.models import Enterprise

    return Enterprise(name=f"压测科技{i:06d}有限公司", credit_code=with_check_character(f"91{region}{i:09d}"),
                      registration_date=dt.date(2019, 3, 15), registration_type="有限责任公司",
                      registered_capital=Decimal("10000000"), industry="软件和信息技术服务业", region_code=region,
                      address=f"压测地址{i}号", legal_representative="张三", legal_representative_phone="010-1",
                      contact_name="李四", contact_phone="13800000000", contact_email="bench@example.com", state=state)


def _user(username: str, role: str, **extra):
    from django.contrib.auth import get_user_model

    user = get_user_model()(username=username, role=role, **extra)
    user.set_password(PASSWORD)
    return user


def _pass_data(enterprise) -> dict:
    from hnte.application.load import load_application
    from hnte_web.applications.services import _jsonable, with_enterprise

    data = _jsonable(load_application(EXAMPLE).model_dump(mode="python", exclude_none=True))
    return with_enterprise(data, enterprise)


def seed_office(b: Bench) -> None:
    b.django()
    from django.contrib.auth import get_user_model

    if not get_user_model().objects.filter(username="bench_office").exists():
        _user("bench_office", "office", region_prefix="11").save()


BEIJING = [f"1101{d:02d}" for d in (1, 2, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18)]
OTHER = ["320505", "320506", "320507", "440305", "440306", "310115", "330106"]
FIELDS = ["1.1.1", "1.1.2", "1.2.3", "2.1.1", "2.3.2", "3.1.4", "4.3.2", "5.2.1", "6.1.1", "7.2.2", "8.1.1"]
STATES = [("submitted", 30), ("accepted", 20), ("in_review", 15), ("evaluated", 5), ("recommended", 5), ("reported", 5),
          ("in_publicity", 5), ("publicized", 3), ("filed", 4), ("certified", 5), ("rejected", 2), ("returned", 1)]


def seed_queue(b: Bench, rows: int) -> float:
    """``rows`` submitted-or-later applications over rows/5 enterprises (half of them in Beijing), bulk-created."""
    b.django()
    import random

    from hnte_web.applications.filedata import dumps
    from hnte_web.applications.models import Application
    from hnte_web.enterprises.models import Enterprise

    t0 = time.perf_counter()
    rng = random.Random(2026)
    n_ent = max(1, rows // 5)
    regions = [BEIJING[i % len(BEIJING)] if i % 2 == 0 else OTHER[i % len(OTHER)] for i in range(n_ent)]
    Enterprise.objects.bulk_create([_enterprise(100000 + i, regions[i]) for i in range(n_ent)], batch_size=5000)
    ents = list(Enterprise.objects.filter(name__startswith="压测科技").order_by("id").values_list("id", "region_code"))
    text = dumps(_pass_data(_enterprise(0, "110108")))  # a real application file (~4 KB): the row width of production
    states = [s for s, w in STATES for _ in range(w)]
    batch: list[Application] = []
    for i in range(rows):
        ent_id, region = ents[i % len(ents)]
        pilot = region.startswith("11") and i % 10 == 0
        batch.append(Application(enterprise_id=ent_id, region_code=region, state=rng.choice(states),
                                 programme="beijing-pilot" if pilot else "national", technical_field=rng.choice(FIELDS),
                                 year=2024 + i % 2, current_version=1, data_json="{}"))
        if len(batch) == 5000:
            Application.objects.bulk_create(batch)
            batch.clear()
    if batch:
        Application.objects.bulk_create(batch)
    # The file text goes in with one UPDATE, bound once on the server, rather than escaped 100,000 times into the
    # INSERTs (psycopg binds client-side under Django): 5× faster to seed, the same rows.
    Application.objects.filter(current_version=1, data_json="{}").update(data_json=text)
    with b.django().cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # the steady state autovacuum reaches: statistics and the visibility map
    return time.perf_counter() - t0


def seed_drafts(b: Bench, enterprises: int, drafts_each: int, *, first: int = 900000, prefix: str = "bench_ent") -> dict[str, list[int]]:
    """Active enterprises, each with a user and complete drafts (pass_2016); {username: [application ids]}."""
    b.django()
    from hnte_web.applications.filedata import dumps
    from hnte_web.applications.models import Application

    out: dict[str, list[int]] = {}
    for e in range(enterprises):
        ent = _enterprise(first + e, "110108")
        ent.save()
        username = f"{prefix}_{e}"
        _user(username, "enterprise", enterprise=ent).save()
        text = dumps(_pass_data(ent))
        apps = Application.objects.bulk_create([
            Application(enterprise=ent, region_code=ent.region_code, year=int(json.loads(text)["application_date"][:4]),
                        technical_field=str(json.loads(text)["enterprise"].get("technical_field", ""))[:16],
                        data_json=text) for _ in range(drafts_each)])
        out[username] = [a.pk for a in apps]
    return out


def seed_annual_reports(b: Bench, enterprises: int, each: int) -> dict[str, list[int]]:
    """Identified enterprises, each with ``each`` certificates (certified applications) and one open annual report on
    each, due in a month; {username: [report ids]}."""
    b.django()
    from django.utils import timezone

    from hnte_web.applications.models import Application
    from hnte_web.certificates.models import Certificate, certificate_number
    from hnte_web.supervision.models import AnnualReport

    today = timezone.localdate()
    issuer = _user("bench_lgo", "admin")
    issuer.save()
    out: dict[str, list[int]] = {}
    serial = 0
    for e in range(enterprises):
        ent = _enterprise(800000 + e, "110108")
        ent.save()
        username = f"bench_cert_{e}"
        _user(username, "enterprise", enterprise=ent).save()
        apps = Application.objects.bulk_create([Application(enterprise=ent, region_code=ent.region_code, year=today.year - 1,
                                                            state="certified", current_version=1, data_json="{}")
                                                for _ in range(each)])
        certs = []
        for app in apps:
            serial += 1
            certs.append(Certificate(application=app, number=certificate_number(today.year - 1, "11", serial), year=today.year - 1,
                                     province="11", serial=serial, enterprise_name=ent.name, credit_code=ent.credit_code,
                                     issued_on=today - dt.timedelta(days=200), valid_until=today + dt.timedelta(days=900),
                                     issuer="北京市高新技术企业认定管理机构", issued_by=issuer))
        certs = Certificate.objects.bulk_create(certs)
        reports = AnnualReport.objects.bulk_create([
            AnnualReport(certificate=c, enterprise=ent, year=today.year - 1, due_on=today + dt.timedelta(days=30), opened_on=today)
            for c in certs])
        out[username] = [r.pk for r in reports]
    return out


# a plausible year in 万元 as the form takes it (every identification threshold met: no warning, no office notice)
ANNUAL_REPORT_FORM = {"ip_class_i": "1", "ip_class_ii": "2", "staff_total": "60", "science_tech_staff": "10", "rd_total": "300",
                      "rd_domestic": "280", "total_income": "4700", "non_taxable_income": "50", "sales_revenue": "4500",
                      "high_tech_income": "3600"}


# --------------------------------------------------------------------------------------------- scenarios


def scenario_assess(b: Bench) -> list[Row]:
    body = example_json()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    raw = raw_request("POST", "/api/v1/assess", host=b.host, body=body, headers=headers)
    counter = iter(range(10**9))

    def make(i: int) -> tuple[bytes, str]:
        return raw, source_address(next(counter))

    def ok(status: int, data: bytes) -> bool:
        return status == 200 and b'"verdict"' in data

    async def probe() -> Run:
        async def step():
            status, data = await fetch(b.port, raw, source=source_address(next(counter)))
            return status, ok(status, data)

        return await closed_loop("assess: closed loop, 4 clients (capacity probe)", [step] * 4, b.args.probe_seconds)

    cap = b.measure(probe())
    print(cap.line(), flush=True)
    estimate = max(1.0, cap.throughput)
    best: Run | None = None
    missed: float | None = None  # the lowest factor tried above ``best`` that missed

    def step(factor: float) -> bool:
        nonlocal best, missed
        rate = round(estimate * factor, 1)
        run = b.measure(open_loop(f"assess: open loop at {factor:.3f} × capacity", b.port, make, ok, rate, b.args.step_seconds))
        print(run.line(), flush=True)
        hit = run.errors == 0 and run.pct(99) <= P99_TARGET_MS
        if hit:
            best = run if best is None or run.throughput > best.throughput else best
        else:
            missed = factor if missed is None else min(missed, factor)
        return hit

    factors = [0.25, 0.4, 0.55, 0.7, 0.85, 1.0]  # ascending; stop at the first miss after a hit
    hit_at = 0.0
    for factor in factors:
        if step(factor):
            hit_at = factor
        elif best is not None:
            break
    for _ in range(b.args.bisect_steps):  # then halve the gap between the last hit and the first miss
        if best is None or missed is None or missed <= hit_at:
            break
        middle = round((hit_at + missed) / 2, 3)
        if step(middle):
            hit_at = middle
    at200 = b.measure(open_loop("assess: open loop at 200/s offered", b.port, make, ok, 200.0, b.args.rate200_seconds))
    print(at200.line(), flush=True)
    cores = os.cpu_count() or 1
    rows = [Row("assess: capacity, closed loop (4 clients)", f"{cap.throughput:.1f} req/s, p50 {cap.pct(50):.0f} ms; server CPU "
                f"{cap.cpu_ms_per_request:.1f} ms/request → at most {cores * 1000 / cap.cpu_ms_per_request:.0f} req/s on {cores} idle cores")]
    if best is not None:
        rows.append(Row("assess: sustained at p99 ≤ 100 ms (open loop)",
                        f"**{best.throughput:.1f} req/s** (offered {best.offered:.1f}/s: p50 {best.pct(50):.0f} ms, p99 {best.pct(99):.0f} ms)"))
    else:
        rows.append(Row("assess: sustained at p99 ≤ 100 ms (open loop)", "not reached at any offered rate tried"))
    rows.append(Row("assess: at 200 req/s offered (open loop)",
                    f"p50 **{at200.pct(50):.0f} ms**, p99 **{at200.pct(99):.0f} ms**, answered {at200.throughput:.1f}/s, "
                    f"errors {at200.errors} of {at200.count}"))
    return rows


def form_post(b: Bench, path: str, body: bytes, cookies: dict, **headers: str) -> bytes:
    """A logged-in form POST (session cookie and CSRF token), as a browser sends it."""
    return raw_request("POST", path, host=b.host, body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": _cookie_header(cookies), "X-CSRFToken": cookies["csrftoken"],
        **headers})


def each_once(b: Bench, cookies: dict, ids: list[int], post: str, redirect: str, body: bytes):
    """A closed-loop step posting ``body`` to ``post.format(id)`` for each id in turn (one user's queue of work),
    answered well when redirected to ``redirect.format(id)``; (-1, False) once the queue is empty."""
    queue = list(ids)

    async def step():
        if not queue:
            return -1, False
        pk = queue.pop(0)
        status, data = await fetch(b.port, form_post(b, post.format(pk), body, cookies))
        return status, status == 302 and redirect.format(pk).encode() in data

    return step


def scenario_autosave(b: Bench) -> list[Row]:
    """The application form's autosave (the busiest write path before a batch deadline): enterprise users typing
    into their draft's finance page, each save answered with the live self-assessment panel (JSON), closed loop;
    the high-tech income alternates so the verdict flips on every other save."""
    clients = b.args.submit_clients
    drafts = seed_drafts(b, clients, 1, first=910000, prefix="bench_typist")
    steps = []
    for username, (pk,) in drafts.items():
        cookies = b.login(username)
        turn = iter(range(10**9))

        def make_step(pk=pk, cookies=cookies, turn=turn):
            async def step():
                value = "3600" if next(turn) % 2 else "100"  # 万元: eligible / not eligible
                body = urlencode({"years[2].high_tech_income": value}).encode()
                status, data = await fetch(b.port, form_post(b, f"/applications/{pk}/edit/finance/", body, cookies,
                                                             Accept="application/json"))
                if status != 200:
                    return status, False
                answer = json.loads(data.split(b"\r\n\r\n", 1)[1])
                want = "eligible" if value == "3600" else "not_eligible"
                return status, bool(answer.get("ok")) and f'data-verdict="{want}"' in answer.get("panel", "")

            return step

        steps.append(make_step())
    run = b.measure(closed_loop(f"autosave: closed loop, {clients} enterprise users", steps, b.args.submit_seconds))
    print(run.line(), flush=True)
    return [Row(f"form autosave with the live panel, {clients} users, closed loop",
                f"**{run.throughput:.1f} saves/s**, p50 {run.pct(50):.0f} ms, p99 {run.pct(99):.0f} ms, errors {run.errors} of "
                f"{run.count}; server CPU {run.cpu_ms_per_request:.1f} ms/save")]


def scenario_submit(b: Bench) -> list[Row]:
    clients = b.args.submit_clients
    drafts = seed_drafts(b, clients, b.args.drafts_each)
    seed_office(b)  # the office of the region receives a notification per submission
    from hnte_web.applications.models import ApplicationVersion
    from hnte_web.audit.services import audit_verify

    body = urlencode({"commitment_by": "张三", "agree": "on"}).encode()
    steps = [each_once(b, b.login(username), ids, "/applications/{}/submit/", "/applications/{}/", body)
             for username, ids in drafts.items()]
    run = b.measure(closed_loop(f"submit: closed loop, {clients} enterprise users", steps, b.args.submit_seconds))
    print(run.line(), flush=True)
    versions = ApplicationVersion.objects.count()
    broken = audit_verify()
    print(f"  versions written: {versions}; submissions answered 302: {run.count - run.errors}; audit_verify(): {broken or 'clean'}")
    return [Row(f"application submission (draft → submitted), {clients} users, closed loop",
                f"**{run.throughput:.1f} submissions/s**, p50 {run.pct(50):.0f} ms, p99 {run.pct(99):.0f} ms, "
                f"errors {run.errors} of {run.count}; server CPU {run.cpu_ms_per_request:.0f} ms/submission; versions {versions}, audit chain {'clean' if not broken else 'BROKEN'}")]


def scenario_annual_report(b: Bench) -> list[Row]:
    """年度发展情况报表: enterprise users filing their open annual reports through the form (closed loop)."""
    clients = b.args.submit_clients
    reports = seed_annual_reports(b, clients, b.args.drafts_each)
    from hnte_web.audit.services import audit_verify
    from hnte_web.supervision.models import AnnualReport

    body = urlencode(ANNUAL_REPORT_FORM).encode()
    path = "/enterprise/supervision/reports/{}/"
    steps = [each_once(b, b.session(username), ids, path, path, body) for username, ids in reports.items()]
    run = b.measure(closed_loop(f"annual report: closed loop, {clients} enterprise users", steps, b.args.submit_seconds))
    print(run.line(), flush=True)
    filed = AnnualReport.objects.filter(state="submitted").count()
    broken = audit_verify()
    print(f"  reports filed: {filed}; answered 302: {run.count - run.errors}; audit_verify(): {broken or 'clean'}")
    return [Row(f"annual-report submission, {clients} users, closed loop",
                f"**{run.throughput:.1f} reports/s**, p50 {run.pct(50):.0f} ms, p99 {run.pct(99):.0f} ms, errors {run.errors} of "
                f"{run.count}; server CPU {run.cpu_ms_per_request:.1f} ms/report; filed {filed}, audit chain "
                f"{'clean' if not broken else 'BROKEN'}")]


def scenario_queue(b: Bench) -> list[Row]:
    seed_office(b)
    from hnte_web.applications.models import Application

    total = Application.objects.count()
    cookies = b.login("bench_office")
    headers = {"Cookie": _cookie_header(cookies)}
    first = "/office/"
    in_scope = Application.objects.filter(state="submitted", region_code__startswith="11").count()
    last_page = max(1, -(-in_scope // 50))
    pages = [("first page (submitted, region 11)", first),
             ("filtered page (accepted, field 1.1, district 110108)", "/office/?state=accepted&field=1.1&region=110108"),
             ("filtered page (all states, programme national, field 4)", "/office/?state=&field=4&programme=national"),
             (f"last page ({last_page})", f"/office/?page={last_page}")]
    rows = []
    for label, path in pages:
        raw = raw_request("GET", path, host=b.host, headers=headers)

        async def step(raw=raw):
            status, data = await fetch(b.port, raw)
            return status, status == 200 and b'id="office-applications"' in data

        async def measure(label=label, step=step):
            await step()  # warm
            return await closed_loop(f"queue: {label}", [step], b.args.queue_seconds)

        run = b.measure(measure())
        print(run.line(), flush=True)
        rows.append(Row(f"office queue, {total:,} applications: {label}",
                        f"p50 {run.pct(50):.1f} ms, **p95 {run.pct(95):.1f} ms** ({run.count} requests, errors {run.errors})"))
    return rows


SCENARIOS: dict[str, Callable[[Bench], list[Row]]] = {
    "assess": scenario_assess,
    "annual_report": scenario_annual_report,
    "autosave": scenario_autosave,
    "submit": scenario_submit,
    "queue": scenario_queue,
}


# --------------------------------------------------------------------------------------------- main


def machine(b: Bench) -> str:
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), 0)
    import psycopg

    with psycopg.connect(b.args.pg_url) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} cores ({cpu}), {mem / 1024 / 1024:.1f} GiB RAM, Python {platform.python_version()}, "
            f"PostgreSQL {pg}, {platform.system()} {platform.release()}; load average before the run: {load}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", default=os.environ.get("HNTE_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
                        help="a PostgreSQL URL whose user may create and drop databases")
    parser.add_argument("--db", default="hnte_bench")
    parser.add_argument("--rows", type=int, default=100_000, help="applications in the database for the queue")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("HNTE_WORKERS", 2 * (os.cpu_count() or 1) + 1)))
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--probe-seconds", type=float, default=6)
    parser.add_argument("--step-seconds", type=float, default=6)
    parser.add_argument("--rate200-seconds", type=float, default=10)
    parser.add_argument("--bisect-steps", type=int, default=2, help="assess: halvings between the last hit and the first miss")
    parser.add_argument("--submit-clients", type=int, default=4)
    parser.add_argument("--drafts-each", type=int, default=400)
    parser.add_argument("--submit-seconds", type=float, default=15)
    parser.add_argument("--queue-seconds", type=float, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary directory")
    args = parser.parse_args()
    chosen = [s for s in args.only.split(",") if s]
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}; choose from {', '.join(SCENARIOS)}")

    b = Bench(args)
    started = time.perf_counter()
    print(f"machine: {machine(b)}")
    print(f"server: hnte-admin start --no-demo: gunicorn, {args.workers} × {args.worker_class} worker(s)"
          + (f", {args.threads} threads each" if args.worker_class == "gthread" else "") + f"; database {b.db_url}")
    rows: list[Row] = []
    try:
        b.create_database()
        b.migrate()
        if "queue" in chosen:
            took = seed_queue(b, args.rows)
            print(f"seeded {args.rows:,} applications with bulk_create in {took:.1f} s", flush=True)
        from django.db import connections

        b.django()
        for name in chosen:  # a fresh server per scenario: no backlog left by an overloaded one
            connections.close_all()
            b.start_server()
            rows += SCENARIOS[name](b)
            b.stop_server()
    finally:
        b.cleanup()
    print("\n| measure | figure |\n|---|---|")
    for r in rows:
        print(f"| {r.measure} | {r.figure} |")
    print(f"\n(total {time.perf_counter() - started:.0f} s; reproduce: .venv/bin/python bench/bench_web.py "
          + " ".join(a for a in sys.argv[1:]) + ")")


if __name__ == "__main__":
    main()
