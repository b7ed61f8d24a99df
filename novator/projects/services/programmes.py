"""The programme, its stages and planned results."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.concurrency import check_version
from novator.core.services import model_update, require

from .. import metrics
from ..models import Programme, ProgrammeResult, ProgrammeStage

PROGRAMME_FIELDS = (
    "title",
    "goal",
    "novelty",
    "description",
    "municipality",
    "organizer",
    "status_kind",
    "starts_on",
    "ends_on",
    "is_published",
)
STAGE_FIELDS = ("number", "academic_year", "title", "audience", "tasks", "weight")
RESULT_FIELDS = (
    "title",
    "description",
    "source",
    "target",
    "unit",
    "planned_value",
    "actual_value",
    "weight",
    "position",
)


def _assign(obj: Any, data: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            setattr(obj, name, value.strip() if isinstance(value, str) else value)


def _conflict() -> str:
    return _("This conflicts with an existing record; reload the page.")


def _save(obj: Any) -> None:
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:  # a race past full_clean's uniqueness check
        raise ValidationError(_conflict()) from exc


def _update(
    obj: Any,
    fields: tuple[str, ...],
    data: Mapping[str, Any],
    actor: Any,
    action: str,
    check: Callable[[Any], None],
    on: Programme | None = None,
    label: Callable[[Any], str] | str = "",
) -> dict[str, Any]:
    """`model_update` with this app's cleaning: stripped text, `check`, full_clean, a conflict as a message.
    `on`/`label`: the programme whose log records a change of its stage or result, and the key prefix."""

    def validate(obj: Any) -> None:
        check(obj)
        obj.full_clean()

    return model_update(
        obj,
        fields=fields,
        data=data,
        actor=actor,
        action=action,
        strip=True,
        validate=validate,
        conflict_message=_conflict(),
        audit_obj=on,
        label=label,
    )


def _stage_key(stage: ProgrammeStage) -> str:
    return f"stage {stage.number}: "


def _result_key(result: ProgrammeResult) -> str:
    return f"{result.title}: "


@transaction.atomic
def programme_create(*, actor: Any, data: Mapping[str, Any], is_demo: bool = False) -> Programme:
    programme = Programme(is_demo=is_demo)
    _assign(programme, data, PROGRAMME_FIELDS)
    require(actor, "projects.manage_programme", programme)
    _save(programme)
    audit.record(
        actor=actor, action="programme.create", obj=programme, changes={"title": [None, programme.title]}
    )
    return programme


@transaction.atomic
def programme_update(
    *, actor: Any, programme: Programme, data: Mapping[str, Any], version: str | None = None
) -> dict[str, Any]:
    """Change a programme. `version`: the token its edit page was loaded with; stale → refused."""
    require(actor, "projects.manage_programme", programme)
    check_version(programme, version)
    in_scope = partial(require, actor, "projects.manage_programme")  # the new municipality too
    return _update(programme, PROGRAMME_FIELDS, data, actor, "programme.update", in_scope)


def _check_stage_year(stage: ProgrammeStage) -> None:
    programme = stage.programme
    try:
        year = stage.year
    except ValueError:
        return  # full_clean reports the format
    if year.ends < programme.starts_on or year.starts > programme.ends_on:
        raise ValidationError(
            {
                "academic_year": _("The academic year is outside the programme's term (%(years)s).")
                % {"years": programme.years}
            }
        )


@transaction.atomic
def stage_create(*, actor: Any, programme: Programme, data: Mapping[str, Any]) -> ProgrammeStage:
    require(actor, "projects.manage_programme", programme)
    stage = ProgrammeStage(programme=programme)
    _assign(stage, data, STAGE_FIELDS)
    _check_stage_year(stage)
    _save(stage)
    audit.record(
        actor=actor, action="programme.stage_create", obj=programme, changes={"stage": [None, str(stage)]}
    )
    return stage


@transaction.atomic
def stage_update(*, actor: Any, stage: ProgrammeStage, data: Mapping[str, Any]) -> dict[str, Any]:
    require(actor, "projects.manage_programme", stage.programme)
    return _update(
        stage,
        STAGE_FIELDS,
        data,
        actor,
        "programme.stage_update",
        _check_stage_year,
        stage.programme,
        _stage_key,
    )


@transaction.atomic
def stage_delete(*, actor: Any, stage: ProgrammeStage) -> None:
    programme = stage.programme
    require(actor, "projects.manage_programme", programme)
    label = str(stage)
    stage.delete()
    audit.record(
        actor=actor, action="programme.stage_delete", obj=programme, changes={"stage": [label, None]}
    )


def _check_source(result: ProgrammeResult) -> None:
    if not result.source:
        result.target = ""
        return
    source = metrics.get(result.source)
    if source is None:
        raise ValidationError({"source": _("Unknown way of measuring «%(key)s».") % {"key": result.source}})
    result.actual_value = None
    if not result.target:
        raise ValidationError(
            {"target": _("Choose what is measured: %(what)s.") % {"what": source.target_label}}
        )
    if result.target not in {value for value, _label in source.choices(result.stage)}:
        raise ValidationError({"target": _("Choose one of the offered values.")})
    if not result.unit:
        result.unit = str(source.unit)


@transaction.atomic
def result_create(*, actor: Any, stage: ProgrammeStage, data: Mapping[str, Any]) -> ProgrammeResult:
    require(actor, "projects.manage_programme", stage.programme)
    result = ProgrammeResult(stage=stage)
    _assign(result, data, RESULT_FIELDS)
    _check_source(result)
    _save(result)
    audit.record(
        actor=actor,
        action="programme.result_create",
        obj=stage.programme,
        changes={"result": [None, result.title]},
    )
    return result


@transaction.atomic
def result_update(*, actor: Any, result: ProgrammeResult, data: Mapping[str, Any]) -> dict[str, Any]:
    programme = result.stage.programme
    require(actor, "projects.manage_programme", programme)

    return _update(
        result, RESULT_FIELDS, data, actor, "programme.result_update", _check_source, programme, _result_key
    )


@transaction.atomic
def result_delete(*, actor: Any, result: ProgrammeResult) -> None:
    programme = result.stage.programme
    require(actor, "projects.manage_programme", programme)
    title = result.title
    result.delete()
    audit.record(
        actor=actor, action="programme.result_delete", obj=programme, changes={"result": [title, None]}
    )
