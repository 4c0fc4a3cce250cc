"""Backup and restore: every row and every stored file, in one ``.tar.gz``, the same on SQLite and PostgreSQL.

``hnte-admin backup FILE.tar.gz`` writes, from one consistent snapshot of the database (PostgreSQL: a repeatable-read,
read-only transaction; SQLite: one read transaction, which in WAL mode does not block writers):

- ``manifest.json`` — format ``hnte/backup@1``, when, from which database, the applied migrations, the row count of
  every table, the SHA-256 of the data and of every file, and whether the audit chain verified;
- ``data.jsonl`` — every row of every model (Django's JSON Lines serialisation, one object a line; datetimes kept to
  the microsecond, because the audit chain hashes them) except content types, permissions and sessions, which
  ``migrate`` recreates or which are not worth keeping (everyone logs in again);
- ``files/<store>/<name>`` — every file of the file stores (``FILE_STORES``: uploaded attachments, printed
  certificates). A new app that keeps files adds its directory there.

``hnte-admin restore FILE.tar.gz`` migrates the database, refuses (exit code 2) unless it is empty, checks the archive
(format, migrations, every checksum), puts the files in place, then loads every row in one transaction, checks the
counts and the audit chain, and resets the id sequences. Any failure leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

FORMAT = "hnte/backup@1"
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
FILE_STORES: dict[str, Callable[[], Path]] = {
    "uploads": lambda: Path(settings.UPLOAD_ROOT),
    "certificates": lambda: Path(settings.DATA_DIR) / "certificates",
}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


class BackupError(Exception):
    """A refusal or an unusable archive: ``zh``/``en`` say why; the command exits with code 2."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en

    def message(self) -> str:
        return f"{self.zh}\n{self.en}"


class _Encoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; the audit chain hashes them to the microsecond."""

    def default(self, o):
        if isinstance(o, dt.datetime):
            return o.isoformat()
        if isinstance(o, dt.time):
            return o.isoformat()
        return super().default(o)


def backed_up_models() -> list:
    """Every model whose rows are backed up, parents before children where the foreign keys allow."""
    app_list = [(config, None) for config in apps.get_app_configs()]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [m for m in ordered if m._meta.label_lower not in EXCLUDED and not m._meta.proxy and m._meta.managed]


def _label(model) -> str:
    return model._meta.label_lower


@contextmanager
def snapshot() -> Iterator[None]:
    """One consistent view of the whole database for the duration of the backup."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":  # a deferred read transaction: a snapshot that lets writers go on (WAL)
        connection.ensure_connection()
        with connection.cursor() as cur:
            cur.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cur:
                cur.execute("COMMIT")
    else:
        with transaction.atomic():
            yield


def _migrations() -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    out: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).migration_qs.values_list("app", "name").order_by("app", "name"):
        out.setdefault(app, []).append(name)
    return out


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _store_files() -> Iterator[tuple[str, str, Path]]:
    for store, where in FILE_STORES.items():
        root = where()
        if root.is_dir():
            for path in sorted(root.iterdir()):
                if path.is_file() and not path.name.endswith(".part") and _SAFE_NAME.match(path.name):
                    yield store, path.name, path


@dataclass
class Summary:
    rows: dict[str, int]
    files: int
    bytes: int
    audit: str

    def text(self) -> str:
        total = sum(self.rows.values())
        tables = sum(1 for n in self.rows.values() if n)
        return (f"{total} 行（{tables} 个表有数据），{self.files} 个文件，审计链：{self.audit}\n"
                f"{total} rows ({tables} tables with data), {self.files} files, audit chain: {self.audit}")


def backup(target: Path) -> Summary:
    """Write the archive to ``target`` (complete or not at all: written beside it, then renamed)."""
    from hnte_web.audit.services import audit_verify

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".hnte-backup-") as tmp:
        data_path = Path(tmp) / "data.jsonl"
        counts: dict[str, int] = {}
        with snapshot():
            migrations = _migrations()
            with data_path.open("w", encoding="utf-8") as out:
                for model in backed_up_models():
                    m2m = [f.name for f in model._meta.many_to_many]
                    qs = model._base_manager.order_by("pk")
                    if m2m:
                        qs = qs.prefetch_related(*m2m)
                    counter = _Counting(qs.iterator(chunk_size=1000))
                    serializers.serialize("jsonl", counter, stream=out, cls=_Encoder, use_natural_foreign_keys=True)
                    counts[_label(model)] = counter.n
            broken = audit_verify()
        files = {f"{store}/{name}": _sha256_file(path) for store, name, path in _store_files()}
        manifest = {
            "format": FORMAT, "created": timezone.now().isoformat(), "database": connection.vendor, "migrations": migrations,
            "rows": counts, "data": {"name": "data.jsonl", "sha256": _sha256_file(data_path)}, "files": files,
            "audit_chain": broken or "clean",
        }
        part = target.with_name(target.name + ".part")
        with tarfile.open(part, "w:gz") as tar:
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(body), int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(body))
            tar.add(data_path, arcname="data.jsonl")
            size = 0
            for store, name, path in _store_files():
                if f"{store}/{name}" in files:
                    tar.add(path, arcname=f"files/{store}/{name}")
                    size += path.stat().st_size
        part.replace(target)
    return Summary(counts, len(files), size, "clean" if not broken else f"altered rows {broken}")


class _Counting:
    def __init__(self, it):
        self.it, self.n = it, 0

    def __iter__(self):
        for obj in self.it:
            self.n += 1
            yield obj


def database_rows() -> dict[str, int]:
    return {_label(m): m._base_manager.count() for m in backed_up_models()}


