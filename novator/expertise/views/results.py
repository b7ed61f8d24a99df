"""The ranking per category, the chair's confirmation and reopening, and the DOCX documents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.contests.models import ContestState
from novator.core.forms import apply_validation_error
from novator.core.idempotency import once_per_token

from .. import documents, selectors, services
from ..forms import AnnouncementOrderForm, ConfirmForm, ReasonForm, ScoringSettingsForm
from ..models import Commission, ScoreSheet
from ..ranking import Agreement, CategoryRanking, Ranking, contest_ranking
from ..services.meeting import MEETING_STATES
from ..services.results import reason_field
from ..services.scoring import scoring_locked_reason
from ._common import error_messages, form_errors, get_contest

DECIDED_STATES = (ContestState.DECIDED, ContestState.PUBLISHED)


#: rows of one category per page of the ranking (the totals above each table cover the whole category)
RANKING_PAGE_SIZE = 50
#: a ranking of at most this many applications shows all its categories on one page; a longer one shows
#: one category at a time, chosen from the list of categories above the table (`?category=<id>`)
RANKING_ALL_CATEGORIES_UP_TO = 300


def _category_key(category: CategoryRanking) -> str:
    return str(category.category.pk if category.category else 0)


def _page_param(category: CategoryRanking) -> str:
    return f"page-{_category_key(category)}"


def _shown_categories(
    request: HttpRequest, ranking: Ranking
) -> tuple[list[CategoryRanking], list[dict[str, Any]]]:
    """The categories drawn on this page, and the list to choose one from (empty: all are drawn)."""
    categories = ranking.categories
    if len(categories) < 2 or sum(c.figures.count for c in categories) <= RANKING_ALL_CATEGORIES_UP_TO:
        return categories, []
    wanted = request.GET.get("category", "")
    chosen = next((c for c in categories if _category_key(c) == wanted), categories[0])
    choices = [
        {"category": c, "key": _category_key(c), "active": c is chosen, "figures": c.figures}
        for c in categories
    ]
    return [chosen], choices


def _ranking_pages(request: HttpRequest, categories: list[CategoryRanking]) -> dict[str, Page[Any]]:
    """The visible page of each category (the `page-<category id>` parameter; a bad one gives page 1)."""
    return {
        _page_param(category): Paginator(category.rows, RANKING_PAGE_SIZE).get_page(
            request.GET.get(_page_param(category))
        )
        for category in categories
    }


def _visible_ids(pages: dict[str, Page[Any]], data: Any) -> set[int]:
    """Applications whose override inputs are drawn (the visible pages) or were posted."""
    ids = {row.application_id for page in pages.values() for row in page.object_list}
    for key in data or ():
        if key.startswith("override_") and key[len("override_") :].isdigit():
            ids.add(int(key[len("override_") :]))
    return ids


def _tables(
    request: HttpRequest,
    categories: list[CategoryRanking],
    pages: dict[str, Page[Any]],
    form: ConfirmForm | None,
) -> list[dict[str, Any]]:
    tables = []
    for category in categories:
        param = _page_param(category)
        page = pages[param]
        line = category.threshold_index
        rows = []
        for index, row in enumerate(page.object_list, start=(page.number - 1) * RANKING_PAGE_SIZE):
            pk = row.application_id
            rows.append(
                {
                    "row": row,
                    "threshold_before": index == line and index > 0,
                    "override": form[f"override_{pk}"] if form else None,
                    "reason": form[reason_field(pk)] if form else None,
                }
            )
        others = request.GET.copy()
        others.pop(param, None)
        count = len(category.rows)
        # the page that shows the threshold line, when it is drawn on another page
        line_page = line // RANKING_PAGE_SIZE + 1 if 0 < line < count else None
        tables.append(
            {
                "category": category,
                "rows": rows,
                "all_below": line == 0 and count > 0 and page.number == 1,
                "none_below": line == count,
                "count": count,
                "passing": category.passing,
                "proposed": category.proposed,
                "page": page,
                "param": param,
                "query": others.urlencode(),
                "line_page": line_page if line_page != page.number else None,
            }
        )
    return tables


#: experts in the leniency table and in the chart: of a large commission, those who deviate most
LENIENCY_TABLE_SIZE = 25
LENIENCY_CHART_SIZE = 100


def _leniency_rows(agreement: Agreement | None, limit: int) -> list[Any]:
    """All the experts of a small commission; of a large one, the `limit` who deviate most."""
    return agreement.most_deviating(limit) if agreement else []


def _commission(contest: Any) -> Commission | None:
    try:
        return contest.commission
    except Commission.DoesNotExist:
        return None


def _hidden_row_errors(request: HttpRequest, form: ConfirmForm, pages: dict[str, Page[Any]]) -> None:
    """The errors of rows posted from another page of the ranking, as messages: their inputs are not
    drawn here."""
    shown = {row.application_id for page in pages.values() for row in page.object_list}
    for name, errors in form.errors.items():
        row_id = name.rpartition("_")[2]
        if name.startswith(("override_", "reason_")) and row_id.isdigit() and int(row_id) not in shown:
            for error in errors:
                messages.error(request, f"{form.fields[name].label}: {error}")


def _minutes_initial(contest: Any) -> dict[str, Any]:
    """The minutes' number and date as the meeting recorded them: the chair confirms with the same."""
    commission = _commission(contest)
    if commission is None:
        return {}
    return {"minutes_number": commission.minutes_number, "minutes_date": commission.minutes_date}


