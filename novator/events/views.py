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
from novator.core.concurrency import VERSION_FIELD
from novator.core.files import attachment_response, safe_filename
from novator.core.forms import apply_validation_error, document_check
from novator.core.idempotency import once_per_token
from novator.core.paging import paginate, query_without
from novator.organizations.models import Organization, Person

from . import certificates, checkin, ical, proceedings, selectors, services
from .forms import (
    EventFilterForm,
    EventForm,
    MaterialForm,
    RegisterForm,
    SectionForm,
    TalkForm,
    month_param,
)
from .models import (
    Certificate,
    Event,
    Material,
    Proceedings,
    Registration,
    RegistrationStatus,
    Section,
    Talk,
)

PAGE_SIZE = 20


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET, user=request.user)
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
    form = EventFilterForm(request.GET, user=request.user)
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
@once_per_token
def event_create(request: HttpRequest) -> HttpResponseBase:
    """A new event by a coordinator or a methodologist for the organisations they manage."""
    organizations = _organizer_choices(request.user)
    if not organizations.exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    form = EventForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organizers = data.pop("organizers")
        co_organisers = data.pop("co_organiser_municipalities", None) or []
        data.pop(VERSION_FIELD, None)
        try:
            event = services.event_create(
                actor=request.user, organizers=organizers, co_organisers=co_organisers, **data
            )
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
        if own and event.ends_at < timezone.now():
            own = selectors.with_certificates(own)
    can_manage = user.has_perm("events.manage_event", event)
    registered = any(r.person.user_id == getattr(user, "pk", None) for r in own)
    materials = [
        m
        for m in event.materials.all()
        if m.is_public or can_manage or registered or getattr(user, "is_superuser", False)
    ]
    # A public page: speakers are named only with their consent to publication (152-ФЗ).
    sections = selectors.with_public_speakers(list(event.sections.all()))
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "organizers": list(event.organizers.all()),
            "sections": sections,
            "materials": materials,
            "proceedings": _public_proceedings(event),
            "form": form or RegisterForm(people=people),
            "can_register": getattr(user, "is_authenticated", False) and people.exists(),
            "window_problem": services.registration_window_error(event),
            "own_registrations": own,
            "can_manage": can_manage,
            "co_organisers": (
                list(event.co_organiser_municipalities.all()) if event.level in services.SHARED_LEVELS else []
            ),
            "by_municipality": selectors.attendance_by_municipality(event) if can_manage else [],
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
    form = EventFilterForm(request.GET, user=request.user)
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
@once_per_token
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
    page.object_list = selectors.with_certificates(list(page.object_list))
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


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public check of a certificate: its code and the holder's surname → they match or they do not. The
    answer shows the event, the role and the date, never the holder's name or organisation (the asker
    typed the surname; nothing else of the person is revealed, consent to publication or not). The link
    printed on the certificate (`?code=`) fills in the code."""
    form, checked, certificate = document_check(request, code="", lookup=selectors.certificate_check)
    return render(
        request,
        "events/verify.html",
        {"form": form, "checked": checked, "certificate": certificate},
        status=404 if checked and certificate is None else 200,
    )


def _event_form_initial(event: Event) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(event, name) for name in services.EVENT_FIELDS}
    initial["organizers"] = [o.pk for o in event.organizers.all()]
    initial["co_organiser_municipalities"] = [m.pk for m in event.co_organiser_municipalities.all()]
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The organiser changes the event; co-organisers they do not manage stay selectable."""
    event = _managed_event(request, pk)
    current = [o.pk for o in event.organizers.all()]
    organizations = (
        Organization.objects.select_related("municipality")
        .filter(Q(pk__in=_organizer_choices(request.user).values("pk")) | Q(pk__in=current))
        .order_by("municipality__name", "short_name")
    )
    form = EventForm(
        request.POST or None,
        organizations=organizations,
        initial=_event_form_initial(event),
        version_of=event,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organizers = data.pop("organizers")
        co_organisers = data.pop("co_organiser_municipalities", None) or []
        data.pop(VERSION_FIELD, None)
        try:
            services.event_update(
                actor=request.user,
                event=event,
                organizers=organizers,
                co_organisers=co_organisers,
                version=form.version_token,
                **data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            form.add_error("organizers", _("Keep at least one organiser that you manage."))
        else:
            messages.success(request, _("The event is saved."))
            return redirect(event)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "event": event},
        status=400 if form.errors else 200,
    )


