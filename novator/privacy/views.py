"""The personal-data card of one person: consents, what is held, who read it; export and erasure."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from novator.core.forms import apply_validation_error
from novator.organizations.models import Person

from . import services
from .forms import EraseForm
from .models import PersonalDataAccess


def _person(request: HttpRequest, pk: int, perm: str) -> Person:
    person = get_object_or_404(Person.objects.select_related("organization", "user"), pk=pk)
    if not request.user.has_perm(perm, person):
        raise PermissionDenied
    return person


@login_required
def person_card(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, "privacy.view_person_data")
    accesses = PersonalDataAccess.objects.filter(person=person).select_related("actor")[:50]
    return render(
        request,
        "privacy/person.html",
        {
            "person": person,
            "accesses": accesses,
            "can_erase": request.user.has_perm("privacy.erase_person", person) and not person.erased_at,
        },
    )


def _filename(person: Person, ext: str) -> str:
    return f"person-{person.pk}.{ext}"


@login_required
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, "privacy.export_person_data")
    data = services.person_export(actor=request.user, person=person)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(person, "json")}"'
    return response


@login_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, "privacy.export_person_data")
    data = services.person_export(actor=request.user, person=person)
    response = HttpResponse(
        services.person_export_xlsx(data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(person, "xlsx")}"'
    return response


@login_required
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, "privacy.erase_person")
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_erase(
                actor=request.user,
                person=person,
                confirmation=form.cleaned_data["confirmation"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The person's data has been erased."))
            return redirect("privacy:person", person.pk)
    return render(
        request,
        "privacy/erase.html",
        {"person": person, "form": form, "phrase": services.confirmation_phrase(person)},
    )
