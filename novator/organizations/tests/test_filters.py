"""The municipality filters (`novator.organizations.filters`): every municipality up to the limit;
above it a region filter and only the municipalities of the chosen region or of the user's scope
(plus the chosen one), the filter still working for any municipality."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse
from lxml import html as lxml_html

from novator.contests.forms import ContestForm
from novator.events.tests.factories import EventFactory
from novator.organizations import filters
from novator.organizations.forms import OrganizationForm
from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory, RegionFactory
from novator.statuses.tests.factories import StatusAssignmentFactory

pytestmark = pytest.mark.django_db


def _options(response, name):
    doc = lxml_html.fromstring(response.content.decode())
    return [o.get("value") for o in doc.xpath(f'//select[@name="{name}"]/option') if o.get("value")]


@pytest.fixture
def country(municipality, other_municipality, monkeypatch):
    """Two regions with four municipalities, above a limit of three."""
    monkeypatch.setattr(filters, "MUNICIPALITY_CHOICES_LIMIT", 3)
    far = RegionFactory(code="45", name="Москва")
    return {
        "far": far,
        "far_a": MunicipalityFactory(region=far, oktmo="45300000", name="Арбат"),
        "far_b": MunicipalityFactory(region=far, oktmo="45301000", name="Басманный"),
    }


def test_small_deployment_lists_every_municipality_and_no_region(client, municipality, other_municipality):
    response = client.get(reverse("statuses:register"))
    assert set(_options(response, "municipality")) == {"03612000", "03654000"}
    assert _options(response, "region") == []


def test_register_above_the_limit_offers_regions_and_the_chosen_regions_municipalities(
    client, country, municipality
):
    StatusAssignmentFactory(organization=OrganizationFactory(municipality=municipality))
    far_status = StatusAssignmentFactory(organization=OrganizationFactory(municipality=country["far_a"]))
    url = reverse("statuses:register")
    response = client.get(url)
    assert set(_options(response, "region")) == {"03", "45"}
    assert _options(response, "municipality") == []  # an anonymous visitor has no municipalities
    response = client.get(url, {"region": "45"})
    assert _options(response, "municipality") == ["45300000", "45301000"]
    assert [a.pk for a in response.context["page"].object_list] == [far_status.pk]  # the region filters
    # a municipality from a link still filters and shows as chosen
    response = client.get(url, {"municipality": "03612000"})
    assert _options(response, "municipality") == ["03612000"]
    assert far_status.pk not in [a.pk for a in response.context["page"].object_list]
    assert not response.context["form"].errors
    # a region that does not exist is refused with a message and filters nothing
    response = client.get(url, {"region": "99"})
    assert "region" in response.context["form"].errors
    assert len(response.context["page"].object_list) == 2


def test_register_offers_a_methodologists_own_municipalities(client, country, methodologist, municipality):
    client.force_login(methodologist)
    response = client.get(reverse("statuses:register"))
    assert _options(response, "municipality") == [municipality.oktmo]


def test_events_above_the_limit(client, country, org_a):
    far_org = OrganizationFactory(municipality=country["far_b"])
    here, far = EventFactory(organizers=[org_a]), EventFactory(organizers=[far_org])
    url = reverse("events:list")
    response = client.get(url)
    assert set(_options(response, "region")) == {"03", "45"}
    assert _options(response, "municipality") == []
    response = client.get(url, {"region": "45"})
    assert _options(response, "municipality") == [str(country["far_a"].pk), str(country["far_b"].pk)]
    assert [e.pk for e in response.context["page"].object_list] == [far.pk]
    response = client.get(url, {"municipality": org_a.municipality_id})
    assert _options(response, "municipality") == [str(org_a.municipality_id)]
    assert [e.pk for e in response.context["page"].object_list] == [here.pk]


def test_contest_form_offers_the_organisers_region(country, admin_user, methodologist, municipality):
    form = ContestForm(user=methodologist)
    offered = [value for value, _label in form.fields["eligible_municipalities"].widget.choices]
    assert set(offered) == set(municipality.region.municipalities.values_list("pk", flat=True))
    # an administrator creating a contest in a multi-region deployment: nothing but what is chosen
    form = ContestForm(user=admin_user)
    assert list(form.fields["eligible_municipalities"].widget.choices) == []
    organiser = [v for v, _label in form.fields["organiser_municipality"].widget.choices if v]
    assert organiser == []
    form = ContestForm(QueryDict(f"organiser_region={country['far'].pk}"), user=admin_user)
    offered = [value for value, _label in form.fields["eligible_municipalities"].widget.choices]
    assert offered == [country["far_a"].pk, country["far_b"].pk]


REGISTRY = reverse("organizations:list")


def test_registry_small_deployment_lists_every_municipality_and_no_region(
    client, municipality, other_municipality
):
    response = client.get(REGISTRY)
    assert set(_options(response, "municipality")) == {str(municipality.pk), str(other_municipality.pk)}
    assert _options(response, "region") == []


def test_registry_above_the_limit_offers_regions_and_the_chosen_regions_municipalities(
    client, country, municipality
):
    here = OrganizationFactory(municipality=municipality)
    far = OrganizationFactory(municipality=country["far_a"])
    response = client.get(REGISTRY)
    assert set(_options(response, "region")) == {"03", "45"}
    assert _options(response, "municipality") == []  # an anonymous visitor has no municipalities
    response = client.get(REGISTRY, {"region": "45"})
    assert _options(response, "municipality") == [str(country["far_a"].pk), str(country["far_b"].pk)]
    assert [o.pk for o in response.context["page"].object_list] == [far.pk]  # the region filters
    # a municipality from an old link (by id) still filters and shows as chosen
    response = client.get(REGISTRY, {"municipality": municipality.pk})
    assert _options(response, "municipality") == [str(municipality.pk)]
    assert [o.pk for o in response.context["page"].object_list] == [here.pk]
    assert not response.context["form"].errors
    doc = lxml_html.fromstring(response.content.decode())
    assert doc.xpath('//select[@name="municipality"]/option[@selected]/@value') == [str(municipality.pk)]
    # a region that does not exist is refused with a message and filters nothing
    response = client.get(REGISTRY, {"region": "99"})
    assert "region" in response.context["form"].errors
    assert {o.pk for o in response.context["page"].object_list} == {here.pk, far.pk}
    # a municipality that does not exist: refused, the other filters still apply
    response = client.get(REGISTRY, {"municipality": "999999", "region": "45"})
    assert "municipality" in response.context["form"].errors
    assert [o.pk for o in response.context["page"].object_list] == [far.pk]


def test_registry_offers_a_methodologists_own_municipalities(client, country, methodologist, municipality):
    client.force_login(methodologist)
    response = client.get(REGISTRY)
    assert _options(response, "municipality") == [str(municipality.pk)]


@pytest.mark.parametrize("extra", [0, 20])
def test_registry_query_count_above_the_limit_does_not_grow(
    client, country, municipality, django_assert_num_queries, extra
):
    for m in (municipality, country["far_a"], country["far_b"]):
        OrganizationFactory.create_batch(2 + extra // 3, municipality=m)
    for _i in range(extra):
        MunicipalityFactory(region=country["far"])
    with django_assert_num_queries(5):  # regions, municipalities, status kinds, count, page
        assert client.get(REGISTRY, {"region": "45"}).status_code == 200


def test_registry_export_keeps_the_filters(client, country, municipality):
    here = OrganizationFactory(municipality=municipality, short_name="Здешняя школа")
    far = OrganizationFactory(municipality=country["far_a"], short_name="Далёкая школа")
    url = reverse("organizations:export")
    body = b"".join(client.get(url, {"format": "csv", "region": "45"}).streaming_content).decode()
    assert far.short_name in body and here.short_name not in body
    body = b"".join(
        client.get(url, {"format": "csv", "municipality": municipality.pk}).streaming_content
    ).decode()
    assert here.short_name in body and far.short_name not in body


def test_organisation_form_offers_the_organisations_region_and_the_current_value(
    client, country, admin_user, methodologist, municipality, other_municipality, org_a
):
    other_region = MunicipalityFactory(region=country["far"], oktmo="45302000", name="Замоскворечье")
    org_a.municipality = other_region
    org_a.save()
    form = OrganizationForm(instance=org_a, user=methodologist)
    offered = {str(v) for v, _label in form.fields["municipality"].widget.choices if v}
    # the methodologist's own municipality, the organisation's region (Москва), not the whole country
    assert offered == {str(municipality.pk), *(str(m.pk) for m in country["far"].municipalities.all())}
    assert str(other_municipality.pk) not in offered
    # the edit page renders the scoped list
    client.force_login(admin_user)
    response = client.get(reverse("organizations:edit", args=[org_a.pk]))
    assert response.status_code == 200
    assert str(other_region.pk) in _options(response, "municipality")
    assert str(other_municipality.pk) not in _options(response, "municipality")
    # a municipality outside the list is still validated (by id), the service checks the right to it
    form = OrganizationForm({"municipality": other_municipality.pk}, instance=org_a, user=methodologist)
    form.is_valid()
    assert "municipality" not in form.errors
    # an administrator adding an organisation, with no scope of their own: every municipality
    form = OrganizationForm(user=admin_user)
    assert len(list(form.fields["municipality"].widget.choices)) == 1 + 5


def test_projects_above_the_limit(client, country, org_a):
    from novator.projects.tests.test_projects import make_project

    far_org = OrganizationFactory(municipality=country["far_b"])
    here, far = make_project(org_a), make_project(far_org)
    url = reverse("projects:list")
    response = client.get(url)
    assert set(_options(response, "region")) == {"03", "45"}
    assert _options(response, "municipality") == []
    response = client.get(url, {"region": "45"})
    assert _options(response, "municipality") == ["45300000", "45301000"]
    assert [p.pk for p in response.context["page"].object_list] == [far.pk]
    response = client.get(url, {"municipality": org_a.municipality.oktmo})
    assert _options(response, "municipality") == [org_a.municipality.oktmo]
    assert [p.pk for p in response.context["page"].object_list] == [here.pk]
    for bad in ("99", "<b>", "1"):
        response = client.get(url, {"region": bad})
        assert response.status_code == 200 and "<b>" not in response.content.decode()
        assert {p.pk for p in response.context["page"].object_list} == {here.pk, far.pk}


def test_projects_of_a_small_deployment_offer_every_municipality_and_no_region(client, org_a):
    response = client.get(reverse("projects:list"))
    assert _options(response, "region") == []
    assert org_a.municipality.oktmo in _options(response, "municipality")
