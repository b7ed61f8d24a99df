"""Letting people in without an administrator: invitations, the staff file of an organisation and requests
to join one.

An invitation is sent to an e-mail address with a role and its scope (an organisation for coordinators and
teachers, a municipality for methodologists). Its link carries a random key, of which only a hash is
stored; the key is signed, so a forged link is refused before the database is asked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from novator.accounts.models import Role
from novator.core.models import FileImport


class InvitationState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("invitation", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("invitation", "Accepted")
    EXPIRED = "expired", pgettext_lazy("invitation", "Expired")
    REVOKED = "revoked", pgettext_lazy("invitation", "Revoked")


class Invitation(models.Model):
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    municipality = models.ForeignKey(
        "organizations.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    #: the staff record the invitation was made for (the staff file), linked to the account on acceptance
    person = models.ForeignKey(
        "organizations.Person",
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    state = models.CharField(
        _("state"), max_length=16, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    #: the account made on acceptance
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            # one pending invitation per address: a second one is a resend of the first
            models.UniqueConstraint(
                Lower("email"), condition=Q(state="pending"), name="onboarding_one_pending_invitation"
            ),
            models.CheckConstraint(
                name="onboarding_invitation_scope_matches_role",
                condition=Q(role="methodologist", municipality__isnull=False, organization__isnull=True)
                | Q(
                    role__in=["coordinator", "teacher"], organization__isnull=False, municipality__isnull=True
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def scope(self) -> object:
        return self.organization or self.municipality

    @property
    def current_state(self) -> str:
        """The state as the invitee meets it: a pending invitation past its term is expired."""
        if self.state == InvitationState.PENDING and self.expires_at <= timezone.now():
            return InvitationState.EXPIRED
        return self.state

    def get_current_state_display(self) -> str:
        return str(InvitationState(self.current_state).label)


class StaffImport(FileImport):
    """An uploaded staff file of one organisation with its preview; confirming it runs a background job
    that creates the staff records and sends the invitations (the registry import's machinery)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="imports/staff/%Y/%m/", max_length=255)
    notices = models.JSONField(_("notices"), default=list, blank=True)

    class Meta(FileImport.Meta):
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")

    def get_absolute_url(self) -> str:
        return reverse("onboarding:staff_import_preview", args=[self.pk])


class StaffImportRow(models.Model):
    """One row of a staff file's preview: {"row", "action", "name", "position", "email", "reason"}."""

    upload = models.ForeignKey(
        StaffImport, verbose_name=_("import"), on_delete=models.CASCADE, related_name="rows"
    )
    position = models.PositiveIntegerField(_("position"))
    action = models.CharField(_("action"), max_length=16)
    data = models.JSONField(_("row"), default=dict)

    class Meta:
        verbose_name = _("planned staff row")
        verbose_name_plural = _("planned staff rows")
        ordering = ["upload", "position"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "position"], name="onboarding_staff_row_position")
        ]

    def __str__(self) -> str:
        return f"{self.upload_id}:{self.position}"


class JoinRequestState(models.TextChoices):
    PENDING = "pending", _("Awaiting a decision")
    APPROVED = "approved", pgettext_lazy("join request", "Approved")
    DECLINED = "declined", pgettext_lazy("join request", "Declined")


class JoinRequest(models.Model):
    """A signed-in user asks to join an organisation as a teacher; its coordinator decides."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    position = models.CharField(_("job title"), max_length=255)
    message = models.TextField(_("message"), blank=True, max_length=2000)
    state = models.CharField(
        _("state"), max_length=16, choices=JoinRequestState.choices, default=JoinRequestState.PENDING
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("request to join an organisation")
        verbose_name_plural = _("requests to join an organisation")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(state="pending"),
                name="onboarding_one_pending_join_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organization}"
