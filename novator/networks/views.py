"""Pages of networks: the list, a network with its partners, agreements and plan, the forms of the
leader, the partner's answer, and the methodologist's overview. Thin: the services do the writes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from novator.accounts.scope import get_scope
from novator.core.academic_year import AcademicYear
from novator.core.concurrency import VERSION_FIELD, version_token
from novator.core.files import attachment_response, safe_filename
from novator.core.forms import apply_validation_error
from novator.core.idempotency import once_per_token
from novator.core.paging import paginate, query_without
from novator.organizations.models import Organization

from . import report, selectors, services
from .forms import (
    AgreementEditForm,
    AgreementForm,
    NetworkForm,
    PartnerForm,
    PlanItemEditForm,
    PlanItemForm,
    ReportForm,
)
from .models import Agreement, Network, Partnership, PlanItem


def _leaders(user: Any) -> Any:
    return (
        Organization.objects.editable_by(user)
        .select_related("municipality")
        .order_by("municipality__name", "short_name")
    )


@require_GET
def network_list(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "")[:200]
    page = paginate(request, selectors.network_list(user=request.user, query=query), per_page=20)
    return render(
        request,
        "networks/network_list.html",
        {
            "page": page,
            "q": query,
            "query_no_page": query_without(request, "page"),
            "can_add": request.user.is_authenticated and _leaders(request.user).exists(),
            "can_overview": get_scope(request.user).is_admin
            or bool(get_scope(request.user).methodologist_municipalities),
        },
    )


def _network(request: HttpRequest, pk: int) -> Network:
    try:
        return selectors.network_detail(pk=pk, user=request.user)
    except Network.DoesNotExist as exc:
        raise Http404(_("No such network.")) from exc


def _render_detail(request: HttpRequest, network: Network, **forms: Any) -> HttpResponse:
    user = request.user
    can_change = user.has_perm("networks.change_network", network)
    scope = get_scope(user)
    items = list(network.plan_items.all())
    years: dict[str, list[PlanItem]] = {}
    for item in items:
        years.setdefault(item.year_label, []).append(item)
    current_year = str(AcademicYear.of(timezone.localdate()))
    report_years = sorted({*years, current_year}, reverse=True)
    if years and current_year not in years:
        current_year = max(years)  # the latest year with a plan is what the report is for
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "partnerships": list(network.partnerships.all()),
            "agreements": list(network.agreements.all()),
            "plan_years": years,
            "now": timezone.now(),
            "can_change": can_change,
            "answerable": set(scope.coordinator_organizations) | ({"*"} if scope.is_admin else set()),
            "is_admin": scope.is_admin,
            "partner_form": forms.get("partner_form")
            or PartnerForm(region=network.leader.municipality.region_id),
            "by_municipality": report.by_municipality(network, AcademicYear.parse(current_year).start_year),
            "agreement_form": forms.get("agreement_form") or AgreementForm(),
            "plan_form": forms.get("plan_form") or PlanItemForm(),
            "report_years": report_years,
            "current_year": current_year,
        },
        status=400 if forms else 200,
    )


@require_GET
def network_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _network(request, pk))


@login_required
@once_per_token
def network_create(request: HttpRequest) -> HttpResponseBase:
    leaders = _leaders(request.user)
    form = NetworkForm(request.POST or None, leaders=leaders)
    if request.method == "POST" and form.is_valid():
        try:
            network = services.network_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The network is created."))
            return redirect(network)
    if not leaders.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    return render(request, "networks/network_form.html", {"form": form}, status=400 if form.errors else 200)


def _changeable(request: HttpRequest, pk: int) -> Network:
    network = _network(request, pk)
    if not request.user.has_perm("networks.change_network", network):
        raise PermissionDenied(_("You do not have permission to do this."))
    return network


@login_required
@require_POST
def partner_invite(request: HttpRequest, pk: int) -> HttpResponseBase:
    network = _changeable(request, pk)
    form = PartnerForm(request.POST, region=network.leader.municipality.region_id)
    if form.is_valid():
        try:
            services.partner_invite(actor=request.user, network=network, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The partner is invited."))
            return redirect(network)
    return _render_detail(request, network, partner_form=form)


@login_required
@require_POST
def partnership_answer(request: HttpRequest, pk: int) -> HttpResponseBase:
    partnership = get_object_or_404(Partnership.objects.select_related("network", "organization"), pk=pk)
    services.partnership_answer(
        actor=request.user, partnership=partnership, confirm=request.POST.get("confirm") == "1"
    )
    messages.success(request, _("Your answer is recorded."))
    return redirect(partnership.network)


@login_required
@require_POST
@once_per_token
def agreement_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    network = _changeable(request, pk)
    form = AgreementForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_add(
                actor=request.user,
                network=network,
                number=data["number"],
                signed_on=data["signed_on"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                upload=data.get("file"),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The agreement is added."))
            return redirect(network)
    return _render_detail(request, network, agreement_form=form)


@require_GET
def agreement_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    agreement = get_object_or_404(Agreement.objects.select_related("network__leader"), pk=pk)
    user = request.user
    partner = Partnership.objects.filter(
        network=agreement.network_id, organization__in=get_scope(user).coordinator_organizations
    ).exists()
    if not agreement.file or not (user.has_perm("networks.change_network", agreement.network) or partner):
        raise Http404(_("No such file."))
    return attachment_response(
        agreement.file, safe_filename(f"agreement-{agreement.number}", agreement.file_type)
    )


@login_required
@require_POST
@once_per_token
def plan_item_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    network = _changeable(request, pk)
    form = PlanItemForm(request.POST)
    if form.is_valid():
        try:
            services.plan_item_add(actor=request.user, network=network, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The plan is updated."))
            return redirect(network)
    return _render_detail(request, network, plan_form=form)


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    if not (scope.is_admin or scope.methodologist_municipalities):
        raise PermissionDenied(_("You do not have permission to do this."))
    try:
        year = AcademicYear.parse(request.GET.get("year", ""))
    except ValueError:
        year = AcademicYear.of(timezone.localdate())
    rows = selectors.overview(
        municipalities=None if scope.is_admin else scope.methodologist_municipalities,
        academic_year=year.start_year,
    )
    return render(
        request,
        "networks/overview.html",
        {
            "rows": rows,
            "year": year,
            "prev_year": AcademicYear(year.start_year - 1),
            "next_year": AcademicYear(year.start_year + 1),
        },
    )


@login_required
@require_POST
def partner_withdraw(request: HttpRequest, pk: int) -> HttpResponseBase:
    partnership = get_object_or_404(Partnership.objects.select_related("network__leader"), pk=pk)
    services.partner_withdraw(actor=request.user, partnership=partnership)
    messages.success(request, _("The partner is removed from the network."))
    return redirect(partnership.network)


def _changeable_agreement(request: HttpRequest, pk: int) -> Agreement:
    agreement = get_object_or_404(Agreement.objects.select_related("network__leader"), pk=pk)
    if not request.user.has_perm("networks.change_network", agreement.network):
        raise PermissionDenied(_("You do not have permission to do this."))
    return agreement


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    agreement = _changeable_agreement(request, pk)
    initial = {
        "number": agreement.number,
        "signed_on": agreement.signed_on,
        "valid_from": agreement.valid_from,
        "valid_to": agreement.valid_to,
        VERSION_FIELD: version_token(agreement),
    }
    form = AgreementEditForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agreement_update(
                actor=request.user,
                agreement=agreement,
                number=data["number"],
                signed_on=data["signed_on"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                upload=data.get("file"),
                remove_file=data.get("remove_file", False),
                version=form.version_token,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The agreement is saved."))
            return redirect(agreement.network)
    return render(
        request,
        "networks/item_form.html",
        {
            "form": form,
            "network": agreement.network,
            "heading": _("Edit the agreement"),
            "multipart": True,
            "agreement": agreement,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def agreement_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    agreement = _changeable_agreement(request, pk)
    services.agreement_delete(actor=request.user, agreement=agreement)
    messages.success(request, _("The agreement is deleted."))
    return redirect(agreement.network)


def _changeable_item(request: HttpRequest, pk: int) -> PlanItem:
    item = get_object_or_404(PlanItem.objects.select_related("network__leader", "event"), pk=pk)
    if not request.user.has_perm("networks.change_network", item.network):
        raise PermissionDenied(_("You do not have permission to do this."))
    return item


@login_required
@require_http_methods(["GET", "POST"])
def plan_item_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    item = _changeable_item(request, pk)
    initial = {
        "title": item.title,
        "planned_on": item.planned_on,
        "event": item.event_id,
        VERSION_FIELD: version_token(item),
    }
    form = PlanItemEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != VERSION_FIELD}
        try:
            services.plan_item_update(actor=request.user, item=item, **data, version=form.version_token)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The plan is updated."))
            return redirect(item.network)
    return render(
        request,
        "networks/item_form.html",
        {"form": form, "network": item.network, "heading": _("Edit the plan item")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def plan_item_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    item = _changeable_item(request, pk)
    services.plan_item_delete(actor=request.user, item=item)
    messages.success(request, _("The plan item is deleted."))
    return redirect(item.network)


@login_required
@require_GET
def annual_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The network's annual report (DOCX) for `?year=2023/24`: the leader's coordinator, the
    methodologist of its municipality, administrators."""
    network = _changeable(request, pk)
    form = ReportForm(request.GET)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("year", [])))
        return redirect(network)
    year = form.cleaned_data["year"]
    response = HttpResponse(report.render_docx(network, year), content_type=report.DOCX_MIME)
    response["Content-Disposition"] = f'attachment; filename="network-{network.pk}-report-{year}.docx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