def restore(source: Path) -> Summary:
    """Restore ``source`` into this (empty) database and its file stores."""
    from django.core.management import call_command

    from hnte_web.audit.services import audit_verify

    source = Path(source)
    if not source.is_file():
        raise BackupError(f"找不到备份文件：{source}", f"no such backup file: {source}")
    call_command("migrate", interactive=False, verbosity=0)
    present = {k: n for k, n in database_rows().items() if n}
    if present:
        listed = ", ".join(f"{k} {n}" for k, n in list(present.items())[:6])
        raise BackupError(f"数据库不是空的（{listed} 行……）：恢复只写入空数据库。请新建数据库（或清空后）再恢复。",
                          f"the database is not empty ({listed} rows…): restore writes only into an empty database; "
                          f"create a new one (or empty this one) and restore again")
    try:
        tar = tarfile.open(source, "r:gz")  # noqa: SIM115 - closed by the with block below
    except (tarfile.TarError, OSError) as e:
        raise BackupError(f"{source} 不是 hnte 备份文件（{e}）", f"{source} is not an hnte backup ({e})") from None
    with tar, tempfile.TemporaryDirectory(prefix=".hnte-restore-", dir=Path(settings.DATA_DIR)) as tmp:
        manifest = _manifest(tar, source)
        _check_migrations(manifest)
        data_path = Path(tmp) / "data.jsonl"
        _extract(tar, "data.jsonl", data_path, manifest["data"]["sha256"], source)
        staged: list[tuple[Path, Path]] = []
        placed: list[Path] = []
        try:
            for key, digest in manifest["files"].items():
                store, _, name = key.partition("/")
                if store not in FILE_STORES or not _SAFE_NAME.match(name):
                    raise BackupError(f"{source}：文件名不合规：{key}", f"{source}: unexpected file name {key!r}")
                final = FILE_STORES[store]() / name
                final.parent.mkdir(parents=True, exist_ok=True)
                temp = final.with_name(final.name + ".part")
                staged.append((temp, final))
                _extract(tar, f"files/{key}", temp, digest, source)  # every file is checked, even one already in place
                if final.exists():
                    if _sha256_file(final) != digest:
                        raise BackupError(f"{final} 已存在且内容不同", f"{final} exists with other content")
                    temp.unlink()
                    staged.pop()
            for temp, final in staged:  # files first, then their rows: a crash leaves orphan files, never a dangling row
                temp.replace(final)
                placed.append(final)
            _load_rows(data_path, manifest, source, audit_verify)
        except BaseException:
            for path in placed:
                path.unlink(missing_ok=True)
            for temp, _ in staged:
                temp.unlink(missing_ok=True)
            raise
    size = sum(final.stat().st_size for _, final in staged)
    return Summary(dict(manifest["rows"]), len(manifest["files"]), size, "clean" if not audit_verify() else "altered")


def _manifest(tar: tarfile.TarFile, source: Path) -> dict:
    try:
        member = tar.extractfile("manifest.json")
        manifest = json.loads(member.read()) if member else None
    except (KeyError, ValueError, tarfile.TarError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source} 不是 hnte 备份文件（缺少 manifest.json 或格式不是 {FORMAT}）",
                          f"{source} is not an hnte backup (no manifest.json of format {FORMAT})")
    return manifest


def _check_migrations(manifest: dict) -> None:
    here = _migrations()
    newer = sorted(f"{app}.{name}" for app, names in manifest.get("migrations", {}).items() for name in names
                   if name not in here.get(app, []))
    if newer:
        raise BackupError(f"备份来自更新的版本（本系统没有这些数据库迁移：{', '.join(newer[:5])}）：请先升级 hnte 再恢复",
                          f"the backup comes from a newer version (migrations unknown here: {', '.join(newer[:5])}): "
                          f"upgrade hnte, then restore")


def _extract(tar: tarfile.TarFile, name: str, target: Path, digest: str, source: Path) -> None:
    try:
        member = tar.getmember(name)
    except KeyError:
        raise BackupError(f"{source} 不完整：缺少 {name}", f"{source} is incomplete: {name} is missing") from None
    if not member.isfile():
        raise BackupError(f"{source}：{name} 不是普通文件", f"{source}: {name} is not a regular file")
    h = hashlib.sha256()
    with tar.extractfile(member) as src, target.open("wb") as out:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            h.update(chunk)
            out.write(chunk)
    if h.hexdigest() != digest:
        target.unlink(missing_ok=True)
        raise BackupError(f"{source} 已损坏：{name} 的校验和不符", f"{source} is damaged: the checksum of {name} does not match")


def _load_rows(data_path: Path, manifest: dict, source: Path, audit_verify) -> None:
    models = backed_up_models()
    with transaction.atomic():
        with connection.constraint_checks_disabled(), data_path.open(encoding="utf-8") as fh:
            deferred = []
            for obj in serializers.deserialize("jsonl", fh, handle_forward_references=True):
                obj.save()
                if obj.deferred_fields:
                    deferred.append(obj)
            for obj in deferred:
                obj.save_deferred_fields()
        connection.check_constraints(table_names=[m._meta.db_table for m in models])
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cur:
                for sql in statements:
                    cur.execute(sql)
        got = database_rows()
        wrong = {k: (n, got.get(k, 0)) for k, n in manifest["rows"].items() if got.get(k, 0) != n}
        if wrong:
            raise BackupError(f"恢复后的行数与备份不符：{wrong}", f"row counts after restore differ from the backup: {wrong}")
        if manifest.get("audit_chain") == "clean" and audit_verify():
            raise BackupError("恢复后审计链校验失败（备份时校验通过）", "the audit chain does not verify after restore (it did in the backup)")
