"""Demo steps of the status contests: the experts, stage II of the source document, one open contest.

Everything is written through the services of accounts, contests, expertise and statuses with
`actor=None` (the system), the historic contests with the `now=` of the workflow services, so the
windows, submissions, minutes and publication carry their 2022 dates. Publishing the results runs the
expertise app's hook, which awards the statuses: the register then holds the 5 МЛСВ and 3 МИП statuses
of stage II.

Like the other steps, each finds what exists with one query and creates only what is missing; a contest
that exists (by organiser, title and academic year) is never touched.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils import timezone, translation

from novator.accounts import services as account_services
from novator.accounts.models import Role, User
from novator.contests import services as contest_services
from novator.contests.models import (
    Application,
    ApplicationState,
    Category,
    Contest,
    ContestKind,
    ThresholdKind,
)
from novator.core.academic_year import AcademicYear
from novator.expertise import services as expertise_services
from novator.expertise.models import Assignment, Expert, ScoreSheet
from novator.organizations import services as org_services
from novator.organizations.models import OrganizationKind
from novator.statuses.defaults import ensure_default_kinds
from novator.statuses.models import StatusAssignment, StatusKind

from . import contest_data as data
from . import registry
from .meetings import record_meeting
from .pdf import minimal_pdf

if TYPE_CHECKING:
    from .loader import DemoContext

THRESHOLD_PERCENT = Decimal(60)


class DemoStoryBroken(RuntimeError):
    """The scores of the demo no longer make the winners of the source document win (defaults changed?)."""


# ---------------------------------------------------------------------------------------------------
# Experts


def load_experts(ctx: DemoContext) -> None:
    """Expert accounts with their profiles; `expert` (a demo account already) only gets its profile."""
    specs = data.EXPERTS
    existing = {
        u.username: u
        for u in User.objects.filter(username__in=[s.username for s in specs]).select_related("expert")
    }
    for spec in specs:
        user = existing.get(spec.username) or ctx.users.get(spec.username)
        if user is None:
            user = account_services.user_create(
                actor=None,
                username=spec.username,
                password=registry.DEMO_PASSWORD,
                email=spec.email,
                first_name=spec.first_name,
                last_name=spec.last_name,
                middle_name=spec.middle_name,
            )
            account_services.role_grant(actor=None, user=user, role=Role.EXPERT)
            person = ctx.people.get(spec.person) if spec.person else None
            if person is not None and person.user_id is None:
                org_services.person_link_user(actor=None, person=person, user=user)
            ctx.made("experts", user)
        if not hasattr(user, "expert"):
            organization = ctx.organizations[spec.organization]
            expert = expertise_services.expert_profile_save(
                actor=None,
                user=user,
                data={
                    "organization": organization,
                    "municipality": organization.municipality,
                    "topics": list(spec.topics),
                    "organization_kinds": [str(k) for k in spec.organization_kinds],
                    "bio": f"{spec.position}, {organization.short_name}",
                },
            )
            ctx.made("expert_profiles", expert)
        ctx.users[spec.username] = user


# ---------------------------------------------------------------------------------------------------
# Contests


def _open_academic_year() -> str:
    return str(AcademicYear.of(timezone.localdate()))


def load_contests(ctx: DemoContext) -> None:
    """Stage II (МЛСВ and МИП of 2022/23, results published) and the open МИП of the current year."""
    vyselki = ctx.municipalities["vyselki"]
    wanted = {(s.title, s.academic_year) for s in data.HISTORIC} | {(data.OPEN.title, _open_academic_year())}
    existing = set(
        Contest.objects.filter(
            organiser_municipality=vyselki,
            title__in={title for title, _ in wanted},
            academic_year__in={year for _, year in wanted},
        ).values_list("title", "academic_year")
    )
    missing = wanted - existing
    if not missing:
        return
    ensure_default_kinds()  # an operator may have deleted one; the story needs МИП and МЛСВ
    kinds = {k.code: k for k in StatusKind.objects.filter(code__in=["MIP", "MLSV"])}
    experts = {
        e.user.username: e
        for e in Expert.objects.filter(user__username__in=[s.username for s in data.EXPERTS]).select_related(
            "user", "organization"
        )
    }
    # The default set-up (criteria, sections, documents, categories) is written in Russian whatever the
    # language of the command.
    with translation.override("ru"):
        for spec in data.HISTORIC:
            if (spec.title, spec.academic_year) in missing:
                _historic_contest(ctx, spec, kinds[spec.status], experts)
        if (data.OPEN.title, _open_academic_year()) in missing:
            _open_contest(ctx, data.OPEN, kinds[data.OPEN.status], experts)


def _quotas_text(quotas: tuple[tuple[str, int], ...]) -> str:
    names: dict[str, str] = {OrganizationKind.PRESCHOOL.value: "ДОУ", OrganizationKind.SCHOOL.value: "СОШ"}
    return ", ".join(f"{names.get(kind, kind)} — {quota}" for kind, quota in quotas)


def _create_contest(
    ctx: DemoContext,
    *,
    status: StatusKind,
    title: str,
    academic_year: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    k: int,
    quotas: tuple[tuple[str, int], ...],
) -> tuple[Contest, dict[str, Category]]:
    """A draft status contest of the Vyselki district with the default set-up and the quotas."""
    contest = contest_services.contest_create(
        actor=None,
        data={
            "kind": ContestKind.STATUS,
            "title": title,
            "status_kind": status,
            "organiser_municipality": ctx.municipalities["vyselki"],
            "academic_year": academic_year,
            "regulation_text": data.regulation(
                status.code, opens=opens_at, closes=closes_at, k=k, quotas=_quotas_text(quotas)
            ),
            "eligible_kinds": [OrganizationKind.PRESCHOOL.value, OrganizationKind.SCHOOL.value],
            "opens_at": opens_at,
            "closes_at": closes_at,
            "status_term_years": 3,
            "threshold_kind": ThresholdKind.PERCENT,
            "threshold_value": THRESHOLD_PERCENT,
            "experts_per_application": k,
            "require_external_experts": False,
            "comment_required_below_max": True,
            "show_expert_names": False,
        },
        is_demo=True,
        with_defaults=True,
    )
    categories: dict[str, Category] = {}
    for category in contest.categories.all():
        for kind in category.organization_kinds:
            categories.setdefault(kind, category)
    for kind, quota in quotas:
        contest_services.category_update(actor=None, category=categories[kind], data={"quota": quota})
    ctx.made("contests", f"{contest} ({contest.academic_year})")
    return contest, categories


def _commission(
    contest: Contest, ctx: DemoContext, experts: dict[str, Expert], chair: str, members: tuple[str, ...]
) -> list[Expert]:
    scoring = [experts[username] for username in members]
    expertise_services.commission_setup(
        actor=None,
        contest=contest,
        chair=experts[chair],
        secretary=ctx.users.get("methodist"),
        members=[(expert, None) for expert in scoring],
    )
    return scoring


def _open_contest(
    ctx: DemoContext, spec: data.OpenContestSpec, status: StatusKind, experts: dict[str, Expert]
) -> None:
    """Announced now, open from today for `days_open` days, the commission ready, no applications."""
    today = timezone.localdate()
    opens_at = datetime.datetime.combine(today, datetime.time(0, 0), tzinfo=data.MSK)
    closes_at = datetime.datetime.combine(
        today + datetime.timedelta(days=spec.days_open), datetime.time(18, 0), tzinfo=data.MSK
    )
    contest, _categories = _create_contest(
        ctx,
        status=status,
        title=spec.title,
        academic_year=_open_academic_year(),
        opens_at=opens_at,
        closes_at=closes_at,
        k=2,
        quotas=spec.quotas,
    )
    contest = contest_services.contest_transition(actor=None, contest=contest, name="announce")
    _commission(contest, ctx, experts, spec.chair, spec.experts)


def _documents(contest: Contest, application: Application) -> None:
    organization = application.organization
    for position, requirement in enumerate(contest.required_documents.filter(required=True)):
        name = (
            data.DOCUMENT_NAMES[position]
            if position < len(data.DOCUMENT_NAMES)
            else f"Документ {position}.pdf"
        )
        pdf = minimal_pdf(
            [
                "Novator - demo data",
                f"Contest: {contest.status_kind.code if contest.status_kind else ''} {contest.academic_year}",
                f"Organisation INN: {organization.inn}",
                f"Document {position + 1}: a stand-in for the scanned original",
            ]
        )
        contest_services.application_attach_document(
            actor=None, application=application, requirement=requirement, upload=ContentFile(pdf, name=name)
        )


def _points(total: int, maxima: list[int], start: int) -> list[int]:
    """`total` points spread over the criteria (each within its maximum), the remainder from `start` on."""
    count = len(maxima)
    points = [min(total // count, m) for m in maxima]
    left = total - sum(points)
    index = start
    while left > 0:
        position = index % count
        if points[position] < maxima[position]:
            points[position] += 1
            left -= 1
        index += 1
        if index - start > count * 4 and left:
            raise DemoStoryBroken(f"{total} points do not fit criteria of at most {maxima}")
    return points


def _offsets(k: int) -> list[int]:
    """Each expert's deviation from the application's total; they sum to 0 so the mean is the total."""
    return [1, -1] if k == 2 else [1, 0, -1][:k] if k == 3 else [0] * k


def _historic_contest(
    ctx: DemoContext, spec: data.ContestSpec, status: StatusKind, experts: dict[str, Expert]
) -> None:
    contest, categories = _create_contest(
        ctx,
        status=status,
        title=spec.title,
        academic_year=spec.academic_year,
        opens_at=spec.opens_at,
        closes_at=spec.closes_at,
        k=spec.experts_per_application,
        quotas=spec.quotas,
    )
    contest = contest_services.contest_transition(
        actor=None, contest=contest, name="announce", now=spec.announced_at
    )

    # Applications: each submitted at its own moment within the window, then accepted.
    window = spec.closes_at - spec.opens_at
    entries: dict[int, data.EntrySpec] = {}
    applications: list[Application] = []
    for index, entry in enumerate(spec.entries):
        organization = ctx.organizations[entry.organization]
        preschool = organization.kind == OrganizationKind.PRESCHOOL
        application = contest_services.application_create(
            actor=None,
            contest=contest,
            organization=organization,
            data={
                "project_title": entry.title,
                "category": categories.get(organization.kind),
                "texts": data.section_texts(
                    entry, academic_year=spec.academic_year, network=spec.network, preschool=preschool
                ),
            },
            is_demo=True,
        )
        _documents(contest, application)
        submitted = spec.opens_at + window * (index + 1) / (len(spec.entries) + 2)
        application = contest_services.application_transition(
            actor=None, application=application, name="submit", now=submitted.replace(second=0, microsecond=0)
        )
        entries[application.pk] = entry
        applications.append(application)
        ctx.made("applications", application)
    for index, application in enumerate(applications):
        applications[index] = contest_services.application_transition(
            actor=None,
            application=application,
            name="accept",
            now=spec.closes_at + datetime.timedelta(hours=15, minutes=20 * index),
        )
    contest = contest_services.contest_transition(
        actor=None, contest=contest, name="start_expertise", now=spec.expertise_at
    )
    for application in applications:
        application.contest = contest

    # The commission; each application goes to k members in turn, so the load is balanced.
    scoring = _commission(contest, ctx, experts, spec.chair, spec.experts)
    k = spec.experts_per_application
    assignments: list[tuple[Assignment, data.EntrySpec, int]] = []
    for index, application in enumerate(applications):
        for slot in range(k):
            assignment = expertise_services.assignment_add(
                actor=None, application=application, expert=scoring[(index + slot) % len(scoring)]
            )
            # the deviations rotate too, so no expert is always the most lenient or the harshest
            assignments.append((assignment, entries[application.pk], (slot + index // len(scoring)) % k))
    # No `now=` here: the publication of the assignments and the sheets' submission carry today's date.
    expertise_services.assignments_publish(actor=None, contest=contest)

    criteria = list(contest.criteria.order_by("position", "pk"))
    maxima = [int(c.max_points) for c in criteria]
    threshold = float(THRESHOLD_PERCENT) / 100 * sum(maxima)
    offsets = _offsets(k)
    for number, (assignment, entry, slot) in enumerate(assignments):
        total = entry.sheet_total + offsets[slot]  # the k slots of an application sum to 0
        points = _points(total, maxima, start=(number * 3 + slot * 2) % len(criteria))
        scores = {
            c.pk: {"points": p, "comment": data.comment(position, p, maxima[position])}
            for position, (c, p) in enumerate(zip(criteria, points, strict=True))
        }
        expertise_services.sheet_submit(
            actor=None,
            sheet=ScoreSheet.objects.get(assignment=assignment),
            version=None,
            scores=scores,
            conclusion=data.conclusion(entry, spec.status, total, threshold),
        )
        ctx.created["score_sheets"] += 1

    # The chair confirms the proposal as it stands; it must be the outcome of the source document.
    expertise_services.results_confirm(
        actor=None,
        contest=contest,
        minutes_number=spec.minutes_number,
        minutes_date=spec.minutes_date,
        now=datetime.datetime.combine(spec.minutes_date, datetime.time(15, 0), tzinfo=data.MSK),
    )
    outcome = dict(
        Application.objects.filter(contest=contest, state=ApplicationState.ACCEPTED).values_list(
            "pk", "awarded"
        )
    )
    expected = {pk: entry.awarded for pk, entry in entries.items()}
    if outcome != expected:
        raise DemoStoryBroken(f"{contest} ({contest.academic_year}): the scores give other winners")
    record_meeting(Contest.objects.get(pk=contest.pk))  # attendance and votes (meetings.py)

    contest = contest_services.contest_record_order(
        actor=None, contest=contest, number=spec.order_number, date=spec.order_date
    )
    contest = contest_services.contest_transition(
        actor=None, contest=contest, name="publish_results", now=spec.published_at
    )
    for status_assignment in StatusAssignment.objects.filter(application__contest=contest).select_related(
        "kind", "organization"
    ):
        ctx.made("statuses", status_assignment)
