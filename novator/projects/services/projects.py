"""Innovation projects: creation, links to the application and the status, the versioned passport."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.contests.models import Application
from novator.core import audit
from novator.core.concurrency import check_version
from novator.core.services import model_update, require, user_or_none
from novator.core.text import clean_text
from novator.core.workflow import find
from novator.organizations.models import Organization
from novator.statuses.models import StatusAssignment

from .. import notifications
from ..models import OPEN_VERSION_STATES, InnovationProject, ProjectVersion, VersionState
from ..passport import completeness_errors, empty_passport, normalised
from ..workflow import VERSION_TRANSITIONS
from .reports import report_schedule_sync

_BULLET = re.compile(r"^\s*(?:[-•—–*]|\d+[.)])\s*")

#: Sections of a contest application whose text starts the passport (the default form's keys).
APPLICATION_SECTIONS = {
    "goal": "goal",
    "tasks": "tasks",
    "novelty": "novelty",
    "significance": "significance",
    "practical_significance": "significance",
    "expected_results": "expected_results",
    "results": "expected_results",
    "resources": "resources",
    "risks": "risks",
}


def _check_links(
    organization: Organization,
    application: Application | None,
    status_assignment: StatusAssignment | None,
    project: InnovationProject | None = None,
) -> None:
    errors: dict[str, str] = {}
    if application is not None:
        if application.organization_id != organization.pk:
            errors["application"] = _("The application is of another organisation.")
        elif (
            InnovationProject.objects.filter(application=application)
            .exclude(pk=getattr(project, "pk", None))
            .exists()
        ):
            errors["application"] = _("Another project already came with this application.")
    if status_assignment is not None:
        if status_assignment.organization_id != organization.pk:
            errors["status_assignment"] = _("The status is held by another organisation.")
        elif (
            InnovationProject.objects.filter(status_assignment=status_assignment)
            .exclude(pk=getattr(project, "pk", None))
            .exists()
        ):
            errors["status_assignment"] = _("Another project is carried out under this status.")
    if errors:
        raise ValidationError(errors)


def _prefill(passport: dict[str, Any], application: Application | None) -> dict[str, Any]:
    if application is None:
        return passport
    texts = application.texts if isinstance(application.texts, dict) else {}
    for key, target in APPLICATION_SECTIONS.items():
        text = texts.get(key)
        if not isinstance(text, str) or not text.strip():
            continue
        if target == "tasks":
            lines = (_BULLET.sub("", line).strip() for line in text.splitlines())
            passport["tasks"] = [line for line in lines if line]
        elif not passport[target]:
            passport[target] = text.strip()
    return passport


@transaction.atomic
def project_create(
    *,
    actor: Any,
    organization: Organization,
    title: str,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    application: Application | None = None,
    status_assignment: StatusAssignment | None = None,
    is_demo: bool = False,
) -> InnovationProject:
    """A new project with its first draft of the passport. The term is the status's unless given."""
    require(actor, "projects.edit_project", organization)
    _check_links(organization, application, status_assignment)
    title = clean_text(title, 500)
    if not title and application is not None:
        title = application.project_title
    if status_assignment is not None:
        starts_on = starts_on or status_assignment.starts_on
        ends_on = ends_on or status_assignment.ends_on
    if starts_on is None or ends_on is None:
        raise ValidationError(
            {"starts_on": _("Give the term of the project, or choose the status it is carried out under.")}
        )
    project = InnovationProject(
        organization=organization,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        application=application,
        status_assignment=status_assignment,
        created_by=user_or_none(actor),
        is_demo=is_demo,
    )
    project.full_clean()
    project.save()
    passport = _prefill(empty_passport(title), application)
    ProjectVersion.objects.create(
        project=project, number=1, passport=passport, created_by=user_or_none(actor)
    )
    if status_assignment is not None:
        report_schedule_sync(actor=actor, project=project)
    audit.record(
        actor=actor,
        action="project.create",
        obj=project,
        changes={
            "title": [None, title],
            "application": [None, str(application) if application else None],
            "status_assignment": [None, str(status_assignment) if status_assignment else None],
        },
    )
    return project


@transaction.atomic
def project_update(
    *, actor: Any, project: InnovationProject, data: Mapping[str, Any], version: str | None = None
) -> dict[str, Any]:
    """Change the term or the links to the application and the status.

    `version`: the token the edit page was loaded with (novator.core.concurrency); stale → refused.
    """
    project = (
        InnovationProject.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=project.pk)
    )
    require(actor, "projects.edit_project", project)
    check_version(project, version)

    def validate(project: InnovationProject) -> None:
        _check_links(project.organization, project.application, project.status_assignment, project)
        project.full_clean()

    changes = model_update(
        project,
        fields=("starts_on", "ends_on", "application", "status_assignment"),
        data=data,
        actor=actor,
        action="project.update",
        validate=validate,
    )
    if "status_assignment" in changes or "starts_on" in changes or "ends_on" in changes:
        report_schedule_sync(actor=None, project=project)
    return changes


