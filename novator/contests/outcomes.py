"""What an application came to, in a sentence for its coordinator («Присвоен статус МИП (приказ от … № …)»,
«Не рекомендована: ниже проходного балла»), once the contest's results are published."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from novator.core.dates import ddmmyyyy

from .models import ApplicationState, ContestKind, ContestState

#: States of an application that took part in the expertise and so has an outcome.
_RANKED = frozenset({ApplicationState.ACCEPTED})


def application_outcome(application: Any) -> str:
    """The outcome of `application` ("" until the results are published, or when it took no part).
    Reads `contest.criteria` (prefetch it for a list) and `status_assignment` (select it)."""
    contest = application.contest
    if contest.state != ContestState.PUBLISHED or application.state not in _RANKED:
        return ""
    if contest.kind == ContestKind.PROFESSIONAL:
        if application.distinction:
            return str(application.get_distinction_display())
        return _("No distinction")
    if application.awarded:
        status = getattr(application, "status_assignment", None)
        number = (status.order_number if status else "") or contest.order_number
        day = (status.order_date if status else None) or contest.order_date
        abbreviation = contest.status_kind.abbreviation if contest.status_kind else ""
        if number and day:
            return _("Status %(status)s awarded (order of %(date)s № %(number)s)") % {
                "status": abbreviation,
                "date": ddmmyyyy(day),
                "number": number,
            }
        return _("Status %(status)s awarded") % {"status": abbreviation}
    if application.total is not None and application.total < contest.threshold_points:
        return _("Not recommended: below the pass mark")
    if application.total is not None:
        return _("Not recommended: outside the quota of winners")
    return _("Not recommended")
