"""Writes of the monitoring: catalogue, weights, collected values, publication and the recomputation."""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.academic_year import AcademicYear
from novator.core.jobs import Progress, enqueue_on_commit, job_create
from novator.core.models import Job
from novator.organizations.models import Organization

from . import computing, derivations, formula
from .models import (
    INDEX_CODE,
    DataElement,
    DataValue,
    Direction,
    ElementSource,
    IndexWeightChange,
    Indicator,
    IndicatorValue,
    Level,
    MonitoringYear,
)

INDEX_NAME = "Индекс инновационного потенциала"


def _require(actor: Any, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(_("You may not change the monitoring."))


def _year(text: str) -> AcademicYear:
    try:
        return AcademicYear.parse(text)
    except ValueError:
        raise ValidationError(_("Write the academic year as 2022/23."), code="academic_year") from None


# --- catalogue -------------------------------------------------------------------------------------------


@transaction.atomic
def data_element_create(*, actor: Any, code: str, name: str, source: str, **fields: Any) -> DataElement:
    _require(actor, "monitoring.manage")
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
    _require(actor, "monitoring.manage")
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


def index_indicator() -> Indicator:
    indicator, _created = Indicator.objects.get_or_create(
        code=INDEX_CODE,
        defaults={
            "name": INDEX_NAME,
            "definition": "Взвешенная сумма нормированных показателей, 0–100 баллов.",
            "unit": "балл",
            "position": 0,
        },
    )
    return indicator


@transaction.atomic
def index_weights_change(
    *, actor: Any, weights: Mapping[str, Mapping[str, Any]], note: str = ""
) -> IndexWeightChange:
    """A new version of the weights and reference bounds: {code: {weight, lower, upper}}."""
    _require(actor, "monitoring.manage")
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
    change = IndexWeightChange.objects.create(
        created_by=actor if getattr(actor, "is_authenticated", False) else None, note=note, weights=clean
    )
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
    _require(actor, "monitoring.manage")
    _year(academic_year)
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
    _require(actor, "monitoring.manage")
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


def _q(value: Decimal) -> Decimal:
    return value.quantize(computing.Q4)


#: Organisations per chunk of the recomputation: their derived values, raw values and indicators are
#: computed together; only one scaled integer per organisation and indicator is kept across chunks.
CHUNK_SIZE = 2000
#: Rows per INSERT when writing the values.
WRITE_BATCH = 2000

_MISSING = -(2**63)
_OUTSIDE = 2**63 - 1


class _Column:
    """One indicator's values for every organisation, by the organisation's position: the value
    (quantized to 4 places) times 10⁴ as a 64-bit integer, so 85,000 organisations take 680 kB instead of
    85,000 Decimal objects in a dict. Exact: `get` gives back the same Decimal that was `set`."""

    __slots__ = ("data", "outside")

    def __init__(self, size: int) -> None:
        self.data = array("q", [_MISSING]) * size
        self.outside: dict[int, Decimal] = {}  # values too large for 64 bits (never in practice)

    def set(self, position: int, value: Decimal) -> None:
        scaled = int(value.scaleb(4))
        if _MISSING < scaled < _OUTSIDE:
            self.data[position] = scaled
        else:
            self.data[position] = _OUTSIDE
            self.outside[position] = value

    def get(self, position: int) -> Decimal | None:
        scaled = self.data[position]
        if scaled == _MISSING:
            return None
        if scaled == _OUTSIDE:
            return self.outside[position]
        return Decimal(scaled).scaleb(-4)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _batched_create(model: type[Model], rows: Iterable[Model], size: int) -> int:
    """bulk_create from a generator, `size` rows at a time (never the whole list in memory)."""
    written = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        model._default_manager.bulk_create(batch, batch_size=size)
        written += len(batch)
    return written


@transaction.atomic
def values_recompute(
    *, actor: Any = None, academic_year: str, progress: Progress | None = None, chunk_size: int = CHUNK_SIZE
) -> MonitoringYear:
    """Refresh the derived values of the year and recompute every indicator and the index for every
    active organisation, rolled up to municipalities and the region (medians). Replaces the year's rows,
    so it may run again at any time.

    The organisations are worked through in chunks of `chunk_size` (derived values, raw values and
    indicators of one chunk at a time, written in batches); across chunks only one compact integer per
    organisation and indicator is kept, from which the ranks and the medians over *all* organisations of
    a municipality or region are taken at the end. One transaction: readers see the old rows or the new
    ones, never a mix."""
    year = _year(academic_year)
    label = str(year)
    chunk_size = max(1, chunk_size)
    orgs = list(
        Organization.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", "municipality_id", "municipality__region_id")
    )
    org_ids = [pk for pk, _m, _r in orgs]
    derived = [
        e for e in DataElement.objects.filter(source=ElementSource.DERIVED) if e.code in derivations.REGISTRY
    ]
    indicators = list(Indicator.objects.exclude(code=INDEX_CODE))
    weights = IndexWeightChange.objects.first()
    index = index_indicator()
    directions = {i.code: i.direction == Direction.HIGHER for i in indicators}
    codes = [i.code for i in indicators] + ([INDEX_CODE] if weights is not None else [])
    chunks = list(_chunks(org_ids, chunk_size))
    if progress is not None:
        progress.set_total(len(chunks) + len(codes) + 1)

    columns = {code: _Column(len(org_ids)) for code in codes}
    code_of = {e.pk: e.code for e in DataElement.objects.only("pk", "code")}
    DataValue.objects.filter(element__in=derived, academic_year=label).delete()
    position = 0
    for number, chunk in enumerate(chunks, start=1):
        # 1. derived data elements of the chunk: one aggregate query (or a few) per element
        for element in derived:
            found = derivations.derive(element.code, year, chunk)
            DataValue.objects.bulk_create(
                [
                    DataValue(
                        element=element,
                        organization_id=org,
                        academic_year=label,
                        value=_q(v),
                        source=ElementSource.DERIVED,
                    )
                    for org, v in found.items()
                ],
                batch_size=WRITE_BATCH,
            )
        # 2. indicators and the index of the chunk's organisations, from their raw values
        raw: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
        for org, element_id, value in DataValue.objects.filter(
            academic_year=label, organization_id__in=chunk
        ).values_list("organization_id", "element_id", "value"):
            raw[org][code_of[element_id]] = value
        for org in chunk:
            values = raw.get(org, {})
            computed: dict[str, Decimal] = {}
            for indicator in indicators:
                result = formula.indicator_value(
                    numerator=indicator.numerator,
                    denominator=indicator.denominator,
                    factor=indicator.factor,
                    values=values,
                )
                if result is not None:
                    computed[indicator.code] = _q(result)
                    columns[indicator.code].set(position, computed[indicator.code])
            if weights is not None:
                score = computing.composite(
                    {code: computed.get(code) for code in weights.weights}, weights.weights, directions
                )
                if score is not None:
                    columns[INDEX_CODE].set(position, score)
            position += 1
        if progress is not None:
            progress.step(
                message=_("Organisations %(done)s of %(total)s")
                % {"done": min(number * chunk_size, len(org_ids)), "total": len(org_ids)}
            )
    if weights is not None:
        directions[INDEX_CODE] = True

    # 3. roll-ups (medians over all the organisations) and ranks; replace the year's rows in batches
    by_code = {i.code: i for i in indicators}
    by_code[INDEX_CODE] = index
    IndicatorValue.objects.filter(academic_year=label).delete()
    written = 0
    for code in codes:
        written += _batched_create(
            IndicatorValue,
            _rollup_rows(by_code[code], columns.pop(code), orgs, label, directions.get(code, True)),
            WRITE_BATCH,
        )
        if progress is not None:
            progress.step(message=by_code[code].name)
    monitoring_year, _created = MonitoringYear.objects.get_or_create(academic_year=label)
    monitoring_year.computed_at = timezone.now()
    monitoring_year.weights = weights
    monitoring_year.save(update_fields=["computed_at", "weights"])
    audit.record(
        actor=actor, action="monitoring.recomputed", obj=monitoring_year, changes={"values": written}
    )
    if progress is not None:
        progress.step(message=_("Saved"))
    return monitoring_year


def _rollup_rows(
    indicator: Indicator, column: _Column, orgs: list[tuple[int, int, int]], label: str, better: bool
) -> Iterator[IndicatorValue]:
    """The rows of one indicator: organisations (ranked within their municipality), municipalities
    (medians, ranked within the region) and regions (the median of all their organisations)."""
    by_municipality: dict[int, dict[int, Decimal]] = defaultdict(dict)
    region_of: dict[int, int] = {}
    for position, (org, municipality, region) in enumerate(orgs):
        value = column.get(position)
        if value is not None:
            by_municipality[municipality][org] = value
            region_of[municipality] = region
    municipal_medians: dict[int, Decimal] = {}
    for municipality, values in by_municipality.items():
        org_ranks = computing.ranks(values, higher_is_better=better)
        region = region_of[municipality]
        for org, value in values.items():
            yield IndicatorValue(
                indicator=indicator,
                level=Level.ORGANIZATION,
                academic_year=label,
                organization_id=org,
                municipality_id=municipality,
                region_id=region,
                value=value,
                rank=org_ranks[org],
            )
        municipal_medians[municipality] = computing.median_nonempty(values.values())
    for region in dict.fromkeys(region_of.values()):
        medians = {m: v for m, v in municipal_medians.items() if region_of[m] == region}
        m_ranks = computing.ranks(medians, higher_is_better=better)
        for municipality, value in medians.items():
            yield IndicatorValue(
                indicator=indicator,
                level=Level.MUNICIPALITY,
                academic_year=label,
                municipality_id=municipality,
                region_id=region,
                value=value,
                rank=m_ranks[municipality],
            )
        yield IndicatorValue(
            indicator=indicator,
            level=Level.REGION,
            academic_year=label,
            region_id=region,
            value=computing.median_nonempty(
                v for m, values in by_municipality.items() if region_of[m] == region for v in values.values()
            ),
        )


def recompute_enqueue(*, actor: Any, academic_year: str) -> Job:
    """A job that recomputes the year in the background (after the current transaction commits). A job
    of the same year still waiting in the queue is reused: it will see everything committed before it
    starts (approving thirty forms in a row queues one recomputation, not thirty)."""
    _require(actor, "monitoring.manage")
    label = str(_year(academic_year))
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
