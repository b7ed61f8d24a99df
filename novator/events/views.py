"""Pages of events: the list and month calendar with filters, the event page, iCalendar, registration,
the attendee's ticket with the QR code, the organiser's tick-list and check-in, certificates and their
public verification. Thin: forms check the shape of input, the services do the rest."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from novator.accounts.scope import get_scope
from novator.core.forms import apply_validation_error
from novator.core.paging import paginate, query_without
from novator.organizations.models import Organization, Person

from . import certificates, checkin, ical, selectors, services
from .forms import EventFilterForm, EventForm, RegisterForm, month_param
from .models import Certificate, Event, Registration, RegistrationStatus

PAGE_SIZE = 20


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET)
    kwargs = form.selector_kwargs()
    if not request.GET:
        kwargs["date_from"] = timezone.localdate()
    page = paginate(request, selectors.event_list(user=request.user, **kwargs), per_page=PAGE_SIZE)
    return render(
        request,
        "events/event_list.html",
        {
            "form": form,
            "page": page,
            "query_no_page": query_without(request, "page"),
            "feed_query": query_without(request, "page"),
            "can_add": request.user.is_authenticated and _organizer_choices(request.user).exists(),
        },
    )


@require_GET
def event_calendar(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET)
    kwargs = form.selector_kwargs()
    kwargs.pop("date_from")
    kwargs.pop("date_to")
    year, month = month_param(request.GET.get("month"), timezone.localdate())
    weeks = selectors.month_grid(user=request.user, year=year, month=month, **kwargs)
    first = datetime.date(year, month, 1)
    prev_month = (first - datetime.timedelta(days=1)).replace(day=1)
    next_month = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "events/calendar.html",
        {
            "form": form,
            "weeks": weeks,
            "month_start": first,
            "prev_month": f"{prev_month:%Y-%m}",
            "next_month": f"{next_month:%Y-%m}",
            "filters_query": query_without(request, "month"),
            "today": timezone.localdate(),
        },
    )


def _event(request: HttpRequest, pk: int) -> Event:
    try:
        return selectors.event_detail(pk=pk, user=request.user)
    except Event.DoesNotExist as exc:
        raise Http404(_("No such event.")) from exc


def _organizer_choices(user: Any) -> Any:
    scope = get_scope(user)
    qs = Organization.objects.select_related("municipality").order_by("municipality__name", "short_name")
    if scope.is_admin:
        return qs
    return qs.filter(
        Q(pk__in=scope.coordinator_organizations) | Q(municipality__in=scope.methodologist_municipalities)
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponseBase:
    """A new event by a coordinator or a methodologist for the organisations they manage."""
    organizations = _organizer_choices(request.user)
    if not organizations.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = EventForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organizers = data.pop("organizers")
        try:
            event = services.event_create(actor=request.user, organizers=organizers, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The event is created."))
            return redirect(event)
    return render(request, "events/event_form.html", {"form": form}, status=400 if form.errors else 200)


def _people_for(user: Any) -> Any:
    scope = get_scope(user)
    qs = Person.objects.select_related("organization")
    if scope.is_admin:
        return qs.order_by("last_name", "first_name")
    if not scope.authenticated:
        return qs.none()
    return qs.filter(
        Q(user=user)
        | Q(organization__in=scope.coordinator_organizations)
        | Q(organization__municipality__in=scope.methodologist_municipalities)
    ).order_by("last_name", "first_name")


def _places_left(event: Event) -> int | None:
    taken: int = getattr(event, "registered_count", 0)
    return None if event.capacity is None else max(event.capacity - taken, 0)


def _render_detail(request: HttpRequest, event: Event, form: RegisterForm | None = None) -> HttpResponse:
    user = request.user
    people = _people_for(user)
    own: list[Registration] = []
    if getattr(user, "is_authenticated", False):
        own = list(
            Registration.objects.visible_to(user)
            .filter(event=event)
            .exclude(status=RegistrationStatus.CANCELLED)
            .select_related("person")
            .distinct()
        )
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "organizers": list(event.organizers.all()),
            "sections": list(event.sections.all()),
            "form": form or RegisterForm(people=people),
            "can_register": getattr(user, "is_authenticated", False) and people.exists(),
            "window_problem": services.registration_window_error(event),
            "own_registrations": own,
            "can_manage": user.has_perm("events.manage_event", event),
            "places_left": _places_left(event),
        },
    )


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _event(request, pk))


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    body = ical.calendar(
        [event], base_url=request.build_absolute_uri("/").rstrip("/"), domain=request.get_host()
    )
    return _ics_response(body, f"event-{event.pk}.ics")


@require_GET
def feed_ics(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET)
    events = selectors.event_list(user=request.user, **form.selector_kwargs())[:500]
    body = ical.calendar(
        events,
        base_url=request.build_absolute_uri("/").rstrip("/"),
        domain=request.get_host(),
        name=_("Novator events"),
    )
    return _ics_response(body, "events.ics")


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponseBase:
    event = _event(request, pk)
    form = RegisterForm(request.POST, people=_people_for(request.user))
    if not form.is_valid():
        return _render_detail(request, event, form)
    try:
        registration = services.registration_create(
            actor=request.user, event=event, person=form.cleaned_data["person"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(event)
    except PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    if registration.status == RegistrationStatus.WAITLISTED:
        messages.warning(
            request, _("No places left: %(person)s is on the waitlist.") % {"person": registration.person}
        )
    else:
        messages.success(request, _("%(person)s is registered.") % {"person": registration.person})
    return redirect(event)


def _registration(request: HttpRequest, pk: int) -> Registration:
    qs = (
        Registration.objects.visible_to(request.user)
        .select_related("event", "person__organization")
        .distinct()
    )
    return get_object_or_404(qs, pk=pk)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponseBase:
    registration = _registration(request, pk)
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The registration is cancelled."))
    return redirect(registration.event)


@login_required
@require_GET
def my_registrations(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.registrations_for_user(user=request.user), per_page=PAGE_SIZE)
    return render(request, "events/my_registrations.html", {"page": page, "query_no_page": ""})


@login_required
@require_GET
def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendee's ticket: a QR code of the signed check-in URL for the organiser's phone."""
    registration = _registration(request, pk)
    if registration.status != RegistrationStatus.REGISTERED:
        raise Http404(_("Only registered participants have a ticket."))
    url = request.build_absolute_uri(checkin.checkin_path(registration.pk))
    return render(
        request,
        "events/ticket.html",
        {"registration": registration, "event": registration.event, "url": url, "qr": checkin.qr_svg(url)},
    )


