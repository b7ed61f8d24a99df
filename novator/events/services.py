"""Writes to events: creating an event with its programme, registrations with capacity and the waitlist,
cancellation with exactly-once promotion, attendance and certificates.

Registration and cancellation lock the event row (`select_for_update`), so concurrent requests for the
last places queue up behind each other and the capacity is never exceeded.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.concurrency import check_version
from novator.core.files import check_upload, safe_filename
from novator.core.services import require, user_or_none
from novator.organizations.models import Municipality, Organization, Person

from . import notifications
from .models import (
    Certificate,
    CertificateRole,
    Event,
    EventLevel,
    Material,
    Registration,
    RegistrationStatus,
    Section,
    Talk,
)

EVENT_FIELDS = (
    "title",
    "kind",
    "level",
    "starts_at",
    "ends_at",
    "place",
    "link",
    "audience",
    "description",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "is_published",
)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MATERIAL_TYPES = ("pdf", "docx", "odt", "xlsx", "jpg", "png")
MAX_MATERIAL_BYTES: int = getattr(settings, "NOVATOR_EVENTS_MAX_FILE_BYTES", 20 * 1024 * 1024)


@dataclass
class TalkSpec:
    title: str
    abstract: str = ""
    speakers: Sequence[Person] = ()
    accepted: bool = False


@dataclass
class SectionSpec:
    title: str
    talks: Sequence[TalkSpec] = field(default_factory=list)


def _check_dates(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts and ends and ends < starts:
        errors["ends_at"] = _("The event cannot end before it starts.")
    opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
    if opens and closes and closes < opens:
        errors["registration_closes_at"] = _("Registration cannot close before it opens.")
    if closes and ends and closes > ends:
        errors["registration_closes_at"] = _("Registration cannot close after the event ends.")
    if errors:
        raise ValidationError(errors)


def _require_one_managed(actor: Any, orgs: Sequence[Organization]) -> None:
    """Non-admins must manage at least one of the organisers (others may be co-organisers)."""
    if actor is None:
        return
    from novator.accounts.scope import get_scope

    scope = get_scope(actor)
    if not scope.is_admin and not any(
        o.pk in scope.coordinator_organizations or o.municipality_id in scope.methodologist_municipalities
        for o in orgs
    ):
        raise PermissionDenied(_("You do not have permission to do this."))


#: the levels whose registration is open to the organising municipalities only (regional: their regions)
SHARED_LEVELS = (EventLevel.INTER_MUNICIPAL, EventLevel.REGIONAL)


def _check_co_organisers(level: str, co_organisers: Sequence[Municipality]) -> None:
    if co_organisers and level not in SHARED_LEVELS:
        raise ValidationError(
            {
                "co_organiser_municipalities": _(
                    "Co-organiser municipalities organise an inter-municipal or a regional event: choose "
                    "one of these levels, or leave the co-organisers out."
                )
            }
        )


def organising_municipalities(event: Event) -> list[Municipality]:
    """The municipalities of the event's organisers and its co-organiser municipalities (2 queries, fewer
    when prefetched), by name."""
    found = {o.municipality_id: o.municipality for o in event.organizers.select_related("municipality")}
    for municipality in event.co_organiser_municipalities.all():
        found.setdefault(municipality.pk, municipality)
    return sorted(found.values(), key=lambda m: m.name)


def registration_refusal(event: Event, person: Person) -> str | None:
    """Why `person` may not register for the event, or None. An inter-municipal event is open to the
    organisations of every organising municipality, a regional one to those of the organisers' regions;
    the others to everybody."""
    if event.level not in SHARED_LEVELS:
        return None
    municipalities = organising_municipalities(event)
    home = person.organization.municipality
    if event.level == EventLevel.REGIONAL:
        if home.region_id in {m.region_id for m in municipalities}:
            return None
        return _(
            "Registration for this regional event is open to the organisations of its region; "
            "%(organization)s is in another region."
        ) % {"organization": person.organization.short_name}
    if home.pk in {m.pk for m in municipalities}:
        return None
    return _(
        "Registration for this inter-municipal event is open to the organisations of its organising "
        "municipalities (%(municipalities)s); %(organization)s is in %(municipality)s."
    ) % {
        "municipalities": ", ".join(m.name for m in municipalities),
        "organization": person.organization.short_name,
        "municipality": home.name,
    }


def event_create(
    *,
    actor: Any,
    organizers: Iterable[Organization],
    sections: Sequence[SectionSpec] = (),
    is_demo: bool = False,
    co_organisers: Iterable[Municipality] = (),
    **data: Any,
) -> Event:
    """An event with its organisers and programme. Coordinators and methodologists create events for
    organisations they manage (checked as `events.manage_event` on the unsaved event's organisers)."""
    orgs = list(organizers)
    if not orgs:
        raise ValidationError({"organizers": _("Choose at least one organiser.")})
    unknown = set(data) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    _check_dates(data)
    co = list(co_organisers)
    _check_co_organisers(data.get("level", ""), co)
    _require_one_managed(actor, orgs)
    with transaction.atomic():
        event = Event(created_by=user_or_none(actor), is_demo=is_demo, **data)
        event.full_clean(exclude=["created_by"])
        event.save()
        event.organizers.set(orgs)
        event.co_organiser_municipalities.set(co)
        for s_order, spec in enumerate(sections):
            section = Section.objects.create(event=event, title=spec.title, order=s_order)
            for t_order, talk_spec in enumerate(spec.talks):
                talk = Talk.objects.create(
                    section=section,
                    title=talk_spec.title,
                    abstract=talk_spec.abstract,
                    accepted=talk_spec.accepted and bool(talk_spec.abstract.strip()),
                    order=t_order,
                )
                talk.speakers.set(talk_spec.speakers)
        changes = audit.snapshot(event, EVENT_FIELDS)
        if co:
            changes["co_organiser_municipalities"] = sorted(m.pk for m in co)
        audit.record(actor=actor, action="event_create", obj=event, changes=changes)
    return event


def registration_window_error(event: Event, now: datetime.datetime | None = None) -> str | None:
    """Why registration is closed now, or None when it is open."""
    now = now or timezone.now()
    if event.registration_opens_at and now < event.registration_opens_at:
        return _("Registration has not opened yet.")
    if event.registration_closes_at and now > event.registration_closes_at:
        return _("Registration is closed.")
    if now > event.ends_at:
        return _("The event is over.")
    return None


def _registered_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED).count()


