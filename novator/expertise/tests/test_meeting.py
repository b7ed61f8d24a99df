"""The commission's meeting: attendance with the quorum, votes per agenda item, and what the minutes and
the confirmation need from it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from novator.expertise import services
from novator.expertise.agreement import Concordance
from novator.expertise.documents import agreement_sentences
from novator.expertise.models import CommissionMember, Meeting

from .factories import MINUTES

pytestmark = pytest.mark.django_db


def _members(contest):
    return list(CommissionMember.objects.filter(commission__contest=contest).values_list("pk", flat=True))


def _record(contest, actor, present, votes, **kwargs):
    data = {"number": "3", "date": datetime.date(2023, 6, 1), "place": "МКУ «ИМЦ»", **kwargs}
    return services.meeting_record(actor=actor, contest=contest, present=present, votes=votes, **data)


def test_the_meeting_needs_a_quorum_and_votes_that_add_up(scored, contest, chair):
    members = _members(contest)  # 4 members: the quorum is 3
    agenda = services.agenda(contest)
    assert [item.title for item in agenda] == [
        "Об итогах экспертизы заявок в категории «ДОУ»",
        "Об итогах экспертизы заявок в категории «СОШ»",
    ]
    two = {item.position: services.Votes(2, 0, 0) for item in agenda}
    with pytest.raises(ValidationError) as error:
        _record(contest, chair.user, members[:2], two)
    assert "There is no quorum: 2 of 4 members present; at least 3 are needed." in error.value.messages
    short = {1: services.Votes(2, 0, 0), 2: services.Votes(1, 1, 1)}
    with pytest.raises(ValidationError) as error:
        _record(contest, chair.user, members[:3], short)
    assert "add up to 2, but 3 members are present" in " ".join(error.value.messages)
    split = {1: services.Votes(3, 0, 0), 2: services.Votes(1, 1, 1)}
    with pytest.raises(ValidationError) as error:
        _record(contest, chair.user, members[:3], split)
    assert "has no majority (1 for of 3 present)" in " ".join(error.value.messages)
    with pytest.raises(ValidationError) as error:
        _record(contest, chair.user, members[:3], {1: services.Votes(3, 0, 0)}, number=" ", place="")
    assert set(error.value.message_dict) == {"number", "place", "item_2"}
    assert not Meeting.objects.exists()  # bad input changes nothing
    contest.commission.refresh_from_db()
    assert contest.commission.minutes_number == ""

    meeting = _record(
        contest, chair.user, members[:3], {1: services.Votes(3, 0, 0), 2: services.Votes(2, 0, 1)}
    )
    contest.commission.refresh_from_db()
    assert (contest.commission.minutes_number, contest.commission.minutes_date) == (
        "3",
        datetime.date(2023, 6, 1),
    )
    assert meeting.present.count() == 3 and meeting.members_total == 4
    assert [(i.votes_for, i.votes_against, i.votes_abstained) for i in meeting.items.all()] == [
        (3, 0, 0),
        (2, 0, 1),
    ]


def test_an_expert_outside_the_commission_leadership_may_not_record(scored, contest, expert_profile):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _record(
            contest,
            expert_profile.user,
            _members(contest),
            {1: services.Votes(4, 0, 0), 2: services.Votes(4, 0, 0)},
        )


def test_confirming_asks_for_the_minutes_number_and_date(scored, contest, chair):
    with pytest.raises(ValidationError) as error:
        services.results_confirm(actor=chair.user, contest=contest)
    assert set(error.value.message_dict) == {"minutes_number", "minutes_date"}
    services.results_confirm(actor=chair.user, contest=contest, **MINUTES)


def test_the_meeting_page_records_attendance_and_votes(client, scored, contest, chair):
    client.force_login(chair.user)
    url = reverse("expertise:meeting", args=[contest.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Об итогах экспертизы заявок в категории «ДОУ»" in page.content.decode()
    members = _members(contest)
    data = {"number": "3", "date": "2023-06-01", "place": "МКУ «ИМЦ»", "present": members}
    for position in (1, 2):
        data |= {f"item_{position}_for": 4, f"item_{position}_against": 0, f"item_{position}_abstained": 0}
    response = client.post(url, data | {"item_2_for": 1})
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert client.post(url, data).status_code == 302
    assert Meeting.objects.get().present.count() == 4


def test_the_agreement_is_worded_by_the_p_value_and_the_block():
    small = Concordance(0.93, ["a", "b"], ["x", "y", "z"], 3.71, 2, 0.156)
    assert agreement_sentences(small) == [
        "Коэффициент конкордации Кендалла W = 0,930 (χ² = 3,71, степеней свободы — 2, p = 0,1560) "
        "статистически не значим: согласованность оценок экспертов не подтверждена (блок мал: "
        "2 эксперта × 3 заявки)."
    ]
    big = Concordance(0.62, list("abcd"), list("qrstuvwxyz"), 22.3, 9, 0.008)
    assert agreement_sentences(big)[0].endswith("согласованность высокая, статистически значимая (p < 0,05).")
    tiny_but_significant = Concordance(0.99, list("ab"), list("xyzw"), 5.9, 3, 0.04)
    assert "вывод о согласованности ориентировочный" in agreement_sentences(tiny_but_significant)[0]
    undefined = Concordance(None, reason="W не определён: все оценки в блоке одинаковы")
    assert agreement_sentences(undefined) == ["W не определён: все оценки в блоке одинаковы."]
    incomplete = Concordance(
        0.5, list("abc"), list("qrstuvw"), 9.0, 6, 0.17, reason="план неполный: блок 3 × 7"
    )
    assert agreement_sentences(incomplete)[1] == "План неполный: блок 3 × 7."
