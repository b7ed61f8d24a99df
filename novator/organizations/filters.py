"""The municipality filter of list pages (the registry of organisations, the register of statuses,
events) and of forms that choose municipalities (contests, the organisation form): a `<select>` of
every municipality is fine for one region (tens of them) but not for the whole country (2,300 options,
~100 ms of template time and ~150 KB on every request).

Up to `MUNICIPALITY_CHOICES_LIMIT` municipalities everything is offered, as before. Above it the forms
get a region filter, and the municipality list holds the municipalities of the chosen region, else
those of the user's own scope (their municipalities, their organisations' municipalities, the regions
they observe), plus whatever is already chosen; any municipality is still accepted from the URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from novator.accounts.scope import get_scope

from .models import Municipality, Organization, Region

#: Up to this many municipalities in the database, every one of them is offered.
MUNICIPALITY_CHOICES_LIMIT = 100


@dataclass
class MunicipalityOptions:
    regions: list[Region] = field(default_factory=list)
    municipalities: list[Municipality] = field(default_factory=list)
    #: not every municipality is offered: the form shows the region filter
    limited: bool = False


def municipality_options(
    *,
    user: Any,
    region_code: str = "",
    selected: Iterable[Any] = (),
    key: str = "pk",
    regions: Iterable[int] | QuerySet[Any, Any] = (),
) -> MunicipalityOptions:
    """The regions (with their number of municipalities) and the municipalities to offer (two queries).

    `region_code`: the region chosen in the filter; `regions`: ids (or a `values` queryset of ids) of
    regions the form is about (e.g. the contest organiser's region); `selected`: values (by `key`,
    "pk" or "oktmo") already chosen."""
    all_regions: list[Region] = list(Region.objects.annotate(n=Count("municipalities")).order_by("name"))
    qs = Municipality.objects.select_related("region").order_by("region__name", "name")
    if sum(getattr(r, "n", 0) for r in all_regions) <= MUNICIPALITY_CHOICES_LIMIT:
        return MunicipalityOptions(all_regions, list(qs), limited=False)
    region_ids: set[int] = set()
    condition = Q(pk__in=[])
    if isinstance(regions, QuerySet):  # ids as a subquery: no query of its own
        condition |= Q(region_id__in=regions)
    else:
        region_ids.update(int(r) for r in regions if r is not None)
    chosen = next((r for r in all_regions if r.code == region_code), None) if region_code else None
    if chosen is not None:
        region_ids.add(chosen.pk)
    condition |= Q(region_id__in=region_ids)
    if chosen is None:
        scope = get_scope(user)
        organizations = scope.coordinator_organizations | scope.teacher_organizations
        condition |= Q(pk__in=scope.methodologist_municipalities | scope.observer_municipalities)
        condition |= Q(region_id__in=scope.observer_regions)
        if organizations:
            condition |= Q(pk__in=Organization.objects.filter(pk__in=organizations).values("municipality_id"))
    values = [v for v in selected if v not in (None, "")]
    if key == "pk":
        values = [int(v) for v in values if str(v).isdigit()]
    if values:
        condition |= Q(**{f"{key}__in": values})
    return MunicipalityOptions(all_regions, list(qs.filter(condition)), limited=True)


def region_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Region"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select", "data-region-filter": "1"}),
    )


def setup_region_filter(form: forms.Form, options: MunicipalityOptions, *, before: str) -> None:
    """Fill the form's `region` field (or drop it when every municipality is offered anyway) and put it
    before the field `before`."""
    if not options.limited:
        form.fields.pop("region", None)
        return
    region: Any = form.fields["region"]
    region.choices = [("", _("All regions")), *((r.code, r.name) for r in options.regions)]
    order = [name for name in form.fields if name != "region"]
    order.insert(order.index(before), "region")
    form.order_fields(order)


def chosen_region(form: forms.Form) -> str:
    """The region code asked for in a bound form's data (validated against the choices later)."""
    if not form.is_bound:
        return ""
    value = form.data.get(form.add_prefix("region"), "")
    return value if isinstance(value, str) and len(value) == 2 and value.isdigit() else ""
