from __future__ import annotations

import pytest
from django.urls import reverse

from novator.core.models import ActivityLog
from novator.organizations.models import Organization
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

LIST = reverse("organizations:list")


def test_registry_is_public_and_lists_organisations(client, org_a, org_b):
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert org_a.short_name in body
    assert org_b.short_name in body


def test_search_is_case_and_yo_insensitive(client, municipality):
    OrganizationFactory(municipality=municipality, short_name="МБДОУ детский сад № 7 «Берёзка»")
    OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 2")
    for query in ("БЕРЕЗКА", "берёзка", "Березка"):
        body = client.get(LIST, {"q": query}).content.decode()
        assert "Берёзка" in body, query
        assert "МБОУ СОШ № 2" not in body


def test_filter_by_municipality_and_kind(client, org_a, org_b, municipality):
    dou = OrganizationFactory(municipality=municipality, preschool=True)
    body = client.get(LIST, {"municipality": municipality.pk, "kind": "preschool"}).content.decode()
    assert dou.short_name in body
    assert org_a.short_name not in body
    assert org_b.short_name not in body


def test_bad_filter_values_do_not_break_the_page(client, org_a):
    response = client.get(LIST, {"municipality": "abc", "kind": "<script>", "page": "999", "sort": "drop"})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_sorting_by_inn_descending(client, municipality):
    orgs = OrganizationFactory.create_batch(3, municipality=municipality)
    body = client.get(LIST, {"sort": "-inn"}).content.decode()
    positions = [body.index(o.inn) for o in sorted(orgs, key=lambda o: o.inn, reverse=True)]
    assert positions == sorted(positions)


def test_pagination(client, municipality):
    OrganizationFactory.create_batch(30, municipality=municipality)
    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()
    assert first.count("<tr>") - 1 == 25
    assert second.count("<tr>") - 1 == 5


@pytest.mark.parametrize("count", [5, 40])
def test_registry_query_count_does_not_grow(client, municipality, django_assert_max_num_queries, count):
    parent = OrganizationFactory(municipality=municipality)
    OrganizationFactory.create_batch(count, municipality=municipality, parent=parent)
    # regions + municipalities offered (organizations.filters), status kinds, count, page
    with django_assert_max_num_queries(5):
        assert client.get(LIST).status_code == 200


def test_detail_shows_staff_only_to_those_who_need_it(client, org_a, coordinator, coordinator_b, observer):
    person = PersonFactory(organization=org_a, last_name="Кузнецова")
    url = reverse("organizations:detail", args=[org_a.pk])
    assert "Кузнецова" not in client.get(url).content.decode()
    client.force_login(coordinator_b)
    assert "Кузнецова" not in client.get(url).content.decode()
    client.force_login(observer)
    assert "Кузнецова" not in client.get(url).content.decode()
    client.force_login(coordinator)
    assert person.last_name in client.get(url).content.decode()


def test_detail_404_for_missing(client, db):
    assert client.get(reverse("organizations:detail", args=[999999])).status_code == 404


def test_methodologist_edits_and_history_records_it(client, methodologist, org_a):
    client.force_login(methodologist)
    url = reverse("organizations:edit", args=[org_a.pk])
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "full_name": org_a.full_name,
        "short_name": "МБОУ СОШ № 1 им. Героя ст. Выселки",
        "municipality": org_a.municipality_id,
        "kind": org_a.kind,
        "subtype": org_a.subtype,
        "inn": org_a.inn,
        "ogrn": org_a.ogrn,
        "kpp": org_a.kpp,
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.short_name == "МБОУ СОШ № 1 им. Героя ст. Выселки"
    history = client.get(reverse("organizations:history", args=[org_a.pk])).content.decode()
    assert "organization.update" in history
    assert "МБОУ СОШ № 1 им. Героя ст. Выселки" in history


