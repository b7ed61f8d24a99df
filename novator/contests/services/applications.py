"""Applications: create, edit, attach documents, move along the workflow, record the outcome."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.concurrency import check_version
from novator.core.files import check_upload, safe_filename
from novator.core.services import model_update, require, user_or_none
from novator.core.workflow import perform

from ..checks import nominee_errors
from ..models import (
    Application,
    ApplicationDocument,
    ApplicationState,
    Category,
    Contest,
    ContestKind,
    ContestState,
    RequiredDocument,
    SignedApplication,
)
from ..workflow import APPLICATION_TRANSITIONS, EDITABLE_STATES
from . import _common

APPLICATION_FIELDS = ("project_title", "category", "texts", "experience_years")


# ---------------------------------------------------------------------------------------------------
# Checks of the workflow


def edit_locked_reason(application: Application) -> str | None:
    """Why the applicant cannot change the application now, or None when they can."""
    if application.state not in EDITABLE_STATES:
        return _("A submitted application cannot be edited.")
    if application.contest.state != ContestState.ANNOUNCED:
        return _("The contest no longer accepts changes to applications.")
    return None


def _check_editable(application: Application) -> None:
    reason = edit_locked_reason(application)
    if reason:
        raise ValidationError(reason, code="locked")


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
    return perform(
        actor,
        application,
        name,
        transitions=APPLICATION_TRANSITIONS,
        reason=reason,
        now=now or _common.now(),
        due=due,
    )


# ---------------------------------------------------------------------------------------------------
# Applying


def _check_eligible(contest: Contest, organization: Any, category: Category | None) -> None:
    if contest.eligible_kinds and organization.kind not in contest.eligible_kinds:
        raise ValidationError(_("Organisations of this kind cannot take part in this contest."))
    eligible = list(contest.eligible_municipalities.values_list("pk", flat=True))
    if eligible and organization.municipality_id not in eligible:
        raise ValidationError(_("Organisations of this municipality cannot take part in this contest."))
    if not eligible:
        if contest.is_intermunicipal:
            if organization.municipality_id not in contest.organiser_municipality_ids():
                raise ValidationError(
                    _("The contest is for organisations of its organisers: %(where)s.")
                    % {"where": ", ".join(str(m) for m in contest.organisers())}
                )
        elif (
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
        value = value.replace("\r\n", "\n")
        if len(value) > sections[key].max_length:
            errors.setdefault(f"text_{key}", []).append(
                _("Section «%(title)s» is longer than %(max)d characters (%(len)d).")
                % {"title": sections[key].title, "max": sections[key].max_length, "len": len(value)}
            )
        clean[key] = value
    if errors:
        raise ValidationError(errors)
    return clean


def existing_application(contest: Contest, organization: Any) -> Application | None:
    """The organisation's live (not withdrawn) application to the contest, if any."""
    return (
        Application.objects.filter(contest=contest, organization=organization, applicant__isnull=True)
        .exclude(state=ApplicationState.WITHDRAWN)
        .first()
    )


@transaction.atomic
def application_create(
    *,
    actor: Any,
    contest: Contest,
    organization: Any,
    data: Mapping[str, Any],
    is_demo: bool = False,
) -> Application:
    """Start a draft application of `organization` to an open contest (eligibility checked)."""
    application = Application(
        contest=contest, organization=organization, is_demo=is_demo, created_by=user_or_none(actor)
    )
    require(actor, "contests.apply", application)
    if contest.state != ContestState.ANNOUNCED or (actor is not None and not contest.is_open()):
        raise ValidationError(_("The contest is not accepting applications."), code="not_accepting")
    application.project_title = (data.get("project_title") or "").strip()
    application.category = data.get("category")
    application.applicant = data.get("applicant")
    application.experience_years = data.get("experience_years")
    _check_eligible(contest, organization, application.category)
    if contest.kind == ContestKind.PROFESSIONAL:
        errors = nominee_errors(contest, organization, application.applicant, application.experience_years)
        if errors:
            raise ValidationError(errors, code="ineligible")
        duplicate = (
            Application.objects.filter(contest=contest, applicant=application.applicant)
            .exclude(state=ApplicationState.WITHDRAWN)
            .exists()
        )
        if duplicate:
            raise ValidationError(
                {"applicant": _("This person has already been nominated to this contest.")}, code="duplicate"
            )
    else:
        application.applicant = None
    if application.applicant is None and existing_application(contest, organization) is not None:
        raise ValidationError(_("This organisation has already applied to this contest."), code="duplicate")
    application.texts = _check_texts(contest, data.get("texts") or {})
    application.full_clean(
        exclude=["project_title"] if not application.project_title else None, validate_constraints=False
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("This organisation has already applied to this contest."), code="duplicate"
        ) from exc
    audit.record(
        actor=actor,
        action="application.create",
        obj=application,
        changes={"project_title": [None, application.project_title]},
    )
    return application


