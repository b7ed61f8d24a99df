"""Reads for contests and applications, with the joins each page and the API need already applied."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Prefetch, QuerySet

from .models import (
    Application,
    ApplicationDocument,
    ApplicationState,
    Category,
    Contest,
    ContestKind,
    ContestState,
    Diploma,
    RoundEntry,
)


def contest_list(
    *,
    user: Any,
    state: str = "",
    kind: str = "",
    level: str = "",
    status_kind: str = "",
    academic_year: str = "",
    with_setup: bool = False,
) -> QuerySet[Contest]:
    """Contests the user may see (drafts only to their organisers), newest window first.

    `status_kind` is the code of the status (MIP, MLSV, KIP). `with_setup` prefetches categories and
    criteria (the API shows them)."""
    qs = Contest.objects.visible_to(user).select_related(
        "status_kind", "organiser_municipality", "organiser_region"
    )
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if status_kind:
        qs = qs.filter(status_kind__code=status_kind)
    if academic_year:
        qs = qs.filter(academic_year=academic_year)
    if with_setup:  # (the API: with the co-organisers of inter-municipal contests)
        qs = qs.prefetch_related("categories", "criteria", "coorganisers")
    return qs.order_by("-opens_at", "-id")


def contest_academic_years(*, user: Any) -> list[str]:
    years = (
        Contest.objects.visible_to(user).order_by("-academic_year").values_list("academic_year", flat=True)
    )
    return list(dict.fromkeys(years))


def contest_detail(*, user: Any, pk: int) -> Contest:
    """A contest the user may see, with everything its page shows. Raises Contest.DoesNotExist."""
    return (
        Contest.objects.visible_to(user)
        .select_related("status_kind", "organiser_municipality", "organiser_region", "copied_from")
        .prefetch_related(
            "categories",
            "criteria",
            "sections",
            "required_documents",
            "eligible_municipalities",
            "coorganisers",
        )
        .get(pk=pk)
    )


def contests_managed(*, user: Any) -> QuerySet[Contest]:
    """Contests the user organises (to copy from), newest first."""
    return (
        Contest.objects.managed_by(user)
        .select_related("status_kind", "organiser_municipality", "organiser_region")
        .order_by("-opens_at", "-id")
    )


def nominee_public_name(application: Application) -> str | None:
    """The nominee's full name while their consent to publication is in force
    (`Person.publication_consent_in_force`), else None: the public sees the organisation and the result
    only. Reads no query with `applicant` joined (`contest_results`)."""
    person = application.applicant
    return person.published_name if person is not None else None


def last_round_entry(application: Application) -> RoundEntry | None:
    """The last round the nominee took part in; prefetch `round_entries__round` (see contest_results)."""
    entries = sorted(application.round_entries.all(), key=lambda e: e.round.position)
    return entries[-1] if entries else None


def contest_results(*, contest: Contest) -> QuerySet[Application]:
    """The applications that took part in the expertise, by category and rank (professional contests:
    with the nominee and the rounds they reached)."""
    qs = (
        Application.objects.filter(contest=contest, state=ApplicationState.ACCEPTED)
        .select_related("organization__municipality", "category", "applicant")
        .order_by(
            F("category__position").asc(nulls_first=True),
            "category_id",
            F("rank").asc(nulls_last=True),
            "organization__short_name",
            "id",
        )
    )
    if contest.kind == ContestKind.PROFESSIONAL:
        qs = qs.prefetch_related(
            Prefetch("round_entries", queryset=RoundEntry.objects.select_related("round"))
        )
    return qs


def diploma_by_code(code: str) -> Diploma | None:
    """A diploma for the public verification page, with what it shows."""
    return (
        Diploma.objects.filter(code=(code or "").strip().upper()[:20])
        .select_related(
            "application__contest",
            "application__applicant",
            "application__organization",
            "application__category",
        )
        .first()
    )


def diploma_check(*, code: str, surname: str) -> Diploma | None:
    """The public check of a diploma: the diploma when the code exists *and* the surname typed is its
    holder's (`Person.surname_matches`), else None — the same answer for an unknown code and a wrong
    surname, so that the check tells nothing of a holder whose surname the asker does not know."""
    diploma = diploma_by_code(code)
    if diploma is None or diploma.application.applicant is None:
        return None
    return diploma if diploma.application.applicant.surname_matches(surname) else None


def results_are_public(contest: Contest) -> bool:
    return contest.state == ContestState.PUBLISHED


def contest_applications(
    *, contest: Contest, state: str = "", category: Category | None = None
) -> QuerySet[Application]:
    """The applications of one contest for its organiser's formal check."""
    qs = (
        contest.applications.all()
        .select_related("organization", "organization__municipality", "category")
        .annotate(document_count=Count("documents"))
    )
    if state:
        qs = qs.filter(state=state)
    if category is not None:
        qs = qs.filter(category=category)
    return qs.order_by(F("number").asc(nulls_last=True), "organization__short_name", "id")


def application_state_counts(*, contest: Contest) -> dict[str, int]:
    """{state: count} for every application state (zeros included), in the order of the states."""
    rows = dict(
        contest.applications.order_by().values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
    return {state: rows.get(state, 0) for state in ApplicationState.values}


def application_state_rows(*, contest: Contest) -> list[tuple[str, str, int]]:
    """(state, label, count) for every application state, in workflow order."""
    counts = application_state_counts(contest=contest)
    return [(value, str(label), counts[value]) for value, label in ApplicationState.choices]


def applications_visible(*, user: Any, state: str = "") -> QuerySet[Application]:
    """Applications the user may see: their organisation's, or those of the contests they organise."""
    qs = Application.objects.visible_to(user).select_related(
        "contest", "contest__status_kind", "organization", "category"
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def application_detail(*, pk: int) -> Application:
    """One application with its contest set-up and documents. Raises Application.DoesNotExist."""
    return (
        Application.objects.select_related(
            "contest",
            "contest__status_kind",
            "contest__organiser_municipality",
            "contest__organiser_region",
            "organization",
            "organization__municipality",
            "category",
            "applicant",
            "signed_scan",
        )
        .prefetch_related(
            "contest__categories",
            "contest__sections",
            "contest__required_documents",
            Prefetch("documents", queryset=ApplicationDocument.objects.select_related("requirement")),
        )
        .get(pk=pk)
    )
