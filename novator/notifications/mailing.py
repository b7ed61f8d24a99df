"""Group mail: a methodologist writes to everyone of a group — the applicants of a contest, the
registrants of an event, the partners of a network — after a preview with the number of recipients.

A group is named by a (kind, pk) pair; each kind says which model it is, which permission lets one write
to it (the one to manage it) and who its recipients are. `mailing_send` records the mailing and enqueues
a job (`tasks.group_mailing_task`) that calls `notify` (kind ``group.message``) for the recipients in
chunks, counting them on the mailing, so a resumed job does not notify anyone twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.jobs import Progress, enqueue_on_commit, job_create
from novator.core.services import require, user_or_none

from .models import GroupMailing
from .services import notify

KIND = "group.message"
SUBJECT_MAX = 200
TEXT_MAX = 10_000
CHUNK = 50


@dataclass(frozen=True)
class Recipient:
    name: str
    target: Any  # a user, or an e-mail address (a registrant without an account)


@dataclass(frozen=True)
class GroupKind:
    code: str
    model: Callable[[], type[Model]]
    perm: str
    title: Callable[[Any], str]
    recipients: Callable[[Any], list[Recipient]]


def coordinators(organization_ids: Any) -> list[Recipient]:
    from novator.accounts.models import Role, RoleAssignment

    rows = (
        RoleAssignment.objects.filter(
            role=Role.COORDINATOR, organization_id__in=organization_ids, user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    )
    seen: dict[int, Recipient] = {}
    for row in rows:
        seen.setdefault(row.user_id, Recipient(row.user.get_full_name() or row.user.username, row.user))
    return list(seen.values())


def model_loader(path: str) -> Callable[[], type[Model]]:
    def load() -> type[Model]:
        from django.apps import apps

        return apps.get_model(path)

    return load


#: the groups one can write to, by kind; each app registers its own (`register_group` in its `ready`),
#: so that this app never imports the apps it writes for
GROUPS: dict[str, GroupKind] = {}


def register_group(kind: GroupKind) -> None:
    GROUPS[kind.code] = kind


def group_get(kind: str, pk: int) -> tuple[GroupKind, Any]:
    """The group's kind and object (Http404 for an unknown kind or object)."""
    group_kind = GROUPS.get(kind)
    if group_kind is None:
        raise Http404(_("Unknown kind of group."))
    obj = group_kind.model()._default_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404(_("No such group."))
    return group_kind, obj


def may_write(user: Any, kind: str, obj: Any) -> bool:
    group_kind = GROUPS.get(kind)
    return bool(group_kind and user.is_authenticated and user.has_perm(group_kind.perm, obj))


def group_recipients(kind: str, obj: Any) -> list[Recipient]:
    return GROUPS[kind].recipients(obj)


def _clean(subject: str, text: str) -> tuple[str, str]:
    subject = " ".join((subject or "").split())
    text = (text or "").replace("\r\n", "\n").strip()
    errors: dict[str, list[str]] = {}
    for field, value, limit in (("subject", subject, SUBJECT_MAX), ("text", text, TEXT_MAX)):
        if not value:
            errors[field] = [_("This field is required.")]
        elif len(value) > limit:
            errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
    if errors:
        raise ValidationError(errors)
    return subject, text


def mailing_preview(*, actor: Any, kind: str, pk: int, subject: str, text: str) -> dict[str, Any]:
    """What would be sent and to whom: the cleaned subject and text, the recipients. Refused (changing
    nothing) for a group the actor does not manage, bad input, or a group with no recipients."""
    group_kind, obj = group_get(kind, pk)
    require(actor, group_kind.perm, obj, message=_("You do not manage this group."))
    subject, text = _clean(subject, text)
    recipients = group_recipients(kind, obj)
    if not recipients:
        raise ValidationError(_("This group has no one to write to yet: nothing is sent."), code="empty")
    return {"subject": subject, "text": text, "recipients": recipients, "group": obj}


@transaction.atomic
def mailing_send(*, actor: Any, kind: str, pk: int, subject: str, text: str) -> GroupMailing:
    """Record the mailing and enqueue the job that notifies every recipient (checked as in the preview)."""
    preview = mailing_preview(actor=actor, kind=kind, pk=pk, subject=subject, text=text)
    obj = preview["group"]
    title = GROUPS[kind].title(obj)
    job = job_create(
        actor=actor,
        kind="notifications.group_mailing",
        title=_("Group mail: %(group)s") % {"group": title[:200]},
        total=len(preview["recipients"]),
    )
    mailing = GroupMailing.objects.create(
        author=user_or_none(actor),
        group_kind=kind,
        group_id=obj.pk,
        group_title=title[:300],
        subject=preview["subject"],
        text=preview["text"],
        recipients=len(preview["recipients"]),
        job=job,
    )
    audit.record(
        actor=actor,
        action="notifications.group_mailing",
        obj=mailing,
        changes={"recipients": [None, mailing.recipients], "subject": [None, mailing.subject]},
    )
    from .tasks import group_mailing_task

    enqueue_on_commit(group_mailing_task, mailing.pk, str(job.pk))
    return mailing


def mailing_deliver(*, mailing_id: int, progress: Progress | None = None) -> GroupMailing:
    """Notify the mailing's recipients (those of the group now, in a stable order), a chunk per
    transaction, from where an earlier run stopped. Safe to run again: a sent mailing is left as it is."""
    mailing = GroupMailing.objects.get(pk=mailing_id)
    if mailing.sent_at is not None:
        return mailing
    group_kind = GROUPS[mailing.group_kind]
    obj = group_kind.model()._default_manager.filter(pk=mailing.group_id).first()
    recipients = group_recipients(mailing.group_kind, obj) if obj is not None else []
    if progress is not None:
        progress.set_total(len(recipients))
        if mailing.delivered:
            progress.step(min(mailing.delivered, len(recipients)))
    url = obj.get_absolute_url() if obj is not None and hasattr(obj, "get_absolute_url") else ""
    start = mailing.delivered
    while start < len(recipients):
        chunk = recipients[start : start + CHUNK]
        with transaction.atomic():
            locked = GroupMailing.objects.select_for_update().get(pk=mailing.pk)
            if locked.delivered != start:  # another run went on meanwhile
                start = locked.delivered
                continue
            notify([r.target for r in chunk], kind=KIND, subject=mailing.subject, body=mailing.text, url=url)
            start += len(chunk)
            GroupMailing.objects.filter(pk=mailing.pk).update(delivered=start)
        if progress is not None:
            progress.step(len(chunk))
    GroupMailing.objects.filter(pk=mailing.pk).update(sent_at=timezone.now(), delivered=start)
    mailing.refresh_from_db()
    return mailing


def mailings_of(kind: str, obj: Any) -> Any:
    return GroupMailing.objects.filter(group_kind=kind, group_id=obj.pk).select_related("author", "job")
