"""The region page: municipalities side by side, their map, the XLSX, the upload of the boundaries."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from novator.organizations.models import Region

from . import selectors, services
from .exporting import comparison_xlsx
from .forms import BoundariesForm
from .models import RegionBoundaries


def _region(request: HttpRequest, pk: int) -> Region:
    region = get_object_or_404(Region, pk=pk)
    if not request.user.has_perm("regions.view_comparison", region):
        raise PermissionDenied
    return region


@login_required
@require_GET
def region_index(request: HttpRequest) -> HttpResponse:
    """The user's region page; a list when they may open several (administrators)."""
    if not request.user.has_perm("regions.view_any_comparison"):
        raise PermissionDenied
    regions = selectors.regions_visible_to(request.user)
    if len(regions) == 1:
        return redirect("regions:detail", pk=regions[0].pk)
    return render(request, "regions/index.html", {"regions": regions})


def _chart_data(comparison: selectors.Comparison, figure: str, boundaries_url: str | None) -> dict[str, Any]:
    return {
        "figure": figure,
        "figures": [{"key": key, "label": str(label)} for key, label in selectors.FIGURES],
        "rows": [
            {"id": str(r.id), "name": r.name, **{key: r.value(key) for key, _label in selectors.FIGURES}}
            for r in comparison.rows
        ],
        "boundaries": boundaries_url,
        "noData": _("no data"),
    }


@login_required
@require_GET
def region_detail(request: HttpRequest, pk: int) -> HttpResponse:
    region = _region(request, pk)
    sort = selectors.normalise_sort(request.GET.get("sort"))
    comparison = selectors.region_comparison(region, year=request.GET.get("year"))
    if request.GET.get("format") == "xlsx":
        return comparison_xlsx(comparison, sort)
    figure = request.GET.get("figure")
    if figure not in dict(selectors.FIGURES):
        figure = selectors.DEFAULT_FIGURE
    boundaries = RegionBoundaries.objects.filter(region=region).defer("geojson").first()
    boundaries_url = reverse("regions:boundaries", args=[region.pk]) if boundaries else None
    keep = {k: v for k, v in (("year", comparison.year), ("figure", figure)) if v}
    return render(
        request,
        "regions/detail.html",
        {
            "region": region,
            "comparison": comparison,
            "rows": comparison.sorted_rows(sort),
            "columns": selectors.COLUMNS,
            "figures": selectors.FIGURES,
            "figure": figure,
            "sort": sort,
            "query_no_sort": urlencode(keep),
            "export_query": urlencode({**keep, "sort": sort, "format": "xlsx"}),
            "boundaries": boundaries,
            "chart": _chart_data(comparison, figure, boundaries_url),
            "can_upload": request.user.has_perm("regions.change_boundaries", region),
        },
    )


@login_required
@require_GET
def boundaries_geojson(request: HttpRequest, pk: int) -> HttpResponse:
    """The region's checked GeoJSON for the map (from our own URL: no network at run time)."""
    region = _region(request, pk)
    text = get_object_or_404(RegionBoundaries.objects.only("geojson"), region=region).geojson
    response = HttpResponse(text, content_type="application/geo+json; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def boundaries_upload(request: HttpRequest, pk: int) -> HttpResponse:
    region = get_object_or_404(Region, pk=pk)
    if not request.user.has_perm("regions.change_boundaries", region):
        raise PermissionDenied
    form = BoundariesForm(request.POST, request.FILES) if request.method == "POST" else BoundariesForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            boundaries = services.boundaries_upload(
                actor=request.user, region=region, content=upload.read(), original_name=upload.name
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                _("The map of %(region)s is saved: %(count)d features.")
                % {"region": region, "count": boundaries.features},
            )
            return redirect("regions:detail", pk=region.pk)
    current = RegionBoundaries.objects.filter(region=region).defer("geojson").first()
    return render(
        request, "regions/boundaries_form.html", {"region": region, "form": form, "boundaries": current}
    )


@login_required
@require_POST
def boundaries_delete(request: HttpRequest, pk: int) -> HttpResponse:
    region = get_object_or_404(Region, pk=pk)
    if not request.user.has_perm("regions.change_boundaries", region):
        raise PermissionDenied
    if services.boundaries_delete(actor=request.user, region=region):
        messages.success(request, _("The map is removed; the page shows the tile cartogram."))
    return redirect("regions:detail", pk=region.pk)
