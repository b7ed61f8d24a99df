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


def _pages(municipality, org, region):
    """Every dashboard page, with the number of queries it makes for a methodologist (session, user and
    roles included) — the same however many organisations there are. The region's page asks whether
    the user may manage the monitoring; a methodologist may not, and Django's model backend then looks
    up the user's and their groups' permissions (two queries)."""
    return [
        (reverse("monitoring:home"), {}, 10),
        (reverse("monitoring:municipality", args=[municipality.pk]), {}, 9),
        (reverse("monitoring:organization", args=[org.pk]), {}, 9),
        (reverse("monitoring:method"), {}, 6),
        (reverse("monitoring:campaigns"), {}, 4),
        (reverse("monitoring:municipality_summary", args=[municipality.pk]), {}, 10),
        (reverse("monitoring:region_summary", args=[region.pk]), {}, 10),
        (reverse("monitoring:campaign_create"), {}, 6),
    ]


def test_the_dashboards_query_counts_do_not_grow_with_organisations(
    client, computed, methodologist, municipality, region, org_a, django_assert_num_queries
):
    import datetime

    from novator.monitoring import campaigns

    client.force_login(methodologist)
    pages = _pages(municipality, org_a, region)
    for url, params, _count in pages:
        client.get(url, params)  # warm the session
    for url, params, count in pages:
        with django_assert_num_queries(count):
            assert client.get(url, params).status_code == 200, url
    new = [OrganizationFactory(municipality=municipality) for _ in range(12)]
    for org in new:
        record(org, Y, 10, 5, 5)
        record(org, Y0, 10, 2, 2)
    for year in (Y0, Y):
        services.values_recompute(actor=None, academic_year=year)
    campaigns.campaign_create(
        actor=methodologist,
        title="Сбор",
        academic_year=Y,
        due_on=datetime.date(2024, 6, 1),
        element_codes=["teachers"],
        organizations=[org_a, *new],
    )
    for url, params, count in pages:
        with django_assert_num_queries(count):
            assert client.get(url, params).status_code == 200, url


def test_the_operator_changes_weights_publishes_and_recomputes(
    client, computed, admin_user, django_capture_on_commit_callbacks, django_assert_num_queries
):
    client.force_login(admin_user)
    client.get(reverse("monitoring:manage"))  # warm the session
    with django_assert_num_queries(6):
        assert client.get(reverse("monitoring:manage")).status_code == 200
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


def test_a_district_methodologist_may_not_unpublish_the_region(client, computed, methodologist):
    """Issue #20: the methodologist of one district unpublished every year of the region."""
    from novator.monitoring.models import IndicatorValue

    services.year_publish(actor=None, academic_year=Y)
    public = IndicatorValue.objects.filter(academic_year=Y).count()
    client.force_login(methodologist)
    assert client.get(reverse("monitoring:manage")).status_code == 403
    response = client.post(reverse("monitoring:publish"), {"academic_year": Y, "published": "0"})
    assert response.status_code == 403
    assert MonitoringYear.objects.get(academic_year=Y).published
    assert client.post(reverse("monitoring:recompute"), {"academic_year": Y}).status_code == 403
    weights = {"note": "", "partners__weight": "1", "partners__lower": "0", "partners__upper": "5"}
    assert client.post(reverse("monitoring:manage"), weights).status_code == 403
    assert IndexWeightChange.objects.count() == 1
    assert IndicatorValue.objects.filter(academic_year=Y).count() == public


def test_the_heat_map_shows_every_indicator_of_every_organisation(
    client, computed, methodologist, municipality
):
    client.force_login(methodologist)
    response = client.get(reverse("monitoring:municipality", args=[municipality.pk]), {"year": Y})
    heat = response.context["overview"]["heat"]
    assert heat["chart"]["x"][0] == heat["table"].headers[1]  # the index first, then the indicators
    assert len(heat["chart"]["x"]) == 3 and heat["chart"]["y"] == [computed["a"].short_name]
    assert len(heat["chart"]["data"]) == 3
    assert all(0 <= score <= 100 for _x, _y, score in heat["chart"]["data"])
    assert b'id="heat-table"' in response.content
    export = client.get(
        reverse("monitoring:municipality", args=[municipality.pk]), {"year": Y, "export": "heatmap"}
    )
    assert export.content[:2] == b"PK"


def test_campaign_completion_counts_the_states_and_the_overdue(
    client, computed, methodologist, coordinator, municipality, org_a
):
    import datetime

    from novator.monitoring import campaigns
    from novator.organizations.tests.factories import OrganizationFactory

    late = OrganizationFactory(municipality=municipality)
    campaign = campaigns.campaign_create(
        actor=methodologist,
        title="Сбор 2023/24",
        academic_year=Y,
        due_on=datetime.date(2024, 6, 1),
        element_codes=["teachers", "partners"],
        organizations=[org_a, late],
    )
    response = campaign.responses.get(organization=org_a)
    campaigns.response_save(actor=coordinator, response=response, values={"teachers": "10", "partners": "1"})
    campaigns.response_transition(actor=coordinator, response=response, name="submit")
    client.force_login(methodologist)
    page = client.get(reverse("monitoring:municipality", args=[municipality.pk]), {"year": Y})
    completion = page.context["overview"]["completion"]
    # campaign, due, organisations, approved, submitted, returned, not submitted, overdue, approved %
    assert completion["table"].rows == [["Сбор 2023/24", "01.06.2024", 2, 0, 1, 0, 1, 1, 0.0]]
    assert completion["chart"]["submitted"] == [1] and completion["chart"]["draft"] == [1]
    other_year = client.get(reverse("monitoring:municipality", args=[municipality.pk]), {"year": Y0})
    assert other_year.context["overview"]["completion"]["table"].rows == []


