"""Personal data (152-ФЗ): consents with withdrawal, the access log, export, erasure and retention."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from novator.core.models import ActivityLog
from novator.organizations import services as org_services
from novator.organizations.models import Person
from novator.organizations.tests.factories import PersonFactory
from novator.privacy import services
from novator.privacy.models import AccessKind, PersonalDataAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(org_a, expert):
    """A person who is also an expert with a submitted score sheet, and an applicant with a total."""
    from novator.contests.models import ApplicationState
    from novator.contests.tests.factories import ApplicationFactory, contest_with_setup
    from novator.expertise.tests.factories import AssignmentFactory, ExpertFactory, submit_sheet

    person = PersonFactory(organization=org_a, user=expert, published=True, last_name="Секретова")
    contest = contest_with_setup(announced=True)
    application = ApplicationFactory(
        contest=contest,
        organization=org_a,
        applicant=person,
        state=ApplicationState.ACCEPTED,
        total=Decimal("7.50"),
        rank=1,
    )
    assignment = AssignmentFactory(application=application, expert=ExpertFactory(user=expert))
    submit_sheet(assignment, [3, 9])
    return person, application


def test_withdrawing_a_consent_stops_publication_of_the_name(org_a, admin_user):
    person = PersonFactory(organization=org_a, published=True)
    assert person.has_publication_consent
    assert person.public_name == person.full_name
    org_services.person_update(
        actor=admin_user,
        person=person,
        data={"publication_consent_withdrawn_on": datetime.date.today()},
    )
    person.refresh_from_db()
    assert not person.has_publication_consent
    assert person.public_name != person.full_name
    assert ActivityLog.objects.filter(action="person.update", object_id=str(person.pk)).exists()


def test_a_consent_cannot_be_withdrawn_before_it_was_given(org_a, admin_user):
    person = PersonFactory(organization=org_a, processing_consent_on=datetime.date(2024, 5, 1))
    with pytest.raises(ValidationError) as exc:
        org_services.person_update(
            actor=admin_user,
            person=person,
            data={"processing_consent_withdrawn_on": datetime.date(2024, 4, 1)},
        )
    assert "processing_consent_withdrawn_on" in exc.value.message_dict
    person.refresh_from_db()
    assert person.processing_consent_withdrawn_on is None


def test_export_holds_everything_about_the_person(scored, admin_user):
    person, application = scored
    PersonalDataAccess.objects.create(person=person, actor=admin_user, kind=AccessKind.VIEW, path="/x/")
    data = services.person_export(actor=admin_user, person=person)
    assert data["person"]["last_name"] == "Секретова"
    assert data["consents"]["processing_given_on"]
    assert [r["role"] for r in data["roles"]] == ["expert"]
    assert [a["id"] for a in data["applications"]] == [application.pk]
    assert sorted(Decimal(s["points"]) for s in data["scores_given"]) == [Decimal(3), Decimal(9)]
    assert data["access_log"][0]["path"] == "/x/"
    json.dumps(data)  # plain JSON values only
    book = openpyxl.load_workbook(io.BytesIO(services.person_export_xlsx(data)))
    assert {"person", "consents", "roles", "scores_given", "access_log"} <= set(book.sheetnames)
    # exporting is itself logged and audited
    assert PersonalDataAccess.objects.filter(person=person, kind=AccessKind.EXPORT).count() == 1
    assert ActivityLog.objects.filter(action="person.export", object_id=str(person.pk)).exists()


def test_a_coordinator_cannot_export(scored, coordinator):
    person, _ = scored
    with pytest.raises(PermissionDenied):
        services.person_export(actor=coordinator, person=person)


def test_erasure_replaces_names_and_keeps_results(scored, admin_user):
    from novator.expertise.models import Score

    person, application = scored
    user = person.user
    points_before = sorted(
        Score.objects.filter(sheet__assignment__expert__user=user).values_list("points", flat=True)
    )
    services.person_erase(actor=admin_user, person=person, confirmation=str(person.pk), reason="заявление")
    person.refresh_from_db()
    user.refresh_from_db()
    application.refresh_from_db()
    assert "Секретова" not in person.full_name and person.email == ""
    assert person.erased_at is not None and not person.has_publication_consent
    assert not user.is_active and not user.has_usable_password() and user.email == ""
    assert "Секретова" not in (user.last_name + user.username)
    # results are statistically intact
    assert (
        application.total == Decimal("7.50")
        and application.rank == 1
        and application.applicant_id == person.pk
    )
    points_after = sorted(
        Score.objects.filter(sheet__assignment__expert__user=user).values_list("points", flat=True)
    )
    assert points_after == points_before
    assert ActivityLog.objects.filter(action="person.erase", object_id=str(person.pk)).exists()
    # old change records no longer hold the old values
    assert not ActivityLog.objects.filter(object_repr__contains="Секретова").exists()


def test_erasure_needs_the_confirmation_and_changes_nothing_without_it(scored, admin_user):
    person, _ = scored
    with pytest.raises(ValidationError):
        services.person_erase(actor=admin_user, person=person, confirmation="да", reason="")
    person.refresh_from_db()
    assert person.last_name == "Секретова" and person.erased_at is None


def test_erasure_is_for_administrators_only(scored, methodologist):
    person, _ = scored
    with pytest.raises(PermissionDenied):
        services.person_erase(actor=methodologist, person=person, confirmation=str(person.pk))


def test_erasing_twice_is_refused(scored, admin_user):
    person, _ = scored
    services.person_erase(actor=admin_user, person=person, confirmation=str(person.pk))
    with pytest.raises(ValidationError):
        services.person_erase(actor=admin_user, person=person, confirmation=str(person.pk))


# --- pages -----------------------------------------------------------------------------------------------


def test_reading_a_person_page_is_logged(client, org_a, coordinator, admin_user):
    person = PersonFactory(organization=org_a)
    client.force_login(coordinator)
    assert client.get(reverse("organizations:person_edit", args=[person.pk])).status_code == 200
    client.force_login(admin_user)
    assert client.get(reverse("privacy:person", args=[person.pk])).status_code == 200
    rows = list(PersonalDataAccess.objects.filter(person=person).order_by("at", "pk"))
    assert [(r.actor, r.kind) for r in rows] == [
        (coordinator, AccessKind.VIEW),
        (admin_user, AccessKind.VIEW),
    ]


def test_a_refused_page_is_not_logged(client, org_a, coordinator_b):
    person = PersonFactory(organization=org_a)
    client.force_login(coordinator_b)
    assert client.get(reverse("organizations:person_edit", args=[person.pk])).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_api_reads_of_a_registration_are_logged(client, org_a, coordinator):
    from novator.events.tests.factories import RegistrationFactory

    registration = RegistrationFactory(person=PersonFactory(organization=org_a))
    client.force_login(coordinator)
    response = client.get(f"/api/v1/event-registrations/{registration.pk}/")
    assert response.status_code == 200
    assert PersonalDataAccess.objects.get().kind == AccessKind.API


def test_export_downloads(client, scored, methodologist, other_methodologist):
    person, _ = scored
    client.force_login(other_methodologist)
    assert client.get(reverse("privacy:export_json", args=[person.pk])).status_code == 403
    client.force_login(methodologist)
    response = client.get(reverse("privacy:export_json", args=[person.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["person"]["id"] == person.pk
    response = client.get(reverse("privacy:export_xlsx", args=[person.pk]))
    assert response.status_code == 200
    openpyxl.load_workbook(io.BytesIO(response.content))


def test_erase_page_confirms_and_erases(client, scored, admin_user, methodologist):
    person, _ = scored
    url = reverse("privacy:erase", args=[person.pk])
    client.force_login(methodologist)
    assert client.post(url, {"confirmation": str(person.pk)}).status_code == 403
    client.force_login(admin_user)
    response = client.post(url, {"confirmation": "wrong"})
    assert response.status_code == 200
    assert (
        gettext("Type the number %(number)s to confirm.") % {"number": person.pk} in response.content.decode()
    )
    assert Person.objects.get(pk=person.pk).erased_at is None
    response = client.post(url, {"confirmation": str(person.pk), "reason": "<script>alert(1)</script>"})
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).erased_at is not None


# --- retention -------------------------------------------------------------------------------------------


def test_purge_erases_after_withdrawal_and_drops_old_log_rows(org_a, admin_user, settings):
    settings.PERSONAL_DATA_WITHDRAWN_GRACE_DAYS = 30
    settings.PERSONAL_DATA_ACCESS_LOG_RETENTION_YEARS = 3
    today = timezone.localdate()
    gone = PersonFactory(
        organization=org_a,
        processing_consent_on=today - datetime.timedelta(days=400),
        processing_consent_withdrawn_on=today - datetime.timedelta(days=31),
    )
    recent = PersonFactory(
        organization=org_a,
        processing_consent_on=today - datetime.timedelta(days=400),
        processing_consent_withdrawn_on=today - datetime.timedelta(days=5),
    )
    kept = PersonFactory(organization=org_a, consented=True)
    old = PersonalDataAccess.objects.create(person=kept, actor=admin_user, kind=AccessKind.VIEW)
    PersonalDataAccess.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=4 * 366))
    PersonalDataAccess.objects.create(person=kept, actor=admin_user, kind=AccessKind.VIEW)

    out = io.StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    assert "1 people, 1 access-log rows" in out.getvalue()
    assert Person.objects.get(pk=gone.pk).erased_at is None

    call_command("purge_personal_data", stdout=io.StringIO())
    assert Person.objects.get(pk=gone.pk).erased_at is not None
    assert Person.objects.get(pk=recent.pk).erased_at is None
    assert Person.objects.get(pk=kept.pk).erased_at is None
    assert not PersonalDataAccess.objects.filter(pk=old.pk).exists()
    assert PersonalDataAccess.objects.filter(person=kept).count() == 1


def test_purge_erases_records_untouched_for_the_retention_period(org_a, settings):
    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    stale = PersonFactory(organization=org_a)
    fresh = PersonFactory(organization=org_a)
    Person.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - datetime.timedelta(days=6 * 366))
    counts = services.purge_personal_data()
    assert counts["people"] == 1
    assert Person.objects.get(pk=stale.pk).erased_at is not None
    assert Person.objects.get(pk=fresh.pk).erased_at is None


def test_every_logged_page_exists_and_names_a_person_model(settings):
    from django.apps import apps as django_apps

    names = _url_names()
    for name, spec in settings.PERSONAL_DATA_PAGES.items():
        assert name in names, name
        if spec.get("source") == "response":  # an API list: the people are read from the answer
            assert spec["person"], name
        else:
            django_apps.get_model(spec["model"])


def _url_names():
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(res, ns):
        for p in res.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p, f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns))
            elif isinstance(p, URLPattern) and p.name:
                yield f"{ns}:{p.name}" if ns else p.name

    return set(walk(get_resolver(), None))


def test_reading_a_certificate_page_is_logged(client, org_a, coordinator):
    from novator.events.models import Certificate
    from novator.events.tests.factories import EventFactory

    person = PersonFactory(organization=org_a, user=coordinator, consented=True)
    certificate = Certificate.objects.create(
        event=EventFactory(),
        person=person,
        role=Certificate._meta.get_field("role").choices[0][0],
        code="PRV0001",
    )
    client.force_login(coordinator)
    response = client.get(reverse("events:certificate", args=[certificate.code]))
    assert response.status_code == 200
    assert PersonalDataAccess.objects.filter(person=person, actor=coordinator).count() == 1


@pytest.mark.parametrize(
    ("who", "linked"), [("methodologist", True), ("admin_user", True), ("coordinator", False)]
)
def test_the_staff_page_links_to_the_personal_data_card_for_those_who_may_see_it(
    client, request, org_a, who, linked
):
    person = PersonFactory(organization=org_a)
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("organizations:person_edit", args=[person.pk]))
    assert response.status_code == 200
    assert (reverse("privacy:person", args=[person.pk]) in response.content.decode()) is linked


def test_without_publication_consent_not_even_initials_are_published(org_a):
    person = PersonFactory(
        organization=org_a, last_name="Иванова", first_name="Анна", publication_consent_on=None
    )
    assert "И." not in person.public_name
    assert person.public_name == gettext("name not published")
