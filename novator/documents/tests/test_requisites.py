"""The requisites of the issuing bodies: stored once, edited by the municipality's methodologist, and the
registration journal of orders."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse

from novator.core.models import ActivityLog
from novator.documents import selectors, services
from novator.documents.models import BodyKind, OutgoingOrder, Requisites
from novator.organizations.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

DATA = {
    "full_name": "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ МУНИЦИПАЛЬНОГО ОБРАЗОВАНИЯ ВЫСЕЛКОВСКИЙ РАЙОН",
    "short_name": "Управление образования",
    "place": "ст-ца Выселки",
    "head_position": "Начальник управления образования",
    "head_name": "Коваленко Ирина Викторовна",
    "preparer_position": "Директор МКУ «ИМЦ»",
    "preparer_name": "Сердюк Наталья Александровна",
    "preparer_phone": "8 (86157) 7-34-12",
}


def test_an_issuer_without_requisites_gets_defaults_named_after_the_territory(municipality):
    issuer = selectors.issuer_for(municipality)
    assert issuer.pk is None
    assert issuer.full_name.startswith("Управление образования администрации муниципального образования")
    assert str(municipality) in issuer.full_name


def test_the_methodologist_saves_the_requisites_of_their_authority(client, methodologist, municipality):
    client.force_login(methodologist)
    url = reverse("documents:requisites_edit", args=[BodyKind.AUTHORITY, municipality.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, DATA)
    assert response.status_code == 302
    stored = Requisites.objects.get(kind=BodyKind.AUTHORITY, municipality=municipality)
    assert stored.place == "ст-ца Выселки"
    assert stored.head_signature == "И.В. Коваленко"
    assert selectors.issuer_for(municipality) == stored
    assert ActivityLog.objects.filter(action="documents.requisites_created").exists()
    page = client.get(reverse("documents:requisites")).content.decode()
    assert "ВЫСЕЛКОВСКИЙ РАЙОН" in page


def test_an_incomplete_form_changes_nothing(client, methodologist, municipality):
    client.force_login(methodologist)
    url = reverse("documents:requisites_edit", args=[BodyKind.AUTHORITY, municipality.pk])
    response = client.post(url, {**DATA, "place": ""})
    assert response.status_code == 200
    assert not Requisites.objects.exists()


def test_another_municipality_and_the_ministry_are_not_the_methodologists(
    client, methodologist, municipality
):
    other = MunicipalityFactory(region=municipality.region)
    client.force_login(methodologist)
    assert client.get(reverse("documents:requisites_edit", args=["authority", other.pk])).status_code == 403
    ministry = reverse("documents:requisites_edit", args=["ministry", municipality.region_id])
    assert client.get(ministry).status_code == 403
    assert (
        client.get(reverse("documents:requisites_edit", args=["bogus", municipality.pk])).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        services.requisites_save(
            actor=methodologist,
            requisites=selectors.requisites_for(kind=BodyKind.AUTHORITY, municipality=other),
            data=DATA,
        )


def test_a_ministry_belongs_to_a_region_not_to_a_municipality(municipality):
    requisites = Requisites(kind=BodyKind.MINISTRY, municipality=municipality, **DATA)
    with pytest.raises(ValidationError):
        requisites.full_clean()


def _stored(municipality) -> Requisites:
    requisites = selectors.requisites_for(kind=BodyKind.AUTHORITY, municipality=municipality)
    services.requisites_save(actor=None, requisites=requisites, data=DATA)
    return requisites


def test_orders_are_numbered_per_body_and_year(municipality):
    requisites = _stored(municipality)
    other = _stored(MunicipalityFactory(region=municipality.region))
    register = services.outgoing_order_register
    first = register(actor=None, requisites=requisites, date=datetime.date(2024, 3, 1), title="О конкурсе")
    second = register(actor=None, requisites=requisites, date=datetime.date(2024, 5, 1), title="Об итогах")
    next_year = register(actor=None, requisites=requisites, date=datetime.date(2025, 1, 9), title="О статусе")
    elsewhere = register(actor=None, requisites=other, date=datetime.date(2024, 5, 1), title="Об итогах")
    assert [first.number, second.number, next_year.number, elsewhere.number] == [1, 2, 1, 1]
    assert str(second) == "01.05.2024 № 2"


def test_a_number_cannot_be_given_twice(municipality):
    requisites = _stored(municipality)
    OutgoingOrder.objects.create(requisites=requisites, year=2024, number=1, date=datetime.date(2024, 1, 1))
    with pytest.raises(IntegrityError):
        OutgoingOrder.objects.create(
            requisites=requisites, year=2024, number=1, date=datetime.date(2024, 2, 1)
        )


def test_unsaved_requisites_cannot_number_orders(municipality):
    with pytest.raises(ValidationError):
        services.outgoing_order_register(
            actor=None,
            requisites=selectors.requisites_for(kind=BodyKind.AUTHORITY, municipality=municipality),
            date=datetime.date(2024, 1, 1),
            title="О конкурсе",
        )
