"""Reads for the home pages (one section per role) and the global search.

Each section makes a fixed number of queries whatever the data: lists are cut to a few rows and the
figures are aggregates. They call the apps' selectors where those exist.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Case, Count, Q, When
from django.utils import timezone

from novator.accounts.scope import get_scope
from novator.contests import selectors as contest_selectors
from novator.contests.models import ApplicationState, Contest, ContestState
from novator.core.models import Job
from novator.core.text import fold
from novator.events.models import Event, RegistrationStatus
from novator.events.selectors import not_ended, registrations_for_user
from novator.expertise.selectors.sheets import expert_assignments
from novator.library import selectors as library_selectors
from novator.monitoring.campaigns import responses_visible_to
from novator.monitoring.models import CampaignResponse, ResponseState
from novator.organizations.models import Municipality, Organization, OrganizationKind
from novator.organizations.selectors import organization_list
from novator.projects.models import ProjectReport
from novator.projects.selectors.programmes import programme_list
from novator.projects.selectors.reports import report_list, reports_needing_attention
from novator.statuses.selectors import status_list

LIST_LIMIT = 8


#: How long the public home page's figures and lists are kept in the shared cache. Nothing invalidates
#: them: a new organisation, status or result shows within five minutes (the page says so).
PUBLIC_CACHE_SECONDS = 300
PUBLIC_CACHE_PREFIX = "portal:home:v1:"


def cached_public(key: str, compute: Any) -> Any:
    """`compute()` from the shared cache (the same for every visitor), kept `PUBLIC_CACHE_SECONDS`."""
    full_key = PUBLIC_CACHE_PREFIX + key
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, PUBLIC_CACHE_SECONDS)
    return value


def home_figures() -> dict[str, Any]:
    """Key figures of the registry for the public home page (two queries, then cached for everyone)."""
    return cached_public("figures", _home_figures)


def _home_figures() -> dict[str, Any]:
    orgs = Organization.objects.filter(is_active=True).aggregate(
        total=Count("id"),
        preschool=Count("id", filter=Q(kind=OrganizationKind.PRESCHOOL)),
        school=Count("id", filter=Q(kind=OrganizationKind.SCHOOL)),
        supplementary=Count("id", filter=Q(kind=OrganizationKind.SUPPLEMENTARY)),
    )
    orgs["municipalities"] = Municipality.objects.count()
    return orgs


# --- public ------------------------------------------------------------------------------------------


#: the home page shows a contest's title and dates, never its regulation
_CONTEST_LONG_COLUMNS = ("regulation_text",)


def public_home(user: Any) -> dict[str, Any]:
    """The programme, the register, contest results, the coming events (5 queries; the library's top
    products come from its template tag). What an anonymous visitor sees is the same for every one of
    them: it is cached; signed-in users may see unpublished items of their own and get it fresh."""
    if not getattr(user, "is_authenticated", False):
        return cached_public("public", lambda: _public_home(user))
    return _public_home(user)


def _public_home(user: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "programmes": list(programme_list(user=user)[:3]),
        "statuses": list(status_list(user=user, state="active", sort="-start")[:5]),
        "results": list(
            contest_selectors.contest_list(user=user, state=ContestState.PUBLISHED)
            .defer(*_CONTEST_LONG_COLUMNS)
            .order_by("-closes_at", "-id")[:5]
        ),
        "open_contests": list(
            contest_selectors.contest_list(user=user, state=ContestState.ANNOUNCED)
            .defer(*_CONTEST_LONG_COLUMNS)
            .filter(closes_at__gt=now)
            .order_by("closes_at", "id")[:5]
        ),
        # under way, then to come: one query, or two when fewer than five are under way (`not_ended`)
        "events": not_ended(
            Event.objects.visible_to(user)  # filters through `pk__in`: no duplicates, no DISTINCT
            .defer("description")
            .order_by("starts_at", "pk"),
            now,
        )[:5],
    }


# --- coordinator -------------------------------------------------------------------------------------


def coordinator_home(user: Any) -> dict[str, Any]:
    """What a coordinator has to do next (4 queries)."""
    scope = get_scope(user)
    orgs = scope.coordinator_organizations
    now = timezone.now()
    today = timezone.localdate()
    open_contests = list(
        contest_selectors.contest_list(user=user, state=ContestState.ANNOUNCED)
        .filter(opens_at__lte=now, closes_at__gt=now)
        .order_by("closes_at", "id")[:LIST_LIMIT]
    )
    applications = list(
        contest_selectors.applications_visible(user=user)
        .filter(organization_id__in=orgs, state__in=[ApplicationState.DRAFT, ApplicationState.RETURNED])
        .order_by("-state", "contest__closes_at", "id")[:LIST_LIMIT]
    )
    reports = list(
        reports_needing_attention(user=user, days=30).filter(project__organization_id__in=orgs)[:LIST_LIMIT]
    )
    forms = list(
        responses_visible_to(user)
        .filter(organization_id__in=orgs, state__in=[ResponseState.DRAFT, ResponseState.RETURNED])
        .order_by("campaign__due_on", "id")[:LIST_LIMIT]
    )
    return {
        "open_contests": open_contests,
        "applications": applications,
        "reports": reports,
        "forms": forms,
        "today": today,
    }


# --- teacher -----------------------------------------------------------------------------------------


def teacher_home(user: Any) -> dict[str, Any]:
    """The teacher's coming events (1 query)."""
    now = timezone.now()
    return {
        "registrations": list(
            registrations_for_user(user=user)
            .exclude(status=RegistrationStatus.CANCELLED)
            .filter(event__ends_at__gte=now)
            .order_by("event__starts_at", "pk")[:LIST_LIMIT]
        ),
    }