def test_what_moved_the_index_adds_up_to_its_change(client, computed, coordinator, org_a):
    client.force_login(coordinator)
    response = client.get(reverse("monitoring:organization", args=[org_a.pk]), {"year": Y})
    moved = response.context["profile"]["moved"]
    assert moved["previous"] == Y0
    rows = moved["table"].rows
    total = rows[-1]
    assert total[3] == pytest.approx(total[2] - total[1])
    assert sum(r[3] for r in rows[:-1]) == pytest.approx(total[3], abs=0.02)
    assert total[3] > 0  # org_a's values doubled
    first_year = client.get(reverse("monitoring:organization", args=[org_a.pk]), {"year": Y0})
    assert first_year.context["profile"]["moved"] is None
    export = client.get(reverse("monitoring:organization", args=[org_a.pk]), {"year": Y, "export": "moved"})
    assert export.content[:2] == b"PK"


def test_the_one_page_summaries_are_pdfs(client, computed, methodologist, municipality, region, org_a):
    _publish()
    client.force_login(methodologist)
    response = client.get(reverse("monitoring:municipality_summary", args=[municipality.pk]), {"year": Y})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    context = response.context
    assert [r[1] for r in context["bars"]] == [org_a.short_name]
    region_pdf = client.get(reverse("monitoring:region_summary", args=[region.pk]), {"year": Y})
    assert region_pdf.status_code == 200 and region_pdf.content[:5] == b"%PDF-"


def test_the_public_summary_has_no_organisations_and_needs_a_published_year(
    client, computed, municipality, org_a
):
    url = reverse("monitoring:municipality_summary", args=[municipality.pk])
    assert client.get(url).status_code == 404  # nothing published yet
    _publish()
    response = client.get(url, {"year": Y})
    assert response.status_code == 200
    assert "bars" not in response.context
    assert org_a.short_name not in str(response.context["medians"].rows)
    assert client.get(url, {"year": Y0}).context["year"].academic_year == Y  # unpublished year not shown


def test_the_summary_keeps_to_one_page_with_many_organisations(computed, methodologist, municipality):
    from novator.monitoring import selectors, summary

    for i in range(40):
        org = OrganizationFactory(
            municipality=municipality, short_name=f"МБДОУ детский сад № {i} «Колокольчик» ст. Новобейсугской"
        )
        record(org, Y, 10, i % 10, i % 7)
        record(org, Y0, 10, i % 5, i % 3)
    for year in (Y0, Y):
        services.values_recompute(actor=None, academic_year=year)
    years = list(selectors.years_visible_to(methodologist))
    year, previous = years[0], years[1]
    overview = selectors.municipality_overview(municipality, year, previous, detail=True)
    context = summary.municipality_summary(municipality, year, previous, overview)
    context.update(method_url="http://testserver/monitoring/method/", page_url="http://testserver/")
    assert len(context["bars"]) == summary.MAX_ROWS and context["more"] == 41 - summary.MAX_ROWS
    assert len(summary.document(context).pages) == 1


def test_the_public_and_coordinator_pages_query_counts_are_fixed(
    client, computed, coordinator, municipality, region, org_a, django_assert_num_queries
):
    _publish()
    public = [
        (reverse("monitoring:home"), 5),  # regions, years, indicators, two reads
        (reverse("monitoring:municipality", args=[municipality.pk]), 4),
        (reverse("monitoring:method"), 3),
        (reverse("monitoring:municipality_summary", args=[municipality.pk]), 5),
    ]

    def check() -> None:
        client.logout()
        for url, count in public:
            with django_assert_num_queries(count):
                assert client.get(url).status_code == 200, url
        client.force_login(coordinator)
        url = reverse("monitoring:organization", args=[org_a.pk])
        client.get(url)
        with django_assert_num_queries(9):  # session, user, roles, organisation, years, 4 reads
            assert client.get(url).status_code == 200

    check()
    for _ in range(10):
        record(OrganizationFactory(municipality=municipality), Y, 10, 5, 5)
    services.values_recompute(actor=None, academic_year=Y)
    check()


def test_equal_places_are_listed_by_name_whatever_the_rows_ids(computed, methodologist, municipality):
    """A recomputation keeps the rows that stay and adds the new ones: the ids say nothing of the order."""
    from novator.monitoring import selectors

    late = OrganizationFactory(municipality=municipality, short_name="А-школа")  # first by name, last by id
    early = OrganizationFactory(municipality=municipality, short_name="Я-школа")
    record(early, Y, 10, 5, 5)
    services.values_recompute(actor=None, academic_year=Y)
    record(late, Y, 10, 5, 5)  # the same data: the same index, the same place
    services.values_recompute(actor=None, academic_year=Y)
    years = list(selectors.years_visible_to(methodologist))
    overview = selectors.municipality_overview(municipality, years[0], years[1], detail=True)
    rows = [(r.rank, r.organization.short_name) for r in overview["ranked"]]
    tied = [name for rank, name in rows if name in ("А-школа", "Я-школа")]
    assert tied == ["А-школа", "Я-школа"]
    assert len({rank for rank, name in rows if name in tied}) == 1
