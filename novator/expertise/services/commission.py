"""The commission: expert profiles, chair, secretary, members with their loads, declared conflicts."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from novator.contests.models import Application, Contest
from novator.core import audit
from novator.core.services import require
from novator.organizations.models import OrganizationKind

from .. import notifications
from ..models import Assignment, Commission, CommissionMember, ConflictDeclaration, Expert, ScoreSheet
from ._common import SETUP_STATES, require_state

EXPERT_FIELDS = ("organization", "municipality", "topics", "organization_kinds", "bio")


#: what an expert may change in their own profile (where they work decides conflicts: the organiser's)
OWN_FIELDS = ("topics", "organization_kinds", "bio")
MAX_TOPICS = 20
TOPIC_MAX = 100
BIO_MAX = 2000
_SPLIT = re.compile(r"[,;\n\r]+")


def parse_topics(value: Any) -> list[str]:
    """Topics from a list or from text (separated by commas, semicolons or new lines), trimmed, without
    repeats (case-insensitive, the first spelling kept). Raises a message for the user."""
    if value is None:
        return []
    if isinstance(value, str):
        items: list[Any] = _SPLIT.split(value)
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise ValidationError({"topics": _("List the topics as text, one per line or separated by commas.")})
    if any(not isinstance(item, str) for item in items):
        raise ValidationError({"topics": _("List the topics as text, one per line or separated by commas.")})
    topics: dict[str, str] = {}
    for item in items:
        topic = " ".join(item.split())
        if topic:
            topics.setdefault(topic.casefold(), topic)
    errors = []
    if len(topics) > MAX_TOPICS:
        errors.append(
            _("At most %(max)d topics: there are %(count)d.") % {"max": MAX_TOPICS, "count": len(topics)}
        )
    errors += [
        _("A topic is at most %(max)d characters: «%(topic)s…» is longer.")
        % {"max": TOPIC_MAX, "topic": t[:40]}
        for t in topics.values()
        if len(t) > TOPIC_MAX
    ]
    if errors:
        raise ValidationError({"topics": errors})
    return list(topics.values())


def _clean_profile(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    errors: dict[str, list[str]] = {}
    if "topics" in data:
        try:
            cleaned["topics"] = parse_topics(data["topics"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "organization_kinds" in data:
        kinds = data["organization_kinds"] or []
        if not isinstance(kinds, list | tuple) or any(k not in OrganizationKind.values for k in kinds):
            errors["organization_kinds"] = [_("Choose kinds of organisations from the list.")]
        else:
            cleaned["organization_kinds"] = list(dict.fromkeys(kinds))
    if "bio" in data:
        bio = data["bio"] if data["bio"] is not None else ""
        if not isinstance(bio, str):
            errors["bio"] = [_("The bio must be text.")]
        elif len(bio.strip()) > BIO_MAX:
            errors["bio"] = [
                _("The bio is at most %(max)d characters: it has %(count)d.")
                % {"max": BIO_MAX, "count": len(bio.strip())}
            ]
        else:
            cleaned["bio"] = bio.strip()
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def expert_profile_save(*, actor: Any, user: Any, data: Mapping[str, Any]) -> Expert:
    """Create or update a user's expert profile. The organiser (`expertise.manage_experts`) changes
    everything — where the expert works matters for conflicts; an expert changes their own topics, the
    kinds of organisations they know and their bio (what the affinity reads).

    A methodologist changes the profiles of their own municipalities' experts only (the expert's
    municipality, else their organisation's), and leaves the profile in one of them; an administrator
    changes any."""
    own = actor is not None and getattr(actor, "pk", None) == getattr(user, "pk", None)
    manager = actor is not None and actor.has_perm("expertise.manage_experts")
    if actor is not None and not manager:
        if not own or set(data) - set(OWN_FIELDS):
            raise PermissionDenied(_("You do not have permission to do this."))
        if not Expert.objects.filter(user=user).exists():
            raise ValidationError(
                _("You have no expert profile yet: the methodological centre creates it."), code="no_profile"
            )
    data = _clean_profile(data)
    expert = (
        Expert.objects.select_for_update(of=("self",))
        .select_related("organization", "municipality")
        .filter(user=user)
        .first()
    )
    created = expert is None
    # an expert editing their own profile keeps to OWN_FIELDS (checked above); the organiser's scope:
    scoped = manager and not (own and not set(data) - set(OWN_FIELDS))
    if scoped and expert is not None and not actor.has_perm("expertise.change_expert", expert):
        raise PermissionDenied(
            _(
                "%(expert)s is an expert of another municipality: their profile is changed by its "
                "methodologists."
            )
            % {"expert": expert}
        )
    if expert is None:
        expert = Expert(user=user)
    before = {} if created else audit.snapshot(expert, EXPERT_FIELDS)
    for name in EXPERT_FIELDS:
        if name in data:
            setattr(expert, name, data[name])
    if expert.organization is not None and not expert.municipality_id:
        expert.municipality_id = expert.organization.municipality_id
    if scoped and not actor.has_perm("expertise.change_expert", expert):
        raise ValidationError(
            {
                "municipality": _(
                    "Choose one of your municipalities (or an organisation in one of them) for the expert."
                )
            }
        )
    expert.full_clean(exclude=["user"])
    expert.save()
    changes = audit.diff(before, audit.snapshot(expert, EXPERT_FIELDS))
    if changes:
        audit.record(
            actor=actor,
            action="expert.create" if created else "expert.update",
            obj=expert,
            changes=changes,
        )
    return expert


def _check_max_load(max_load: int | None) -> None:
    if max_load is not None and (not isinstance(max_load, int) or isinstance(max_load, bool) or max_load < 1):
        raise ValidationError({"max_load": _("The maximum load is a whole number of at least 1, or empty.")})


def _load(commission: Commission, expert: Expert) -> int:
    return Assignment.objects.filter(application__contest_id=commission.contest_id, expert=expert).count()


@transaction.atomic
def commission_member_add(
    *, actor: Any, commission: Commission, expert: Expert, max_load: int | None = None
) -> CommissionMember:
    require(actor, "expertise.manage_commission", commission.contest)
    require_state(
        commission.contest, SETUP_STATES, _("The commission can no longer be changed: results are confirmed.")
    )
    _check_max_load(max_load)
    if commission.members.filter(expert=expert).exists():
        raise ValidationError({"expert": _("%(expert)s is already a member.") % {"expert": expert}})
    member = CommissionMember.objects.create(commission=commission, expert=expert, max_load=max_load)
    audit.record(
        actor=actor,
        action="commission.member_add",
        obj=commission,
        changes={"member": [None, audit.ref(expert)], "max_load": [None, max_load]},
    )
    return member


@transaction.atomic
def commission_member_update(
    *, actor: Any, member: CommissionMember, max_load: int | None
) -> CommissionMember:
    commission = member.commission
    require(actor, "expertise.manage_commission", commission.contest)
    require_state(
        commission.contest, SETUP_STATES, _("The commission can no longer be changed: results are confirmed.")
    )
    _check_max_load(max_load)
    load = _load(commission, member.expert)
    if max_load is not None and max_load < load:
        raise ValidationError(
            {
                "max_load": _("%(expert)s already has %(load)d assignment(s); the maximum cannot be lower.")
                % {"expert": member.expert, "load": load}
            }
        )
    before = member.max_load
    member.max_load = max_load
    member.save(update_fields=["max_load"])
    if before != max_load:
        audit.record(
            actor=actor,
            action="commission.member_update",
            obj=commission,
            changes={f"{audit.ref(member.expert)}: max_load": [before, max_load]},
        )
    return member


@transaction.atomic
def commission_member_remove(*, actor: Any, member: CommissionMember) -> None:
    commission = member.commission
    require(actor, "expertise.manage_commission", commission.contest)
    require_state(
        commission.contest, SETUP_STATES, _("The commission can no longer be changed: results are confirmed.")
    )
    if commission.chair_id == member.expert_id:
        raise ValidationError(
            _("%(expert)s chairs the commission: choose another chair first.") % {"expert": member.expert}
        )
    load = _load(commission, member.expert)
    if load:
        raise ValidationError(
            _("%(expert)s has %(load)d assignment(s) in this contest: remove them first.")
            % {"expert": member.expert, "load": load}
        )
    expert = audit.ref(member.expert)
    member.delete()
    audit.record(
        actor=actor, action="commission.member_remove", obj=commission, changes={"member": [expert, None]}
    )


@transaction.atomic
def commission_setup(
    *,
    actor: Any,
    contest: Contest,
    chair: Expert | None,
    secretary: Any = None,
    members: Sequence[tuple[Expert, int | None]] | None = None,
) -> Commission:
    """Create or change the contest's commission: chair (made a member if not one), secretary and, when
    `members` is given, exactly those members with their maximum loads."""
    require(actor, "expertise.manage_commission", contest)
    require_state(contest, SETUP_STATES, _("The commission can no longer be changed: results are confirmed."))
    commission, created = Commission.objects.select_for_update(of=("self",)).get_or_create(contest=contest)
    fields = ("chair", "secretary")
    before = {} if created else audit.snapshot(commission, fields)
    commission.chair = chair
    commission.secretary = secretary
    commission.save()
    changes = audit.diff(before, audit.snapshot(commission, fields))
    if created or changes:
        audit.record(
            actor=actor,
            action="commission.create" if created else "commission.update",
            obj=commission,
            changes=changes,
        )
    if members is not None:
        wanted = {expert.pk: (expert, max_load) for expert, max_load in members}
        if chair is not None and chair.pk not in wanted:
            wanted[chair.pk] = (chair, None)
        for member in list(commission.members.select_related("expert__user")):
            if member.expert_id not in wanted:
                commission_member_remove(actor=actor, member=member)
            else:
                _expert, max_load = wanted.pop(member.expert_id)
                commission_member_update(actor=actor, member=member, max_load=max_load)
        for expert, max_load in wanted.values():
            commission_member_add(actor=actor, commission=commission, expert=expert, max_load=max_load)
    elif chair is not None and not commission.members.filter(expert=chair).exists():
        commission_member_add(actor=actor, commission=commission, expert=chair)
    return commission


@transaction.atomic
def conflict_declare(
    *, actor: Any, application: Application, expert: Expert, reason: str
) -> ConflictDeclaration:
    """Record a declared conflict of interest. The expert's assignment to the application, if any, is
    removed — unless the sheet has been submitted (the chair reopens it first)."""
    contest = application.contest
    if actor is not None:
        own = getattr(expert, "user_id", None) == actor.pk and actor.has_perm(
            "expertise.declare_conflict", contest
        )
        if not own and not actor.has_perm("expertise.manage_commission", contest):
            raise PermissionDenied(_("You do not have permission to do this."))
    require_state(contest, SETUP_STATES, _("The expertise of this contest is closed."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Describe the conflict of interest.")})
    if ConflictDeclaration.objects.filter(expert=expert, application=application).exists():
        raise ValidationError(_("This conflict of interest has already been declared."))
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .filter(application=application, expert=expert)
        .first()
    )
    removed = False
    if assignment is not None:
        sheet = ScoreSheet.objects.filter(assignment=assignment).first()
        if sheet is not None and sheet.state == ScoreSheet.State.SUBMITTED:
            raise ValidationError(
                _(
                    "The scoring sheet has already been submitted: ask the chair to reopen it, "
                    "then declare the conflict."
                )
            )
        assignment.delete()
        removed = True
    declaration = ConflictDeclaration.objects.create(expert=expert, application=application, reason=reason)
    audit.record(
        actor=actor,
        action="expertise.conflict_declare",
        obj=application,
        changes={
            "expert": [None, audit.ref(expert)],
            "reason": [None, reason],
            "assignment_removed": [None, removed],
        },
    )
    notifications.conflict_declared(application, expert, reason, removed)
    return declaration


RULE_FIELDS = ("exclude_own_municipality", "require_other_municipality")


@transaction.atomic
def commission_rules_update(
    *, actor: Any, commission: Commission, exclude_own_municipality: bool, require_other_municipality: bool
) -> Commission:
    """The own-municipality rules of the expertise: hard constraints of the assignment, shown in the
    minutes. Refused while assignments already break the first rule (remove them first)."""
    from ..conflicts import MUNICIPALITY, conflict_code, expert_municipality_id

    contest = commission.contest
    require(actor, "expertise.manage_commission", contest)
    require_state(contest, SETUP_STATES, _("The commission can no longer be changed: results are confirmed."))
    commission = (
        Commission.objects.select_for_update(of=("self",)).select_related("contest").get(pk=commission.pk)
    )
    if exclude_own_municipality and not commission.exclude_own_municipality:
        own = [
            a
            for a in Assignment.objects.filter(application__contest=contest).select_related(
                "expert__user", "expert__organization", "application__organization"
            )
            if conflict_code(
                expert_organization_id=None,
                expert_municipality_id=expert_municipality_id(a.expert),
                applicant_organization_id=a.application.organization_id,
                applicant_municipality_id=a.application.organization.municipality_id,
                require_external=True,
                declared=False,
            )
            == MUNICIPALITY
        ]
        if own:
            raise ValidationError(
                _(
                    "%(count)d assignment(s) give an expert an application from their own municipality "
                    "(%(examples)s): remove them first."
                )
                % {"count": len(own), "examples": "; ".join(str(a) for a in own[:3])},
                code="own_municipality",
            )
    from novator.core.services import model_update

    model_update(
        commission,
        fields=RULE_FIELDS,
        data={
            "exclude_own_municipality": bool(exclude_own_municipality),
            "require_other_municipality": bool(require_other_municipality),
        },
        actor=actor,
        action="commission.rules",
    )
    return commission
