"""``hnte-admin backup FILE.tar.gz``: every row and every stored file (attachments, printed certificates) from one
consistent snapshot, with checksums (hnte_web/core/backup.py). Runs while the system serves requests."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hnte_web.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database rows and stored files into FILE.tar.gz (restore with: hnte-admin restore FILE.tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write, e.g. hnte-2026-05-31.tar.gz")

    def handle(self, *args, file, **options):
        try:
            summary = backup(file)
        except BackupError as e:
            raise CommandError(e.message(), returncode=2) from None
        self.stdout.write(f"备份已写入 {file}：{summary.text()}")
