"""Reads of events: querysets with their joins already applied."""

from __future__ import annotations

import calendar as pycalendar
import datetime
from collections import defaultdict
from typing import Any, overload

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core.paging import Concatenated
from novator.organizations.models import Organization, Person

from .models import Certificate, Event, Material, Registration, RegistrationStatus, Section, Talk


def public_speaker(person: Person) -> dict[str, Any]:
    """A speaker as public pages and documents may show them: with the name, position and organisation
    when the person's consent to publication is in force (`Person.publication_consent_in_force`),
    otherwise only «Speaker — <organisation>»."""
    organization = person.organization.short_name
    if person.publication_consent_in_force:
        return {
            "named": True,
            "name": person.full_name,
            "position": person.position,
            "organization": organization,
            "line": ", ".join(p for p in (person.full_name, person.position, organization) if p),
        }
    label = _("Speaker — %(organization)s") % {"organization": organization}
    return {"named": False, "name": "", "position": "", "organization": organization, "line": label}


def certificate_check(*, code: str, surname: str) -> Certificate | None:
    """The public check of a certificate: the certificate when the code exists *and* the surname typed is
    its holder's (`Person.surname_matches`), else None — the same answer for an unknown code and a wrong
    surname, so that the check tells nothing of a holder whose surname the asker does not know."""
    code = (code or "").strip().upper()[:20]
    if not code:
        return None
    certificate = Certificate.objects.select_related("event", "person").filter(code=code).first()
    if certificate is None or not certificate.person.surname_matches(surname):
        return None
    return certificate


def with_public_speakers(sections: list[Section]) -> list[Section]:
    """Set `.public_speakers` on every talk of the (prefetched) sections; no queries."""
    for section in sections:
        for talk in section.talks.all():
            talk.public_speakers = [public_speaker(p) for p in talk.speakers.all()]  # type: ignore[attr-defined]
    return sections


def _with_joins(qs: QuerySet[Event]) -> QuerySet[Event]:
    return qs.prefetch_related(
        Prefetch(
            "organizers", queryset=Organization.objects.select_related("municipality").order_by("short_name")
        )
    ).annotate(registered_count=_registered_count())


def _registered_count() -> Coalesce:
    """The event's registrations, as a correlated subquery rather than a join + GROUP BY: the list needs
    no DISTINCT/GROUP BY over every event column, and the paginator's COUNT(*) leaves the unused
    annotation out, so counting the list reads no registration."""
    counted = (
        Registration.objects.filter(event=OuterRef("pk"), status=RegistrationStatus.REGISTERED)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@overload
def event_list(
    *,
    user: Any,
    query: str = ...,
    kind: str = ...,
    level: str = ...,
    municipality: int | None = ...,
    region: str = ...,
    date_from: None = ...,
    date_to: datetime.date | None = ...,
) -> QuerySet[Event]: ...
@overload
def event_list(
    *,
    user: Any,
    query: str = ...,
    kind: str = ...,
    level: str = ...,
    municipality: int | None = ...,
    region: str = ...,
    date_from: datetime.date | None,
    date_to: datetime.date | None = ...,
) -> QuerySet[Event] | Concatenated[Event]: ...
def event_list(
    *,
    user: Any,
    query: str = "",
    kind: str = "",
    level: str = "",
    municipality: int | None = None,
    region: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Event] | Concatenated[Event]:
    """Events the user may see, filtered, with their organisers and registration counts, by start.
    From a day on (the default list), those under way that day and then those to come (`not_ended`)."""
    qs = _filtered(
        user=user,
        query=query,
        kind=kind,
        level=level,
        municipality=municipality,
        region=region,
        date_to=date_to,
    )
    # `visible_to` and the municipality filter go through `pk__in`: no join, so no DISTINCT
    qs = _with_joins(qs).order_by("starts_at", "pk")
    if date_from is None:
        return qs
    return not_ended(qs, _day_start(date_from))


def not_ended(events: QuerySet[Event], moment: datetime.datetime) -> Concatenated[Event]:
    """The (ordered) events that have not ended at `moment`, by start: those under way, then those to
    come. Two ranges of two indexes (the end's, the start's) instead of one query that either sorts
    every future event or walks the start index through every past one (`Concatenated`).

    Those under way are few by nature, and both planners take them for common (started before: 3/4 of
    the events, not ended: 1/4): given the order, they look for them along the start index, through
    every past event. So they are found by the end index in a subquery (a covering range on SQLite) and
    read whole (no LIMIT, for PostgreSQL)."""
    under_way = Event.objects.filter(starts_at__lt=moment, ends_at__gte=moment).values("pk")
    return Concatenated(
        events.filter(pk__in=under_way),
        events.filter(starts_at__gte=moment),
        whole=frozenset({0}),
    )


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _filtered(
    *,
    user: Any,
    query: str = "",
    kind: str = "",
    level: str = "",
    municipality: int | None = None,
    region: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Event]:
    qs = Event.objects.visible_to(user)
    if query.strip():
        qs = qs.filter(Q(title__icontains=query.strip()) | Q(description__icontains=query.strip()))
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if municipality:
        qs = qs.filter(pk__in=Event.objects.filter(organizers__municipality=municipality).values("pk"))
    if region:  # ОКТМО code of the organisers' region
        qs = qs.filter(
            pk__in=Event.objects.filter(organizers__municipality__region__code=region).values("pk")
        )
    before = None if date_to is None else _day_start(date_to) + datetime.timedelta(days=1)
    if date_from:
        ending = Q(ends_at__gte=_day_start(date_from))
        if before is not None:
            ending &= Q(starts_at__lt=before)
        if connection.vendor == "sqlite":
            # SQLite takes "started before the end of the period" for the best index and walks the start
            # index through every event before it, most of them long over; in a subquery the end index
            # (which holds the start too) is a covering range. PostgreSQL scans the end index for both
            # conditions, but would hash the whole table to join such a subquery.
            qs = qs.filter(pk__in=Event.objects.filter(ending).values("pk"))
        else:
            qs = qs.filter(ending)
    elif before is not None:
        qs = qs.filter(starts_at__lt=before)
    return qs


def event_detail(*, pk: int, user: Any) -> Event:
    talks = Talk.objects.prefetch_related("speakers__organization").order_by("order", "pk")
    sections = Section.objects.prefetch_related(Prefetch("talks", queryset=talks)).order_by("order", "pk")
    return (
        _with_joins(Event.objects.visible_to(user).filter(pk=pk))
        .select_related("proceedings")
        .prefetch_related(
            Prefetch("sections", queryset=sections),
            Prefetch("materials", queryset=Material.objects.select_related("talk").order_by("talk_id", "pk")),
        )
        .get()
    )


#: A day of the calendar shows this many events, then "and N more" (a link to the day's list).
CALENDAR_DAY_LIMIT = 4


def month_grid(*, user: Any, year: int, month: int, **filters: Any) -> list[list[dict[str, Any]]]:
    """Weeks (Monday first) of {day, in_month, events, more} for one month, in the current time zone
    (one query: the cells show the time and title only, so no organisers and no registration counts;
    at most `CALENDAR_DAY_LIMIT` events a day, `more` counts the others)."""
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    shown: dict[datetime.date, list[Event]] = defaultdict(list)
    counts: dict[datetime.date, int] = defaultdict(int)
    zone = timezone.get_current_timezone()
    # plain tuples: a month of a national calendar holds some 1,500 events, of which the grid shows ~150
    rows = (
        _filtered(user=user, date_from=first, date_to=last, **filters)
        .order_by("starts_at", "pk")
        .values_list("pk", "title", "starts_at", "ends_at")
    )
    for pk, title, starts_at, ends_at in rows:
        day = max(starts_at.astimezone(zone).date(), first)
        end = min(ends_at.astimezone(zone).date(), last)
        event: Event | None = None
        while day <= end:
            counts[day] += 1
            if counts[day] <= CALENDAR_DAY_LIMIT:
                if event is None:
                    event = Event(pk=pk, title=title, starts_at=starts_at, ends_at=ends_at)
                shown[day].append(event)
            day += datetime.timedelta(days=1)
    return [
        [
            {
                "day": d,
                "in_month": d.month == month,
                "events": shown.get(d, []),
                "more": max(0, counts.get(d, 0) - CALENDAR_DAY_LIMIT),
            }
            for d in week
        ]
        for week in weeks
    ]


def event_registrations(*, event: Event) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(event=event)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("person__organization")
        .order_by("status", "person__last_name", "person__first_name", "pk")
    )


