"""The readiness survey: the runs a user may see, starting one, answering, results with charts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.accounts.scope import get_scope
from novator.core.academic_year import AcademicYear
from novator.core.flash import flash_errors
from novator.core.forms import apply_validation_error
from novator.core.idempotency import once_per_token
from novator.core.paging import paginate, query_without
from novator.organizations.models import Municipality

from .. import selectors, services
from ..forms import SurveyAnswerForm, SurveyRunForm
from ..models import MIN_GROUP, RunState, SurveyParticipation, SurveyRun
from ..services.surveys import participation_token
from ._common import require


def _answered(user: object, runs: list[SurveyRun]) -> set[int]:
    """The open runs the user has answered (one query)."""
    key = services.participant_key(user)
    tokens = {participation_token(run, key): run.pk for run in runs if run.salt}
    if not tokens:
        return set()
    found = SurveyParticipation.objects.filter(token__in=list(tokens)).values_list("token", flat=True)
    return {tokens[t] for t in found}


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.survey_runs(user=request.user), per_page=25)
    runs = list(page.object_list)
    scope = get_scope(request.user)
    answerable = {
        run.pk
        for run in runs
        if run.state == RunState.OPEN
        and (
            run.organization_id in scope.teacher_organizations
            or run.organization_id in scope.coordinator_organizations
        )
    }
    municipalities = (
        Municipality.objects.filter(
            pk__in=scope.methodologist_municipalities | scope.observer_municipalities
        ).order_by("name")
        if not scope.is_admin
        else Municipality.objects.order_by("name")
    )
    return render(
        request,
        "projects/survey_list.html",
        {
            "page": page,
            "answerable": answerable,
            "answered": _answered(request.user, [r for r in runs if r.pk in answerable]),
            "can_start": bool(
                scope.is_admin or scope.coordinator_organizations or scope.methodologist_municipalities
            ),
            "municipalities": municipalities,
            "min_group": MIN_GROUP,
            "query_no_page": query_without(request, "page"),
        },
    )


@login_required
@once_per_token
def survey_create(request: HttpRequest) -> HttpResponse:
    form = SurveyRunForm(
        request.POST or None,
        user=request.user,
        initial={"academic_year": str(AcademicYear.of(timezone.localdate()))},
    )
    if not form.fields["organization"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.survey_run_create(
                actor=request.user,
                organization=data["organization"],
                academic_year=data["academic_year"],
                closes_on=data["closes_on"],
                questionnaire=data.get("questionnaire"),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error("organization", str(exc))
        else:
            messages.success(
                request, _("The survey is open. Tell the teachers: they answer on the «Surveys» page.")
            )
            return redirect(run)
    return render(request, "projects/survey_form.html", {"form": form})


def _run(pk: int) -> SurveyRun:
    return get_object_or_404(
        SurveyRun.objects.select_related("organization", "organization__municipality", "questionnaire"), pk=pk
    )


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(pk)
    user = request.user
    can_results = user.has_perm("projects.view_survey_results", run)
    can_answer = user.has_perm("projects.answer_survey", run)
    if not can_results and not can_answer:
        raise PermissionDenied
    if not can_results:
        return redirect("projects:survey_answer", pk=run.pk)
    scores = selectors.run_scores(run)
    return render(
        request,
        "projects/survey_detail.html",
        {
            "run": run,
            "scores": scores,
            "min_group": MIN_GROUP,
            "chart": selectors.chart_data([(run.organization.short_name, scores)]) if scores.shown else None,
            "can_close": run.state == RunState.OPEN and user.has_perm("projects.run_survey", run),
            "can_answer": can_answer
            and not services.answering_closed_reason(run)
            and not services.has_answered(run, services.participant_key(user)),
        },
    )


@login_required
def survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(pk)
    require(request, "projects.answer_survey", run)
    closed = services.answering_closed_reason(run)
    if closed or services.has_answered(run, services.participant_key(request.user)):
        messages.info(request, closed or _("You have already answered this survey. Thank you!"))
        return redirect("projects:survey_list")
    form = SurveyAnswerForm(request.POST or None, run=run)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_response_submit(
                actor=request.user,
                run=run,
                answers=form.answers(),
                participant=services.participant_key(request.user),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Thank you! Your answers are saved anonymously."))
            return redirect("projects:survey_list")
    return render(request, "projects/survey_answer.html", {"run": run, "form": form, "min_group": MIN_GROUP})


@login_required
@require_POST
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(pk)
    try:
        services.survey_run_close(actor=request.user, run=run)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The survey is closed."))
    return redirect(run)


def _oversees(user: object, municipality: Municipality) -> bool:
    scope = get_scope(user)
    return (
        scope.is_admin
        or municipality.pk in scope.methodologist_municipalities
        or municipality.pk in scope.observer_municipalities
        or municipality.region_id in scope.observer_regions
    )


@login_required
def survey_municipality(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = get_object_or_404(Municipality, pk=pk)
    if not _oversees(request.user, municipality):
        raise PermissionDenied
    years = selectors.survey_years()
    year = request.GET.get("year", "")
    if year not in years:
        if year:
            messages.error(
                request, _("There is no survey in the academic year «%(year)s».") % {"year": year[:9]}
            )
        year = years[0] if years else ""
    if not year:
        raise Http404(_("No surveys yet."))
    results = selectors.municipality_results(municipality=municipality, academic_year=year)
    chart = selectors.chart_data([(run.organization.short_name, s) for run, s in results.rows])
    return render(
        request,
        "projects/survey_municipality.html",
        {"results": results, "years": years, "year": year, "chart": chart, "min_group": MIN_GROUP},
    )
