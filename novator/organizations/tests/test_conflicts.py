"""Conflicts with the registry, accepted one by one in the web preview (never by the command line)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from novator.core.models import ActivityLog, Job
from novator.organizations import services
from novator.organizations.models import Organization, OrganizationImport
from novator.organizations.tests import files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }


NAME = "Краткое наименование"
HEADERS = ["ИНН", "ОГРН", NAME, "Телефон", "ОКТМО"]


def conflict_rows(org_a, org_other):
    """Row 2: org_a with another ОГРН (a conflict); row 3: another school with a new phone (an update);
    row 4: org_other moved to the other municipality (a conflict)."""
    return [
        {
            "ИНН": org_a.inn,
            "ОГРН": files.org_row()["ОГРН"],
            "Телефон": "+7 900 111-11-11",
            NAME: org_a.short_name,
        },
        {"ИНН": org_other.inn, "ОКТМО": "03654000", NAME: org_other.short_name},
    ]


def upload(client, rows) -> OrganizationImport:
    data = files.csv_bytes(rows, headers=HEADERS)
    response = client.post(reverse("organizations:import"), {"file": SimpleUploadedFile("r.csv", data)})
    assert response.status_code == 302
    return OrganizationImport.objects.latest("pk")


@pytest.fixture
def two_conflicts(municipality, other_municipality, org_a):
    from novator.organizations.tests.factories import OrganizationFactory

    other = OrganizationFactory(municipality=municipality, short_name="МБДОУ д/с № 2")
    return org_a, other


def test_the_preview_shows_both_versions_with_a_checkbox_per_conflict(client, admin_user, two_conflicts):
    org_a, other = two_conflicts
    client.force_login(admin_user)
    item = upload(client, conflict_rows(org_a, other))
    assert item.counts["rejected"] == 2 and item.preview["conflicts"] == 2
    page = client.get(item.get_absolute_url(), {"action": "conflict"}).content.decode()
    assert page.count('name="accept"') == 2
    assert org_a.ogrn in page and "В реестре" in page and "В файле" in page
    assert "Тихорецкий район" in page  # the other version of the municipality


def test_only_the_accepted_conflict_is_applied_and_the_log_says_who_accepted_it(
    client, admin_user, two_conflicts, django_capture_on_commit_callbacks
):
    org_a, other = two_conflicts
    client.force_login(admin_user)
    rows = conflict_rows(org_a, other)
    old_ogrn = org_a.ogrn
    item = upload(client, rows)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(item.get_absolute_url(), {"accept": ["0"]})
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert job.result["updated"] == 1 and job.result["rejected"] == 1
    org_a.refresh_from_db()
    other.refresh_from_db()
    assert org_a.ogrn == rows[0]["ОГРН"] and org_a.phone == "+7 900 111-11-11"
    assert other.municipality.oktmo == "03612000"  # not accepted: unchanged
    accepted = ActivityLog.objects.get(action="organization_import.accept_conflicts")
    assert accepted.actor == admin_user and accepted.object_id == str(item.pk)
    [[row, name, reason, changes]] = accepted.changes["accepted"][1]
    assert (row, name) == (2, org_a.short_name) and "ОГРН" in reason
    assert ["ОГРН", old_ogrn, rows[0]["ОГРН"]] in changes
    update = ActivityLog.objects.get(action="organization.update", object_id=str(org_a.pk))
    assert update.changes["ogrn"][1] == rows[0]["ОГРН"]


def test_a_conflict_accepted_by_a_user_outside_the_municipality_changes_nothing(
    client, methodologist, municipality, other_municipality, two_conflicts
):
    org_a, other = two_conflicts
    client.force_login(methodologist)
    item = upload(client, conflict_rows(org_a, other)[:1])
    assert item.preview["conflicts"] == 1
    # between the preview and the confirmation the methodologist moves to another municipality
    methodologist.role_assignments.update(municipality=other_municipality)
    response = client.post(item.get_absolute_url(), {"accept": ["0"]}, follow=True)
    assert f"«{org_a.short_name}» не относится к вашим муниципалитетам" in (response.content.decode())
    item.refresh_from_db()
    assert item.state == OrganizationImport.State.PREVIEWED and "accepted" not in item.preview
    assert not Job.objects.exists()
    assert not ActivityLog.objects.filter(action="organization_import.accept_conflicts").exists()
    assert Organization.objects.get(pk=org_a.pk).ogrn == org_a.ogrn


def test_the_service_refuses_a_conflict_of_another_municipality(
    client, methodologist, other_methodologist, two_conflicts
):
    org_a, other = two_conflicts
    client.force_login(methodologist)
    item = upload(client, conflict_rows(org_a, other)[:1])
    with pytest.raises(PermissionDenied):
        services.organization_import_accept_conflicts(actor=other_methodologist, upload=item, positions=[0])
    item.refresh_from_db()
    assert "accepted" not in item.preview


def test_a_row_that_is_no_conflict_cannot_be_accepted(client, methodologist, municipality, two_conflicts):
    org_a, other = two_conflicts
    client.force_login(methodologist)
    rows = [*conflict_rows(org_a, other)[:1], files.org_row()]
    item = upload(client, rows)
    response = client.post(item.get_absolute_url(), {"accept": ["1"]}, follow=True)
    assert "Строка 2 предпросмотра — не конфликт, принимать нечего." in response.content.decode()
    assert not Job.objects.exists()


def test_the_command_line_counts_a_conflict_among_the_rejected_rows(tmp_path, two_conflicts):
    org_a, other = two_conflicts
    path = tmp_path / "r.csv"
    path.write_bytes(files.csv_bytes(conflict_rows(org_a, other), headers=HEADERS))
    out = io.StringIO()
    call_command("import_organizations", str(path), stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines[-1] == "created 0, updated 0, rejected 2"
    assert "Conflict with the registry, not applied:" in lines[0]
    assert Organization.objects.get(pk=org_a.pk).ogrn == org_a.ogrn
