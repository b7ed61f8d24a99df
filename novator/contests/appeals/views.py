"""Pages of appeals: filing one, the appeal with its decision, its files, and a contest's list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from novator.core.files import attachment_response, safe_filename
from novator.core.forms import apply_validation_error, form_or_page_errors
from novator.core.idempotency import once_per_token
from novator.core.workflow import allowed

from .. import selectors as contest_selectors
from ..models import Application, Contest
from . import selectors, services
from .forms import AppealDecisionForm, AppealForm
from .models import Appeal, AppealFile
from .workflow import APPEAL_TRANSITIONS


def _application(request: HttpRequest, pk: int) -> Application:
    try:
        application = contest_selectors.application_detail(pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404(_("No such application.")) from exc
    if not request.user.has_perm("contests.apply", application):
        raise PermissionDenied(
            _("Only the coordinator of the organisation that applied may appeal against its result.")
        )
    return application


@login_required
@once_per_token
def appeal_create(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    existing = Appeal.objects.filter(application=application).first()
    if existing is not None:
        messages.info(request, _("An appeal against this result has already been filed."))
        return redirect("contests:appeal_detail", existing.pk)
    refusal = services.appeal_refusal(application)
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            appeal = services.appeal_submit(
                actor=request.user,
                application=application,
                reasons=form.cleaned_data["reasons"],
                uploads=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The appeal is filed; the commission will review it."))
            return redirect("contests:appeal_detail", appeal.pk)
    return render(
        request,
        "contests/appeal_form.html",
        {
            "application": application,
            "contest": application.contest,
            "form": form,
            "refusal": refusal,
            "deadline": services.appeal_deadline(application.contest),
        },
    )


#: what the page says after each move, as a sentence
DONE_MESSAGES = {
    "take": gettext_lazy("The appeal is taken for review."),
    "reject": gettext_lazy("The appeal is rejected; the applicant has been notified."),
    "uphold": gettext_lazy("The appeal is upheld and the score changed; the applicant has been notified."),
}


def _appeal(request: HttpRequest, pk: int) -> Appeal:
    try:
        appeal = selectors.appeal_detail(pk=pk)
    except Appeal.DoesNotExist as exc:
        raise Http404(_("No such appeal.")) from exc
    if not request.user.has_perm("contests.view_appeal", appeal):
        raise PermissionDenied
    return appeal


def _render_appeal(request: HttpRequest, appeal: Appeal, **extra: object) -> HttpResponse:
    actions = allowed(request.user, appeal, APPEAL_TRANSITIONS)
    context = {
        "appeal": appeal,
        "application": appeal.application,
        "contest": appeal.application.contest,
        "actions": actions,
        "decision_form": extra.pop("decision_form", None) or AppealDecisionForm(),
        "can_review": request.user.has_perm("contests.review_appeal", appeal),
        "can_manage": request.user.has_perm("contests.manage_contest", appeal.application.contest),
        **extra,
    }
    return render(request, "contests/appeal_detail.html", context)


@login_required
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_appeal(request, _appeal(request, pk))


@login_required
@require_POST
@once_per_token
def appeal_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    appeal = _appeal(request, pk)
    transition = APPEAL_TRANSITIONS.get(name)
    if transition is None:
        raise Http404(_("Unknown action."))
    form = AppealDecisionForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.appeal_transition(
                actor=request.user,
                appeal=appeal,
                name=name,
                reason=form.cleaned_data.get("reason") or "",
                total=form.cleaned_data.get("total"),
            )
        except ValidationError as exc:
            errors = form_or_page_errors(form, exc, {"reason", "total"})
        else:
            messages.success(request, str(DONE_MESSAGES.get(name, transition.label)))
            return redirect("contests:appeal_detail", appeal.pk)
    return _render_appeal(
        request, selectors.appeal_detail(pk=appeal.pk), decision_form=form, action_errors=errors
    )


@login_required
def appeal_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    stored = get_object_or_404(
        AppealFile.objects.select_related(
            "appeal__application__contest", "appeal__application__organization"
        ),
        pk=pk,
    )
    if not request.user.has_perm("contests.view_appeal", stored.appeal):
        raise PermissionDenied
    return attachment_response(stored.file, safe_filename(stored.original_name, stored.file_type))


@login_required
def contest_appeals(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_object_or_404(Contest, pk=pk)
    user = request.user
    if not (
        user.has_perm("contests.manage_contest", contest) or user.has_perm("contests.chair_contest", contest)
    ):
        raise PermissionDenied
    appeals = list(selectors.contest_appeals(contest=contest))
    return render(
        request,
        "contests/contest_appeals.html",
        {
            "contest": contest,
            "appeals": appeals,
            "counts": selectors.appeal_counts(contest),
            "deadline": services.appeal_deadline(contest),
        },
    )
