"""E-mails to the author organisations' coordinators about adoptions, sent after the transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils.translation import gettext as _

from novator.accounts.models import Role, RoleAssignment

from .models import Adoption


def author_coordinator_emails(adoption: Adoption) -> list[str]:
    """E-mails of the coordinators of the product's author organisations (one query)."""
    return sorted(
        set(
            RoleAssignment.objects.filter(
                role=Role.COORDINATOR, organization__method_products=adoption.product_id
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if not recipients:
        return
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))


def notify_adopted(adoption: Adoption) -> None:
    subject = _("Your product was adopted: %(product)s") % {"product": adoption.product.title[:120]}
    body = _(
        "Organisation: %(org)s (%(municipality)s)\nProduct: %(product)s\nAdopted on: %(day)s\n"
        "Scope: %(scope)s\nWhat changed: %(changes)s\n"
    ) % {
        "org": adoption.organization.short_name,
        "municipality": adoption.organization.municipality.name,
        "product": adoption.product.title,
        "day": adoption.adopted_on.strftime("%d.%m.%Y"),
        "scope": adoption.get_scope_display(),
        "changes": adoption.changes or "—",
    }
    _send(subject, body, author_coordinator_emails(adoption))


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
    _send(subject, body, author_coordinator_emails(adoption))
