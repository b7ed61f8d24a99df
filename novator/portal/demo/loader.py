"""Loading the demo data step by step, idempotently.

Each step takes the `DemoContext`, finds what already exists with one query, creates only what is
missing through the services (`actor=None`, the system, so the activity log records it) and never
changes what exists: an operator may have edited the demo records. A second run therefore costs one
query per step.

Later apps add their own steps to `STEPS` (after the ones they depend on). A step finds the
organisations, staff and accounts made before it in `ctx.organizations`, `ctx.people` and `ctx.users`,
by the keys of `registry.py`, and counts what it creates in `ctx.created`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from novator.accounts import services as account_services
from novator.accounts.models import User
from novator.organizations import services as org_services
from novator.organizations.models import Municipality, Organization, Person, Region

from . import registry
from .contests import load_contests, load_experts
from .events import load_events
from .library import load_library
from .monitoring import load_monitoring
from .professional import load_professional
from .projects import load_projects
from .region import load_imc_kip, load_intermunicipal_contest, load_region_accounts
from .requisites import load_contest_orders, load_requisites
from .xborder import load_cross_border


class DemoDisabled(Exception):
    """Demo data is refused where `settings.NOVATOR_DEMO` is False (production)."""


@dataclass
class DemoContext:
    log: Callable[[str], None] = print
    region: Region | None = None
    municipalities: dict[str, Municipality] = field(default_factory=dict)  # by MunicipalitySpec.key
    organizations: dict[str, Organization] = field(default_factory=dict)  # by OrgSpec.key
    people: dict[str, Person] = field(default_factory=dict)  # by PersonSpec.key
    users: dict[str, User] = field(default_factory=dict)  # by username
    created: Counter[str] = field(default_factory=Counter)

    def made(self, what: str, obj: object) -> None:
        self.created[what] += 1
        self.log(f"  + {what}: {obj}")


Step = Callable[[DemoContext], None]


def load_region(ctx: DemoContext) -> None:
    region = Region.objects.filter(code=registry.REGION_CODE).first()
    if region is None:
        region = org_services.region_get_or_create(
            actor=None, code=registry.REGION_CODE, name=registry.REGION_NAME
        )
        ctx.made("regions", region)
    ctx.region = region


def load_municipalities(ctx: DemoContext) -> None:
    assert ctx.region is not None
    specs = registry.MUNICIPALITIES
    existing = Municipality.objects.filter(
        Q(oktmo__in=[s.oktmo for s in specs]) | Q(region=ctx.region, name__in=[s.name for s in specs])
    )
    by_oktmo = {m.oktmo: m for m in existing}
    by_name = {(m.region_id, m.name): m for m in by_oktmo.values()}
    for spec in specs:
        municipality = by_oktmo.get(spec.oktmo) or by_name.get((ctx.region.pk, spec.name))
        if municipality is None:
            municipality = org_services.municipality_create(
                actor=None, region=ctx.region, name=spec.name, oktmo=spec.oktmo
            )
            ctx.made("municipalities", municipality)
        ctx.municipalities[spec.key] = municipality


def load_organizations(ctx: DemoContext) -> None:
    """Organisations are matched by ИНН, by ОГРН, or by short name within the municipality."""
    specs = registry.ORGANIZATIONS
    identifiers = [(s, s.inn, s.ogrn) for s in specs]
    existing = Organization.objects.filter(
        Q(inn__in=[inn for _, inn, _ in identifiers])
        | Q(ogrn__in=[ogrn for _, _, ogrn in identifiers])
        | Q(
            municipality__in=[m.pk for m in ctx.municipalities.values()],
            short_name__in=[s.short_name for s in specs],
        )
    )
    by_inn = {o.inn: o for o in existing}
    by_ogrn = {o.ogrn: o for o in by_inn.values()}
    by_name = {(o.municipality_id, o.short_name): o for o in by_inn.values()}
    for spec, inn, ogrn in identifiers:
        municipality = ctx.municipalities[spec.municipality]
        org = by_inn.get(inn) or by_ogrn.get(ogrn) or by_name.get((municipality.pk, spec.short_name))
        if org is None:
            data = {
                "municipality": municipality,
                "full_name": spec.full_name,
                "short_name": spec.short_name,
                "kind": spec.kind,
                "subtype": spec.subtype,
                "inn": inn,
                "ogrn": ogrn,
                "kpp": spec.kpp,
                "address": spec.address,
                "head_name": spec.head_name,
                "head_position": spec.head_position,
                "phone": spec.phone,
                "email": spec.email,
                "parent": ctx.organizations[spec.parent] if spec.parent else None,
            }
            org = org_services.organization_create(actor=None, data=data, is_demo=True)
            ctx.made("organizations", org)
        ctx.organizations[spec.key] = org


def load_staff(ctx: DemoContext) -> None:
    """Staff are matched by organisation and full name."""
    specs = registry.STAFF
    existing = Person.objects.filter(organization__in={ctx.organizations[s.organization].pk for s in specs})
    by_name = {(p.organization_id, p.last_name, p.first_name, p.middle_name): p for p in existing}
    for spec in specs:
        organization = ctx.organizations[spec.organization]
        person = by_name.get((organization.pk, spec.last_name, spec.first_name, spec.middle_name))
        if person is None:
            data = {
                "organization": organization,
                "last_name": spec.last_name,
                "first_name": spec.first_name,
                "middle_name": spec.middle_name,
                "position": spec.position,
                "email": spec.email,
                "processing_consent_on": spec.processing_consent_on,
                "publication_consent_on": spec.publication_consent_on,
            }
            person = org_services.person_create(actor=None, data=data, is_demo=True)
            ctx.made("staff", person)
        ctx.people[spec.key] = person


def load_accounts(ctx: DemoContext) -> None:
    """One account per role. An existing username is left alone (its password, roles and all)."""
    specs = registry.ACCOUNTS
    existing = {u.username: u for u in User.objects.filter(username__in=[s.username for s in specs])}
    for spec in specs:
        user = existing.get(spec.username)
        if user is None:
            user = account_services.user_create(
                actor=None,
                username=spec.username,
                password=registry.DEMO_PASSWORD,
                email=spec.email,
                first_name=spec.first_name,
                last_name=spec.last_name,
                middle_name=spec.middle_name,
                is_superuser=spec.is_superuser,
            )
            account_services.role_grant(
                actor=None,
                user=user,
                role=spec.role,
                region=ctx.region if spec.region else None,
                municipality=ctx.municipalities[spec.municipality] if spec.municipality else None,
                organization=ctx.organizations[spec.organization] if spec.organization else None,
            )
            person = ctx.people.get(spec.person) if spec.person else None
            if person is not None and person.user_id is None:
                org_services.person_link_user(actor=None, person=person, user=user)
            ctx.made("accounts", user)
        ctx.users[spec.username] = user


#: The steps in order. Later apps append theirs (contests, statuses, projects, events …).
STEPS: list[Step] = [
    load_region,
    load_municipalities,
    load_organizations,
    load_staff,
    load_accounts,
    # the requisites of the issuing bodies (requisites.py), before any document is made
    load_requisites,
    # the status contests (contests.py): expert accounts, stage II of 2022/23, the open contest
    load_experts,
    load_contests,
    load_contest_orders,  # the orders announcing the status contests, in the journal (requisites.py)
    load_professional,  # «Учитель года — 2024», «Воспитатель года — 2024» (professional.py)
    # the 2022 conference, upcoming seminars, the МЛСВ leaders' networks (events.py)
    load_events,
    # guests of the conference from the neighbouring districts, a network across the border (xborder.py)
    load_cross_border,
    # the library of methodological products and their adoptions (library.py)
    load_library,
    # the programme of the regional platform, projects, reports, surveys, roadmaps (projects.py)
    load_projects,
    # three academic years of monitoring values, recomputed and published (monitoring.py)
    load_monitoring,
    # stage III, the inter-municipal level (region.py): after the monitoring, whose 2021–2024 figures
    # stay those of the source document
    load_region_accounts,
    load_intermunicipal_contest,
    load_imc_kip,
]


def load_demo(*, log: Callable[[str], None] | None = None) -> DemoContext:
    """Run every step in one transaction; returns the context with the counts of what was created."""
    if not settings.NOVATOR_DEMO:
        raise DemoDisabled("NOVATOR_DEMO is off")
    ctx = DemoContext(log=log or (lambda message: None))
    with transaction.atomic():
        for step in STEPS:
            step(ctx)
    return ctx
