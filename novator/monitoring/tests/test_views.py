from __future__ import annotations

import pytest
from django.urls import reverse

from novator.monitoring import services
from novator.monitoring.models import IndexWeightChange, MonitoringYear
from novator.organizations.tests.factories import OrganizationFactory

from .factories import catalogue, record

pytestmark = pytest.mark.django_db

Y, Y0 = "2023/24", "2022/23"


@pytest.fixture
def computed(org_a, org_b):
    catalogue()
    for year, k in ((Y0, 1), (Y, 2)):
        record(org_a, year, 10, 3 * k, 2 * k)
        record(org_b, year, 10, 2 * k, 1 * k)
        services.values_recompute(actor=None, academic_year=year)
    return {"a": org_a, "b": org_b}


def _publish(year=Y):
    MonitoringYear.objects.filter(academic_year=year).update(published=True)


def test_the_method_page_is_public_and_shows_the_weights(client, computed):
    response = client.get(reverse("monitoring:method"))
    assert response.status_code == 200
    assert "Доля вовлечённых" in response.content.decode()


def test_the_public_sees_nothing_before_publication(client, computed, municipality):
    response = client.get(reverse("monitoring:municipality", args=[municipality.pk]))
    assert response.status_code == 200
    assert response.context["year"] is None


def test_the_public_sees_published_aggregates_but_no_organisation(client, computed, municipality, org_a):
    _publish()
    response = client.get(reverse("monitoring:municipality", args=[municipality.pk]))
    assert response.context["year"].academic_year == Y
    assert not response.context["overview"]["detail"]
    assert org_a.short_name not in response.content.decode()
    assert client.get(reverse("monitoring:organization", args=[org_a.pk])).status_code in (302, 403)
    assert client.get(reverse("monitoring:home")).status_code == 200


def test_a_coordinator_sees_its_own_detail_only(client, computed, coordinator, org_a, org_b):
    client.force_login(coordinator)
    response = client.get(reverse("monitoring:organization", args=[org_a.pk]))
    assert response.status_code == 200
    assert response.context["profile"]["trend"].rows  # own values before publication
    assert client.get(reverse("monitoring:organization", args=[org_b.pk])).status_code == 403


def test_a_methodologist_sees_the_ranking_of_their_municipality_only(
    client, computed, methodologist, municipality, other_municipality
):
    client.force_login(methodologist)
    mine = client.get(reverse("monitoring:municipality", args=[municipality.pk]))
    assert mine.context["overview"]["detail"]
    assert mine.context["overview"]["ranking"].rows[0][1] == computed["a"].short_name
    other = client.get(reverse("monitoring:municipality", args=[other_municipality.pk]))
    assert not other.context["overview"]["detail"]


def test_an_observer_of_the_region_sees_every_organisation(client, computed, observer, org_b):
    client.force_login(observer)
    assert client.get(reverse("monitoring:organization", args=[org_b.pk])).status_code == 200


def test_every_table_exports_to_xlsx(client, computed, methodologist, municipality, org_a):
    client.force_login(methodologist)
    for url, name in (
        (reverse("monitoring:municipality", args=[municipality.pk]), "ranking"),
        (reverse("monitoring:municipality", args=[municipality.pk]), "kinds"),
        (reverse("monitoring:organization", args=[org_a.pk]), "profile"),
        (reverse("monitoring:home"), "municipalities"),
    ):
        response = client.get(url, {"export": name, "year": Y})
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response.content[:2] == b"PK"
    assert client.get(reverse("monitoring:home"), {"export": "nope"}).status_code == 404


def test_the_dashboards_query_counts_do_not_grow_with_organisations(
    client, computed, methodologist, municipality, org_a, django_assert_max_num_queries
):
    client.force_login(methodologist)
    urls = [
        reverse("monitoring:home"),
        reverse("monitoring:municipality", args=[municipality.pk]),
        reverse("monitoring:organization", args=[org_a.pk]),
    ]
    for url in urls:
        client.get(url)  # warm the session
    for url in urls:
        with django_assert_max_num_queries(9):
            assert client.get(url).status_code == 200
    for _ in range(12):
        record(OrganizationFactory(municipality=municipality), Y, 10, 5, 5)
    services.values_recompute(actor=None, academic_year=Y)
    for url in urls:
        with django_assert_max_num_queries(9):
            assert client.get(url).status_code == 200


def test_the_operator_changes_weights_publishes_and_recomputes(
    client, computed, methodologist, django_capture_on_commit_callbacks
):
    client.force_login(methodologist)
    data = {"note": "больше веса сетям"}
    for code in ("involved_share", "partners"):
        data |= {f"{code}__weight": "1", f"{code}__lower": "0", f"{code}__upper": "50"}
    assert client.post(reverse("monitoring:manage"), data).status_code == 302
    assert IndexWeightChange.objects.count() == 2
    bad = dict(data, partners__upper="-1")
    response = client.post(reverse("monitoring:manage"), bad)
    assert response.status_code == 200 and IndexWeightChange.objects.count() == 2
    client.post(reverse("monitoring:publish"), {"academic_year": Y, "published": "1"})
    assert MonitoringYear.objects.get(academic_year=Y).published
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:recompute"), {"academic_year": Y})
    assert response.status_code == 302
    assert MonitoringYear.objects.get(academic_year=Y).weights == IndexWeightChange.objects.first()


def test_a_coordinator_may_not_manage(client, computed, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("monitoring:manage")).status_code == 403
    assert (
        client.post(reverse("monitoring:publish"), {"academic_year": Y, "published": "1"}).status_code == 403
    )
