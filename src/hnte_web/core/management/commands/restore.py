"""``hnte-admin restore FILE.tar.gz``: into an empty database only (exit code 2 otherwise, with the reason); checks the
archive's checksums, puts the files back, loads every row in one transaction and verifies the audit chain
(hnte_web/core/backup.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hnte_web.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by hnte-admin backup into an empty database (refuses otherwise, exit code 2)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="an archive written by hnte-admin backup")

    def handle(self, *args, file, **options):
        try:
            summary = restore(file)
        except BackupError as e:
            raise CommandError(e.message(), returncode=2) from None
        self.stdout.write(f"已从 {file} 恢复：{summary.text()}")
