"""The public register of statuses, one status with its history, and its extension and revocation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from novator.core.dates import ddmmyyyy
from novator.core.forms import apply_validation_error
from novator.core.idempotency import once_per_token
from novator.core.paging import paginate, query_without

from . import selectors, services
from .exporting import FORMATS, export_response
from .forms import AwardForm, ExtendForm, RegisterFilterForm, RevokeForm
from .models import StatusAssignment

PAGE_SIZE = 25


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterFilterForm(request.GET, user=request.user)
    kwargs = form.selector_kwargs()
    assignments = selectors.status_list(user=request.user, **kwargs)
    page = paginate(request, assignments, per_page=PAGE_SIZE)
    return render(
        request,
        "statuses/register.html",
        {
            "form": form,
            "page": page,
            "sort": kwargs["sort"],
            "today": timezone.localdate(),
            "query_no_page": query_without(request, "page"),
            "query_no_sort": query_without(request, "page", "sort"),
            "query_export": query_without(request, "page", "format"),
            "can_award": request.user.has_perm("statuses.open_award_form"),
        },
    )


@require_GET
def register_export(request: HttpRequest) -> HttpResponseBase:
    """The register as the page shows it (same filters and sorting), as XLSX or CSV."""
    file_format = request.GET.get("format", "xlsx")
    if file_format not in FORMATS:
        return HttpResponseBadRequest(_("Unknown format: choose xlsx or csv."))
    form = RegisterFilterForm(request.GET, user=request.user)
    assignments = selectors.status_list(user=request.user, **form.selector_kwargs())
    filename = f"statuses-{timezone.localdate():%Y-%m-%d}.{file_format}"
    return export_response(assignments, file_format=file_format, filename=filename)


def _get(pk: int) -> StatusAssignment:
    try:
        return selectors.status_detail(pk=pk)
    except StatusAssignment.DoesNotExist as exc:
        raise Http404(_("No such status in the register.")) from exc


def _render_detail(
    request: HttpRequest,
    assignment: StatusAssignment,
    *,
    extend_form: ExtendForm | None = None,
    revoke_form: RevokeForm | None = None,
) -> HttpResponse:
    can_change = request.user.has_perm("statuses.change_status", assignment)
    context: dict[str, Any] = {
        "assignment": assignment,
        "events": assignment.events.all(),
        "can_change": can_change,
        # a form that was sent is shown again with its errors, even when the status is now revoked
        "extend_form": extend_form,
        "revoke_form": revoke_form,
    }
    if can_change and not assignment.revoked_on:
        context["extend_form"] = extend_form or ExtendForm()
        context["revoke_form"] = revoke_form or RevokeForm()
    return render(request, "statuses/detail.html", context)


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _get(pk))


def _require_change(request: HttpRequest, assignment: StatusAssignment) -> None:
    if not request.user.has_perm("statuses.change_status", assignment):
        raise PermissionDenied(
            _(
                "Only the authority of the status can change it: a methodologist of the organisation's "
                "municipality, or for a regional status a regional methodologist of its region."
            )
        )


@login_required
def award(request: HttpRequest) -> HttpResponse:
    """Award a status by an order: a regional methodologist the region's statuses (КИП, РИП) in its
    region, a methodologist the municipal ones in its municipality."""
    if not request.user.has_perm("statuses.open_award_form"):
        raise PermissionDenied(_("Only methodologists and regional methodologists award statuses."))
    initial = {"starts_on": timezone.localdate()}
    form = AwardForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.status_award(actor=request.user, **form.service_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(kind)s is awarded to %(organization)s until %(end)s.")
                % {
                    "kind": assignment.kind.abbreviation,
                    "organization": assignment.organization.short_name,
                    "end": ddmmyyyy(assignment.ends_on),
                },
            )
            return redirect(assignment)
    return render(request, "statuses/award.html", {"form": form})


@login_required
@require_POST
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get(pk)
    _require_change(request, assignment)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.status_extend(actor=request.user, assignment=assignment, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The status is extended to %(end)s.") % {"end": ddmmyyyy(form.cleaned_data["new_ends_on"])},
            )
            return redirect(assignment)
    return _render_detail(request, assignment, extend_form=form)


@login_required
@require_POST
@once_per_token
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get(pk)
    _require_change(request, assignment)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.status_revoke(actor=request.user, assignment=assignment, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The status is revoked from %(day)s.") % {"day": ddmmyyyy(form.cleaned_data["on"])},
            )
            return redirect(assignment)
    return _render_detail(request, assignment, revoke_form=form)
