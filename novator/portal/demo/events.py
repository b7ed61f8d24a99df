"""Demo events: the municipal conference of 2022 from the source document with its sections, talks,
attendees and certificates; two upcoming seminars; the networks of the МЛСВ holders with their 2023/24
plans. Idempotent: events are found by title, networks by leader; a second run creates nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from novator.events import services as event_services
from novator.events.models import Event, EventKind, EventLevel

if TYPE_CHECKING:
    from .loader import DemoContext

CONFERENCE_TITLE = (
    "Инновационная деятельность в системе образования Выселковского района: результаты и новые решения "
    "в контексте национального проекта «Образование»"
)

# (section title, [(talk title, abstract, speaker keys)])
CONFERENCE_PROGRAMME: list[tuple[str, list[tuple[str, str, tuple[str, ...]]]]] = [
    (
        "Пленарное заседание",
        [
            (
                "Инновационная инфраструктура Выселковского района: "
                "итоги I этапа краевой инновационной площадки",
                "Система управленческих действий по включению педагогических коллективов в инновационный "
                "процесс; методические инструменты и тиражирование методического продукта.",
                ("imc-head",),
            ),
            (
                "Развитие инновационного потенциала образовательных организаций: новые решения",
                "Конкурсы на статус МЛСВ и МИП как механизм межмуниципального взаимодействия.",
                ("imc-methodist",),
            ),
        ],
    ),
    (
        "Секция 1. Общее образование: проекты и результаты",
        [
            (
                "Функциональная грамотность: опыт школьной инновационной команды",
                "Результаты инновационного проекта, диагностика и методические материалы для учителей.",
                ("school1-deputy", "school1-math"),
            ),
            (
                "Проектная деятельность на уроках истории",
                "Практики вовлечения обучающихся в исследовательские проекты по краеведению.",
                ("school16-history",),
            ),
        ],
    ),
    (
        "Секция 2. Дошкольное образование: инновационные практики",
        [
            (
                "STEM-образование детей дошкольного возраста",
                "Опыт реализации образовательного модуля и его тиражирование в детских садах района.",
                ("dou5-senior",),
            ),
            (
                "Сетевое взаимодействие дошкольных организаций",
                "Формы взаимодействия с партнёрами и родительским сообществом.",
                ("dou14-senior",),
            ),
        ],
    ),
]
CONFERENCE_ATTENDEES = (
    "school1-head",
    "school1-teacher",
    "school12-head",
    "school12-deputy",
    "school16-head",
    "dou5-head",
    "dou5-teacher",
    "dou14-head",
    "imc-preschool",
    "school3-expert",
)


@dataclass(frozen=True)
class SeminarSpec:
    title: str
    kind: str
    organizer: str
    in_days: int
    place: str
    link: str
    capacity: int
    audience: str


SEMINARS = (
    SeminarSpec(
        "Формирование функциональной грамотности: открытые уроки школы-лидера",
        EventKind.SEMINAR,
        "vyselki-school-1",
        14,
        "ст. Выселки, МБОУ СОШ № 1",
        "",
        25,
        "учителя и заместители руководителей общеобразовательных организаций",
    ),
    SeminarSpec(
        "STEM в детском саду: мастер-класс для воспитателей",
        EventKind.MASTER_CLASS,
        "vyselki-dou-5",
        28,
        "",
        "https://example.org/webinar/stem",
        40,
        "воспитатели и старшие воспитатели дошкольных организаций",
    ),
)


def _moscow(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _load_conference(ctx: DemoContext) -> None:
    imc = ctx.organizations.get("vyselki-imc")
    if imc is None:
        ctx.log("  events: no ИМЦ in the demo registry, the conference is skipped")
        return
    sections = [
        event_services.SectionSpec(
            title=title,
            talks=[
                event_services.TalkSpec(
                    title=t,
                    abstract=a,
                    speakers=[ctx.people[k] for k in keys if k in ctx.people],
                    accepted=True,  # the abstracts make up the proceedings of the conference
                )
                for t, a, keys in talks
            ],
        )
        for title, talks in CONFERENCE_PROGRAMME
    ]
    day = datetime.date(2022, 4, 27)
    event = event_services.event_create(
        actor=None,
        organizers=[imc],
        sections=sections,
        is_demo=True,
        title=CONFERENCE_TITLE,
        kind=EventKind.CONFERENCE,
        level=EventLevel.MUNICIPAL,
        starts_at=_moscow(day, 10),
        ends_at=_moscow(day, 15),
        place="ст-ца Выселки, МКУ «ИМЦ»",
        audience="руководители, заместители руководителей и педагоги образовательных организаций района",
        description="Муниципальная образовательная конференция по итогам I этапа (2021/22 уч. г.) "
        "краевой инновационной площадки.",
        capacity=120,
    )
    ctx.made("events", event)
    _attach_programme(event)
    attendees = [ctx.people[k] for k in CONFERENCE_ATTENDEES if k in ctx.people]
    event_services.attendance_record(actor=None, event=event, people=attendees)
    certificates = event_services.certificates_issue(actor=None, event=event)
    ctx.created["certificates"] += len(certificates)
    from novator.events import proceedings

    proceedings.build(event)  # the сборник of the accepted abstracts, as the organiser's job would


def _attach_programme(event: Event) -> None:
    """The printed programme as a public material, and the presentation of the plenary talk for the
    participants only."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .pdf import minimal_pdf

    programme = minimal_pdf(["Municipal conference, 27.04.2022", "Programme: plenary session, 2 sections"])
    event_services.material_add(
        actor=None,
        event=event,
        title="Программа конференции",
        upload=SimpleUploadedFile("programme.pdf", programme, content_type="application/pdf"),
    )
    plenary = event.sections.order_by("order", "pk").first()
    talk = plenary.talks.order_by("order", "pk").first() if plenary else None
    if talk is not None:
        slides = minimal_pdf(["Innovation infrastructure of the district", "Results of stage I"])
        event_services.material_add(
            actor=None,
            event=event,
            talk=talk,
            title="Презентация пленарного доклада",
            upload=SimpleUploadedFile("slides.pdf", slides, content_type="application/pdf"),
            is_public=False,
        )


