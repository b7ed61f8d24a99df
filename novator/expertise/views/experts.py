"""Expert profiles: where each expert works (for conflicts). Methodologists and administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from novator.core.forms import apply_validation_error
from novator.core.paging import paginate

from .. import selectors, services
from ..forms import ExpertProfileForm


@login_required
def expert_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("expertise.manage_experts"):
        raise PermissionDenied
    form = ExpertProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        user = data.pop("user")
        try:
            expert = services.expert_profile_save(actor=request.user, user=user, data=data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The profile of %(expert)s is saved.") % {"expert": expert})
            return redirect("expertise:experts")
    page = paginate(request, selectors.expert_choices(), per_page=50)
    return render(request, "expertise/expert_list.html", {"page": page, "form": form})
