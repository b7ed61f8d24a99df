"""Registry pages: the public list and organisation page, editing, staff and history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from novator.core.audit import history_for
from novator.core.concurrency import VERSION_FIELD
from novator.core.forms import apply_validation_error
from novator.core.idempotency import once_per_token
from novator.core.paging import paginate, query_without

from .. import selectors, services
from ..forms import OrganizationForm, PersonForm, RegistryFilterForm
from ..models import Organization, Person


def organization_list(request: HttpRequest) -> HttpResponse:
    form = RegistryFilterForm(request.GET or None, user=request.user)
    kwargs = form.selector_kwargs() if form.is_bound else {"sort": "name"}
    if kwargs.get("search"):
        paginator = selectors.search_pages(user=request.user, per_page=25, **kwargs)
        page = paginator.get_page(request.GET.get("page"))
    else:
        page = paginate(request, selectors.organization_list(user=request.user, **kwargs), per_page=25)
    return render(
        request,
        "organizations/organization_list.html",
        {
            "form": form,
            "page": page,
            "sort": kwargs.get("sort", "name"),
            "query_no_page": query_without(request, "page"),
            "query_no_sort": query_without(request, "page", "sort"),
            "query_export": query_without(request, "page", "format"),
            "can_import": request.user.has_perm("organizations.import_organizations"),
            "can_add": request.user.has_perm("organizations.add_organization"),
        },
    )


def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        organization = selectors.organization_detail(pk=pk)
    except Organization.DoesNotExist as exc:
        raise Http404(_("No such organisation.")) from exc
    can_view_staff = request.user.has_perm("organizations.view_staff", organization)
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "organization": organization,
            "branches": selectors.organization_branches(organization=organization),
            "staff": selectors.staff_list(user=request.user, organization=organization)
            if can_view_staff
            else None,
            "can_edit": request.user.has_perm("organizations.change_organization", organization),
            "can_view_history": request.user.has_perm("organizations.view_history", organization),
        },
    )


@login_required
@once_per_token
def organization_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("organizations.add_organization"):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(
                "municipality", str(exc) or _("You cannot add organisations in this municipality.")
            )
        else:
            messages.success(request, _("Organisation «%(name)s» added.") % {"name": organization.short_name})
            return redirect(organization)
    return render(request, "organizations/organization_form.html", {"form": form, "organization": None})


@login_required
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_object_or_404(Organization.objects.select_related("municipality"), pk=pk)
    if not request.user.has_perm("organizations.change_organization", organization):
        raise PermissionDenied
    limited = not request.user.has_perm("organizations.manage_organization", organization)
    form = OrganizationForm(request.POST or None, instance=organization, user=request.user, limited=limited)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.organization_update(
                actor=request.user,
                organization=organization,
                data={k: v for k, v in form.cleaned_data.items() if k != VERSION_FIELD},
                version=form.version_token,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if changes:
                messages.success(request, _("Changes saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(organization)
        organization.refresh_from_db()
    return render(
        request,
        "organizations/organization_form.html",
        {"form": form, "organization": organization, "limited": limited},
    )


@login_required
def organization_history(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_object_or_404(Organization, pk=pk)
    if not request.user.has_perm("organizations.view_history", organization):
        raise PermissionDenied
    page = paginate(request, history_for(organization), per_page=50)
    return render(
        request, "organizations/organization_history.html", {"organization": organization, "page": page}
    )


@login_required
@once_per_token
def person_create(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_object_or_404(Organization, pk=pk)
    if not request.user.has_perm("organizations.change_person", organization):
        raise PermissionDenied
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_create(
                actor=request.user, data={**form.cleaned_data, "organization": organization}
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Staff member added."))
            return redirect(organization)
    return render(
        request,
        "organizations/person_form.html",
        {"form": form, "organization": organization, "person": None},
    )


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("organization"), pk=pk)
    if not request.user.has_perm("organizations.change_person", person.organization):
        raise PermissionDenied
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=request.user, person=person, data=form.cleaned_data, version=form.version_token
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(person.organization)
    return render(
        request,
        "organizations/person_form.html",
        {
            "form": form,
            "organization": person.organization,
            "person": person,
            "can_view_personal_data": request.user.has_perm("privacy.view_person_data", person),
        },
    )
