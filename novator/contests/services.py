"""Writes for contests and applications. Every state change goes through the two transition services."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.files import check_upload, safe_filename

from . import notifications
from .models import (
    Application,
    ApplicationDocument,
    ApplicationState,
    Category,
    Contest,
    ContestKind,
    ContestState,
    RequiredDocument,
)
from .workflow import APPLICATION_TRANSITIONS, CONTEST_TRANSITIONS, EDITABLE_STATES, Transition

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
)
APPLICATION_FIELDS = ("project_title", "category", "texts")


def _require(actor: Any, perm: str, obj: Any = None) -> None:
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _now() -> datetime.datetime:
    return timezone.now()


# ---------------------------------------------------------------------------------------------------
# Contest set-up


@transaction.atomic
def contest_create(*, actor: Any, data: Mapping[str, Any], is_demo: bool = False) -> Contest:
    _require(actor, "contests.add_contest")
    contest = Contest(
        created_by=actor if getattr(actor, "is_authenticated", False) else None, is_demo=is_demo
    )
    for name in CONTEST_FIELDS:
        if name in data:
            setattr(contest, name, data[name])
    if contest.kind == ContestKind.PROFESSIONAL:
        contest.status_kind = None
    _require(actor, "contests.manage_contest", contest)
    contest.full_clean()
    contest.save()
    if "eligible_municipalities" in data:
        contest.eligible_municipalities.set(data["eligible_municipalities"])
    audit.record(
        actor=actor,
        action="contest.create",
        obj=contest,
        changes=audit.diff({}, audit.snapshot(contest, CONTEST_FIELDS)),
    )
    return contest


@transaction.atomic
def contest_update(*, actor: Any, contest: Contest, data: Mapping[str, Any]) -> dict[str, Any]:
    _require(actor, "contests.manage_contest", contest)
    if contest.state not in (ContestState.DRAFT, ContestState.ANNOUNCED):
        raise ValidationError(_("The contest can no longer be changed: the expertise has started."))
    before = audit.snapshot(contest, CONTEST_FIELDS)
    for name in CONTEST_FIELDS:
        if name in data:
            setattr(contest, name, data[name])
    _require(actor, "contests.manage_contest", contest)  # the organiser may not be moved out of scope
    contest.full_clean()
    changes = audit.diff(before, audit.snapshot(contest, CONTEST_FIELDS))
    contest.save()
    if "eligible_municipalities" in data:
        contest.eligible_municipalities.set(data["eligible_municipalities"])
    if changes:
        audit.record(actor=actor, action="contest.update", obj=contest, changes=changes)
    return changes


# ---------------------------------------------------------------------------------------------------
# Transitions


def check_window(application: Application, now: datetime.datetime) -> None:
    contest = application.contest
    if contest.state != ContestState.ANNOUNCED:
        raise ValidationError(_("The contest is not accepting applications."), code="not_accepting")
    if application.state == ApplicationState.RETURNED and application.return_due:
        if now > application.return_due:
            raise ValidationError(
                _("The deadline for fixes was %(due)s; the application can no longer be submitted.")
                % {"due": timezone.localtime(application.return_due).strftime("%d.%m.%Y %H:%M")},
                code="late",
            )
        return
    if now < contest.opens_at:
        raise ValidationError(
            _("Applications are accepted from %(opens)s.")
            % {"opens": timezone.localtime(contest.opens_at).strftime("%d.%m.%Y %H:%M")},
            code="early",
        )
    if now >= contest.closes_at:
        raise ValidationError(
            _("Applications were accepted until %(closes)s; the deadline has passed.")
            % {"closes": timezone.localtime(contest.closes_at).strftime("%d.%m.%Y %H:%M")},
            code="late",
        )


def completeness_errors(application: Application) -> list[str]:
    """What is missing before the application can be submitted (in the user's language)."""
    errors: list[str] = []
    contest = application.contest
    if not application.project_title.strip():
        errors.append(_("The project title is empty."))
    if contest.categories.exists() and application.category_id is None:
        errors.append(_("Choose a category."))
    texts = application.texts or {}
    for section in contest.sections.all():
        text = (texts.get(section.key) or "").strip()
        if section.required and not text:
            errors.append(_("Section «%(title)s» is empty.") % {"title": section.title})
        if len(text) > section.max_length:
            errors.append(
                _("Section «%(title)s» is longer than %(max)d characters.")
                % {"title": section.title, "max": section.max_length}
            )
    uploaded = set(application.documents.values_list("requirement_id", flat=True))
    for requirement in contest.required_documents.all():
        if requirement.required and requirement.pk not in uploaded:
            errors.append(_("Document «%(title)s» is not attached.") % {"title": requirement.title})
    return errors


def check_complete(application: Application, now: datetime.datetime) -> None:
    errors = completeness_errors(application)
    if errors:
        raise ValidationError(errors, code="incomplete")


def check_contest_accepting_changes(application: Application, now: datetime.datetime) -> None:
    if application.contest.state != ContestState.ANNOUNCED:
        raise ValidationError(_("The expertise has started; the application can no longer be withdrawn."))


def check_return_due(application: Application, now: datetime.datetime) -> None:
    if application.return_due is None or application.return_due <= now:
        raise ValidationError({"due": _("Give a due date for the fixes in the future.")})


_APPLICATION_CHECKS = {
    "check_window": check_window,
    "check_complete": check_complete,
    "check_contest_accepting_changes": check_contest_accepting_changes,
    "check_return_due": check_return_due,
}


def _find(transitions: Mapping[str, Transition], name: str, state: str) -> Transition:
    transition = transitions.get(name)
    if transition is None:
        raise ValidationError(_("Unknown action «%(name)s».") % {"name": name}, code="unknown_transition")
    if state not in transition.sources:
        raise ValidationError(
            _("This cannot be done now: the state is «%(state)s».") % {"state": state},
            code="wrong_state",
        )
    return transition


@transaction.atomic
def application_transition(
    *,
    actor: Any,
    application: Application,
    name: str,
    reason: str = "",
    due: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Application:
    """Move an application along its workflow (`workflow.APPLICATION_TRANSITIONS`).

    The row is locked first, so two tabs submitting at once make one submission and one clear error.
    """
    now = now or _now()
    application = (
        Application.objects.select_for_update()
        .select_related("contest", "organization")
        .get(pk=application.pk)
    )
    transition = _find(APPLICATION_TRANSITIONS, name, application.state)
    _require(actor, transition.permission, application)
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if name == "return":
        application.return_due = due
    for check in transition.checks:
        _APPLICATION_CHECKS[check](application, now)
    before = application.state
    application.state = transition.target
    if name == "submit":
        application.submitted_at = now
        application.return_reason = ""
        if application.number is None:
            last = Application.objects.filter(contest=application.contest).aggregate(n=Max("number"))["n"]
            application.number = (last or 0) + 1
    elif name == "return":
        application.return_reason = reason
    elif name == "reject":
        application.reject_reason = reason
    application.save()
    audit.record(
        actor=actor,
        action=f"application.{name}",
        obj=application,
        changes={"state": [before, application.state], **({"reason": [None, reason]} if reason else {})},
    )
    notifications.notify_application_transition(application, name, reason)
    return application


def check_ready_to_announce(contest: Contest, now: datetime.datetime) -> None:
    errors = []
    if not contest.criteria.exists():
        errors.append(_("Add the criteria of the expertise."))
    if contest.closes_at <= now:
        errors.append(_("The application window has already closed; change its dates."))
    if contest.kind == ContestKind.STATUS and contest.status_kind_id is None:
        errors.append(_("Choose the status the contest awards."))
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
    now = now or _now()
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    transition = _find(CONTEST_TRANSITIONS, name, contest.state)
    _require(actor, transition.permission, contest)
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    for check in transition.checks:
        _CONTEST_CHECKS[check](contest, now)
    before = contest.state
    contest.state = transition.target
    if name == "publish_results":
        contest.results_published_at = now
    contest.save()
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
    _require(actor, "contests.manage_contest", contest)
    if contest.state not in (ContestState.DECIDED, ContestState.PUBLISHED):
        raise ValidationError(_("The order is recorded after the commission has confirmed the results."))
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("Give the order number.")})
    before = audit.snapshot(contest, ("order_number", "order_date"))
    contest.order_number, contest.order_date = number, date
    contest.full_clean()
    contest.save(update_fields=["order_number", "order_date", "updated_at"])
    audit.record(
        actor=actor,
        action="contest.record_order",
        obj=contest,
        changes=audit.diff(before, audit.snapshot(contest, ("order_number", "order_date"))),
    )
    return contest