# --- expert ------------------------------------------------------------------------------------------


def expert_home(user: Any) -> dict[str, Any]:
    """The expert's assignments, unfinished first, with the progress, and the invitations to commissions
    awaiting their answer (3 queries)."""
    assignments = expert_assignments(user)
    # every join of the query is to one row (application, contest, commission, organisation, sheet):
    # no row is repeated, nothing to make distinct
    figures = assignments.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(sheet__state="submitted")),
    )
    rows = list(
        assignments.annotate(finished=Case(When(sheet__state="submitted", then=1), default=0)).order_by(
            "finished", "application__contest__opens_at", "application__contest_id", "application__number"
        )[:LIST_LIMIT]
    )
    total, done = figures["total"] or 0, figures["done"] or 0
    from novator.expertise.models import InvitationState
    from novator.expertise.selectors import expert_invitations

    return {
        "invitations": list(expert_invitations(user).filter(state=InvitationState.PENDING)[:LIST_LIMIT]),
        "assignments": rows,
        "total": total,
        "done": done,
        "percent": round(100 * done / total) if total else 0,
        "today": timezone.localdate(),
    }


# --- methodologist -----------------------------------------------------------------------------------


@dataclass
class Queue:
    formal_checks: list[Any] = field(default_factory=list)
    formal_checks_count: int = 0
    reports: list[Any] = field(default_factory=list)
    reports_count: int = 0
    overdue_reports: list[Any] = field(default_factory=list)
    overdue_count: int = 0
    campaigns: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)


def methodologist_home(user: Any) -> Queue:
    """The methodologist's queue, overdue items and key figures of their municipalities (8 queries)."""
    scope = get_scope(user)
    municipalities = scope.methodologist_municipalities
    today = timezone.localdate()
    submitted = contest_selectors.applications_visible(user=user, state=ApplicationState.SUBMITTED).filter(
        contest__organiser_municipality_id__in=municipalities
    )
    to_review = report_list(user=user, state="submitted").filter(
        project__organization__municipality_id__in=municipalities
    )
    overdue = report_list(user=user, overdue=True, on=today).filter(
        project__organization__municipality_id__in=municipalities
    )
    queue = Queue(
        formal_checks=list(submitted.order_by("submitted_at", "id")[:LIST_LIMIT]),
        reports=list(to_review[:LIST_LIMIT]),
        overdue_reports=list(overdue[:LIST_LIMIT]),
    )
    counts = ProjectReport.objects.visible_to(user).filter(
        project__organization__municipality_id__in=municipalities
    )
    queue.formal_checks_count = submitted.count()
    queue.reports_count = counts.filter(state="submitted").count()
    queue.overdue_count = counts.overdue(today).count()
    queue.campaigns = campaign_completion(municipalities, today)
    queue.figures = municipality_figures(municipalities, today)
    return queue


