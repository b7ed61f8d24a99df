"""Writes: a body's requisites, and the registration of an outgoing order (its number)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from novator.core.audit import diff, record, snapshot
from novator.core.services import model_update, require, user_or_none
from novator.organizations.models import Municipality

from .models import OfficeTemplate, OrderPurpose, OutgoingOrder, Requisites

FIELDS = (
    "full_name",
    "short_name",
    "place",
    "head_position",
    "head_name",
    "preparer_position",
    "preparer_name",
    "preparer_phone",
)


def requisites_save(*, actor: Any, requisites: Requisites, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Create or update a body's requisites (the object may be the unsaved default of its territory);
    returns the changes. Checked by the model's validation; nothing is saved when it fails."""
    require(
        actor, "documents.change_requisites", requisites, message=_("You may not change these requisites.")
    )
    with transaction.atomic():
        if requisites.pk is not None:
            return model_update(
                requisites,
                fields=FIELDS,
                data=data,
                actor=actor,
                action="documents.requisites_changed",
                strip=True,
                validate=lambda instance: instance.full_clean(),
            )
        for name in FIELDS:
            setattr(requisites, name, (data.get(name) or "").strip())
        requisites.full_clean()
        requisites.save()
        changes = diff({}, snapshot(requisites, FIELDS))
        record(actor=actor, action="documents.requisites_created", obj=requisites, changes=changes)
    return changes


def outgoing_order_register(
    *,
    actor: Any,
    requisites: Requisites,
    date: datetime.date,
    title: str,
    subject: models.Model | None = None,
    purpose: str = OrderPurpose.OTHER,
) -> OutgoingOrder:
    """The next number of the body's orders in the year of `date`. The body's row is locked for the
    transaction (SELECT … FOR UPDATE on PostgreSQL), so two registrations at once get consecutive numbers;
    the unique constraint is the last guard."""
    if requisites.pk is None:
        raise ValidationError(_("Fill in the requisites of the issuing body before registering its orders."))
    with transaction.atomic():
        Requisites.objects.select_for_update().only("pk").get(pk=requisites.pk)
        last = OutgoingOrder.objects.filter(requisites=requisites, year=date.year).aggregate(n=Max("number"))[
            "n"
        ]
        order = OutgoingOrder.objects.create(
            requisites=requisites,
            year=date.year,
            number=(last or 0) + 1,
            date=date,
            title=title[:500],
            purpose=purpose,
            subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
            subject_id=subject.pk if subject is not None else None,
            registered_by=user_or_none(actor),
        )
        record(actor=actor, action="documents.order_registered", obj=order, changes={"title": title[:300]})
    return order


TEMPLATE_MAX_MB = 5


def office_template_upload(*, actor: Any, municipality: Any, kind: str, upload: Any) -> OfficeTemplate:
    """A new version of the office's template of `kind`, used from now on. Checked as a DOCX by content
    (no macros) and by its placeholders (`templates_office.check_placeholders`); nothing is saved on error."""
    from novator.core.files import check_upload, safe_filename

    from .templates_office import DEFAULTS, check_placeholders

    require(
        actor, "documents.change_templates", municipality, message=_("You may not change these templates.")
    )
    if kind not in DEFAULTS:
        raise ValidationError(_("There is no such document."))
    check_upload(upload, allowed=["docx"], max_bytes=TEMPLATE_MAX_MB * 1024 * 1024)
    check_placeholders(kind, upload)
    with transaction.atomic():
        Municipality.objects.select_for_update().only("pk").get(pk=municipality.pk)
        current = OfficeTemplate.objects.filter(municipality=municipality, kind=kind)
        last = current.aggregate(n=Max("version"))["n"] or 0
        current.filter(is_active=True).update(is_active=False)
        template = OfficeTemplate(
            municipality=municipality,
            kind=kind,
            version=last + 1,
            original_name=(getattr(upload, "name", None) or "template.docx")[:255],
            uploaded_by=user_or_none(actor),
        )
        upload.seek(0)
        template.file.save(safe_filename(template.original_name, "docx"), upload, save=False)
        template.save()
        record(
            actor=actor,
            action="documents.template_uploaded",
            obj=template,
            changes={"kind": [None, kind], "version": [last or None, last + 1]},
        )
    return template


def office_template_restore_default(*, actor: Any, municipality: Any, kind: str) -> int:
    """Build the documents of `kind` from the default template again; the office's versions are kept."""
    require(
        actor, "documents.change_templates", municipality, message=_("You may not change these templates.")
    )
    with transaction.atomic():
        active = OfficeTemplate.objects.filter(municipality=municipality, kind=kind, is_active=True)
        changed = 0
        for template in active:
            record(
                actor=actor,
                action="documents.template_default_restored",
                obj=template,
                changes={"kind": [kind, None]},
            )
            changed += 1
        active.update(is_active=False)
    return changed
