"""Notifications to the author organisations' coordinators about adoptions (in-app, and e-mail after the
transaction commits to those who want it), through `novator.notifications.notify`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from novator.accounts.models import Role, User
from novator.core.dates import ddmmyyyy
from novator.notifications.services import notify

from .models import Adoption

KIND = "library.adoption"


def author_coordinators(adoption: Adoption) -> list[User]:
    """The coordinators of the product's author organisations (one query)."""
    return list(
        User.objects.filter(
            role_assignments__role=Role.COORDINATOR,
            role_assignments__organization__method_products=adoption.product_id,
        )
        .distinct()
        .order_by("pk")
    )


def _send(subject: str, body: str, recipients: list[Any], url: str) -> None:
    if recipients:
        notify(recipients, kind=KIND, subject=subject, body=body, url=url)


def notify_adopted(adoption: Adoption) -> None:
    subject = _("Your product was adopted: %(product)s") % {"product": adoption.product.title[:120]}
    body = _(
        "Organisation: %(org)s (%(municipality)s)\nProduct: %(product)s\nAdopted on: %(day)s\n"
        "Scope: %(scope)s\nWhat changed: %(changes)s\n"
    ) % {
        "org": adoption.organization.short_name,
        "municipality": adoption.organization.municipality.name,
        "product": adoption.product.title,
        "day": ddmmyyyy(adoption.adopted_on),
        "scope": adoption.get_scope_display(),
        "changes": adoption.changes or "—",
    }
    _send(subject, body, author_coordinators(adoption), adoption.get_absolute_url())


def notify_outcome(adoption: Adoption) -> None:
    subject = _("Outcome of an adoption of your product: %(product)s") % {
        "product": adoption.product.title[:120]
    }
    body = _(
        "Organisation: %(org)s\nProduct: %(product)s\nRating: %(rating)s of 5\nOutcome: %(outcome)s\n"
    ) % {
        "org": adoption.organization.short_name,
        "product": adoption.product.title,
        "rating": adoption.rating or "—",
        "outcome": adoption.outcome,
    }
    if adoption.comment:
        body += _("Comment: %(comment)s\n") % {"comment": adoption.comment}
    _send(subject, body, author_coordinators(adoption), adoption.get_absolute_url())
