"""Who may do what in the expertise (django-rules), including the chair's rule on contests.

- `expertise.manage_commission` — the contest's organiser (methodologists of the organising municipality)
  or an administrator: the commission's chair, secretary and members, conflicts on an expert's behalf;
- `expertise.manage_assignments` — the organiser or the chair: assignments and their publication;
- `expertise.view_commission` — the organiser, the co-organisers of an inter-municipal contest (read-only),
  the chair, the secretary: the commission page, the ranking, the documents;
- `expertise.record_meeting` — the organiser, the chair, the secretary: the meeting's attendance and votes;
- `contests.chair_contest` — the chair or an administrator: confirming the results, reopening sheets and
  the expertise (used by `contests.workflow`);
- `expertise.review_application` — an expert with a published assignment to the application and no
  conflict with it; the chair, for every application they are not in conflict with;
- `expertise.score` — the expert's own sheet of such an assignment;
- `expertise.reopen_sheet` — `contests.chair_contest` on the sheet's contest (the sheet's workflow);
- `expertise.declare_conflict` — a member of the contest's commission (for themselves) or the organiser;
- `expertise.discuss` — the discussion of an application: the chair (no conflict with it) and an
  expert with a published, conflict-free assignment to it whose own sheet is submitted (the first
  opinion is independent); never the applicant, a conflicted or an unassigned expert, the organiser;
- `expertise.conclude` — the commission's consolidated conclusion on an application and why a
  disputed application was not discussed: the chair, not in conflict with it;
- `contests.review_appeal` — the chair and the members of the commission who did not score the
  application, none of them in conflict with it (`contests.view_appeal` adds the applicant and the
  organiser);
- `expertise.view_conclusions` — the applicant once the results are published; the commission's viewers;
- `expertise.answer_invitation` — the expert invited to a commission (object: the invitation);
- `expertise.browse_pool` — the region's shared pool of experts with their loads: methodologists (the
  experts of their regions) and administrators;
- `expertise.change_expert` — an expert's profile (where they work decides conflicts): the methodologists
  of the expert's municipality (their own, else their organisation's) and administrators.

Objects: a contest, or anything with `.contest` (commission, application); sheets for `expertise.score` and
`expertise.reopen_sheet`.
"""

from __future__ import annotations

from typing import Any

import rules

from novator.accounts.rules import is_admin, is_methodologist
from novator.accounts.scope import get_scope
from novator.contests.models import Contest, ContestState
from novator.contests.rules import can_manage, is_applicant, is_coorganiser


def _contest(obj: Any) -> Contest | None:
    if obj is None:
        return None
    if isinstance(obj, Contest):
        return obj
    return getattr(obj, "contest", None)


def _commission(obj: Any) -> Any:
    from .models import Commission

    contest = _contest(obj)
    if contest is None or contest.pk is None:
        return None
    try:
        return contest.commission
    except Commission.DoesNotExist:
        return None


def expert_profile(user: Any) -> Any:
    """The user's expert profile or None (cached on the user object by Django)."""
    from .models import Expert

    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.expert
    except Expert.DoesNotExist:
        return None


@rules.predicate
def is_chair(user: Any, obj: Any) -> bool:
    commission = _commission(obj)
    if commission is None or commission.chair_id is None:
        return False
    expert = expert_profile(user)
    return expert is not None and expert.pk == commission.chair_id


@rules.predicate
def is_secretary(user: Any, obj: Any) -> bool:
    commission = _commission(obj)
    return (
        commission is not None
        and commission.secretary_id is not None
        and getattr(user, "pk", None) == commission.secretary_id
    )


@rules.predicate
def is_member(user: Any, obj: Any) -> bool:
    commission = _commission(obj)
    expert = expert_profile(user)
    if commission is None or expert is None:
        return False
    return commission.members.filter(expert=expert).exists()


@rules.predicate
def reviews_application(user: Any, application: Any) -> bool:
    from .models import Assignment

    if application is None or not get_scope(user).authenticated:
        return False
    return Assignment.objects.for_expert(user).filter(application_id=application.pk).exists()


