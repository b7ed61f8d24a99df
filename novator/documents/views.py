"""The requisites of the bodies that issue documents: the list a user may edit, and one body's form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from novator.core.forms import apply_validation_error
from novator.organizations.models import Municipality, Region

from . import selectors, services
from .forms import RequisitesForm
from .models import BodyKind


@login_required
def requisites_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("documents.view_requisites"):
        raise PermissionDenied
    return render(
        request, "documents/requisites_list.html", {"bodies": selectors.editable_bodies(request.user)}
    )


@login_required
def requisites_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind == BodyKind.MINISTRY:
        requisites = selectors.requisites_for(kind=kind, region=get_object_or_404(Region, pk=pk))
    elif kind in (BodyKind.AUTHORITY, BodyKind.IMC):
        requisites = selectors.requisites_for(kind=kind, municipality=get_object_or_404(Municipality, pk=pk))
    else:
        raise Http404
    if not request.user.has_perm("documents.change_requisites", requisites):
        raise PermissionDenied
    form = RequisitesForm(request.POST or None, instance=requisites)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.requisites_save(
                actor=request.user, requisites=requisites, data=form.cleaned_data
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
            return redirect("documents:requisites")
    return render(request, "documents/requisites_form.html", {"form": form, "requisites": requisites})
