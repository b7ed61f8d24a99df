from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from novator.accounts.tests.factories import api_token_for
from novator.core.models import ActivityLog
from novator.organizations.identifiers import make_inn, make_ogrn
from novator.organizations.models import Municipality, Organization
from novator.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/organizations/"
MUNICIPALITIES = "/api/v1/municipalities/"


def detail(org: Any) -> str:
    return f"{ORGS}{org.pk}/"


@pytest.fixture
def api() -> APIClient:
    """An API client that asks for English messages (the default language is Russian)."""
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def as_user(client: APIClient, user: Any) -> APIClient:
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def new_org(municipality: Municipality, /, **over: Any) -> dict[str, Any]:
    data = {
        "municipality": municipality.oktmo,
        "full_name": "Муниципальное бюджетное дошкольное образовательное учреждение детский сад № 5",
        "short_name": "МБДОУ детский сад № 5",
        "kind": "preschool",
        "subtype": "dou",
        "inn": make_inn("2328", 777),
        "ogrn": make_ogrn(3, "23", 4444),
    }
    data.update(over)
    return data


# --- reading -----------------------------------------------------------------------------------------


def test_list_is_public_and_paginated(api, municipality):
    OrganizationFactory.create_batch(5, municipality=municipality)
    response = api.get(ORGS, {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert "page=2" in body["next"]
    last = api.get(ORGS, {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1
    assert last["next"] is None


def test_list_item_has_the_documented_fields(api, org_a, municipality):
    branch: Any = OrganizationFactory(municipality=municipality, parent=org_a)
    item = api.get(detail(branch)).json()
    assert item == {
        "id": branch.pk,
        "inn": branch.inn,
        "ogrn": branch.ogrn,
        "kpp": branch.kpp,
        "kind": "school",
        "subtype": "sosh",
        "short_name": branch.short_name,
        "full_name": branch.full_name,
        "municipality": "03612000",
        "address": branch.address,
        "head_name": branch.head_name,
        "head_position": branch.head_position,
        "phone": "",
        "email": "",
        "website": "",
        "parent": org_a.pk,
        "parent_inn": org_a.inn,
        "parent_kpp": org_a.kpp,
        "is_active": True,
        "closed_on": None,
        "updated_at": item["updated_at"],
    }
    assert item["updated_at"]


def test_unknown_or_malformed_id_is_404(api, org_a):
    assert api.get(f"{ORGS}{org_a.pk + 1000}/").status_code == 404
    assert api.get(f"{ORGS}abc/").status_code == 404
    assert api.get(f"{ORGS}{10**30}/").status_code == 404


def test_filter_by_municipality_kind_subtype_and_state(api, org_a, org_b, municipality):
    dou = OrganizationFactory(municipality=municipality, preschool=True)
    closed = OrganizationFactory(municipality=municipality, closed=True)

    def names(**params: str) -> set[str]:
        response = api.get(ORGS, params)
        assert response.status_code == 200, response.json()
        return {o["short_name"] for o in response.json()["results"]}

    assert names(municipality="03612000") == {org_a.short_name, dou.short_name, closed.short_name}
    assert names(municipality="03654000") == {org_b.short_name}
    assert names(municipality="99999999") == set()
    assert names(municipality="03612000", kind="preschool") == {dou.short_name}
    assert names(subtype="dou") == {dou.short_name}
    assert names(municipality="03612000", active="false") == {closed.short_name}
    assert closed.short_name not in names(active="true")


def test_search_is_case_and_yo_insensitive(api, municipality):
    berezka: Any = OrganizationFactory(
        municipality=municipality, short_name="МБДОУ детский сад № 7 «березка»"
    )
    OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 2")
    for query in ("БЕРЁЗКА", "Берёзка", "березка", "САД БЕРЁЗ"):
        results = api.get(ORGS, {"search": query}).json()["results"]
        assert [o["id"] for o in results] == [berezka.pk], query


def test_search_finds_by_inn(api, org_a, org_b):
    results = api.get(ORGS, {"search": org_b.inn}).json()["results"]
    assert [o["id"] for o in results] == [org_b.pk]


@pytest.mark.parametrize(
    ("ordering", "key", "reverse"),
    [("short_name", "short_name", False), ("-short_name", "short_name", True), ("inn", "inn", False)],
)
def test_ordering(api, municipality, ordering, key, reverse):
    for name in ("Бета", "Альфа", "Гамма"):
        OrganizationFactory(municipality=municipality, short_name=name)
    values = [o[key] for o in api.get(ORGS, {"ordering": ordering}).json()["results"]]
    assert values == sorted(values, reverse=reverse)


def test_ordering_by_update_time(api, municipality, methodologist):
    first, second = OrganizationFactory.create_batch(2, municipality=municipality)
    as_user(api, methodologist).patch(detail(first), {"phone": "+7 861 000-00-00"}, format="json")
    newest_first = [o["id"] for o in api.get(ORGS, {"ordering": "-updated_at"}).json()["results"]]
    assert newest_first == [first.pk, second.pk]
    oldest_first = [o["id"] for o in api.get(ORGS, {"ordering": "updated_at"}).json()["results"]]
    assert oldest_first == [second.pk, first.pk]


@pytest.mark.parametrize(
    "params",
    [{"kind": "castle"}, {"active": "maybe"}, {"ordering": "password"}, {"municipality": "1" * 50}],
)
def test_bad_filter_values_are_400_naming_the_parameter(api, org_a, params):
    response = api.get(ORGS, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_empty_filter_parameters_mean_no_filter(api, org_a, org_b):
    params = {"municipality": "", "kind": "", "subtype": "", "active": "", "search": "", "ordering": ""}
    response = api.get(ORGS, params)
    assert response.status_code == 200
    assert response.json()["count"] == 2


@pytest.mark.parametrize("count", [5, 40])
def test_list_query_count_does_not_grow(
    api, municipality, methodologist, django_assert_max_num_queries, count
):
    parent = OrganizationFactory(municipality=municipality)
    OrganizationFactory.create_batch(count, municipality=municipality, parent=parent)
    # anonymous: count + page
    with django_assert_max_num_queries(2):
        response = api.get(ORGS, {"search": "мбоу", "municipality": "03612000"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == count + 1
    # with a token: + the token and its user
    as_user(api, methodologist)
    with django_assert_max_num_queries(3):
        assert api.get(ORGS).status_code == 200


# --- creating ----------------------------------------------------------------------------------------


def test_methodologist_creates_in_own_municipality(api, methodologist, municipality):
    response = as_user(api, methodologist).post(ORGS, new_org(municipality), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    org = Organization.objects.get(pk=body["id"])
    assert body["municipality"] == "03612000"
    assert body["short_name"] == org.short_name == "МБДОУ детский сад № 5"
    assert org.search_text.startswith("мбдоу детский сад № 5")
    assert ActivityLog.objects.get(object_id=str(org.pk)).actor == methodologist


def test_methodologist_cannot_create_in_another_municipality(api, methodologist, other_municipality):
    response = as_user(api, methodologist).post(ORGS, new_org(other_municipality), format="json")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Organization.objects.exists()


@pytest.mark.parametrize("role", ["teacher", "expert", "observer", "coordinator"])
def test_other_roles_cannot_create(api, request, municipality, role):
    user = request.getfixturevalue(role)
    before = Organization.objects.count()
    response = as_user(api, user).post(ORGS, new_org(municipality), format="json")
    assert response.status_code == 403
    assert "methodologist" in response.json()["detail"]
    assert Organization.objects.count() == before


def test_anonymous_cannot_write(api, municipality, org_a):
    assert api.post(ORGS, new_org(municipality), format="json").status_code == 401
    assert api.patch(detail(org_a), {"phone": "1"}, format="json").status_code == 401
    assert api.post(MUNICIPALITIES, {"region": "03", "name": "X", "oktmo": "03600000"}).status_code == 401
    assert Organization.objects.count() == 1


def test_put_and_delete_are_not_offered(api, methodologist, org_a):
    as_user(api, methodologist)
    assert api.put(detail(org_a), {}, format="json").status_code == 405
    assert api.delete(detail(org_a)).status_code == 405
    assert Organization.objects.filter(pk=org_a.pk).exists()


@pytest.mark.parametrize(
    ("over", "field", "fragment"),
    [
        ({"inn": "2328000771"}, "inn", "check digit"),
        ({"inn": "23280A0771"}, "inn", "digits only"),
        ({"ogrn": "102230000000"}, "ogrn", "13 digits"),
        ({"ogrn": "10223000000001"}, "ogrn", "no more than 13"),
        ({"kpp": "12"}, "kpp", "9 characters"),
        ({"subtype": "sosh"}, "subtype", "does not belong"),
        ({"kind": "castle"}, "kind", "not a valid choice"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"municipality": "99999999"}, "municipality", "no municipality with OKTMO “99999999”"),
        ({"municipality": "9" * 500}, "municipality", "no more than 11"),
        ({"parent": 10**6}, "parent", "no organisation with id"),
        ({"parent": "abc"}, "parent", "incorrect type"),
        ({"parent": 10**30}, "parent", "no organisation with id"),
        ({"closed_on": "31.02.2024"}, "closed_on", "wrong format"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_nothing_is_created(
    api, methodologist, municipality, over, field, fragment
):
    response = as_user(api, methodologist).post(ORGS, new_org(municipality, **over), format="json")
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field], errors
    assert fragment.lower() in " ".join(errors[field]).lower()
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"short_name": 12345}, "short_name"),
        ({"inn": 105012345}, "inn"),  # a number would lose the leading zero of ИНН 0105012345
        ({"municipality": 3612000}, "municipality"),
        ({"short_name": ["МБДОУ"]}, "short_name"),
        ({"full_name": {"ru": "x"}}, "full_name"),
        ({"short_name": "Я" * 100_000}, "short_name"),
        ({"short_name": None}, "short_name"),
        ({"short_name": ""}, "short_name"),
        ({"is_active": "perhaps"}, "is_active"),
    ],
)
def test_wrong_types_are_400(api, methodologist, municipality, over, field):
    response = as_user(api, methodologist).post(ORGS, new_org(municipality, **over), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Organization.objects.exists()


def test_missing_fields_and_a_body_that_is_not_an_object(api, methodologist):
    as_user(api, methodologist)
    response = api.post(ORGS, {}, format="json")
    assert response.status_code == 400
    assert {"inn", "ogrn", "kind", "subtype", "short_name", "full_name", "municipality"} <= set(
        response.json()
    )
    assert api.post(ORGS, [1, 2], format="json").status_code == 400
    bad_json = api.post(ORGS, "{not json", content_type="application/json")
    assert bad_json.status_code == 400


def test_duplicate_inn_is_400(api, methodologist, municipality, org_a):
    response = as_user(api, methodologist).post(ORGS, new_org(municipality, inn=org_a.inn), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["inn"]


def test_errors_come_in_russian_by_default(methodologist, municipality):
    client = as_user(APIClient(), methodologist)
    response = client.post(ORGS, new_org(municipality, short_name=""), format="json")
    assert response.status_code == 400
    assert re.search("[а-яА-Я]", response.json()["short_name"][0])


def test_markup_is_stored_as_text_and_returned_as_a_json_string(api, methodologist, municipality):
    script = '<script>alert("x")</script> & «Школа»'
    response = as_user(api, methodologist).post(
        ORGS, new_org(municipality, short_name=script, address="<img src=x onerror=alert(1)>"), format="json"
    )
    assert response.status_code == 201
    assert response["Content-Type"].startswith("application/json")
    org = Organization.objects.get()
    assert org.short_name == script
    again = api.get(detail(org)).json()
    assert again["short_name"] == script
    assert again["address"] == "<img src=x onerror=alert(1)>"


# --- changing ----------------------------------------------------------------------------------------


def test_coordinator_changes_own_contacts(api, coordinator, org_a):
    response = as_user(api, coordinator).patch(
        detail(org_a), {"phone": "+7 (86157) 7-11-11", "email": "school1@example.org"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["phone"] == "+7 (86157) 7-11-11"
    org_a.refresh_from_db()
    assert org_a.phone == "+7 (86157) 7-11-11"
    assert org_a.email == "school1@example.org"


def test_coordinator_cannot_rename_own_organisation(api, coordinator, org_a):
    response = as_user(api, coordinator).patch(detail(org_a), {"short_name": "Новое имя"}, format="json")
    assert response.status_code == 403
    assert "short_name" in response.json()["detail"]
    org_a.refresh_from_db()
    assert org_a.short_name == "МБОУ СОШ № 1 ст. Выселки"


def test_coordinator_cannot_change_another_organisation(api, coordinator, org_b):
    response = as_user(api, coordinator).patch(detail(org_b), {"phone": "1"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"]
    org_b.refresh_from_db()
    assert org_b.phone == ""


@pytest.mark.parametrize("role", ["teacher", "expert", "observer"])
def test_other_roles_cannot_change(api, request, org_a, role):
    response = as_user(api, request.getfixturevalue(role)).patch(detail(org_a), {"phone": "1"}, format="json")
    assert response.status_code == 403
    org_a.refresh_from_db()
    assert org_a.phone == ""


def test_methodologist_changes_organisation_of_own_municipality(api, methodologist, org_a):
    response = as_user(api, methodologist).patch(
        detail(org_a), {"short_name": "МБОУ СОШ № 1 им. Героя", "is_active": False}, format="json"
    )
    assert response.status_code == 200, response.json()
    org_a.refresh_from_db()
    assert org_a.short_name == "МБОУ СОШ № 1 им. Героя"
    assert not org_a.is_active
    assert ActivityLog.objects.filter(action="organization.update", object_id=str(org_a.pk)).exists()


def test_methodologist_cannot_change_or_move_outside_own_municipalities(
    api, methodologist, org_a, org_b, other_municipality
):
    as_user(api, methodologist)
    assert api.patch(detail(org_b), {"phone": "1"}, format="json").status_code == 403
    moved = api.patch(detail(org_a), {"municipality": other_municipality.oktmo}, format="json")
    assert moved.status_code == 403
    org_a.refresh_from_db()
    assert org_a.municipality.oktmo == "03612000"


def test_patch_with_bad_value_is_400_and_changes_nothing(api, methodologist, org_a):
    response = as_user(api, methodologist).patch(
        detail(org_a), {"phone": "+7 000", "ogrn": "1"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["ogrn"]
    org_a.refresh_from_db()
    assert org_a.phone == ""


def test_organisation_cannot_be_its_own_parent(api, methodologist, org_a):
    response = as_user(api, methodologist).patch(detail(org_a), {"parent": org_a.pk}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    org_a.refresh_from_db()
    assert org_a.parent_id is None


# --- municipalities ----------------------------------------------------------------------------------


def test_municipalities_are_public_and_looked_up_by_oktmo(api, municipality, other_municipality):
    body = api.get(MUNICIPALITIES).json()
    assert body["count"] == 2
    item = api.get(f"{MUNICIPALITIES}03612000/").json()
    assert item == {
        "id": municipality.pk,
        "name": "Выселковский район",
        "oktmo": "03612000",
        "region": "03",
        "region_name": "Краснодарский край",
    }
    assert api.get(f"{MUNICIPALITIES}00000000/").status_code == 404


def test_admin_creates_a_municipality(api, admin_user, region):
    data = {"region": "03", "name": "Кореновский район", "oktmo": "03621000"}
    response = as_user(api, admin_user).post(MUNICIPALITIES, data, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["region_name"] == "Краснодарский край"
    assert Municipality.objects.get(oktmo="03621000").name == "Кореновский район"


@pytest.mark.parametrize(
    ("over", "field", "fragment"),
    [
        ({"oktmo": "0362"}, "oktmo", "8 or 11 digits"),
        ({"oktmo": "0362100A"}, "oktmo", "8 or 11 digits"),
        ({"oktmo": "03612000"}, "oktmo", "already exists"),
        ({"region": "99"}, "region", "no region with code «99»"),
        ({"region": 3}, "region", "invalid"),
        ({"name": "Выселковский район"}, "non_field_errors", "already exists"),
    ],
)
def test_bad_municipality_is_400(api, admin_user, municipality, over, field, fragment):
    data = {"region": "03", "name": "Кореновский район", "oktmo": "03621000", **over}
    response = as_user(api, admin_user).post(MUNICIPALITIES, data, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field], response.json()
    assert fragment.lower() in " ".join(response.json()[field]).lower()
    assert Municipality.objects.count() == 1


def test_only_admin_creates_municipalities(api, methodologist, region):
    data = {"region": "03", "name": "Кореновский район", "oktmo": "03621000"}
    response = as_user(api, methodologist).post(MUNICIPALITIES, data, format="json")
    assert response.status_code == 403
    assert "administrator" in response.json()["detail"]
    assert not Municipality.objects.filter(oktmo="03621000").exists()


def test_a_branch_belongs_to_its_parents_municipality(api, methodologist, org_a, org_b, municipality):
    """Issue #20: the Vyselki methodologist created an organisation whose parent was a kindergarten of
    another district; it then showed as that kindergarten's branch."""
    client = as_user(api, methodologist)
    response = client.post(ORGS, new_org(municipality, parent=org_b.pk), format="json")
    assert response.status_code == 403
    assert org_b.short_name in response.json()["detail"]
    assert not org_b.branches.exists()
    # nor by changing an organisation of one's own municipality
    response = client.patch(detail(org_a), {"parent": org_b.pk}, format="json")
    assert response.status_code == 403
    org_a.refresh_from_db()
    assert org_a.parent_id is None
    # a parent of one's own municipality is fine
    own = OrganizationFactory(municipality=municipality)
    response = client.post(ORGS, new_org(municipality, parent=own.pk), format="json")
    assert response.status_code == 201, response.json()
    assert Organization.objects.get(pk=response.json()["id"]).parent == own
