"""Contest pages × roles, bad input on the pages, escaping, and pinned query counts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import rules
from django.urls import reverse
from django.utils import timezone

from novator.contests.models import Application, ApplicationState, Contest, ContestState, Criterion
from novator.organizations.tests.factories import OrganizationFactory

from . import files
from .factories import (
    ApplicationDocumentFactory,
    ApplicationFactory,
    ContestFactory,
    complete_application,
    contest_with_setup,
    status_kind,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "teacher",
    "coordinator",
    "coordinator_b",
    "expert",
    "observer",
    "methodologist",
    "other_methodologist",
    "admin_user",
]
ORGANISERS = {"methodologist", "admin_user"}


def _login(client, request, role):
    if role != "anonymous":
        user = request.getfixturevalue(role)
        client.force_login(user)
        return user
    return None


def _expect(role, allowed, denied=403):
    if role in allowed:
        return 200
    return 302 if role == "anonymous" else denied


@pytest.fixture
def application(contest, org_a):
    return complete_application(ApplicationFactory(contest=contest, organization=org_a))


@pytest.fixture
def reviewer_rule(expert):
    """Stands in for the expertise app's rule: this expert reviews every application."""
    name = "expertise.review_application"
    saved = rules.permissions.permissions.get(name) if rules.perm_exists(name) else None
    rules.set_perm(name, rules.predicate(lambda user, obj: user.pk == expert.pk))
    yield
    if saved is None:
        rules.remove_perm(name)
    else:
        rules.set_perm(name, saved)


# ---------------------------------------------------------------------------------------------------
# Pages × roles


@pytest.mark.parametrize("role", ROLES)
def test_public_pages(client, request, contest, role):
    _login(client, request, role)
    assert client.get(reverse("contests:list")).status_code == 200
    response = client.get(contest.get_absolute_url())
    assert response.status_code == 200
    assert contest.title in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_draft_is_seen_only_by_its_organisers(client, request, draft_contest, role):
    _login(client, request, role)
    expected = 200 if role in ORGANISERS else 404
    assert client.get(draft_contest.get_absolute_url()).status_code == expected
    assert (draft_contest.title in client.get(reverse("contests:list")).content.decode()) == (
        role in ORGANISERS
    )


@pytest.mark.parametrize("role", ROLES)
def test_create_page(client, request, role):
    _login(client, request, role)
    expected = _expect(role, {"methodologist", "other_methodologist", "admin_user"})
    assert client.get(reverse("contests:create")).status_code == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "page",
    [
        "contests:edit",
        "contests:copy",
        "contests:applications",
        "setup:categories",
        "setup:criteria",
        "setup:sections",
        "setup:documents",
    ],
)
def test_organiser_pages(client, request, contest, role, page):
    _login(client, request, role)
    if page.startswith("setup:"):
        url = reverse("contests:setup", args=[contest.pk, page.split(":")[1]])
    else:
        url = reverse(page, args=[contest.pk])
    assert client.get(url).status_code == _expect(role, ORGANISERS)


