"""``hnte-admin supervise [--today DATE]``: the daily supervision run (annual reports opened, reminders on working
days, missed reports, revocation proposals, expiry reminders and the prepayment warning, name-change publicities
ended). Run it once a day from cron or a systemd timer; running it again the same day, or at the same moment,
does nothing twice."""

from __future__ import annotations

from django.core.management.base import CommandError

from hnte_web.core.management.dated import DatedCommand


class Command(DatedCommand):
    help = "the daily supervision run: reminders, late flags, revocation proposals, expiry reminders (idempotent)"

    def handle(self, *args, **options):
        from hnte_web.publicity.services import system_user
        from hnte_web.supervision.sweep import supervise

        today = self.today(options)
        result = supervise(acting_user=system_user(), today=today)
        self.stdout.write(result.summary())
        if result.errors:
            raise CommandError(f"{len(result.errors)} 条记录未能处理（其余已处理）(records not handled; the others were):\n"
                               + "\n".join(result.errors))