def _render_programme(
    request: HttpRequest,
    event: Event,
    *,
    section_form: SectionForm | None = None,
    material_form: MaterialForm | None = None,
) -> HttpResponse:
    sections = list(event.sections.all())  # prefetched by selectors.event_detail
    built = _built_proceedings(event)
    return render(
        request,
        "events/programme.html",
        {
            "event": event,
            "sections": sections,
            "materials": list(event.materials.all()),
            "section_form": section_form or SectionForm(),
            "material_form": material_form or MaterialForm(event=event),
            "proceedings": built,
            "proceedings_withdrawn": built is not None
            and proceedings.withdrawn_among(built, _speakers(sections)),
            "accepted": sum(1 for s in sections for t in s.talks.all() if t.accepted),
        },
        status=400 if (section_form or material_form) else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The organiser's programme: sections with their talks, materials, the proceedings; a POST adds a
    section."""
    event = _managed_event(request, pk)
    if request.method == "GET":
        return _render_programme(request, event)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.section_save(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The section is added."))
            return redirect("events:programme", pk=event.pk)
    return _render_programme(request, event, section_form=form)


def _managed_section(request: HttpRequest, pk: int) -> Section:
    section = get_object_or_404(Section.objects.select_related("event"), pk=pk)
    if not request.user.has_perm("events.manage_event", section.event):
        raise PermissionDenied(_("You do not have permission to do this."))
    return section


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    section = _managed_section(request, pk)
    form = SectionForm(request.POST or None, initial={"title": section.title, "order": section.order})
    if request.method == "POST" and form.is_valid():
        try:
            services.section_save(
                actor=request.user, event=section.event, section=section, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The section is saved."))
            return redirect("events:programme", pk=section.event_id)
    return render(
        request,
        "events/section_form.html",
        {"form": form, "event": section.event, "section": section},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def section_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    section = _managed_section(request, pk)
    services.section_delete(actor=request.user, section=section)
    messages.success(request, _("The section is deleted."))
    return redirect("events:programme", pk=section.event_id)


def _talk_page(
    request: HttpRequest, event: Event, talk: Talk | None, section: Section | None
) -> HttpResponse:
    """The talk form. «Show its staff» re-shows the form (unvalidated, nothing saved) with the staff of
    the chosen organisation added to the speakers to choose from."""
    current = list(talk.speakers.all()) if talk is not None else []
    if talk is not None:
        initial: dict[str, Any] = {
            "section": talk.section_id,
            "title": talk.title,
            "abstract": talk.abstract,
            "accepted": talk.accepted,
            "order": talk.order,
            "speakers": [p.pk for p in current],
        }
    else:
        initial = {"section": section.pk if section else None}
    post = request.POST if request.method == "POST" else None
    if post is not None and "show_staff" in post:
        shown: dict[str, Any] = {
            k: post.get(k) for k in ("section", "title", "abstract", "order", "staff_of")
        }
        shown["accepted"] = post.get("accepted") in ("on", "1", "true")
        shown["speakers"] = post.getlist("speakers")
        form = TalkForm(event=event, current=current, initial=shown)
        return render(request, "events/talk_form.html", {"form": form, "event": event, "talk": talk})
    form = TalkForm(post, event=event, current=current, initial=initial)
    if post is not None and form.is_valid():
        cleaned = dict(form.cleaned_data)
        cleaned.pop("staff_of", None)
        try:
            services.talk_save(actor=request.user, talk=talk, **cleaned)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The talk is saved."))
            return redirect("events:programme", pk=event.pk)
    return render(
        request,
        "events/talk_form.html",
        {"form": form, "event": event, "talk": talk},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@once_per_token
def talk_create(request: HttpRequest, pk: int) -> HttpResponseBase:
    section = _managed_section(request, pk)
    return _talk_page(request, section.event, None, section)


@login_required
@require_http_methods(["GET", "POST"])
def talk_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    talk = get_object_or_404(Talk.objects.select_related("section__event"), pk=pk)
    event = talk.section.event
    if not request.user.has_perm("events.manage_event", event):
        raise PermissionDenied(_("You do not have permission to do this."))
    return _talk_page(request, event, talk, talk.section)


@login_required
@require_POST
def talk_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    talk = get_object_or_404(Talk.objects.select_related("section__event"), pk=pk)
    if not request.user.has_perm("events.manage_event", talk.section.event):
        raise PermissionDenied(_("You do not have permission to do this."))
    services.talk_delete(actor=request.user, talk=talk)
    messages.success(request, _("The talk is deleted."))
    return redirect("events:programme", pk=talk.section.event_id)


@login_required
@require_POST
@once_per_token
def material_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    event = _managed_event(request, pk)
    form = MaterialForm(request.POST, request.FILES, event=event)
    if form.is_valid():
        try:
            services.material_add(
                actor=request.user,
                event=event,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                talk=form.cleaned_data["talk"],
                is_public=form.cleaned_data["is_public"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The material is uploaded."))
            return redirect("events:programme", pk=event.pk)
    return _render_programme(request, event, material_form=form)


@require_GET
def material_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A material as an attachment, to those who may see it; to everyone else it does not exist."""
    material = get_object_or_404(Material.objects.select_related("event"), pk=pk)
    if not Event.objects.visible_to(request.user).filter(pk=material.event_id).exists() or not (
        request.user.has_perm("events.view_material", material)
    ):
        raise Http404(_("No such file."))
    return attachment_response(material.file, safe_filename(material.title, material.file_type))


@login_required
@require_POST
def material_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    material = get_object_or_404(Material.objects.select_related("event"), pk=pk)
    if not request.user.has_perm("events.manage_event", material.event):
        raise PermissionDenied(_("You do not have permission to do this."))
    services.material_delete(actor=request.user, material=material)
    messages.success(request, _("The material is deleted."))
    return redirect("events:programme", pk=material.event_id)


@require_GET
def proceedings_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The built proceedings, public like the programme they come from; but not while they name a
    person who has since withdrawn the consent to publication (until rebuilt; the organisers still
    download them)."""
    event = _event(request, pk)
    built = _built_proceedings(event)
    if fmt not in ("docx", "pdf") or built is None:
        raise Http404(_("No proceedings for this event yet."))
    if proceedings.withdrawn(built) and not request.user.has_perm("events.manage_event", event):
        raise Http404(_("The proceedings are being updated."))
    return attachment_response(getattr(built, fmt), f"proceedings-{event.pk}.{fmt}")


@login_required
@require_POST
def proceedings_build(request: HttpRequest, pk: int) -> HttpResponseBase:
    event = _managed_event(request, pk)
    try:
        job = services.proceedings_build(actor=request.user, event=event)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("events:programme", pk=event.pk)
    return redirect("core:job_detail", pk=job.pk)


def _speakers(sections: list[Section]) -> list[Person]:
    return [p for s in sections for t in s.talks.all() for p in t.speakers.all()]  # prefetched


def _public_proceedings(event: Event) -> Proceedings | None:
    """The built proceedings for the event page, unless they name a person whose consent to publication
    is no longer in force (one query, only when there are proceedings; the same check as the download's,
    so that the page never links to a file it would refuse)."""
    built = _built_proceedings(event)
    if built is None or proceedings.withdrawn(built):
        return None
    return built


def _built_proceedings(event: Event) -> Proceedings | None:
    try:
        return event.proceedings  # joined by selectors.event_detail
    except Proceedings.DoesNotExist:
        return None
