"""Reads of the requisites: the issuer of a document (stored, or a default built from the territory's
name until the office fills them in), and the bodies a user may edit."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from novator.accounts.scope import get_scope
from novator.organizations.models import Municipality, Region

from .models import BodyKind, OutgoingOrder, Requisites


def _default(kind: str, municipality: Municipality | None, region: Region | None) -> Requisites:
    """Unsaved requisites named after the territory: documents stay readable before the office fills in
    its own; the place, the head and the preparer are left blank (the document prints lines to fill)."""
    if kind == BodyKind.MINISTRY:
        name = f"Министерство образования ({region})" if region else "Министерство образования"
        short = name
    elif kind == BodyKind.IMC:
        name = f"Муниципальное казённое учреждение «Информационно-методический центр» ({municipality})"
        short = "МКУ «ИМЦ»"
    else:
        name = f"Управление образования администрации муниципального образования {municipality}"
        short = "Управление образования"
    return Requisites(
        kind=kind,
        municipality=municipality,
        region=region,
        full_name=name,
        short_name=short,
        place="",
        head_position="Начальник управления образования" if kind == BodyKind.AUTHORITY else "Руководитель",
        head_name="",
        preparer_position="",
        preparer_name="",
        preparer_phone="",
    )


def requisites_for(
    *, kind: str, municipality: Municipality | None = None, region: Region | None = None
) -> Requisites:
    """The body's stored requisites, or unsaved defaults."""
    if kind == BodyKind.MINISTRY:
        found = Requisites.objects.filter(kind=kind, region=region).first() if region else None
    else:
        found = (
            Requisites.objects.filter(kind=kind, municipality=municipality).first() if municipality else None
        )
    return found or _default(kind, municipality, region)


def issuer_for(organiser: Any) -> Requisites:
    """The body that issues a document of an organiser (a municipality: its education authority; a region:
    its ministry)."""
    if isinstance(organiser, Region):
        return requisites_for(kind=BodyKind.MINISTRY, region=organiser)
    if isinstance(organiser, Municipality):
        return requisites_for(kind=BodyKind.AUTHORITY, municipality=organiser)
    return _default(BodyKind.AUTHORITY, None, None)


def editable_bodies(user: Any) -> list[Requisites]:
    """Every body the user may edit, stored or not: the authority and the ИМЦ of each of the user's
    municipalities (all of them for an administrator) and, for an administrator, each region's ministry."""
    scope = get_scope(user)
    municipalities = Municipality.objects.select_related("region").order_by("name")
    if not scope.is_region_manager:
        municipalities = municipalities.filter(pk__in=scope.methodologist_municipalities)
    regions = list(Region.objects.order_by("name")) if scope.is_region_manager else []
    stored = {
        (r.kind, r.municipality_id, r.region_id): r
        for r in Requisites.objects.filter(municipality__in=municipalities)
        | Requisites.objects.filter(region__in=regions)
    }
    bodies = [
        stored.get((BodyKind.MINISTRY, None, region.pk)) or _default(BodyKind.MINISTRY, None, region)
        for region in regions
    ]
    for municipality in municipalities:
        for kind in (BodyKind.AUTHORITY, BodyKind.IMC):
            bodies.append(stored.get((kind, municipality.pk, None)) or _default(kind, municipality, None))
    return bodies


def registered_order(subject: models.Model, purpose: str) -> OutgoingOrder | None:
    """The latest order registered in the journal about `subject` for `purpose` (e.g. the order that
    announced a contest and approved its regulation)."""
    return (
        OutgoingOrder.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, purpose=purpose
        )
        .order_by("-date", "-number")
        .first()
    )
