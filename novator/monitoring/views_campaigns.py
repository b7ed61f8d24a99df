"""Pages of the data campaigns: the list, a new campaign, an organisation's form and its decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.accounts.scope import get_scope
from novator.core.concurrency import VERSION_FIELD
from novator.core.flash import flash_errors
from novator.core.idempotency import once_per_token
from novator.core.workflow import allowed
from novator.organizations.models import Organization

from . import campaigns
from .forms import CampaignForm, ResponseForm
from .models import DataElement, ElementSource


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    responses = list(
        campaigns.responses_visible_to(request.user).order_by(
            "-campaign__due_on", "organization__short_name"
        )[:500]
    )
    today = timezone.localdate()
    for r in responses:
        r.overdue = r.is_overdue(today)  # type: ignore[attr-defined]
    return render(request, "monitoring/campaign_list.html", {"responses": responses})


@permission_required("monitoring.run_campaigns", raise_exception=True)
@once_per_token
def campaign_create(request: HttpRequest) -> HttpResponse:
    choices = [(e.code, e.name) for e in DataElement.objects.filter(source=ElementSource.COLLECTED)]
    scope = get_scope(request.user)
    orgs = Organization.objects.filter(is_active=True).select_related("municipality")
    if not scope.is_admin:
        orgs = orgs.filter(municipality_id__in=scope.methodologist_municipalities)
    orgs = orgs.order_by("municipality__name", "short_name")
    form = CampaignForm(request.POST or None, element_choices=choices, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            campaigns.campaign_create(
                actor=request.user,
                title=form.cleaned_data["title"],
                academic_year=form.cleaned_data["academic_year"],
                due_on=form.cleaned_data["due_on"],
                element_codes=form.cleaned_data["elements"],
                organizations=form.cleaned_data["organizations"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The campaign was created."))
            return redirect("monitoring:campaigns")
    return render(request, "monitoring/campaign_form.html", {"form": form})


@login_required
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(campaigns.responses_visible_to(request.user), pk=pk)
    elements = list(response.campaign.elements.order_by("position", "code"))
    form = ResponseForm(
        request.POST or None, elements=elements, initial_values=response.values, version_of=response
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != VERSION_FIELD}
        try:
            campaigns.response_save(
                actor=request.user, response=response, values=values, version=form.version_token
            )
        except ValidationError as exc:
            _add(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("monitoring:response", response.pk)
    last = campaigns.last_year_values(response)
    rows = [(form[e.code], last.get(e.code)) for e in elements]
    return render(
        request,
        "monitoring/response.html",
        {
            "response": response,
            "form": form,
            "rows": rows,
            "editable": response.state in (campaigns.S.DRAFT, campaigns.S.RETURNED)
            and campaigns.may_fill(request.user, response),
            "transitions": allowed(request.user, response, campaigns.TRANSITIONS),
            "overdue": response.is_overdue(timezone.localdate()),
        },
    )


def _add(form: Any, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_POST
@login_required
def response_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    response = get_object_or_404(campaigns.responses_visible_to(request.user), pk=pk)
    try:
        campaigns.response_transition(
            actor=request.user, response=response, name=name, comment=request.POST.get("comment", "")[:2000]
        )
    except ValidationError as exc:
        flash_errors(request, exc, joined=True)
    else:
        messages.success(request, _("Done."))
    return redirect("monitoring:response", response.pk)
