"""The commission's meeting as the secretary (or the chair, or the organiser) records it: number, date and
place of the minutes, the members present (the quorum is more than half of the members), and the votes on
each item of the agenda (the results of one category each). The minutes print this record."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from novator.contests.models import Category, Contest, ContestState
from novator.core import audit
from novator.core.services import require, user_or_none

from ..models import Meeting, MeetingItem
from ._common import commission_of, require_state

#: a meeting may be recorded while the commission works and until the results are published
MEETING_STATES = frozenset({ContestState.EXPERTISE, ContestState.DECIDED})


@dataclass(frozen=True)
class AgendaItem:
    position: int
    title: str
    category: Category | None


def agenda(contest: Contest) -> list[AgendaItem]:
    """One item per category of the contest (the results of its ranking); one item without categories."""
    categories = list(Category.objects.filter(contest=contest).order_by("position", "pk"))
    if not categories:
        return [AgendaItem(1, "Об итогах экспертизы заявок", None)]
    return [
        AgendaItem(index, f"Об итогах экспертизы заявок в категории «{category.name}»", category)
        for index, category in enumerate(categories, start=1)
    ]


def has_quorum(present: int, total: int) -> bool:
    """The commission decides when more than half of its members are present."""
    return total > 0 and present * 2 > total


def quorum_needed(total: int) -> int:
    return total // 2 + 1


@dataclass(frozen=True)
class Votes:
    votes_for: int
    votes_against: int
    votes_abstained: int

    @property
    def cast(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstained


@transaction.atomic
def meeting_record(
    *,
    actor: Any,
    contest: Contest,
    number: str,
    date: datetime.date | None,
    place: str,
    present: Collection[int],
    votes: Mapping[int, Votes],
) -> Meeting:
    """Record (or correct) the meeting: the minutes' number and date go to the commission, the members
    present and the votes per agenda item (by position) to the meeting. Refused without a quorum, when the
    votes do not add up to the members present, or when an item's decision has no majority."""
    contest = Contest.objects.select_for_update(of=("self",)).get(pk=contest.pk)
    require(actor, "expertise.record_meeting", contest)
    require_state(
        contest,
        MEETING_STATES,
        _("The meeting is recorded during the expertise or before the results are published."),
    )
    commission = commission_of(contest)
    errors: dict[str, list[str]] = {}
    number = (number or "").strip()
    place = (place or "").strip()
    if not number:
        errors.setdefault("number", []).append(_("Enter the number of the minutes."))
    elif len(number) > 50:
        errors.setdefault("number", []).append(_("The number is at most 50 characters."))
    if date is None:
        errors.setdefault("date", []).append(_("Enter the date of the meeting."))
    elif date > timezone.localdate():
        errors.setdefault("date", []).append(_("The meeting cannot be dated in the future."))
    if not place:
        errors.setdefault("place", []).append(_("Enter the place of the meeting."))
    members = {m.pk: m for m in commission.members.all()}
    total = len(members)
    chosen = {int(pk) for pk in present}
    if chosen - members.keys():
        errors.setdefault("present", []).append(_("Only members of the commission can be present."))
    count = len(chosen & members.keys())
    if not has_quorum(count, total):
        errors.setdefault("present", []).append(
            ngettext(
                "There is no quorum: %(present)d of %(total)d members present; at least %(needed)d "
                "are needed.",
                "There is no quorum: %(present)d of %(total)d members present; at least %(needed)d "
                "are needed.",
                total,
            )
            % {"present": count, "total": total, "needed": quorum_needed(total)}
        )
    items = agenda(contest)
    for item in items:
        vote = votes.get(item.position)
        field = f"item_{item.position}"
        if vote is None:
            errors.setdefault(field, []).append(_("Enter the votes on «%(item)s».") % {"item": item.title})
            continue
        if min(vote.votes_for, vote.votes_against, vote.votes_abstained) < 0:
            errors.setdefault(field, []).append(_("Votes cannot be negative."))
        elif "present" not in errors and vote.cast != count:
            errors.setdefault(field, []).append(
                _(
                    "The votes on «%(item)s» add up to %(cast)d, but %(present)d members are present: "
                    "every member present votes for, against or abstains."
                )
                % {"item": item.title, "cast": vote.cast, "present": count}
            )
        elif "present" not in errors and vote.votes_for * 2 <= count:
            errors.setdefault(field, []).append(
                _(
                    "The decision on «%(item)s» has no majority (%(for)d for of %(present)d present): "
                    "the commission has not adopted it."
                )
                % {"item": item.title, "for": vote.votes_for, "present": count}
            )
    if errors:
        raise ValidationError(errors)
    assert date is not None
    before = {
        "minutes_number": commission.minutes_number,
        "minutes_date": commission.minutes_date.isoformat() if commission.minutes_date else None,
    }
    commission.minutes_number = number
    commission.minutes_date = date
    commission.save(update_fields=["minutes_number", "minutes_date", "updated_at"])
    meeting, _created = Meeting.objects.update_or_create(
        commission=commission,
        defaults={"place": place, "members_total": total, "recorded_by": user_or_none(actor)},
    )
    meeting.present.set([members[pk] for pk in sorted(chosen)])
    meeting.items.all().delete()
    MeetingItem.objects.bulk_create(
        MeetingItem(
            meeting=meeting,
            position=item.position,
            category=item.category,
            title=item.title,
            votes_for=votes[item.position].votes_for,
            votes_against=votes[item.position].votes_against,
            votes_abstained=votes[item.position].votes_abstained,
        )
        for item in items
    )
    audit.record(
        actor=actor,
        action="expertise.meeting_recorded",
        obj=commission,
        changes={
            "minutes_number": [before["minutes_number"], number],
            "minutes_date": [before["minutes_date"], date.isoformat()],
            "place": [None, place],
            "present": [None, f"{count}/{total}"],
            "votes": [None, {item.title: _votes_list(votes[item.position]) for item in items}],
        },
    )
    return meeting


def _votes_list(vote: Votes) -> list[int]:
    return [vote.votes_for, vote.votes_against, vote.votes_abstained]
