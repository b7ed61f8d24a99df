"""One entry point for telling users about something: ``notify``.

Every app calls ``notify`` instead of sending e-mail itself, so that in-app notifications and each
user's e-mail preferences apply everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from novator.core.audit import record

from . import kinds, templating
from .models import Notification, NotificationPreference


def notify(
    recipients: Iterable[Any],
    *,
    kind: str,
    subject: str,
    body: str,
    url: str = "",
) -> None:
    """Tell ``recipients`` about something.

    ``recipients`` are users (each gets an in-app notification, written in the current transaction, and
    an e-mail unless they switched e-mail off for this ``kind``); a plain string is an e-mail address (an
    organisation's mailbox) and gets the e-mail only. E-mail leaves after the transaction commits, so a
    rolled-back change sends nothing. ``kind`` is a short dotted code (``"events.waitlist_promoted"``,
    see ``kinds.py``); unknown kinds are delivered too.
    """
    users: dict[int, Any] = {}
    addresses: list[str] = []
    named: list[tuple[str, str]] = []
    for recipient in recipients:
        if recipient is None:
            continue
        if isinstance(recipient, str):
            if recipient.strip():
                addresses.append(recipient.strip())
            continue
        if getattr(recipient, "pk", None) is not None:
            users.setdefault(recipient.pk, recipient)
    subject = " ".join(str(subject).split())[:300]
    body = str(body)
    url = str(url or "")[:500]
    if users:
        Notification.objects.bulk_create(
            [Notification(user_id=pk, kind=kind, subject=subject, body=body, url=url) for pk in users]
        )
        muted = set(
            NotificationPreference.objects.filter(
                user_id__in=list(users), kind=kind, email=False
            ).values_list("user_id", flat=True)
        )
        named += [(_email(user), _name(user)) for pk, user in users.items() if pk not in muted]
    to: dict[str, str] = {}
    for address, name in [*named, *((a, "") for a in addresses)]:
        if address and address not in to:
            to[address] = name
    if not to:
        return
    link = _absolute(url)
    # the kind's template an administrator edited, or the default (`templating.py`): one query
    templates = templating.sources(kind)
    messages = []
    for address, name in to.items():
        mail_subject, text = templating.compose(templates, subject=subject, text=body, link=link, name=name)
        messages.append(EmailMessage(mail_subject, text, settings.DEFAULT_FROM_EMAIL, [address]))
    # EMAIL_BACKEND queues each message for the task worker, which sends it with retries (mail.py)
    transaction.on_commit(lambda: get_connection(fail_silently=True).send_messages(messages))


def _email(user: Any) -> str:
    return str(getattr(user, "email", "") or "")


def _name(user: Any) -> str:
    """How an e-mail addresses a person: «Имя Отчество» (empty when the first name is unknown)."""
    first = str(getattr(user, "first_name", "") or "").strip()
    middle = str(getattr(user, "middle_name", "") or "").strip()
    return f"{first} {middle}".strip() if first else ""


def _absolute(url: str) -> str:
    """The link for an e-mail: absolute with NOVATOR_BASE_URL, or nothing (a bare path helps no one)."""
    if url.startswith(("http://", "https://")):
        return url
    base = getattr(settings, "NOVATOR_BASE_URL", "")
    return base.rstrip("/") + url if base and url.startswith("/") else ""


def notification_mark_read(*, actor: Any, pk: int) -> Notification:
    """Mark one of the actor's notifications read (raises Notification.DoesNotExist for others')."""
    notification = Notification.objects.get(pk=pk, user=actor)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: Any) -> int:
    return Notification.objects.for_user(actor).unread().update(read_at=timezone.now())


def preferences_for(user: Any) -> dict[str, bool]:
    """{kind code: e-mail on?} for every registered kind (one query)."""
    saved = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "email"))
    return {kind.code: saved.get(kind.code, True) for kind in kinds.all_kinds()}


@transaction.atomic
def preferences_save(*, actor: Any, email_kinds: Iterable[str]) -> dict[str, bool]:
    """Save which registered kinds the actor wants e-mail for (the others are switched off)."""
    wanted = set(email_kinds)
    unknown = wanted - {k.code for k in kinds.all_kinds()}
    if unknown:
        raise ValueError(f"unknown notification kinds: {sorted(unknown)}")
    before = preferences_for(actor)
    after = {code: code in wanted for code in before}
    NotificationPreference.objects.filter(user=actor).delete()
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=actor, kind=code, email=False) for code, on in after.items() if not on]
    )
    changed = {code: [before[code], after[code]] for code in after if before[code] != after[code]}
    if changed:
        record(actor=actor, action="notifications.preferences", obj=actor, changes=changed)
    return after


# --- the e-mail templates of the kinds (administrators) -------------------------------------------------


@transaction.atomic
def email_template_save(*, actor: Any, kind: str, subject: str, body: str) -> Any:
    """Save the e-mail template of a registered kind; refused with the unknown placeholders or the syntax
    error named, changing nothing."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from novator.core.services import require, user_or_none

    from .models import EmailTemplate

    require(actor, "notifications.manage_templates")
    if not kinds.is_known(kind):
        raise ValidationError(_("Unknown kind of notification: %(kind)s.") % {"kind": kind})
    subject = (subject or "").strip()
    body = (body or "").replace("\r\n", "\n").strip()
    errors: dict[str, list[str]] = {}
    for field, value, limit in (("subject", subject, 300), ("body", body, 20_000)):
        if not value:
            errors[field] = [_("This field is required.")]
            continue
        if len(value) > limit:
            errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
            continue
        try:
            templating.check(value, field=field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    template, created = EmailTemplate.objects.select_for_update().get_or_create(
        kind=kind, defaults={"subject": subject, "body": body, "updated_by": user_or_none(actor)}
    )
    before = None if created else {"subject": template.subject, "body": template.body}
    if not created:
        template.subject, template.body, template.updated_by = subject, body, user_or_none(actor)
        template.save()
    record(
        actor=actor,
        action="notifications.template_save",
        obj=template,
        changes={
            "subject": [before and before["subject"], subject],
            "body": [before and before["body"], body],
        },
    )
    return template


@transaction.atomic
def email_template_reset(*, actor: Any, kind: str) -> bool:
    """Back to the default text: the saved template is deleted (False when there was none)."""
    from novator.core.services import require

    from .models import EmailTemplate

    require(actor, "notifications.manage_templates")
    template = EmailTemplate.objects.filter(kind=kind).first()
    if template is None:
        return False
    record(
        actor=actor,
        action="notifications.template_reset",
        obj=template,
        changes={"subject": [template.subject, None], "body": [template.body, None]},
    )
    template.delete()
    return True