def registration_create(*, actor: Any, event: Event, person: Person) -> Registration:
    """Register `person`: a place while there is one, the waitlist after that. A cancelled registration
    is renewed (at the end of the queue); an active one is an error."""
    require(actor, "events.register_person", person)
    with transaction.atomic():
        locked = Event.objects.select_for_update(of=("self",)).get(pk=event.pk)
        if not locked.is_published:
            raise ValidationError(_("This event is not open for registration."))
        problem = registration_window_error(locked) or registration_refusal(locked, person)
        if problem:
            raise ValidationError(problem)
        existing = Registration.objects.filter(event=locked, person=person).first()
        if existing is not None and existing.status != RegistrationStatus.CANCELLED:
            raise ValidationError(_("%(person)s is already registered for this event.") % {"person": person})
        full = locked.capacity is not None and _registered_count(locked) >= locked.capacity
        status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.REGISTERED
        now = timezone.now()
        if existing is None:
            registration = Registration.objects.create(
                event=locked, person=person, status=status, queued_at=now, registered_by=user_or_none(actor)
            )
        else:
            registration = existing
            registration.status = status
            registration.queued_at = now
            registration.registered_by = user_or_none(actor)
            registration.attended_at = None
            registration.save(
                update_fields=["status", "queued_at", "registered_by", "attended_at", "updated_at"]
            )
        audit.record(actor=actor, action="registration_create", obj=registration, changes={"status": status})
    return registration


def registration_cancel(*, actor: Any, registration: Registration) -> Registration | None:
    """Cancel; when a place is freed the first on the waitlist gets it (returned), exactly once: the
    event row is locked, and the registration is re-read under the lock."""
    require(actor, "events.register_person", registration.person)
    with transaction.atomic():
        event = Event.objects.select_for_update(of=("self",)).get(pk=registration.event_id)
        current = Registration.objects.get(pk=registration.pk)
        if current.status == RegistrationStatus.CANCELLED:
            raise ValidationError(_("This registration is already cancelled."))
        if current.attended_at is not None:
            raise ValidationError(_("Attendance is already marked; the registration cannot be cancelled."))
        freed = current.status == RegistrationStatus.REGISTERED
        current.status = RegistrationStatus.CANCELLED
        current.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, action="registration_cancel", obj=current)
        registration.status = current.status
        promoted = None
        if freed and (event.capacity is None or _registered_count(event) < event.capacity):
            promoted = (
                Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED)
                .order_by("queued_at", "pk")
                .first()
            )
            if promoted is not None:
                promoted.status = RegistrationStatus.REGISTERED
                promoted.save(update_fields=["status", "updated_at"])
                audit.record(actor=None, action="registration_promote", obj=promoted)
                notifications.waitlist_promoted(promoted)
    return promoted


