"""Pinned query counts of the event pages: exact, and unchanged when the data grows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from novator.events.models import Certificate, Material
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory

from .factories import EventFactory, RegistrationFactory, SectionFactory, TalkFactory

TZ = timezone.get_current_timezone


def _march_event(org, day):
    tz = TZ()
    return EventFactory(
        organizers=[org, OrganizationFactory()],
        starts_at=datetime.datetime(2024, 3, day, 10, tzinfo=tz),
        ends_at=datetime.datetime(2024, 3, day, 12, tzinfo=tz),
    )


# anonymous: the list counts the events under way on the first day and those to come, reads the page's
# events (here all to come) and prefetches organisers (+ their municipality filter's choices: the regions
# and the municipalities offered, two queries whatever the data); a logged-in page adds the session, the
# user and the user's roles. The calendar reads the month's events in one query.
@pytest.mark.parametrize("logged_in,queries", [(False, 6), (True, 9)])
def test_list_and_calendar(client, org_a, teacher, django_assert_num_queries, logged_in, queries):
    if logged_in:
        client.force_login(teacher)
    for day in (3, 17):
        _march_event(org_a, day)
    params = {"date_from": "2024-03-01", "date_to": "2024-03-31"}
    with django_assert_num_queries(queries):
        client.get(reverse("events:list"), params)
    with django_assert_num_queries(queries - 3):  # one query for the month's events, no prefetch
        client.get(reverse("events:calendar"), {"month": "2024-03"})
    for day in (4, 5, 6, 20, 28):
        _march_event(org_a, day)
    with django_assert_num_queries(queries):
        response = client.get(reverse("events:list"), params)
    assert len(response.context["page"].object_list) == 7
    with django_assert_num_queries(queries - 3):  # one query for the month's events, no prefetch
        client.get(reverse("events:calendar"), {"month": "2024-03"})


def _grow(event, org):
    section = SectionFactory(event=event)
    TalkFactory(section=section, accepted=True, speakers=PersonFactory.create_batch(2, organization=org))
    Material.objects.create(event=event, title="Материал", file="x.pdf", file_type="pdf", size=1)


def test_event_page_anonymous(client, event, org_a, django_assert_num_queries):
    _grow(event, org_a)
    with django_assert_num_queries(7):
        client.get(event.get_absolute_url())
    for _ in range(3):
        _grow(event, org_a)
    with django_assert_num_queries(7):
        assert client.get(event.get_absolute_url()).status_code == 200


def test_event_page_of_a_past_event_for_the_participant(
    client, org_a, teacher, teacher_person, django_assert_num_queries
):
    event = EventFactory(organizers=[org_a], past=True)
    RegistrationFactory(event=event, person=teacher_person, attended_at=timezone.now())
    Certificate.objects.create(event=event, person=teacher_person, role="attendee", code="AAAA-BBBB-CCCC")
    _grow(event, org_a)
    client.force_login(teacher)
    client.get(event.get_absolute_url())
    with django_assert_num_queries(13) as ctx:
        html = client.get(event.get_absolute_url()).content.decode()
    assert reverse("events:certificate", args=["AAAA-BBBB-CCCC"]) in html
    first = len(ctx.captured_queries)
    for _ in range(3):
        _grow(event, org_a)
    with django_assert_num_queries(first):
        client.get(event.get_absolute_url())


def test_my_registrations_with_certificates(
    client, org_a, teacher, teacher_person, django_assert_num_queries
):
    def grow():
        event = EventFactory(organizers=[org_a], past=True)
        RegistrationFactory(event=event, person=teacher_person, attended_at=timezone.now())
        Certificate.objects.create(event=event, person=teacher_person, role="attendee", code=f"C-{event.pk}")

    grow()
    client.force_login(teacher)
    client.get(reverse("events:my"))
    with django_assert_num_queries(6):
        html = client.get(reverse("events:my")).content.decode()
    assert html.count("data-certificate=") == 1
    for _ in range(4):
        grow()
    with django_assert_num_queries(6):
        html = client.get(reverse("events:my")).content.decode()
    assert html.count("data-certificate=") == 5


def test_calendar_day_shows_a_few_events_and_a_link_to_the_rest(client, org_a, monkeypatch):
    from novator.events import selectors

    monkeypatch.setattr(selectors, "CALENDAR_DAY_LIMIT", 2)
    for _ in range(5):
        _march_event(org_a, 12)
    response = client.get(reverse("events:calendar"), {"month": "2024-03"})
    cell = next(
        c for week in response.context["weeks"] for c in week if c["day"] == datetime.date(2024, 3, 12)
    )
    assert len(cell["events"]) == 2 and cell["more"] == 3
    html = response.content.decode()
    assert 'data-more="3"' in html and "date_from=2024-03-12&amp;date_to=2024-03-12" in html
