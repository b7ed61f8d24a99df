"""The registry's identity is ИНН + КПП: a branch has its parent's ИНН and ОГРН and its own КПП."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from novator.organizations import services
from novator.organizations.exporting import export_rows
from novator.organizations.importing import CREATE, REJECT, UPDATE, apply_plan, build_plan, read_table
from novator.organizations.importing.columns import EXPORT_HEADERS
from novator.organizations.models import Organization
from novator.organizations.tests import files
from novator.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

PARENT_INN, PARENT_KPP = "ИНН головной организации", "КПП головной организации"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def plan_of(rows, headers=None, actor=None, accepted=()):
    data = files.csv_bytes(rows, headers=headers or list(dict.fromkeys(h for r in rows for h in r)))
    return build_plan(read_table(data), actor=actor, accepted=accepted)


def branch_data(parent: Organization, kpp: str = "232802001", **over):
    data = {
        "municipality": parent.municipality,
        "full_name": f"Филиал {parent.full_name}",
        "short_name": f"Филиал {parent.short_name}",
        "kind": parent.kind,
        "subtype": parent.subtype,
        "inn": parent.inn,
        "ogrn": parent.ogrn,
        "kpp": kpp,
        "parent": parent,
    }
    data.update(over)
    return data


# --- the database and the services --------------------------------------------------------------


def test_a_branch_shares_the_inn_and_ogrn_of_its_parent_with_its_own_kpp(org_a):
    branch = services.organization_create(actor=None, data=branch_data(org_a))
    assert branch.inn == org_a.inn and branch.ogrn == org_a.ogrn and branch.kpp == "232802001"
    assert branch.parent == org_a


def test_the_same_inn_and_kpp_twice_is_refused_naming_the_organisation(org_a):
    with pytest.raises(ValidationError) as info:
        services.organization_create(actor=None, data=branch_data(org_a, kpp=org_a.kpp))
    assert info.value.message_dict["kpp"] == [
        f"ИНН {org_a.inn} with КПП {org_a.kpp} already belongs to «{org_a.short_name}»."
    ]
    assert Organization.objects.count() == 1


def test_an_organisation_without_kpp_stays_valid_and_unique_by_its_inn(municipality):
    first = services.organization_create(
        actor=None,
        data={**branch_data(OrganizationFactory.build(municipality=municipality)), "kpp": "", "parent": None},
    )
    assert first.kpp is None  # no КПП is NULL, never ""
    with pytest.raises(ValidationError) as info:
        services.organization_create(actor=None, data={**branch_data(first), "kpp": None, "parent": None})
    assert "without КПП already belongs" in info.value.message_dict["kpp"][0]
    # the database says the same whatever the services do
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(
            municipality=municipality, full_name="x", short_name="x", kind="school", subtype="sosh",
            inn=first.inn, ogrn=first.ogrn, kpp=None,
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=first.pk).update(kpp="")


def test_another_ogrn_under_the_same_inn_is_refused(org_a):
    with pytest.raises(ValidationError) as info:
        services.organization_create(actor=None, data=branch_data(org_a, ogrn=files.org_row()["ОГРН"]))
    assert "one legal entity has one ОГРН" in info.value.message_dict["inn"][0]


@pytest.mark.parametrize(
    ("kpp", "message"),
    [
        ("23280100", "9 characters, got 8"),
        ("2328010011", "9 characters, got 10"),
        ("2328AB0X1", "9 characters (4 digits, 2 digits or capital letters, 3 digits), got"),
    ],
)
def test_a_broken_kpp_is_refused_with_its_reason(org_a, kpp, message):
    with pytest.raises(ValidationError) as info:
        services.organization_create(actor=None, data=branch_data(org_a, kpp=kpp))
    assert message in info.value.message_dict["kpp"][0]
    assert Organization.objects.count() == 1


def test_the_form_checks_the_kpp_in_russian(client, methodologist, municipality):
    client.force_login(methodologist)
    row = files.org_row()
    response = client.post(
        reverse("organizations:create"),
        {
            "full_name": row["Полное наименование"],
            "short_name": row["Краткое наименование"],
            "municipality": municipality.pk,
            "kind": "school",
            "subtype": "sosh",
            "inn": row["ИНН"],
            "ogrn": row["ОГРН"],
            "kpp": "23280100",
            "is_active": "on",
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 200
    assert "КПП должен состоять из 9 символов, получено 8" in response.content.decode()
    assert not Organization.objects.exists()


# --- the CSV/XLSX import and the export ------------------------------------------------------------


def test_a_head_organisation_and_its_branch_in_one_file(municipality):
    head = files.org_row(КПП="232801001")
    branch = files.org_row(
        ИНН=head["ИНН"],
        ОГРН=head["ОГРН"],
        КПП="232802001",
        **{PARENT_INN: head["ИНН"], PARENT_KPP: "232801001"},
    )
    branch["Краткое наименование"] = "Филиал " + head["Краткое наименование"]
    plan = plan_of([head, branch])
    assert [row.action for row in plan.rows] == [CREATE, CREATE]
    assert apply_plan(plan, actor=None)["created"] == 2
    made = Organization.objects.get(kpp="232802001")
    assert made.parent == Organization.objects.get(kpp="232801001")
    # a second run changes nothing
    assert {row.action for row in plan_of([head, branch]).rows} == {"unchanged"}


def test_two_rows_with_the_same_inn_and_kpp_in_one_file(municipality):
    first = files.org_row(КПП="232801001")
    second = files.org_row(ИНН=first["ИНН"], ОГРН=first["ОГРН"], КПП="232801001")
    plan = plan_of([first, second])
    assert [row.action for row in plan.rows] == [CREATE, REJECT]
    assert plan.rows[1].reason == (
        f"ИНН {first['ИНН']} with КПП 232801001 already appears in row 2 of this file; this row is skipped."
    )


def test_a_row_with_the_kpp_of_an_organisation_without_one_fills_it_in(municipality):
    org = services.organization_create(
        actor=None,
        data={
            **branch_data(OrganizationFactory.build(municipality=municipality)),
            "kpp": None,
            "parent": None,
        },
    )
    plan = plan_of(
        [
            {
                "ИНН": org.inn,
                "ОГРН": org.ogrn,
                "Наименование": org.short_name,
                "ОКТМО": "03612000",
                "КПП": "232805001",
            }
        ]
    )
    assert plan.rows[0].action == UPDATE and plan.rows[0].changes == [["КПП", "", "232805001"]]


def test_another_kpp_of_a_head_organisation_is_a_conflict(org_a):
    plan = plan_of(
        [
            {
                "ИНН": org_a.inn,
                "ОГРН": org_a.ogrn,
                "Наименование": org_a.short_name,
                "ОКТМО": "03612000",
                "КПП": "232899001",
            }
        ]
    )
    row = plan.rows[0]
    assert row.action == REJECT and row.conflict == {
        "organization": org_a.pk,
        "municipality": org_a.municipality_id,
    }
    assert (
        f"ИНН {org_a.inn} belongs to «{org_a.short_name}» with КПП {org_a.kpp}; the file has КПП 232899001."
        in (row.reason)
    )
    assert row.changes == [["КПП", org_a.kpp, "232899001"]]


def test_the_export_writes_the_parent_identity_and_reads_back(org_a):
    branch = services.organization_create(actor=None, data=branch_data(org_a))
    rows = list(export_rows(Organization.objects.select_related("municipality", "parent").order_by("pk")))
    exported = dict(zip(EXPORT_HEADERS, rows[1], strict=True))
    assert exported["КПП"] == "232802001"
    assert exported[PARENT_INN] == org_a.inn and exported[PARENT_KPP] == org_a.kpp
    again = build_plan(
        read_table(files.csv_bytes([dict(zip(EXPORT_HEADERS, r, strict=True)) for r in rows])), actor=None
    )
    assert [row.action for row in again.rows] == ["unchanged", "unchanged"]
    assert again.rows[1].organization == branch


# --- the API ------------------------------------------------------------------------------------------


def test_the_api_finds_by_inn_and_kpp_and_shows_the_parent(org_a):
    branch = services.organization_create(actor=None, data=branch_data(org_a))
    api = APIClient()
    url = "/api/v1/organizations/"
    both = api.get(url, {"inn": org_a.inn}).json()["results"]
    assert {o["id"] for o in both} == {org_a.pk, branch.pk}
    only = api.get(url, {"inn": org_a.inn, "kpp": "232802001"}).json()["results"]
    assert [(o["id"], o["parent_inn"], o["parent_kpp"]) for o in only] == [(branch.pk, org_a.inn, org_a.kpp)]
    assert api.get(url, {"inn": org_a.inn, "kpp": "-"}).json()["results"] == []
    bad = api.get(url, {"kpp": "23280100"})
    assert bad.status_code == 400 and "kpp" in bad.json()
