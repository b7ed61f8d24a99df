"""The meetings of the demo's expert commissions: held at МКУ «ИМЦ», every member present, each agenda item
adopted unanimously (the source document records no dissent), so that the minutes can be produced."""

from __future__ import annotations

from novator.contests.models import Contest
from novator.expertise import services as expertise_services
from novator.expertise.models import CommissionMember

#: where the demo's commissions meet (the source document: the ИМЦ of Vyselki)
MEETING_PLACE = "МКУ «ИМЦ», ст-ца Выселки, ул. Ленина, 37"


def record_meeting(contest: Contest) -> None:
    commission = contest.commission
    members = list(CommissionMember.objects.filter(commission=commission).values_list("pk", flat=True))
    expertise_services.meeting_record(
        actor=None,
        contest=contest,
        number=commission.minutes_number,
        date=commission.minutes_date,
        place=MEETING_PLACE,
        present=members,
        votes={
            item.position: expertise_services.Votes(len(members), 0, 0)
            for item in expertise_services.agenda(contest)
        },
    )
