"""Users and their roles. A user may hold several roles, each with its own scope."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    METHODOLOGIST = "methodologist", _("Methodologist")
    COORDINATOR = "coordinator", _("Organisation coordinator")
    TEACHER = "teacher", _("Teacher")
    EXPERT = "expert", _("Expert")
    OBSERVER = "observer", _("Observer")
    REGIONAL_METHODOLOGIST = "regional_methodologist", _("Regional methodologist")


def display_name(last_name: str, first_name: str, middle_name: str, username: str) -> str:
    """ "Фамилия Имя Отчество" of what is filled in, else the login."""
    return " ".join(p for p in (last_name, first_name, middle_name) if p) or username


class User(AbstractUser):
    #: the activity log names it by reference: its str() carries a person's name (core.audit)
    audit_by_reference = True

    middle_name = models.CharField(_("middle name"), max_length=150, blank=True)
    #: part of what signs the user's sessions and API tokens: a new value signs the user out everywhere
    #: (``services.user_sign_out_everywhere``), as a new password does
    session_salt = models.CharField(max_length=32, blank=True, default="", editable=False)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    #: the fields `display_name` is made of (for reads that want the name without the user)
    NAME_FIELDS = ("last_name", "first_name", "middle_name", "username")

    @property
    def display_name(self) -> str:
        return display_name(self.last_name, self.first_name, self.middle_name, self.username)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's hash of the password that every session carries, with ``session_salt`` added (the
        same as Django's while the salt is empty, so the sessions of before survive)."""
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        return salted_hmac(
            key_salt, self.password + self.session_salt, secret=secret, algorithm="sha256"
        ).hexdigest()

    def credentials_fingerprint(self) -> str:
        """What an API token remembers of the user's password and session salt: when either changes
        (a new password, a reset, "sign out everywhere"), every token issued before stops working."""
        return salted_hmac(
            "novator.accounts.ApiToken", self.password + self.session_salt, algorithm="sha256"
        ).hexdigest()


class RoleAssignment(models.Model):
    """One role of one user, scoped to a municipality, an organisation or a region where the role needs it.

    - methodologist: a municipality;
    - coordinator, teacher: an organisation;
    - observer: a region or a municipality;
    - regional methodologist: a region (sees its municipalities read-only, runs the region's contests and
      awards its statuses);
    - admin, expert: no scope.
    """

    #: the activity log names it by reference: its str() carries a person's name (core.audit)
    audit_by_reference = True

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "organizations.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE
    )
    municipality = models.ForeignKey(
        "organizations.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_role",
                condition=(
                    Q(
                        role="methodologist",
                        municipality__isnull=False,
                        organization__isnull=True,
                        region__isnull=True,
                    )
                    | Q(
                        role__in=["coordinator", "teacher"],
                        organization__isnull=False,
                        municipality__isnull=True,
                        region__isnull=True,
                    )
                    | Q(
                        role="regional_methodologist",
                        region__isnull=False,
                        municipality__isnull=True,
                        organization__isnull=True,
                    )
                    | Q(role="observer", organization__isnull=True)
                    & (
                        Q(region__isnull=False, municipality__isnull=True)
                        | Q(region__isnull=True, municipality__isnull=False)
                    )
                    | Q(
                        role__in=["admin", "expert"],
                        organization__isnull=True,
                        municipality__isnull=True,
                        region__isnull=True,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.organization or self.municipality or self.region
        label = self.get_role_display()
        return f"{self.user}: {label}" + (f" — {scope}" if scope else "")


class ApiToken(models.Model):
    """An API token (``Authorization: Token <key>``). Only a hash of the key is stored: the key is shown
    once, when it is issued. A token dies after ``NOVATOR_API_TOKEN_IDLE_DAYS`` without use, when its
    owner revokes it, and with a password change, a reset or "sign out everywhere"."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("beginning of the key"), max_length=8, editable=False)
    name = models.CharField(_("name"), max_length=100, blank=True)
    created = models.DateTimeField(_("issued"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"))
    credentials = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-last_used_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user}: {self.prefix}… {self.name}".strip()
