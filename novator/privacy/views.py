"""The personal-data card of one person: consents, what is held, who read it; export and erasure.

Every answer here carries personal data: none may be kept by a browser or a proxy (`never_cache`:
`Cache-Control: no-store`).
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from novator.core.files import attachment_response
from novator.core.flash import flash_form_errors
from novator.core.forms import apply_validation_error
from novator.organizations.models import Person

from . import services
from .forms import ConsentScanForm, EraseForm
from .models import ConsentKind, ConsentScan, DestructionAct, PersonalDataAccess


def _person(request: HttpRequest, pk: int, perm: str) -> Person:
    person = get_object_or_404(Person.objects.select_related("organization", "user"), pk=pk)
    if not request.user.has_perm(perm, person):
        raise PermissionDenied
    return person


@login_required
@never_cache
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
            "scans": ConsentScan.objects.filter(person=person).select_related("uploaded_by"),
            "scan_form": ConsentScanForm()
            if request.user.has_perm("privacy.upload_consent_scan", person) and not person.erased_at
            else None,
            "act": DestructionAct.objects.filter(person=person).first()
            if request.user.has_perm("privacy.download_destruction_act", person)
            else None,
        },
    )


def _filename(person: Person, ext: str) -> str:
    return f"person-{person.pk}.{ext}"


@login_required
@never_cache
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, "privacy.export_person_data")
    data = services.person_export(actor=request.user, person=person)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(person, "json")}"'
    return response


@login_required
@never_cache
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
@never_cache
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


@login_required
@never_cache
def destruction_act(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The act of destruction made when the person's data were erased (the operator's record)."""
    person = _person(request, pk, "privacy.download_destruction_act")
    act = DestructionAct.objects.filter(person=person).first()
    if act is None:
        messages.info(request, _("This person's data have not been erased: there is no act of destruction."))
        return redirect("privacy:person", person.pk)
    return attachment_response(act.file, act.download_name)


@login_required
@never_cache
@require_POST
def consent_scan_upload(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk, "privacy.upload_consent_scan")
    form = ConsentScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.consent_scan_add(
                actor=request.user,
                person=person,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The scan of the consent is attached."))
            return redirect("privacy:person", person.pk)
    flash_form_errors(request, form)
    return redirect("privacy:person", person.pk)


@login_required
@never_cache
def consent_scan_download(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    """The latest scan of this consent of the person; only for those who may see the person's data."""
    person = _person(request, pk, "privacy.view_person_data")
    if kind not in ConsentKind.values:
        raise Http404
    scan = ConsentScan.objects.filter(person=person, kind=kind).first()
    if scan is None:
        messages.info(request, _("No scan of this consent is attached."))
        return redirect("privacy:person", person.pk)
    return attachment_response(scan.file, scan.download_name)
