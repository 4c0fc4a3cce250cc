"""Bringing applications to the publicity and certificate steps for the tests: every step through the services
and the state machine — the expert panel through the experts app's own services (a pool, a seeded draw, every
member's form, the leader's evaluation), with the valid forms of its tests."""

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


def through_panel(office, app: Application) -> Application:
    """draw_panel → every member's form → the leader's evaluate (experts app), on a pool of the office's region."""
    from hnte_web.experts.models import Expert
    from hnte_web.experts.services import _declared_codes, panel_draw, panel_evaluate, review_submit

    from .test_experts import add_pool, fin_raw, tech_raw

    if not Expert.objects.filter(region_prefix=office.region_prefix).exists():
        add_pool(office)
    panel = panel_draw(acting_user=office, application=app, seed=20241)
    rd, ps = _declared_codes(panel.version_data())
    technical = tech_raw(rd_count=str(len(rd)), ps_count=str(len(ps)))
    for member in panel.active_members().order_by("id"):
        review_submit(acting_user=member.expert.user, panel=panel, raw=technical if member.kind == "technical" else fin_raw())
    panel_evaluate(acting_user=panel.leader.user, panel=panel, raw={**technical, "opinion": "符合认定条件"})
    return Application.objects.get(pk=app.pk)



def reported(office, user, app: Application | None = None, programme: str = "national") -> Application:
    """submit → accept (into a batch of the office) → expert panel → recommend → report."""
    from hnte_web.review import services as review

    app = submitted(user, app, programme)
    batch = None
    if programme != "beijing-pilot":
        from hnte_web.review.models import Batch

        batch = Batch.objects.filter(region_prefix=office.region_prefix, year=2024, name="第一批").first() or review.batch_create(
            acting_user=office, name="第一批", year=2024, deadline=dt.date(2024, 7, 31))
    review.application_accept(acting_user=office, application=app, batch=batch)
    app = through_panel(office, Application.objects.get(pk=app.pk))
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
