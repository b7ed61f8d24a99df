"""The demo across districts (issue #21): the 2022 municipal conference with participants from the
neighbouring Tikhoretsk and Korenovsk districts, and a network of a Vyselki МЛСВ leader that takes a
partner across the border (the agreement in force accepted by the partner's confirmation).

Idempotent and cheap on a second run: two look-ups find everything made already."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from novator.events import services as event_services
from novator.events.models import Event, Registration

from .events import CONFERENCE_TITLE

if TYPE_CHECKING:
    from .loader import DemoContext

#: ОКТМО of the neighbouring districts of the demo (registry.MUNICIPALITIES)
NEIGHBOURS = ("03654000", "03621000")

#: guests of the conference from the neighbouring districts: (organisation key, last, first, middle, post)
CONFERENCE_GUESTS = (
    ("tikhoretsk-school-1", "Лысенко", "Ольга", "Викторовна", "заместитель директора по УВР"),
    ("tikhoretsk-school-1", "Бондаренко", "Илья", "Сергеевич", "учитель информатики"),
    ("korenovsk-school-1", "Гайдамака", "Светлана", "Петровна", "заместитель директора по НМР"),
    ("korenovsk-school-8", "Рябоконь", "Татьяна", "Алексеевна", "учитель начальных классов"),
)

#: the partners across the border, in order of preference (the first of the leader's kind is taken)
CROSS_BORDER_PARTNERS = ("tikhoretsk-school-1", "korenovsk-school-1", "tikhoretsk-school-27")

#: the network's agreement (соглашение о сетевом взаимодействии): number, signed, valid from, valid to
AGREEMENT_NUMBER = "СВ-2023/1"
AGREEMENT_TERM = (datetime.date(2023, 9, 1), datetime.date(2023, 9, 1), datetime.date(2027, 8, 31))


def load_cross_border(ctx: DemoContext) -> None:
    _conference_guests(ctx)
    _network_across_border(ctx)


def _conference_guests(ctx: DemoContext) -> None:
    from novator.organizations import services as org_services
    from novator.organizations.models import Person

    if Registration.objects.filter(
        event__title=CONFERENCE_TITLE, person__organization__municipality__oktmo__in=NEIGHBOURS
    ).exists():
        return
    conference = Event.objects.filter(title=CONFERENCE_TITLE).first()
    if conference is None:
        ctx.log("  cross-border: no conference, its guests are skipped")
        return
    guests = []
    for org_key, last, first, middle, position in CONFERENCE_GUESTS:
        organization = ctx.organizations.get(org_key)
        if organization is None:
            continue
        person = Person.objects.filter(
            organization=organization, last_name=last, first_name=first, middle_name=middle
        ).first()
        if person is None:
            person = org_services.person_create(
                actor=None,
                data={
                    "organization": organization,
                    "last_name": last,
                    "first_name": first,
                    "middle_name": middle,
                    "position": position,
                    "processing_consent_on": datetime.date(2022, 4, 20),
                },
                is_demo=True,
            )
            ctx.made("staff", person)
        guests.append(person)
    if guests:
        event_services.attendance_record(actor=None, event=conference, people=guests)
        ctx.created["certificates"] += len(event_services.certificates_issue(actor=None, event=conference))


def _network_across_border(ctx: DemoContext) -> None:
    from novator.networks import services as network_services
    from novator.networks.models import Network, Partnership

    if Partnership.objects.filter(
        network__is_demo=True, organization__municipality__oktmo__in=NEIGHBOURS
    ).exists():
        return
    network = (
        Network.objects.filter(is_demo=True, leader__municipality__oktmo="03612000")
        .select_related("leader__municipality")
        .order_by("pk")
        .first()
    )
    if network is None:
        ctx.log("  cross-border: no network of a Vyselki leader, skipped")
        return
    candidates = [ctx.organizations[k] for k in CROSS_BORDER_PARTNERS if k in ctx.organizations]
    if not candidates:
        return
    partner = next((o for o in candidates if o.kind == network.leader.kind), candidates[0])
    if network_services.agreement_in_force(network) is None:
        signed_on, valid_from, valid_to = AGREEMENT_TERM
        network_services.agreement_add(
            actor=None,
            network=network,
            number=AGREEMENT_NUMBER,
            signed_on=signed_on,
            valid_from=valid_from,
            valid_to=valid_to,
        )
    partnership = network_services.partner_invite(actor=None, network=network, organization=partner)
    network_services.partnership_answer(actor=None, partnership=partnership, confirm=True)
    ctx.made("networks across the border", partnership)
