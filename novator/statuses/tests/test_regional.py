"""Regional statuses (КИП, РИП): awarded, extended and revoked by the regional methodologist of the
organisation's region, by the region's order; municipal statuses stay with the municipality."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory
from novator.statuses import services
from novator.statuses.models import StatusAssignment, StatusEvent, StatusKind
from novator.statuses.tests.factories import StatusAssignmentFactory

pytestmark = pytest.mark.django_db

D = datetime.date
AWARD = reverse("statuses:award")


def kind(code: str) -> StatusKind:
    return StatusKind.objects.get(code=code)


def test_rip_is_a_default_regional_kind():
    assert kind("RIP").level == "regional" and kind("RIP").abbreviation == "РИП"


def test_regional_methodologist_awards_a_kip_by_the_regions_order(regional_methodologist, org_a):
    assignment = services.status_award(
        actor=regional_methodologist,
        organization=org_a,
        kind=kind("KIP"),
        starts_on=D(2021, 9, 1),
        years=3,
        order_number="1234",
        order_date=D(2021, 8, 20),
    )
    assert assignment.ends_on == D(2024, 8, 31)
    assert assignment.events.get().kind == StatusEvent.Kind.AWARD


def test_a_regional_status_needs_the_order(regional_methodologist, org_a):
    with pytest.raises(ValidationError) as exc:
        services.status_award(
            actor=regional_methodologist,
            organization=org_a,
            kind=kind("KIP"),
            starts_on=D(2021, 9, 1),
            years=3,
        )
    assert set(exc.value.message_dict) == {"order_number", "order_date"}
    assert not StatusAssignment.objects.exists()


def test_regional_methodologist_of_another_region_is_refused(other_regional_methodologist, org_a):
    with pytest.raises(PermissionDenied):
        services.status_award(
            actor=other_regional_methodologist,
            organization=org_a,
            kind=kind("KIP"),
            starts_on=D(2021, 9, 1),
            years=3,
            order_number="1",
            order_date=D(2021, 8, 20),
        )
    assert not StatusAssignment.objects.exists()


def test_regional_methodologist_does_not_award_municipal_statuses(regional_methodologist, org_a):
    with pytest.raises(PermissionDenied):
        services.status_award(
            actor=regional_methodologist,
            organization=org_a,
            kind=kind("MIP"),
            starts_on=D(2021, 9, 1),
            years=3,
            order_number="1",
            order_date=D(2021, 8, 20),
        )


def test_municipal_methodologist_does_not_award_regional_statuses(methodologist, org_a):
    with pytest.raises(PermissionDenied):
        services.status_award(
            actor=methodologist,
            organization=org_a,
            kind=kind("RIP"),
            starts_on=D(2021, 9, 1),
            years=3,
            order_number="1",
            order_date=D(2021, 8, 20),
        )
    # a municipal status is still theirs
    services.status_award(
        actor=methodologist, organization=org_a, kind=kind("MIP"), starts_on=D(2021, 9, 1), years=3
    )


def test_regional_methodologist_extends_and_revokes_in_its_region(regional_methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a, kind=kind("KIP"), active=True)
    services.status_extend(
        actor=regional_methodologist,
        assignment=assignment,
        new_ends_on=D(2026, 8, 31),
        order_number="77",
        order_date=D(2025, 6, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.status_revoke(
            actor=regional_methodologist, assignment=assignment, on=D(2025, 9, 1), grounds="Нет отчёта"
        )
    assert "order_number" in exc.value.message_dict
    services.status_revoke(
        actor=regional_methodologist,
        assignment=assignment,
        on=D(2025, 9, 1),
        grounds="Нет отчёта",
        order_number="78",
        order_date=D(2025, 8, 25),
    )
    assignment.refresh_from_db()
    assert assignment.revoked_on == D(2025, 9, 1)


def test_status_pages_refuse_another_region(client, other_regional_methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a, kind=kind("KIP"), active=True)
    client.force_login(other_regional_methodologist)
    response = client.post(
        reverse("statuses:extend", args=[assignment.pk]),
        {"extend-new_ends_on": "2026-08-31", "extend-order_number": "1", "extend-order_date": "2025-06-01"},
    )
    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.ends_on == D(2025, 8, 31)


def test_award_page_offers_the_regions_organisations_and_regional_kinds(
    client, regional_methodologist, org_a, org_b
):
    elsewhere = OrganizationFactory(
        municipality=MunicipalityFactory(region__code="61", region__name="Ростовская область")
    )
    client.force_login(regional_methodologist)
    response = client.get(AWARD)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields["organization"].queryset) == {org_a, org_b}
    assert elsewhere not in form.fields["organization"].queryset
    assert {k.code for k in form.fields["kind"].queryset} == {"KIP", "RIP"}


def test_award_page_awards(client, regional_methodologist, org_b):
    client.force_login(regional_methodologist)
    response = client.post(
        AWARD,
        {
            "organization": org_b.pk,
            "kind": kind("KIP").pk,
            "starts_on": "2021-09-01",
            "order_number": "2406",
            "order_date": "2021-08-25",
            "project_title": "Межмуниципальное взаимодействие",
        },
    )
    assignment = StatusAssignment.objects.get()
    assert response.status_code == 302 and response["Location"] == assignment.get_absolute_url()
    assert (assignment.organization, assignment.ends_on, assignment.order_number) == (
        org_b,
        D(2024, 8, 31),
        "2406",
    )


def test_award_page_bad_input_changes_nothing(client, regional_methodologist, methodologist, org_a):
    client.force_login(regional_methodologist)
    # no order; a municipal kind that is not offered
    response = client.post(
        AWARD, {"organization": org_a.pk, "kind": kind("MIP").pk, "starts_on": "2021-09-01"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"kind", "order_number", "order_date"}
    assert not StatusAssignment.objects.exists()


def test_award_page_is_closed_to_others(client, coordinator, observer):
    for user in (coordinator, observer):
        client.force_login(user)
        assert client.get(AWARD).status_code == 403
