"""Pages: the users page, invitations (send, send again, revoke, accept), the staff file, requests to join."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from novator.accounts.models import User
from novator.accounts.scope import get_scope
from novator.core.flash import flash_errors
from novator.core.idempotency import once_per_token
from novator.core.paging import paginate, query_without
from novator.organizations.importing.reader import max_bytes, max_rows
from novator.organizations.models import Organization

from . import selectors, services
from .forms import AcceptForm, DecisionForm, InvitationForm, JoinRequestForm, StaffUploadForm
from .models import Invitation, JoinRequest, StaffImport
from .rules import manages_user
from .staffing import ACTION_LABELS, COLUMNS
from .workflow import JOIN_REQUEST_TRANSITIONS

USERS_PAGE_SIZE = 50
BADGES = {"create": "text-bg-success", "unchanged": "text-bg-light border", "reject": "text-bg-danger"}


def _require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- the users page -------------------------------------------------------------------------------------


@login_required
def users(request: HttpRequest) -> HttpResponse:
    """Who has an account in the user's organisations or municipalities, who never signed in, and the
    invitations waiting to be accepted."""
    _require(request, "onboarding.view_users")
    query = " ".join(request.GET.get("q", "").split())[:100]
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in selectors.USER_SORTS:
        sort = "name"
    never = request.GET.get("never") == "1"
    page = paginate(
        request,
        selectors.managed_users(user=request.user, query=query, sort=sort, never_signed_in=never),
        per_page=USERS_PAGE_SIZE,
    )
    rows = []
    for person in page.object_list:
        assignments = list(person.role_assignments.all())
        rows.append(
            {
                "user": person,
                "assignments": assignments,
                "can_deactivate": manages_user(request.user, person, assignments),
            }
        )
    invitations = Paginator(
        selectors.managed_invitations(user=request.user, query=query), USERS_PAGE_SIZE
    ).get_page(request.GET.get("ipage"))
    for invitation in invitations.object_list:
        invitation.can_manage = request.user.has_perm("onboarding.manage_invitation", invitation)
    return render(
        request,
        "onboarding/users.html",
        {
            "page": page,
            "rows": rows,
            "invitations": invitations,
            "query": query,
            "sort": sort,
            "never": never,
            "query_no_page": query_without(request, "page"),
            "query_no_sort": query_without(request, "sort", "page"),
            "query_no_ipage": query_without(request, "ipage"),
            "can_invite": request.user.has_perm("onboarding.invite"),
            "can_import": request.user.has_perm("onboarding.import_staff"),
        },
    )


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "onboarding.view_users")
    target = get_object_or_404(User, pk=pk)
    try:
        services.user_deactivate(actor=request.user, user=target)
    except ValidationError as exc:
        flash_errors(request, exc, joined=True)
    else:
        messages.success(
            request,
            _("The account of %(name)s is switched off; its history is kept.")
            % {"name": target.display_name},
        )
    return redirect("onboarding:users")


# --- invitations ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@once_per_token
def invitation_create(request: HttpRequest) -> HttpResponse:
    _require(request, "onboarding.invite")
    form = InvitationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                organization=form.cleaned_data.get("organization"),
                municipality=form.cleaned_data.get("municipality"),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("The invitation has been sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("onboarding:users")
    return render(request, "onboarding/invitation_form.html", {"form": form})


def _invitation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("organization", "municipality"), pk=pk)
    if not request.user.has_perm("onboarding.manage_invitation", invitation):
        raise Http404
    try:
        services.invitation_transition(actor=request.user, invitation=invitation, name=action)
    except ValidationError as exc:
        flash_errors(request, exc, joined=True)
    else:
        if action == "resend":
            text = _("The invitation has been sent again to %(email)s.")
        else:
            text = _("The invitation to %(email)s has been revoked.")
        messages.success(request, text % {"email": invitation.email})
    return redirect("onboarding:users")


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_action(request, pk, "resend")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_action(request, pk, "revoke")


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail: set a password, consent, and land on the home page with the role. A bad
    link gets a page saying why, and nothing changes."""
    try:
        invitation = services.invitation_for_link(token)
    except services.InvitationLinkError as exc:
        return render(request, "onboarding/invitation_invalid.html", {"reason": exc.message}, status=410)
    form = AcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                link_token=token,
                last_name=form.cleaned_data["last_name"],
                first_name=form.cleaned_data["first_name"],
                middle_name=form.cleaned_data["middle_name"],
                password=form.cleaned_data["password1"],
                consent=form.cleaned_data["consent"],
            )
        except services.InvitationLinkError as exc:
            return render(request, "onboarding/invitation_invalid.html", {"reason": exc.message}, status=410)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Novator! Your account is ready."))
            return redirect("portal:home")
    if request.method == "GET" and invitation.person is not None:
        form.initial = {
            "last_name": invitation.person.last_name,
            "first_name": invitation.person.first_name,
            "middle_name": invitation.person.middle_name,
        }
    return render(request, "onboarding/invitation_accept.html", {"form": form, "invitation": invitation})


