"""Levels of a contest: municipal, inter-municipal (a lead organiser and co-organisers), regional (the
regional methodologist). Set-up, eligibility, and who runs the formal check of which application."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from novator.accounts.models import Role
from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from novator.contests import services
from novator.contests.models import ApplicationState, Contest, ContestLevel
from novator.contests.tests.factories import (
    ApplicationFactory,
    ContestFactory,
    contest_with_setup,
    status_kind,
)
from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory, RegionFactory

pytestmark = pytest.mark.django_db


def _data(**overrides):
    now = timezone.now()
    return {
        "kind": "status",
        "title": "Межмуниципальный конкурс на статус МИП",
        "status_kind": status_kind("MIP"),
        "academic_year": "2027/28",
        "opens_at": now + datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=60),
        **overrides,
    }


@pytest.fixture
def third_municipality(region):
    return MunicipalityFactory(region=region, name="Кореновский район", oktmo="03621000")


@pytest.fixture
def intermunicipal(municipality, other_municipality):
    """Announced, led by Выселки (the methodologist's), co-organised by Тихорецк (other_methodologist's)."""
    contest = contest_with_setup(
        organiser_municipality=municipality, announced=True, level=ContestLevel.INTERMUNICIPAL
    )
    contest.coorganisers.set([other_municipality])
    return contest


# --- set-up ---------------------------------------------------------------------------------------


def test_methodologist_creates_an_intermunicipal_contest(methodologist, municipality, other_municipality):
    contest = services.contest_create(
        actor=methodologist,
        data=_data(
            level=ContestLevel.INTERMUNICIPAL,
            organiser_municipality=municipality,
            coorganisers=[other_municipality],
        ),
    )
    assert contest.level == ContestLevel.INTERMUNICIPAL
    assert contest.organisers() == [municipality, other_municipality]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("none", "at least one co-organiser"),
        ("lead", "is the lead organiser and cannot also be a co-organiser"),
        ("foreign", "of the lead organiser's region"),
        ("municipal", "Only an inter-municipal contest has co-organisers"),
    ],
)
def test_bad_organisers_are_refused_and_nothing_is_created(
    methodologist, municipality, other_municipality, case, message
):
    elsewhere = MunicipalityFactory(region=RegionFactory(code="61", name="Ростовская область"))
    coorganisers = {
        "none": [],
        "lead": [municipality, other_municipality],
        "foreign": [elsewhere],
        "municipal": [other_municipality],
    }[case]
    level = ContestLevel.MUNICIPAL if case == "municipal" else ContestLevel.INTERMUNICIPAL
    with pytest.raises(ValidationError) as exc:
        services.contest_create(
            actor=methodologist,
            data=_data(level=level, organiser_municipality=municipality, coorganisers=coorganisers),
        )
    assert message in " ".join(exc.value.message_dict["coorganisers"])
    assert not Contest.objects.exists()


def test_regional_contest_is_created_by_the_regional_methodologist(regional_methodologist, region):
    contest = services.contest_create(
        actor=regional_methodologist,
        data=_data(level=ContestLevel.REGIONAL, organiser_region=region, status_kind=status_kind("KIP")),
    )
    assert (contest.level, contest.organiser_region, contest.organiser_municipality) == (
        ContestLevel.REGIONAL,
        region,
        None,
    )
    assert regional_methodologist.has_perm("contests.manage_contest", contest)


@pytest.mark.parametrize("who", ["methodologist", "other_regional_methodologist"])
def test_regional_contest_is_refused_to_others(request, region, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.contest_create(
            actor=user,
            data=_data(level=ContestLevel.REGIONAL, organiser_region=region, status_kind=status_kind("KIP")),
        )
    assert not Contest.objects.exists()


def test_regional_methodologist_manages_only_its_regions_contests(
    regional_methodologist, other_regional_methodologist, region, municipality
):
    regional = ContestFactory(
        level=ContestLevel.REGIONAL, organiser_region=region, organiser_municipality=None
    )
    municipal = ContestFactory(organiser_municipality=municipality)
    assert regional_methodologist.has_perm("contests.manage_contest", regional)
    assert not other_regional_methodologist.has_perm("contests.manage_contest", regional)
    assert not regional_methodologist.has_perm("contests.manage_contest", municipal)


def test_the_form_creates_an_intermunicipal_contest(client, methodologist, municipality, other_municipality):
    client.force_login(methodologist)
    form = {
        "kind": "status",
        "title": "Межмуниципальный конкурс",
        "status_kind": status_kind("MIP").pk,
        "level": "intermunicipal",
        "organiser_municipality": municipality.pk,
        "coorganisers": [other_municipality.pk],
        "academic_year": "2027/28",
        "opens_at": "2027-09-01T09:00",
        "closes_at": "2027-12-01T18:00",
        "status_term_years": 3,
        "threshold_kind": "percent",
        "threshold_value": "60",
        "experts_per_application": 2,
    }
    response = client.post(reverse("contests:create"), form)
    contest = Contest.objects.get()
    assert response.status_code == 302
    assert list(contest.coorganisers.all()) == [other_municipality]
    page = client.get(contest.get_absolute_url()).content.decode()
    assert "Inter-municipal" in page and other_municipality.name in page
    # the lead as a co-organiser: a message on the form, nothing created
    form.update(title="Ещё один", coorganisers=[municipality.pk])
    response = client.post(reverse("contests:create"), form)
    assert response.status_code == 200
    assert "cannot also be a co-organiser" in response.content.decode()
    assert Contest.objects.count() == 1


def test_the_form_offers_a_methodologist_no_regional_level(client, methodologist, regional_methodologist):
    client.force_login(methodologist)
    choices = dict(client.get(reverse("contests:create")).context["form"].fields["level"].choices)
    assert "regional" not in choices and "intermunicipal" in choices
    client.force_login(regional_methodologist)
    form = client.get(reverse("contests:create")).context["form"]
    assert list(dict(form.fields["level"].choices)) == ["regional"]
    assert "organiser_municipality" not in form.fields


# --- eligibility ----------------------------------------------------------------------------------


def _coordinator_of(organization):
    user = UserFactory()
    RoleAssignmentFactory(user=user, role=Role.COORDINATOR, organization=organization)
    return user


def test_intermunicipal_contest_takes_applicants_of_every_organiser(
    intermunicipal, other_municipality, third_municipality
):
    coorganised = OrganizationFactory(municipality=other_municipality)
    services.application_create(
        actor=_coordinator_of(coorganised), contest=intermunicipal, organization=coorganised, data={}
    )
    outsider = OrganizationFactory(municipality=third_municipality)
    with pytest.raises(ValidationError) as exc:
        services.application_create(
            actor=_coordinator_of(outsider), contest=intermunicipal, organization=outsider, data={}
        )
    assert "for organisations of its organisers" in exc.value.messages[0]
    assert intermunicipal.applications.count() == 1


def test_regional_contest_takes_applicants_of_the_whole_region(region, municipality, other_municipality):
    contest = contest_with_setup(
        level=ContestLevel.REGIONAL, organiser_region=region, organiser_municipality=None, announced=True
    )
    for m in (municipality, other_municipality):
        organization = OrganizationFactory(municipality=m)
        services.application_create(
            actor=_coordinator_of(organization), contest=contest, organization=organization, data={}
        )
    outsider = OrganizationFactory(
        municipality=MunicipalityFactory(region=RegionFactory(code="61", name="Ростовская область"))
    )
    with pytest.raises(ValidationError):
        services.application_create(
            actor=_coordinator_of(outsider), contest=contest, organization=outsider, data={}
        )
    assert contest.applications.count() == 2


# --- who checks which application ------------------------------------------------------------------


def test_each_organiser_checks_its_own_municipalitys_applications(
    intermunicipal, methodologist, other_methodologist, municipality, other_municipality
):
    own = ApplicationFactory(contest=intermunicipal, submitted=True)  # of Выселки, the lead's
    theirs = ApplicationFactory(
        contest=intermunicipal,
        submitted=True,
        organization=OrganizationFactory(municipality=other_municipality),
    )
    # the co-organiser accepts an application of its own municipality
    services.application_transition(actor=other_methodologist, application=theirs, name="accept")
    # ... and is refused one of the lead's municipality, with a message; nothing changes
    with pytest.raises(ValidationError) as exc:
        services.application_transition(actor=other_methodologist, application=own, name="accept")
    assert "checked by the organiser of the applicant's municipality" in exc.value.messages[0]
    own.refresh_from_db()
    assert own.state == ApplicationState.SUBMITTED
    # the lead does not check the co-organiser's applicants either, but its own
    theirs2 = ApplicationFactory(
        contest=intermunicipal,
        submitted=True,
        organization=OrganizationFactory(municipality=other_municipality),
    )
    with pytest.raises(ValidationError):
        services.application_transition(
            actor=methodologist, application=theirs2, name="reject", reason="Не по профилю"
        )
    services.application_transition(actor=methodologist, application=own, name="accept")
    theirs.refresh_from_db()
    theirs2.refresh_from_db()
    own.refresh_from_db()
    assert (theirs.state, theirs2.state, own.state) == ("accepted", "submitted", "accepted")


def test_a_methodologist_of_a_third_municipality_is_denied(intermunicipal, third_municipality):
    outsider = UserFactory()
    RoleAssignmentFactory(user=outsider, role=Role.METHODOLOGIST, municipality=third_municipality)
    application = ApplicationFactory(contest=intermunicipal, submitted=True)
    with pytest.raises(PermissionDenied):
        services.application_transition(actor=outsider, application=application, name="accept")


def test_coorganiser_sees_the_applications_and_commission_read_only(
    client, intermunicipal, other_methodologist, other_municipality
):
    own = ApplicationFactory(contest=intermunicipal, submitted=True)
    theirs = ApplicationFactory(
        contest=intermunicipal,
        submitted=True,
        organization=OrganizationFactory(municipality=other_municipality),
    )
    client.force_login(other_methodologist)
    listing = client.get(reverse("contests:applications", args=[intermunicipal.pk]))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert own.organization.short_name in body and theirs.organization.short_name in body
    # the lead's applicant: read-only, no buttons of the formal check
    page = client.get(own.get_absolute_url())
    assert page.status_code == 200
    assert not page.context["actions"]
    # its own applicant: the buttons
    assert {a["transition"].name for a in client.get(theirs.get_absolute_url()).context["actions"]} >= {
        "accept"
    }
    # the co-organiser does not edit the contest
    assert client.get(reverse("contests:edit", args=[intermunicipal.pk])).status_code == 403
    assert other_methodologist.has_perm("expertise.view_commission", intermunicipal)
    assert not other_methodologist.has_perm("expertise.manage_commission", intermunicipal)


def test_the_lead_issues_the_results_order_naming_the_coorganisers(intermunicipal, other_municipality):
    from novator.expertise import documents
    from novator.expertise.tests.test_documents import docx_text

    text = docx_text(documents.render("order.docx", documents.order_context(intermunicipal)))
    assert "совместно с соорганизаторами" in text
