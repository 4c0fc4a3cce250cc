"""``hnte-admin calendar load FILE`` / ``hnte-admin calendar``: the working-day calendar of the web system (the
years loaded into its database, as on the Leading Group Office's calendar page), acting as the system account."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "show the web system's working-day calendar, or load a year of the State Council notice (hnte/calendar@1)"

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["show", "load"], default="show")
        parser.add_argument("file", nargs="?", help="load: the calendar file (YAML or JSON, hnte/calendar@1)")

    def handle(self, *args, **options):
        from hnte.core.errors import InputError
        from hnte.registries.files import read_text
        from hnte_web.publicity.services import calendar_load, system_user, web_calendar

        if options["action"] == "load":
            if not options.get("file"):
                raise CommandError("请给出日历文件：hnte-admin calendar load FILE (give the calendar file)")
            try:
                years = calendar_load(acting_user=system_user(), text=read_text(options["file"]), source=options["file"])
            except InputError as e:
                raise CommandError(e.render("zh") + "\n" + e.render("en")) from None
            for y in years:
                self.stdout.write(f"{y.year}: {y.source} (放假 {len(y.holidays)} 天，调休上班 {len(y.workdays)} 天)")
            return
        from hnte.procedure.cli import _spans

        cal = web_calendar()
        spans = ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in _spans(cal.years()))
        self.stdout.write(f"有数据的年度 (covered years): {spans}")
        for y in cal.loaded():
            self.stdout.write(f"  {y.year}: {y.source}")
