"""``hnte-admin remind [--today DATE]``: send every due reminder, once. Shared: each app of the system may add a
``reminders.py`` with ``remind(*, today) -> (count, zh, en)``; this command runs them all, in the order of
INSTALLED_APPS (the experts' one: forms due within three days and overdue forms). Run it daily from cron or a
systemd timer; running it twice sends nothing twice."""

from __future__ import annotations

import importlib

from django.apps import apps

from hnte_web.core.management.dated import DatedCommand


class Command(DatedCommand):
    help = "send the due reminders of every app (experts' forms, …); idempotent"

    def handle(self, *args, **options):
        today = self.today(options)
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
