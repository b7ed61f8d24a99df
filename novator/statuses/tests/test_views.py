from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from novator.core.models import ActivityLog
from novator.organizations.tests.factories import OrganizationFactory
from novator.statuses.models import StatusAssignment, StatusKind
from novator.statuses.tests.factories import StatusAssignmentFactory

pytestmark = pytest.mark.django_db

D = datetime.date
REGISTER = reverse("statuses:register")
EXPORT = reverse("statuses:export")


def kind(code: str) -> StatusKind:
    return StatusKind.objects.get(code=code)


def rows(response) -> int:
    return response.content.decode().count("<tr>") - 1


# --- the register ----------------------------------------------------------------------------------


def test_register_is_public_and_shows_the_row(client, org_a, today):
    StatusAssignmentFactory(
        organization=org_a, kind=kind("MLSV"), active=True, order_number="512", project_title="Сеть"
    )
    response = client.get(REGISTER)
    assert response.status_code == 200
    body = response.content.decode()
    assert org_a.short_name in body
    assert org_a.get_absolute_url() in body
    assert "МЛСВ" in body
    assert "01.09.2022" in body and "31.08.2025" in body
    assert "512" in body and "27.08.2022" in body  # the order: number and date
    assert "Сеть" in body
    assert "text-bg-success" in body  # the «active» badge
    assert "Found 1 status " in body


def test_state_badges(client, today):
    StatusAssignmentFactory(expired=True)
    StatusAssignmentFactory(revoked=True)
    body = client.get(REGISTER).content.decode()
    assert "text-bg-secondary" in body and "text-bg-danger" in body
    assert "01.02.2024" in body  # the revocation date


def test_filter_by_kind_municipality_and_state(client, org_a, org_b, today):
    mip_a = StatusAssignmentFactory(organization=org_a, kind=kind("MIP"), active=True)
    mlsv_a = StatusAssignmentFactory(organization=org_a, kind=kind("MLSV"), expired=True)
    mip_b = StatusAssignmentFactory(organization=org_b, kind=kind("MIP"), active=True)

    def found(**params):
        page = client.get(REGISTER, params).context["page"]
        return {a.pk for a in page.object_list}

    assert found() == {mip_a.pk, mlsv_a.pk, mip_b.pk}
    assert found(kind="MIP") == {mip_a.pk, mip_b.pk}
    assert found(municipality="03612000") == {mip_a.pk, mlsv_a.pk}
    assert found(state="active") == {mip_a.pk, mip_b.pk}
    assert found(state="expired") == {mlsv_a.pk}
    assert found(kind="MIP", municipality="03654000", state="active") == {mip_b.pk}


def test_filter_by_academic_year_of_the_start(client, org_a):
    first_day = StatusAssignmentFactory(organization=org_a, starts_on=D(2022, 9, 1))
    last_day = StatusAssignmentFactory(organization=org_a, starts_on=D(2023, 8, 31))
    StatusAssignmentFactory(organization=org_a, starts_on=D(2022, 8, 31))
    StatusAssignmentFactory(organization=org_a, starts_on=D(2023, 9, 1))
    response = client.get(REGISTER, {"year": "2022/23"})
    assert {a.pk for a in response.context["page"].object_list} == {first_day.pk, last_day.pk}
    # the years in the register are offered as choices
    assert '<option value="2022/23" selected>' in response.content.decode()


def test_search_by_organisation_name_ignores_case_and_yo(client, municipality):
    birch = OrganizationFactory(municipality=municipality, short_name="МБДОУ детский сад № 5 «Берёзка»")
    OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 9")
    StatusAssignmentFactory(organization=birch)
    StatusAssignmentFactory()
    response = client.get(REGISTER, {"q": "БЕРЕЗКА"})
    assert [a.organization for a in response.context["page"].object_list] == [birch]


