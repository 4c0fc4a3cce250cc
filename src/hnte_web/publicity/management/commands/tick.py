"""``hnte-admin tick [--today DATE]``: the scheduled step. Ends every publicity whose last day has passed and moves
its unopposed applications on (``publicized``); an open objection holds its application. Run it from cron or a
systemd timer (e.g. every hour); running it twice, in a row or at the same moment, does nothing twice."""

from __future__ import annotations

from hnte_web.core.management.dated import DatedCommand


class Command(DatedCommand):
    help = "end the publicities whose period is over and move their unopposed applications on (idempotent)"

    def handle(self, *args, **options):
        from hnte_web.publicity.services import publicity_tick, system_user

        today = self.today(options)
        result = publicity_tick(acting_user=system_user(), today=today)
        self.stdout.write(f"公示期结束 {len(result.ended)} 个名单；转入公示期满 {len(result.moved)} 件；因异议暂缓 {len(result.held)} 件 "
                          f"(publicities ended: {len(result.ended)}; applications moved: {len(result.moved)}; "
                          f"held by an objection: {len(result.held)})")
