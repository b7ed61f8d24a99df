"""The workflow engine (`perform`, `allowed`) on a small workflow over the contest model."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from novator.contests.models import Contest, ContestState
from novator.contests.tests.factories import ContestFactory
from novator.core import audit
from novator.core.workflow import Step, Transition, Transitions, allowed, perform, rule

pytestmark = pytest.mark.django_db

C = ContestState
calls: list[tuple[str, str]] = []


def _remember(what: str) -> Any:
    def hook(contest: Contest, step: Step) -> None:
        calls.append((what, contest.state))

    return hook


def _not_locked(user: Any, contest: Contest) -> bool:
    return "locked" not in contest.title


def _ordered(contest: Contest, step: Step) -> None:
    if not step.params.get("order"):
        raise ValidationError({"order": "Give the order."})


def _stamp(contest: Contest, step: Step) -> None:
    contest.results_published_at = step.now


FLOW = Transitions(
    C,
    (
        Transition(
            "announce",
            "Announce",
            frozenset({C.DRAFT}),
            C.ANNOUNCED,
            "contests.manage_contest",
            guards=(rule(_not_locked, "The contest is locked.", code="locked"),),
            checks=(_ordered,),
            effects=(_stamp, _remember("effect")),
            after=(_remember("after"),),
            notify=_remember("notify"),
        ),
        Transition("cancel", "Cancel", frozenset({C.DRAFT}), C.EXPERTISE, "contests.manage_contest", True),
    ),
    action="test.{name}",
)


@pytest.fixture(autouse=True)
def _english() -> Any:
    calls.clear()
    with translation.override("en"):
        yield


@pytest.fixture
def contest(municipality: Any) -> Any:
    return ContestFactory(organiser_municipality=municipality)


def test_perform_moves_runs_the_hooks_in_order_and_logs(contest: Contest, methodologist: Any) -> None:
    done = perform(methodologist, contest, "announce", transitions=FLOW, order="1-од")
    assert done.state == C.ANNOUNCED
    contest.refresh_from_db()
    assert contest.state == C.ANNOUNCED and contest.results_published_at is not None
    assert calls == [("effect", C.ANNOUNCED), ("after", C.ANNOUNCED), ("notify", C.ANNOUNCED)]
    entry = audit.history_for(contest).get()
    assert (entry.action, entry.changes) == ("test.announce", {"state": [C.DRAFT, C.ANNOUNCED]})


def test_permission_comes_first_then_the_state(contest: Contest, teacher: Any, methodologist: Any) -> None:
    with pytest.raises(PermissionDenied):
        perform(teacher, contest, "announce", transitions=FLOW, order="1")
    perform(methodologist, contest, "announce", transitions=FLOW, order="1")
    with pytest.raises(ValidationError) as exc:
        perform(methodologist, contest, "announce", transitions=FLOW, order="1")
    assert exc.value.code == "already_done"
    with pytest.raises(ValidationError) as exc:
        perform(methodologist, contest, "cancel", transitions=FLOW, reason="x")
    assert exc.value.code == "wrong_state"
    assert "Announced" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        perform(methodologist, contest, "nonsense", transitions=FLOW)
    assert exc.value.code == "unknown_transition"


def test_a_refusal_changes_nothing(contest: Contest, methodologist: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        perform(methodologist, contest, "announce", transitions=FLOW)
    assert exc.value.message_dict == {"order": ["Give the order."]}
    with pytest.raises(ValidationError) as exc:
        perform(methodologist, contest, "cancel", transitions=FLOW, reason="   ")
    assert exc.value.message_dict == {"reason": ["Give the reason."]}
    contest.refresh_from_db()
    assert contest.state == C.DRAFT and contest.results_published_at is None
    assert calls == [] and not audit.history_for(contest).exists()


def test_the_reason_is_cleaned_and_logged(contest: Contest, methodologist: Any) -> None:
    perform(methodologist, contest, "cancel", transitions=FLOW, reason="  too late ")
    assert audit.history_for(contest).get().changes["reason"] == [None, "too late"]


def test_allowed_draws_from_permission_state_and_guards(
    contest: Contest, methodologist: Any, teacher: Any
) -> None:
    assert [t.name for t in allowed(methodologist, contest, FLOW)] == ["announce", "cancel"]
    assert allowed(teacher, contest, FLOW) == []
    contest.title = "locked"
    assert [t.name for t in allowed(methodologist, contest, FLOW)] == ["cancel"]
    contest.save()
    with pytest.raises(ValidationError) as exc:
        perform(methodologist, contest, "announce", transitions=FLOW, order="1")
    assert exc.value.code == "locked"
    assert calls == []


def test_the_system_passes_the_permission_and_rule_guards(contest: Contest) -> None:
    contest.title = "locked"
    contest.save()
    perform(None, contest, "announce", transitions=FLOW, order="1")
    assert audit.history_for(contest).get().actor is None


def test_one_message_for_an_impossible_move_checked_before_the_permission(
    contest: Contest, teacher: Any
) -> None:
    flow = Transitions(C, FLOW.values(), action="x.{name}", impossible="Not now.", denied="Not yours.")
    with pytest.raises(ValidationError, match="Not now"):
        perform(teacher, contest, "nonsense", transitions=flow)
    contest.state = C.EXPERTISE
    contest.save()
    with pytest.raises(ValidationError, match="Not now"):
        perform(teacher, contest, "announce", transitions=flow)
    contest.state = C.DRAFT
    contest.save()
    with pytest.raises(PermissionDenied, match="Not yours"):
        perform(teacher, contest, "announce", transitions=flow)


def test_transitions_read_as_a_mapping() -> None:
    assert list(FLOW) == ["announce", "cancel"]
    assert FLOW["cancel"].needs_reason and FLOW.get("nonsense") is None and len(FLOW) == 2