def attendance_mark(*, actor: Any, registration: Registration, attended: bool = True) -> Registration:
    """Mark (or unmark) that a registered participant came. Idempotent."""
    require(actor, "events.manage_event", registration.event)
    if registration.status != RegistrationStatus.REGISTERED:
        raise ValidationError(_("Only registered participants can be checked in."))
    with transaction.atomic():
        locked = Registration.objects.select_for_update(of=("self",)).get(pk=registration.pk)
        if attended and locked.attended_at is None:
            locked.attended_at = timezone.now()
        elif not attended:
            locked.attended_at = None
        else:
            return locked
        locked.save(update_fields=["attended_at", "updated_at"])
        audit.record(actor=actor, action="attendance_mark", obj=locked, changes={"attended": attended})
    registration.attended_at = locked.attended_at
    return locked


def _new_code() -> str:
    return "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(3))


def certificates_issue(*, actor: Any, event: Event) -> list[Certificate]:
    """Certificates for everyone who attended and for every speaker; a second call adds only new ones."""
    require(actor, "events.manage_event", event)
    if event.ends_at > timezone.now():
        raise ValidationError(_("Certificates are issued after the event has ended."))
    wanted: set[tuple[int, str]] = set()
    for person_id in Registration.objects.filter(
        event=event, status=RegistrationStatus.REGISTERED, attended_at__isnull=False
    ).values_list("person_id", flat=True):
        wanted.add((person_id, CertificateRole.ATTENDEE))
    for person_id in Talk.speakers.through.objects.filter(talk__section__event=event).values_list(
        "person_id", flat=True
    ):
        wanted.add((person_id, CertificateRole.SPEAKER))
    with transaction.atomic():
        have = set(Certificate.objects.filter(event=event).values_list("person_id", "role"))
        created = []
        for person_id, role in sorted(wanted - have):
            cert = Certificate.objects.create(event=event, person_id=person_id, role=role, code=_new_code())
            audit.record(actor=actor, action="certificate_issue", obj=cert)
            created.append(cert)
    return created


def attendance_record(*, actor: Any, event: Event, people: Iterable[Person]) -> list[Registration]:
    """Record the attendance of an event already held from its sign-in sheet: each person gets a
    registration marked present (at the start of the event). People already present are left alone."""
    require(actor, "events.manage_event", event)
    if event.starts_at > timezone.now():
        raise ValidationError(_("Attendance can be recorded only for an event that has started."))
    made = []
    with transaction.atomic():
        Event.objects.select_for_update(of=("self",)).get(pk=event.pk)
        existing = {r.person_id: r for r in Registration.objects.filter(event=event)}
        for person in people:
            reg = existing.get(person.pk)
            if reg is not None and reg.status == RegistrationStatus.REGISTERED and reg.attended_at:
                continue
            if reg is None:
                reg = Registration(event=event, person=person, queued_at=event.starts_at)
            reg.status = RegistrationStatus.REGISTERED
            reg.attended_at = event.starts_at
            reg.registered_by = user_or_none(actor)
            reg.save()
            audit.record(actor=actor, action="attendance_record", obj=reg)
            made.append(reg)
    return made