def registrations_for_user(*, user: Any) -> QuerySet[Registration]:
    return (
        Registration.objects.visible_to(user)
        .select_related("event", "person__organization")
        .order_by("-event__starts_at", "pk")
        .distinct()
    )


def with_certificates(registrations: list[Registration]) -> list[Registration]:
    """Set `.certificates` on each registration: its person's certificates of its event (one query)."""
    if not registrations:
        return registrations
    found: dict[tuple[int, int], list[Certificate]] = defaultdict(list)
    for cert in Certificate.objects.filter(
        event_id__in={r.event_id for r in registrations}, person_id__in={r.person_id for r in registrations}
    ).order_by("role", "pk"):
        found[(cert.event_id, cert.person_id)].append(cert)
    for registration in registrations:
        registration.certificates = found.get((registration.event_id, registration.person_id), [])  # type: ignore[attr-defined]
    return registrations


def attendance_by_municipality(event: Event) -> list[dict[str, Any]]:
    """Registrations, attendance and certificates of the event by the participants' municipality (their
    organisation's), for an inter-municipal event above all (2 queries), by name."""
    rows: dict[str, dict[str, Any]] = {}

    def row(name: str) -> dict[str, Any]:
        return rows.setdefault(
            name, {"municipality": name, "registered": 0, "waitlisted": 0, "attended": 0, "certificates": 0}
        )

    registrations = (
        Registration.objects.filter(event=event)
        .exclude(status=RegistrationStatus.CANCELLED)
        .values("person__organization__municipality__name")
        .annotate(
            registered=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED)),
            waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
            attended=Count("pk", filter=Q(attended_at__isnull=False)),
        )
        .order_by()
    )
    for r in registrations:
        target = row(r["person__organization__municipality__name"])
        target.update(registered=r["registered"], waitlisted=r["waitlisted"], attended=r["attended"])
    certificates = (
        Certificate.objects.filter(event=event)
        .values("person__organization__municipality__name")
        .annotate(n=Count("person", distinct=True))
        .order_by()
    )
    for c in certificates:
        row(c["person__organization__municipality__name"])["certificates"] = c["n"]
    return sorted(rows.values(), key=lambda r: r["municipality"])
