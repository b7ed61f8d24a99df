"""Project pages: the list, starting a project, the project page (or its public summary), the passport
editor by section, the versions, and approval."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from novator.core.concurrency import VERSION_FIELD, StaleVersionError, version_token
from novator.core.flash import flash_errors
from novator.core.forms import apply_validation_error
from novator.core.idempotency import once_per_token
from novator.core.paging import paginate, query_without
from novator.organizations.filters import municipality_options
from novator.statuses.selectors import status_kind_list

from .. import selectors, services
from ..forms import (
    IndicatorFormSet,
    PartnerFormSet,
    PassportGeneralForm,
    PlanFormSet,
    ProjectCreateForm,
    ProjectLinksForm,
    ReasonForm,
    TeamFormSet,
    partner_choices,
)
from ..forms.projects import IndicatorForm, PlanStageForm
from ..models import InnovationProject, VersionState
from ..passport import SECTIONS, completeness_errors, normalised
from ..workflow import VERSION_DONE, VERSION_TRANSITIONS, available
from ._common import get_or_404, require

SECTION_TITLES = {
    "general": gettext_lazy("Theme, goal and tasks"),
    "indicators": gettext_lazy("Measurable indicators"),
    "plan": gettext_lazy("Calendar plan"),
    "team": gettext_lazy("Team and partners"),
}


def project_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    municipality = request.GET.get("municipality", "")[:11]
    status = request.GET.get("status", "")[:20]
    region = request.GET.get("region", "")[:2]
    region = region if len(region) == 2 and region.isdigit() else ""
    # every municipality of one region, not the country's 2,300 (organizations/filters.py)
    options = municipality_options(
        user=request.user, region_code=region, selected=[municipality], key="oktmo"
    )
    projects = selectors.project_list(
        user=request.user,
        search=q,
        municipality_oktmo=municipality if municipality.isdigit() else "",
        # an unknown region filters nothing (as on the other lists)
        region_code=region if any(r.code == region for r in options.regions) and options.limited else "",
        status_kind=status if status.isalnum() else "",
    )
    page = paginate(request, projects, per_page=25)
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "q": q,
            "municipality": municipality,
            "status": status,
            "municipalities": options.municipalities,
            "regions": options.regions if options.limited else [],
            "region": region,
            "status_kinds": status_kind_list(),
            "query_no_page": query_without(request, "page"),
            "can_add": request.user.has_perm("projects.add_project"),
        },
    )


@login_required
@once_per_token
def project_create(request: HttpRequest) -> HttpResponse:
    require(request, "projects.add_project")
    form = ProjectCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_create(
                actor=request.user,
                organization=data["organization"],
                title=data["title"],
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
                application=data.get("application"),
                status_assignment=data.get("status_assignment"),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error("organization", str(exc))
        else:
            messages.success(request, _("The project is created. Fill in its passport."))
            return redirect(project)
    return render(request, "projects/project_create.html", {"form": form})


def _project(pk: int) -> InnovationProject:
    return get_or_404(selectors.project_detail, InnovationProject, _("No such project."), pk=pk)


def _passport_context(passport: dict[str, Any]) -> dict[str, Any]:
    return {
        "passport": normalised(passport),
        "team": selectors.team(passport),
        "partners": selectors.partners(passport),
    }


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(pk)
    user = request.user
    if not user.has_perm("projects.view_project", project):
        if not project.is_approved:
            raise Http404(_("No such project."))
        passport = project.approved_version.passport if project.approved_version else {}
        return render(
            request,
            "projects/project_public.html",
            {"project": project, "passport": normalised(passport), "partners": selectors.partners(passport)},
        )
    versions = list(project.versions.all())
    draft = next(
        (
            v
            for v in versions
            if v.state in (VersionState.DRAFT, VersionState.SUBMITTED, VersionState.RETURNED)
        ),
        None,
    )
    shown = draft or project.approved_version
    actions = []
    state = draft.state if draft else VersionState.APPROVED
    for transition in available(VERSION_TRANSITIONS, state):
        if user.has_perm(transition.permission, project):
            actions.append({"transition": transition, "form": ReasonForm(prefix=transition.name)})
    can_edit = user.has_perm("projects.edit_project", project) and not project.closed_on
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "versions": versions,
            "draft": draft,
            "shown": shown,
            **_passport_context(shown.passport if shown else {}),
            "missing": completeness_errors(draft.passport) if draft and draft.is_editable else [],
            "actions": actions,
            "can_edit": can_edit,
            "sections": [(key, SECTION_TITLES[key]) for key in SECTIONS],
            "reports": list(project.reports.all()),
            "proposals": list(project.proposals.all()),
        },
    )


def project_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    project = _project(pk)
    require(request, "projects.view_project", project)
    version = next((v for v in project.versions.all() if v.number == number), None)
    if version is None:
        raise Http404(_("No such version."))
    return render(
        request,
        "projects/project_version.html",
        {"project": project, "version": version, **_passport_context(version.passport)},
    )


@login_required
def project_links(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(pk)
    require(request, "projects.edit_project", project)
    initial: dict[str, Any] = {
        "application": project.application,
        "status_assignment": project.status_assignment,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        VERSION_FIELD: version_token(project),
    }
    form = ProjectLinksForm(request.POST or None, initial=initial, organizations=[project.organization])
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        status = data.get("status_assignment")
        data["starts_on"] = data.get("starts_on") or (status.starts_on if status else project.starts_on)
        data["ends_on"] = data.get("ends_on") or (status.ends_on if status else project.ends_on)
        try:
            changes = services.project_update(
                actor=request.user, project=project, data=data, version=form.version_token
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved.") if changes else _("Nothing was changed."))
            return redirect(project)
    return render(request, "projects/project_links.html", {"project": project, "form": form})


def _section_forms(
    project: InnovationProject, section: str, passport: dict[str, Any], data: Any
) -> dict[str, Any]:
    years = project.academic_years
    if section == "general":
        return {"form": PassportGeneralForm(data, initial=PassportGeneralForm.initial_from(passport))}
    if section == "indicators":
        initial = [IndicatorForm.initial_from(row, years) for row in passport["indicators"]]
        return {
            "formset": IndicatorFormSet(data, initial=initial, prefix="ind", form_kwargs={"years": years})
        }
    if section == "plan":
        initial = [PlanStageForm.initial_from(row) for row in passport["stages"]]
        term = (project.starts_on, project.ends_on)
        return {"formset": PlanFormSet(data, initial=initial, prefix="plan", form_kwargs={"term": term})}
    staff = selectors.staff_choices(project.organization)
    return {
        "formset": TeamFormSet(
            data,
            initial=[{"person": r.get("person"), "role": r.get("role", "")} for r in passport["team"]],
            prefix="team",
            form_kwargs={"staff": staff},
        ),
        "partner_formset": PartnerFormSet(
            data,
            initial=[
                {"organization": r.get("organization"), "role": r.get("role", "")}
                for r in passport["partners"]
            ],
            prefix="partner",
            form_kwargs={"partners": partner_choices(project)},
        ),
    }


# The parts of the passport each edit page replaces (its version token covers them alone).
SECTION_PARTS = {
    "general": tuple(PassportGeneralForm.base_fields),
    "indicators": ("indicators",),
    "plan": ("stages",),
    "team": ("team", "partners"),
}


def _posted_token(request: HttpRequest) -> str | None:
    """The version token a posted edit page carries (None when absent; garbage simply never matches)."""
    token = request.POST.get(VERSION_FIELD, "").strip()
    return token[:64] or None


def _section_changes(section: str, forms: dict[str, Any]) -> dict[str, Any] | None:
    """The passport's new parts, or None when a form has errors."""
    if not all(f.is_valid() for f in forms.values()):
        return None
    if section == "general":
        return forms["form"].to_passport()
    if section == "indicators":
        return {"indicators": forms["formset"].rows()}
    if section == "plan":
        return {"stages": forms["formset"].rows()}
    return {"team": forms["formset"].rows(), "partners": forms["partner_formset"].rows()}


