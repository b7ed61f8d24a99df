"""The writes of the permission matrix: each one asked with real data as every role, and checked by its
effect — who changed the thing, who was refused with a message, who found the door shut.

The URL matrix (`permission_matrix.py`) sends each URL with no data, which shows who gets through the
door but not what a service then lets them change. Here every write that must stay in its owner's
hands is sent as it would be from the page or the API: region-wide settings (the monitoring's
publication, weights, catalogue and recomputation) belong to administrators; an expert's profile to the
methodologists of the expert's municipality; a branch to its parent's municipality; a data campaign
and its approval to the organisation's municipality; and registering someone answers the same whether
they are registered already or not. In the world (world.py) methodologist_x is of «Выселковский
район» (org_a, the teacher, expert_conflicted's profile «expert_x»), methodologist_y of «Тихорецкий
район» (org_b, expert_assigned's profile «expert»).

Each case:
  url     — the URL name with its kwargs ("@name" as in the matrix), or a callable (world, ctx) → path;
  data    — the body (a callable (world, ctx) → dict); `api` sends it as JSON, `method` is post/patch;
  setup   — (optional) builds what the case needs inside the request's transaction; returns ctx;
  changed — (world, ctx) → whether the write took effect;
  allow   — the roles whose write takes effect;
  refused — the roles that get through the door but change nothing (a form or a 400 with the reason);
            every other role must find the door shut (401, 403, 404, a redirect to a login page).
Everything is rolled back after each request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .world import World

Ctx = dict[str, Any]


@dataclass(frozen=True)
class Write:
    name: str
    url: str | Callable[[World, Ctx], str]
    data: Callable[[World, Ctx], dict[str, Any]]
    changed: Callable[[World, Ctx], bool]
    allow: tuple[str, ...]
    refused: tuple[str, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    setup: Callable[[World], Ctx] | None = None
    api: bool = False
    method: str = "post"


# --- monitoring: region-wide settings ------------------------------------------------------------------

YEAR = "2024/25"


def _published_year(world: World) -> Ctx:
    from django.utils import timezone

    from novator.monitoring.models import MonitoringYear

    return {
        "year": MonitoringYear.objects.create(academic_year=YEAR, computed_at=timezone.now(), published=True)
    }


def _catalogue(world: World) -> Ctx:
    from novator.monitoring.models import IndexWeightChange
    from novator.monitoring.tests.factories import catalogue

    catalogue()
    return {"weights": IndexWeightChange.objects.count()}


def _weights(world: World, ctx: Ctx) -> dict[str, Any]:
    data: dict[str, Any] = {"note": "всё на сети"}
    for code in ("involved_share", "partners"):
        data |= {f"{code}__weight": "1", f"{code}__lower": "0", f"{code}__upper": "50"}
    return data


def _collected_element(world: World) -> Ctx:
    from novator.monitoring.models import DataElement, ElementSource

    return {
        "element": DataElement.objects.create(code="rooms", name="Кабинеты", source=ElementSource.COLLECTED)
    }


def _submitted_response(world: World) -> Ctx:
    from novator.monitoring.models import ResponseState

    response = world.objects["campaign_response"]
    type(response).objects.filter(pk=response.pk).update(state=ResponseState.SUBMITTED)
    return {}


def _response_state(world: World) -> str:
    response = world.objects["campaign_response"]
    return str(type(response).objects.get(pk=response.pk).state)


# --- expertise: expert profiles -----------------------------------------------------------------------


def _expert_org(name: str) -> Callable[[World, Ctx], int | None]:
    def read(world: World, ctx: Ctx) -> int | None:
        from novator.expertise.models import Expert

        return Expert.objects.get(pk=world.pk(name)).organization_id

    return read


# --- registry: branches ---------------------------------------------------------------------------------


def _new_branch(world: World, ctx: Ctx, parent: str) -> dict[str, Any]:
    from novator.organizations.identifiers import make_inn, make_ogrn

    return {
        "municipality": world.get("mun_x", "oktmo"),
        "full_name": "Филиал муниципального бюджетного общеобразовательного учреждения",
        "short_name": "Филиал МБОУ",
        "kind": "school",
        "subtype": "sosh",
        "inn": make_inn("2328", 4242),
        "ogrn": make_ogrn(1, "23", 4242),
        "parent": world.pk(parent),
    }


def _branches(parent: str) -> Callable[[World, Ctx], bool]:
    def read(world: World, ctx: Ctx) -> bool:
        from novator.organizations.models import Organization

        return Organization.objects.filter(parent_id=world.pk(parent), short_name="Филиал МБОУ").exists()

    return read


# --- events: registrations ------------------------------------------------------------------------------


def _new_person(world: World) -> Ctx:
    from novator.organizations.tests.factories import PersonFactory

    return {"person": PersonFactory(organization=world.objects["org_a"], consented=True)}


def _registered(world: World, ctx: Ctx) -> bool:
    from novator.events.models import Registration

    return Registration.objects.filter(event_id=world.pk("event"), person=ctx["person"]).exists()


WRITES: list[Write] = [
    Write(
        "monitoring: unpublish a year of the region",
        "monitoring:publish",
        setup=_published_year,
        data=lambda w, c: {"academic_year": YEAR, "published": "0"},
        changed=lambda w, c: not type(c["year"]).objects.get(pk=c["year"].pk).published,
        allow=("admin",),
    ),
    Write(
        "monitoring: change the weights of the index",
        "monitoring:manage",
        setup=_catalogue,
        data=_weights,
        changed=lambda w, c: _count("monitoring.IndexWeightChange") > c["weights"],
        allow=("admin",),
    ),
    Write(
        "monitoring: recompute a year of the region",
        "monitoring:recompute",
        setup=_published_year,
        data=lambda w, c: {"academic_year": YEAR},
        changed=lambda w, c: _count("core.Job", kind="monitoring.recompute") > 0,
        allow=("admin",),
    ),
    Write(
        "monitoring: add an indicator to the catalogue (the admin site)",
        "admin:monitoring_indicator_add",
        data=lambda w, c: {
            "code": "rooms_per_teacher",
            "name": "Кабинетов на педагога",
            "numerator": "rooms",
            "denominator": "teachers",
            "factor": "1",
            "direction": "higher",
            "position": "9",
        },
        changed=lambda w, c: _count("monitoring.Indicator", code="rooms_per_teacher") > 0,
        allow=("admin",),
    ),
    Write(
        "monitoring: a campaign for an organisation of Vyselki",
        "monitoring:campaign_create",
        setup=_collected_element,
        data=lambda w, c: {
            "title": "Сбор 2025/26",
            "academic_year": "2025/26",
            "due_on": "2026-06-01",
            "elements": ["rooms"],
            "organizations": [w.pk("org_a")],
        },
        changed=lambda w, c: _count("monitoring.Campaign", title="Сбор 2025/26") > 0,
        allow=("methodologist_x", "admin"),
        refused=("methodologist_y",),
    ),
    Write(
        "monitoring: approve the data of an organisation of Vyselki",
        "monitoring:response_transition",
        kwargs={"pk": "@campaign_response", "name": "approve"},
        setup=_submitted_response,
        data=lambda w, c: {"comment": ""},
        changed=lambda w, c: _response_state(w) == "approved",
        allow=("methodologist_x", "admin"),
    ),
    Write(
        "expertise: the profile of an expert of Tikhoretsk",
        "expertise:expert_edit",
        kwargs={"pk": "@expert"},
        data=lambda w, c: {"organization": w.pk("org_b"), "topics": "Краеведение"},
        changed=lambda w, c: _expert_org("expert")(w, c) == w.pk("org_b"),
        allow=("methodologist_y", "admin"),
    ),
    Write(
        "expertise: the profile of an expert of Vyselki",
        "expertise:expert_edit",
        kwargs={"pk": "@expert_x"},
        data=lambda w, c: {"organization": w.pk("org_a"), "topics": "Краеведение"},
        changed=lambda w, c: _expert_org("expert_x")(w, c) == w.pk("org_a"),
        allow=("methodologist_x", "admin"),
    ),
    Write(
        "expertise: the profile of an expert of Vyselki through the list's form",
        "expertise:experts",
        data=lambda w, c: {"user": w.users["expert_conflicted"].pk, "organization": w.pk("org_a")},
        changed=lambda w, c: _expert_org("expert_x")(w, c) == w.pk("org_a"),
        allow=("methodologist_x", "admin"),
        refused=("methodologist_y",),
    ),
    Write(
        "registry API: a branch in Vyselki of a school of Tikhoretsk",
        "organization-list",
        api=True,
        data=lambda w, c: _new_branch(w, c, "org_b"),
        changed=_branches("org_b"),
        allow=("admin",),
    ),
    Write(
        "registry API: a branch in Vyselki of a school of Vyselki",
        "organization-list",
        api=True,
        data=lambda w, c: _new_branch(w, c, "org_a"),
        changed=_branches("org_a"),
        allow=("methodologist_x", "admin"),
    ),
    Write(
        "registry API: a school of Vyselki made a branch of a school of Tikhoretsk",
        "organization-detail",
        kwargs={"pk": "@org_a"},
        api=True,
        method="patch",
        data=lambda w, c: {"parent": w.pk("org_b")},
        changed=lambda w, c: (
            _count("organizations.Organization", pk=w.pk("org_a"), parent_id=w.pk("org_b")) > 0
        ),
        allow=("admin",),
    ),
    Write(
        "events API: register someone registered already",
        "event-registration-list",
        api=True,
        setup=lambda w: {"person": w.objects["teacher_person"]},
        data=lambda w, c: {"event": w.pk("event"), "person": c["person"].pk},
        changed=lambda w, c: _count("events.Registration", event_id=w.pk("event")) > 1,
        allow=(),
        refused=("teacher", "coordinator_a", "methodologist_x", "admin"),
    ),
    Write(
        "events API: register someone not registered yet",
        "event-registration-list",
        api=True,
        setup=_new_person,
        data=lambda w, c: {"event": w.pk("event"), "person": c["person"].pk},
        changed=_registered,
        allow=("coordinator_a", "methodologist_x", "admin"),
    ),
]


def _count(label: str, **filters: Any) -> int:
    from django.apps import apps

    return int(apps.get_model(label).objects.filter(**filters).count())
