"""Pages of the monitoring: the method (public), the region, a municipality and an organisation
dashboard (each chart with its table and XLSX export), and the operator's page (weights, publication,
recomputation). Pages only read precomputed rows."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.core.flash import flash_errors
from novator.organizations.models import Municipality, Organization, Region

from . import selectors, services, summary
from .exporting import table_xlsx
from .forms import WeightsForm, YearForm
from .models import INDEX_CODE, MonitoringYear


def _year_context(request: HttpRequest) -> tuple[list[MonitoringYear], MonitoringYear | None]:
    years = list(selectors.years_visible_to(request.user))
    return years, selectors.pick_year(years, request.GET.get("year"))


def _export(request: HttpRequest, tables: dict[str, selectors.Table], stem: str) -> HttpResponse | None:
    name = request.GET.get("export")
    if not name:
        return None
    table = tables.get(name)
    if table is None:
        raise Http404
    return table_xlsx(table, f"{stem}-{name}")


def method(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "monitoring/method.html",
        {
            "indicators": [i for i in selectors.indicators() if i.code != INDEX_CODE],
            "weights": selectors.current_weights(),
            "history": selectors.weights_history()[:20],
        },
    )


def home(request: HttpRequest) -> HttpResponse:
    regions = list(Region.objects.all())
    region = next(
        (r for r in regions if str(r.pk) == request.GET.get("region")), regions[0] if regions else None
    )
    years, year = _year_context(request)
    context: dict[str, Any] = {"regions": regions, "region": region, "years": years, "year": year}
    if region is not None and year is not None:
        overview = selectors.region_overview(region, year, years)
        if response := _export(
            request, {"municipalities": overview["table"]}, f"region-{year.academic_year}".replace("/", "-")
        ):
            return response
        context["overview"] = overview
    return render(request, "monitoring/region.html", context)


def municipality(request: HttpRequest, pk: int) -> HttpResponse:
    place = get_object_or_404(Municipality.objects.select_related("region"), pk=pk)
    years, year = _year_context(request)
    context: dict[str, Any] = {"municipality": place, "years": years, "year": year}
    if year is not None:
        detail = selectors.can_see_municipality_detail(request.user, place)
        overview = selectors.municipality_overview(
            place, year, selectors.previous_year(years, year), detail=detail
        )
        tables = {"summary": overview["summary"]}
        if detail:
            tables.update(
                ranking=overview["ranking"],
                kinds=overview["kinds"],
                heatmap=overview["heat"]["table"],
                completion=overview["completion"]["table"],
            )
        if response := _export(
            request, tables, f"municipality-{place.oktmo}-{year.academic_year}".replace("/", "-")
        ):
            return response
        context["overview"] = overview
    return render(request, "monitoring/municipality.html", context)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


def municipality_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable one-page summary of a municipality for a meeting (PDF)."""
    place = get_object_or_404(Municipality.objects.select_related("region"), pk=pk)
    years, year = _year_context(request)
    if year is None:
        raise Http404
    detail = selectors.can_see_municipality_detail(request.user, place)
    previous = selectors.previous_year(years, year)
    overview = selectors.municipality_overview(place, year, previous, detail=detail)
    context = summary.municipality_summary(place, year, previous, overview)
    context.update(
        method_url=request.build_absolute_uri(reverse("monitoring:method")),
        page_url=request.build_absolute_uri(reverse("monitoring:municipality", args=[place.pk])),
    )
    return _pdf(summary.render_pdf(context), f"summary-{place.oktmo}-{year.academic_year}".replace("/", "-"))


def region_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable one-page summary of the region: municipalities side by side (PDF)."""
    region = get_object_or_404(Region, pk=pk)
    years, year = _year_context(request)
    if year is None:
        raise Http404
    context = summary.region_summary(region, year, years)
    context.update(
        method_url=request.build_absolute_uri(reverse("monitoring:method")),
        page_url=request.build_absolute_uri(reverse("monitoring:home") + f"?region={region.pk}"),
    )
    return _pdf(summary.render_pdf(context), f"summary-{region.code}-{year.academic_year}".replace("/", "-"))


def organization(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organization.objects.select_related("municipality__region"), pk=pk)
    if not request.user.has_perm("monitoring.view_organization", org):
        raise PermissionDenied
    # its own coordinator sees its own values before they are published
    if org.pk in _coordinated(request):
        years = list(
            MonitoringYear.objects.filter(computed_at__isnull=False)
            .select_related("weights")
            .order_by("-academic_year")
        )
    else:
        years = list(selectors.years_visible_to(request.user))
    year = selectors.pick_year(years, request.GET.get("year"))
    context: dict[str, Any] = {"organization": org, "years": years, "year": year}
    if year is not None:
        profile = selectors.organization_profile(org, year, years)
        tables = {"profile": profile["profile"], "trend": profile["trend"]}
        if profile["moved"]:
            tables["moved"] = profile["moved"]["table"]
        if response := _export(
            request, tables, f"organization-{org.pk}-{year.academic_year}".replace("/", "-")
        ):
            return response
        context["profile"] = profile
    return render(request, "monitoring/organization.html", context)


def _coordinated(request: HttpRequest) -> frozenset[int]:
    from novator.accounts.scope import get_scope

    return get_scope(request.user).coordinator_organizations


@permission_required("monitoring.manage", raise_exception=True)
def manage(request: HttpRequest) -> HttpResponse:
    indicators = [i for i in selectors.indicators() if i.code != INDEX_CODE]
    current = selectors.current_weights()
    form = WeightsForm(
        request.POST or None, indicators=indicators, current=current.weights if current else {}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.index_weights_change(
                actor=request.user, weights=form.weights(), note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The weights were changed. Recompute the years to apply them."))
            return redirect("monitoring:manage")
    years = MonitoringYear.objects.select_related("weights").order_by("-academic_year")
    return render(request, "monitoring/manage.html", {"form": form, "years": years, "year_form": YearForm()})


@require_POST
@permission_required("monitoring.manage", raise_exception=True)
def publish(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.POST)
    if form.is_valid():
        try:
            services.year_publish(
                actor=request.user,
                academic_year=form.cleaned_data["academic_year"],
                published=request.POST.get("published") == "1",
            )
        except ValidationError as exc:
            flash_errors(request, exc, joined=True)
        else:
            messages.success(request, _("Publication changed."))
    else:
        messages.error(request, _("Write the academic year as 2022/23."))
    return redirect("monitoring:manage")


@require_POST
@permission_required("monitoring.manage", raise_exception=True)
def recompute(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the academic year as 2022/23."))
        return redirect("monitoring:manage")
    try:
        job = services.recompute_enqueue(actor=request.user, academic_year=form.cleaned_data["academic_year"])
    except ValidationError as exc:
        flash_errors(request, exc, joined=True)
        return redirect("monitoring:manage")
    return redirect("core:job_detail", job.pk)