@login_required
def passport_edit(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    if section not in SECTIONS:
        raise Http404(_("No such part of the passport."))
    project = _project(pk)
    require(request, "projects.edit_project", project)
    draft = services.open_version(project)
    if draft is not None and not draft.is_editable:
        messages.info(request, _("The passport is awaiting approval and cannot be changed now."))
        return redirect(project)
    source = draft or project.approved_version
    passport = normalised(source.passport if source else {})
    forms = _section_forms(project, section, passport, request.POST if request.method == "POST" else None)
    token = services.passport_token(passport, SECTION_PARTS[section])
    stale = None
    if request.method == "POST":
        token = _posted_token(request) or token
        changes = _section_changes(section, forms)
        if changes is not None:
            try:
                services.passport_update(
                    actor=request.user, project=project, changes=changes, version=_posted_token(request)
                )
            except StaleVersionError as exc:
                stale = exc.messages[0]
            except ValidationError as exc:
                target = forms.get("form")
                if target is not None:
                    apply_validation_error(target, exc)
                else:
                    flash_errors(request, exc)
            else:
                if project.is_approved:
                    messages.success(
                        request,
                        _(
                            "The draft of the passport is saved; the approved version stays in force "
                            "until the new one is approved."
                        ),
                    )
                else:
                    messages.success(request, _("The draft of the passport is saved."))
                return redirect(project)
    return render(
        request,
        "projects/passport_edit.html",
        {
            "project": project,
            "section": section,
            "section_title": SECTION_TITLES[section],
            "sections": [(k, SECTION_TITLES[k]) for k in SECTIONS],
            "years": project.academic_years,
            "version_token": token,
            "stale": stale,
            **forms,
        },
    )


@login_required
@require_POST
def project_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    project = _project(pk)
    form = ReasonForm(request.POST, prefix=name)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    if not form.is_valid():
        flash_errors(request, ValidationError(list(form.errors.get("reason", []))))
        return redirect(project)
    try:
        services.version_transition(actor=request.user, project=project, name=name, reason=reason)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        transition = VERSION_TRANSITIONS[name]
        messages.success(request, str(VERSION_DONE.get(name) or transition.label))
    return redirect(project)