def _managed_event(request: HttpRequest, pk: int) -> Event:
    event = _event(request, pk)
    if not request.user.has_perm("events.manage_event", event):
        raise PermissionDenied(_("You do not have permission to do this."))
    return event


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The organiser's tick-list."""
    event = _managed_event(request, pk)
    if request.method == "POST":
        try:
            reg_id = int(request.POST.get("registration", ""))
        except ValueError:
            reg_id = 0
        registration = Registration.objects.filter(event=event, pk=reg_id).select_related("event").first()
        if registration is None:
            messages.error(request, _("No such registration for this event."))
        else:
            try:
                services.attendance_mark(
                    actor=request.user,
                    registration=registration,
                    attended=request.POST.get("attended") == "1",
                )
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
        return redirect("events:attendance", pk=event.pk)
    registrations = list(selectors.event_registrations(event=event))
    return render(
        request,
        "events/attendance.html",
        {"event": event, "registrations": registrations, "certificates": event.certificates.count()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin_view(request: HttpRequest, token: str) -> HttpResponseBase:
    """Opened by the organiser's phone from the QR code; a POST marks the attendee."""
    reg_id = checkin.read_token(token)
    if reg_id is None:
        return render(request, "events/checkin.html", {"invalid": True}, status=400)
    registration = get_object_or_404(
        Registration.objects.select_related("event", "person__organization"), pk=reg_id
    )
    if not request.user.has_perm("events.manage_event", registration.event):
        raise PermissionDenied(_("You do not have permission to do this."))
    if request.method == "POST":
        try:
            services.attendance_mark(actor=request.user, registration=registration)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("%(person)s is checked in.") % {"person": registration.person})
        return redirect(request.path)
    return render(request, "events/checkin.html", {"registration": registration, "event": registration.event})


@login_required
@require_POST
def issue_certificates(request: HttpRequest, pk: int) -> HttpResponseBase:
    event = _managed_event(request, pk)
    try:
        made = services.certificates_issue(actor=request.user, event=event)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Certificates issued: %(n)s.") % {"n": len(made)})
    return redirect("events:attendance", pk=event.pk)


@login_required
@require_GET
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    cert = get_object_or_404(Certificate.objects.select_related("event", "person__organization"), code=code)
    user = request.user
    if not (
        cert.person.user_id == user.pk
        or user.has_perm("events.register_person", cert.person)
        or user.has_perm("events.manage_event", cert.event)
    ):
        raise PermissionDenied(_("You do not have permission to do this."))
    verify_url = request.build_absolute_uri(reverse("events:verify") + f"?code={cert.code}")
    response = HttpResponse(
        certificates.render_pdf(cert, verify_url=verify_url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{cert.code}.pdf"'
    return response


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Public: does a certificate with this code exist, and for whom."""
    code = (request.GET.get("code") or "").strip().upper()[:20]
    cert = None
    if code:
        cert = Certificate.objects.select_related("event", "person__organization").filter(code=code).first()
    return render(request, "events/verify.html", {"code": code, "certificate": cert})
