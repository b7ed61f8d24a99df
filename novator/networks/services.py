"""Writes to networks: creating a network, inviting partners and their answer, the agreement with its
file (checked by content), and the plan of events by academic year. Each is one transaction with its
audit record."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from novator.core import audit
from novator.core.academic_year import AcademicYear
from novator.core.concurrency import check_version
from novator.core.files import check_upload
from novator.core.services import model_update, require, user_or_none
from novator.events.models import Event
from novator.organizations.models import Organization
from novator.statuses.models import StatusAssignment

from . import notifications
from .models import Agreement, Network, Partnership, PartnerState, PlanItem

AGREEMENT_TYPES = ("pdf", "docx", "odt", "jpg", "png")
MAX_FILE_BYTES: int = getattr(settings, "NOVATOR_NETWORKS_MAX_FILE_BYTES", 20 * 1024 * 1024)


def network_create(
    *,
    actor: Any,
    leader: Organization,
    topic: str,
    description: str = "",
    leader_status: StatusAssignment | None = None,
    is_demo: bool = False,
) -> Network:
    require(actor, "networks.add_network", leader)
    topic = topic.strip()
    if not topic:
        raise ValidationError({"topic": _("Write the topic of the network.")})
    if leader_status is not None and leader_status.organization_id != leader.pk:
        raise ValidationError({"leader_status": _("The status must belong to the leader organisation.")})
    with transaction.atomic():
        network = Network.objects.create(
            leader=leader,
            topic=topic,
            description=description.strip(),
            leader_status=leader_status,
            created_by=user_or_none(actor),
            is_demo=is_demo,
        )
        audit.record(actor=actor, action="network_create", obj=network, changes={"topic": topic})
    return network


def partner_invite(*, actor: Any, network: Network, organization: Organization) -> Partnership:
    require(actor, "networks.change_network", network)
    if organization.pk == network.leader_id:
        raise ValidationError({"organization": _("The leader cannot be its own partner.")})
    # partners come from any district of the leader's region (a network across the border), not beyond
    leader_region = network.leader.municipality.region_id
    if organization.municipality.region_id != leader_region:
        raise ValidationError(
            {
                "organization": _(
                    "%(organization)s is in another region (%(region)s): a network takes partners from "
                    "the districts of its leader's region."
                )
                % {"organization": organization.short_name, "region": organization.municipality.region}
            }
        )
    with transaction.atomic():
        partnership, created = Partnership.objects.get_or_create(network=network, organization=organization)
        if not created:
            raise ValidationError(
                {"organization": _("This organisation is already a partner of the network.")}
            )
        audit.record(actor=actor, action="partner_invite", obj=partnership)
        notifications.partner_invited(partnership)
    return partnership


def agreement_in_force(network: Network, day: datetime.date | None = None) -> Agreement | None:
    """The network's agreement in force on `day` (today), the latest signed; None when there is none."""
    day = day or timezone.localdate()
    return (
        network.agreements.filter(valid_from__lte=day, valid_to__gte=day)
        .order_by("-signed_on", "-pk")
        .first()
    )


def partnership_answer(*, actor: Any, partnership: Partnership, confirm: bool) -> Partnership:
    """The partner's coordinator confirms or declines (and may change the answer later). Confirming
    signs the partner's side of the agreement in force (recorded on the partnership): the agreement is
    signed by both, and only then does the partner count in the network's figures."""
    require(actor, "networks.answer_partnership", partnership)
    state = PartnerState.CONFIRMED if confirm else PartnerState.DECLINED
    with transaction.atomic():
        before = partnership.state
        before_agreement = partnership.agreement_id
        partnership.state = state
        partnership.answered_at = timezone.now()
        partnership.agreement = agreement_in_force(partnership.network) if confirm else None
        partnership.save(update_fields=["state", "answered_at", "agreement", "updated_at"])
        audit.record(
            actor=actor,
            action="partnership_answer",
            obj=partnership,
            changes={"state": [before, state], "agreement": [before_agreement, partnership.agreement_id]},
        )
    return partnership


def agreement_add(
    *,
    actor: Any,
    network: Network,
    number: str,
    signed_on: datetime.date,
    valid_from: datetime.date,
    valid_to: datetime.date,
    upload: Any = None,
) -> Agreement:
    require(actor, "networks.change_network", network)
    errors: dict[str, str] = {}
    if not number.strip():
        errors["number"] = _("Write the number of the agreement.")
    if valid_to < valid_from:
        errors["valid_to"] = _("The agreement cannot end before it starts.")
    kind = ""
    if upload is not None:
        try:
            kind = check_upload(upload, allowed=AGREEMENT_TYPES, max_bytes=MAX_FILE_BYTES)
        except ValidationError as exc:
            errors["file"] = " ".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement = Agreement(
            network=network,
            number=number.strip(),
            signed_on=signed_on,
            valid_from=valid_from,
            valid_to=valid_to,
            file_type=kind,
        )
        if upload is not None:
            upload.seek(0)
            agreement.file.save(f"agreement.{kind}", upload, save=False)
        agreement.save()
        audit.record(actor=actor, action="agreement_add", obj=agreement, changes={"number": agreement.number})
    return agreement


