"""The requisites of the bodies that issue documents: the list a user may edit, and one body's form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.accounts.scope import get_scope
from novator.core.forms import apply_validation_error
from novator.organizations.models import Municipality, Region

from . import selectors, services, templates_office
from .forms import RequisitesForm
from .models import BodyKind, OfficeTemplate, TemplateKind

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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


def _municipalities(user: Any) -> list[Municipality]:
    scope = get_scope(user)
    municipalities = Municipality.objects.order_by("name")
    if not scope.is_region_manager:
        municipalities = municipalities.filter(pk__in=scope.methodologist_municipalities)
    return list(municipalities)


@login_required
def templates_list(request: HttpRequest) -> HttpResponse:
    """The templates of each document for each of the user's municipalities: the default, the office's
    versions, which one is in use; upload a new version, restore the default."""
    if not request.user.has_perm("documents.view_requisites"):
        raise PermissionDenied
    municipalities = _municipalities(request.user)
    versions: dict[tuple[int, str], list[OfficeTemplate]] = {}
    for template in OfficeTemplate.objects.filter(municipality__in=municipalities).order_by("-version"):
        versions.setdefault((template.municipality_id, template.kind), []).append(template)
    offices = [
        {
            "municipality": municipality,
            "documents": [
                {
                    "kind": kind,
                    "label": label,
                    "versions": versions.get((municipality.pk, kind), []),
                    "active": next(
                        (t for t in versions.get((municipality.pk, kind), []) if t.is_active), None
                    ),
                }
                for kind, label in TemplateKind.choices
            ],
        }
        for municipality in municipalities
    ]
    return render(request, "documents/templates_list.html", {"offices": offices})


def _office(request: HttpRequest, municipality_pk: int, kind: str) -> Municipality:
    municipality = get_object_or_404(Municipality, pk=municipality_pk)
    if kind not in TemplateKind.values:
        raise Http404
    if not request.user.has_perm("documents.change_templates", municipality):
        raise PermissionDenied
    return municipality


@login_required
def template_download(request: HttpRequest, municipality_pk: int, kind: str) -> HttpResponseBase:
    """The template in use (`?default=1`: the default one; `?version=N`: a kept version) to edit in Word."""
    municipality = _office(request, municipality_pk, kind)
    template = None
    if request.GET.get("version", "").isdigit():
        template = get_object_or_404(
            OfficeTemplate, municipality=municipality, kind=kind, version=int(request.GET["version"])
        )
    elif not request.GET.get("default"):
        template = templates_office.active_template(kind, municipality)
    name = f"{kind}-template.docx" if template is None else f"{kind}-template-v{template.version}.docx"
    source = template.file.open("rb") if template else open(templates_office.DEFAULTS[kind], "rb")  # noqa: SIM115
    response = FileResponse(source, as_attachment=True, filename=name, content_type=DOCX_MIME)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def template_upload(request: HttpRequest, municipality_pk: int, kind: str) -> HttpResponse:
    municipality = _office(request, municipality_pk, kind)
    try:
        template = services.office_template_upload(
            actor=request.user, municipality=municipality, kind=kind, upload=request.FILES.get("file")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Version %(version)s of the template is in use.") % {"version": template.version}
        )
    return redirect("documents:templates")


@login_required
@require_POST
def template_restore(request: HttpRequest, municipality_pk: int, kind: str) -> HttpResponse:
    municipality = _office(request, municipality_pk, kind)
    services.office_template_restore_default(actor=request.user, municipality=municipality, kind=kind)
    messages.success(request, _("The default template is in use again; your versions are kept."))
    return redirect("documents:templates")