@pytest.mark.parametrize("role", ROLES)
def test_organiser_posts_are_refused_to_others(client, request, draft_contest, role):
    _login(client, request, role)
    if role in ORGANISERS:
        return
    expected = 302 if role == "anonymous" else 403
    assert (
        client.post(reverse("contests:action", args=[draft_contest.pk, "announce"])).status_code == expected
    )
    assert client.post(reverse("contests:defaults", args=[draft_contest.pk])).status_code == expected
    criterion = draft_contest.criteria.first()
    url = reverse("contests:setup_delete", args=[draft_contest.pk, "criteria", criterion.pk])
    assert client.post(url).status_code == expected
    draft_contest.refresh_from_db()
    assert draft_contest.state == ContestState.DRAFT
    assert Criterion.objects.filter(pk=criterion.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_apply_page(client, request, contest, role):
    _login(client, request, role)
    expected = _expect(role, {"coordinator", "coordinator_b"})
    assert client.get(reverse("contests:apply", args=[contest.pk])).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_my_applications_page(client, request, application, role):
    _login(client, request, role)
    response = client.get(reverse("contests:my_applications"))
    assert response.status_code == (302 if role == "anonymous" else 200)
    if role != "anonymous":
        assert (application.project_title in response.content.decode()) == (
            role in {"coordinator", "methodologist", "admin_user"}
        )


@pytest.mark.parametrize("role", ROLES)
def test_application_page_and_documents(client, request, application, role):
    _login(client, request, role)
    allowed = {"coordinator", "methodologist", "admin_user"}
    assert client.get(application.get_absolute_url()).status_code == _expect(role, allowed)
    document = application.documents.first()
    response = client.get(reverse("contests:document", args=[document.pk]))
    assert response.status_code == _expect(role, allowed)
    if response.status_code == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", ROLES)
def test_application_posts_are_refused_to_others(client, request, application, role):
    _login(client, request, role)
    if role in {"coordinator", "methodologist", "admin_user"}:
        return
    expected = 302 if role == "anonymous" else 403
    url = reverse("contests:application_action", args=[application.pk, "submit"])
    assert client.post(url).status_code == expected
    assert client.post(application.get_absolute_url(), {"project_title": "Чужое"}).status_code == expected
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    assert application.project_title != "Чужое"


def test_reviewer_reads_the_application_and_its_documents(client, application, expert, reviewer_rule):
    client.force_login(expert)
    response = client.get(application.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "member of the expert commission" in body
    assert 'name="project_title"' not in body
    assert "Текст раздела" in body
    document = application.documents.first()
    assert client.get(reverse("contests:document", args=[document.pk])).status_code == 200
    url = reverse("contests:application_action", args=[application.pk, "submit"])
    assert client.post(url).status_code == 403


# ---------------------------------------------------------------------------------------------------
# The contest page


def test_contest_page_shows_setup_window_and_apply_button(client, contest, coordinator):
    client.force_login(coordinator)
    body = client.get(contest.get_absolute_url()).content.decode()
    opens = timezone.localtime(contest.opens_at).strftime("%d.%m.%Y %H:%M")
    assert opens in body
    assert "Maximum total" in body
    assert "8" in body  # 3×1 + 10×0.5
    assert "ДОУ" in body and "СОШ" in body
    assert reverse("contests:apply", args=[contest.pk]) in body


def test_no_apply_button_when_closed_or_for_others(client, municipality, coordinator, methodologist):
    closed = contest_with_setup(organiser_municipality=municipality, closed=True)
    client.force_login(coordinator)
    assert (
        reverse("contests:apply", args=[closed.pk])
        not in client.get(closed.get_absolute_url()).content.decode()
    )
    open_contest = contest_with_setup(organiser_municipality=municipality, announced=True)
    client.force_login(methodologist)
    body = client.get(open_contest.get_absolute_url()).content.decode()
    assert reverse("contests:apply", args=[open_contest.pk]) not in body


def test_contest_page_offers_only_the_available_transitions(client, draft_contest, methodologist):
    client.force_login(methodologist)
    body = client.get(draft_contest.get_absolute_url()).content.decode()
    assert reverse("contests:action", args=[draft_contest.pk, "announce"]) in body
    assert reverse("contests:action", args=[draft_contest.pk, "start_expertise"]) not in body


def test_results_table_after_publication(client, municipality, org_a):
    contest = contest_with_setup(organiser_municipality=municipality, published=True)
    ApplicationFactory(
        contest=contest, organization=org_a, accepted=True, total=Decimal("7.50"), rank=1, awarded=True
    )
    rejected = ApplicationFactory(contest=contest, rejected=True)
    body = client.get(contest.get_absolute_url()).content.decode()
    assert "7.50" in body or "7,50" in body
    assert org_a.short_name in body
    assert rejected.organization.short_name not in body


def test_regulation_download(client, contest):
    assert client.get(reverse("contests:regulation", args=[contest.pk])).status_code == 404
    contest.regulation_file.save("polozhenie.pdf", files.pdf())
    response = client.get(reverse("contests:regulation", args=[contest.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


# ---------------------------------------------------------------------------------------------------
# The organiser's flow through the pages


def _contest_form(municipality, **overrides):
    data = {
        "kind": "status",
        "title": "Конкурс на статус МЛСВ",
        "status_kind": status_kind("MLSV").pk,
        "organiser_municipality": municipality.pk,
        "academic_year": "2027/28",
        "opens_at": "2027-09-01T09:00",
        "closes_at": "2027-12-01T18:00",
        "status_term_years": 3,
        "threshold_kind": "percent",
        "threshold_value": "60",
        "experts_per_application": 2,
        "with_defaults": "on",
    }
    data.update(overrides)
    return data


def test_methodologist_creates_a_contest_in_moscow_time(client, methodologist, municipality):
    client.force_login(methodologist)
    response = client.post(reverse("contests:create"), _contest_form(municipality))
    contest = Contest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == contest.get_absolute_url()
    assert timezone.localtime(contest.opens_at).strftime("%d.%m.%Y %H:%M %Z") == "01.09.2027 09:00 MSK"
    assert contest.criteria.count() == 7


def test_create_with_bad_input_shows_messages_and_saves_nothing(client, methodologist, municipality):
    client.force_login(methodologist)
    response = client.post(
        reverse("contests:create"),
        _contest_form(municipality, academic_year="2027/29", closes_at="2027-08-01T00:00", title=""),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in body
    assert not Contest.objects.exists()
    response = client.post(reverse("contests:create"), _contest_form(municipality, academic_year="2027/29"))
    assert "Write the academic year as 2022/23" in response.content.decode()
    response = client.post(
        reverse("contests:create"), _contest_form(municipality, closes_at="2027-08-01T00:00")
    )
    assert "Applications must close after they open." in response.content.decode()
    assert not Contest.objects.exists()


def test_methodologist_cannot_choose_another_municipality(client, methodologist, other_municipality):
    client.force_login(methodologist)
    response = client.post(reverse("contests:create"), _contest_form(other_municipality))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Contest.objects.exists()


def test_edit_replaces_and_removes_the_regulation_file(client, methodologist, draft_contest, municipality):
    draft_contest.regulation_file.save("old.pdf", files.pdf())
    client.force_login(methodologist)
    url = reverse("contests:edit", args=[draft_contest.pk])
    body = client.get(url).content.decode()
    assert "The current file is old" in body
    form = _contest_form(municipality, title=draft_contest.title)
    del form["with_defaults"]
    response = client.post(url, {**form, "regulation_file": files.exe_as_pdf("new.pdf")})
    assert "its content was checked" in response.content.decode()
    client.post(url, {**form, "regulation_file": files.docx("Положение.docx")})
    draft_contest.refresh_from_db()
    assert draft_contest.regulation_file.name.endswith("Положение.docx")
    client.post(url, {**form, "remove_regulation_file": "on"})
    draft_contest.refresh_from_db()
    assert not draft_contest.regulation_file


def test_edit_after_the_expertise_started_goes_back_to_the_contest(client, methodologist, municipality):
    contest = contest_with_setup(organiser_municipality=municipality, expertise=True)
    client.force_login(methodologist)
    response = client.get(reverse("contests:edit", args=[contest.pk]))
    assert response["Location"] == contest.get_absolute_url()


def test_setup_page_adds_and_refuses_criteria(client, methodologist, draft_contest):
    client.force_login(methodologist)
    url = reverse("contests:setup", args=[draft_contest.pk, "criteria"])
    response = client.post(url, {"name": "Реализуемость", "max_points": "0", "weight": "1"})
    assert response.status_code == 200
    assert "positive number" in response.content.decode()
    response = client.post(url, {"name": "Реализуемость", "max_points": "3", "weight": "1"})
    assert response.status_code == 302
    assert draft_contest.criteria.filter(name="Реализуемость").exists()


def test_setup_page_edits_and_deletes_documents(client, methodologist, draft_contest):
    client.force_login(methodologist)
    document = draft_contest.required_documents.get(title="Проект")
    url = reverse("contests:setup_item", args=[draft_contest.pk, "documents", document.pk])
    response = client.post(url, {"title": "Проект", "max_size_mb": "5", "required": "on"})
    assert "Choose at least one allowed file type." in response.content.decode()
    response = client.post(url, {"title": "Проект", "allowed_types": ["pdf", "png"], "max_size_mb": "5"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.allowed_types, document.max_size_mb, document.required) == (["pdf", "png"], 5, False)
    client.post(reverse("contests:setup_delete", args=[draft_contest.pk, "documents", document.pk]))
    assert not draft_contest.required_documents.filter(pk=document.pk).exists()


def test_setup_page_is_read_only_once_somebody_applied(client, methodologist, contest, application):
    client.force_login(methodologist)
    body = client.get(reverse("contests:setup", args=[contest.pk, "criteria"])).content.decode()
    assert "already applied" in body
    assert 'name="max_points"' not in body
    criterion = contest.criteria.first()
    response = client.post(
        reverse("contests:setup_delete", args=[contest.pk, "criteria", criterion.pk]), follow=True
    )
    assert "already applied" in response.content.decode()
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_unknown_setup_part_is_404(client, methodologist, contest):
    client.force_login(methodologist)
    assert client.get(reverse("contests:setup", args=[contest.pk, "prizes"])).status_code == 404


def test_copy_page_proposes_next_year(client, methodologist, municipality):
    source = contest_with_setup(
        organiser_municipality=municipality,
        published=True,
        academic_year="2022/23",
        title="Конкурс на статус МИП 2022/23",
    )
    client.force_login(methodologist)
    url = reverse("contests:copy", args=[source.pk])
    body = client.get(url).content.decode()
    assert "2023/24" in body
    response = client.post(
        url,
        {
            "title": "Конкурс на статус МИП 2023/24",
            "academic_year": "2023/24",
            "opens_at": "2023-09-01T09:00",
            "closes_at": "2023-12-01T18:00",
        },
    )
    copy = Contest.objects.get(copied_from=source)
    assert response["Location"] == copy.get_absolute_url()
    assert copy.criteria.count() == 2


def test_announce_errors_are_shown(client, methodologist, municipality):
    contest = ContestFactory(organiser_municipality=municipality)
    client.force_login(methodologist)
    response = client.post(reverse("contests:action", args=[contest.pk, "announce"]), follow=True)
    assert "Add the criteria of the expertise." in response.content.decode()
    contest.refresh_from_db()
    assert contest.state == ContestState.DRAFT


def test_record_order_page_flow(client, methodologist, municipality):
    contest = contest_with_setup(organiser_municipality=municipality, decided=True)
    client.force_login(methodologist)
    response = client.post(
        reverse("contests:order", args=[contest.pk]), {"number": "", "date": "bad"}, follow=True
    )
    assert "This field is required." in response.content.decode()
    client.post(reverse("contests:order", args=[contest.pk]), {"number": "12-од", "date": "2027-06-01"})
    client.post(reverse("contests:action", args=[contest.pk, "publish_results"]))
    contest.refresh_from_db()
    assert (contest.order_number, contest.state) == ("12-од", ContestState.PUBLISHED)


def test_applications_list_filters_and_counts(client, methodologist, contest, municipality):
    school = ApplicationFactory(contest=contest, submitted=True)
    preschool = ApplicationFactory(
        contest=contest,
        organization=OrganizationFactory(municipality=municipality, preschool=True),
        accepted=True,
        category=contest.categories.get(name="ДОУ"),
    )
    client.force_login(methodologist)
    url = reverse("contests:applications", args=[contest.pk])
    body = client.get(url).content.decode()
    assert school.organization.short_name in body and preschool.organization.short_name in body
    assert "Submitted: 1" in body and "Passed the formal check: 1" in body
    body = client.get(url, {"state": "accepted"}).content.decode()
    assert school.organization.short_name not in body
    body = client.get(url, {"category": contest.categories.get(name="СОШ").pk}).content.decode()
    assert preschool.organization.short_name not in body
    assert client.get(url, {"state": "<script>", "category": "x"}).status_code == 200


# ---------------------------------------------------------------------------------------------------
# The coordinator's flow through the pages


def test_coordinator_applies_fills_uploads_and_submits(client, coordinator, contest, org_a, mailoutbox):
    client.force_login(coordinator)
    response = client.post(
        reverse("contests:apply", args=[contest.pk]),
        {
            "organization": org_a.pk,
            "category": contest.categories.get(name="СОШ").pk,
            "project_title": "Сеть",
        },
    )
    application = Application.objects.get()
    assert response["Location"] == application.get_absolute_url()
    page = client.get(application.get_absolute_url()).content.decode()
    assert 'data-charcount="200"' in page and 'maxlength="200"' in page
    assert "Section «Актуальность» is empty." in page
    response = client.post(reverse("contests:application_action", args=[application.pk, "submit"]))
    assert "could not be done" in response.content.decode()
    assert "Document «Заявка» is not attached." in response.content.decode()
    client.post(
        application.get_absolute_url(),
        {
            "project_title": "Сеть",
            "category": application.category_id,
            "text_relevance": "Актуально",
            "text_goal": "Цель",
        },
    )
    for requirement in contest.required_documents.all():
        url = reverse("contests:application_upload", args=[application.pk, requirement.pk])
        assert client.post(url, {"file": files.pdf()}).status_code == 302
    assert "can be submitted" in client.get(application.get_absolute_url()).content.decode()
    response = client.post(reverse("contests:application_action", args=[application.pk, "submit"]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.state, application.number) == (ApplicationState.SUBMITTED, 1)
    # the second tab
    response = client.post(reverse("contests:application_action", args=[application.pk, "submit"]))
    assert response.status_code == 200
    assert "already" in response.content.decode()


def test_start_form_shows_eligibility_errors(client, coordinator_b, contest, org_b):
    client.force_login(coordinator_b)
    response = client.post(
        reverse("contests:apply", args=[contest.pk]),
        {"organization": org_b.pk, "category": contest.categories.get(name="СОШ").pk, "project_title": "П"},
    )
    assert response.status_code == 200
    assert "The contest is for organisations of Выселковский район." in response.content.decode()
    assert not Application.objects.exists()


def test_start_form_refuses_another_organisation(client, coordinator, contest, org_b):
    client.force_login(coordinator)
    response = client.post(
        reverse("contests:apply", args=[contest.pk]),
        {"organization": org_b.pk, "category": contest.categories.get(name="СОШ").pk, "project_title": "П"},
    )
    assert response.status_code == 200
    assert "only for the organisations you coordinate" in response.content.decode()
    assert not Application.objects.exists()


def test_apply_again_opens_the_existing_application(client, coordinator, application):
    client.force_login(coordinator)
    response = client.get(reverse("contests:apply", args=[application.contest_id]))
    assert response["Location"] == application.get_absolute_url()


def test_too_long_text_is_refused_with_a_message(client, coordinator, application):
    client.force_login(coordinator)
    response = client.post(
        application.get_absolute_url(),
        {"project_title": "Новое", "category": application.category_id, "text_goal": "ц" * 101},
    )
    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()
    application.refresh_from_db()
    assert application.project_title != "Новое"


def test_texts_are_escaped(client, coordinator, methodologist, application):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    application.texts = {"relevance": payload, "goal": "ok"}
    application.project_title = payload
    application.state = ApplicationState.SUBMITTED
    application.save()
    for user in (coordinator, methodologist):
        client.force_login(user)
        body = client.get(application.get_absolute_url()).content.decode()
        assert "<script>alert" not in body
        assert "<img src=x" not in body
        assert "&lt;script&gt;" in body
    body = client.get(reverse("contests:applications", args=[application.contest_id])).content.decode()
    assert "<script>alert" not in body


def test_formal_check_return_with_reason_and_due(client, methodologist, coordinator, application):
    application.state, application.number = ApplicationState.SUBMITTED, 1
    application.save()
    client.force_login(methodologist)
    url = reverse("contests:application_action", args=[application.pk, "return"])
    response = client.post(url, {"return-reason": "", "return-due": ""})
    assert "Give the reason." in response.content.decode()
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"return-reason": "Нет выписки", "return-due": past})
    assert "in the future" in response.content.decode()
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    due = (timezone.localtime() + datetime.timedelta(days=5)).replace(hour=18, minute=0)
    response = client.post(
        url, {"return-reason": "Нет выписки", "return-due": due.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    client.force_login(coordinator)
    body = client.get(application.get_absolute_url()).content.decode()
    assert "returned for fixes" in body
    assert "Нет выписки" in body
    assert due.strftime("%d.%m.%Y %H:%M") in body
    assert 'name="project_title"' in body  # editable again


def test_formal_check_reject_and_accept(client, methodologist, contest, org_a, municipality):
    first = complete_application(ApplicationFactory(contest=contest, organization=org_a, submitted=True))
    second = complete_application(ApplicationFactory(contest=contest, submitted=True))
    client.force_login(methodologist)
    client.post(reverse("contests:application_action", args=[first.pk, "accept"]))
    response = client.post(
        reverse("contests:application_action", args=[second.pk, "reject"]), {"reject-reason": ""}
    )
    assert "Give the reason." in response.content.decode()
    client.post(
        reverse("contests:application_action", args=[second.pk, "reject"]), {"reject-reason": "Не ОО"}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state, second.reject_reason) == ("accepted", "rejected", "Не ОО")


def test_published_results_are_shown_to_the_applicant(client, coordinator, municipality, org_a):
    contest = contest_with_setup(organiser_municipality=municipality, published=True)
    application = ApplicationFactory(
        contest=contest, organization=org_a, accepted=True, total=Decimal("6.50"), rank=2, awarded=True
    )
    client.force_login(coordinator)
    body = client.get(application.get_absolute_url()).content.decode()
    assert 'id="results-heading"' in body
    assert "6.50" in body or "6,50" in body


def test_unknown_action_is_404(client, coordinator, application):
    client.force_login(coordinator)
    assert (
        client.post(reverse("contests:application_action", args=[application.pk, "approve"])).status_code
        == 404
    )
    assert (
        client.get(reverse("contests:application_action", args=[application.pk, "submit"])).status_code == 405
    )


# ---------------------------------------------------------------------------------------------------
# Query counts


@pytest.mark.parametrize("count", [5, 30])
def test_contest_list_query_count(client, municipality, methodologist, django_assert_max_num_queries, count):
    for n in range(count):
        contest = contest_with_setup(
            organiser_municipality=municipality,
            announced=True,
            academic_year=f"20{n % 10 + 10}/{n % 10 + 11}",
        )
        contest_with_setup(organiser_municipality=municipality, published=True)
    # filter choices (years, statuses), count, page; with a user: session, user, roles
    with django_assert_max_num_queries(4):
        assert client.get(reverse("contests:list")).status_code == 200
    client.force_login(methodologist)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("contests:list"), {"status_kind": "MIP"}).status_code == 200
    assert contest


@pytest.mark.parametrize("count", [5, 30])
def test_organiser_applications_query_count(
    client, methodologist, contest, municipality, django_assert_max_num_queries, count
):
    for _ in range(count):
        application = ApplicationFactory(contest=contest, submitted=True, category=contest.categories.last())
        ApplicationDocumentFactory(application=application, requirement=contest.required_documents.first())
    client.force_login(methodologist)
    # session, user, contest, roles, count, counts per state, categories (filter), page
    with django_assert_max_num_queries(8):
        response = client.get(reverse("contests:applications", args=[contest.pk]))
    assert response.content.decode().count("<tr>") == count + 1


@pytest.mark.parametrize("count", [5, 30])
def test_my_applications_query_count(
    client, coordinator, org_a, municipality, django_assert_max_num_queries, count
):
    for _ in range(count):
        ApplicationFactory(
            contest=contest_with_setup(organiser_municipality=municipality, announced=True),
            organization=org_a,
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(5):  # session, user, roles, count, page
        response = client.get(reverse("contests:my_applications"))
    assert response.status_code == 200
