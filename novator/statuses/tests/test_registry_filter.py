"""The registry's «status held» filter (issue 2): organisations holding a status of a kind today."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from novator.organizations import selectors
from novator.organizations.forms import RegistryFilterForm
from novator.organizations.tests.factories import OrganizationFactory
from novator.statuses.models import StatusKind
from novator.statuses.tests.factories import StatusAssignmentFactory

pytestmark = pytest.mark.django_db

LIST = reverse("organizations:list")
EXPORT = reverse("organizations:export")


def kind(code: str) -> StatusKind:
    return StatusKind.objects.get(code=code)


@pytest.fixture
def holders(municipality, today):
    """One organisation per situation, as of 15.03.2024."""
    make = lambda name: OrganizationFactory(municipality=municipality, short_name=name)  # noqa: E731
    orgs = {
        "active": make("Активная МИП"),
        "expired": make("Бывшая МИП"),
        "revoked": make("Отозванная МИП"),
        "pending": make("Будущая МИП"),
        "other_kind": make("Активный МЛСВ"),
        "none": make("Без статуса"),
        "two": make("Дважды МИП"),
    }
    StatusAssignmentFactory(organization=orgs["active"], kind=kind("MIP"), active=True)
    StatusAssignmentFactory(organization=orgs["expired"], kind=kind("MIP"), expired=True)
    StatusAssignmentFactory(organization=orgs["revoked"], kind=kind("MIP"), revoked=True)
    StatusAssignmentFactory(organization=orgs["pending"], kind=kind("MIP"), pending=True)
    StatusAssignmentFactory(organization=orgs["other_kind"], kind=kind("MLSV"), active=True)
    # holding it twice (an old term and the current one) is listed once
    StatusAssignmentFactory(organization=orgs["two"], kind=kind("MIP"), expired=True)
    StatusAssignmentFactory(organization=orgs["two"], kind=kind("MIP"), active=True)
    return orgs


def test_selector_keeps_only_organisations_holding_the_status_today(holders):
    found = list(selectors.organization_list(status="MIP"))
    assert found == sorted([holders["active"], holders["two"]], key=lambda o: o.short_name)
    assert list(selectors.organization_list(status="MLSV")) == [holders["other_kind"]]
    assert selectors.organization_list().count() == len(holders)


def test_the_term_boundaries_count(municipality, monkeypatch):
    org = OrganizationFactory(municipality=municipality)
    StatusAssignmentFactory(organization=org, kind=kind("KIP"), starts_on=datetime.date(2023, 9, 1))
    for day, holds in [
        (datetime.date(2023, 8, 31), False),
        (datetime.date(2023, 9, 1), True),
        (datetime.date(2026, 8, 31), True),
        (datetime.date(2026, 9, 1), False),
    ]:
        monkeypatch.setattr("django.utils.timezone.localdate", lambda value=None, timezone=None, d=day: d)
        assert list(selectors.organization_list(status="KIP")) == ([org] if holds else [])


def test_form_offers_the_kinds_from_the_database():
    StatusKind.objects.create(code="ZIP", abbreviation="ЗИП", name="новый статус", level="municipal")
    form = RegistryFilterForm({"status": "ZIP"})
    codes = [code for code, _label in form.fields["status"].choices]
    assert {"", "MIP", "MLSV", "KIP", "FIP", "ZIP"} <= set(codes)
    assert form.is_valid()
    assert form.selector_kwargs()["status"] == "ZIP"


def test_unknown_kind_is_invalid_and_not_applied(holders):
    form = RegistryFilterForm({"status": "NOPE"})
    assert not form.is_valid()
    assert form.selector_kwargs()["status"] == ""


def test_registry_page_filters_by_status(client, holders):
    response = client.get(LIST, {"status": "MIP"})
    assert response.status_code == 200
    names = {o.short_name for o in response.context["page"].object_list}
    assert names == {"Активная МИП", "Дважды МИП"}
    body = response.content.decode()
    assert '<option value="MIP" selected>' in body
    assert 'for="id_status"' in body  # the select has its label


def test_export_follows_the_status_filter(client, holders):
    response = client.get(EXPORT, {"status": "MLSV", "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Активный МЛСВ" in text
    assert "Активная МИП" not in text


@pytest.mark.parametrize("extra", [0, 30])
def test_registry_query_count_is_the_same_with_the_filter(
    client, municipality, today, django_assert_max_num_queries, extra
):
    for _ in range(5 + extra):
        StatusAssignmentFactory(organization=OrganizationFactory(municipality=municipality), active=True)
    # 5: regions + municipalities offered (organizations.filters), status kinds, count, page
    with django_assert_max_num_queries(5) as plain:
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(len(plain.captured_queries)):
        response = client.get(LIST, {"status": "MIP"})
    assert response.context["page"].paginator.count == 5 + extra