def load_events(ctx: DemoContext) -> None:
    """The conference of 2022, the upcoming seminars, then the networks of the МЛСВ holders."""
    _load_event_list(ctx)
    load_networks(ctx)


def _load_event_list(ctx: DemoContext) -> None:
    titles = [CONFERENCE_TITLE, *(s.title for s in SEMINARS)]
    existing = set(Event.objects.filter(title__in=titles).values_list("title", flat=True))
    if CONFERENCE_TITLE not in existing:
        _load_conference(ctx)
    today = timezone.localdate()
    for spec in SEMINARS:
        organizer = ctx.organizations.get(spec.organizer)
        if spec.title in existing or organizer is None:
            continue
        day = today + datetime.timedelta(days=spec.in_days)
        event = event_services.event_create(
            actor=None,
            organizers=[organizer],
            is_demo=True,
            title=spec.title,
            kind=spec.kind,
            level=EventLevel.MUNICIPAL,
            starts_at=_moscow(day, 14),
            ends_at=_moscow(day, 16, 30),
            place=spec.place,
            link=spec.link,
            audience=spec.audience,
            capacity=spec.capacity,
            registration_closes_at=_moscow(day - datetime.timedelta(days=1), 18),
        )
        ctx.made("events", event)


NETWORK_PLAN_2023 = (
    (datetime.date(2023, 10, 18), "Установочный семинар сети: план совместной работы на 2023/24 учебный год"),
    (datetime.date(2024, 1, 24), "Мастер-классы педагогов организации-лидера для партнёров"),
    (datetime.date(2024, 3, 20), "Открытые занятия в организациях-партнёрах"),
    (datetime.date(2024, 5, 15), "Круглый стол: итоги работы сети за 2023/24 учебный год"),
)


def load_networks(ctx: DemoContext) -> None:
    """A network for each МЛСВ holder of the demo (skipped when there are none), with two partners of
    the same kind and the 2023/24 plan."""
    from novator.networks import services as network_services
    from novator.networks.models import Network
    from novator.statuses.models import StatusAssignment

    holders = list(
        StatusAssignment.objects.filter(kind__code="MLSV", organization__in=list(ctx.organizations.values()))
        .select_related("organization")
        .order_by("organization__short_name", "starts_on")
    )
    if not holders:
        ctx.log("  networks: no МЛСВ holders yet, skipped")
        return
    led = set(
        Network.objects.filter(leader__in=[h.organization_id for h in holders]).values_list(
            "leader_id", flat=True
        )
    )
    for status in holders:
        leader = status.organization
        if leader.pk in led:
            continue
        led.add(leader.pk)
        network = network_services.network_create(
            actor=None,
            leader=leader,
            leader_status=status,
            topic=status.project_title or f"Сетевое взаимодействие: {leader.short_name}",
            description="Сеть муниципального лидера сетевого взаимодействия и организаций-партнёров.",
            is_demo=True,
        )
        ctx.made("networks", network)
        partners = [
            o
            for key, o in sorted(ctx.organizations.items())
            if o.pk != leader.pk and o.kind == leader.kind and o.municipality_id == leader.municipality_id
        ][:2]
        for organization in partners:
            partnership = network_services.partner_invite(
                actor=None, network=network, organization=organization
            )
            network_services.partnership_answer(actor=None, partnership=partnership, confirm=True)
        for day, title in NETWORK_PLAN_2023:
            network_services.plan_item_add(actor=None, network=network, title=title, planned_on=day)
