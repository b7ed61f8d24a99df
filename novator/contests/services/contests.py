"""Contests: create, change, copy, move along the workflow, record the order."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.academic_year import AcademicYear
from novator.core.concurrency import check_version
from novator.core.files import check_upload, safe_filename

from ..models import (
    ApplicationState,
    Category,
    Contest,
    ContestKind,
    ContestState,
    Criterion,
    FormSection,
    RequiredDocument,
    Round,
    RoundState,
)
from ..workflow import CONTEST_TRANSITIONS, Transition
from . import _common
from ._common import require, user_or_none
from .nominees import diplomas_issue
from .setup import ALL_PARTS, add_defaults

CONTEST_FIELDS = (
    "kind",
    "title",
    "status_kind",
    "organiser_municipality",
    "organiser_region",
    "academic_year",
    "regulation_text",
    "eligible_kinds",
    "opens_at",
    "closes_at",
    "status_term_years",
    "threshold_kind",
    "threshold_value",
    "experts_per_application",
    "require_external_experts",
    "comment_required_below_max",
    "show_expert_names",
    "official_ranking",
    "calibration_min_sheets",
    "spread_threshold_percent",
    "min_experience_years",
    "exclude_administrators",
    "exclude_winners_years",
    "series",
    "score_formula",
    "laureates_per_nomination",
    "next_stage_title",
)
REGULATION_TYPES = ("pdf", "docx", "odt")
REGULATION_MAX_BYTES = 20 * 1024 * 1024


def _check_academic_year(contest: Contest) -> None:
    try:
        year = AcademicYear.parse(contest.academic_year or "")
    except ValueError as exc:
        raise ValidationError(
            {"academic_year": _("Write the academic year as 2022/23 (the second year follows the first).")}
        ) from exc
    contest.academic_year = str(year)


def _check_regulation(upload: Any) -> str | None:
    """The type of a new regulation file, or None when no new file is given."""
    if not upload:
        return None
    try:
        return check_upload(upload, allowed=REGULATION_TYPES, max_bytes=REGULATION_MAX_BYTES)
    except ValidationError as exc:
        raise ValidationError({"regulation_file": exc.messages}) from exc


def _store_regulation(contest: Contest, upload: Any, kind: str) -> None:
    old = contest.regulation_file.name if contest.regulation_file else None
    upload.seek(0)
    contest.regulation_file.save(
        safe_filename(getattr(upload, "name", "regulation"), kind), upload, save=False
    )
    contest.save(update_fields=["regulation_file", "updated_at"])
    if old and old != contest.regulation_file.name:
        storage = contest.regulation_file.storage
        # another contest copied from this one has its own copy of the file, so the old one can go
        transaction.on_commit(lambda: storage.delete(old))


@transaction.atomic
def contest_create(
    *, actor: Any, data: Mapping[str, Any], is_demo: bool = False, with_defaults: bool = False
) -> Contest:
    """Create a draft contest. `with_defaults` adds the default criteria, sections, documents, categories."""
    require(actor, "contests.add_contest")
    contest = Contest(created_by=user_or_none(actor), is_demo=is_demo)
    for name in CONTEST_FIELDS:
        if name in data:
            setattr(contest, name, data[name])
    if contest.kind == ContestKind.PROFESSIONAL:
        contest.status_kind = None
    require(actor, "contests.manage_contest", contest)
    _check_academic_year(contest)
    regulation_kind = _check_regulation(data.get("regulation_file"))
    contest.full_clean(exclude=["regulation_file"])
    contest.save()
    if "eligible_municipalities" in data:
        contest.eligible_municipalities.set(data["eligible_municipalities"])
    if regulation_kind:
        _store_regulation(contest, data["regulation_file"], regulation_kind)
    if with_defaults:
        add_defaults(contest, ALL_PARTS if contest.kind == ContestKind.STATUS else ("criteria", "documents"))
    audit.record(
        actor=actor,
        action="contest.create",
        obj=contest,
        changes=audit.diff({}, audit.snapshot(contest, CONTEST_FIELDS)),
    )
    return contest


@transaction.atomic
def contest_update(
    *, actor: Any, contest: Contest, data: Mapping[str, Any], version: str | None = None
) -> dict[str, Any]:
    """Change a contest while it is a draft or announced. `regulation_file=False` removes the file.

    `version`: the token the edit page was loaded with (novator.core.concurrency); stale → refused.
    """
    require(actor, "contests.manage_contest", contest)
    check_version(contest, version)
    contest = Contest.objects.select_for_update(of=("self",)).get(pk=contest.pk)
    if contest.state not in (ContestState.DRAFT, ContestState.ANNOUNCED):
        raise ValidationError(_("The contest can no longer be changed: the expertise has started."))
    before = audit.snapshot(contest, CONTEST_FIELDS)
    before_municipalities = sorted(contest.eligible_municipalities.values_list("pk", flat=True))
    for name in CONTEST_FIELDS:
        if name in data:
            setattr(contest, name, data[name])
    if contest.kind == ContestKind.PROFESSIONAL:
        contest.status_kind = None
    require(actor, "contests.manage_contest", contest)  # the organiser may not be moved out of scope
    _check_academic_year(contest)
    regulation_kind = _check_regulation(data.get("regulation_file"))
    contest.full_clean(exclude=["regulation_file"])
    changes = audit.diff(before, audit.snapshot(contest, CONTEST_FIELDS))
    contest.save()
    if "eligible_municipalities" in data:
        contest.eligible_municipalities.set(data["eligible_municipalities"])
        after = sorted(contest.eligible_municipalities.values_list("pk", flat=True))
        if after != before_municipalities:
            changes["eligible_municipalities"] = [before_municipalities, after]
    if regulation_kind:
        changes["regulation_file"] = [contest.regulation_file.name or None, data["regulation_file"].name]
        _store_regulation(contest, data["regulation_file"], regulation_kind)
    elif data.get("regulation_file") is False and contest.regulation_file:
        old, storage = contest.regulation_file.name, contest.regulation_file.storage
        changes["regulation_file"] = [old, None]
        contest.regulation_file = None
        contest.save(update_fields=["regulation_file", "updated_at"])
        transaction.on_commit(lambda: storage.delete(old))
    if changes:
        audit.record(actor=actor, action="contest.update", obj=contest, changes=changes)
    return changes


@transaction.atomic
def contest_copy(
    *,
    actor: Any,
    source: Contest,
    title: str,
    academic_year: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
) -> Contest:
    """A new draft with everything of `source` (settings, regulation, categories, criteria, form,
    documents, eligibility) except its applications, results and order."""
    require(actor, "contests.add_contest")
    require(actor, "contests.manage_contest", source)
    contest = Contest(created_by=user_or_none(actor), copied_from=source, state=ContestState.DRAFT)
    for name in CONTEST_FIELDS:
        setattr(contest, name, getattr(source, name))
    contest.title = (title or "").strip()
    contest.academic_year = (academic_year or "").strip()
    contest.opens_at, contest.closes_at = opens_at, closes_at
    _check_academic_year(contest)
    contest.full_clean(exclude=["regulation_file"])
    contest.save()
    contest.eligible_municipalities.set(source.eligible_municipalities.all())
    if source.regulation_file:
        with source.regulation_file.open("rb") as original:
            content = original.read()
        contest.regulation_file.save(
            source.regulation_file.name.rsplit("/", 1)[-1], ContentFile(content), save=False
        )
        contest.save(update_fields=["regulation_file"])
    rounds = {}
    for item in Round.objects.filter(contest=source).order_by("position", "id"):
        old = item.pk
        item.pk = None
        item.contest = contest
        item.state, item.opened_at, item.closed_at, item.closed_by = RoundState.PLANNED, None, None, None
        item.save()
        rounds[old] = item
    Criterion.objects.bulk_create(
        [
            Criterion(
                contest=contest,
                round=rounds.get(c.round_id or 0),
                **{f: getattr(c, f) for f in ("name", "description", "max_points", "weight", "position")},
            )
            for c in Criterion.objects.filter(contest=source, round__isnull=False).order_by("position", "id")
        ]
    )
    copies: tuple[tuple[Any, tuple[str, ...]], ...] = (
        (Category, ("name", "organization_kinds", "quota", "experts_per_application", "position")),
        (Criterion, ("name", "description", "max_points", "weight", "position")),
        (FormSection, ("key", "title", "help_text", "max_length", "required", "position")),
        (RequiredDocument, ("title", "allowed_types", "max_size_mb", "required", "position")),
    )
    for model, fields in copies:
        rows = model._default_manager.filter(contest=source).order_by("position", "id")
        if model is Criterion:
            rows = rows.filter(round__isnull=True)
        model._default_manager.bulk_create(
            [model(contest=contest, **{f: getattr(row, f) for f in fields}) for row in rows]
        )
    audit.record(
        actor=actor,
        action="contest.copy",
        obj=contest,
        changes={"copied_from": [None, f"{source} ({source.academic_year})"]},
    )
    return contest


# ---------------------------------------------------------------------------------------------------
# The workflow


def find_transition(
    transitions: Mapping[str, Transition], name: str, state: str, labels: Any, *, actor: Any, obj: Any
) -> Transition:
    """The transition `name` from `state` if `actor` may trigger it on `obj`.

    Raises PermissionDenied first (a stranger learns nothing about the state), then a ValidationError that
    says why it cannot be done now."""
    transition = transitions.get(name)
    if transition is None:
        raise ValidationError(_("Unknown action «%(name)s».") % {"name": name}, code="unknown_transition")
    require(actor, transition.permission, obj)
    if state not in transition.sources:
        label = labels(state).label if state in labels.values else state
        if state == transition.target:
            raise ValidationError(
                _("This has already been done: the state is already «%(state)s».") % {"state": label},
                code="already_done",
            )
        raise ValidationError(
            _("This cannot be done now: the state is «%(state)s».") % {"state": label}, code="wrong_state"
        )
    return transition


def check_ready_to_announce(contest: Contest, now: datetime.datetime) -> None:
    errors = []
    if not contest.criteria.exists():
        errors.append(_("Add the criteria of the expertise."))
    if contest.closes_at <= now:
        errors.append(_("The application window has already closed; change its dates."))
    if contest.kind == ContestKind.STATUS and contest.status_kind_id is None:
        errors.append(_("Choose the status the contest awards."))
    if contest.kind == ContestKind.PROFESSIONAL:
        rounds = list(contest.rounds.all())
        if not rounds:
            errors.append(_("Add the rounds of the contest."))
        with_criteria = set(contest.criteria.filter(round__isnull=False).values_list("round_id", flat=True))
        for item in rounds:
            if item.pk not in with_criteria:
                errors.append(_("Add the criteria of the round «%(round)s».") % {"round": item.title})
    if errors:
        raise ValidationError(errors)


def check_no_pending_formal_checks(contest: Contest, now: datetime.datetime) -> None:
    pending = contest.applications.filter(state__in=[ApplicationState.SUBMITTED, ApplicationState.RETURNED])
    count = pending.count()
    if count:
        raise ValidationError(
            _(
                "%(count)d application(s) still wait for the formal check or for fixes: accept, return or "
                "reject them first."
            )
            % {"count": count}
        )


def check_order_recorded(contest: Contest, now: datetime.datetime) -> None:
    if contest.kind == ContestKind.STATUS and not (contest.order_number and contest.order_date):
        raise ValidationError(_("Record the number and date of the order first."))


_CONTEST_CHECKS = {
    "check_ready_to_announce": check_ready_to_announce,
    "check_no_pending_formal_checks": check_no_pending_formal_checks,
    "check_order_recorded": check_order_recorded,
}

#: Hooks run after a contest transition, registered by apps above contests (expertise awards statuses
#: when results are published). Each is called as hook(actor=…, contest=…, transition=…, reason=…).
CONTEST_TRANSITION_HOOKS: list[Any] = []


@transaction.atomic
def contest_transition(
    *, actor: Any, contest: Contest, name: str, reason: str = "", now: datetime.datetime | None = None
) -> Contest:
    """Move a contest along `workflow.CONTEST_TRANSITIONS`; the hooks run in the same transaction."""
    moment = now or _common.now()
    contest = Contest.objects.select_for_update(of=("self",)).get(pk=contest.pk)
    transition = find_transition(
        CONTEST_TRANSITIONS, name, contest.state, ContestState, actor=actor, obj=contest
    )
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    for check in transition.checks:
        _CONTEST_CHECKS[check](contest, moment)
    before = contest.state
    contest.state = transition.target
    if name == "publish_results":
        contest.results_published_at = moment
    contest.save()
    if name == "publish_results":
        diplomas_issue(contest=contest, now=moment)
    audit.record(
        actor=actor,
        action=f"contest.{name}",
        obj=contest,
        changes={"state": [before, contest.state], **({"reason": [None, reason]} if reason else {})},
    )
    for hook in CONTEST_TRANSITION_HOOKS:
        hook(actor=actor, contest=contest, transition=name, reason=reason)
    return contest


@transaction.atomic
def contest_record_order(*, actor: Any, contest: Contest, number: str, date: datetime.date) -> Contest:
    """Record the number and date of the authority's order on the results."""
    require(actor, "contests.manage_contest", contest)
    contest = Contest.objects.select_for_update(of=("self",)).get(pk=contest.pk)
    if contest.state not in (ContestState.DECIDED, ContestState.PUBLISHED):
        raise ValidationError(_("The order is recorded after the commission has confirmed the results."))
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("Give the order number.")})
    if date is None:
        raise ValidationError({"date": _("Give the order date.")})
    before = audit.snapshot(contest, ("order_number", "order_date"))
    contest.order_number, contest.order_date = number, date
    contest.full_clean(exclude=["regulation_file"])
    contest.save(update_fields=["order_number", "order_date", "updated_at"])
    audit.record(
        actor=actor,
        action="contest.record_order",
        obj=contest,
        changes=audit.diff(before, audit.snapshot(contest, ("order_number", "order_date"))),
    )
    return contest
