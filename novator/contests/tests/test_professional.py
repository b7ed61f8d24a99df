"""Professional contests: the maths of rounds, eligibility of nominees, rounds set-up, next stage."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from novator.contests import rounds as maths
from novator.contests import services
from novator.contests.models import ApplicationState, ContestState, Distinction, Round
from novator.organizations.tests.factories import PersonFactory

from .factories import ApplicationFactory, professional_contest

D = Decimal


# ---------------------------------------------------------------------------------------------------
# Pure maths


def test_cumulative_sum_adds_every_round() -> None:
    assert maths.cumulative(D("20"), [D("30"), D("12.5")], maths.SUM) == D("62.5")


def test_cumulative_last_takes_this_round_only() -> None:
    assert maths.cumulative(D("20"), [D("30"), D("12.5")], maths.LAST) == D("20")


def test_cumulative_without_score_is_none_and_unknown_formula_fails() -> None:
    assert maths.cumulative(None, [D("30")], maths.SUM) is None
    with pytest.raises(ValueError):
        maths.cumulative(D(1), [], "avg")


def _entries(*rows: tuple[int, int | None, str | None, tuple[str, ...]]) -> list[maths.EntryScores]:
    return [
        maths.EntryScores(
            application_id=app_id,
            nomination_id=nomination,
            round_total=None if total is None else D(total),
            earlier=tuple(D(x) for x in earlier),
            number=app_id,
        )
        for app_id, nomination, total, earlier in rows
    ]


def test_top_n_advances_per_nomination_with_ties_at_the_boundary() -> None:
    table = maths.standings(
        _entries(
            (1, 10, "30", ()),
            (2, 10, "25", ()),
            (3, 10, "25", ()),
            (4, 10, "10", ()),
            (5, 20, "5", ()),
            (6, 20, None, ()),
        ),
        formula=maths.SUM,
        rule=maths.TOP,
        value=D(2),
    )
    first = {row.application_id: (row.rank, row.advanced) for row in table[10]}
    assert first == {1: (1, True), 2: (2, True), 3: (2, True), 4: (4, False)}
    second = [(row.application_id, row.rank, row.advanced) for row in table[20]]
    assert second == [(5, 1, True), (6, None, False)]


def test_threshold_uses_the_cumulative_score() -> None:
    table = maths.standings(
        _entries((1, None, "20", ("45",)), (2, None, "40", ("10",))),
        formula=maths.SUM,
        rule=maths.THRESHOLD,
        value=D(60),
    )
    rows = {row.application_id: row for row in table[None]}
    assert rows[1].cumulative == D(65) and rows[1].advanced and rows[1].rank == 1
    assert rows[2].cumulative == D(50) and not rows[2].advanced


def test_last_formula_orders_by_the_last_round_only() -> None:
    table = maths.standings(
        _entries((1, None, "20", ("45",)), (2, None, "40", ("10",))),
        formula=maths.LAST,
        rule=maths.TOP,
        value=D(1),
    )
    assert [row.application_id for row in table[None]] == [2, 1]
    assert [row.advanced for row in table[None]] == [True, False]


def test_equal_cumulative_breaks_by_round_score_but_shares_the_place() -> None:
    table = maths.standings(
        _entries((1, None, "10", ("20",)), (2, None, "20", ("10",))),
        formula=maths.SUM,
        rule=maths.TOP,
        value=D(1),
    )
    assert [(r.application_id, r.rank, r.advanced) for r in table[None]] == [(2, 1, True), (1, 1, True)]


def test_distinctions() -> None:
    assert maths.distinction(1, 3) == maths.WINNER
    assert maths.distinction(3, 3) == maths.LAUREATE
    assert maths.distinction(4, 3) == maths.PARTICIPANT
    assert maths.distinction(None, 3) == maths.PARTICIPANT
    assert maths.distinction(2, 1) == maths.PARTICIPANT


# ---------------------------------------------------------------------------------------------------
# Eligibility


@pytest.fixture
def pro(municipality: Any) -> Any:
    return professional_contest(
        organiser_municipality=municipality,
        announced=True,
        min_experience_years=3,
        exclude_winners_years=3,
        academic_year="2026/27",
    )


def _start(contest: Any, coordinator: Any, org: Any, person: Any, years: int | None = 5) -> Any:
    return services.application_create(
        actor=coordinator,
        contest=contest,
        organization=org,
        data={
            "project_title": "Тема опыта",
            "category": contest.categories.first(),
            "applicant": person,
            "experience_years": years,
        },
    )


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        ("учитель математики", False),
        ("Директор", True),
        ("заместитель директора по УВР", True),
        ("заведующий", True),
        ("музыкальный руководитель", False),
        ("воспитатель", False),
    ],
)
def test_is_administrator(position: str, expected: bool) -> None:
    assert services.is_administrator(position) is expected


def test_eligible_nominee_is_nominated(pro: Any, coordinator: Any, org_a: Any) -> None:
    person = PersonFactory(organization=org_a, consented=True)
    application = _start(pro, coordinator, org_a, person)
    assert application.applicant == person and application.experience_years == 5


@pytest.mark.parametrize(
    ("kwargs", "years", "field", "message"),
    [
        (
            {},
            2,
            "experience_years",
            "The contest requires at least %(min)d years of teaching experience; the nominee has %(years)d.",
        ),
        ({}, None, "experience_years", "Give the nominee's teaching experience in years."),
        (
            {"position": "директор"},
            10,
            "applicant",
            "Administrators (%(position)s) cannot be nominated to this contest.",
        ),
        ({"processing_consent_on": None}, 10, "applicant", None),
    ],
)
def test_ineligible_nominee_is_refused(
    pro: Any, coordinator: Any, org_a: Any, kwargs: dict, years: Any, field: str, message: str | None
) -> None:
    person = PersonFactory(organization=org_a, consented=True, **kwargs)
    with pytest.raises(ValidationError) as exc:
        _start(pro, coordinator, org_a, person, years)
    assert field in exc.value.message_dict
    if message:
        assert gettext(message).split("%")[0][:20] in exc.value.message_dict[field][0]
    assert not pro.applications.exists()


def test_person_of_another_organisation_is_refused(
    pro: Any, coordinator: Any, org_a: Any, org_b: Any
) -> None:
    person = PersonFactory(organization=org_b, consented=True)
    with pytest.raises(ValidationError) as exc:
        _start(pro, coordinator, org_a, person)
    assert "applicant" in exc.value.message_dict


def test_recent_winner_is_refused_but_an_old_one_is_not(pro: Any, coordinator: Any, org_a: Any) -> None:
    person = PersonFactory(organization=org_a, consented=True)
    past = professional_contest(
        organiser_municipality=pro.organiser_municipality, published=True, academic_year="2024/25"
    )
    ApplicationFactory(
        contest=past, organization=org_a, applicant=person, accepted=True, distinction="winner"
    )
    with pytest.raises(ValidationError) as exc:
        _start(pro, coordinator, org_a, person)
    assert "2024/25" in exc.value.message_dict["applicant"][0]
    past.academic_year = "2022/23"
    past.save()
    assert _start(pro, coordinator, org_a, person).pk


def test_same_person_twice_is_refused(pro: Any, coordinator: Any, org_a: Any) -> None:
    person = PersonFactory(organization=org_a, consented=True)
    _start(pro, coordinator, org_a, person)
    with pytest.raises(ValidationError):
        _start(pro, coordinator, org_a, person)
    assert pro.applications.count() == 1


def test_eligibility_is_checked_again_on_submission(pro: Any, coordinator: Any, org_a: Any) -> None:
    person: Any = PersonFactory(organization=org_a, consented=True)
    application = _start(pro, coordinator, org_a, person)
    person.position = "заместитель директора"
    person.save()
    with pytest.raises(ValidationError) as exc:
        services.application_transition(actor=coordinator, application=application, name="submit")
    assert "applicant" in exc.value.message_dict
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_status_contest_ignores_the_applicant(contest: Any, coordinator: Any, org_a: Any) -> None:
    person = PersonFactory(organization=org_a)
    application = services.application_create(
        actor=coordinator,
        contest=contest,
        organization=org_a,
        data={"project_title": "Проект", "applicant": person},
    )
    assert application.applicant is None


# ---------------------------------------------------------------------------------------------------
# Set-up of rounds


def test_round_set_up_checks_input(municipality: Any, methodologist: Any) -> None:
    contest = professional_contest(organiser_municipality=municipality)
    today = datetime.date(2026, 10, 1)
    created = services.round_create(
        actor=methodologist,
        contest=contest,
        data={
            "title": "Суперфинал",
            "starts_on": today,
            "ends_on": today,
            "advance_rule": "top",
            "advance_value": 1,
        },
    )
    assert created.position == 3
    bad = [
        {"title": "", "starts_on": today, "ends_on": today},
        {"title": "X", "starts_on": today, "ends_on": today - datetime.timedelta(days=1)},
        {"title": "X", "starts_on": today, "ends_on": today, "advance_rule": "top", "advance_value": "1.5"},
        {"title": "X", "starts_on": today, "ends_on": today, "position": 1},
    ]
    for data in bad:
        with pytest.raises(ValidationError):
            services.round_create(actor=methodologist, contest=contest, data=data)
    assert Round.objects.filter(contest=contest).count() == 3


def test_criterion_of_a_professional_contest_needs_its_round(municipality: Any, methodologist: Any) -> None:
    contest = professional_contest(organiser_municipality=municipality)
    other = professional_contest(organiser_municipality=municipality)
    data = {"name": "Рефлексия", "max_points": 5, "weight": 1}
    with pytest.raises(ValidationError) as exc:
        services.criterion_create(actor=methodologist, contest=contest, data=data)
    assert "round" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.criterion_create(
            actor=methodologist, contest=contest, data={**data, "round": other.rounds.first()}
        )
    assert services.criterion_create(
        actor=methodologist, contest=contest, data={**data, "round": contest.rounds.first()}
    )


def test_announcing_needs_rounds_with_criteria(municipality: Any, methodologist: Any) -> None:
    contest = professional_contest(organiser_municipality=municipality)
    contest.criteria.filter(round__position=2).delete()
    with pytest.raises(ValidationError):
        services.contest_transition(actor=methodologist, contest=contest, name="announce")
    contest.refresh_from_db()
    assert contest.state == ContestState.DRAFT


# ---------------------------------------------------------------------------------------------------
# Next stage and diplomas


def _nominee(contest: Any, org: Any, **kwargs: Any) -> Any:
    person = PersonFactory(organization=org, consented=True)
    return ApplicationFactory(contest=contest, organization=org, applicant=person, **kwargs)


def test_winner_is_nominated_to_the_next_stage_once(
    municipality: Any, methodologist: Any, org_a: Any
) -> None:
    contest = professional_contest(
        organiser_municipality=municipality, decided=True, next_stage_title="Краевой этап"
    )
    winner = _nominee(contest, org_a, accepted=True, distinction="winner")
    laureate = _nominee(contest, org_a, accepted=True, distinction="laureate")
    with pytest.raises(ValidationError):
        services.application_nominate_next_stage(actor=methodologist, application=laureate)
    services.application_nominate_next_stage(actor=methodologist, application=winner)
    winner.refresh_from_db()
    assert winner.next_stage_at is not None and winner.next_stage_note == "Краевой этап"
    with pytest.raises(ValidationError):
        services.application_nominate_next_stage(actor=methodologist, application=winner)


def test_publication_issues_diplomas_once(municipality: Any, methodologist: Any, org_a: Any) -> None:
    contest = professional_contest(organiser_municipality=municipality, decided=True)
    _nominee(contest, org_a, accepted=True, distinction=Distinction.WINNER)
    _nominee(contest, org_a, accepted=True, distinction=Distinction.PARTICIPANT)
    _nominee(contest, org_a, rejected=True)
    services.contest_transition(actor=methodologist, contest=contest, name="publish_results")
    kinds = sorted(contest.applications.filter(diploma__isnull=False).values_list("diploma__kind", flat=True))
    assert kinds == ["participant", "winner"]
    assert services.diplomas_issue(contest=contest) == []


def test_copy_for_a_new_year_copies_rounds_with_their_criteria(municipality: Any, methodologist: Any) -> None:
    source = professional_contest(
        organiser_municipality=municipality, published=True, academic_year="2025/26"
    )
    copy = services.contest_copy(
        actor=methodologist,
        source=source,
        title="Учитель года — 2027",
        academic_year="2026/27",
        opens_at=source.opens_at + datetime.timedelta(days=365),
        closes_at=source.closes_at + datetime.timedelta(days=365),
    )
    assert [r.title for r in copy.rounds.all()] == [r.title for r in source.rounds.all()]
    assert all(r.state == "planned" for r in copy.rounds.all())
    assert copy.criteria.count() == 4
    assert not copy.criteria.filter(round__contest=source).exists()
    assert copy.series == source.series and copy.score_formula == source.score_formula


def test_transition_notifies_coordinators_in_app_and_the_organisations_mailbox(
    pro: Any, coordinator: Any, org_a: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from novator.notifications.models import Notification

    org_a.email = "school@example.org"
    org_a.save()
    person = PersonFactory(organization=org_a, consented=True)
    application = _start(pro, coordinator, org_a, person)
    application.texts = {}
    application.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(actor=coordinator, application=application, name="submit")
    assert Notification.objects.filter(user=coordinator, kind="contests.application").exists()
    addresses = {address for message in mailoutbox for address in message.to}
    assert {coordinator.email, "school@example.org"} <= addresses