@login_required
@once_per_token
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.view_commission")
    user = request.user
    ranking = contest_ranking(contest)
    drawn, category_choices = _shown_categories(request, ranking)
    pages = _ranking_pages(request, drawn)
    # the applications of the visible pages only (a cached ranking of 10,000 has not read them)
    ranking.load_applications(row for page in pages.values() for row in page.object_list)
    can_confirm = contest.state == ContestState.EXPERTISE and user.has_perm("contests.chair_contest", contest)
    form = (
        ConfirmForm(
            request.POST or None,
            ranking=ranking,
            application_ids=_visible_ids(pages, request.POST),
            initial=_minutes_initial(contest),
        )
        if can_confirm
        else None
    )
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Only the chair confirms the results during the expertise."))
            return redirect("expertise:ranking", pk=contest.pk)
        if form.is_valid():
            try:
                services.results_confirm(
                    actor=user,
                    contest=contest,
                    overrides=form.overrides(),
                    minutes_number=form.cleaned_data["minutes_number"],
                    minutes_date=form.cleaned_data["minutes_date"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The results are confirmed."))
                return redirect("expertise:ranking", pk=contest.pk)
    if form is not None and form.is_bound:
        _hidden_row_errors(request, form, pages)
    decided = contest.state in DECIDED_STATES
    can_reopen = contest.state == ContestState.DECIDED and user.has_perm("contests.chair_contest", contest)
    can_configure = user.has_perm("contests.manage_contest", contest) and not decided
    settings_locked = scoring_locked_reason(contest) if can_configure else None
    return render(
        request,
        "expertise/ranking.html",
        {
            "contest": contest,
            "ranking": ranking,
            "agreement": ranking.agreement,
            "leniency_chart": ranking.agreement.chart(_leniency_rows(ranking.agreement, LENIENCY_CHART_SIZE))
            if ranking.agreement
            else None,
            "leniency_rows": _leniency_rows(ranking.agreement, LENIENCY_TABLE_SIZE),
            "tables": _tables(request, drawn, pages, form),
            "category_choices": category_choices,
            "form": form,
            "decided": decided,
            "can_reopen": can_reopen,
            "reopen_form": ReasonForm() if can_reopen else None,
            "commission": _commission(contest),
            "can_record_meeting": contest.state in MEETING_STATES
            and user.has_perm("expertise.record_meeting", contest),
            "settings_locked": settings_locked,
            "settings_form": ScoringSettingsForm(contest=contest, locked=settings_locked is not None)
            if can_configure
            else None,
        },
    )


@login_required
@require_POST
def scoring_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser chooses the official ranking and the agreement flag (before scoring starts)."""
    contest = get_contest(request, pk, "contests.manage_contest")
    form = ScoringSettingsForm(
        request.POST, contest=contest, locked=scoring_locked_reason(contest) is not None
    )
    if not form.is_valid():
        form_errors(request, form)
        return redirect("expertise:ranking", pk=contest.pk)
    try:
        changes = services.scoring_settings_update(
            actor=request.user, contest=contest, data=form.cleaned_data
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        if changes:
            messages.success(request, _("The scoring settings are saved."))
    return redirect("expertise:ranking", pk=contest.pk)


@login_required
@require_POST
def results_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "contests.chair_contest")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
        return redirect("expertise:ranking", pk=contest.pk)
    try:
        services.results_reopen(actor=request.user, contest=contest, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The expertise is reopened."))
    return redirect("expertise:ranking", pk=contest.pk)


def _wants_pdf(request: HttpRequest) -> bool:
    """`?format=pdf`: the PDF twin of the DOCX."""
    return request.GET.get("format") == "pdf"


def _document(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    contest = get_contest(request, pk, "expertise.view_commission")
    if contest.state not in DECIDED_STATES:
        messages.error(request, _("The documents are ready once the chair has confirmed the results."))
        return redirect("expertise:ranking", pk=contest.pk)
    if kind == "minutes":
        if selectors.meeting_of(_commission(contest)) is None:
            messages.error(
                request,
                _(
                    "Record the meeting (its place, the members present and the votes) before producing "
                    "the minutes."
                ),
            )
            return redirect("expertise:meeting", pk=contest.pk)
        return documents.minutes_response(contest, pdf=_wants_pdf(request))
    return documents.order_response(contest, pdf=_wants_pdf(request))


@login_required
def minutes_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _document(request, pk, "minutes")


@login_required
def order_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _document(request, pk, "order")


@login_required
def announcement_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The order announcing the contest (a draft with «ПРОЕКТ» until it is registered)."""
    contest = get_contest(request, pk, "expertise.view_commission")
    return documents.announcement_response(contest, pdf=_wants_pdf(request))


@login_required
@require_POST
def announcement_register(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser registers the order announcing the contest: its number comes from the journal."""
    contest = get_contest(request, pk, "contests.manage_contest")
    form = AnnouncementOrderForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("expertise:commission", pk=contest.pk)
    try:
        order = services.announcement_order_register(
            actor=request.user, contest=contest, date=form.cleaned_data["date"]
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _("The order announcing the contest is registered: %(order)s.")
            % {"order": f"от {order.date:%d.%m.%Y} № {order.number}"},
        )
    return redirect("expertise:commission", pk=contest.pk)


@login_required
def conclusions_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The expert conclusions of every submitted sheet, one per page: the annex of the minutes."""
    contest = get_contest(request, pk, "expertise.view_commission")
    sheets = list(
        ScoreSheet.objects.filter(assignment__application__contest=contest, state=ScoreSheet.State.SUBMITTED)
        .select_related("assignment__application__organization", "assignment__expert__user")
        .order_by("assignment__application__number", "assignment__expert__user__last_name", "pk")
    )
    if not sheets:
        messages.error(request, _("No expert has submitted a conclusion yet."))
        return redirect("expertise:ranking", pk=contest.pk)
    return documents.conclusions_response(
        contest, sheets, f"conclusions-contest-{contest.pk}.docx", pdf=_wants_pdf(request)
    )
