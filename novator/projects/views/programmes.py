"""Programme pages: the public list and timeline; setting up stages and results (methodologists)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.core.flash import flash_errors
from novator.core.forms import apply_validation_error
from novator.core.idempotency import once_per_token
from novator.core.paging import paginate

from .. import selectors, services
from ..forms import ProgrammeForm, ResultForm, StageForm
from ..models import Programme, ProgrammeResult, ProgrammeStage
from ._common import get_or_404, require


def programme_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.programme_list_with_stages(user=request.user), per_page=10)
    return render(
        request,
        "projects/programme_list.html",
        {
            "page": page,
            "timelines": selectors.timelines(list(page.object_list)),
            "can_add": request.user.has_perm("projects.add_programme"),
        },
    )


def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_or_404(selectors.programme_detail, Programme, _("No such programme."), pk=pk)
    if not request.user.has_perm("projects.view_programme", programme):
        raise PermissionDenied
    return render(
        request,
        "projects/programme_detail.html",
        {
            "programme": programme,
            "timeline": selectors.timeline(programme),
            "can_manage": request.user.has_perm("projects.manage_programme", programme),
        },
    )


def _form_page(request: HttpRequest, form: Any, **context: Any) -> HttpResponse:
    return render(request, "projects/programme_form.html", {"form": form, **context})


@login_required
@once_per_token
def programme_create(request: HttpRequest) -> HttpResponse:
    require(request, "projects.add_programme")
    form = ProgrammeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error("municipality", str(exc))
        else:
            messages.success(request, _("The programme is created. Add its stages."))
            return redirect(programme)
    return _form_page(request, form, title=_("New programme"))


@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=pk)
    require(request, "projects.manage_programme", programme)
    form = ProgrammeForm(request.POST or None, instance=programme, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                actor=request.user, programme=programme, data=form.cleaned_data, version=form.version_token
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error("municipality", str(exc))
        else:
            messages.success(request, _("Changes saved."))
            return redirect(programme)
        programme.refresh_from_db()
    return _form_page(request, form, programme=programme, title=programme.title)


@login_required
@once_per_token
def stage_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=pk)
    require(request, "projects.manage_programme", programme)
    next_number = programme.stages.count() + 1
    form = StageForm(request.POST or None, initial={"number": next_number})
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_create(actor=request.user, programme=programme, data=form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Stage added."))
            return redirect(programme)
    return _form_page(request, form, programme=programme, title=_("New stage"))


@login_required
def stage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stage = get_object_or_404(ProgrammeStage.objects.select_related("programme"), pk=pk)
    require(request, "projects.manage_programme", stage.programme)
    form = StageForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_update(actor=request.user, stage=stage, data=form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(stage.programme)
    return _form_page(
        request,
        form,
        programme=stage.programme,
        title=str(stage),
        delete_url="projects:stage_delete",
        obj=stage,
    )


@login_required
@require_POST
def stage_delete(request: HttpRequest, pk: int) -> HttpResponse:
    stage = get_object_or_404(ProgrammeStage.objects.select_related("programme"), pk=pk)
    programme = stage.programme
    try:
        services.stage_delete(actor=request.user, stage=stage)
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Stage deleted."))
    return redirect(programme)


@login_required
@once_per_token
def result_create(request: HttpRequest, pk: int) -> HttpResponse:
    stage = get_object_or_404(ProgrammeStage.objects.select_related("programme"), pk=pk)
    require(request, "projects.manage_programme", stage.programme)
    form = ResultForm(request.POST or None, stage=stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.result_create(actor=request.user, stage=stage, data=form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Result added."))
            return redirect(stage.programme)
    return _form_page(request, form, programme=stage.programme, stage=stage, title=_("New planned result"))


@login_required
def result_edit(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(ProgrammeResult.objects.select_related("stage", "stage__programme"), pk=pk)
    programme = result.stage.programme
    require(request, "projects.manage_programme", programme)
    form = ResultForm(request.POST or None, instance=result, stage=result.stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.result_update(actor=request.user, result=result, data=form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(programme)
    return _form_page(
        request,
        form,
        programme=programme,
        stage=result.stage,
        title=result.title,
        delete_url="projects:result_delete",
        obj=result,
    )


@login_required
@require_POST
def result_delete(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_object_or_404(ProgrammeResult.objects.select_related("stage__programme"), pk=pk)
    programme = result.stage.programme
    try:
        services.result_delete(actor=request.user, result=result)
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Result deleted."))
    return redirect(programme)
