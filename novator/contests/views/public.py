"""Public contest pages: the list, a contest with its regulation and results, the regulation file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from novator.accounts.scope import get_scope
from novator.core.files import attachment_response
from novator.core.forms import document_check
from novator.core.paging import paginate, query_without
from novator.organizations.models import OrganizationKind
from novator.statuses.models import StatusKind

from .. import diplomas, selectors, services
from ..forms import ContestFilterForm, OrderForm
from ..models import Application, ApplicationState, Contest, ContestKind, ContestState
from ..stages import contest_guide
from ..workflow import CONFIRMATIONS, CONTEST_TRANSITIONS, allowed

#: Contest transitions offered on the contest page to its organiser (the chair's are on the ranking page).
ORGANISER_TRANSITIONS = ("announce", "start_expertise", "publish_results")


def contest_list(request: HttpRequest) -> HttpResponse:
    form = ContestFilterForm(
        request.GET or None,
        years=selectors.contest_academic_years(user=request.user),
        status_kinds=list(StatusKind.objects.all()),
    )
    contests = selectors.contest_list(user=request.user, **form.selector_kwargs())
    page = paginate(request, contests, per_page=20)
    return render(
        request,
        "contests/contest_list.html",
        {
            "form": form,
            "page": page,
            "query_no_page": query_without(request, "page"),
            "can_add": request.user.has_perm("contests.add_contest"),
        },
    )


def _get_contest(request: HttpRequest, pk: int) -> Contest:
    try:
        return selectors.contest_detail(user=request.user, pk=pk)
    except Contest.DoesNotExist as exc:
        raise Http404(_("No such contest.")) from exc


def contest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _get_contest(request, pk)
    user = request.user
    scope = get_scope(user)
    can_manage = user.has_perm("contests.manage_contest", contest)
    context: dict[str, object] = {
        "contest": contest,
        "categories": list(contest.categories.all()),
        "criteria": list(contest.criteria.all()),
        "sections": list(contest.sections.all()),
        "required_documents": list(contest.required_documents.all()),
        "eligible_municipalities": list(contest.eligible_municipalities.all()),
        "eligible_kinds": [
            OrganizationKind(k).label for k in contest.eligible_kinds if k in OrganizationKind.values
        ],
        "can_manage": can_manage,
        "can_follow": can_manage or user.has_perm("contests.follow_contest", contest),
        "organisers": contest.organisers(),
        # The commission's pages belong to the expertise app; only their names are used here.
        "can_see_commission": can_manage
        or user.has_perm("contests.chair_contest", contest)
        or user.has_perm("expertise.view_commission", contest),
        "is_professional": contest.kind == ContestKind.PROFESSIONAL,
        "rounds": list(contest.rounds.all()) if contest.kind == ContestKind.PROFESSIONAL else [],
        "is_open": contest.is_open(),
        "opens_later": contest.state == ContestState.ANNOUNCED and timezone.now() < contest.opens_at,
    }
    if contest.state == ContestState.PUBLISHED:
        context["results"] = list(selectors.contest_results(contest=contest))
        if contest.kind == ContestKind.PROFESSIONAL:
            # consent-aware: the name only with the person's consent to publication
            context["professional_results"] = [
                {
                    "application": a,
                    "nominee": selectors.nominee_public_name(a),
                    "round": getattr(selectors.last_round_entry(a), "round", None),
                }
                for a in context["results"]  # type: ignore[attr-defined]
            ]
    if scope.coordinator_organizations:
        own = list(
            Application.objects.filter(contest=contest, organization_id__in=scope.coordinator_organizations)
            .exclude(state=ApplicationState.WITHDRAWN)
            .select_related("organization")
        )
        context["own_applications"] = own
        context["can_apply"] = contest.is_open() and len(own) < len(scope.coordinator_organizations)
    own_application = next(iter(context.get("own_applications") or []), None)  # type: ignore[call-overload]
    context["guide"] = contest_guide(contest, user=user, own_application=own_application)
    if can_manage:
        context.update(
            {
                "transitions": [
                    {"transition": t, "confirm": CONFIRMATIONS.get(t.name, "")}
                    for t in allowed(user, contest, CONTEST_TRANSITIONS)
                    if t.name in ORGANISER_TRANSITIONS
                ],
                "setup_locked": services.setup_locked_reason(contest),
                "state_rows": selectors.application_state_rows(contest=contest),
                "can_edit": contest.state in (ContestState.DRAFT, ContestState.ANNOUNCED),
                "order_form": OrderForm(initial={"number": contest.order_number, "date": contest.order_date})
                if contest.state in (ContestState.DECIDED, ContestState.PUBLISHED)
                else None,
            }
        )
    return render(request, "contests/contest_detail.html", context)


def regulation_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    contest = _get_contest(request, pk)
    if not contest.regulation_file:
        raise Http404(_("The contest has no regulation file."))
    name = contest.regulation_file.name.rsplit("/", 1)[-1]
    return attachment_response(contest.regulation_file, name)


@require_http_methods(["GET", "POST"])
def diploma_verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public check of a diploma: its code and the holder's surname → they match or they do not. The
    answer shows the diploma's kind, contest, nomination and date, never the holder's name or
    organisation (the asker typed the surname; nothing else of the person is revealed, consent to
    publication or not). The link printed on the diploma fills in the code."""
    form, checked, diploma = document_check(request, code=code, lookup=selectors.diploma_check)
    return render(
        request,
        "contests/diploma_verify.html",
        {"form": form, "checked": checked, "diploma": diploma},
        status=404 if checked and diploma is None else 200,
    )


@login_required
def diploma_download(request: HttpRequest, code: str) -> HttpResponse:
    """The PDF for the nominating organisation's coordinators, the organiser and the person themselves."""
    diploma = selectors.diploma_by_code(code)
    if diploma is None:
        raise Http404(_("No such diploma."))
    application = diploma.application
    user = request.user
    own = application.applicant is not None and application.applicant.user_id == user.pk
    if not (own or user.has_perm("contests.view_application", application)):
        raise PermissionDenied(_("You do not have permission to do this."))
    verify_url = request.build_absolute_uri(reverse("contests:diploma_verify", args=[diploma.code]))
    response = HttpResponse(
        diplomas.render_pdf(diploma, verify_url=verify_url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="diploma-{diploma.code}.pdf"'
    return response
