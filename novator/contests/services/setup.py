"""Set-up of a contest: categories, criteria, text sections and required documents, and the default set.

They can be changed while the contest is a draft, or announced but nobody has applied yet: after that the
applications and the expert sheets depend on them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.files import DOCUMENT_TYPES, FILE_TYPES
from novator.core.services import require
from novator.core.text import fold
from novator.organizations.models import OrganizationKind

from .. import defaults
from ..models import (
    AdvanceRule,
    Category,
    Contest,
    ContestKind,
    ContestState,
    Criterion,
    FormSection,
    RequiredDocument,
    Round,
)

M = TypeVar("M", bound=models.Model)


def setup_locked_reason(contest: Contest) -> str | None:
    """Why the set-up of `contest` cannot be changed now, or None when it can."""
    if contest.state == ContestState.DRAFT:
        return None
    if contest.state == ContestState.ANNOUNCED:
        if not contest.applications.exists():
            return None
        return _(
            "Organisations have already applied: the categories, the criteria and the application form "
            "can no longer be changed."
        )
    return _("The expertise has started: the set-up of the contest can no longer be changed.")


def _editable(actor: Any, contest: Contest) -> Contest:
    require(actor, "contests.manage_contest", contest)
    contest = Contest.objects.select_for_update(of=("self",)).get(pk=contest.pk)
    reason = setup_locked_reason(contest)
    if reason:
        raise ValidationError(reason, code="locked")
    return contest


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _taken(queryset: models.QuerySet, field: str, value: str) -> bool:
    """Whether `value` is used already, whatever the case (in Python: SQLite folds only Latin letters)."""
    folded = fold(value)
    return any(fold(v) == folded for v in queryset.values_list(field, flat=True))


# ---------------------------------------------------------------------------------------------------
# Checks per kind of item; each fills `errors` by field


def _clean_category(contest: Contest, item: Category, errors: dict[str, list[str]]) -> None:
    item.name = (item.name or "").strip()
    if not item.name:
        errors.setdefault("name", []).append(_("Give the name of the category."))
    elif _taken(Category.objects.filter(contest=contest).exclude(pk=item.pk), "name", item.name):
        errors.setdefault("name", []).append(_("The contest already has a category with this name."))
    kinds = item.organization_kinds
    if not isinstance(kinds, list) or any(k not in OrganizationKind.values for k in kinds):
        errors.setdefault("organization_kinds", []).append(_("Choose kinds of organisations from the list."))
    else:
        item.organization_kinds = list(dict.fromkeys(kinds))
    if item.quota is not None and item.quota < 1:
        errors.setdefault("quota", []).append(_("The quota is at least 1; leave it empty for no limit."))
    k = item.experts_per_application
    if k is not None and not 1 <= k <= 15:
        errors.setdefault("experts_per_application", []).append(
            _("From 1 to 15 experts per application; leave it empty to use the contest's number.")
        )


def _clean_criterion(contest: Contest, item: Criterion, errors: dict[str, list[str]]) -> None:
    item.name = (item.name or "").strip()
    if not item.name:
        errors.setdefault("name", []).append(_("Give the name of the criterion."))
    max_points, weight = _decimal(item.max_points), _decimal(item.weight)
    if max_points is None or max_points <= 0:
        errors.setdefault("max_points", []).append(_("The maximum points must be a positive number."))
    else:
        item.max_points = max_points
    if weight is None or weight <= 0:
        errors.setdefault("weight", []).append(_("The weight must be a positive number."))
    else:
        item.weight = weight
    if contest.kind == ContestKind.PROFESSIONAL:
        if item.round_id is None:
            errors.setdefault("round", []).append(_("Choose the round this criterion is scored in."))
        elif not Round.objects.filter(pk=item.round_id, contest=contest).exists():
            errors.setdefault("round", []).append(_("This round belongs to another contest."))
    elif item.round_id is not None:
        errors.setdefault("round", []).append(_("Only professional contests have rounds."))


def _clean_round(contest: Contest, item: Round, errors: dict[str, list[str]]) -> None:
    if contest.kind != ContestKind.PROFESSIONAL:
        errors.setdefault("__all__", []).append(_("Only professional contests have rounds."))
    item.title = (item.title or "").strip()
    if not item.title:
        errors.setdefault("title", []).append(_("Give the title of the round."))
    if item.starts_on and item.ends_on and item.ends_on < item.starts_on:
        errors.setdefault("ends_on", []).append(_("A round must end on or after the day it starts."))
    value = _decimal(item.advance_value)
    if value is None or value < 0:
        errors.setdefault("advance_value", []).append(_("Give a number of 0 or more."))
    elif item.advance_rule == AdvanceRule.TOP and (value < 1 or value != value.to_integral_value()):
        errors.setdefault("advance_value", []).append(_("Top N: give a whole number of 1 or more."))
    else:
        item.advance_value = value
    if Round.objects.filter(contest=contest, position=item.position).exclude(pk=item.pk).exists():
        errors.setdefault("position", []).append(_("The contest already has a round with this number."))


def _clean_section(contest: Contest, item: FormSection, errors: dict[str, list[str]]) -> None:
    item.title = (item.title or "").strip()
    if not item.title:
        errors.setdefault("title", []).append(_("Give the title of the section."))
    key = (item.key or "").strip().lower()
    if not key:
        key = slugify(item.title).replace("-", "_")[:40] or f"section_{contest.sections.count() + 1}"
    item.key = key
    if FormSection.objects.filter(contest=contest, key=key).exclude(pk=item.pk).exists():
        errors.setdefault("key", []).append(
            _("The form already has a section with the key «%(key)s».") % {"key": key}
        )


def _clean_document(contest: Contest, item: RequiredDocument, errors: dict[str, list[str]]) -> None:
    item.title = (item.title or "").strip()
    if not item.title:
        errors.setdefault("title", []).append(_("Give the title of the document."))
    elif _taken(RequiredDocument.objects.filter(contest=contest).exclude(pk=item.pk), "title", item.title):
        errors.setdefault("title", []).append(_("The contest already asks for a document with this title."))
    types = item.allowed_types
    if not isinstance(types, list) or not types:
        errors.setdefault("allowed_types", []).append(_("Choose at least one allowed file type."))
    elif any(t not in DOCUMENT_TYPES for t in types):
        labels = ", ".join(FILE_TYPES[t]["label"] for t in DOCUMENT_TYPES)
        errors.setdefault("allowed_types", []).append(
            _("Allowed file types are: %(types)s.") % {"types": labels}
        )
    else:
        item.allowed_types = [t for t in DOCUMENT_TYPES if t in types]


@dataclass(frozen=True)
class SetupPart:
    model: type[models.Model]
    related_name: str
    fields: tuple[str, ...]
    action: str
    clean: Callable[[Contest, Any, dict[str, list[str]]], None]


CATEGORY = SetupPart(
    Category,
    "categories",
    ("name", "organization_kinds", "quota", "experts_per_application", "position"),
    "category",
    _clean_category,
)
CRITERION = SetupPart(
    Criterion,
    "criteria",
    ("name", "description", "levels", "max_points", "weight", "position", "round"),
    "criterion",
    _clean_criterion,
)
ROUND = SetupPart(
    Round,
    "rounds",
    ("title", "format", "tasks", "starts_on", "ends_on", "advance_rule", "advance_value", "position"),
    "round",
    _clean_round,
)
SECTION = SetupPart(
    FormSection,
    "sections",
    ("key", "title", "help_text", "max_length", "required", "position"),
    "section",
    _clean_section,
)
DOCUMENT = SetupPart(
    RequiredDocument,
    "required_documents",
    ("title", "allowed_types", "max_size_mb", "required", "position"),
    "document",
    _clean_document,
)


def _validate(part: SetupPart, contest: Contest, item: Any) -> None:
    errors: dict[str, list[str]] = {}
    part.clean(contest, item, errors)
    if errors:
        raise ValidationError(errors)
    item.full_clean(exclude=["contest"])


def _create(part: SetupPart, *, actor: Any, contest: Contest, data: Mapping[str, Any]) -> Any:
    contest = _editable(actor, contest)
    item = part.model(contest=contest)
    for name in part.fields:
        if name in data and data[name] is not None:
            setattr(item, name, data[name])
    if data.get("position") is None:
        last = getattr(contest, part.related_name).aggregate(n=Max("position"))["n"]
        item.position = (last or 0) + 1  # type: ignore[attr-defined]
    _validate(part, contest, item)
    item.save()
    audit.record(
        actor=actor,
        action=f"contest.{part.action}_create",
        obj=contest,
        changes=audit.diff(
            {}, {f"{part.action}.{k}": v for k, v in audit.snapshot(item, part.fields).items()}
        ),
    )
    return item


def _update(part: SetupPart, *, actor: Any, item: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    contest = _editable(actor, item.contest)
    item = part.model._default_manager.select_for_update(of=("self",)).get(pk=item.pk)
    before = audit.snapshot(item, part.fields)
    for name in part.fields:
        if name in data:
            if name == "position" and data[name] is None:
                continue
            setattr(item, name, data[name])
    _validate(part, contest, item)
    changes = audit.diff(before, audit.snapshot(item, part.fields))
    if changes:
        item.save()
        audit.record(
            actor=actor,
            action=f"contest.{part.action}_update",
            obj=contest,
            changes={"item": [str(item), str(item)], **changes},
        )
    return changes


def _delete(part: SetupPart, *, actor: Any, item: Any) -> None:
    contest = _editable(actor, item.contest)
    label = str(item)
    try:
        with transaction.atomic():
            item.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("«%(item)s» is used by applications and cannot be deleted.") % {"item": label}
        ) from exc
    audit.record(
        actor=actor, action=f"contest.{part.action}_delete", obj=contest, changes={part.action: [label, None]}
    )


# ---------------------------------------------------------------------------------------------------
# The services


@transaction.atomic
def category_create(*, actor: Any, contest: Contest, data: Mapping[str, Any]) -> Category:
    return cast(Category, _create(CATEGORY, actor=actor, contest=contest, data=data))


@transaction.atomic
def category_update(*, actor: Any, category: Category, data: Mapping[str, Any]) -> dict[str, Any]:
    return _update(CATEGORY, actor=actor, item=category, data=data)


@transaction.atomic
def category_delete(*, actor: Any, category: Category) -> None:
    _delete(CATEGORY, actor=actor, item=category)


@transaction.atomic
def round_create(*, actor: Any, contest: Contest, data: Mapping[str, Any]) -> Round:
    return cast(Round, _create(ROUND, actor=actor, contest=contest, data=data))


@transaction.atomic
def round_update(*, actor: Any, round: Round, data: Mapping[str, Any]) -> dict[str, Any]:
    return _update(ROUND, actor=actor, item=round, data=data)


@transaction.atomic
def round_delete(*, actor: Any, round: Round) -> None:
    _delete(ROUND, actor=actor, item=round)


@transaction.atomic
def criterion_create(*, actor: Any, contest: Contest, data: Mapping[str, Any]) -> Criterion:
    return cast(Criterion, _create(CRITERION, actor=actor, contest=contest, data=data))


@transaction.atomic
def criterion_update(*, actor: Any, criterion: Criterion, data: Mapping[str, Any]) -> dict[str, Any]:
    return _update(CRITERION, actor=actor, item=criterion, data=data)


@transaction.atomic
def criterion_delete(*, actor: Any, criterion: Criterion) -> None:
    _delete(CRITERION, actor=actor, item=criterion)


@transaction.atomic
def form_section_create(*, actor: Any, contest: Contest, data: Mapping[str, Any]) -> FormSection:
    return cast(FormSection, _create(SECTION, actor=actor, contest=contest, data=data))


@transaction.atomic
def form_section_update(*, actor: Any, section: FormSection, data: Mapping[str, Any]) -> dict[str, Any]:
    return _update(SECTION, actor=actor, item=section, data=data)


@transaction.atomic
def form_section_delete(*, actor: Any, section: FormSection) -> None:
    _delete(SECTION, actor=actor, item=section)


@transaction.atomic
def required_document_create(*, actor: Any, contest: Contest, data: Mapping[str, Any]) -> RequiredDocument:
    return cast(RequiredDocument, _create(DOCUMENT, actor=actor, contest=contest, data=data))


@transaction.atomic
def required_document_update(
    *, actor: Any, document: RequiredDocument, data: Mapping[str, Any]
) -> dict[str, Any]:
    return _update(DOCUMENT, actor=actor, item=document, data=data)


@transaction.atomic
def required_document_delete(*, actor: Any, document: RequiredDocument) -> None:
    _delete(DOCUMENT, actor=actor, item=document)


def add_defaults(contest: Contest, parts: tuple[str, ...]) -> int:
    """Add the default items that the contest does not have yet (by name, key or title); no checks."""
    added = 0
    plan: list[tuple[str, SetupPart, list[dict[str, Any]], str]] = [
        ("categories", CATEGORY, defaults.default_categories(), "name"),
        ("criteria", CRITERION, defaults.default_criteria(), "name"),
        ("sections", SECTION, defaults.default_sections(), "key"),
        ("documents", DOCUMENT, defaults.default_documents(), "title"),
    ]
    for name, part, rows, unique in plan:
        if name not in parts:
            continue
        manager = getattr(contest, part.related_name)
        existing = {fold(str(v)) for v in manager.values_list(unique, flat=True)}
        last = manager.aggregate(n=Max("position"))["n"] or 0
        new = []
        for row in rows:
            if fold(str(row[unique])) in existing:
                continue
            last += 1
            new.append(part.model(contest=contest, position=last, **row))
        part.model._default_manager.bulk_create(new)
        added += len(new)
    return added


ALL_PARTS = ("categories", "criteria", "sections", "documents")


@transaction.atomic
def contest_apply_defaults(*, actor: Any, contest: Contest, parts: tuple[str, ...] = ALL_PARTS) -> int:
    """Add the default criteria (0–3 each), form sections, documents and categories; return how many."""
    contest = _editable(actor, contest)
    added = add_defaults(contest, parts)
    if added:
        audit.record(actor=actor, action="contest.apply_defaults", obj=contest, changes={"added": [0, added]})
    return added
