"""The order announcing a contest: registered in the organising authority's journal (its number and date
come from there), so that the results order cites it («Положением о …, утверждённым приказом от … № …»)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from novator.contests.models import Contest
from novator.core.docx_build import quote
from novator.core.names import phrase_genitive
from novator.core.services import require
from novator.documents.models import OrderPurpose, OutgoingOrder
from novator.documents.selectors import issuer_for, registered_order
from novator.documents.services import outgoing_order_register


def regulation_subject(title: str) -> str:
    """«Положение о …»: «проведении муниципального конкурса на статус …» from the contest's title
    («Муниципальный конкурс на статус …»); a title that is not «… конкурс …» is quoted."""
    words = title.strip().split()
    for index, word in enumerate(words):
        if word.lower() == "конкурс" and index + 1 < len(words):
            head = " ".join(words[: index + 1])
            head = head[:1].lower() + head[1:]
            return f"проведении {phrase_genitive(head)} {' '.join(words[index + 1 :])}"
    return f"проведении конкурса {quote(title)}"


def announcement_title(title: str) -> str:
    """The order's title: «О проведении муниципального конкурса на статус …»."""
    return f"О {regulation_subject(title)}"


@transaction.atomic
def announcement_order_register(*, actor: Any, contest: Contest, date: datetime.date | None) -> OutgoingOrder:
    """Register the order announcing the contest in its issuer's journal (the next number of the year).
    Refused when one is registered already: the regulation is approved once."""
    contest = Contest.objects.select_for_update(of=("self",)).get(pk=contest.pk)
    require(actor, "contests.manage_contest", contest)
    if date is None:
        raise ValidationError({"date": _("Give the date of the order.")})
    existing = registered_order(contest, OrderPurpose.ANNOUNCEMENT)
    if existing is not None:
        raise ValidationError(
            _("The order announcing the contest is registered already: %(order)s.")
            % {"order": f"от {existing.date:%d.%m.%Y} № {existing.number}"}
        )
    return outgoing_order_register(
        actor=actor,
        requisites=issuer_for(contest.organiser),
        date=date,
        title=announcement_title(contest.title),
        subject=contest,
        purpose=OrderPurpose.ANNOUNCEMENT,
    )