# ---------------------------------------------------------------------------------------------------
# Applications


def _check_eligible(contest: Contest, organization: Any, category: Category | None) -> None:
    if contest.eligible_kinds and organization.kind not in contest.eligible_kinds:
        raise ValidationError(_("Organisations of this kind cannot take part in this contest."))
    eligible = list(contest.eligible_municipalities.values_list("pk", flat=True))
    if eligible and organization.municipality_id not in eligible:
        raise ValidationError(_("Organisations of this municipality cannot take part in this contest."))
    if not eligible:
        if (
            contest.organiser_municipality_id
            and organization.municipality_id != contest.organiser_municipality_id
        ):
            raise ValidationError(
                _("The contest is for organisations of %(where)s.")
                % {"where": contest.organiser_municipality}
            )
        if contest.organiser_region_id and organization.municipality.region_id != contest.organiser_region_id:
            raise ValidationError(
                _("The contest is for organisations of %(where)s.") % {"where": contest.organiser_region}
            )
    if category is not None:
        if category.contest_id != contest.pk:
            raise ValidationError({"category": _("This category belongs to another contest.")})
        if category.organization_kinds and organization.kind not in category.organization_kinds:
            raise ValidationError({"category": _("This category is for organisations of another kind.")})


def _check_texts(contest: Contest, texts: Mapping[str, Any]) -> dict[str, str]:
    sections = {s.key: s for s in contest.sections.all()}
    clean: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for key, value in (texts or {}).items():
        if key not in sections:
            continue
        if not isinstance(value, str):
            errors.setdefault("texts", []).append(_("Section «%(key)s» must be text.") % {"key": key})
            continue
        if len(value) > sections[key].max_length:
            errors.setdefault("texts", []).append(
                _("Section «%(title)s» is longer than %(max)d characters (%(len)d).")
                % {"title": sections[key].title, "max": sections[key].max_length, "len": len(value)}
            )
        clean[key] = value
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def application_create(
    *,
    actor: Any,
    contest: Contest,
    organization: Any,
    data: Mapping[str, Any],
    is_demo: bool = False,
) -> Application:
    application = Application(
        contest=contest,
        organization=organization,
        is_demo=is_demo,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _require(actor, "contests.apply", application)
    if contest.state != ContestState.ANNOUNCED or (actor is not None and not contest.is_open()):
        raise ValidationError(_("The contest is not accepting applications."))
    application.project_title = (data.get("project_title") or "").strip()
    application.category = data.get("category")
    application.applicant = data.get("applicant")
    _check_eligible(contest, organization, application.category)
    application.texts = _check_texts(contest, data.get("texts") or {})
    application.full_clean(exclude=["project_title"] if not application.project_title else None)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        raise ValidationError(_("This organisation has already applied to this contest.")) from exc
    audit.record(
        actor=actor,
        action="application.create",
        obj=application,
        changes={"project_title": [None, application.project_title]},
    )
    return application


@transaction.atomic
def application_update(*, actor: Any, application: Application, data: Mapping[str, Any]) -> dict[str, Any]:
    application = Application.objects.select_for_update().select_related("contest").get(pk=application.pk)
    _require(actor, "contests.apply", application)
    if application.state not in EDITABLE_STATES:
        raise ValidationError(_("A submitted application cannot be edited."))
    before = audit.snapshot(application, APPLICATION_FIELDS)
    if "project_title" in data:
        application.project_title = (data["project_title"] or "").strip()
    if "category" in data:
        application.category = data["category"]
        _check_eligible(application.contest, application.organization, application.category)
    if "texts" in data:
        application.texts = {**(application.texts or {}), **_check_texts(application.contest, data["texts"])}
    application.full_clean(exclude=["project_title"] if not application.project_title else None)
    changes = audit.diff(before, audit.snapshot(application, APPLICATION_FIELDS))
    if changes:
        application.save()
        audit.record(actor=actor, action="application.update", obj=application, changes=changes)
    return changes


@transaction.atomic
def application_attach_document(
    *, actor: Any, application: Application, requirement: RequiredDocument, upload: Any
) -> ApplicationDocument:
    """Attach (or replace) the file for one required document, checked by content and size."""
    _require(actor, "contests.apply", application)
    if application.state not in EDITABLE_STATES:
        raise ValidationError(_("A submitted application cannot be edited."))
    if requirement.contest_id != application.contest_id:
        raise ValidationError(_("This document is not required by the contest."))
    allowed = requirement.allowed_types or ["pdf"]
    kind = check_upload(upload, allowed=allowed, max_bytes=requirement.max_size_mb * 1024 * 1024)
    name = safe_filename(getattr(upload, "name", "file"), kind)
    document = ApplicationDocument.objects.filter(application=application, requirement=requirement).first()
    old_file = document.file.name if document else None
    if document is None:
        document = ApplicationDocument(application=application, requirement=requirement)
    document.original_name = getattr(upload, "name", name)[:255]
    document.file_type = kind
    document.size = upload.size
    document.uploaded_by = actor if getattr(actor, "is_authenticated", False) else None
    upload.seek(0)
    document.file.save(name, upload, save=False)
    document.save()
    if old_file and old_file != document.file.name:
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    audit.record(
        actor=actor,
        action="application.attach",
        obj=application,
        changes={requirement.title: [None, document.original_name]},
    )
    return document


@transaction.atomic
def application_record_outcome(
    *,
    actor: Any,
    application: Application,
    total: Decimal | None,
    rank: int | None,
    awarded: bool,
    note: str = "",
) -> Application:
    """Write the commission's confirmed outcome (called by the expertise app)."""
    before = audit.snapshot(application, ("total", "rank", "awarded", "decision_note"))
    application.total, application.rank, application.awarded = total, rank, awarded
    application.decision_note = note
    application.save(update_fields=["total", "rank", "awarded", "decision_note", "updated_at"])
    changes = audit.diff(before, audit.snapshot(application, ("total", "rank", "awarded", "decision_note")))
    if changes:
        audit.record(actor=actor, action="application.outcome", obj=application, changes=changes)
    return application
