"""The own-municipality rules of the expertise: settings of the commission, hard constraints of the
assignment (conflicts and the solver's external-expert rule), shown in the minutes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from novator.expertise import services
from novator.expertise.assignment.matching import load_contest
from novator.expertise.conflicts import MUNICIPALITY, conflict_for
from novator.expertise.documents import minutes_context

from .factories import AssignmentFactory, CommissionMemberFactory, ExpertFactory

pytestmark = pytest.mark.django_db


def _rules(commission, actor, own=False, other=False):
    return services.commission_rules_update(
        actor=actor, commission=commission, exclude_own_municipality=own, require_other_municipality=other
    )


def test_no_expert_scores_their_own_municipality(commission, applications, methodologist, municipality):
    local = ExpertFactory(municipality=municipality)
    CommissionMemberFactory(commission=commission, expert=local)
    assert conflict_for(expert=local, application=applications[1]) is None
    _rules(commission, methodologist, own=True)
    commission.contest.refresh_from_db()
    applications[1].refresh_from_db()
    assert conflict_for(expert=local, application=applications[1]) == MUNICIPALITY
    data = load_contest(commission.contest)
    assert (applications[1].pk, local.pk) in data.conflicts
    with pytest.raises(ValidationError):
        services.assignment_add(actor=methodologist, application=applications[1], expert=local)


def test_the_solver_requires_an_expert_from_another_municipality(commission, applications, methodologist):
    contest = commission.contest
    assert load_contest(contest).instance(load_contest(contest).fit()).require_external is False
    _rules(commission, methodologist, other=True)
    contest.refresh_from_db()
    data = load_contest(contest)
    assert data.instance(data.fit()).require_external is True


def test_the_rule_is_refused_while_assignments_break_it(
    commission, applications, methodologist, municipality
):
    local = ExpertFactory(municipality=municipality)
    CommissionMemberFactory(commission=commission, expert=local)
    AssignmentFactory(application=applications[1], expert=local)
    with pytest.raises(ValidationError) as exc:
        _rules(commission, methodologist, own=True)
    assert "own municipality" in str(exc.value)
    commission.refresh_from_db()
    assert commission.exclude_own_municipality is False


def test_only_the_organiser_sets_the_rules(commission, other_methodologist):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _rules(commission, other_methodologist, own=True)


def test_the_minutes_state_the_rules_when_set(commission, methodologist):
    assert minutes_context(commission.contest)["municipality_rules"] == []
    _rules(commission, methodologist, own=True, other=True)
    commission.contest.refresh_from_db()
    rules = minutes_context(commission.contest)["municipality_rules"]
    assert len(rules) == 2 and "своего муниципального" in rules[0]