@transaction.atomic
def application_update(
    *, actor: Any, application: Application, data: Mapping[str, Any], version: str | None = None
) -> dict[str, Any]:
    """Change the title, the category or text sections of a draft or returned application.

    `version` is the token the edit page was loaded with (novator.core.concurrency): a save from a page
    older than the last save (another tab, a colleague) is refused and changes nothing.
    """
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("contest", "organization")
        .get(pk=application.pk)
    )
    require(actor, "contests.apply", application)
    _check_editable(application)
    check_version(application, version)
    values = {k: v for k, v in data.items() if k in ("category", "experience_years")}
    if "experience_years" in data and application.contest.kind != ContestKind.PROFESSIONAL:
        del values["experience_years"]
    if "project_title" in data:
        values["project_title"] = (data["project_title"] or "").strip()

    def validate(application: Application) -> None:
        if "category" in values:
            _check_eligible(application.contest, application.organization, application.category)
        if "texts" in data:
            texts = _check_texts(application.contest, data["texts"])
            application.texts = {**(application.texts or {}), **texts}
        if "experience_years" in values:
            errors = nominee_errors(
                application.contest,
                application.organization,
                application.applicant,
                application.experience_years,
            )
            if errors.get("experience_years"):
                raise ValidationError({"experience_years": errors["experience_years"]})
        application.full_clean(
            exclude=["project_title"] if not application.project_title else None, validate_constraints=False
        )

    return model_update(
        application,
        fields=APPLICATION_FIELDS,
        data=values,
        actor=actor,
        action="application.update",
        validate=validate,
    )


@transaction.atomic
def application_attach_document(
    *, actor: Any, application: Application, requirement: RequiredDocument, upload: Any
) -> ApplicationDocument:
    """Attach (or replace) the file for one required document, checked by content and size."""
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("contest").get(pk=application.pk)
    )
    require(actor, "contests.apply", application)
    _check_editable(application)
    if requirement.contest_id != application.contest_id:
        raise ValidationError(_("This document is not required by the contest."))
    allowed = requirement.allowed_types or ["pdf"]
    kind = check_upload(upload, allowed=allowed, max_bytes=requirement.max_size_mb * 1024 * 1024)
    name = safe_filename(getattr(upload, "name", "file"), kind)
    document = ApplicationDocument.objects.filter(application=application, requirement=requirement).first()
    old_file = document.file.name if document else None
    if document is None:
        document = ApplicationDocument(application=application, requirement=requirement)
    document.original_name = (getattr(upload, "name", None) or name)[:255]
    document.file_type = kind
    document.size = upload.size
    document.uploaded_by = user_or_none(actor)
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


#: the signed scan of the application: a PDF or a photo of the signed pages
SIGNED_SCAN_TYPES = ("pdf", "jpg", "png")
SIGNED_SCAN_MAX_MB = 10
SIGNED_SCAN_STATES = frozenset({ApplicationState.SUBMITTED, ApplicationState.ACCEPTED})


@transaction.atomic
def application_attach_signed_scan(*, actor: Any, application: Application, upload: Any) -> SignedApplication:
    """Attach (or replace) the scan of the submitted application signed by the head: PDF, JPEG or PNG up
    to 10 MB, checked by content (a renamed file of another type is refused)."""
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    require(actor, "contests.apply", application)
    if application.state not in SIGNED_SCAN_STATES:
        raise ValidationError(_("The signed application is uploaded after the application is submitted."))
    kind = check_upload(upload, allowed=SIGNED_SCAN_TYPES, max_bytes=SIGNED_SCAN_MAX_MB * 1024 * 1024)
    name = safe_filename(getattr(upload, "name", "file"), kind)
    scan = SignedApplication.objects.filter(application=application).first()
    old_file = scan.file.name if scan else None
    if scan is None:
        scan = SignedApplication(application=application)
    scan.original_name = (getattr(upload, "name", None) or name)[:255]
    scan.file_type = kind
    scan.size = upload.size
    scan.uploaded_by = user_or_none(actor)
    upload.seek(0)
    scan.file.save(name, upload, save=False)
    scan.save()
    if old_file and old_file != scan.file.name:
        storage = scan.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    audit.record(
        actor=actor,
        action="application.signed_scan",
        obj=application,
        changes={"signed_scan": [old_file and "replaced", scan.original_name]},
    )
    return scan


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
    model_update(
        application,
        fields=("total", "rank", "awarded", "decision_note"),
        data={"total": total, "rank": rank, "awarded": awarded, "decision_note": note},
        actor=actor,
        action="application.outcome",
    )
    return application