def test_bad_filter_values_are_reported_and_the_others_still_apply(client, org_a, org_b):
    StatusAssignmentFactory(organization=org_a)
    StatusAssignmentFactory(organization=org_b)
    response = client.get(
        REGISTER,
        {"year": "2022/25", "kind": "<script>", "state": "gone", "municipality": "03612000", "sort": "x"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>" not in body
    assert "2022/23" in body  # the message says how to write a year
    assert [a.organization for a in response.context["page"].object_list] == [org_a]


def test_sorting_by_end_and_organisation(client, municipality):
    late = StatusAssignmentFactory(
        organization=OrganizationFactory(municipality=municipality, short_name="А-школа"),
        starts_on=D(2023, 9, 1),
    )
    early = StatusAssignmentFactory(
        organization=OrganizationFactory(municipality=municipality, short_name="Б-школа"),
        starts_on=D(2021, 9, 1),
    )

    def order(sort):
        return [a.pk for a in client.get(REGISTER, {"sort": sort}).context["page"].object_list]

    assert order("end") == [early.pk, late.pk]
    assert order("-end") == [late.pk, early.pk]
    assert order("organization") == [late.pk, early.pk]
    assert order("-organization") == [early.pk, late.pk]
    assert order("") == [late.pk, early.pk]  # newest first by default


def test_pagination(client, org_a):
    StatusAssignmentFactory.create_batch(30, organization=org_a)
    assert rows(client.get(REGISTER)) == 25
    assert rows(client.get(REGISTER, {"page": 2})) == 5
    assert rows(client.get(REGISTER, {"page": "many"})) == 25


@pytest.mark.parametrize("count", [5, 40])
def test_register_query_count_does_not_grow(client, municipality, django_assert_max_num_queries, count):
    for _ in range(count):
        StatusAssignmentFactory(organization=OrganizationFactory(municipality=municipality))
    # kinds, municipalities, years for the filters + count + page
    with django_assert_max_num_queries(5):
        response = client.get(
            REGISTER, {"state": "active", "municipality": "03612000", "sort": "municipality"}
        )
    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 40])
def test_register_query_count_for_a_methodologist(
    client, methodologist, municipality, django_assert_max_num_queries, count
):
    for _ in range(count):
        StatusAssignmentFactory(organization=OrganizationFactory(municipality=municipality))
    client.force_login(methodologist)
    # + the session, the user and the user's roles (the navigation shows role-specific links); the
    # municipality filter reads the regions and the municipalities it offers (two queries, whatever the data)
    with django_assert_max_num_queries(9):
        assert client.get(REGISTER).status_code == 200


# --- export ----------------------------------------------------------------------------------------


