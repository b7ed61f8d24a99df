from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from novator.core.models import Job
from novator.monitoring import campaigns
from novator.monitoring.models import CampaignResponse, DataValue, MonitoringYear, ResponseState

from .factories import catalogue, record

pytestmark = pytest.mark.django_db

Y = "2023/24"


@pytest.fixture
def response(org_a, methodologist):
    catalogue()
    campaign = campaigns.campaign_create(
        actor=methodologist,
        title="Мониторинг 2023/24",
        academic_year=Y,
        due_on=datetime.date(2024, 6, 1),
        element_codes=["teachers", "teachers_involved", "partners"],
        organizations=[org_a],
    )
    return CampaignResponse.objects.get(campaign=campaign)


def _fill(coordinator, response, **values):
    data = {"teachers": "20", "teachers_involved": "8", "partners": "3"} | values
    return campaigns.response_save(actor=coordinator, response=response, values=data)


def test_the_form_is_checked_by_its_rules(response, coordinator):
    with pytest.raises(ValidationError) as error:
        _fill(coordinator, response, teachers_involved="25", partners="1,5")
    assert set(error.value.message_dict) == {"teachers_involved", "partners"}
    response.refresh_from_db()
    assert response.values == {}
    with pytest.raises(ValidationError):
        _fill(coordinator, response, partners="abc")


def test_submission_needs_every_value(response, coordinator):
    _fill(coordinator, response, partners="")
    with pytest.raises(ValidationError):
        campaigns.response_transition(actor=coordinator, response=response, name="submit")


def test_approval_records_the_values_and_recomputes(
    response, coordinator, methodologist, org_a, django_capture_on_commit_callbacks
):
    _fill(coordinator, response)
    campaigns.response_transition(actor=coordinator, response=response, name="submit")
    with pytest.raises(PermissionDenied):
        campaigns.response_transition(actor=coordinator, response=response, name="approve")
    with django_capture_on_commit_callbacks(execute=True):
        campaigns.response_transition(actor=methodologist, response=response, name="approve")
    response.refresh_from_db()
    assert response.state == ResponseState.APPROVED
    assert (
        DataValue.objects.get(organization=org_a, element__code="teachers_involved", academic_year=Y).value
        == 8
    )
    assert Job.objects.filter(kind="monitoring.recompute", state=Job.State.SUCCEEDED).exists()
    assert MonitoringYear.objects.get(academic_year=Y).computed_at is not None


def test_return_needs_a_comment_and_reopens_the_form(
    response, coordinator, methodologist, other_methodologist
):
    _fill(coordinator, response)
    campaigns.response_transition(actor=coordinator, response=response, name="submit")
    with pytest.raises(ValidationError):
        campaigns.response_transition(actor=methodologist, response=response, name="return")
    with pytest.raises(PermissionDenied):
        campaigns.response_transition(
            actor=other_methodologist, response=response, name="return", comment="x"
        )
    campaigns.response_transition(actor=methodologist, response=response, name="return", comment="Проверьте")
    response.refresh_from_db()
    assert response.state == ResponseState.RETURNED and response.comment == "Проверьте"
    _fill(coordinator, response, partners="4")
    with pytest.raises(ValidationError):
        campaigns.response_transition(actor=methodologist, response=response, name="return", comment="again")


def test_the_form_shows_last_years_values_and_overdue(client, response, coordinator, org_a, coordinator_b):
    record(org_a, "2022/23", 18, 6, 2)
    client.force_login(coordinator)
    page = client.get(reverse("monitoring:response", args=[response.pk]))
    assert page.status_code == 200
    assert sorted(last for _field, last in page.context["rows"]) == [Decimal(2), Decimal(6), Decimal(18)]
    assert page.context["overdue"]  # due 01.06.2024
    listing = client.get(reverse("monitoring:campaigns"))
    assert listing.context["responses"][0].overdue
    bad = client.post(
        reverse("monitoring:response", args=[response.pk]), {"teachers": "5", "teachers_involved": "9"}
    )
    assert bad.status_code == 200 and bad.context["form"].errors
    client.force_login(coordinator_b)
    assert client.get(reverse("monitoring:response", args=[response.pk])).status_code == 404