def campaign_completion(municipalities: frozenset[int], today: datetime.date) -> list[dict[str, Any]]:
    """Open campaigns of the municipalities with how many organisations answered (one query)."""
    rows = (
        CampaignResponse.objects.filter(organization__municipality_id__in=municipalities)
        .values("campaign_id", "campaign__title", "campaign__due_on")
        .annotate(
            total=Count("id"),
            submitted=Count("id", filter=Q(state=ResponseState.SUBMITTED)),
            approved=Count("id", filter=Q(state=ResponseState.APPROVED)),
        )
        .filter(campaign__due_on__gte=today - datetime.timedelta(days=60))
        .order_by("campaign__due_on", "campaign_id")[:LIST_LIMIT]
    )
    out = []
    for row in rows:
        done = row["submitted"] + row["approved"]
        out.append(
            {
                "id": row["campaign_id"],
                "title": row["campaign__title"],
                "due_on": row["campaign__due_on"],
                "total": row["total"],
                "submitted": row["submitted"],
                "approved": row["approved"],
                "percent": round(100 * done / row["total"]) if row["total"] else 0,
                "overdue": row["campaign__due_on"] < today and done < row["total"],
            }
        )
    return out


def municipality_figures(municipalities: frozenset[int], today: datetime.date) -> dict[str, Any]:
    """Organisations, active statuses and running contests of the municipalities (two queries)."""
    figures = Organization.objects.filter(municipality_id__in=municipalities, is_active=True).aggregate(
        organizations=Count("id"),
        with_status=Count(
            "id",
            filter=Q(
                status_assignments__revoked_on__isnull=True,
                status_assignments__starts_on__lte=today,
                status_assignments__ends_on__gte=today,
            ),
            distinct=True,
        ),
    )
    figures["contests"] = Contest.objects.filter(
        organiser_municipality_id__in=municipalities,
        state__in=[ContestState.ANNOUNCED, ContestState.EXPERTISE, ContestState.DECIDED],
    ).count()
    return figures


# --- observer and administrator ------------------------------------------------------------------------


def observer_home(user: Any) -> dict[str, Any]:
    """The observer's municipalities for the dashboard links (one query)."""
    scope = get_scope(user)
    municipalities = list(
        Municipality.objects.filter(
            Q(id__in=scope.observer_municipalities) | Q(region_id__in=scope.observer_regions)
        ).order_by("name")[:30]
    )
    return {"municipalities": municipalities}


def admin_home(user: Any) -> dict[str, Any]:
    """Failed background jobs of the last weeks, to retry (one query)."""
    since = timezone.now() - datetime.timedelta(days=14)
    return {
        "failed_jobs": list(
            Job.objects.filter(state=Job.State.FAILED, created_at__gte=since).order_by("-created_at")[:5]
        )
    }


# --- global search -----------------------------------------------------------------------------------

SEARCH_LIMIT = 10
MAX_QUERY = 200


def _folded_match(rows: list[tuple[Any, ...]], words: list[str]) -> list[int]:
    """Ids of (id, text…) rows whose folded text holds every word."""
    ids = []
    for row in rows:
        text = fold(" ".join(str(part or "") for part in row[1:]))
        if all(word in text for word in words):
            ids.append(row[0])
    return ids


def site_search(query: str, *, user: Any) -> dict[str, list[Any]]:
    """Organisations, contests, events and library products matching the query, case- and ё/е-insensitive.

    Organisations use their folded search column and products the library's full-text search; contests
    and events (a few hundred rows a year) are folded in Python over their titles. Six queries at most,
    whatever the data."""
    query = " ".join(query.split())[:MAX_QUERY]
    words = fold(query).split()[:8]
    if not words:
        return {}
    organizations = list(organization_list(user=user, search=query)[:SEARCH_LIMIT])
    contest_rows = list(Contest.objects.visible_to(user).values_list("id", "title"))
    contest_ids = _folded_match(contest_rows, words)[: SEARCH_LIMIT * 3]
    contests = (
        list(contest_selectors.contest_list(user=user).filter(id__in=contest_ids)[:SEARCH_LIMIT])
        if contest_ids
        else []
    )
    event_rows = list(Event.objects.visible_to(user).values_list("id", "title", "place").distinct())
    event_ids = _folded_match(event_rows, words)[: SEARCH_LIMIT * 3]
    events = (
        list(Event.objects.filter(id__in=event_ids).order_by("-starts_at", "pk")[:SEARCH_LIMIT])
        if event_ids
        else []
    )
    products = list(library_selectors.product_search(query, user=user, sort="relevance")[:SEARCH_LIMIT])
    return {
        "organizations": organizations,
        "contests": contests,
        "events": events,
        "products": products,
    }
