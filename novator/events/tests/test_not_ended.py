"""The events not ended yet (the default list, the API's `from`, the home pages): those under way, then
those to come, read as two index ranges (`selectors.not_ended`, `core.paging.Concatenated`)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from novator.events import selectors
from novator.events.views import PAGE_SIZE
from novator.organizations.tests.factories import OrganizationFactory

from .factories import EventFactory

TZ = timezone.get_current_timezone


def _at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2024, 3, day, hour, tzinfo=TZ())


def _event(org, start: tuple[int, int], end: tuple[int, int], title: str):
    return EventFactory(
        organizers=[org, OrganizationFactory()], starts_at=_at(*start), ends_at=_at(*end), title=title
    )


@pytest.fixture
def march(org_a):
    """On 10 March: two ended, three under way (a three-week course, a week's school, a day's seminar
    ending on the 10th), and 2 × PAGE_SIZE to come."""
    _event(org_a, (1, 9), (9, 18), "Ended the day before")
    _event(org_a, (2, 9), (2, 12), "Ended long before")
    _event(org_a, (1, 9), (21, 18), "Under way: course")
    _event(org_a, (8, 9), (14, 18), "Under way: school")
    _event(org_a, (9, 9), (10, 0), "Under way: ends at midnight")
    for i in range(2 * PAGE_SIZE):
        _event(org_a, (10 + i // 4, 9 + i % 4), (10 + i // 4, 13 + i % 4), f"To come {i:02d}")


def _titles(rows) -> list[str]:
    return [e.title for e in rows]


def test_under_way_then_to_come_in_the_order_of_the_start(march):
    anonymous_user = AnonymousUser()
    rows = selectors.event_list(user=anonymous_user, date_from=datetime.date(2024, 3, 10))
    assert rows.count() == 3 + 2 * PAGE_SIZE
    titles = _titles(rows[: 3 + 2 * PAGE_SIZE])
    assert titles[:3] == ["Under way: course", "Under way: school", "Under way: ends at midnight"]
    assert titles[3:] == [f"To come {i:02d}" for i in range(2 * PAGE_SIZE)]
    # the same as the one query it replaces
    expected = list(
        selectors.event_list(user=anonymous_user)
        .filter(ends_at__gte=_at(10, 0))
        .values_list("title", flat=True)
    )
    assert titles == expected
    assert _titles(rows) == expected  # iterating reads the parts in turn


def test_the_list_pages_across_the_two_parts(client, march, django_assert_num_queries):
    params = {"date_from": "2024-03-10"}
    # page 1 spans both parts: two counts, two reads, one prefetch of the organisers (+ two filter choices)
    with django_assert_num_queries(7):
        first = client.get(reverse("events:list"), params)
    page = first.context["page"]
    assert page.paginator.count == 3 + 2 * PAGE_SIZE
    assert _titles(page.object_list)[:4] == [
        "Under way: course",
        "Under way: school",
        "Under way: ends at midnight",
        "To come 00",
    ]
    assert all(len(e.organizers.all()) == 2 for e in page.object_list)  # prefetched
    # page 2 lies in the second part only: one read
    with django_assert_num_queries(6):
        second = client.get(reverse("events:list"), {**params, "page": 2})
    assert _titles(second.context["page"].object_list) == [
        f"To come {i:02d}" for i in range(PAGE_SIZE - 3, 2 * PAGE_SIZE - 3)
    ]
    third = client.get(reverse("events:list"), {**params, "page": 3})
    assert _titles(third.context["page"].object_list) == [
        f"To come {i:02d}" for i in range(2 * PAGE_SIZE - 3, 2 * PAGE_SIZE)
    ]
    assert "Ended" not in first.content.decode() + second.content.decode() + third.content.decode()


def test_the_api_from_a_day_on(client, march):
    response = client.get("/api/v1/events/", {"from": "2024-03-10", "page_size": 5})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3 + 2 * PAGE_SIZE
    titles = [e["title"] for e in data["results"]]
    assert titles[:3] == ["Under way: course", "Under way: school", "Under way: ends at midnight"]
    assert "Ended the day before" not in titles
    # without `from`: every event by start, the ended ones first
    every = client.get("/api/v1/events/").json()
    assert every["count"] == 5 + 2 * PAGE_SIZE
    assert [e["title"] for e in every["results"]][:2] == ["Ended the day before", "Under way: course"]


def test_the_home_page_shows_five_not_ended(client, org_a):
    now = timezone.now()
    EventFactory(
        organizers=[org_a],
        title="Ended",
        starts_at=now - datetime.timedelta(days=3),
        ends_at=now - datetime.timedelta(days=2),
    )
    EventFactory(
        organizers=[org_a],
        title="Under way",
        starts_at=now - datetime.timedelta(days=2),
        ends_at=now + datetime.timedelta(days=2),
    )
    for day in range(1, 7):
        EventFactory(
            organizers=[org_a],
            title=f"In {day} days",
            starts_at=now + datetime.timedelta(days=day),
            ends_at=now + datetime.timedelta(days=day, hours=2),
        )
    response = client.get("/")
    assert _titles(response.context["public"]["events"]) == ["Under way"] + [
        f"In {d} days" for d in range(1, 5)
    ]
