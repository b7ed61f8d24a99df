"""Report pages: the scoped list with filters and the year's export, one report (filling in, evidence,
review), its DOCX, and the proposals that follow reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.core.academic_year import AcademicYear
from novator.core.files import attachment_response
from novator.core.flash import flash_errors
from novator.core.forms import apply_validation_error
from novator.core.idempotency import once_per_token
from novator.core.paging import paginate, query_without

from .. import documents, selectors, services
from ..forms import (
    EvidenceForm,
    ProposalConfirmForm,
    ProposalDismissForm,
    ReportActionForm,
    ReportFilterForm,
    ReportForm,
)
from ..models import ProjectProposal, ProjectReport, ProposalKind, ProposalState, ReportEvidence, ReportKind
from ..workflow import REPORT_DONE, REPORT_TRANSITIONS, allowed
from ._common import get_or_404, require


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    require(request, "projects.view_report_lists")
    years = selectors.report_years(user=request.user)
    form = ReportFilterForm(request.GET or None, years=years)
    reports = selectors.report_list(user=request.user, **form.selector_kwargs())
    page = paginate(request, reports, per_page=25)
    return render(
        request,
        "projects/report_list.html",
        {
            "form": form,
            "page": page,
            "years": years,
            "export_year": form.selector_kwargs().get("academic_year") or (years[0] if years else ""),
            "query_no_page": query_without(request, "page"),
            "proposals_open": selectors.proposal_list(user=request.user, state=ProposalState.OPEN).count(),
        },
    )


@login_required
def report_export(request: HttpRequest) -> HttpResponseBase:
    require(request, "projects.view_report_lists")
    text = request.GET.get("year", "")[:9]
    try:
        year = str(AcademicYear.parse(text))
    except ValueError:
        messages.error(request, _("Write the academic year as 2022/23."))
        return redirect("projects:report_list")
    return documents.year_xlsx_response(
        selectors.reports_for_export(user=request.user, academic_year=year), academic_year=year
    )


def _report(request: HttpRequest, pk: int) -> ProjectReport:
    report = get_or_404(selectors.report_detail, ProjectReport, _("No such report."), pk=pk)
    require(request, "projects.view_report", report)
    return report


def _detail(request: HttpRequest, report: ProjectReport, **extra: Any) -> HttpResponse:
    user = request.user
    can_fill = user.has_perm("projects.fill_report", report) and report.is_editable
    actions = []
    for transition in allowed(user, report, REPORT_TRANSITIONS):
        form = extra.pop(f"action_{transition.name}", None) or ReportActionForm(prefix=transition.name)
        actions.append({"transition": transition, "form": form})
    return render(
        request,
        "projects/report_detail.html",
        {
            "report": report,
            "project": report.project,
            "form": extra.pop("form", None) or (ReportForm(report=report) if can_fill else None),
            "evidence_form": extra.pop("evidence_form", None) or (EvidenceForm() if can_fill else None),
            "can_fill": can_fill,
            "actions": actions,
            "missing": services.report_completeness_errors(report) if can_fill else [],
            "is_final": report.kind == ReportKind.FINAL,
            **extra,
        },
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if request.method != "POST":
        return _detail(request, report)
    require(request, "projects.fill_report", report)
    form = ReportForm(request.POST, report=report)
    if form.is_valid():
        try:
            services.report_update(
                actor=request.user, report=report, content=form.content(), version=form.version_token
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The report is saved. Submit it when it is complete."))
            return redirect(report)
    return _detail(request, report, form=form)


@login_required
@require_POST
@once_per_token
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    require(request, "projects.fill_report", report)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(
                actor=request.user,
                report=report,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The file is attached."))
            return redirect(report.get_absolute_url() + "#evidence")
    return _detail(request, report, evidence_form=form)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    evidence = get_object_or_404(
        ReportEvidence.objects.select_related("report__project__organization__municipality"), pk=pk
    )
    require(request, "projects.view_report", evidence.report)
    return attachment_response(evidence.file, evidence.file.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(
        ReportEvidence.objects.select_related("report__project__organization__municipality"), pk=pk
    )
    report = evidence.report
    require(request, "projects.view_report", report)
    try:
        services.evidence_delete(actor=request.user, evidence=evidence)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The file is removed."))
    return redirect(report.get_absolute_url() + "#evidence")


@login_required
@require_POST
def report_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    report = _report(request, pk)
    form = ReportActionForm(request.POST, prefix=name)
    if not form.is_valid():
        return _detail(request, report, **{f"action_{name}": form}, failed=name)
    data = form.cleaned_data
    try:
        services.report_transition(
            actor=request.user,
            report=report,
            name=name,
            reason=data.get("reason", ""),
            fixes_due_on=data.get("fixes_due_on"),
            outcome=data.get("outcome") or "",
            proposed_ends_on=data.get("proposed_ends_on"),
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        report = _report(request, pk)
        return _detail(request, report, **{f"action_{name}": form}, failed=name)
    transition = REPORT_TRANSITIONS.get(name)
    messages.success(request, str(REPORT_DONE.get(name) or (transition.label if transition else name)))
    return redirect(report)


@login_required
def report_docx(request: HttpRequest, pk: int) -> HttpResponseBase:
    return documents.report_docx_response(_report(request, pk))


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    require(request, "projects.view_report_lists")
    state = request.GET.get("state", ProposalState.OPEN)
    if state not in ProposalState.values:
        state = ""
    page = paginate(request, selectors.proposal_list(user=request.user, state=state), per_page=25)
    return render(
        request,
        "projects/proposal_list.html",
        {
            "page": page,
            "state": state,
            "states": ProposalState.choices,
            "query_no_page": query_without(request, "page"),
        },
    )


def _proposal(request: HttpRequest, pk: int) -> ProjectProposal:
    proposal = get_or_404(selectors.proposal_detail, ProjectProposal, _("No such proposal."), pk=pk)
    require(request, "projects.view_report", proposal)
    return proposal


def _proposal_page(request: HttpRequest, proposal: ProjectProposal, **forms: Any) -> HttpResponse:
    can_decide = proposal.state == ProposalState.OPEN and request.user.has_perm(
        "projects.decide_proposal", proposal
    )
    initial = {"new_ends_on": proposal.proposed_ends_on}
    return render(
        request,
        "projects/proposal_detail.html",
        {
            "proposal": proposal,
            "project": proposal.project,
            "can_decide": can_decide,
            "confirm_form": forms.get("confirm_form") or ProposalConfirmForm(initial=initial),
            "dismiss_form": forms.get("dismiss_form") or ProposalDismissForm(),
            "is_extend": proposal.kind == ProposalKind.EXTEND,
        },
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _proposal_page(request, _proposal(request, pk))


@login_required
@require_POST
def proposal_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    require(request, "projects.decide_proposal", proposal)
    form = ProposalConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_confirm(actor=request.user, proposal=proposal, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You do not have permission to do this."))
        else:
            messages.success(request, _("The proposal is confirmed and carried out."))
            return redirect(proposal.project)
    return _proposal_page(request, proposal, confirm_form=form)


@login_required
@require_POST
def proposal_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    require(request, "projects.decide_proposal", proposal)
    form = ProposalDismissForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_dismiss(actor=request.user, proposal=proposal, note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The proposal is dismissed."))
            return redirect(proposal.project)
    return _proposal_page(request, proposal, dismiss_form=form)
