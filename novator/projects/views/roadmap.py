"""The management roadmap: the methodology, an organisation's checklist, the methodologist's overview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.accounts.scope import get_scope
from novator.core.flash import flash_errors, flash_form_errors
from novator.core.paging import paginate, query_without
from novator.organizations.models import Municipality, Organization

from .. import documents, selectors, services
from ..documents import DOCX_MIME
from ..forms import RoadmapMarkForm
from ..roadmap import STEP_BY_KEY, STEPS
from ._common import require


def roadmap_home(request: HttpRequest) -> HttpResponse:
    """Coordinators go to their organisation's checklist, methodologists and observers to the overview;
    everybody else reads the methodology."""
    scope = get_scope(request.user)
    if request.GET.get("method"):
        return render(request, "projects/roadmap_method.html", {"steps": STEPS})
    if scope.coordinator_organizations and not scope.methodologist_municipalities and not scope.is_admin:
        return redirect("projects:roadmap_detail", pk=min(scope.coordinator_organizations))
    if request.user.has_perm("projects.view_roadmap_overview"):
        return redirect("projects:roadmap_overview")
    return render(request, "projects/roadmap_method.html", {"steps": STEPS})


def _organization(pk: int) -> Organization:
    return get_object_or_404(Organization.objects.select_related("municipality"), pk=pk)


@login_required
def roadmap_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _organization(pk)
    require(request, "projects.view_roadmap", organization)
    return render(
        request,
        "projects/roadmap_detail.html",
        {
            "organization": organization,
            "roadmap": selectors.roadmap_for(organization),
            "can_mark": request.user.has_perm("projects.mark_roadmap", organization),
            "form": RoadmapMarkForm(),
        },
    )


@login_required
@require_POST
def roadmap_mark(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    organization = _organization(pk)
    if step not in STEP_BY_KEY:
        raise Http404(_("No such step."))
    require(request, "projects.mark_roadmap", organization)
    form = RoadmapMarkForm(request.POST)
    if form.is_valid():
        try:
            services.roadmap_mark(
                actor=request.user,
                organization=organization,
                step=step,
                note=form.cleaned_data["note"],
                on=form.cleaned_data.get("on"),
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("The step is marked as done."))
    else:
        flash_form_errors(request, form)
    return redirect(reverse("projects:roadmap_detail", args=[organization.pk]) + f"#step-{step}")


@login_required
@require_POST
def roadmap_unmark(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    organization = _organization(pk)
    require(request, "projects.mark_roadmap", organization)
    services.roadmap_unmark(actor=request.user, organization=organization, step=step)
    messages.success(request, _("The mark is removed."))
    return redirect("projects:roadmap_detail", pk=organization.pk)


def roadmap_template(request: HttpRequest, step: str) -> FileResponse:
    if step not in STEP_BY_KEY:
        raise Http404(_("No such step."))
    path = documents.roadmap_template_path(step)
    if not path.exists():
        raise Http404(_("No template for this step."))
    name = f"{STEP_BY_KEY[step].template_title}.docx"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=DOCX_MIME)


@login_required
def roadmap_overview(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("projects.view_roadmap_overview"):
        raise PermissionDenied
    municipality_id = request.GET.get("municipality", "")
    municipality = None
    if municipality_id.isdigit():
        municipality = Municipality.objects.filter(pk=int(municipality_id)).first()
    organizations = selectors.overview_organizations(
        user=request.user, municipality_id=municipality.pk if municipality else None
    )
    page = paginate(request, organizations, per_page=25)
    return render(
        request,
        "projects/roadmap_overview.html",
        {
            "page": page,
            "roadmaps": selectors.roadmaps(list(page.object_list)),
            "steps": STEPS,
            "municipality": municipality,
            "query_no_page": query_without(request, "page"),
        },
    )
