from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from novator.core.paging import paginate

from . import kinds, selectors, services
from .forms import PreferencesForm
from .models import Notification


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = paginate(request, selectors.notification_list(user=request.user, unread_only=unread_only), 30)
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(request)},
    )


@login_required
@require_GET
@never_cache
def unread_badge(request: HttpRequest) -> HttpResponse:
    # Rendered without the context processors: this is polled by every page, one query is enough.
    html = render_to_string("notifications/_badge.html", {"unread": selectors.unread_count(request)})
    return HttpResponse(html)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.notification_mark_read(actor=request.user, pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    return _back(request)


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and follow the notification's link."""
    try:
        notification = services.notification_mark_read(actor=request.user, pk=pk)
    except Notification.DoesNotExist:
        raise Http404 from None
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return redirect(url)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    n = services.notifications_mark_all_read(actor=request.user)
    if n:
        messages.success(request, _("All notifications are marked as read."))
    return _back(request)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = services.preferences_for(request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.preferences_save(actor=request.user, email_kinds=form.cleaned_data["email_kinds"])
            messages.success(request, _("Your e-mail preferences are saved."))
            return redirect("notifications:preferences")
    else:
        form = PreferencesForm(initial={"email_kinds": [code for code, on in current.items() if on]})
    groups: dict[str, list[kinds.Kind]] = {}
    for kind in kinds.all_kinds():
        groups.setdefault(str(kind.group), []).append(kind)
    selected = set(form["email_kinds"].value() or [])
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "groups": groups, "selected": selected},
    )