def plan_item_add(
    *, actor: Any, network: Network, title: str, planned_on: datetime.date, event: Event | None = None
) -> PlanItem:
    """A planned event; its academic year follows from the date (01.09–31.08)."""
    require(actor, "networks.change_network", network)
    if not title.strip():
        raise ValidationError({"title": _("Write what is planned.")})
    with transaction.atomic():
        item = PlanItem.objects.create(
            network=network,
            academic_year=AcademicYear.of(planned_on).start_year,
            title=title.strip(),
            planned_on=planned_on,
            event=event,
        )
        audit.record(actor=actor, action="plan_item_add", obj=item, changes={"title": item.title})
    return item


def plan_item_link_event(*, actor: Any, item: PlanItem, event: Event | None) -> PlanItem:
    """Tie a plan item to the event that carried it out (or untie it)."""
    require(actor, "networks.change_network", item.network)
    with transaction.atomic():
        before = item.event_id
        item.event = event
        item.save(update_fields=["event", "updated_at"])
        audit.record(
            actor=actor,
            action="plan_item_link_event",
            obj=item,
            changes={"event": [before, event.pk if event else None]},
        )
    return item


def partner_withdraw(*, actor: Any, partnership: Partnership) -> None:
    """Withdraw an invitation or end a partnership: the row goes, the audit log keeps the record."""
    require(actor, "networks.change_network", partnership.network)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="partner_withdraw",
            obj=partnership.network,
            changes={"organization": partnership.organization_id, "state": partnership.state},
        )
        partnership.delete()


def _delete_file_on_commit(name: str) -> None:
    from django.core.files.storage import default_storage

    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def agreement_update(
    *,
    actor: Any,
    agreement: Agreement,
    number: str,
    signed_on: datetime.date,
    valid_from: datetime.date,
    valid_to: datetime.date,
    upload: Any = None,
    remove_file: bool = False,
    version: str | None = None,
) -> Agreement:
    """Correct an agreement; a new file replaces the old one, `remove_file` drops it.
    `version`: the token the edit page was loaded with (novator.core.concurrency); stale → refused."""
    require(actor, "networks.change_network", agreement.network)
    errors: dict[str, str] = {}
    if not number.strip():
        errors["number"] = _("Write the number of the agreement.")
    if valid_to < valid_from:
        errors["valid_to"] = _("The agreement cannot end before it starts.")
    kind = ""
    if upload is not None:
        try:
            kind = check_upload(upload, allowed=AGREEMENT_TYPES, max_bytes=MAX_FILE_BYTES)
        except ValidationError as exc:
            errors["file"] = " ".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        check_version(agreement, version)
        before = audit.snapshot(agreement, ("number", "signed_on", "valid_from", "valid_to", "file_type"))
        old_file = agreement.file.name if agreement.file else ""
        agreement.number = number.strip()
        agreement.signed_on, agreement.valid_from, agreement.valid_to = signed_on, valid_from, valid_to
        if upload is not None:
            upload.seek(0)
            agreement.file.save(f"agreement.{kind}", upload, save=False)
            agreement.file_type = kind
        elif remove_file:
            agreement.file = ""
            agreement.file_type = ""
        agreement.save()
        if old_file and old_file != (agreement.file.name if agreement.file else ""):
            _delete_file_on_commit(old_file)
        after = audit.snapshot(agreement, ("number", "signed_on", "valid_from", "valid_to", "file_type"))
        audit.record(actor=actor, action="agreement_update", obj=agreement, changes=audit.diff(before, after))
    return agreement


def agreement_delete(*, actor: Any, agreement: Agreement) -> None:
    require(actor, "networks.change_network", agreement.network)
    with transaction.atomic():
        name = agreement.file.name if agreement.file else ""
        audit.record(
            actor=actor,
            action="agreement_delete",
            obj=agreement.network,
            changes={"number": agreement.number},
        )
        agreement.delete()
        _delete_file_on_commit(name)


def plan_item_update(
    *,
    actor: Any,
    item: PlanItem,
    title: str,
    planned_on: datetime.date,
    event: Event | None = None,
    version: str | None = None,
) -> PlanItem:
    """Change a plan item; its academic year follows the new date. `version`: see agreement_update."""
    require(actor, "networks.change_network", item.network)
    if not title.strip():
        raise ValidationError({"title": _("Write what is planned.")})
    with transaction.atomic():
        check_version(item, version)
        model_update(
            item,
            fields=("title", "planned_on", "academic_year", "event_id"),
            data={
                "title": title.strip(),
                "planned_on": planned_on,
                "academic_year": AcademicYear.of(planned_on).start_year,
                "event_id": event.pk if event is not None else None,
            },
            actor=actor,
            action="plan_item_update",
        )
    return item


def plan_item_delete(*, actor: Any, item: PlanItem) -> None:
    require(actor, "networks.change_network", item.network)
    with transaction.atomic():
        audit.record(actor=actor, action="plan_item_delete", obj=item.network, changes={"title": item.title})
        item.delete()
