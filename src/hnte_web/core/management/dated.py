"""The scheduled commands' shared ``--today DATE`` (a frozen clock for simulations and catch-up runs)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class DatedCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--today", help="act as on this date (YYYY-MM-DD; default: today in Asia/Shanghai)")

    def today(self, options) -> dt.date | None:
        """The ``--today`` date, or None for the real today; a malformed date is a clear command error."""
        if not options.get("today"):
            return None
        try:
            return dt.date.fromisoformat(options["today"])
        except ValueError:
            raise CommandError(f"--today: 应为日期 YYYY-MM-DD，实际为 \"{options['today']}\" (expected a date YYYY-MM-DD)", returncode=2) from None
