from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from novator.core.models import ActivityLog
from novator.organizations import services
from novator.organizations.identifiers import make_inn, make_ogrn
from novator.organizations.models import Organization
from novator.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _data(municipality, **over):
    data = {
        "municipality": municipality,
        "full_name": "Муниципальное бюджетное дошкольное образовательное учреждение детский сад № 5",
        "short_name": "МБДОУ детский сад № 5",
        "kind": "preschool",
        "subtype": "dou",
        "inn": make_inn("2328", 777),
        "ogrn": make_ogrn(3, "23", 4444),
    }
    data.update(over)
    return data


def test_methodologist_creates_organisation_in_own_municipality_and_it_is_audited(
    methodologist, municipality
):
    org = services.organization_create(actor=methodologist, data=_data(municipality))
    assert org.pk
    assert org.search_text.startswith("мбдоу детский сад № 5")
    log = ActivityLog.objects.get(object_id=str(org.pk))
    assert log.action == "organization.create"
    assert log.actor == methodologist
    assert log.changes["inn"] == [None, org.inn]


def test_methodologist_cannot_create_in_another_municipality(methodologist, other_municipality):
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=methodologist, data=_data(other_municipality))
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code_fragment"),
    [
        ("inn", "2328000771", "check digit"),
        ("inn", "232800077", "10 digits"),
        ("inn", "23280A0771", "digits only"),
        ("ogrn", "102230000000", "13 digits"),
        ("subtype", "sosh", "does not belong"),
    ],
)
def test_bad_identifiers_are_rejected_with_a_clear_message(
    methodologist, municipality, field, value, code_fragment, settings
):
    settings.LANGUAGE_CODE = "en"
    data = _data(municipality, **{field: value})
    if field == "inn" and value == "2328000771":
        # make sure it really is a wrong check digit
        good = make_inn("2328", 77)
        data["inn"] = good[:-1] + str((int(good[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as exc:
        services.organization_create(actor=methodologist, data=data)
    assert code_fragment in str(exc.value)
    assert not Organization.objects.exists()


def test_coordinator_changes_contacts_but_not_identifiers(coordinator, org_a):
    changes = services.organization_update(
        actor=coordinator, organization=org_a, data={"phone": "+7 861 57 7-00-01"}
    )
    assert changes == {"phone": ["", "+7 861 57 7-00-01"]}
    with pytest.raises(PermissionDenied):
        services.organization_update(actor=coordinator, organization=org_a, data={"short_name": "Новое имя"})
    org_a.refresh_from_db()
    assert org_a.short_name == "МБОУ СОШ № 1 ст. Выселки"


def test_coordinator_of_another_organisation_cannot_edit(coordinator_b, org_a):
    with pytest.raises(PermissionDenied):
        services.organization_update(actor=coordinator_b, organization=org_a, data={"phone": "1"})


def test_branch_cycle_is_refused(methodologist, municipality):
    parent = OrganizationFactory(municipality=municipality)
    child = OrganizationFactory(municipality=municipality, parent=parent)
    with pytest.raises(ValidationError):
        services.organization_update(actor=methodologist, organization=parent, data={"parent": child})


def _person_data(org, **dates):
    return {"organization": org, "last_name": "Орлова", "first_name": "Ирина", "position": "учитель", **dates}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field",
    [
        "processing_consent_on",
        "processing_consent_withdrawn_on",
        "publication_consent_on",
        "publication_consent_withdrawn_on",
    ],
)
@pytest.mark.parametrize("when", ["future", "before_1991"])
def test_consent_dates_in_the_future_or_before_1991_are_refused(org_a, admin_user, field, when):
    import datetime

    from django.utils import timezone

    bad = (
        timezone.localdate() + datetime.timedelta(days=1) if when == "future" else datetime.date(1990, 12, 31)
    )
    dates = {
        "processing_consent_on": datetime.date(2024, 9, 1),
        "publication_consent_on": datetime.date(2024, 9, 1),
        field: bad,
    }
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=admin_user, data=_person_data(org_a, **dates))
    assert "01.01.1991" in exc.value.message_dict[field][0]
    assert not org_a.staff.exists()


@pytest.mark.django_db
def test_publication_without_processing_is_refused_in_words(org_a, admin_user):
    import datetime

    from django.utils import translation

    with translation.override("ru"), pytest.raises(ValidationError) as exc:
        services.person_create(
            actor=admin_user, data=_person_data(org_a, publication_consent_on=datetime.date(2024, 9, 1))
        )
    message = " ".join(m for ms in exc.value.message_dict.values() for m in ms)
    assert "Согласие на публикацию возможно только при наличии согласия на обработку" in message
    assert "person_publication_needs_processing_consent" not in message
    assert not org_a.staff.exists()


def test_the_services_keep_a_branch_in_its_parents_municipality(methodologist, org_a, org_b, municipality):
    """Issue #20: every write path checks the parent's municipality, not only the pages and the API."""
    with pytest.raises(PermissionDenied):
        services.organization_update(actor=methodologist, organization=org_a, data={"parent": org_b})
    org_a.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.organization_update_many(actor=methodologist, items=[(org_a, {"parent": org_b})])
    org_a.refresh_from_db()
    assert org_a.parent_id is None
    branch = OrganizationFactory.build(municipality=municipality, parent=org_b)
    data = {f: getattr(branch, f) for f in services.ORGANIZATION_FIELDS}
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=methodologist, data=data)
    with pytest.raises(PermissionDenied):
        services.organization_create_many(actor=methodologist, rows=[data])
    assert not org_b.branches.exists()
    # an organisation already attached (by the administrator) keeps its parent through other changes
    org_a.parent = org_b
    org_a.save()
    services.organization_update(actor=methodologist, organization=org_a, data={"address": "ул. Мира, 1"})
    org_a.refresh_from_db()
    assert org_a.parent == org_b and org_a.address == "ул. Мира, 1"
