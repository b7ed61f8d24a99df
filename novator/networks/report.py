"""The annual report of a network (DOCX, docxtpl, template in `docx/annual_report.docx`): for one
academic year the plan against the events held, their dates and participants, and the partners reached.
It is part of the leader's reporting; the leader's coordinator, the methodologist of its municipality
and administrators download it.

A few queries and one small document: rendered in the request (well under a second for a year's plan).
"""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils import timezone
from docxtpl import DocxTemplate

from novator.core.academic_year import AcademicYear
from novator.events.models import Registration, RegistrationStatus

from .models import Network, PartnerState

TEMPLATE = Path(__file__).resolve().parent / "docx" / "annual_report.docx"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STATE_RU = {
    PartnerState.INVITED: "приглашена, ответа нет",
    PartnerState.CONFIRMED: "подтвердила",
    PartnerState.DECLINED: "отказалась",
}


def _d(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _plan_rows(
    items: list[Any], now: Any, confirmed: set[int], names: dict[int, str]
) -> tuple[list[dict[str, Any]], set[int], set[int]]:
    """The rows of the plan with the attendance of its held events; the people who attended any, and the
    confirmed partners reached."""
    held_events = [i.event_id for i in items if i.event is not None and i.event.ends_at < now]
    attended = Registration.objects.filter(
        Q(event_id__in=held_events),
        status=RegistrationStatus.REGISTERED,
        attended_at__isnull=False,
    ).values_list("event_id", "person_id", "person__organization_id")
    people: dict[int, set[int]] = defaultdict(set)
    orgs: dict[int, set[int]] = defaultdict(set)
    for event_id, person_id, org_id in attended:
        people[event_id].add(person_id)
        orgs[event_id].add(org_id)
    rows = []
    all_people: set[int] = set()
    reached: set[int] = set()
    for number, item in enumerate(items, start=1):
        held = item.event is not None and item.event.ends_at < now
        partner_ids = (orgs[item.event_id] & confirmed) if held and item.event_id else set()
        reached |= partner_ids
        if held and item.event_id:
            all_people |= people[item.event_id]
        rows.append(
            {
                "number": number,
                "title": item.title,
                "planned_on": _d(item.planned_on),
                "held_on": _d(timezone.localdate(item.event.starts_at)) if held and item.event else "",
                "event": item.event.title if item.event else "",
                "participants": len(people[item.event_id]) if held and item.event_id else 0,
                "partners": ", ".join(sorted(names[o] for o in partner_ids)),
            }
        )
    return rows, all_people, reached


def by_municipality(network: Network, academic_year: int) -> list[dict[str, Any]]:
    """Partners and events by municipality for one academic year (a network across the border): per
    district of the leader and of the partners — partners that confirmed (signed the agreement) and those
    not yet, the network's held events attended from the district and the people who attended (one query
    when the partnerships and the plan come prefetched, as on the network's page; three without)."""
    now = timezone.now()
    partnerships = list(network.partnerships.all())
    leader_municipality = network.leader.municipality
    names: dict[int, str] = {leader_municipality.pk: leader_municipality.name}
    confirmed: dict[int, int] = defaultdict(int)
    pending: dict[int, int] = defaultdict(int)
    for p in partnerships:
        municipality = p.organization.municipality
        names[municipality.pk] = municipality.name
        if p.state == PartnerState.CONFIRMED:
            confirmed[municipality.pk] += 1
        elif p.state == PartnerState.INVITED:
            pending[municipality.pk] += 1
    # the plan comes prefetched (with its events) from the page's selector: no query then
    held = {
        i.event_id
        for i in network.plan_items.all()
        if i.academic_year == academic_year and i.event is not None and i.event.ends_at < now
    }
    attended = (
        Registration.objects.filter(
            event_id__in=held, status=RegistrationStatus.REGISTERED, attended_at__isnull=False
        ).values_list(
            "event_id",
            "person_id",
            "person__organization__municipality_id",
            "person__organization__municipality__name",
        )
        if held
        else []
    )
    events: dict[int, set[int]] = defaultdict(set)
    people: dict[int, set[int]] = defaultdict(set)
    for event_id, person_id, municipality_id, name in attended:
        if municipality_id is None:
            continue
        names.setdefault(municipality_id, name)
        events[municipality_id].add(event_id)
        people[municipality_id].add(person_id)
    rows = [
        {
            "municipality": names[m],
            "leader": m == leader_municipality.pk,
            "partners_confirmed": confirmed[m],
            "partners_pending": pending[m],
            "events": len(events[m]),
            "participants": len(people[m]),
        }
        for m in names
    ]
    rows.sort(key=lambda r: (not r["leader"], r["municipality"]))
    return rows


def context(network: Network, academic_year: int) -> dict[str, Any]:
    year = AcademicYear(academic_year)
    now = timezone.now()
    items = list(
        network.plan_items.filter(academic_year=academic_year)
        .select_related("event")
        .order_by("planned_on", "pk")
    )
    partnerships = list(
        network.partnerships.select_related("organization__municipality", "agreement").order_by(
            "organization__short_name", "pk"
        )
    )
    confirmed = {p.organization_id for p in partnerships if p.state == PartnerState.CONFIRMED}
    names = {p.organization_id: p.organization.short_name for p in partnerships}
    rows, all_people, reached = _plan_rows(items, now, confirmed, names)
    status = network.leader_status
    agreements = [
        a
        for a in network.agreements.order_by("signed_on", "pk")
        if a.valid_from <= year.ends and a.valid_to >= year.starts
    ]
    return {
        "topic": network.topic,
        "year": str(year),
        "leader": network.leader.full_name or network.leader.short_name,
        "municipality": network.leader.municipality.name,
        "status": (
            f"{status.kind.name} ({_d(status.starts_on)} — {_d(status.ends_on)})"
            if status is not None
            else ""
        ),
        "agreements": [
            {
                "number": a.number,
                "signed_on": _d(a.signed_on),
                "valid_from": _d(a.valid_from),
                "valid_to": _d(a.valid_to),
            }
            for a in agreements
        ],
        "planned": len(items),
        "held": sum(1 for r in rows if r["held_on"]),
        "participants": len(all_people),
        "partners_confirmed": len(confirmed),
        "partners_invited": len(partnerships),
        "partners_reached": len(reached),
        "items": rows,
        "partners": [
            {
                "number": n,
                "name": p.organization.short_name,
                "municipality": p.organization.municipality.name,
                "state": STATE_RU[PartnerState(p.state)]
                + (f", соглашение № {p.agreement.number}" if p.agreement is not None else ""),
                "reached": "да" if p.organization_id in reached else "нет",
            }
            for n, p in enumerate(partnerships, start=1)
        ],
        "generated_on": _d(timezone.localdate()),
        "municipalities": [
            {**row, "leader": "лидер" if row["leader"] else ""}
            for row in by_municipality(network, academic_year)
        ],
    }


def render_docx(network: Network, academic_year: int) -> bytes:
    document = DocxTemplate(str(TEMPLATE))
    document.render(context(network, academic_year), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
