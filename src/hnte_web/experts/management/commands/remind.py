"""``hnte-admin remind [--today DATE]``: send every due reminder, once. Shared: each app of the system may add a
``reminders.py`` with ``remind(*, today) -> (count, zh, en)``; this command runs them all, in the order of
INSTALLED_APPS (the experts' one: forms due within three days and overdue forms). Run it daily from cron or a
systemd timer; running it twice sends nothing twice."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "send the due reminders of every app (experts' forms, …); idempotent"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="act as on this date (YYYY-MM-DD; default: today in Asia/Shanghai)")

    def handle(self, *args, **options):
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(f"--today: 应为日期 YYYY-MM-DD，实际为 \"{options['today']}\" "
                                   f"(expected a date YYYY-MM-DD)") from None
        for config in apps.get_app_configs():
            if not config.name.startswith("hnte_web."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.reminders")
            except ModuleNotFoundError as e:
                if e.name == f"{config.name}.reminders":
                    continue
                raise
            _, zh, en = module.remind(today=today)
            self.stdout.write(f"{zh} ({en})")
