"""Application pages: my applications, starting one, the application page (edit, upload, submit, the
formal check), and document downloads."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from novator.accounts.scope import get_scope
from novator.core.docx_pdf import PDF_MIME, docx_pdf
from novator.core.files import FILE_TYPES, attachment_response, safe_filename
from novator.core.forms import apply_validation_error, form_or_page_errors
from novator.core.idempotency import once_per_token
from novator.core.paging import paginate, query_without
from novator.organizations.models import Organization

from .. import selectors, services
from ..forms import ApplicationForm, ApplicationStartForm, DocumentUploadForm, ReasonForm
from ..models import (
    Application,
    ApplicationDocument,
    ApplicationState,
    ContestKind,
    ContestState,
    SignedApplication,
)
from ..passport import passport_docx
from ..workflow import APPLICATION_TRANSITIONS, CONFIRMATIONS, DONE_MESSAGES, allowed
from .public import _get_contest

#: The permission of the expertise app: an assigned, unconflicted expert (or the chair) reads the application.
REVIEW_PERMISSION = "expertise.review_application"
#: Rendered inside contests/_application_results.html once results are published, if the expertise app has it.
CONCLUSIONS_TEMPLATE = "expertise/_application_conclusions.html"


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in ApplicationState.values:
        state = ""
    applications = selectors.applications_visible(user=request.user, state=state).select_related(
        "status_assignment"
    )
    page = paginate(request, applications, per_page=25)
    # the outcomes of published contests compare the total with the pass mark (the criteria's maximum):
    # their criteria in one query, none when no contest of the page is published
    published = [a.contest for a in page.object_list if a.contest.state == ContestState.PUBLISHED]
    prefetch_related_objects(published, "criteria")
    return render(
        request,
        "contests/my_applications.html",
        {
            "page": page,
            "state": state,
            "states": ApplicationState.choices,
            "query_no_page": query_without(request, "page"),
            # only a coordinator applies: an observer's empty list does not invite to
            "can_apply": bool(get_scope(request.user).coordinator_organizations),
        },
    )


@login_required
@once_per_token
def application_start(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _get_contest(request, pk)
    scope = get_scope(request.user)
    if not scope.coordinator_organizations:
        raise PermissionDenied(_("Applications are started by the coordinator of an organisation."))
    organizations = Organization.objects.filter(pk__in=scope.coordinator_organizations).order_by("short_name")
    if len(scope.coordinator_organizations) == 1 and contest.kind == ContestKind.STATUS:
        existing = services.existing_application(contest, organizations[0])
        if existing is not None:
            messages.info(request, _("Your organisation has already started an application to this contest."))
            return redirect(existing)
    if not contest.is_open():
        messages.error(request, _("The contest is not accepting applications."))
        return redirect(contest)
    form = ApplicationStartForm(request.POST or None, contest=contest, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        organization = form.cleaned_data["organization"]
        try:
            application = services.application_create(
                actor=request.user,
                contest=contest,
                organization=organization,
                data={
                    "project_title": form.cleaned_data["project_title"],
                    "category": form.cleaned_data.get("category"),
                    "applicant": form.cleaned_data.get("applicant"),
                    "experience_years": form.cleaned_data.get("experience_years"),
                },
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error("organization", str(exc))
        else:
            messages.success(
                request, _("The application is started. Fill in the sections and attach the documents.")
            )
            return redirect(application)
    return render(request, "contests/application_start.html", {"contest": contest, "form": form})


def _get_application(request: HttpRequest, pk: int) -> tuple[Application, bool]:
    """The application and whether the user reads it only as a reviewer; 403 when they may not see it."""
    try:
        application = selectors.application_detail(pk=pk)
    except Application.DoesNotExist as exc:
        raise Http404(_("No such application.")) from exc
    if request.user.has_perm("contests.view_application", application):
        return application, False
    if request.user.has_perm(REVIEW_PERMISSION, application):
        return application, True
    raise PermissionDenied


def _conclusions_template() -> str | None:
    """The expertise app's block of the experts' conclusions, when it provides one."""
    try:
        get_template(CONCLUSIONS_TEMPLATE)
    except TemplateDoesNotExist:
        return None
    return CONCLUSIONS_TEMPLATE


def _appeal_context(user: Any, application: Application, reviewer: bool) -> dict[str, Any]:
    """The appeal against the published result: the one filed (to those who may see it), or whether and
    until when the applicant may file one."""
    from ..appeals.models import Appeal
    from ..appeals.services import appeal_deadline, appeal_refusal

    appeal = Appeal.objects.filter(application=application).first()
    if appeal is not None and not user.has_perm("contests.view_appeal", appeal):
        appeal = None
    can_appeal = (
        appeal is None
        and not reviewer
        and user.has_perm("contests.apply", application)
        and appeal_refusal(application) is None
    )
    return {
        "appeal": appeal,
        "can_appeal": can_appeal,
        "appeal_deadline": appeal_deadline(application.contest),
    }


def _detail_context(request: HttpRequest, application: Application, reviewer: bool, **extra: Any) -> dict:
    user = request.user
    contest = application.contest
    can_apply = not reviewer and user.has_perm("contests.apply", application)
    can_manage = not reviewer and user.has_perm("contests.manage_contest", application)
    lock_reason = services.edit_locked_reason(application)
    can_edit = can_apply and lock_reason is None
    actions = []
    if not reviewer:
        for transition in allowed(user, application, APPLICATION_TRANSITIONS):
            form = extra.get("action_forms", {}).get(transition.name) or ReasonForm(prefix=transition.name)
            actions.append(
                {"transition": transition, "form": form, "confirm": CONFIRMATIONS.get(transition.name, "")}
            )
    uploaded = {d.requirement_id: d for d in application.documents.all()}
    upload_forms = extra.pop("upload_forms", {})
    documents = [
        {
            "requirement": requirement,
            "document": uploaded.get(requirement.pk),
            "types": ", ".join(FILE_TYPES[t]["label"] for t in requirement.allowed_types or ["pdf"]),
            "form": upload_forms.get(requirement.pk) or DocumentUploadForm(requirement=requirement),
        }
        for requirement in contest.required_documents.all()
    ]
    texts = application.texts or {}
    context = {
        "application": application,
        "contest": contest,
        "reviewer": reviewer,
        "can_apply": can_apply,
        "can_manage": can_manage,
        "can_edit": can_edit,
        "lock_reason": lock_reason,
        "actions": actions,
        "documents": documents,
        "signed_scan": getattr(application, "signed_scan", None),  # joined by the selector
        "can_upload_signed": can_apply and application.state in services.SIGNED_SCAN_STATES,
        "sections": [{"section": s, "text": texts.get(s.key, "")} for s in contest.sections.all()],
        "results_published": contest.state == ContestState.PUBLISHED,
        "checklist": services.completeness_errors(application) if can_edit else None,
    }
    if context["results_published"]:
        context["conclusions_template"] = _conclusions_template()
        context.update(_appeal_context(user, application, reviewer))
    if not reviewer and user.has_perm("contests.message_application", application):
        from ..thread.forms import MessageForm
        from ..thread.selectors import application_thread
        from ..thread.services import thread_closed_reason

        context["thread"] = application_thread(application)
        context["thread_closed"] = thread_closed_reason(application)
        context["message_form"] = extra.pop("message_form", None) or MessageForm()
    if can_edit and "form" not in extra:
        context["form"] = ApplicationForm(application=application)
    context.update(extra)
    context.pop("action_forms", None)
    return context


def _render_detail(
    request: HttpRequest, application: Application, reviewer: bool, **extra: Any
) -> HttpResponse:
    return render(
        request, "contests/application_detail.html", _detail_context(request, application, reviewer, **extra)
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application, reviewer = _get_application(request, pk)
    if request.method != "POST":
        return _render_detail(request, application, reviewer)
    if reviewer or not request.user.has_perm("contests.apply", application):
        raise PermissionDenied
    form = ApplicationForm(request.POST, application=application)
    if form.is_valid():
        try:
            changes = services.application_update(
                actor=request.user,
                application=application,
                data=form.service_data(),
                version=form.version_token,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved.") if changes else _("Nothing was changed."))
            return redirect(application)
    return _render_detail(request, application, reviewer, form=form)


@login_required
@require_POST
def application_upload(request: HttpRequest, pk: int, requirement_pk: int) -> HttpResponse:
    application, reviewer = _get_application(request, pk)
    if reviewer or not request.user.has_perm("contests.apply", application):
        raise PermissionDenied
    requirement = next(
        (r for r in application.contest.required_documents.all() if r.pk == requirement_pk), None
    )
    if requirement is None:
        raise Http404(_("The contest does not ask for this document."))
    form = DocumentUploadForm(request.POST, request.FILES, requirement=requirement)
    if form.is_valid():
        try:
            services.application_attach_document(
                actor=request.user,
                application=application,
                requirement=requirement,
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("«%(title)s» attached.") % {"title": requirement.title})
            return redirect(f"{application.get_absolute_url()}#documents")
    messages.error(
        request,
        _("The file was not attached: see the message under «%(title)s».") % {"title": requirement.title},
    )
    return _render_detail(request, application, reviewer, upload_forms={requirement.pk: form})


@login_required
@require_POST
@once_per_token
def application_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    application, reviewer = _get_application(request, pk)
    transition = APPLICATION_TRANSITIONS.get(name)
    if transition is None:
        raise Http404(_("Unknown action."))
    if reviewer:
        raise PermissionDenied
    form = ReasonForm(request.POST, prefix=name)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.application_transition(
                actor=request.user,
                application=application,
                name=name,
                reason=form.cleaned_data.get("reason") or "",
                due=form.cleaned_data.get("due"),
            )
        except ValidationError as exc:
            errors = form_or_page_errors(form, exc, {"reason", "due"})
        else:
            messages.success(request, str(DONE_MESSAGES.get(name) or transition.label))
            return redirect(application)
    application = selectors.application_detail(pk=application.pk)
    return _render_detail(
        request,
        application,
        reviewer,
        action_forms={name: form},
        action_errors=errors,
        failed_action=transition,
    )


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    document = get_object_or_404(
        ApplicationDocument.objects.select_related("application", "application__contest"), pk=pk
    )
    application = document.application
    user = request.user
    if not (
        user.has_perm("contests.view_documents", application) or user.has_perm(REVIEW_PERMISSION, application)
    ):
        raise PermissionDenied
    return attachment_response(document.file, safe_filename(document.original_name, document.file_type))


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment_bytes(content: bytes, filename: str, mime: str) -> FileResponse:
    response = FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=mime)
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)  # the application carries personal data
    return response


@login_required
def application_print(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The submitted application to print and sign (DOCX; `?format=pdf` for its PDF twin)."""
    application, _reviewer = _get_application(request, pk)
    if application.state == ApplicationState.DRAFT:
        messages.error(request, _("An application is printed for signature once it is submitted."))
        return redirect(application)
    content = passport_docx(application)
    name = f"application-{application.number or application.pk}"
    if request.GET.get("format") == "pdf":
        return attachment_bytes(docx_pdf(content), f"{name}.pdf", PDF_MIME)
    return attachment_bytes(content, f"{name}.docx", DOCX_MIME)


@login_required
@require_POST
def application_signed_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator uploads the scan of the application signed by the head."""
    application, reviewer = _get_application(request, pk)
    if reviewer or not request.user.has_perm("contests.apply", application):
        raise PermissionDenied
    upload = request.FILES.get("file")
    try:
        services.application_attach_signed_scan(actor=request.user, application=application, upload=upload)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The signed application is uploaded."))
    return redirect(application)


@login_required
def application_signed_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    application, _reviewer = _get_application(request, pk)
    user = request.user
    if not (
        user.has_perm("contests.view_documents", application) or user.has_perm(REVIEW_PERMISSION, application)
    ):
        raise PermissionDenied
    scan = SignedApplication.objects.filter(application=application).first()
    if scan is None:
        raise Http404(_("The signed application is not uploaded."))
    return attachment_response(scan.file, safe_filename(scan.original_name, scan.file_type))
