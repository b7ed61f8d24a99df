"""Rounds of professional contests: jury, opening, advancement, final places, the jury's phone page."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from novator.contests.models import ApplicationState, ContestState, Distinction, RoundEntry, RoundState
from novator.contests.tests.factories import ApplicationFactory, professional_contest
from novator.core.models import ActivityLog
from novator.expertise import services
from novator.expertise.models import Assignment, Score, ScoreSheet
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory

from .factories import ExpertFactory, submit_sheet

D = Decimal


@pytest.fixture
def pro(municipality: Any) -> Any:
    return professional_contest(organiser_municipality=municipality, expertise=True)


@pytest.fixture
def jurors(pro: Any) -> list[Any]:
    experts: list[Any] = [ExpertFactory(), ExpertFactory()]
    for round in pro.rounds.all():
        for expert in experts:
            services.round_juror_add(actor=None, round=round, expert=expert)
    return experts


def _nominees(contest: Any, count_by_nomination: tuple[int, ...] = (3, 2)) -> list[Any]:
    result = []
    for category, count in zip(contest.categories.order_by("position"), count_by_nomination, strict=True):
        for _ in range(count):
            org = OrganizationFactory(municipality=contest.organiser_municipality)
            person = PersonFactory(organization=org, consented=True)
            result.append(
                ApplicationFactory(
                    contest=contest, organization=org, applicant=person, category=category, accepted=True
                )
            )
    return result


def _score_round(round: Any, points: dict[int, tuple[Any, Any]]) -> None:
    """Submit every sheet of the round with the given points for each application (same for both jurors)."""
    for assignment in Assignment.objects.filter(round=round).select_related("application"):
        submit_sheet(assignment, list(points[assignment.application_id]), conclusion="")


def test_opening_a_round_fixes_participants_and_gives_every_juror_a_sheet(
    pro: Any, jurors: Any, methodologist: Any
) -> None:
    apps = _nominees(pro)
    first = pro.rounds.get(position=1)
    services.round_open(actor=methodologist, round=first)
    first.refresh_from_db()
    assert first.state == RoundState.SCORING
    assert RoundEntry.objects.filter(round=first).count() == len(apps)
    assert ScoreSheet.objects.filter(assignment__round=first).count() == len(apps) * 2
    with pytest.raises(ValidationError):
        services.round_open(actor=methodologist, round=first)
    second = pro.rounds.get(position=2)
    with pytest.raises(ValidationError):  # the first round is not closed yet
        services.round_open(actor=methodologist, round=second)


def test_round_needs_jury_and_the_organiser(pro: Any, coordinator: Any, methodologist: Any) -> None:
    _nominees(pro)
    first = pro.rounds.get(position=1)
    with pytest.raises(PermissionDenied):
        services.round_open(actor=coordinator, round=first)
    with pytest.raises(ValidationError):
        services.round_open(actor=methodologist, round=first)
    assert not RoundEntry.objects.exists()


def test_juror_twice_is_refused(pro: Any, jurors: Any) -> None:
    with pytest.raises(ValidationError):
        services.round_juror_add(actor=None, round=pro.rounds.first(), expert=jurors[0])


def test_advancement_is_refused_while_sheets_are_pending(pro: Any, jurors: Any, methodologist: Any) -> None:
    _nominees(pro)
    first = pro.rounds.get(position=1)
    services.round_open(actor=methodologist, round=first)
    with pytest.raises(ValidationError):
        services.round_advance(actor=methodologist, round=first)
    first.refresh_from_db()
    assert first.state == RoundState.SCORING


def test_full_run_records_advancement_cumulative_scores_and_distinctions(
    pro: Any, jurors: Any, methodologist: Any, admin_user: Any
) -> None:
    a1, a2, a3, b1, b2 = _nominees(pro)
    first, second = pro.rounds.get(position=1), pro.rounds.get(position=2)
    services.round_open(actor=methodologist, round=first)
    _score_round(first, {a1.pk: (10, 5), a2.pk: (8, 4), a3.pk: (2, 1), b1.pk: (6, 3), b2.pk: (7, 3)})
    advanced = services.round_advance(actor=methodologist, round=first)
    # top 2 of each nomination advance
    assert set(advanced) == {a1.pk, a2.pk, b1.pk, b2.pk}
    entry = RoundEntry.objects.get(round=first, application=a3)
    assert entry.advanced is False and entry.rank == 3 and entry.total == D("3.00")
    assert ActivityLog.objects.filter(action="expertise.round_advance").exists()
    with pytest.raises(ValidationError):
        services.round_advance(actor=methodologist, round=first)

    services.round_open(actor=methodologist, round=second)
    assert set(RoundEntry.objects.filter(round=second).values_list("application_id", flat=True)) == set(
        advanced
    )
    # in the final a2 beats a1 in this round, but the sum of the rounds keeps a1 first
    _score_round(second, {a1.pk: (6, 3), a2.pk: (8, 4), b1.pk: (10, 5), b2.pk: (1, 1)})
    services.round_advance(actor=methodologist, round=second)
    final = {e.application_id: e for e in RoundEntry.objects.filter(round=second)}
    assert final[a1.pk].cumulative == D("24.00") and final[a1.pk].rank == 1
    assert final[a2.pk].cumulative == D("24.00") and final[a2.pk].rank == 1  # tie: joint winners
    assert final[b1.pk].cumulative == D("24.00") and final[b1.pk].rank == 1
    for app in (a1, a2, a3, b1, b2):
        app.refresh_from_db()
    assert (a1.distinction, a2.distinction, b1.distinction) == (Distinction.WINNER,) * 3
    assert b2.distinction == Distinction.LAUREATE and b2.rank == 2 and b2.awarded
    assert a3.distinction == Distinction.PARTICIPANT and not a3.awarded

    with pytest.raises(PermissionDenied):  # the chair or an administrator confirms
        services.professional_results_confirm(actor=methodologist, contest=pro)
    services.professional_results_confirm(actor=admin_user, contest=pro)
    pro.refresh_from_db()
    assert pro.state == ContestState.DECIDED


def test_last_formula_ranks_by_the_final_round(pro: Any, jurors: Any, methodologist: Any) -> None:
    pro.score_formula = "last"
    pro.save()
    a1, a2, b1 = _nominees(pro, (2, 1))
    first, second = pro.rounds.get(position=1), pro.rounds.get(position=2)
    services.round_open(actor=methodologist, round=first)
    _score_round(first, {a1.pk: (10, 5), a2.pk: (1, 1), b1.pk: (5, 5)})
    services.round_advance(actor=methodologist, round=first)
    services.round_open(actor=methodologist, round=second)
    _score_round(second, {a1.pk: (6, 3), a2.pk: (8, 4), b1.pk: (5, 5)})
    services.round_advance(actor=methodologist, round=second)
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert a2.distinction == Distinction.WINNER and a2.total == D("12.00")
    assert a1.distinction == Distinction.LAUREATE


def test_threshold_rule(pro: Any, jurors: Any, methodologist: Any) -> None:
    first = pro.rounds.get(position=1)
    first.advance_rule, first.advance_value = "threshold", D("10")
    first.save()
    a1, a2, b1 = _nominees(pro, (2, 1))
    services.round_open(actor=methodologist, round=first)
    _score_round(first, {a1.pk: (10, 0), a2.pk: (9, 0.5), b1.pk: (5, 5)})
    advanced = services.round_advance(actor=methodologist, round=first)
    assert set(advanced) == {a1.pk, b1.pk}


def test_round_sheet_scores_only_its_rounds_criteria(pro: Any, jurors: Any, methodologist: Any) -> None:
    """A round sheet scores only its round's criteria: the other round's are refused."""
    (a1, *_rest) = _nominees(pro, (1, 1))
    first = pro.rounds.get(position=1)
    services.round_open(actor=methodologist, round=first)
    sheet: Any = ScoreSheet.objects.filter(assignment__round=first, assignment__application=a1).first()
    other = pro.criteria.filter(round__position=2).first()
    with pytest.raises(ValidationError):
        services.sheet_save_draft(
            actor=sheet.assignment.expert.user,
            sheet=sheet,
            version=sheet.version,
            scores={other.pk: {"points": 1}},
        )


# ---------------------------------------------------------------------------------------------------
# The jury's phone page


@pytest.fixture
def open_round(pro: Any, jurors: Any, methodologist: Any) -> Any:
    _nominees(pro, (1, 1))
    first = pro.rounds.get(position=1)
    services.round_open(actor=methodologist, round=first)
    return first


def _sheet_of(round: Any, expert: Any) -> Any:
    return (
        ScoreSheet.objects.filter(assignment__round=round, assignment__expert=expert).order_by("pk").first()
    )


def _post_draft(client: Client, sheet: ScoreSheet, payload: Any) -> Any:
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(
        reverse("expertise:jury_draft", args=[sheet.pk]), body, content_type="application/json"
    )


def test_draft_endpoint_saves_and_bumps_the_version(client: Client, open_round: Any, jurors: Any) -> None:
    sheet = _sheet_of(open_round, jurors[0])
    criterion = open_round.criteria.order_by("position").first()
    client.force_login(jurors[0].user)
    response = _post_draft(
        client,
        sheet,
        {"version": sheet.version, "scores": {str(criterion.pk): {"points": "7,5", "comment": "<b>ок</b>"}}},
    )
    assert response.status_code == 200
    assert response.json()["version"] == sheet.version + 1
    score = Score.objects.get(sheet=sheet, criterion=criterion)
    assert score.points == D("7.5") and score.comment == "<b>ок</b>"


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ("{not json", 400),
        ("[1, 2]", 400),
        ({"version": "x", "scores": {}}, 400),
        ({"version": 1, "scores": []}, 400),
        ({"version": 1, "scores": {"CRIT": {"points": "11"}}}, 400),
        ({"version": 1, "scores": {"CRIT": {"points": "abc"}}}, 400),
        ({"version": 1, "scores": {"CRIT": {"points": "2.3"}}}, 400),
        ({"version": 1, "scores": {"999999": {"points": "1"}}}, 400),
        ({"version": 99, "scores": {"CRIT": {"points": "1"}}}, 409),
        # nested 5,000 levels deep: a RecursionError (500) in json.loads before the depth limit
        ("[" * 5000 + "]" * 5000, 400),
        ('{"a":' * 5000 + "1" + "}" * 5000, 400),
        ({"version": 1, "scores": {"CRIT": {"points": "9" * 400}}}, 400),
    ],
)
def test_draft_endpoint_refuses_bad_input(
    client: Client, open_round: Any, jurors: Any, payload: Any, status: int
) -> None:
    sheet = _sheet_of(open_round, jurors[0])
    criterion = open_round.criteria.order_by("position").first()
    if isinstance(payload, dict) and isinstance(payload.get("scores"), dict):
        payload = {
            **payload,
            "scores": {k.replace("CRIT", str(criterion.pk)): v for k, v in payload["scores"].items()},
        }
    client.force_login(jurors[0].user)
    response = _post_draft(client, sheet, payload)
    assert response.status_code == status
    assert "errors" in response.json()
    assert not Score.objects.filter(sheet=sheet).exists()
    sheet.refresh_from_db()
    assert sheet.version == 1


def test_other_jurors_sheet_is_not_found(
    client: Client, open_round: Any, jurors: Any, coordinator: Any
) -> None:
    sheet = _sheet_of(open_round, jurors[1])
    client.force_login(jurors[0].user)
    assert _post_draft(client, sheet, {"version": 1, "scores": {}}).status_code == 404
    assert client.get(reverse("expertise:jury_sheet", args=[sheet.pk])).status_code == 404
    client.force_login(coordinator)
    assert client.get(reverse("expertise:jury_sheet", args=[sheet.pk])).status_code == 404


def test_jury_page_submits_and_locks(client: Client, open_round: Any, jurors: Any) -> None:
    sheet = _sheet_of(open_round, jurors[0])
    criteria = list(open_round.criteria.order_by("position"))
    client.force_login(jurors[0].user)
    page = client.get(reverse("expertise:jury_sheet", args=[sheet.pk]))
    assert page.status_code == 200
    assert b'id="jury-form"' in page.content and b"js/jury.js" in page.content
    incomplete = client.post(
        reverse("expertise:jury_sheet", args=[sheet.pk]),
        {"version": sheet.version, f"points_{criteria[0].pk}": "5"},
    )
    assert incomplete.status_code == 400
    sheet.refresh_from_db()
    assert sheet.state == ScoreSheet.State.DRAFT
    done = client.post(
        reverse("expertise:jury_sheet", args=[sheet.pk]),
        {"version": sheet.version, f"points_{criteria[0].pk}": "10", f"points_{criteria[1].pk}": "5"},
    )
    assert done.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == ScoreSheet.State.SUBMITTED
    assert _post_draft(client, sheet, {"version": sheet.version, "scores": {}}).status_code == 409


def test_closed_round_sheet_cannot_change(client: Client, open_round: Any, jurors: Any) -> None:
    open_round.state = RoundState.CLOSED
    open_round.save()
    sheet = _sheet_of(open_round, jurors[0])
    client.force_login(jurors[0].user)
    assert _post_draft(client, sheet, {"version": sheet.version, "scores": {}}).status_code == 409


def test_jury_list_query_count_does_not_grow(
    client: Client, open_round: Any, jurors: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(jurors[0].user)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("expertise:jury_list")).status_code == 200
    other = professional_contest(
        organiser_municipality=open_round.contest.organiser_municipality, expertise=True
    )
    _nominees(other, (2, 2))
    services.round_juror_add(actor=None, round=other.rounds.get(position=1), expert=jurors[0])
    services.round_open(actor=None, round=other.rounds.get(position=1))
    with django_assert_max_num_queries(6):
        assert client.get(reverse("expertise:jury_list")).status_code == 200


def test_rounds_page_and_actions(
    client: Client, open_round: Any, methodologist: Any, coordinator: Any, django_assert_max_num_queries: Any
) -> None:
    pro = open_round.contest
    client.force_login(methodologist)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("expertise:rounds", args=[pro.pk])).status_code == 200
    for round in pro.rounds.all():  # more jurors and participants: the same number of queries
        services.round_juror_add(actor=None, round=round, expert=cast(Any, ExpertFactory()))
    _nominees(pro, (2, 2))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("expertise:rounds", args=[pro.pk])).status_code == 200
    detail = client.get(reverse("expertise:round_detail", args=[pro.pk, open_round.pk]))
    assert detail.status_code == 200 and b'id="round-advance"' in detail.content
    # pending sheets: the advancement is refused with a message and nothing changes
    response = client.post(reverse("expertise:round_advance", args=[pro.pk, open_round.pk]))
    assert response.status_code == 302
    open_round.refresh_from_db()
    assert open_round.state == RoundState.SCORING
    client.force_login(coordinator)
    assert client.post(reverse("expertise:round_advance", args=[pro.pk, open_round.pk])).status_code in (
        403,
        404,
    )
    # a bad juror id is a message, not an error page
    client.force_login(methodologist)
    bad = client.post(
        reverse("expertise:round_juror_add", args=[pro.pk, open_round.pk]), {f"r{open_round.pk}-expert": "x"}
    )
    assert bad.status_code == 302


def test_accepted_state_is_required_for_entries(pro: Any, jurors: Any, methodologist: Any) -> None:
    _nominees(pro, (1, 1))
    ApplicationFactory(
        contest=pro,
        organization=OrganizationFactory(municipality=pro.organiser_municipality),
        applicant=PersonFactory(consented=True),
        state=ApplicationState.REJECTED,
    )
    services.round_open(actor=methodologist, round=pro.rounds.get(position=1))
    assert RoundEntry.objects.count() == 2


def test_next_stage_button_records_the_winner_once_and_refuses_bad_input(
    client: Client, pro: Any, methodologist: Any
) -> None:
    (winner, other) = _nominees(pro, (1, 1))
    pro.state = ContestState.DECIDED
    pro.save()
    winner.distinction = Distinction.WINNER
    winner.save()
    client.force_login(methodologist)
    url = reverse("expertise:next_stage", args=[pro.pk, winner.pk])
    assert client.post(url, {"note": "x" * 300}).status_code == 302
    winner.refresh_from_db()
    assert winner.next_stage_at is None
    assert (
        client.post(reverse("expertise:next_stage", args=[pro.pk, other.pk]), {"note": "Край"}).status_code
        == 302
    )
    other.refresh_from_db()
    assert other.next_stage_at is None
    client.post(url, {"note": "Региональный этап"})
    winner.refresh_from_db()
    assert winner.next_stage_note == "Региональный этап"
    page = client.get(reverse("expertise:rounds", args=[pro.pk]))
    assert f'id="winner-{winner.pk}"'.encode() in page.content


def test_standings_page_query_count_does_not_grow(
    client: Client, pro: Any, jurors: Any, methodologist: Any, django_assert_max_num_queries: Any
) -> None:
    first = pro.rounds.get(position=1)
    apps = _nominees(pro, (2, 1))
    services.round_open(actor=methodologist, round=first)
    _score_round(first, {a.pk: (5, 3) for a in apps})
    url = reverse("expertise:round_detail", args=[pro.pk, first.pk])
    client.force_login(methodologist)
    with django_assert_max_num_queries(20) as before:
        assert client.get(url).status_code == 200
    # the same page of another contest's round with 7 participants instead of 3
    second = professional_contest(organiser_municipality=pro.organiser_municipality, expertise=True)
    for round in second.rounds.all():
        for expert in jurors:
            services.round_juror_add(actor=None, round=round, expert=expert)
    seven = _nominees(second, (4, 3))
    services.round_open(actor=methodologist, round=second.rounds.get(position=1))
    _score_round(second.rounds.get(position=1), {a.pk: (5, 3) for a in seven})
    url = reverse("expertise:round_detail", args=[second.pk, second.rounds.get(position=1).pk])
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200


def test_generic_sheet_page_sends_a_juror_to_the_jury_page(
    client: Client, open_round: Any, jurors: Any
) -> None:
    sheet = _sheet_of(open_round, jurors[0])
    client.force_login(jurors[0].user)
    response = client.get(reverse("expertise:sheet", args=[sheet.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("expertise:jury_sheet", args=[sheet.pk])
    home = client.get(reverse("expertise:my_assignments"))
    assert b'id="jury-link"' in home.content
