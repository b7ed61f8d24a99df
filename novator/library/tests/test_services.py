"""Adoptions: who may record them, the rules of one open adoption, outcomes and ratings, notifications;
products: authors, the council's decision, files checked by content."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from novator.accounts.models import Role
from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from novator.core.models import ActivityLog
from novator.library import services
from novator.library.models import Adoption, MethodProduct, ProductFile
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory

from .factories import AdoptionFactory, MethodProductFactory
from .files import docx, exe_as_pdf, pdf

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def author_org(other_municipality):
    return OrganizationFactory(municipality=other_municipality, short_name="МБДОУ д/с № 12 г. Тихорецка")


@pytest.fixture
def author_coordinator(author_org):
    user = UserFactory(username="author-coordinator", email="author@example.org")
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, organization=author_org)
    return user


@pytest.fixture
def product(author_org):
    return MethodProductFactory(title="Методические рекомендации по наставничеству", authors=[author_org])


def adopt(actor, product, organization, **extra):
    data = {"adopted_on": D(2023, 10, 2), "scope": "unit", "changes": "Открытые уроки", **extra}
    return services.adoption_create(actor=actor, product=product, organization=organization, **data)


# --- who may record an adoption -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("coordinator", True),  # of the adopting organisation
        ("coordinator_b", False),  # of another organisation
        ("methodologist", True),  # of the adopting organisation's municipality
        ("other_methodologist", False),
        ("admin_user", True),
        ("observer", False),
        ("teacher", False),
        ("expert", False),
    ],
)
def test_who_may_record_an_adoption(request, who, allowed, product, org_a):
    actor = request.getfixturevalue(who)
    if allowed:
        assert adopt(actor, product, org_a).organization == org_a
    else:
        with pytest.raises(PermissionDenied):
            adopt(actor, product, org_a)
        assert not Adoption.objects.exists()


def test_anonymous_may_not_record_an_adoption(product, org_a):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        adopt(AnonymousUser(), product, org_a)


def test_one_open_adoption_per_product_and_organisation(coordinator, product, org_a):
    first = adopt(coordinator, product, org_a)
    with pytest.raises(ValidationError, match=r"since 02\.10\.2023; close that adoption first"):
        adopt(coordinator, product, org_a, adopted_on=D(2024, 1, 10))
    services.adoption_record_outcome(
        actor=coordinator, adoption=first, outcome="Готово", rating=4, outcome_on=D(2024, 2, 1)
    )
    second = adopt(coordinator, product, org_a, adopted_on=D(2024, 3, 1))
    assert Adoption.objects.filter(product=product, organization=org_a).count() == 2
    assert second.is_open and not Adoption.objects.get(pk=first.pk).is_open


def test_the_database_refuses_a_second_open_adoption(product, org_a):
    from django.db import IntegrityError, transaction

    AdoptionFactory(product=product, organization=org_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Adoption.objects.create(product=product, organization=org_a, adopted_on=D(2024, 1, 1), scope="unit")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"adopted_on": D(2099, 1, 1)}, "cannot be in the future"),
        ({"adopted_on": D(2021, 1, 1)}, "issued on 25.01.2022"),
        ({"scope": "galaxy"}, "Choose the scope"),
    ],
)
def test_bad_adoption_input_changes_nothing(coordinator, product, org_a, extra, message):
    with pytest.raises(ValidationError, match=message):
        adopt(coordinator, product, org_a, **extra)
    assert not Adoption.objects.exists()
    assert not ActivityLog.objects.filter(action="library.adoption_create").exists()


def test_drafts_and_own_products_are_not_adopted(admin_user, org_a, author_org):
    draft = MethodProductFactory(draft=True, authors=[author_org])
    with pytest.raises(ValidationError, match="Only a published product"):
        adopt(admin_user, draft, org_a)
    own = MethodProductFactory(authors=[org_a])
    with pytest.raises(ValidationError, match="does not adopt its own product"):
        adopt(admin_user, own, org_a)


def test_staff_must_work_in_the_adopting_organisation(coordinator, product, org_a, org_b):
    ours, theirs = PersonFactory(organization=org_a), PersonFactory(organization=org_b)
    with pytest.raises(ValidationError, match="do not work in"):
        adopt(coordinator, product, org_a, staff=[ours, theirs])
    adoption = adopt(coordinator, product, org_a, staff=[ours])
    assert list(adoption.staff.all()) == [ours]


def test_author_coordinators_are_notified_on_commit(
    coordinator, author_coordinator, product, org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        adoption = adopt(coordinator, product, org_a)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["author@example.org"]]
    assert "МБОУ СОШ № 1 ст. Выселки" in mail.outbox[0].body
    assert product.title in mail.outbox[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        services.adoption_record_outcome(
            actor=coordinator, adoption=adoption, outcome="Выросла активность", rating=5, comment="Спасибо!"
        )
    assert len(mail.outbox) == 2
    assert "Rating: 5 of 5" in mail.outbox[1].body and "Спасибо!" in mail.outbox[1].body


def test_a_refused_adoption_sends_nothing(
    coordinator_b, author_coordinator, product, org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        adopt(coordinator_b, product, org_a)
    assert mail.outbox == []


# --- outcomes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "  ", "rating": 5}, "Describe the outcome"),
        ({"outcome": "Итог", "rating": 6}, "from 1 to 5"),
        ({"outcome": "Итог", "rating": 3, "outcome_on": D(2020, 1, 1)}, "cannot be earlier"),
    ],
)
def test_bad_outcome_changes_nothing(coordinator, product, org_a, data, message):
    adoption = adopt(coordinator, product, org_a)
    with pytest.raises(ValidationError, match=message):
        services.adoption_record_outcome(actor=coordinator, adoption=adoption, **data)
    adoption.refresh_from_db()
    assert adoption.outcome == "" and adoption.rating is None and adoption.is_open


def test_only_the_adopters_side_records_the_outcome(
    coordinator, author_coordinator, other_methodologist, product, org_a
):
    adoption = adopt(coordinator, product, org_a)
    for outsider in (author_coordinator, other_methodologist):
        with pytest.raises(PermissionDenied):
            services.adoption_record_outcome(actor=outsider, adoption=adoption, outcome="x", rating=1)


# --- products -------------------------------------------------------------------------------------------


def product_data(orgs, **extra):
    return {
        "title": "Программа «Шахматы в детском саду»",
        "type": "programme",
        "annotation": "Программа для старших групп.",
        "author_organizations": orgs,
        "audience_kinds": ["preschool"],
        "released_on": D(2023, 9, 1),
        "licence": "cc-by-4.0",
        "version": "1.0",
        **extra,
    }


def test_a_coordinator_creates_products_of_their_own_organisation(coordinator, org_a, org_b):
    with pytest.raises(ValidationError, match="Include your own organisation"):
        services.product_create(actor=coordinator, data=product_data([org_b]))
    product = services.product_create(actor=coordinator, data=product_data([org_a, org_b]))
    assert not product.is_published
    assert product.audience_kinds == ",preschool,"
    assert ActivityLog.objects.filter(action="library.product_create", object_id=str(product.pk)).exists()


def test_only_the_methodologist_records_the_councils_decision(coordinator, methodologist, org_a):
    council = {"council_date": D(2023, 10, 5), "council_decision": "recommended"}
    with pytest.raises(ValidationError, match="recorded by the municipality's methodologist"):
        services.product_create(actor=coordinator, data=product_data([org_a], **council))
    product = services.product_create(actor=coordinator, data=product_data([org_a]))
    with pytest.raises(ValidationError, match="recorded by the municipality's methodologist"):
        services.product_update(actor=coordinator, product=product, data=council)
    changes = services.product_update(actor=methodologist, product=product, data=council)
    assert changes["council_decision"] == ["", "recommended"]


def test_half_a_council_decision_is_refused(methodologist, org_a):
    with pytest.raises(ValidationError, match="both the date and the decision"):
        services.product_create(actor=methodologist, data=product_data([org_a], council_date=D(2023, 10, 5)))
    assert not MethodProduct.objects.exists()


def test_an_outsider_cannot_change_a_product(coordinator_b, other_methodologist, product):
    with pytest.raises(PermissionDenied):
        services.product_update(actor=coordinator_b, product=product, data={"title": "Чужое"})
    with pytest.raises(PermissionDenied):
        services.product_publish(actor=coordinator_b, product=product, published=False)


# --- files ----------------------------------------------------------------------------------------------


def test_files_are_checked_by_content(author_coordinator, product):
    item = services.product_attach_file(
        actor=author_coordinator, product=product, upload=pdf("Рекомендации (итог).exe")
    )
    assert item.file_type == "pdf" and item.file.name.endswith(".pdf")
    assert (
        services.product_attach_file(actor=author_coordinator, product=product, upload=docx()).file_type
        == "docx"
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (exe_as_pdf, "content was checked"),
        (lambda: docx(macros=True), "macros"),
        (lambda: pdf(size=4096), "too large"),
    ],
)
def test_refused_files_change_nothing(author_coordinator, product, make, message, monkeypatch):
    monkeypatch.setattr(services, "MAX_FILE_BYTES", 2048)
    with pytest.raises(ValidationError, match=message):
        services.product_attach_file(actor=author_coordinator, product=product, upload=make())
    assert not ProductFile.objects.exists()
    assert not ActivityLog.objects.filter(action="library.file_attach").exists()