def test_edit_with_wrong_inn_shows_message_and_changes_nothing(client, methodologist, org_a):
    client.force_login(methodologist)
    bad = org_a.inn[:-1] + str((int(org_a.inn[-1]) + 1) % 10)
    response = client.post(
        reverse("organizations:edit", args=[org_a.pk]),
        {
            "full_name": org_a.full_name,
            "short_name": "X",
            "municipality": org_a.municipality_id,
            "kind": org_a.kind,
            "subtype": org_a.subtype,
            "inn": bad,
            "ogrn": org_a.ogrn,
            "is_active": "on",
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 200
    assert "контрольн" in response.content.decode() or "check digit" in response.content.decode()
    org_a.refresh_from_db()
    assert org_a.short_name != "X"
    assert not ActivityLog.objects.filter(action="organization.update").exists()


def test_coordinator_sees_limited_form_and_cannot_touch_other_org(client, coordinator, org_a, org_b):
    client.force_login(coordinator)
    body = client.get(reverse("organizations:edit", args=[org_a.pk])).content.decode()
    assert 'name="phone"' in body
    assert 'name="inn"' not in body
    assert client.get(reverse("organizations:edit", args=[org_b.pk])).status_code == 403
    assert client.post(reverse("organizations:edit", args=[org_b.pk]), {"phone": "1"}).status_code == 403


def test_anonymous_is_sent_to_login_for_edit(client, org_a):
    response = client.get(reverse("organizations:edit", args=[org_a.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("who", ["teacher", "expert", "observer", "coordinator"])
def test_only_methodologists_and_admins_create(client, request, who, municipality):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("organizations:create")).status_code == 403


def test_methodologist_cannot_create_in_other_municipality(client, methodologist, other_municipality):
    client.force_login(methodologist)
    from novator.organizations.identifiers import make_inn, make_ogrn

    response = client.post(
        reverse("organizations:create"),
        {
            "full_name": "Школа",
            "short_name": "Школа",
            "municipality": other_municipality.pk,
            "kind": "school",
            "subtype": "sosh",
            "inn": make_inn("2321", 5),
            "ogrn": make_ogrn(5, "23", 5),
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert not Organization.objects.filter(short_name="Школа").exists()


def test_script_in_text_is_shown_as_text(client, methodologist, org_a):
    client.force_login(methodologist)
    payload = '<script>alert("x")</script>'
    client.post(
        reverse("organizations:edit", args=[org_a.pk]),
        {
            "full_name": org_a.full_name,
            "short_name": org_a.short_name,
            "municipality": org_a.municipality_id,
            "kind": org_a.kind,
            "subtype": org_a.subtype,
            "inn": org_a.inn,
            "ogrn": org_a.ogrn,
            "address": payload,
            "is_active": "on",
        },
    )
    org_a.refresh_from_db()
    assert org_a.address == payload
    body = client.get(reverse("organizations:detail", args=[org_a.pk])).content.decode()
    assert payload not in body
    assert "&lt;script&gt;" in body


def test_person_publication_consent_requires_processing_consent(client, coordinator, org_a):
    client.force_login(coordinator)
    response = client.post(
        reverse("organizations:person_create", args=[org_a.pk]),
        {
            "last_name": "Орлова",
            "first_name": "Ирина",
            "position": "учитель",
            "publication_consent_on": "2024-09-01",
        },
    )
    assert response.status_code == 200
    assert not org_a.staff.exists()
    response = client.post(
        reverse("organizations:person_create", args=[org_a.pk]),
        {
            "last_name": "Орлова",
            "first_name": "Ирина",
            "position": "учитель",
            "processing_consent_on": "2024-09-01",
            "publication_consent_on": "2024-09-01",
        },
    )
    assert response.status_code == 302
    assert org_a.staff.get().last_name == "Орлова"


def test_coordinator_of_other_org_cannot_add_staff(client, coordinator_b, org_a):
    client.force_login(coordinator_b)
    response = client.post(
        reverse("organizations:person_create", args=[org_a.pk]),
        {"last_name": "Х", "first_name": "Y", "position": "z"},
    )
    assert response.status_code == 403
    assert not org_a.staff.exists()
