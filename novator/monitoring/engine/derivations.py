"""Derived data elements: a registry of functions keyed by the element's code.

Each function answers for one academic year and (optionally) a set of organisations with aggregate
queries (`values().annotate()`), never a loop over organisations: {organisation id: value}. Counting
elements answer 0 for organisations that have nothing (`zero_default`); a score answers only where it
exists.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from novator.core.academic_year import AcademicYear

#: A derived value: a count as an int, anything else (a mean) as a Decimal.
Value = int | Decimal
Derivation = Callable[[AcademicYear, list[int] | None], dict[int, Value]]


@dataclass(frozen=True)
class Derived:
    function: Derivation
    zero_default: bool = True


REGISTRY: dict[str, Derived] = {}

#: A family: one query that counts several elements, {suffix: {organisation id: count}}.
ByCode = dict[str, dict[int, Value]]
Family = Callable[[AcademicYear, list[int] | None], ByCode]

#: {code: (family, suffix)} for the elements a family answers: `derive_year` asks each family once.
FAMILY_OF: dict[str, tuple[Family, str]] = {}


def derived(code: str, *, zero_default: bool = True) -> Callable[[Derivation], Derivation]:
    def register(function: Derivation) -> Derivation:
        REGISTRY[code] = Derived(function, zero_default)
        return function

    return register


def family(prefix: str, function: Family, suffixes: Iterable[str]) -> None:
    """Register `function`'s answers as the counting elements `prefix` (suffix "") and
    `prefix_<suffix>` per suffix."""
    for suffix in ("", *suffixes):
        code = f"{prefix}_{suffix}" if suffix else prefix
        FAMILY_OF[code] = (function, suffix)

        def one(year: AcademicYear, ids: list[int] | None, suffix: str = suffix) -> dict[int, Value]:
            return function(year, ids)[suffix]

        derived(code)(one)


#: Past this many organisations a derivation filters by the range of their ids (an index range scan;
#: Django builds an IN list of thousands of parameters slowly) and drops the others after the query.
RANGE_FROM = 50


def _of(qs: QuerySet, key: str, ids: list[int] | None) -> QuerySet:
    """`qs` restricted to the organisations `ids` by `key` (the range of their ids past RANGE_FROM)."""
    if ids is not None and len(ids) > RANGE_FROM:
        return qs.filter(**{f"{key}__gte": min(ids), f"{key}__lte": max(ids)})
    if ids is not None:
        return qs.filter(**{f"{key}__in": ids})
    return qs


def _counts(qs: QuerySet, key: str, ids: list[int] | None, count: str = "id") -> dict[int, Value]:
    wanted = None if ids is None else set(ids)
    rows = _of(qs, key, ids).values(key).annotate(n=Count(count, distinct=True)).values_list(key, "n")
    return {org: n for org, n in rows if org is not None and (wanted is None or org in wanted)}


def _status_overlaps(year: AcademicYear) -> Q:
    return Q(starts_on__lte=year.ends, ends_on__gte=year.starts) & (
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=year.starts)
    )


@derived("statuses_held")
def statuses_held(year: AcademicYear, ids: list[int] | None) -> dict[int, Value]:
    """Innovation statuses held at any time during the year."""
    from novator.statuses.models import StatusAssignment

    return _counts(StatusAssignment.objects.filter(_status_overlaps(year)), "organization", ids)


@derived("status_years")
def status_years(year: AcademicYear, ids: list[int] | None) -> dict[int, Value]:
    """Years since the organisation's first status began, counted at the end of the year."""
    from novator.statuses.models import StatusAssignment

    qs = StatusAssignment.objects.filter(starts_on__lte=year.ends)
    if ids is not None:
        qs = qs.filter(organization__in=ids)
    rows = qs.values("organization").annotate(first=Min("starts_on")).values_list("organization", "first")
    return {org: max(0, year.ends.year - first.year) for org, first in rows}


@derived("contest_applications")
def contest_applications(year: AcademicYear, ids: list[int] | None) -> dict[int, Value]:
    """Applications to the year's contests that were submitted (not drafts, not withdrawn)."""
    from novator.contests.models import Application, ApplicationState

    qs = Application.objects.filter(contest__academic_year=str(year)).exclude(
        state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN]
    )
    return _counts(qs, "organization", ids)


@derived("contest_wins")
def contest_wins(year: AcademicYear, ids: list[int] | None) -> dict[int, Value]:
    from novator.contests.models import Application

    return _counts(
        Application.objects.filter(contest__academic_year=str(year), awarded=True), "organization", ids
    )


@derived("products_authored")
def products_authored(year: AcademicYear, ids: list[int] | None) -> dict[int, Value]:
    """Methodological products released during the year, by author organisation."""
    from novator.library.models import MethodProduct

    qs = MethodProduct.objects.filter(released_on__range=(year.starts, year.ends))
    return _counts(qs, "author_organizations", ids)


@derived("adoptions_by_others")
def adoptions_by_others(year: AcademicYear, ids: list[int] | None) -> dict[int, Value]:
    """Adoptions of the organisation's products by other organisations during the year."""
    from novator.library.models import Adoption

    qs = Adoption.objects.filter(adopted_on__range=(year.starts, year.ends)).exclude(
        product__author_organizations=F("organization")
    )
    return _counts(qs, "product__author_organizations", ids)


@derived("adoptions_made")
def adoptions_made(year: AcademicYear, ids: list[int] | None) -> dict[int, Value]:
    from novator.library.models import Adoption

    return _counts(Adoption.objects.filter(adopted_on__range=(year.starts, year.ends)), "organization", ids)


