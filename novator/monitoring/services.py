"""Writes of the monitoring: catalogue, weights, collected values, publication and the recomputation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from novator.core import audit
from novator.core.academic_year import AcademicYear
from novator.core.jobs import Progress, enqueue_on_commit, job_create
from novator.core.models import Job
from novator.core.services import require, user_or_none
from novator.organizations.models import Organization

from .engine import derivations, formula
from .engine.recompute import CHUNK_SIZE, recompute_year
from .models import (
    INDEX_CODE,
    DataElement,
    DataValue,
    ElementSource,
    IndexWeightChange,
    Indicator,
    MonitoringYear,
    index_indicator,  # noqa: F401 - callers create the index through the services
)

#: the refusal of every monitoring service
DENIED = gettext_lazy("You may not change the monitoring.")


# --- catalogue -------------------------------------------------------------------------------------------


@transaction.atomic
def data_element_create(*, actor: Any, code: str, name: str, source: str, **fields: Any) -> DataElement:
    require(actor, "monitoring.manage", message=DENIED)
    if source == ElementSource.DERIVED and code not in derivations.REGISTRY:
        raise ValidationError(_("Novator has no derivation for the code %(code)s.") % {"code": code})
    element = DataElement(code=code, name=name, source=source, **fields)
    element.full_clean()
    element.save()
    audit.record(actor=actor, action="monitoring.element_created", obj=element)
    return element


def _check_formula(text: str, known: set[str]) -> None:
    unknown = formula.names(text) - known
    if unknown:
        raise ValidationError(
            _("Unknown data elements in the formula: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
            code="formula",
        )


@transaction.atomic
def indicator_create(
    *, actor: Any, code: str, name: str, numerator: str, denominator: str = "", **fields: Any
) -> Indicator:
    require(actor, "monitoring.manage", message=DENIED)
    if code == INDEX_CODE:
        raise ValidationError(_("The code %(code)s is reserved for the index.") % {"code": code})
    known = set(DataElement.objects.values_list("code", flat=True))
    if not numerator.strip():
        raise ValidationError(_("The numerator is required."), code="formula")
    _check_formula(numerator, known)
    _check_formula(denominator, known)
    indicator = Indicator(code=code, name=name, numerator=numerator, denominator=denominator, **fields)
    indicator.full_clean()
    indicator.save()
    audit.record(actor=actor, action="monitoring.indicator_created", obj=indicator)
    return indicator


@transaction.atomic
def index_weights_change(
    *, actor: Any, weights: Mapping[str, Mapping[str, Any]], note: str = ""
) -> IndexWeightChange:
    """A new version of the weights and reference bounds: {code: {weight, lower, upper}}."""
    require(actor, "monitoring.manage", message=DENIED)
    known = set(Indicator.objects.exclude(code=INDEX_CODE).values_list("code", flat=True))
    clean: dict[str, dict[str, float]] = {}
    for code, spec in weights.items():
        if code not in known:
            raise ValidationError(_("Unknown indicator: %(code)s.") % {"code": code}, code="weights")
        try:
            weight, lower, upper = (Decimal(str(spec[k])) for k in ("weight", "lower", "upper"))
        except (KeyError, InvalidOperation, TypeError):
            raise ValidationError(
                _("Give the weight and both reference bounds of %(code)s as numbers.") % {"code": code},
                code="weights",
            ) from None
        if weight < 0:
            raise ValidationError(
                _("A weight may not be negative (%(code)s).") % {"code": code}, code="weights"
            )
        if upper <= lower:
            raise ValidationError(
                _("The upper reference bound of %(code)s must exceed the lower one.") % {"code": code},
                code="weights",
            )
        clean[code] = {"weight": float(weight), "lower": float(lower), "upper": float(upper)}
    if not any(spec["weight"] > 0 for spec in clean.values()):
        raise ValidationError(_("At least one indicator needs a positive weight."), code="weights")
    previous = IndexWeightChange.objects.first()
    change = IndexWeightChange.objects.create(created_by=user_or_none(actor), note=note, weights=clean)
    audit.record(
        actor=actor,
        action="monitoring.weights_changed",
        obj=change,
        changes={"weights": [previous.weights if previous else None, clean]},
    )
    return change


# --- collected values ------------------------------------------------------------------------------------


def _validate_values(
    values: Mapping[str, Decimal | None],
    elements: dict[str, DataElement],
    bounds: Mapping[str, Decimal | None],
) -> None:
    errors: dict[str, list[str]] = defaultdict(list)
    for code, value in values.items():
        element = elements.get(code)
        if element is None or element.source != ElementSource.COLLECTED:
            errors[code].append(_("This data element is not collected."))
            continue
        if value is None:
            continue
        if element.is_integer and value != value.to_integral_value():
            errors[code].append(_("Enter a whole number."))
        if element.min_value is not None and value < element.min_value:
            errors[code].append(
                _("The value may not be less than %(min)s.") % {"min": element.min_value.normalize()}
            )
        if element.max_value is not None and value > element.max_value:
            errors[code].append(
                _("The value may not exceed %(max)s.") % {"max": element.max_value.normalize()}
            )
        limit = element.not_greater_than
        if limit is not None:
            bound = bounds.get(limit.code)
            if bound is not None and value > bound:
                errors[code].append(_("The value may not exceed “%(name)s”.") % {"name": limit.name})
    if errors:
        raise ValidationError({code: list(messages) for code, messages in errors.items()})


@transaction.atomic
def data_values_record(
    *, actor: Any, organization: Organization, academic_year: str, values: Mapping[str, Decimal | None]
) -> int:
    """Record collected values of one organisation and year (all checked first; nothing saved on error).
    A None clears the value. Returns the number of values written."""
    require(actor, "monitoring.record_values", organization, message=DENIED)
    AcademicYear.parse_valid(academic_year)
    elements = {e.code: e for e in DataElement.objects.select_related("not_greater_than")}
    # the cross-field rule compares with the value already held when the form leaves the bound out
    held = dict(
        DataValue.objects.filter(organization=organization, academic_year=academic_year).values_list(
            "element__code", "value"
        )
    )
    merged: dict[str, Decimal | None] = {**held, **values}
    # check the submitted values, and the held ones whose bound is being changed (teachers ≥ involved)
    bound_of = {
        code: e.not_greater_than.code for code, e in elements.items() if e.not_greater_than is not None
    }
    checked = {
        code: value for code, value in merged.items() if code in values or bound_of.get(code) in values
    }
    _validate_values(checked, elements, merged)
    written = 0
    for code, value in values.items():
        element = elements[code]
        if value is None:
            DataValue.objects.filter(
                element=element, organization=organization, academic_year=academic_year
            ).delete()
            continue
        DataValue.objects.update_or_create(
            element=element,
            organization=organization,
            academic_year=academic_year,
            defaults={"value": value, "source": ElementSource.COLLECTED},
        )
        written += 1
    audit.record(
        actor=actor,
        action="monitoring.values_recorded",
        obj=organization,
        changes={"academic_year": academic_year, "values": {k: str(v) for k, v in values.items()}},
    )
    return written


# --- publication and recomputation -----------------------------------------------------------------------


@transaction.atomic
def year_publish(*, actor: Any, academic_year: str, published: bool = True) -> MonitoringYear:
    require(actor, "monitoring.manage", message=DENIED)
    year = MonitoringYear.objects.select_for_update(of=("self",)).filter(academic_year=academic_year).first()
    if year is None or year.computed_at is None:
        raise ValidationError(
            _("The values of %(year)s have not been computed yet.") % {"year": academic_year}
        )
    if year.published != published:
        year.published = published
        year.save(update_fields=["published"])
        audit.record(
            actor=actor, action="monitoring.published" if published else "monitoring.unpublished", obj=year
        )
    return year


@transaction.atomic
def values_recompute(
    *, actor: Any = None, academic_year: str, progress: Progress | None = None, chunk_size: int = CHUNK_SIZE
) -> MonitoringYear:
    """Refresh the derived values of the year and recompute every indicator and the index for every
    active organisation, rolled up to municipalities and the region (the engine: `engine.recompute`).
    Makes the year's rows what they compute to, so it may run again at any time: writes only what changed
    (an unchanged year writes nothing but the year's `computed_at` and the audit record). One
    transaction: readers see the old rows or the new ones, never a mix."""
    year = AcademicYear.parse_valid(academic_year)
    label = str(year)
    # one recomputation of a year at a time (the nightly one and a job after an approval may meet): the
    # second waits here for the first to commit and then compares with what it wrote — both comparing
    # with the rows before either would insert the same new rows twice (PostgreSQL; SQLite has one writer)
    MonitoringYear.objects.get_or_create(academic_year=label)
    MonitoringYear.objects.select_for_update().filter(academic_year=label).values_list("pk").get()
    result = recompute_year(year, progress=progress, chunk_size=chunk_size)
    monitoring_year, _created = MonitoringYear.objects.get_or_create(academic_year=label)
    monitoring_year.computed_at = timezone.now()
    monitoring_year.weights = result.weights
    monitoring_year.save(update_fields=["computed_at", "weights"])
    audit.record(actor=actor, action="monitoring.recomputed", obj=monitoring_year, changes=result.changes())
    if progress is not None:
        progress.step(message=_("Saved"))
    return monitoring_year


def recompute_enqueue(*, actor: Any, academic_year: str) -> Job:
    """A job that recomputes the year in the background (after the current transaction commits). A job
    of the same year still waiting in the queue is reused: it will see everything committed before it
    starts (approving thirty forms in a row queues one recomputation, not thirty)."""
    require(actor, "monitoring.manage", message=DENIED)
    return _recompute_job(actor=actor, academic_year=academic_year)


def recompute_after_approval(*, actor: Any, organization: Organization, academic_year: str) -> Job:
    """The recomputation that follows an approved data form: the methodologist of the organisation's
    municipality approved its values, and the year must show them (the settings are not touched)."""
    require(actor, "monitoring.record_values", organization, message=DENIED)
    return _recompute_job(actor=actor, academic_year=academic_year)


def _recompute_job(*, actor: Any, academic_year: str) -> Job:
    label = str(AcademicYear.parse_valid(academic_year))
    from .tasks import recompute_task

    title = _("Recompute the monitoring of %(year)s") % {"year": label}
    with transaction.atomic():
        waiting = Job.objects.filter(
            kind="monitoring.recompute", title=title, state=Job.State.QUEUED, started_at__isnull=True
        ).first()
        if waiting is not None:
            return waiting
        job = job_create(actor=actor, kind="monitoring.recompute", title=title)
        enqueue_on_commit(recompute_task, label, str(job.pk))
    return job
