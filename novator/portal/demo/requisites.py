"""The requisites of the demo's issuing bodies: the education authorities of Vyselki, Tikhoretsk and
Korenovsk, Vyselki's ИМЦ and the region's ministry (people and phones are invented)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from novator.documents import selectors, services
from novator.documents.models import BodyKind, Requisites

if TYPE_CHECKING:
    from .loader import DemoContext


# (kind, municipality key or None for the region, data)
REQUISITES: tuple[tuple[str, str | None, dict[str, str]], ...] = (
    (
        BodyKind.AUTHORITY,
        "vyselki",
        {
            "full_name": "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ МУНИЦИПАЛЬНОГО ОБРАЗОВАНИЯ ВЫСЕЛКОВСКИЙ РАЙОН",
            "short_name": "Управление образования администрации МО Выселковский район",
            "place": "ст-ца Выселки",
            "head_position": "Начальник управления образования",
            "head_name": "Коваленко Ирина Викторовна",
            "preparer_position": "Директор МКУ «ИМЦ»",
            "preparer_name": "Сердюк Наталья Александровна",
            "preparer_phone": "8 (86157) 7-34-12",
        },
    ),
    (
        BodyKind.IMC,
        "vyselki",
        {
            "full_name": "МУНИЦИПАЛЬНОЕ КАЗЁННОЕ УЧРЕЖДЕНИЕ «ИНФОРМАЦИОННО-МЕТОДИЧЕСКИЙ ЦЕНТР» "
            "МУНИЦИПАЛЬНОГО ОБРАЗОВАНИЯ ВЫСЕЛКОВСКИЙ РАЙОН",
            "short_name": "МКУ «ИМЦ»",
            "place": "ст-ца Выселки",
            "head_position": "Директор",
            "head_name": "Сердюк Наталья Александровна",
            "preparer_position": "Методист",
            "preparer_name": "Гончаренко Светлана Юрьевна",
            "preparer_phone": "8 (86157) 7-35-08",
        },
    ),
    (
        BodyKind.AUTHORITY,
        "tikhoretsk",
        {
            "full_name": "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ МУНИЦИПАЛЬНОГО ОБРАЗОВАНИЯ ТИХОРЕЦКИЙ РАЙОН",
            "short_name": "Управление образования администрации МО Тихорецкий район",
            "place": "г. Тихорецк",
            "head_position": "Начальник управления образования",
            "head_name": "Лысенко Андрей Николаевич",
            "preparer_position": "Главный специалист управления образования",
            "preparer_name": "Дорошенко Елена Викторовна",
            "preparer_phone": "8 (86196) 7-21-54",
        },
    ),
    (
        BodyKind.AUTHORITY,
        "korenovsk",
        {
            "full_name": "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ МУНИЦИПАЛЬНОГО ОБРАЗОВАНИЯ КОРЕНОВСКИЙ РАЙОН",
            "short_name": "Управление образования администрации МО Кореновский район",
            "place": "г. Кореновск",
            "head_position": "Начальник управления образования",
            "head_name": "Черных Татьяна Петровна",
            "preparer_position": "Ведущий специалист управления образования",
            "preparer_name": "Мирошниченко Олег Иванович",
            "preparer_phone": "8 (86142) 4-11-37",
        },
    ),
    (
        BodyKind.MINISTRY,
        None,
        {
            "full_name": "МИНИСТЕРСТВО ОБРАЗОВАНИЯ И НАУКИ КРАСНОДАРСКОГО КРАЯ",
            "short_name": "Министерство образования и науки Краснодарского края",
            "place": "г. Краснодар",
            "head_position": "Министр",
            "head_name": "Тимошенко Елена Васильевна",
            "preparer_position": "Начальник отдела инновационной деятельности",
            "preparer_name": "Кравченко Марина Сергеевна",
            "preparer_phone": "8 (861) 298-25-73",
        },
    ),
)


def load_requisites(ctx: DemoContext) -> None:
    assert ctx.region is not None
    existing = {(r.kind, r.municipality_id, r.region_id) for r in Requisites.objects.all()}
    for kind, key, data in REQUISITES:
        municipality = ctx.municipalities[key] if key else None
        region = None if key else ctx.region
        if (kind, municipality.pk if municipality else None, region.pk if region else None) in existing:
            continue
        requisites = selectors.requisites_for(kind=kind, municipality=municipality, region=region)
        services.requisites_save(actor=None, requisites=requisites, data=data)
        ctx.made("requisites", requisites)


def load_contest_orders(ctx: DemoContext) -> None:
    """The orders that announced the demo's status contests (and approved their regulations), registered
    in the authority's journal, so that the results orders cite them."""
    from novator.contests.models import Contest
    from novator.documents.models import OrderPurpose, OutgoingOrder

    contests = Contest.objects.filter(
        status_kind__isnull=False, organiser_municipality__in=list(ctx.municipalities.values())
    ).select_related("organiser_municipality")
    registered = set(
        OutgoingOrder.objects.filter(purpose=OrderPurpose.ANNOUNCEMENT).values_list("subject_id", flat=True)
    )
    for contest in contests.order_by("opens_at", "pk"):
        if contest.pk in registered:
            continue
        requisites = selectors.requisites_for(
            kind=BodyKind.AUTHORITY, municipality=contest.organiser_municipality
        )
        if requisites.pk is None:
            continue
        order = services.outgoing_order_register(
            actor=None,
            requisites=requisites,
            date=timezone.localdate(contest.opens_at),
            title=f"О проведении конкурса «{contest.title}»",
            subject=contest,
            purpose=OrderPurpose.ANNOUNCEMENT,
        )
        ctx.made("orders", order)