@rules.predicate
def chairs_without_conflict(user: Any, application: Any) -> bool:
    """The chair reads the applications of the contest, except those they are in conflict with."""
    from .conflicts import conflict_for

    if application is None or not is_chair(user, application):
        return False
    return conflict_for(expert=expert_profile(user), application=application) is None


@rules.predicate
def owns_sheet(user: Any, sheet: Any) -> bool:
    from .models import Assignment

    if sheet is None or not get_scope(user).authenticated:
        return False
    return Assignment.objects.for_expert(user).filter(pk=sheet.assignment_id).exists()


@rules.predicate
def reviewed_application(user: Any, application: Any) -> bool:
    """An assigned expert (published, no conflict) who has submitted their own sheet of the application."""
    from .models import Assignment, ScoreSheet

    if application is None or not get_scope(user).authenticated:
        return False
    return (
        Assignment.objects.for_expert(user)
        .filter(application_id=application.pk, sheet__state=ScoreSheet.State.SUBMITTED)
        .exists()
    )


def chairs_sheet(user: Any, sheet: Any) -> bool:
    """The chair of the sheet's contest (or an administrator): `contests.chair_contest` on its contest."""
    return sheet is not None and user.has_perm("contests.chair_contest", sheet.assignment.application.contest)


@rules.predicate
def is_methodologist_of_expert(user: Any, expert: Any) -> bool:
    from .conflicts import expert_municipality_id

    if expert is None:
        return False
    municipality = expert_municipality_id(expert)
    return municipality is not None and municipality in get_scope(user).methodologist_municipalities


@rules.predicate
def is_invited_expert(user: Any, invitation: Any) -> bool:
    expert = expert_profile(user)
    return invitation is not None and expert is not None and invitation.expert_id == expert.pk


@rules.predicate
def results_published(user: Any, obj: Any) -> bool:
    contest = _contest(obj)
    return contest is not None and contest.state == ContestState.PUBLISHED


@rules.predicate
def reviews_appeal(user: Any, appeal: Any) -> bool:
    """The chair, or a member of the commission who did not score the application; neither in conflict with
    it (an appeal is reviewed by those who did not make the score it disputes)."""
    from .conflicts import conflict_for
    from .models import Assignment

    application = getattr(appeal, "application", None)
    expert = expert_profile(user)
    commission = _commission(application)
    if application is None or expert is None or commission is None:
        return False
    if commission.chair_id != expert.pk:
        if not commission.members.filter(expert=expert).exists():
            return False
        if Assignment.objects.filter(application_id=application.pk, expert=expert).exists():
            return False
    return conflict_for(expert=expert, application=application) is None


# the co-organisers of an inter-municipal contest share the commission's page, the ranking and the documents
can_view_commission = can_manage | is_coorganiser | is_chair | is_secretary

rules.add_perm("expertise.manage_experts", is_admin | is_methodologist)
rules.add_perm("expertise.browse_pool", is_admin | is_methodologist)
rules.add_perm("expertise.answer_invitation", is_invited_expert)
rules.add_perm("expertise.change_expert", is_admin | is_methodologist_of_expert)
rules.add_perm("expertise.manage_commission", can_manage)
rules.add_perm("expertise.manage_assignments", can_manage | is_chair)
rules.add_perm("expertise.view_commission", can_view_commission)
rules.add_perm("contests.chair_contest", is_admin | is_chair)
rules.add_perm("expertise.record_meeting", can_manage | is_chair | is_secretary)
rules.add_perm("expertise.review_application", reviews_application | chairs_without_conflict)
rules.add_perm("expertise.score", owns_sheet)
rules.add_perm("expertise.discuss", chairs_without_conflict | reviewed_application)
rules.add_perm("expertise.conclude", chairs_without_conflict)
rules.add_perm("expertise.reopen_sheet", chairs_sheet)
rules.add_perm("expertise.declare_conflict", is_member | can_manage)
rules.add_perm("contests.review_appeal", reviews_appeal)
rules.add_perm("expertise.view_conclusions", (results_published & is_applicant) | can_view_commission)
