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

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.organizations.models import Organization, Person

from .models import Certificate, CertificateRole, Event, Registration, RegistrationStatus, Section, Talk

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


def _require(actor: Any, perm: str, obj: Any = None) -> None:
    """`actor=None` is the system (the demo loader); anyone else needs the permission."""
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@dataclass
class TalkSpec:
    title: str
    abstract: str = ""
    speakers: Sequence[Person] = ()


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


def event_create(
    *,
    actor: Any,
    organizers: Iterable[Organization],
    sections: Sequence[SectionSpec] = (),
    is_demo: bool = False,
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
    if actor is not None:
        from novator.accounts.scope import get_scope

        scope = get_scope(actor)
        if not scope.is_admin and not any(
            o.pk in scope.coordinator_organizations or o.municipality_id in scope.methodologist_municipalities
            for o in orgs
        ):
            raise PermissionDenied(_("You do not have permission to do this."))
    with transaction.atomic():
        event = Event(created_by=_user_or_none(actor), is_demo=is_demo, **data)
        event.full_clean(exclude=["created_by"])
        event.save()
        event.organizers.set(orgs)
        for s_order, spec in enumerate(sections):
            section = Section.objects.create(event=event, title=spec.title, order=s_order)
            for t_order, talk_spec in enumerate(spec.talks):
                talk = Talk.objects.create(
                    section=section, title=talk_spec.title, abstract=talk_spec.abstract, order=t_order
                )
                talk.speakers.set(talk_spec.speakers)
        audit.record(
            actor=actor, action="event_create", obj=event, changes=audit.snapshot(event, EVENT_FIELDS)
        )
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
    _require(actor, "events.register_person", person)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if not locked.is_published:
            raise ValidationError(_("This event is not open for registration."))
        problem = registration_window_error(locked)
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
                event=locked, person=person, status=status, queued_at=now, registered_by=_user_or_none(actor)
            )
        else:
            registration = existing
            registration.status = status
            registration.queued_at = now
            registration.registered_by = _user_or_none(actor)
            registration.attended_at = None
            registration.save(
                update_fields=["status", "queued_at", "registered_by", "attended_at", "updated_at"]
            )
        audit.record(actor=actor, action="registration_create", obj=registration, changes={"status": status})
    return registration


def registration_cancel(*, actor: Any, registration: Registration) -> Registration | None:
    """Cancel; when a place is freed the first on the waitlist gets it (returned), exactly once: the
    event row is locked, and the registration is re-read under the lock."""
    _require(actor, "events.register_person", registration.person)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
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
    return promoted


def attendance_mark(*, actor: Any, registration: Registration, attended: bool = True) -> Registration:
    """Mark (or unmark) that a registered participant came. Idempotent."""
    _require(actor, "events.manage_event", registration.event)
    if registration.status != RegistrationStatus.REGISTERED:
        raise ValidationError(_("Only registered participants can be checked in."))
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
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
    _require(actor, "events.manage_event", event)
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
    _require(actor, "events.manage_event", event)
    if event.starts_at > timezone.now():
        raise ValidationError(_("Attendance can be recorded only for an event that has started."))
    made = []
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        existing = {r.person_id: r for r in Registration.objects.filter(event=event)}
        for person in people:
            reg = existing.get(person.pk)
            if reg is not None and reg.status == RegistrationStatus.REGISTERED and reg.attended_at:
                continue
            if reg is None:
                reg = Registration(event=event, person=person, queued_at=event.starts_at)
            reg.status = RegistrationStatus.REGISTERED
            reg.attended_at = event.starts_at
            reg.registered_by = _user_or_none(actor)
            reg.save()
            audit.record(actor=actor, action="attendance_record", obj=reg)
            made.append(reg)
    return made