def open_version(project: InnovationProject) -> ProjectVersion | None:
    return project.versions.filter(state__in=OPEN_VERSION_STATES).first()


@transaction.atomic
def version_draft_start(*, actor: Any, project: InnovationProject) -> ProjectVersion:
    """The working draft: the open one, or a new one copied from the approved passport."""
    project = (
        InnovationProject.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=project.pk)
    )
    require(actor, "projects.edit_project", project)
    if project.closed_on:
        raise ValidationError(_("The project is closed; its passport can no longer be changed."))
    version = open_version(project)
    if version is not None:
        return version
    latest = project.versions.order_by("-number").first()
    source = project.approved_version or latest
    version = ProjectVersion.objects.create(
        project=project,
        number=(latest.number if latest else 0) + 1,
        passport=normalised(source.passport if source else empty_passport(project.title)),
        created_by=user_or_none(actor),
    )
    audit.record(
        actor=actor, action="project.draft", obj=project, changes={"version": [None, version.number]}
    )
    return version


def passport_token(passport: Mapping[str, Any], parts: Iterable[str]) -> str:
    """The version of some parts of a passport: a hash of their content.

    The passport is edited a part at a time (general, indicators, plan, team) and each save replaces only
    its parts, so the edit page of a part carries the version of that part alone: saving the plan in one
    tab does not make the team page of another tab stale, saving the plan in two tabs does.
    """
    passport = normalised(dict(passport))
    content = json.dumps({k: passport.get(k) for k in sorted(parts)}, sort_keys=True, default=str)
    return hashlib.sha256(content.encode()).hexdigest()[:32]


@transaction.atomic
def passport_update(
    *,
    actor: Any,
    project: InnovationProject,
    changes: Mapping[str, Any],
    version: str | None = None,
) -> ProjectVersion:
    """Write parts of the passport into the working draft (made if needed); the approved version stays.

    `version` is `passport_token` of the changed parts as the edit page showed them: when someone saved
    those parts since, the save is refused (StaleVersionError) and nothing changes. None skips the check.
    """
    draft = version_draft_start(actor=actor, project=project)
    draft = ProjectVersion.objects.select_for_update(of=("self",)).get(pk=draft.pk)
    if not draft.is_editable:
        raise ValidationError(_("The passport is awaiting approval and cannot be changed now."))
    passport = normalised(draft.passport)
    if version is not None and passport_token(passport, changes) != version:
        check_version(draft, "")  # a token that never matches: raises the usual "changed by someone" error
    unknown = set(changes) - set(passport)
    if unknown:
        raise ValidationError(
            _("Unknown parts of the passport: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
        )
    changed = [key for key, value in changes.items() if passport[key] != value]
    if not changed:
        return draft
    passport.update(changes)
    draft.passport = passport
    draft.save(update_fields=["passport", "updated_at"])
    if "theme" in changed and not project.is_approved:
        InnovationProject.objects.filter(pk=project.pk).update(title=passport["theme"][:500])
    audit.record(
        actor=actor,
        action="project.passport_update",
        obj=project,
        changes={"version": [None, draft.number], "sections": [None, sorted(changed)]},
    )
    return draft


@transaction.atomic
def version_transition(
    *,
    actor: Any,
    project: InnovationProject,
    name: str,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> ProjectVersion:
    """Submit the draft (coordinator), approve it or return it with a comment (methodologist).

    Approving supersedes the previously approved version and makes the new one the project's passport."""
    project = (
        InnovationProject.objects.select_for_update(of=("self",))
        .select_related("organization", "organization__municipality")
        .get(pk=project.pk)
    )
    version = open_version(project)
    state = version.state if version else VersionState.APPROVED
    transition = find(VERSION_TRANSITIONS, name, project, actor, state=state)
    assert version is not None  # an approved state has no transitions
    reason = clean_text(reason, 5000)
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": _("Write what should be revised.")})
    if name == "submit":
        errors = completeness_errors(version.passport)
        if errors:
            raise ValidationError(errors, code="incomplete")
    now = now or timezone.now()
    previous_state = version.state
    version.state = transition.target
    if name == "submit":
        version.submitted_at = now
        version.comment = ""
    else:
        version.decided_at = now
        version.decided_by = user_or_none(actor)
        version.comment = reason
    if name == "approve":
        if project.approved_version_id:
            ProjectVersion.objects.filter(pk=project.approved_version_id).update(
                state=VersionState.SUPERSEDED
            )
        version.save()
        project.approved_version = version
        project.title = clean_text(version.passport.get("theme"), 500) or project.title
        project.save(update_fields=["approved_version", "title", "updated_at"])
    else:
        version.save()
    audit.record(
        actor=actor,
        action=f"project.version_{name}",
        obj=project,
        changes={
            "version": [None, version.number],
            "state": [previous_state, version.state],
            **({"reason": [None, reason]} if reason else {}),
        },
    )
    notifications.version_transition(project, version, name, reason)
    return version
