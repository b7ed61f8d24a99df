"""Users and their roles. A user may hold several roles, each with its own scope."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    METHODOLOGIST = "methodologist", _("Methodologist")
    COORDINATOR = "coordinator", _("Organisation coordinator")
    TEACHER = "teacher", _("Teacher")
    EXPERT = "expert", _("Expert")
    OBSERVER = "observer", _("Observer")


def display_name(last_name: str, first_name: str, middle_name: str, username: str) -> str:
    """ "Фамилия Имя Отчество" of what is filled in, else the login."""
    return " ".join(p for p in (last_name, first_name, middle_name) if p) or username


class User(AbstractUser):
    #: the activity log names it by reference: its str() carries a person's name (core.audit)
    audit_by_reference = True

    middle_name = models.CharField(_("middle name"), max_length=150, blank=True)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    #: the fields `display_name` is made of (for reads that want the name without the user)
    NAME_FIELDS = ("last_name", "first_name", "middle_name", "username")

    @property
    def display_name(self) -> str:
        return display_name(self.last_name, self.first_name, self.middle_name, self.username)


class RoleAssignment(models.Model):
    """One role of one user, scoped to a municipality, an organisation or a region where the role needs it.

    - methodologist: a municipality;
    - coordinator, teacher: an organisation;
    - observer: a region or a municipality;
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
