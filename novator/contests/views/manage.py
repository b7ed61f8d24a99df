"""The organiser's pages: create, edit and copy a contest, its set-up, its workflow, its applications."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from novator.core.academic_year import AcademicYear
from novator.core.forms import apply_validation_error
from novator.core.idempotency import once_per_token
from novator.core.paging import paginate, query_without

from .. import selectors, services
from ..forms import (
    ApplicationFilterForm,
    CategoryForm,
    ContestCopyForm,
    ContestForm,
    CriterionForm,
    FormSectionForm,
    OrderForm,
    RequiredDocumentForm,
    RoundForm,
    ServiceModelForm,
)
from ..models import (
    Category,
    Contest,
    ContestKind,
    ContestState,
    Criterion,
    FormSection,
    RequiredDocument,
    Round,
)
from ..workflow import CONTEST_TRANSITIONS, DONE_MESSAGES


def _managed_contest(request: HttpRequest, pk: int) -> Contest:
    contest = get_object_or_404(
        Contest.objects.select_related("status_kind", "organiser_municipality", "organiser_region"), pk=pk
    )
    if not request.user.has_perm("contests.manage_contest", contest):
        raise PermissionDenied
    return contest


def _messages_from(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


# ---------------------------------------------------------------------------------------------------
# Create, edit, copy


@login_required
@once_per_token
def contest_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("contests.add_contest"):
        raise PermissionDenied
    form = ContestForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            contest = services.contest_create(
                actor=request.user,
                data=form.service_data(),
                with_defaults=bool(form.cleaned_data.get("with_defaults")),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Contest «%(title)s» created as a draft.") % {"title": contest.title})
            return redirect(contest)
    return render(
        request,
        "contests/contest_form.html",
        {"form": form, "contest": None, "copy_sources": selectors.contests_managed(user=request.user)[:10]},
    )


@login_required
def contest_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed_contest(request, pk)
    if contest.state not in (ContestState.DRAFT, ContestState.ANNOUNCED):
        messages.info(request, _("The contest can no longer be changed: the expertise has started."))
        return redirect(contest)
    form = ContestForm(request.POST or None, request.FILES or None, instance=contest, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.contest_update(
                actor=request.user, contest=contest, data=form.service_data(), version=form.version_token
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Changes saved.") if changes else _("Nothing was changed."))
            return redirect(contest)
        contest.refresh_from_db()
    return render(request, "contests/contest_form.html", {"form": form, "contest": contest})


def _shift_year(moment: datetime.datetime) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + 1, day=28)


@login_required
@once_per_token
def contest_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = _managed_contest(request, pk)
    if not request.user.has_perm("contests.add_contest"):
        raise PermissionDenied
    try:
        next_year = str(AcademicYear(AcademicYear.parse(source.academic_year).start_year + 1))
    except ValueError:
        next_year = ""
    initial = {
        "title": source.title.replace(source.academic_year, next_year) if next_year else source.title,
        "academic_year": next_year,
        "opens_at": timezone.localtime(_shift_year(source.opens_at)),
        "closes_at": timezone.localtime(_shift_year(source.closes_at)),
    }
    form = ContestCopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contest = services.contest_copy(actor=request.user, source=source, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Contest copied from «%(source)s»: check the dates and the regulation, then announce it.")
                % {"source": source.title},
            )
            return redirect(contest)
    return render(request, "contests/contest_copy.html", {"form": form, "source": source})


# ---------------------------------------------------------------------------------------------------
# Set-up: categories, criteria, form sections, required documents


@dataclass(frozen=True)
class SetupPage:
    title: str | Promise
    add_label: str | Promise
    model: type[Any]
    form: type[ServiceModelForm]
    related: str
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]


SETUP_PAGES: dict[str, SetupPage] = {
    "categories": SetupPage(
        gettext_lazy("Categories"),
        gettext_lazy("Add a category"),
        Category,
        CategoryForm,
        "categories",
        services.category_create,
        lambda actor, item, data: services.category_update(actor=actor, category=item, data=data),
        lambda actor, item: services.category_delete(actor=actor, category=item),
    ),
    "criteria": SetupPage(
        gettext_lazy("Criteria"),
        gettext_lazy("Add a criterion"),
        Criterion,
        CriterionForm,
        "criteria",
        services.criterion_create,
        lambda actor, item, data: services.criterion_update(actor=actor, criterion=item, data=data),
        lambda actor, item: services.criterion_delete(actor=actor, criterion=item),
    ),
    "rounds": SetupPage(
        gettext_lazy("Rounds"),
        gettext_lazy("Add a round"),
        Round,
        RoundForm,
        "rounds",
        services.round_create,
        lambda actor, item, data: services.round_update(actor=actor, round=item, data=data),
        lambda actor, item: services.round_delete(actor=actor, round=item),
    ),
    "sections": SetupPage(
        gettext_lazy("Sections of the application form"),
        gettext_lazy("Add a section"),
        FormSection,
        FormSectionForm,
        "sections",
        services.form_section_create,
        lambda actor, item, data: services.form_section_update(actor=actor, section=item, data=data),
        lambda actor, item: services.form_section_delete(actor=actor, section=item),
    ),
    "documents": SetupPage(
        gettext_lazy("Required documents"),
        gettext_lazy("Add a document"),
        RequiredDocument,
        RequiredDocumentForm,
        "required_documents",
        services.required_document_create,
        lambda actor, item, data: services.required_document_update(actor=actor, document=item, data=data),
        lambda actor, item: services.required_document_delete(actor=actor, document=item),
    ),
}


def _form(page: SetupPage, contest: Contest, data: Any, **kwargs: Any) -> ServiceModelForm:
    if page.model is Round and contest.kind != ContestKind.PROFESSIONAL:
        raise Http404(_("Only professional contests have rounds."))
    if page.form in (CriterionForm, RoundForm):
        return page.form(data, contest=contest, **kwargs)
    return page.form(data, **kwargs)


def _setup_page(part: str) -> SetupPage:
    page = SETUP_PAGES.get(part)
    if page is None:
        raise Http404(_("No such page."))
    return page


def _setup_context(contest: Contest, part: str, page: SetupPage, form: ServiceModelForm) -> dict[str, Any]:
    return {
        "contest": contest,
        "part": part,
        "page": page,
        "parts": {
            k: v for k, v in SETUP_PAGES.items() if k != "rounds" or contest.kind == ContestKind.PROFESSIONAL
        },
        "items": list(getattr(contest, page.related).all()),
        "form": form,
        "locked": services.setup_locked_reason(contest),
        "max_total": contest.max_total if part == "criteria" else None,
    }


@login_required
@once_per_token
def setup_list(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    contest = _managed_contest(request, pk)
    page = _setup_page(part)
    form = _form(page, contest, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = page.create(actor=request.user, contest=contest, data=form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("«%(item)s» added.") % {"item": item})
            return redirect("contests:setup", pk=contest.pk, part=part)
    return render(request, "contests/setup_list.html", _setup_context(contest, part, page, form))


@login_required
def setup_item(request: HttpRequest, pk: int, part: str, item_pk: int) -> HttpResponse:
    contest = _managed_contest(request, pk)
    page = _setup_page(part)
    item = get_object_or_404(page.model, pk=item_pk, contest=contest)
    form = _form(page, contest, request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            changes = page.update(request.user, item, form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved.") if changes else _("Nothing was changed."))
            return redirect("contests:setup", pk=contest.pk, part=part)
        item.refresh_from_db()
    return render(
        request,
        "contests/setup_item.html",
        {"contest": contest, "part": part, "page": page, "item": item, "form": form},
    )


@login_required
@require_POST
def setup_delete(request: HttpRequest, pk: int, part: str, item_pk: int) -> HttpResponse:
    contest = _managed_contest(request, pk)
    page = _setup_page(part)
    item = get_object_or_404(page.model, pk=item_pk, contest=contest)
    label = str(item)
    try:
        page.delete(request.user, item)
    except ValidationError as exc:
        for message in _messages_from(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("«%(item)s» deleted.") % {"item": label})
    return redirect("contests:setup", pk=contest.pk, part=part)


@login_required
@require_POST
def contest_defaults(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed_contest(request, pk)
    try:
        added = services.contest_apply_defaults(actor=request.user, contest=contest)
    except ValidationError as exc:
        for message in _messages_from(exc):
            messages.error(request, message)
    else:
        if added:
            messages.success(request, _("Default items added: %(n)d.") % {"n": added})
        else:
            messages.info(request, _("The contest already has all the default items."))
    return redirect(contest)


# ---------------------------------------------------------------------------------------------------
# Workflow


@login_required
@require_POST
@once_per_token
def contest_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    contest = get_object_or_404(Contest, pk=pk)
    if name not in CONTEST_TRANSITIONS:
        raise Http404(_("Unknown action."))
    try:
        services.contest_transition(
            actor=request.user, contest=contest, name=name, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        for message in _messages_from(exc):
            messages.error(request, message)
    else:
        messages.success(request, str(DONE_MESSAGES.get(name) or CONTEST_TRANSITIONS[name].label))
    return redirect(contest)


@login_required
@require_POST
def contest_order(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed_contest(request, pk)
    form = OrderForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
        return redirect(contest)
    try:
        services.contest_record_order(
            actor=request.user,
            contest=contest,
            number=form.cleaned_data["number"],
            date=form.cleaned_data["date"],
        )
    except ValidationError as exc:
        for message in _messages_from(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("The order is recorded."))
    return redirect(contest)


@login_required
def contest_applications(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisers' list of applications for the formal check (co-organisers of an inter-municipal
    contest included: they check their own municipality's and see the others read-only)."""
    contest = get_object_or_404(
        Contest.objects.select_related("status_kind", "organiser_municipality", "organiser_region"), pk=pk
    )
    if not request.user.has_perm("contests.follow_contest", contest):
        raise PermissionDenied
    form = ApplicationFilterForm(request.GET or None, contest=contest)
    applications = selectors.contest_applications(contest=contest, **form.selector_kwargs())
    page = paginate(request, applications, per_page=50)
    return render(
        request,
        "contests/contest_applications.html",
        {
            "contest": contest,
            "form": form,
            "page": page,
            "state_rows": selectors.application_state_rows(contest=contest),
            "query_no_page": query_without(request, "page"),
            "can_mail": request.user.has_perm("contests.manage_contest", contest),
        },
    )