def event_update(
    *,
    actor: Any,
    event: Event,
    organizers: Iterable[Organization],
    version: str | None = None,
    co_organisers: Iterable[Municipality] | None = None,
    **data: Any,
) -> Event:
    """Change an event's description, dates, place, capacity and organisers. The capacity cannot drop
    below the places already taken; raising it promotes from the waitlist (in queue order).
    `version`: the token the edit page was loaded with (novator.core.concurrency); stale → refused."""
    require(actor, "events.manage_event", event)
    orgs = list(organizers)
    if not orgs:
        raise ValidationError({"organizers": _("Choose at least one organiser.")})
    unknown = set(data) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    _check_dates(data)
    co = None if co_organisers is None else list(co_organisers)
    _check_co_organisers(
        data.get("level", event.level),
        co if co is not None else list(event.co_organiser_municipalities.all()),
    )
    _require_one_managed(actor, orgs)
    promoted: list[Registration] = []
    with transaction.atomic():
        locked = Event.objects.select_for_update(of=("self",)).get(pk=event.pk)
        check_version(locked, version)
        before = audit.snapshot(locked, EVENT_FIELDS)
        taken = _registered_count(locked)
        capacity = data.get("capacity", locked.capacity)
        if capacity is not None and capacity < taken:
            raise ValidationError(
                {
                    "capacity": _("%(taken)s places are already taken; the capacity cannot be smaller.")
                    % {"taken": taken}
                }
            )
        for name, value in data.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["created_by"])
        locked.save()
        locked.organizers.set(orgs)
        if co is not None:
            before_co = sorted(locked.co_organiser_municipalities.values_list("pk", flat=True))
            locked.co_organiser_municipalities.set(co)
            if before_co != sorted(m.pk for m in co):
                audit.record(
                    actor=actor,
                    action="event_co_organisers",
                    obj=locked,
                    changes={"co_organiser_municipalities": [before_co, sorted(m.pk for m in co)]},
                )
        free = None if locked.capacity is None else locked.capacity - taken
        waiting = Registration.objects.filter(event=locked, status=RegistrationStatus.WAITLISTED).order_by(
            "queued_at", "pk"
        )
        for registration in waiting if free is None else waiting[: max(free, 0)]:
            registration.status = RegistrationStatus.REGISTERED
            registration.save(update_fields=["status", "updated_at"])
            audit.record(actor=None, action="registration_promote", obj=registration)
            notifications.waitlist_promoted(registration)
            promoted.append(registration)
        after = audit.snapshot(locked, EVENT_FIELDS)
        audit.record(
            actor=actor,
            action="event_update",
            obj=locked,
            changes=audit.diff(before, after),
        )
    for name in data:
        setattr(event, name, getattr(locked, name))
    return locked


def _clean_title(title: str, field_name: str = "title") -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({field_name: _("Write the title.")})
    return title


def section_save(
    *, actor: Any, event: Event, title: str, order: int | None = None, section: Section | None = None
) -> Section:
    """Add a section to the programme (at the end unless `order` is given) or rename/reorder one."""
    require(actor, "events.manage_event", event)
    title = _clean_title(title)
    if section is not None and section.event_id != event.pk:
        raise ValidationError(_("The section belongs to another event."))
    with transaction.atomic():
        if section is None:
            if order is None:
                order = Section.objects.filter(event=event).count()
            section = Section.objects.create(event=event, title=title, order=order)
            audit.record(actor=actor, action="section_create", obj=section, changes={"title": title})
        else:
            before = section.title
            section.title = title
            if order is not None:
                section.order = order
            section.save(update_fields=["title", "order"])
            audit.record(
                actor=actor, action="section_update", obj=section, changes={"title": [before, title]}
            )
    return section


def section_delete(*, actor: Any, section: Section) -> None:
    """Delete a section with its talks and their materials (files removed after commit)."""
    require(actor, "events.manage_event", section.event)
    with transaction.atomic():
        files = [m.file.name for m in Material.objects.filter(talk__section=section)]
        audit.record(actor=actor, action="section_delete", obj=section, changes={"title": section.title})
        section.delete()
        _delete_files_on_commit(files)


def talk_save(
    *,
    actor: Any,
    section: Section,
    title: str,
    abstract: str = "",
    speakers: Iterable[Person] = (),
    accepted: bool = False,
    order: int | None = None,
    talk: Talk | None = None,
) -> Talk:
    """Add a talk to a section or change one: title, speakers (anyone in the registry), the abstract and
    whether it is accepted for the proceedings (which needs an abstract)."""
    require(actor, "events.manage_event", section.event)
    title = _clean_title(title)
    abstract = (abstract or "").strip()
    if accepted and not abstract:
        raise ValidationError({"abstract": _("Only a talk with an abstract can go into the proceedings.")})
    people = list(speakers)
    with transaction.atomic():
        if talk is None:
            if order is None:
                order = Talk.objects.filter(section=section).count()
            talk = Talk.objects.create(
                section=section, title=title, abstract=abstract, accepted=accepted, order=order
            )
            action = "talk_create"
        else:
            if talk.section.event_id != section.event_id:
                raise ValidationError(_("The talk belongs to another event."))
            talk.section = section
            talk.title, talk.abstract, talk.accepted = title, abstract, accepted
            if order is not None:
                talk.order = order
            talk.save()
            action = "talk_update"
        talk.speakers.set(people)
        audit.record(
            actor=actor,
            action=action,
            obj=talk,
            changes={"title": title, "accepted": accepted, "speakers": [p.pk for p in people]},
        )
    return talk