@derived("reports_accepted")
def reports_accepted(year: AcademicYear, ids: list[int] | None) -> dict[int, Value]:
    """Innovation project reports of the year that were accepted."""
    from novator.projects.models import ProjectReport, ReportState

    qs = ProjectReport.objects.filter(academic_year=str(year), state=ReportState.ACCEPTED)
    return _counts(qs, "project__organization", ids)


def _event_in_year(year: AcademicYear, prefix: str = "") -> Q:
    """Events that began during the academic year (dates in the local time zone): a range of moments from
    the local midnight of its first day to that after its last. Not `starts_at__date`: SQLite computes that
    date in Python for every row (2.5 million calls, half the recomputation at country scale) and neither
    database can take it from the index on the start."""
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(year.starts, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(year.ends + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return Q(**{f"{prefix}starts_at__gte": first, f"{prefix}starts_at__lt": after})


#: The levels of `events.EventLevel` (spelled out so that importing this module needs no models; a test
#: checks they agree): `events_organised_<level>` and `events_attended_<level>` per level, and the totals.
EVENT_LEVELS = ("school", "municipal", "inter_municipal", "regional")


def _by_level(qs: QuerySet, key: str, level: str, ids: list[int] | None, count: str) -> ByCode:
    """Distinct `count` per organisation (`key`) and event level, from one query: {level: {org: n}}, and
    the total under "" (the sum of the levels: an event has one level)."""
    wanted = None if ids is None else set(ids)
    rows = (
        _of(qs, key, ids)
        .values(key, level)
        .annotate(n=Count(count, distinct=True))
        .values_list(key, level, "n")
    )
    found: ByCode = {name: {} for name in ("", *EVENT_LEVELS)}
    for org, name, n in rows:
        if org is None or (wanted is not None and org not in wanted):
            continue
        if name in EVENT_LEVELS:
            found[name][org] = n
        found[""][org] = found[""].get(org, 0) + n
    return found


def _events_organised(year: AcademicYear, ids: list[int] | None) -> ByCode:
    from novator.events.models import Event

    qs = Event.objects.filter(_event_in_year(year), is_published=True)
    return _by_level(qs, "organizers", "level", ids, count="id")


def _events_attended(year: AcademicYear, ids: list[int] | None) -> ByCode:
    from novator.events.models import Registration

    # events of other organisations at which at least one of the organisation's staff was present
    qs = Registration.objects.filter(_event_in_year(year, "event__"), attended_at__isnull=False).exclude(
        event__organizers=F("person__organization")
    )
    return _by_level(qs, "person__organization", "event__level", ids, count="event")


family("events_organised", _events_organised, EVENT_LEVELS)
family("events_attended", _events_attended, EVENT_LEVELS)


def _active_networks(year: AcademicYear) -> Q:
    """A network counts in a year when it has a plan item for that year or an agreement in force during
    it (the dates Novator holds about a network; a partnership's answer date is when it was typed in)."""
    return Q(plan_items__academic_year=year.start_year) | Q(
        agreements__valid_from__lte=year.ends, agreements__valid_to__gte=year.starts
    )


@derived("network_partners")
def network_partners(year: AcademicYear, ids: list[int] | None) -> dict[int, Value]:
    """Confirmed partner organisations of the networks the organisation leads, active in the year."""
    from novator.networks.models import Network, PartnerState

    qs = Network.objects.filter(_active_networks(year), partnerships__state=PartnerState.CONFIRMED)
    return _counts(qs, "leader", ids, count="partnerships__organization")


@derived("network_memberships")
def network_memberships(year: AcademicYear, ids: list[int] | None) -> dict[int, Value]:
    """Networks of other leaders in which the organisation is a confirmed partner, active in the year."""
    from novator.networks.models import Network, Partnership, PartnerState

    active = Network.objects.filter(_active_networks(year)).values("pk")
    qs = Partnership.objects.filter(state=PartnerState.CONFIRMED, network__in=active)
    return _counts(qs, "organization", ids, count="network")


@derived("readiness_score", zero_default=False)
def readiness_score(year: AcademicYear, ids: list[int] | None) -> dict[int, Value]:
    """Mean staff readiness (1–5) of the year's survey, where enough staff answered."""
    from novator.projects.selectors.surveys import readiness_scores

    scores = readiness_scores(academic_year=str(year), organization_ids=ids)
    return {org: s.mean for org, s in scores.items() if s.mean is not None}


def derive(code: str, year: AcademicYear, organization_ids: Iterable[int]) -> dict[int, Value]:
    """The values of one derived element for the given organisations (0 where a count finds nothing)."""
    spec = REGISTRY[code]
    ids = list(organization_ids)
    found = spec.function(year, ids)
    if spec.zero_default:
        return {org: found.get(org, 0) for org in ids}
    wanted = set(ids)
    return {org: v for org, v in found.items() if org in wanted}


def derive_year(codes: Iterable[str], year: AcademicYear) -> Iterator[tuple[str, dict[int, Value]]]:
    """The values of the elements for every organisation that has one (no zeros filled in): (code,
    {organisation id: value}) one element after another — a family's elements together, from one query."""
    asked = list(codes)
    done: set[str] = set()
    for code in asked:
        if code in done:
            continue
        if code not in FAMILY_OF:
            yield code, REGISTRY[code].function(year, None)
            continue
        function = FAMILY_OF[code][0]
        answers = function(year, None)
        for other in asked:
            if other in FAMILY_OF and FAMILY_OF[other][0] is function and other not in done:
                done.add(other)
                yield other, answers[FAMILY_OF[other][1]]
