"""Editing a network: withdrawing partners, correcting and deleting agreements and plan items, and the
annual report; permissions and bad input."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from docx import Document

from novator.contests.tests.files import exe_as_pdf, pdf
from novator.core.academic_year import AcademicYear
from novator.core.docx_check import gost_problems
from novator.core.models import ActivityLog
from novator.events.tests.factories import EventFactory, RegistrationFactory
from novator.networks import report, services
from novator.networks.models import Agreement, Partnership, PlanItem
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory

from .factories import NetworkFactory, PartnershipFactory, PlanItemFactory


@pytest.fixture
def network(org_a):
    return NetworkFactory(leader=org_a, topic="Сеть функциональной грамотности")


def _agreement(network, settings, tmp_path, **extra):
    day = datetime.date(2023, 9, 1)
    return services.agreement_add(
        actor=None,
        network=network,
        number="7",
        signed_on=day,
        valid_from=day,
        valid_to=datetime.date(2026, 8, 31),
        **extra,
    )


def test_leader_withdraws_an_invitation(client, network, coordinator, org_b):
    partnership = PartnershipFactory(network=network, organization=org_b)
    client.force_login(coordinator)
    assert client.post(reverse("networks:withdraw", args=[partnership.pk])).status_code == 302
    assert not Partnership.objects.exists()
    assert ActivityLog.objects.filter(action="partner_withdraw").count() == 1
    # the organisation can be invited again
    services.partner_invite(actor=coordinator, network=network, organization=org_b)


@pytest.mark.parametrize("who", ["teacher", "coordinator_b", "other_methodologist"])
def test_strangers_cannot_withdraw(client, network, org_b, request, who):
    partnership = PartnershipFactory(network=network, organization=org_b)
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("networks:withdraw", args=[partnership.pk])).status_code == 403
    assert Partnership.objects.filter(pk=partnership.pk).exists()


def test_agreement_edit_replaces_and_removes_the_file(
    client, network, coordinator, settings, tmp_path, django_capture_on_commit_callbacks
):
    agreement = _agreement(network, settings, tmp_path)
    client.force_login(coordinator)
    url = reverse("networks:agreement_edit", args=[agreement.pk])
    assert client.get(url).status_code == 200
    data = {
        "number": "7-бис",
        "signed_on": "2023-09-01",
        "valid_from": "2023-09-01",
        "valid_to": "2025-08-31",
    }
    assert client.post(url, {**data, "file": pdf()}).status_code == 302
    agreement.refresh_from_db()
    assert (agreement.number, agreement.file_type) == ("7-бис", "pdf") and agreement.file
    stored = agreement.file.name
    assert default_storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**data, "remove_file": "on"}).status_code == 302
    agreement.refresh_from_db()
    assert not agreement.file and agreement.file_type == ""
    assert not default_storage.exists(stored)
    log = ActivityLog.objects.filter(action="agreement_update").first()
    assert log is not None


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"valid_to": "2020-01-01"}, "valid_to"),
        ({"number": ""}, "number"),
        ({"signed_on": "31.02.2024"}, "signed_on"),
        ({"file": "disguised"}, "file"),
    ],
)
def test_agreement_edit_refuses_bad_input(client, network, coordinator, settings, tmp_path, bad, field):
    agreement = _agreement(network, settings, tmp_path)
    client.force_login(coordinator)
    data = {"number": "8", "signed_on": "2023-09-01", "valid_from": "2023-09-01", "valid_to": "2025-08-31"}
    data.update(bad)
    if data.get("file") == "disguised":
        data["file"] = exe_as_pdf()
    response = client.post(reverse("networks:agreement_edit", args=[agreement.pk]), data)
    assert response.status_code == 400 and response.context["form"].errors[field]
    agreement.refresh_from_db()
    assert agreement.number == "7" and not agreement.file


def test_agreement_delete_and_permissions(
    client, network, coordinator, coordinator_b, settings, tmp_path, django_capture_on_commit_callbacks
):
    agreement = _agreement(network, settings, tmp_path, upload=pdf())
    stored = agreement.file.name
    assert default_storage.exists(stored)
    client.force_login(coordinator_b)
    assert client.post(reverse("networks:agreement_delete", args=[agreement.pk])).status_code == 403
    assert client.get(reverse("networks:agreement_edit", args=[agreement.pk])).status_code == 403
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("networks:agreement_delete", args=[agreement.pk])).status_code == 302
    assert not Agreement.objects.exists() and not default_storage.exists(stored)


def test_plan_item_edit_moves_it_to_another_year(client, network, coordinator):
    item = PlanItemFactory(network=network)
    client.force_login(coordinator)
    url = reverse("networks:plan_edit", args=[item.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "Круглый стол", "planned_on": "2024-10-02"}).status_code == 302
    item.refresh_from_db()
    assert (item.title, item.academic_year) == ("Круглый стол", 2024)
    for bad in ({"title": "", "planned_on": "2024-10-02"}, {"title": "x", "planned_on": "завтра"}):
        response = client.post(url, bad)
        assert response.status_code == 400
    response = client.post(url, {"title": "x", "planned_on": "2024-10-02", "event": "999999"})
    assert response.status_code == 400 and response.context["form"].errors["event"]
    item.refresh_from_db()
    assert item.title == "Круглый стол"


def test_plan_item_delete_and_permissions(client, network, coordinator, teacher):
    item = PlanItemFactory(network=network)
    client.force_login(teacher)
    assert client.post(reverse("networks:plan_delete", args=[item.pk])).status_code == 403
    assert client.post(reverse("networks:plan_edit", args=[item.pk]), {"title": "x"}).status_code == 403
    client.force_login(coordinator)
    assert client.post(reverse("networks:plan_delete", args=[item.pk])).status_code == 302
    assert not PlanItem.objects.exists()


def _year_with_activity(network, org_a, org_b):
    planned_on = timezone.localdate() - datetime.timedelta(days=20)
    year = AcademicYear.of(planned_on)
    PartnershipFactory(network=network, organization=org_b, state="confirmed")
    PartnershipFactory(network=network, organization=OrganizationFactory(), state="invited")
    held = EventFactory(organizers=[org_a], past=True, title="Семинар сети")
    PlanItemFactory(
        network=network, event=held, academic_year=year.start_year, planned_on=planned_on, title="Семинар"
    )
    PlanItemFactory(
        network=network, academic_year=year.start_year, planned_on=planned_on, title="Мастер-класс"
    )
    PlanItemFactory(network=network, academic_year=year.start_year - 1, title="Прошлый год")
    for org in (org_a, org_b, org_b):
        RegistrationFactory(event=held, person=PersonFactory(organization=org), attended_at=timezone.now())
    RegistrationFactory(event=held, person=PersonFactory(organization=org_b))  # registered, did not come
    return year


def test_report_context_counts_planned_held_participants_and_reach(network, org_a, org_b):
    year = _year_with_activity(network, org_a, org_b)
    ctx = report.context(network, year.start_year)
    assert (ctx["planned"], ctx["held"], ctx["participants"]) == (2, 1, 3)
    assert (ctx["partners_confirmed"], ctx["partners_invited"], ctx["partners_reached"]) == (1, 2, 1)
    seminar = next(i for i in ctx["items"] if i["title"] == "Семинар")
    assert seminar["participants"] == 3 and seminar["partners"] == org_b.short_name
    assert next(i for i in ctx["items"] if i["title"] == "Мастер-класс")["held_on"] == ""


@pytest.mark.parametrize("who,code", [("coordinator", 200), ("methodologist", 200), ("admin_user", 200)])
def test_report_download(client, network, org_a, org_b, request, who, code):
    year = _year_with_activity(network, org_a, org_b)
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("networks:report", args=[network.pk]), {"year": str(year)})
    assert response.status_code == code
    assert response["Content-Disposition"].startswith("attachment")
    document = Document(io.BytesIO(response.content))
    assert gost_problems(document) == []
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert f"за {year} учебный год" in text and "Запланировано мероприятий: 2; проведено: 1" in text
    assert "Семинар" in cells and org_b.short_name in cells and "{%" not in cells + text


@pytest.mark.parametrize("who", ["teacher", "coordinator_b", "other_methodologist", "observer"])
def test_report_is_refused_to_others(client, network, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("networks:report", args=[network.pk]), {"year": "2023/24"}).status_code == 403


def test_report_bad_year_is_a_message(client, network, coordinator):
    client.force_login(coordinator)
    for bad in ("2023/25", "<script>", ""):
        response = client.get(reverse("networks:report", args=[network.pk]), {"year": bad}, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == network.get_absolute_url()


def test_detail_shows_edit_controls_only_to_managers(client, network, coordinator, teacher, org_b):
    item = PlanItemFactory(network=network)
    partnership = PartnershipFactory(network=network, organization=org_b)
    client.force_login(teacher)
    html = client.get(network.get_absolute_url()).content.decode()
    assert reverse("networks:plan_edit", args=[item.pk]) not in html
    assert reverse("networks:withdraw", args=[partnership.pk]) not in html
    client.force_login(coordinator)
    html = client.get(network.get_absolute_url()).content.decode()
    assert reverse("networks:plan_edit", args=[item.pk]) in html
    assert reverse("networks:withdraw", args=[partnership.pk]) in html
    assert reverse("networks:report", args=[network.pk]) in html


def test_invited_partner_coordinators_are_notified(
    network, coordinator, coordinator_b, org_b, mailoutbox, django_capture_on_commit_callbacks
):
    from novator.notifications.models import Notification

    coordinator_b.email = "b@example.org"
    coordinator_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.partner_invite(actor=coordinator, network=network, organization=org_b)
    assert Notification.objects.filter(user=coordinator_b, kind="networks.invitation").count() == 1
    assert [m.to for m in mailoutbox] == [["b@example.org"]]
    assert network.get_absolute_url() in Notification.objects.get().url


def test_detail_for_the_leader_pins_queries(client, network, coordinator, django_assert_num_queries):
    def grow():
        PartnershipFactory(network=network)
        PlanItemFactory(network=network, event=EventFactory(past=True))

    grow()
    client.force_login(coordinator)
    client.get(network.get_absolute_url())
    # 9, and one for the attendance of the plan's held events by municipality (issue #21)
    with django_assert_num_queries(10):
        assert client.get(network.get_absolute_url()).status_code == 200
    for _ in range(3):
        grow()
    with django_assert_num_queries(10):
        client.get(network.get_absolute_url())