def talk_delete(*, actor: Any, talk: Talk) -> None:
    require(actor, "events.manage_event", talk.section.event)
    with transaction.atomic():
        files = [m.file.name for m in talk.materials.all()]
        audit.record(actor=actor, action="talk_delete", obj=talk, changes={"title": talk.title})
        talk.delete()
        _delete_files_on_commit(files)


def _delete_files_on_commit(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def remove() -> None:
        for name in names:
            if name:
                default_storage.delete(name)

    if names:
        transaction.on_commit(remove)


def material_add(
    *,
    actor: Any,
    event: Event,
    title: str,
    upload: Any,
    talk: Talk | None = None,
    is_public: bool = True,
) -> Material:
    """Attach a file to the event (or one of its talks). Its type is checked by content and its size
    limited; it is stored privately and served by a view that checks who may see it."""
    require(actor, "events.manage_event", event)
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if talk is not None and talk.section.event_id != event.pk:
        errors["talk"] = _("The talk belongs to another event.")
    kind = ""
    try:
        kind = check_upload(upload, allowed=MATERIAL_TYPES, max_bytes=MAX_MATERIAL_BYTES)
    except ValidationError as exc:
        errors["file"] = " ".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    if not title:
        title = safe_filename(getattr(upload, "name", "") or "file", kind).rsplit(".", 1)[0]
    with transaction.atomic():
        material = Material(
            event=event,
            talk=talk,
            title=title[:300],
            file_type=kind,
            size=upload.size,
            is_public=is_public,
            uploaded_by=user_or_none(actor),
        )
        upload.seek(0)
        material.file.save(f"material.{kind}", upload, save=False)
        material.save()
        audit.record(actor=actor, action="material_add", obj=material, changes={"title": material.title})
    return material


def material_delete(*, actor: Any, material: Material) -> None:
    require(actor, "events.manage_event", material.event)
    with transaction.atomic():
        name = material.file.name
        audit.record(actor=actor, action="material_delete", obj=material, changes={"title": material.title})
        material.delete()
        _delete_files_on_commit([name])


def reminders_due(now: datetime.datetime | None = None) -> Any:
    """Registrations with a place at events starting tomorrow (Moscow date) not yet reminded."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(tomorrow, datetime.time.min, tzinfo=tz)
    return Registration.objects.filter(
        Q(event__starts_at__gte=start) & Q(event__starts_at__lt=start + datetime.timedelta(days=1)),
        event__is_published=True,
        status=RegistrationStatus.REGISTERED,
        reminded_at__isnull=True,
    )


def reminders_send(*, now: datetime.datetime | None = None, base_url: str = "") -> int:
    """E-mail everyone with a place at an event that starts tomorrow. Each registration is reminded
    once: a conditional update claims it (`reminded_at` from NULL to now) in the same transaction as the
    e-mail is queued, so a second or a concurrent run sends nothing again. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    ids = list(reminders_due(now).values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            claimed = Registration.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now)
            if not claimed:
                continue
            registration = Registration.objects.select_related("event", "person__user", "registered_by").get(
                pk=pk
            )
            notifications.event_reminder(registration, base_url=base_url)
            sent += 1
    return sent


def proceedings_build(*, actor: Any, event: Event) -> Any:
    """Queue the building of the proceedings (a Job with its progress); the accepted abstracts must exist."""
    from novator.core.jobs import enqueue_on_commit, job_create

    from .tasks import build_proceedings_task

    require(actor, "events.manage_event", event)
    if not Talk.objects.filter(section__event=event, accepted=True).exists():
        raise ValidationError(_("No abstract is accepted for the proceedings yet."))
    with transaction.atomic():
        job = job_create(
            actor=actor, kind="events.proceedings", title=_("Proceedings: %(event)s") % {"event": event.title}
        )
        audit.record(actor=actor, action="proceedings_queue", obj=event)
        enqueue_on_commit(
            build_proceedings_task, str(job.pk), event.pk, getattr(user_or_none(actor), "pk", None)
        )
    return job
