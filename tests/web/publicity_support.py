"""Bringing applications to the publicity and certificate steps for the tests.

Every step goes through the services and the state machine, except the expert panel (``draw_panel`` →
``evaluate``): that belongs to the experts app, built at the same time. **Test-only**: ``through_panel`` writes the
state field with the ORM to stand for the panel's result; production code never sets a state by hand (a test
greps ``src/hnte_web`` for that).
"""

from __future__ import annotations

import datetime as dt

from hnte_web.applications.models import Application
from hnte_web.applications.services import _store, application_create, application_submit

from .conftest import PASSWORD, enterprise_fields, example_data

# TEST DATA, not an official notice: a made-up 2027 holiday arrangement in the file format.
TEST_2027 = """\
format: hnte/calendar@1
years:
  - year: 2027
    source: 测试数据（非官方）：2027年部分节假日安排
    holidays:
      - {from: 2027-01-01, to: 2027-01-03, name: 元旦}
      - {from: 2027-02-05, to: 2027-02-13, name: 春节}
    workdays:
      - 2027-02-20
"""


def enterprise(office, name: str, code17: str, region: str):
    """A registered and activated enterprise with its user."""
    from hnte_web.enterprises.services import enterprise_register, registration_activate

    ent = enterprise_register(username=f"u{code17[-6:]}".lower(), password=PASSWORD, fields=enterprise_fields(name, code17, region))
    registration_activate(acting_user=office, enterprise=ent)
    ent.refresh_from_db()
    return ent, ent.users.get()


def submitted(user, app: Application | None = None, programme: str = "national") -> Application:
    if app is None:
        app = application_create(acting_user=user, programme=programme)
    data = example_data("beijing_pilot" if programme == "beijing-pilot" else "pass_2016")
    data["programme"] = programme
    _store(Application.objects.get(pk=app.pk), data)
    app = Application.objects.get(pk=app.pk)
    application_submit(acting_user=user, application=app, commitment_by="张三", agreed=True)
    return Application.objects.get(pk=app.pk)


def through_panel(app: Application) -> Application:
    """TEST-ONLY stand-in for the expert panel (draw_panel → evaluate, the experts app): the state field is written
    directly here, in the tests, never in production code."""
    Application.objects.filter(pk=app.pk, state="accepted").update(state="evaluated")
    return Application.objects.get(pk=app.pk)



def reported(office, user, app: Application | None = None, programme: str = "national") -> Application:
    """submit → accept (into a batch of the office) → [panel, test-only] → recommend → report."""
    from hnte_web.review import services as review

    app = submitted(user, app, programme)
    batch = None
    if programme != "beijing-pilot":
        from hnte_web.review.models import Batch

        batch = Batch.objects.filter(region_prefix=office.region_prefix, year=2024, name="第一批").first() or review.batch_create(
            acting_user=office, name="第一批", year=2024, deadline=dt.date(2024, 7, 31))
    review.application_accept(acting_user=office, application=app, batch=batch)
    app = through_panel(Application.objects.get(pk=app.pk))
    review.application_recommend(acting_user=office, application=app)
    review.application_report(acting_user=office, application=app)
    return Application.objects.get(pk=app.pk)


def published(lgo, apps: list[Application], on: dt.date, title: str = "2024年第一批拟认定高新技术企业名单"):
    from hnte_web.publicity import clock
    from hnte_web.publicity.services import publicity_publish

    with clock.acting_on(on):
        return publicity_publish(acting_user=lgo, title=title, applications=apps, published_on=on)


def filed(world, app: Application, published_on: dt.date = dt.date(2024, 9, 27)) -> Application:
    """A reported application through an unopposed publicity and the LGO's filing."""
    from hnte_web.publicity.services import publicity_tick, system_user
    from hnte_web.review.services import application_file

    pub = published(world.lgo, [app], published_on)
    publicity_tick(acting_user=system_user(), today=pub.last_day + dt.timedelta(days=1))
    application_file(acting_user=world.lgo, application=Application.objects.get(pk=app.pk))
    return Application.objects.get(pk=app.pk)
