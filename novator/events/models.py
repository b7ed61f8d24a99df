"""Events and conferences: the event with its sections and talks, registrations (with the waitlist),
attendance and certificates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from novator.core.models import TimeStampedModel
from novator.organizations.models import Municipality, Organization, Person


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("conference")
    SEMINAR = "seminar", _("seminar")
    MASTER_CLASS = "master_class", _("master class")
    OPEN_LESSON = "open_lesson", _("open lesson")
    WEBINAR = "webinar", _("webinar")
    ROUND_TABLE = "round_table", _("round table")
    INTERNSHIP = "internship", _("internship")


class EventLevel(models.TextChoices):
    SCHOOL = "school", _("school")
    MUNICIPAL = "municipal", _("municipal")
    INTER_MUNICIPAL = "inter_municipal", _("inter-municipal")
    REGIONAL = "regional", _("regional")


class EventQuerySet(models.QuerySet["Event"]):
    def visible_to(self, user: object) -> EventQuerySet:
        """Published events are public; unpublished ones are seen by those who may manage them."""
        from novator.accounts.scope import get_scope

        scope = get_scope(user)
        if scope.is_admin:
            return self
        own = Q(organizers__in=scope.coordinator_organizations) | Q(
            organizers__municipality__in=scope.methodologist_municipalities
        )
        if not (scope.coordinator_organizations or scope.methodologist_municipalities):
            return self.filter(is_published=True)
        ids = self.filter(own).values("pk")
        return self.filter(Q(is_published=True) | Q(pk__in=ids))


class Event(TimeStampedModel):
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=EventLevel.choices)
    organizers = models.ManyToManyField(Organization, verbose_name=_("organisers"), related_name="events")
    #: an inter-municipal or regional event: the municipalities that organise it with the organisers'
    #: own; registration is open to the organisations of every organising municipality (regional: region)
    co_organiser_municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("co-organiser municipalities"),
        related_name="co_organised_events",
        blank=True,
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=500, blank=True)
    link = models.URLField(_("link"), blank=True)
    audience = models.CharField(_("audience"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    registration_opens_at = models.DateTimeField(_("registration opens at"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes at"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gte=F("registration_opens_at")),
                name="event_registration_window_order",
            ),
        ]
        # The list's order: the whole list (the API) and the events to come are a walk of `event_starts`
        # stopped at the page, and the published ones to come are counted from it alone (`is_published`
        # last: SQLite does not seek a bare boolean). The events under way (not ended yet, started before)
        # and the calendar's months are ranges of `event_ends_starts`, counted from `event_published_ends`.
        # "Not ended yet" is never one query ordered by the start: the planner would walk `event_starts`
        # through every past event (`selectors.not_ended`).
        indexes = [
            models.Index(fields=["starts_at", "id", "is_published"], name="event_starts"),
            models.Index(fields=["ends_at", "starts_at"], name="event_ends_starts"),
            models.Index(fields=["is_published", "ends_at", "starts_at"], name="event_published_ends"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])


class Section(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("title"), max_length=500)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class Talk(models.Model):
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="talks"
    )
    title = models.CharField(_("title"), max_length=500)
    abstract = models.TextField(_("abstract"), blank=True)
    speakers = models.ManyToManyField(Person, verbose_name=_("speakers"), related_name="talks", blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    accepted = models.BooleanField(
        _("accepted for the proceedings"),
        default=False,
        help_text=_("The abstract goes into the proceedings of the conference."),
    )

    class Meta:
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    WAITLISTED = "waitlisted", _("on the waitlist")
    CANCELLED = "cancelled", _("cancelled")


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def visible_to(self, user: object) -> RegistrationQuerySet:
        """Own registrations, those of the staff one coordinates, of events one manages, all for admins."""
        from novator.accounts.scope import get_scope

        scope = get_scope(user)
        if scope.is_admin:
            return self
        if not scope.authenticated:
            return self.none()
        managed = Event.objects.filter(
            Q(organizers__in=scope.coordinator_organizations)
            | Q(organizers__municipality__in=scope.methodologist_municipalities)
        ).values("pk")
        return self.filter(
            Q(person__user=user)
            | Q(person__organization__in=scope.coordinator_organizations)
            | Q(person__organization__municipality__in=scope.methodologist_municipalities)
            | Q(event__in=managed)
        )


class Registration(TimeStampedModel):
    #: the activity log names it by reference: its str() carries a person's name (core.audit)
    audit_by_reference = True

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    queued_at = models.DateTimeField(_("queued at"), help_text=_("Order on the waitlist."))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attended_at = models.DateTimeField(_("attended at"), null=True, blank=True)
    reminded_at = models.DateTimeField(
        _("reminder sent at"), null=True, blank=True, help_text=_("The e-mail of the day before.")
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="registration_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.event}"


class Material(TimeStampedModel):
    """A file of an event (the programme, a presentation, a recording's notes), optionally of one talk.
    Public materials are seen by everyone; the others by the event's registrants and its organisers."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="materials"
    )
    talk = models.ForeignKey(
        Talk,
        verbose_name=_("talk"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="materials",
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="events/%Y/", max_length=255)
    file_type = models.CharField(_("file type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size, bytes"), default=0)
    is_public = models.BooleanField(_("public"), default=True, help_text=_("Otherwise only registrants."))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["talk_id", "pk"]

    def __str__(self) -> str:
        return self.title


class Proceedings(TimeStampedModel):
    """The built proceedings of an event (DOCX and PDF of the accepted abstracts), made by a background
    job and served as stored files, so that downloads never re-render them."""

    event = models.OneToOneField(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="proceedings"
    )
    docx = models.FileField(_("DOCX"), upload_to="events/proceedings/%Y/", max_length=255)
    pdf = models.FileField(_("PDF"), upload_to="events/proceedings/%Y/", max_length=255)
    abstracts = models.PositiveIntegerField(_("abstracts"), default=0)
    # The speakers named in the files (those with consent to publication when they were built): if one of
    # them withdraws the consent, the files are no longer published until the organiser rebuilds them.
    named_people = models.JSONField(_("people named"), default=list, blank=True, editable=False)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("built by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("proceedings")
        verbose_name_plural = _("proceedings")

    def __str__(self) -> str:
        return str(self.event)


class CertificateRole(models.TextChoices):
    ATTENDEE = "attendee", _("participant")
    SPEAKER = "speaker", _("speaker")


class Certificate(TimeStampedModel):
    #: the activity log names it by reference: its str() carries a person's name (core.audit)
    audit_by_reference = True

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="certificates"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("holder"), on_delete=models.CASCADE, related_name="event_certificates"
    )
    role = models.CharField(_("role"), max_length=20, choices=CertificateRole.choices)
    code = models.CharField(_("verification code"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person", "role"], name="certificate_once_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.person}"
