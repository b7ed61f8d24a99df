from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext

from novator.accounts.tests.factories import UserFactory
from novator.notifications import kinds
from novator.notifications.models import Notification, NotificationPreference
from novator.notifications.services import notify, preferences_for, preferences_save

pytestmark = pytest.mark.django_db


def test_notify_creates_rows_in_bulk_and_mails_after_commit(
    django_capture_on_commit_callbacks, coordinator, expert
):
    coordinator.email, expert.email = "c@example.org", "e@example.org"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(
            [coordinator, expert, coordinator, None],
            kind="contests.application",
            subject="Заявка возвращена",
            body="Текст",
            url="/contests/applications/1/",
        )
    assert mail.outbox == []  # nothing before the commit
    assert Notification.objects.filter(kind="contests.application").count() == 2  # the duplicate is ignored
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["c@example.org", "e@example.org"]
    assert mail.outbox[0].subject == "Заявка возвращена"


def test_notify_respects_the_email_preference_but_keeps_the_in_app_row(
    django_capture_on_commit_callbacks, coordinator, expert
):
    coordinator.email, expert.email = "c@example.org", "e@example.org"
    NotificationPreference.objects.create(user=coordinator, kind="expertise.assignment", email=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify([coordinator, expert], kind="expertise.assignment", subject="S", body="B")
    assert [m.to for m in mail.outbox] == [["e@example.org"]]
    assert Notification.objects.filter(user=coordinator).count() == 1


def test_unknown_kinds_still_deliver_and_plain_addresses_get_email_only(
    django_capture_on_commit_callbacks, coordinator
):
    coordinator.email = "c@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        notify([coordinator, "school@example.org"], kind="something.new", subject="S", body="B")
    assert sorted(m.to[0] for m in mail.outbox) == ["c@example.org", "school@example.org"]
    assert Notification.objects.count() == 1


def test_rolled_back_notify_sends_nothing(coordinator):
    from django.db import transaction

    coordinator.email = "c@example.org"
    with pytest.raises(RuntimeError), transaction.atomic():
        notify([coordinator], kind="projects.report", subject="S", body="B")
        raise RuntimeError
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_notify_query_count_does_not_grow_with_recipients(django_assert_num_queries, region):
    users = [UserFactory() for _ in range(30)]
    with django_assert_num_queries(3):  # the bulk insert, the preferences, the e-mail template
        notify(users, kind="events.reminder", subject="S", body="B")
    assert Notification.objects.count() == 30


def test_kinds_cover_what_other_apps_use():
    for code in (
        "contests.application",
        "expertise.assignment",
        "events.waitlist_promoted",
        "events.reminder",
        "monitoring.campaign_reminder",
        "projects.report",
        "library.adoption",
    ):
        assert kinds.is_known(code)
    assert kinds.label_for("not.registered") == "not.registered"


def _notifications(user, n, **kwargs):
    return Notification.objects.bulk_create(
        [Notification(user=user, kind="projects.report", subject=f"Отчёт {i}", **kwargs) for i in range(n)]
    )


@pytest.mark.parametrize("rows", [1, 12])
def test_list_page_query_count_is_pinned(client, coordinator, django_assert_num_queries, rows):
    _notifications(coordinator, rows)
    client.force_login(coordinator)
    # session, user, the user's roles, count for the pager, the page, the unread count
    with django_assert_num_queries(6):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == rows


def test_list_shows_script_as_text_and_only_own_rows(client, coordinator, coordinator_b):
    _notifications(coordinator, 1)
    Notification.objects.create(user=coordinator, kind="x", subject="<script>alert(1)</script>")
    _notifications(coordinator_b, 3)
    client.force_login(coordinator)
    body = client.get(reverse("notifications:list")).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert body.count('data-notification="') == 2


def test_unread_badge_counts_in_one_query(client, coordinator, django_assert_num_queries):
    _notifications(coordinator, 3)
    client.force_login(coordinator)
    with django_assert_num_queries(3):  # session, user, the count
        response = client.get(reverse("notifications:unread"))
    assert b'data-unread="3"' in response.content


def test_unread_badge_for_anonymous_redirects(client):
    assert client.get(reverse("notifications:unread")).status_code == 302


def test_mark_read_and_mark_all_read(client, coordinator):
    first, *_ = _notifications(coordinator, 3)
    client.force_login(coordinator)
    assert client.get(reverse("notifications:read", args=[first.pk])).status_code == 405
    response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302
    assert Notification.objects.unread().count() == 2
    client.post(reverse("notifications:read_all"))
    assert Notification.objects.unread().count() == 0


def test_cannot_mark_someone_elses_notification(client, coordinator, coordinator_b):
    (other,) = _notifications(coordinator_b, 1)
    client.force_login(coordinator)
    assert client.post(reverse("notifications:read", args=[other.pk])).status_code == 404
    assert client.post(reverse("notifications:open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_open_follows_only_local_links(client, coordinator):
    local = Notification.objects.create(user=coordinator, kind="x", subject="s", url="/events/")
    evil = Notification.objects.create(user=coordinator, kind="x", subject="s", url="https://evil.example/")
    client.force_login(coordinator)
    assert client.post(reverse("notifications:open", args=[local.pk]))["Location"] == "/events/"
    assert client.post(reverse("notifications:open", args=[evil.pk]))["Location"] == reverse(
        "notifications:list"
    )
    assert client.post(reverse("notifications:read", args=[local.pk]), {"next": "https://evil.example/"})[
        "Location"
    ] == reverse("notifications:list")


def test_preferences_page_saves_choices(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    keep = ["contests.application", "projects.report"]
    response = client.post(reverse("notifications:preferences"), {"email_kinds": keep})
    assert response.status_code == 302
    prefs = preferences_for(coordinator)
    assert prefs["contests.application"] and prefs["projects.report"]
    assert not prefs["events.reminder"]
    assert NotificationPreference.objects.filter(user=coordinator, email=False).count() == len(prefs) - 2


def test_preferences_reject_unknown_kinds_and_change_nothing(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("notifications:preferences"), {"email_kinds": ["no.such.kind"]})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert NotificationPreference.objects.count() == 0
    with pytest.raises(ValueError):
        preferences_save(actor=coordinator, email_kinds=["no.such.kind"])


def test_navbar_loads_the_unread_count_lazily(client, coordinator):
    client.force_login(coordinator)
    body = client.get(reverse("portal:home")).content.decode()
    assert reverse("notifications:unread") in body
    assert gettext("Notifications") in body