def test_the_campaign_list_query_count_is_fixed(
    client, response, methodologist, django_assert_max_num_queries
):
    client.force_login(methodologist)
    client.get(reverse("monitoring:campaigns"))
    with django_assert_max_num_queries(6):
        assert client.get(reverse("monitoring:campaigns")).status_code == 200


def test_the_operator_chooses_the_organisations_that_must_answer(client, methodologist, org_a, org_b):
    from novator.organizations.tests.factories import OrganizationFactory

    catalogue()
    second = OrganizationFactory(municipality=org_a.municipality)
    foreign = org_b  # another municipality
    client.force_login(methodologist)
    page = client.get(reverse("monitoring:campaign_create"))
    offered = {o.pk for o in page.context["form"].fields["organizations"].queryset}
    assert offered == {org_a.pk, second.pk}
    assert set(page.context["form"].fields["organizations"].initial) == offered
    data = {
        "title": "Мониторинг",
        "academic_year": Y,
        "due_on": "2024-06-01",
        "elements": ["teachers", "partners"],
    }
    # none chosen, or one of another municipality: a clear message, nothing created
    for bad in ({}, {"organizations": [foreign.pk]}, {"organizations": ["x"]}):
        response = client.post(reverse("monitoring:campaign_create"), data | bad)
        assert response.status_code == 200 and response.context["form"].errors["organizations"]
    assert not CampaignResponse.objects.exists()
    response = client.post(reverse("monitoring:campaign_create"), data | {"organizations": [second.pk]})
    assert response.status_code == 302
    assert list(CampaignResponse.objects.values_list("organization_id", flat=True)) == [second.pk]
    with pytest.raises(PermissionDenied):
        campaigns.campaign_create(
            actor=methodologist,
            title="x",
            academic_year=Y,
            due_on=datetime.date(2024, 6, 1),
            element_codes=["teachers"],
            organizations=[foreign],
        )


def test_reminders_go_once_before_the_due_date_and_once_when_overdue(
    response, coordinator, org_a, mailoutbox, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from novator.monitoring.models import CampaignReminder

    due = response.campaign.due_on  # 01.06.2024
    with django_capture_on_commit_callbacks(execute=True):
        assert campaigns.reminders_send(today=due - datetime.timedelta(days=30)) == {}
        assert campaigns.reminders_send(today=due - datetime.timedelta(days=5)) == {"before": 1}
        assert campaigns.reminders_send(today=due - datetime.timedelta(days=4)) == {}
        call_command("send_campaign_reminders", "--today", (due + datetime.timedelta(days=1)).isoformat())
        call_command("send_campaign_reminders", "--today", (due + datetime.timedelta(days=2)).isoformat())
    assert sorted(CampaignReminder.objects.values_list("kind", flat=True)) == ["before", "overdue"]
    assert [m.to for m in mailoutbox] == [[coordinator.email], [org_a.email]] * 2 or [
        m.to for m in mailoutbox
    ] == [[coordinator.email]] * 2
    from novator.notifications.models import Notification

    notes = Notification.objects.filter(user=coordinator, kind__startswith="monitoring.campaign_")
    assert notes.count() == 2
    assert {n.url for n in notes} == {reverse("monitoring:response", args=[response.pk])}


def test_submitted_forms_get_no_reminders(response, coordinator, mailoutbox):
    _fill(coordinator, response)
    campaigns.response_transition(actor=coordinator, response=response, name="submit")
    assert campaigns.reminders_send(today=response.campaign.due_on + datetime.timedelta(days=3)) == {}


def test_the_reminder_command_refuses_bad_input():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("send_campaign_reminders", "--today", "01.06.2024")
    with pytest.raises(CommandError):
        call_command("send_campaign_reminders", "--days", "-1")


def test_the_form_page_query_count_is_fixed(client, response, coordinator, django_assert_num_queries):
    client.force_login(coordinator)
    url = reverse("monitoring:response", args=[response.pk])
    client.get(url)
    # session, user, roles, response, elements, last year's values
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
