"""Contests: create, change, copy, move along the workflow, record the order."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from novator.core import audit
from novator.core.academic_year import AcademicYear
from novator.core.concurrency import check_version
from novator.core.files import check_upload, safe_filename
from novator.core.services import model_update, require, user_or_none
from novator.core.workflow import perform

from ..models import (
    Category,
    Contest,
    ContestKind,
    ContestLevel,
    ContestState,
    Criterion,
    FormSection,
    RequiredDocument,
    Round,
    RoundState,
)
from ..workflow import CONTEST_TRANSITIONS
from . import _common
from .setup import ALL_PARTS, add_defaults

CONTEST_FIELDS = (
    "kind",
    "level",
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
    "appeal_working_days",
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


#: why an organiser is refused (contest_create, contest_update)
ORGANISER_REFUSED = gettext_lazy(
    "You organise contests of your own municipality, or, as a regional methodologist, of your region."
)


def _apply_level(contest: Contest, data: Mapping[str, Any]) -> None:
    """The level decides which organiser the contest has: a region for a regional contest, a municipality
    (the lead) otherwise. Without a level given, a contest organised by a region alone is regional."""
    if "level" not in data and contest.organiser_region_id and not contest.organiser_municipality_id:
        contest.level = ContestLevel.REGIONAL
    elif (
        "level" not in data
        and contest.organiser_municipality_id
        and not contest.organiser_region_id
        and contest.level == ContestLevel.REGIONAL
    ):
        contest.level = ContestLevel.MUNICIPAL
    if contest.level == ContestLevel.REGIONAL:
        contest.organiser_municipality = None
        if contest.organiser_region_id is None:
            raise ValidationError({"organiser_region": _("Choose the region that organises the contest.")})
    else:
        contest.organiser_region = None
        if contest.organiser_municipality_id is None:
            raise ValidationError(
                {"organiser_municipality": _("Choose the municipality that organises (leads) the contest.")}
            )


def _check_coorganisers(contest: Contest, coorganisers: list[Any]) -> list[Any]:
    """The co-organisers of an inter-municipal contest: at least one, none of them the lead, all of the
    lead's region. Other levels have none."""
    if contest.level != ContestLevel.INTERMUNICIPAL:
        if coorganisers:
            raise ValidationError(
                {"coorganisers": _("Only an inter-municipal contest has co-organisers: choose that level.")}
            )
        return []
    if not coorganisers:
        raise ValidationError(
            {
                "coorganisers": _(
                    "An inter-municipal contest needs at least one co-organiser besides the lead."
                )
            }
        )
    lead = contest.organiser_municipality
    assert lead is not None  # `_apply_level` requires it of every level but the regional
    if any(m.pk == lead.pk for m in coorganisers):
        raise ValidationError(
            {
                "coorganisers": _("%(name)s is the lead organiser and cannot also be a co-organiser.")
                % {"name": lead}
            }
        )
    foreign = [m for m in coorganisers if m.region_id != lead.region_id]
    if foreign:
        raise ValidationError(
            {
                "coorganisers": _(
                    "Co-organisers are municipalities of the lead organiser's region (%(region)s); "
                    "not of it: %(names)s."
                )
                % {"region": lead.region, "names": ", ".join(str(m) for m in foreign)}
            }
        )
    return sorted(coorganisers, key=lambda m: m.pk)


def _set_coorganisers(contest: Contest, coorganisers: list[Any]) -> None:
    contest.coorganisers.set(coorganisers)
    contest.__dict__.pop("_coorganiser_list", None)  # read again on the next `coorganiser_list()`


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
    _apply_level(contest, data)
    require(actor, "contests.manage_contest", contest, message=ORGANISER_REFUSED)
    coorganisers = _check_coorganisers(contest, list(data.get("coorganisers") or []))
    _check_academic_year(contest)
    regulation_kind = _check_regulation(data.get("regulation_file"))
    contest.full_clean(exclude=["regulation_file"])
    contest.save()
    _set_coorganisers(contest, coorganisers)
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
        changes={
            **audit.diff({}, audit.snapshot(contest, CONTEST_FIELDS)),
            **({"coorganisers": [None, [str(m) for m in coorganisers]]} if coorganisers else {}),
        },
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
    before_coorganisers = sorted(contest.coorganisers.values_list("pk", flat=True))
    for name in CONTEST_FIELDS:
        if name in data:
            setattr(contest, name, data[name])
    if contest.kind == ContestKind.PROFESSIONAL:
        contest.status_kind = None
    _apply_level(contest, data)
    # the organiser may not be moved out of scope
    require(actor, "contests.manage_contest", contest, message=ORGANISER_REFUSED)
    if "coorganisers" in data or "level" in data:
        coorganisers = _check_coorganisers(contest, list(data.get("coorganisers") or []))
    else:
        coorganisers = _check_coorganisers(contest, list(contest.coorganisers.all()))
    _check_academic_year(contest)
    regulation_kind = _check_regulation(data.get("regulation_file"))
    contest.full_clean(exclude=["regulation_file"])
    changes = audit.diff(before, audit.snapshot(contest, CONTEST_FIELDS))
    contest.save()
    if [m.pk for m in coorganisers] != before_coorganisers:
        _set_coorganisers(contest, coorganisers)
        changes["coorganisers"] = [before_coorganisers, [m.pk for m in coorganisers]]
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
    contest.coorganisers.set(source.coorganisers.all())
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


#: Hooks run after a contest transition, registered by apps above contests (expertise awards statuses
#: when results are published). Each is called as hook(actor=…, contest=…, transition=…, reason=…).
CONTEST_TRANSITION_HOOKS: list[Any] = []


@transaction.atomic
def contest_transition(
    *, actor: Any, contest: Contest, name: str, reason: str = "", now: datetime.datetime | None = None
) -> Contest:
    """Move a contest along `workflow.CONTEST_TRANSITIONS`; the hooks run in the same transaction."""
    contest = perform(
        actor, contest, name, transitions=CONTEST_TRANSITIONS, reason=reason, now=now or _common.now()
    )
    for hook in CONTEST_TRANSITION_HOOKS:
        hook(actor=actor, contest=contest, transition=name, reason=(reason or "").strip())
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
    model_update(
        contest,
        fields=("order_number", "order_date"),
        data={"order_number": number, "order_date": date},
        actor=actor,
        action="contest.record_order",
        validate=lambda contest: contest.full_clean(exclude=["regulation_file"]),
    )
    return contest