def test_export_csv_follows_the_filters(client, org_a, org_b, today):
    StatusAssignmentFactory(organization=org_a, kind=kind("MIP"), active=True, order_number="=cmd|1")
    StatusAssignmentFactory(organization=org_b, kind=kind("MLSV"), active=True)
    response = client.get(EXPORT, {"format": "csv", "kind": "MIP", "page": "3"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "statuses-2024-03-15.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(table) == 2
    header, row = table
    assert row[header.index("INN")] == org_a.inn
    assert row[header.index("From")] == "01.09.2022"
    assert row[header.index("To")] == "31.08.2025"
    assert row[header.index("Status")] == "МИП"
    assert row[header.index("Order number")] == "'=cmd|1"  # a formula is kept as text


def test_export_xlsx(client, org_a, today):
    StatusAssignmentFactory(organization=org_a, revoked=True)
    response = client.get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    header, row = values[0], values[1]
    assert row[header.index("Organisation")] == org_a.short_name
    assert row[header.index("From")].date() == D(2022, 9, 1)  # a real date
    assert row[header.index("Revoked on")].date() == D(2024, 2, 1)
    assert row[header.index("Grounds for revocation")] == "Не представлен отчёт о реализации проекта"


def test_export_unknown_format_is_400(client):
    assert client.get(EXPORT, {"format": "exe"}).status_code == 400


def test_export_query_count_does_not_grow(client, municipality, django_assert_max_num_queries):
    for _ in range(30):
        StatusAssignmentFactory(organization=OrganizationFactory(municipality=municipality))
    # the filter form (kinds, regions, offered municipalities, years) + the rows: constant
    with django_assert_max_num_queries(5):
        response = client.get(EXPORT, {"format": "csv"})
        body = b"".join(response.streaming_content)
    assert body.count(b"\n") == 31


# --- the detail page -------------------------------------------------------------------------------


def detail_url(assignment) -> str:
    return reverse("statuses:detail", args=[assignment.pk])


def test_detail_shows_the_status_and_its_events(client, org_a, today):
    assignment = StatusAssignmentFactory(
        organization=org_a, kind=kind("MIP"), revoked=True, order_number="17"
    )
    response = client.get(detail_url(assignment))
    assert response.status_code == 200
    body = response.content.decode()
    assert "муниципальная инновационная площадка" in body
    assert org_a.get_absolute_url() in body
    assert "17" in body
    assert "Не представлен отчёт о реализации проекта" in body
    # anonymous: no forms, no names of who recorded the events
    assert reverse("statuses:extend", args=[assignment.pk]) not in body
    assert reverse("statuses:revoke", args=[assignment.pk]) not in body


def test_detail_404(client, db):
    assert client.get(reverse("statuses:detail", args=[999999])).status_code == 404


def test_detail_query_count(client, methodologist, org_a, django_assert_max_num_queries):
    assignment = StatusAssignmentFactory(organization=org_a)
    client.force_login(methodologist)
    # the assignment with its organisation and kind, its events, then the session, the user and the roles
    with django_assert_max_num_queries(5):
        assert client.get(detail_url(assignment)).status_code == 200


@pytest.mark.parametrize(
    ("who", "sees_forms"),
    [
        ("methodologist", True),
        ("admin_user", True),
        ("other_methodologist", False),
        ("coordinator", False),
        ("teacher", False),
        ("expert", False),
        ("observer", False),
    ],
)
def test_forms_are_shown_to_those_allowed(client, request, org_a, who, sees_forms):
    assignment = StatusAssignmentFactory(organization=org_a)
    client.force_login(request.getfixturevalue(who))
    body = client.get(detail_url(assignment)).content.decode()
    assert (reverse("statuses:extend", args=[assignment.pk]) in body) is sees_forms
    assert (reverse("statuses:revoke", args=[assignment.pk]) in body) is sees_forms


def test_no_forms_for_a_revoked_status(client, methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a, revoked=True)
    client.force_login(methodologist)
    body = client.get(detail_url(assignment)).content.decode()
    assert reverse("statuses:extend", args=[assignment.pk]) not in body


# --- extend and revoke through the page ------------------------------------------------------------


def extend_post(client, assignment, **over):
    data = {
        "extend-new_ends_on": "2027-08-31",
        "extend-order_number": "77",
        "extend-order_date": "2025-06-01",
        "extend-grounds": "Успешный отчёт",
    }
    data.update(over)
    return client.post(reverse("statuses:extend", args=[assignment.pk]), data)


def revoke_post(client, assignment, **over):
    data = {
        "revoke-on": "2024-03-01",
        "revoke-grounds": "Не представлен отчёт",
        "revoke-order_number": "99",
        "revoke-order_date": "2024-02-28",
    }
    data.update(over)
    return client.post(reverse("statuses:revoke", args=[assignment.pk]), data)


def test_methodologist_extends(client, methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    client.force_login(methodologist)
    response = extend_post(client, assignment)
    assert response.status_code == 302
    assert response["Location"] == detail_url(assignment)
    assert StatusAssignment.objects.get().ends_on == D(2027, 8, 31)
    page = client.get(detail_url(assignment)).content.decode()
    assert "31.08.2025 → 31.08.2027" in page
    assert "Успешный отчёт" in page


def test_extension_not_later_shows_the_message_and_changes_nothing(client, methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    client.force_login(methodologist)
    response = extend_post(client, assignment, **{"extend-new_ends_on": "2025-08-31"})
    assert response.status_code == 200
    assert "31.08.2025" in response.context["extend_form"].errors["new_ends_on"][0]
    assert StatusAssignment.objects.get().ends_on == D(2025, 8, 31)
    assert not ActivityLog.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("extend-new_ends_on", "31/31/2027"), ("extend-order_number", ""), ("extend-order_date", "")],
)
def test_extension_with_bad_input_changes_nothing(client, methodologist, org_a, field, value):
    assignment = StatusAssignmentFactory(organization=org_a)
    client.force_login(methodologist)
    response = extend_post(client, assignment, **{field: value})
    assert response.status_code == 200
    assert response.context["extend_form"].errors
    assert StatusAssignment.objects.get().ends_on == D(2025, 8, 31)


def test_revoked_status_extension_shows_why(client, methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a, revoked=True)
    client.force_login(methodologist)
    response = extend_post(client, assignment)
    assert response.status_code == 200
    assert response.context["extend_form"].non_field_errors()
    assert "alert-danger" in response.content.decode()
    assert StatusAssignment.objects.get().ends_on == D(2025, 8, 31)


def test_methodologist_revokes(client, methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    client.force_login(methodologist)
    response = revoke_post(client, assignment)
    assert response.status_code == 302
    revoked = StatusAssignment.objects.get()
    assert (revoked.revoked_on, revoked.revocation_grounds) == (D(2024, 3, 1), "Не представлен отчёт")
    assert ActivityLog.objects.filter(action="status.revoke", actor=methodologist).exists()


def test_revocation_with_empty_grounds_changes_nothing(client, methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    client.force_login(methodologist)
    response = revoke_post(client, assignment, **{"revoke-grounds": "   "})
    assert response.status_code == 200
    assert response.context["revoke_form"].errors["grounds"]
    assert StatusAssignment.objects.get().revoked_on is None


def test_revocation_without_the_order_changes_nothing(client, methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    client.force_login(methodologist)
    response = revoke_post(client, assignment, **{"revoke-order_number": "", "revoke-order_date": ""})
    assert response.status_code == 200
    errors = response.context["revoke_form"].errors
    assert errors["order_number"] == ["Give the number of the order."]
    assert errors["order_date"] == ["Give the date of the order."]
    assert StatusAssignment.objects.get().revoked_on is None


def test_second_revocation_is_refused_with_a_message(client, methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a, revoked=True)
    client.force_login(methodologist)
    response = revoke_post(client, assignment)
    assert response.status_code == 200
    assert response.context["revoke_form"].non_field_errors()
    assert StatusAssignment.objects.get().revoked_on == D(2024, 2, 1)


@pytest.mark.parametrize(
    "who", ["other_methodologist", "coordinator", "coordinator_b", "teacher", "expert", "observer"]
)
def test_others_get_403_and_nothing_changes(client, request, org_a, who):
    assignment = StatusAssignmentFactory(organization=org_a)
    client.force_login(request.getfixturevalue(who))
    assert extend_post(client, assignment).status_code == 403
    assert revoke_post(client, assignment).status_code == 403
    unchanged = StatusAssignment.objects.get()
    assert (unchanged.ends_on, unchanged.revoked_on) == (D(2025, 8, 31), None)


def test_anonymous_is_sent_to_login(client, org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    response = revoke_post(client, assignment)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert StatusAssignment.objects.get().revoked_on is None


def test_get_on_a_post_view_is_405(client, methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    client.force_login(methodologist)
    assert client.get(reverse("statuses:revoke", args=[assignment.pk])).status_code == 405


def test_markup_in_grounds_is_shown_as_text(client, methodologist, org_a):
    assignment = StatusAssignmentFactory(organization=org_a)
    client.force_login(methodologist)
    revoke_post(client, assignment, **{"revoke-grounds": '<script>alert("x")</script>\nвторая строка'})
    client.logout()
    body = client.get(detail_url(assignment)).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>вторая строка" in body


# --- the organisation page -------------------------------------------------------------------------


def test_organisation_page_lists_its_statuses(client, org_a, org_b, today):
    StatusAssignmentFactory(organization=org_a, kind=kind("MIP"), active=True)
    StatusAssignmentFactory(organization=org_a, kind=kind("MLSV"), expired=True)
    StatusAssignmentFactory(organization=org_b, kind=kind("KIP"), active=True)
    body = client.get(reverse("organizations:detail", args=[org_a.pk])).content.decode()
    assert "МИП" in body and "МЛСВ" in body and "КИП" not in body
    assert "text-bg-success" in body and "text-bg-secondary" in body


def test_organisation_page_costs_one_query_for_statuses(client, org_a, django_assert_max_num_queries):
    url = reverse("organizations:detail", args=[org_a.pk])
    with django_assert_max_num_queries(10) as before:
        client.get(url)
    StatusAssignmentFactory.create_batch(5, organization=org_a)
    with django_assert_max_num_queries(len(before.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count("list-group-item") >= 5


def test_organisation_without_statuses_says_so(client, org_a):
    body = client.get(reverse("organizations:detail", args=[org_a.pk])).content.decode()
    assert "No innovation statuses." in body
