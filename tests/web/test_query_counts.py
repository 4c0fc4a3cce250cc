"""SQL queries per page do not grow with the rows the page lists: each page is fetched with 5 rows behind it and
again with 60 (more than a page of the office queue, PAGE_SIZE 50), and the two counts must be equal.

A new list page plugs in with one ``Page`` entry: who looks, the URL, and how to add ``n`` more rows to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hnte_web.applications.models import Application, ApplicationVersion
from hnte_web.audit.models import Notification
from hnte_web.audit.services import audit_record
from hnte_web.review.models import Batch
from hnte_web.review.views import PAGE_SIZE

SMALL, LARGE = 5, 60
assert LARGE > PAGE_SIZE


def submitted(world, n: int, *, enterprise=None, field: str = "1.1.1") -> list[Application]:
    """``n`` submitted applications (bulk-created: the queue reads rows, not how they got there)."""
    ent = enterprise or world.ent_a
    return Application.objects.bulk_create([
        Application(enterprise=ent, region_code=ent.region_code, year=2025, state="submitted", current_version=1,
                    technical_field=field, data_json="{}") for _ in range(n)])


def versions_and_history(world, n: int) -> None:
    """``n`` more versions of application A and ``n`` more events in its history."""
    app = Application.objects.get(pk=world.app_a.pk)
    start = app.current_version
    ApplicationVersion.objects.bulk_create([
        ApplicationVersion(application=app, number=start + i + 1, data_json="{}", sha256="0" * 64, submitted_at=timezone.now(),
                           submitted_by=world.user_a, commitment_by="张三", commitment_text="承诺", verdict="eligible")
        for i in range(n)])
    Application.objects.filter(pk=app.pk).update(current_version=start + n, state="submitted")  # test set-up, not a transition
    with transaction.atomic():
        for i in range(n):
            audit_record(acting_user=world.office_bj, action="application.onsite_check", obj=app, reason=f"核查记录 {start + i}")


def own_applications(world, n: int) -> None:
    Application.objects.bulk_create([
        Application(enterprise=world.ent_a, region_code=world.ent_a.region_code, year=2025, state="draft" if i % 2 else "submitted",
                    current_version=i % 2, data_json="{}") for i in range(n)])
    Notification.objects.bulk_create([Notification(user=world.user_a, message_zh=f"消息 {i}", message_en=f"message {i}")
                                      for i in range(n)])


def batches_with_applications(world, n: int) -> None:
    made = Batch.objects.bulk_create([
        Batch(region_prefix="11", year=2025, name=f"第{Batch.objects.count() + i + 1}批", deadline=dt.date(2025, 7, 31),
              created_by=world.office_bj) for i in range(n)])
    apps = submitted(world, n)
    for app, batch in zip(apps, made, strict=True):
        Application.objects.filter(pk=app.pk).update(batch=batch, state="recommended" if app.pk % 2 else "accepted")


def certificates(world, n: int) -> None:
    """``n`` more certified applications of A with their certificates (rows: the list reads them, not the track)."""
    from hnte_web.certificates.models import Certificate, certificate_number

    apps = Application.objects.bulk_create([
        Application(enterprise=world.ent_a, region_code=world.ent_a.region_code, year=2024, state="certified", current_version=1,
                    data_json="{}") for _ in range(n)])
    start = Certificate.objects.filter(year=2024, province="11").count()
    Certificate.objects.bulk_create([
        Certificate(application=app, number=certificate_number(2024, "11", start + i + 1), year=2024, province="11", serial=start + i + 1,
                    enterprise_name=world.ent_a.name, credit_code=world.ent_a.credit_code, issued_on=dt.date(2024, 11, 15),
                    valid_until=dt.date(2027, 11, 14), issuer="北京市高新技术企业认定管理机构", issued_by=world.office_bj)
        for i, app in enumerate(apps)])


@dataclass(frozen=True)
class Page:
    name: str
    user: str  # attribute of the world fixture
    url: Callable[[object], str]
    grow: Callable[[object, int], None]
    expect: str  # a marker the page must show (it really rendered its list)


PAGES = [
    Page("office queue, first page", "office_bj", lambda w: "/office/", lambda w, n: submitted(w, n), 'id="office-applications"'),
    Page("office queue, filtered", "office_bj", lambda w: "/office/?state=submitted&field=1.1&region=110108&programme=national",
         lambda w, n: submitted(w, n), 'id="office-applications"'),
    Page("office queue, Leading Group Office, all states", "lgo", lambda w: "/office/?state=",
         lambda w, n: submitted(w, n, enterprise=w.ent_c), 'id="office-applications"'),
    Page("office batches", "office_bj", lambda w: "/office/batches/", batches_with_applications, "第1批"),
    Page("enterprise home", "user_a", lambda w: "/enterprise/", own_applications, 'id="applications"'),
    Page("application detail, office", "office_bj", lambda w: f"/applications/{w.app_a.pk}/", versions_and_history, 'id="versions"'),
    Page("application detail, enterprise", "user_a", lambda w: f"/applications/{w.app_a.pk}/", versions_and_history, 'id="history"'),
    Page("certificates, office", "office_bj", lambda w: "/certificates/", certificates, 'id="certificates"'),
    Page("certificates, enterprise", "user_a", lambda w: "/certificates/", certificates, "GR2024110000"),
]


def count_queries(client, url: str, expect: str) -> tuple[int, list[str]]:
    client.get(url)  # warm: per-process caches (content types, the parameters in force) are not per-page work
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    assert expect in r.content.decode(), (url, expect)
    return len(ctx), [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_queries_per_page_do_not_grow_with_rows(page, world, client, django_assert_max_num_queries):
    if page.user == "office_bj" and "detail" in page.name:
        versions_and_history(world, 1)  # the office sees submitted applications only
    client.force_login(getattr(world, page.user))
    page.grow(world, SMALL)
    small, _ = count_queries(client, page.url(world), page.expect)
    page.grow(world, LARGE - SMALL)
    large, sql = count_queries(client, page.url(world), page.expect)
    assert large == small, f"{page.name}: {small} queries with {SMALL} rows, {large} with {LARGE}:\n" + "\n".join(sql)
    with django_assert_max_num_queries(small):
        client.get(page.url(world))


def test_the_queue_pages_at_sixty_rows(world, client):
    """60 rows are more than a page: the first page lists PAGE_SIZE, the second the rest (the count is what was asked)."""
    client.force_login(world.office_bj)
    submitted(world, LARGE)
    first = client.get("/office/").content.decode()
    second = client.get("/office/?state=submitted&page=2").content.decode()
    rows = lambda html: html.split('id="office-applications"', 1)[1].split("</table>", 1)[0].count("<tr>") - 1  # noqa: E731
    assert (rows(first), rows(second)) == (PAGE_SIZE, LARGE - PAGE_SIZE)
    assert 'id="next-page"' in first and 'id="next-page"' not in second
