from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from novator.accounts.models import Role
from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from novator.contests.tests.factories import ApplicationFactory, ContestFactory
from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory, RegionFactory
from novator.statuses.tests.factories import StatusAssignmentFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _url(region: Any) -> str:
    return f"/api/v1/regions/{region.pk}/comparison/"


def test_observer_reads_the_figures(client: Any, region: Any, municipality: Any, observer: Any) -> None:
    org = OrganizationFactory(municipality=municipality)
    StatusAssignmentFactory(
        organization=org,
        starts_on=TODAY - datetime.timedelta(days=5),
        ends_on=TODAY + datetime.timedelta(days=5),
    )
    contest = ContestFactory(organiser_municipality=municipality, academic_year="2023/24")
    ApplicationFactory(contest=contest, organization=org, accepted=True, awarded=True)
    client.force_login(observer)

    body = client.get(_url(region), {"year": "2023/24"}).json()

    assert body["region"] == {"id": region.pk, "code": region.code, "name": region.name}
    assert body["academic_year"] == "2023/24"
    row = next(m for m in body["municipalities"] if m["oktmo"] == "03612000")
    assert row["statuses"] == 1 and row["applications"] == 1 and row["winners"] == 1
    assert row["by_year"] == [{"academic_year": "2023/24", "applications": 1, "winners": 1}]
    assert body["totals"]["organizations"] >= 1


def test_bad_year_is_a_400(client: Any, region: Any, observer: Any) -> None:
    client.force_login(observer)
    response = client.get(_url(region), {"year": "9999/00"})
    assert response.status_code == 400
    assert "year" in response.json()


def test_refused_to_others(client: Any, region: Any, methodologist: Any) -> None:
    assert client.get(_url(region)).status_code in (401, 403)
    client.force_login(methodologist)
    assert client.get(_url(region)).status_code == 403
    other = RegionFactory(code="61", name="Ростовская область")
    user = UserFactory(username="observer-rostov")
    RoleAssignmentFactory(user=user, role=Role.OBSERVER, region=other)
    client.force_login(user)
    assert client.get(_url(region)).status_code == 403
    assert client.get(_url(other)).status_code == 200


def test_query_count_is_constant(
    client: Any, region: Any, admin_user: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(admin_user)
    MunicipalityFactory(region=region)
    client.get(_url(region))
    with django_assert_max_num_queries(12) as small:
        client.get(_url(region))
    for _ in range(4):
        place = MunicipalityFactory(region=region)
        OrganizationFactory(municipality=place)
    with django_assert_max_num_queries(12) as large:
        assert client.get(_url(region)).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
