"""Expert profiles: the expert edits what they know (topics, kinds of organisations, bio); the organiser
(methodologists and administrators) sees every profile and also sets where the expert works."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from novator.core.forms import apply_validation_error
from novator.core.paging import paginate

from .. import selectors, services
from ..assignment.matching import past_review_count
from ..forms import ExpertOwnProfileForm, ExpertProfileForm
from ..models import Expert
from ..rules import expert_profile


def _require_manager(request: HttpRequest) -> None:
    if not request.user.has_perm("expertise.manage_experts"):
        raise PermissionDenied


def _save(request: HttpRequest, form: Any, user: Any) -> Expert | None:
    """Call the service with the form's data; on a refusal put the messages on the form."""
    data = {k: v for k, v in form.cleaned_data.items() if k != "user"}
    try:
        return services.expert_profile_save(actor=request.user, user=user, data=data)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None
    except PermissionDenied as exc:
        if not request.user.has_perm("expertise.manage_experts"):
            raise
        # the list's form names any expert user: one of another municipality is refused with a message
        form.add_error(None, str(exc))
        return None


@login_required
def expert_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = ExpertProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        expert = _save(request, form, form.cleaned_data["user"])
        if expert is not None:
            messages.success(request, _("The profile of %(expert)s is saved.") % {"expert": expert})
            return redirect("expertise:experts")
    page = paginate(request, selectors.expert_choices(), per_page=50)
    editable = {e.pk for e in page if request.user.has_perm("expertise.change_expert", e)}
    return render(request, "expertise/expert_list.html", {"page": page, "form": form, "editable": editable})


@login_required
def expert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser edits one expert's profile: the methodologists of the expert's municipality."""
    _require_manager(request)
    expert = get_object_or_404(Expert.objects.select_related("user", "organization", "municipality"), pk=pk)
    if not request.user.has_perm("expertise.change_expert", expert):
        raise PermissionDenied
    form = ExpertProfileForm(request.POST or None, expert=expert)
    if request.method == "POST" and form.is_valid() and _save(request, form, expert.user) is not None:
        messages.success(request, _("The profile of %(expert)s is saved.") % {"expert": expert})
        return redirect("expertise:experts")
    return render(
        request,
        "expertise/expert_profile.html",
        {"expert": expert, "form": form, "own": False, "reviews": past_review_count(expert)},
    )


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    """The expert's own profile: what the affinity of their applications is computed from."""
    expert = expert_profile(request.user)
    if expert is None:
        return render(request, "expertise/expert_profile.html", {"expert": None, "own": True})
    form = ExpertOwnProfileForm(request.POST or None, initial=ExpertOwnProfileForm.initial_for(expert))
    if request.method == "POST" and form.is_valid() and _save(request, form, request.user) is not None:
        messages.success(request, _("Your profile is saved."))
        return redirect("expertise:my_profile")
    return render(
        request,
        "expertise/expert_profile.html",
        {"expert": expert, "form": form, "own": True, "reviews": past_review_count(expert)},
    )
