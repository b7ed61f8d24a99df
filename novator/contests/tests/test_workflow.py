"""The application and contest workflows: every transition allowed or denied per role and per state,
deadlines, completeness, double submission, eligibility."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from novator.contests import services
from novator.contests.models import Application, ApplicationState, ContestState
from novator.contests.workflow import APPLICATION_TRANSITIONS, CONTEST_TRANSITIONS
from novator.core.models import ActivityLog
from novator.organizations.tests.factories import OrganizationFactory

from .factories import (
    ApplicationFactory,
    ContestFactory,
    CriterionFactory,
    complete_application,
    contest_with_setup,
)

pytestmark = pytest.mark.django_db

A = ApplicationState


def _codes(exc: ValidationError) -> set[str | None]:
    return {e.code for e in exc.error_list} if not hasattr(exc, "error_dict") else set()


def _application(contest, org, **kwargs):
    return complete_application(ApplicationFactory(contest=contest, organization=org, **kwargs))


def _run(actor, application, name, **kwargs):
    if name == "return":
        kwargs.setdefault("due", timezone.now() + datetime.timedelta(days=7))
    if APPLICATION_TRANSITIONS[name].needs_reason:
        kwargs.setdefault("reason", "Не хватает документа.")
    return services.application_transition(actor=actor, application=application, name=name, **kwargs)


# ---------------------------------------------------------------------------------------------------
# Application transitions × state


@pytest.mark.parametrize("name", list(APPLICATION_TRANSITIONS))
@pytest.mark.parametrize("state", list(A.values))
def test_application_transition_from_every_state(contest, org_a, coordinator, methodologist, name, state):
    application = _application(contest, org_a, state=state, number=1 if state != A.DRAFT else None)
    transition = APPLICATION_TRANSITIONS[name]
    actor = coordinator if transition.permission == "contests.apply" else methodologist
    if state in transition.sources:
        result = _run(actor, application, name)
        assert result.state == transition.target
    else:
        with pytest.raises(ValidationError) as caught:
            _run(actor, application, name)
        assert _codes(caught.value) & {"wrong_state", "already_done"}
        application.refresh_from_db()
        assert application.state == state


# ---------------------------------------------------------------------------------------------------
# Application transitions × role

ROLES = [
    "coordinator",
    "coordinator_b",
    "teacher",
    "expert",
    "observer",
    "methodologist",
    "other_methodologist",
]
APPLICANT_ROLES = {"coordinator"}
ORGANISER_ROLES = {"methodologist"}


@pytest.mark.parametrize("role", [*ROLES, "admin_user"])
@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("submit", A.DRAFT),
        ("withdraw", A.SUBMITTED),
        ("accept", A.SUBMITTED),
        ("return", A.SUBMITTED),
        ("reject", A.SUBMITTED),
    ],
)
def test_application_transition_per_role(request, contest, org_a, role, name, state):
    actor = request.getfixturevalue(role)
    application = _application(contest, org_a, state=state, number=None if state == A.DRAFT else 1)
    allowed_roles = (
        APPLICANT_ROLES if APPLICATION_TRANSITIONS[name].permission == "contests.apply" else ORGANISER_ROLES
    )
    if role in allowed_roles or role == "admin_user":
        assert _run(actor, application, name).state == APPLICATION_TRANSITIONS[name].target
    else:
        with pytest.raises(PermissionDenied):
            _run(actor, application, name)
        application.refresh_from_db()
        assert application.state == state


def test_stranger_learns_nothing_about_the_state(contest, org_a, coordinator_b):
    application = _application(contest, org_a, state=A.ACCEPTED, number=1)
    with pytest.raises(PermissionDenied):
        _run(coordinator_b, application, "submit")


# ---------------------------------------------------------------------------------------------------
# Submission: deadline, completeness, numbering, double submission


def test_submit_numbers_applications_in_order_and_notifies(contest, org_a, coordinator, mailoutbox):
    other = OrganizationFactory(municipality=org_a.municipality)
    first = _application(contest, org_a)
    second = _application(contest, other)
    assert _run(coordinator, first, "submit").number == 1
    assert _run(None, second, "submit").number == 2
    first.refresh_from_db()
    assert first.submitted_at is not None
    assert ActivityLog.objects.filter(action="application.submit", object_id=str(first.pk)).count() == 1


def test_late_submission_is_refused(municipality, org_a, coordinator):
    contest = contest_with_setup(organiser_municipality=municipality, closed=True)
    application = _application(contest, org_a)
    with pytest.raises(ValidationError) as caught:
        _run(coordinator, application, "submit")
    assert "deadline has passed" in caught.value.messages[0]
    application.refresh_from_db()
    assert application.state == A.DRAFT
    assert application.number is None


def test_early_submission_is_refused(municipality, org_a, coordinator):
    contest = contest_with_setup(
        organiser_municipality=municipality,
        announced=True,
        opens_at=timezone.now() + datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=10),
    )
    application = _application(contest, org_a)
    with pytest.raises(ValidationError, match="accepted from"):
        _run(coordinator, application, "submit")


def test_returned_application_may_be_resubmitted_after_the_window_until_its_due_date(
    municipality, org_a, coordinator
):
    contest = contest_with_setup(organiser_municipality=municipality, closed=True)
    application = _application(contest, org_a, returned=True)
    result = _run(coordinator, application, "submit")
    assert result.state == A.SUBMITTED
    assert result.return_reason == ""
    assert result.return_due is None


def test_returned_application_past_its_due_date_is_refused(municipality, org_a, coordinator):
    contest = contest_with_setup(organiser_municipality=municipality, closed=True)
    application = _application(
        contest, org_a, returned=True, return_due=timezone.now() - datetime.timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as caught:
        _run(coordinator, application, "submit")
    assert "deadline for fixes" in caught.value.messages[0]
    application.refresh_from_db()
    assert application.state == A.RETURNED


def test_incomplete_submission_lists_what_is_missing(contest, org_a, coordinator):
    application = ApplicationFactory(contest=contest, organization=org_a, project_title="")
    with pytest.raises(ValidationError) as caught:
        _run(coordinator, application, "submit")
    messages = caught.value.messages
    assert "The project title is empty." in messages
    assert "Choose a category." in messages
    assert "Section «Актуальность» is empty." in messages
    assert "Document «Заявка» is not attached." in messages
    application.refresh_from_db()
    assert application.state == A.DRAFT


def test_optional_section_and_document_are_not_required(contest, org_a, coordinator):
    contest.sections.filter(key="goal").update(required=False)
    contest.required_documents.filter(title="Проект").update(required=False)
    application = _application(contest, org_a)
    application.documents.filter(requirement__title="Проект").delete()
    application.texts = {"relevance": "Текст"}
    application.save()
    assert services.completeness_errors(application) == []


def test_double_submission_gives_a_clear_message_and_changes_nothing(contest, org_a, coordinator, mailoutbox):
    application = _application(contest, org_a)
    stale_tab = Application.objects.get(pk=application.pk)
    _run(coordinator, application, "submit")
    submitted = Application.objects.get(pk=application.pk)
    with pytest.raises(ValidationError) as caught:
        _run(coordinator, stale_tab, "submit")
    assert _codes(caught.value) == {"already_done"}
    assert "already" in caught.value.messages[0]
    again = Application.objects.get(pk=application.pk)
    assert (again.number, again.submitted_at) == (submitted.number, submitted.submitted_at)
    assert ActivityLog.objects.filter(action="application.submit").count() == 1


# ---------------------------------------------------------------------------------------------------
# The formal check


def test_return_needs_a_reason_and_a_future_due_date(contest, org_a, methodologist):
    application = _application(contest, org_a, submitted=True)
    with pytest.raises(ValidationError) as caught:
        services.application_transition(actor=methodologist, application=application, name="return", due=None)
    assert "reason" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.application_transition(
            actor=methodologist,
            application=application,
            name="return",
            reason="Нет выписки",
            due=timezone.now() - datetime.timedelta(days=1),
        )
    assert "due" in caught.value.error_dict
    application.refresh_from_db()
    assert application.state == A.SUBMITTED


def test_return_and_reject_record_the_reason_and_notify(
    contest, org_a, coordinator, methodologist, mailoutbox, django_capture_on_commit_callbacks
):
    application = _application(contest, org_a, submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        _run(methodologist, application, "return", reason="Нет выписки из решения педсовета")
    application.refresh_from_db()
    assert application.return_reason == "Нет выписки из решения педсовета"
    assert any("returned" in m.subject for m in mailoutbox)
    assert coordinator.email in {address for m in mailoutbox for address in m.to}
    _run(coordinator, application, "submit")
    with django_capture_on_commit_callbacks(execute=True):
        _run(methodologist, application, "reject", reason="Не относится к кругу участников")
    application.refresh_from_db()
    assert (application.state, application.reject_reason) == (A.REJECTED, "Не относится к кругу участников")


def test_withdraw_only_while_the_contest_accepts_applications(municipality, org_a, coordinator):
    contest = contest_with_setup(organiser_municipality=municipality, expertise=True)
    application = _application(contest, org_a, submitted=True)
    with pytest.raises(ValidationError, match="expertise has started"):
        _run(coordinator, application, "withdraw")


# ---------------------------------------------------------------------------------------------------
# Eligibility and starting an application


def test_coordinator_starts_an_application(contest, org_a, coordinator):
    category = contest.categories.get(name="СОШ")
    application = services.application_create(
        actor=coordinator,
        contest=contest,
        organization=org_a,
        data={"project_title": " Проект ", "category": category},
    )
    assert (application.state, application.project_title, application.category) == (
        A.DRAFT,
        "Проект",
        category,
    )


def test_coordinator_of_another_organisation_cannot_apply_for_it(contest, org_a, coordinator_b):
    with pytest.raises(PermissionDenied):
        services.application_create(actor=coordinator_b, contest=contest, organization=org_a, data={})
    assert not Application.objects.exists()


def test_organisation_of_another_municipality_is_not_eligible(contest, org_b, coordinator_b):
    with pytest.raises(ValidationError, match="Выселковский район"):
        services.application_create(actor=coordinator_b, contest=contest, organization=org_b, data={})


def test_listed_municipalities_may_apply(contest, org_b, coordinator_b, municipality, other_municipality):
    contest.eligible_municipalities.set([municipality, other_municipality])
    application = services.application_create(
        actor=coordinator_b, contest=contest, organization=org_b, data={"project_title": "П"}
    )
    assert application.organization == org_b


def test_kind_not_eligible(contest, org_a, coordinator):
    contest.eligible_kinds = ["preschool"]
    contest.save()
    with pytest.raises(ValidationError, match="of this kind"):
        services.application_create(actor=coordinator, contest=contest, organization=org_a, data={})


def test_category_of_another_kind_is_refused(contest, org_a, coordinator):
    with pytest.raises(ValidationError) as caught:
        services.application_create(
            actor=coordinator,
            contest=contest,
            organization=org_a,
            data={"category": contest.categories.get(name="ДОУ")},
        )
    assert "category" in caught.value.error_dict


def test_no_application_to_a_closed_or_draft_contest(municipality, org_a, coordinator):
    for contest in (
        contest_with_setup(organiser_municipality=municipality, closed=True),
        contest_with_setup(organiser_municipality=municipality),
    ):
        with pytest.raises(ValidationError, match="not accepting"):
            services.application_create(actor=coordinator, contest=contest, organization=org_a, data={})


def test_one_live_application_per_organisation_but_again_after_withdrawal(contest, org_a, coordinator):
    first = services.application_create(actor=coordinator, contest=contest, organization=org_a, data={})
    with pytest.raises(ValidationError, match="already applied"):
        services.application_create(actor=coordinator, contest=contest, organization=org_a, data={})
    _run(coordinator, first, "withdraw")
    second = services.application_create(actor=coordinator, contest=contest, organization=org_a, data={})
    assert second.pk != first.pk


def test_submitted_application_cannot_be_edited(contest, org_a, coordinator):
    application = _application(contest, org_a, submitted=True)
    with pytest.raises(ValidationError, match="cannot be edited"):
        services.application_update(
            actor=coordinator, application=application, data={"project_title": "Новое"}
        )
    application.refresh_from_db()
    assert application.project_title != "Новое"


def test_text_longer_than_the_limit_is_refused_and_nothing_changes(contest, org_a, coordinator):
    application = ApplicationFactory(contest=contest, organization=org_a, texts={"goal": "старая цель"})
    with pytest.raises(ValidationError) as caught:
        services.application_update(
            actor=coordinator,
            application=application,
            data={"project_title": "Новое", "texts": {"goal": "ц" * 101}},
        )
    assert "longer than 100 characters" in caught.value.messages[0]
    application.refresh_from_db()
    assert application.texts == {"goal": "старая цель"}
    assert application.project_title != "Новое"


def test_line_breaks_count_as_one_character(contest, org_a, coordinator):
    application = ApplicationFactory(contest=contest, organization=org_a)
    services.application_update(
        actor=coordinator, application=application, data={"texts": {"goal": "а" * 49 + "\r\n" + "б" * 50}}
    )
    application.refresh_from_db()
    assert len(application.texts["goal"]) == 100


# ---------------------------------------------------------------------------------------------------
# Contest transitions


@pytest.mark.parametrize("role", [*ROLES, "admin_user"])
def test_announce_per_role(request, draft_contest, role):
    actor = request.getfixturevalue(role)
    if role in ORGANISER_ROLES or role == "admin_user":
        assert (
            services.contest_transition(actor=actor, contest=draft_contest, name="announce").state
            == ContestState.ANNOUNCED
        )
    else:
        with pytest.raises(PermissionDenied):
            services.contest_transition(actor=actor, contest=draft_contest, name="announce")
        draft_contest.refresh_from_db()
        assert draft_contest.state == ContestState.DRAFT


@pytest.mark.parametrize("name", ["announce", "start_expertise", "publish_results"])
@pytest.mark.parametrize("state", list(ContestState.values))
def test_organiser_contest_transitions_from_every_state(municipality, methodologist, name, state):
    contest = contest_with_setup(
        organiser_municipality=municipality,
        state=state,
        order_number="1-од",
        order_date=datetime.date(2027, 5, 1),
    )
    transition = CONTEST_TRANSITIONS[name]
    if state in transition.sources:
        assert (
            services.contest_transition(actor=methodologist, contest=contest, name=name).state
            == transition.target
        )
    else:
        with pytest.raises(ValidationError):
            services.contest_transition(actor=methodologist, contest=contest, name=name)


def test_announce_needs_criteria_and_an_open_window(municipality, methodologist):
    contest = ContestFactory(
        organiser_municipality=municipality,
        opens_at=timezone.now() - datetime.timedelta(days=20),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as caught:
        services.contest_transition(actor=methodologist, contest=contest, name="announce")
    assert "Add the criteria of the expertise." in caught.value.messages
    assert any("already closed" in m for m in caught.value.messages)
    CriterionFactory(contest=contest)
    contest.closes_at = timezone.now() + datetime.timedelta(days=3)
    contest.save()
    assert (
        services.contest_transition(actor=methodologist, contest=contest, name="announce").state
        == "announced"
    )


def test_start_expertise_waits_for_the_formal_check(contest, org_a, methodologist):
    application = _application(contest, org_a, submitted=True)
    with pytest.raises(ValidationError, match="wait for the formal check"):
        services.contest_transition(actor=methodologist, contest=contest, name="start_expertise")
    _run(methodologist, application, "accept")
    assert (
        services.contest_transition(actor=methodologist, contest=contest, name="start_expertise").state
        == ContestState.EXPERTISE
    )


def test_publish_needs_the_order(municipality, methodologist, other_methodologist):
    contest = contest_with_setup(organiser_municipality=municipality, decided=True)
    with pytest.raises(ValidationError, match="order"):
        services.contest_transition(actor=methodologist, contest=contest, name="publish_results")
    with pytest.raises(PermissionDenied):
        services.contest_record_order(
            actor=other_methodologist, contest=contest, number="7", date=datetime.date(2027, 6, 1)
        )
    services.contest_record_order(
        actor=methodologist, contest=contest, number=" 7-од ", date=datetime.date(2027, 6, 1)
    )
    published = services.contest_transition(actor=methodologist, contest=contest, name="publish_results")
    assert published.state == ContestState.PUBLISHED
    assert published.results_published_at is not None
    assert published.order_number == "7-од"


def test_order_is_recorded_only_after_the_results_are_confirmed(contest, methodologist):
    with pytest.raises(ValidationError, match="after the commission"):
        services.contest_record_order(
            actor=methodologist, contest=contest, number="7", date=datetime.date(2027, 6, 1)
        )


def test_contest_transition_hooks_run_in_the_transaction(draft_contest, methodologist):
    calls = []
    hook = lambda **kwargs: calls.append(kwargs["transition"])  # noqa: E731
    services.CONTEST_TRANSITION_HOOKS.append(hook)
    try:
        services.contest_transition(actor=methodologist, contest=draft_contest, name="announce")
    finally:
        services.CONTEST_TRANSITION_HOOKS.remove(hook)
    assert calls == ["announce"]