# --- the staff file -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def staff_import(request: HttpRequest) -> HttpResponse:
    _require(request, "onboarding.import_staff")
    form = StaffUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = services.staff_import_create(
            actor=request.user,
            organization=form.cleaned_data["organization"],
            original_name=form.cleaned_data["file"].name,
            table=form.table,
            content=form.content,
        )
        return redirect(upload)
    return render(
        request,
        "onboarding/staff_import.html",
        {"form": form, "columns": COLUMNS, "max_bytes": max_bytes(), "max_rows": max_rows()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "onboarding.import_staff")
    upload = get_object_or_404(StaffImport.objects.select_related("organization", "job"), pk=pk)
    if upload.created_by_id != request.user.pk and not get_scope(request.user).is_admin:
        raise Http404
    if request.method == "POST":
        try:
            job = services.staff_import_confirm(actor=request.user, upload=upload)
        except ValidationError as exc:
            flash_errors(request, exc, level=messages.INFO, joined=True)
            return redirect(upload)
        return redirect("core:job_detail", pk=job.pk)
    page = paginate(request, upload.rows.order_by("position"), per_page=100)
    page.object_list = [
        {**row.data, "label": ACTION_LABELS.get(row.action, ""), "badge": BADGES.get(row.action, "")}
        for row in page.object_list
    ]
    return render(
        request,
        "onboarding/staff_import_preview.html",
        {
            "upload": upload,
            "counts": upload.counts,
            "page": page,
            "query_no_page": query_without(request, "page"),
            "can_confirm": upload.state == StaffImport.State.PREVIEWED and upload.counts.get("create"),
        },
    )


# --- requests to join -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """A signed-in user finds an organisation and asks to join it as a teacher."""
    query = " ".join(request.GET.get("q", "").split())[:100]
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = Organization.objects.filter(
            pk=form.cleaned_data["organization"], is_active=True
        ).first()
        if organization is None:
            messages.error(request, _("Choose an organisation from the list."))
        else:
            try:
                services.join_request_create(
                    actor=request.user,
                    organization=organization,
                    position=form.cleaned_data["position"],
                    message=form.cleaned_data["message"],
                )
            except ValidationError as exc:
                flash_errors(request, exc, joined=True)
            else:
                messages.success(
                    request,
                    _("Your request has been sent to the coordinator of %(org)s.")
                    % {"org": organization.short_name},
                )
                return redirect("onboarding:join")
    return render(
        request,
        "onboarding/join.html",
        {
            "form": form,
            "query": query,
            "organizations": selectors.organizations_to_join(query=query),
            "own": selectors.own_join_requests(user=request.user)[:20],
        },
    )


@login_required
def join_requests(request: HttpRequest) -> HttpResponse:
    _require(request, "onboarding.view_join_requests")
    page = paginate(request, selectors.join_requests_for(user=request.user), per_page=USERS_PAGE_SIZE)
    return render(
        request,
        "onboarding/join_requests.html",
        {
            "page": page,
            "transitions": JOIN_REQUEST_TRANSITIONS.values(),
            "query_no_page": query_without(request, "page"),
        },
    )


@login_required
@require_POST
def join_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = get_object_or_404(JoinRequest.objects.select_related("organization", "user"), pk=pk)
    if not request.user.has_perm("onboarding.decide_join_request", join_request):
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to decline the request."))
        return redirect("onboarding:join_requests")
    try:
        services.join_request_decide(
            actor=request.user,
            join_request=join_request,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        flash_errors(request, exc, joined=True)
    else:
        messages.success(
            request,
            _("The decision has been recorded and %(name)s has been told.")
            % {"name": join_request.user.display_name},
        )
    return redirect("onboarding:join_requests")
