"""The commission's meeting: the secretary (the chair, the organiser) records the minutes' number, date
and place, the members present and the votes on each item of the agenda."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from novator.core.forms import apply_validation_error

from .. import selectors, services
from ..forms import MeetingForm
from ..models import CommissionMember
from ..services.meeting import MEETING_STATES, has_quorum, quorum_needed
from ._common import get_contest


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_contest(request, pk, "expertise.record_meeting")
    commission = selectors.commission_for(contest)
    if commission is None:
        messages.error(request, _("The contest has no expert commission yet."))
        return redirect("expertise:commission", pk=contest.pk)
    recorded = selectors.meeting_of(commission)
    members = CommissionMember.objects.filter(commission=commission).select_related("expert__user")
    members = members.order_by("expert__user__last_name", "expert__user__first_name", "pk")
    agenda = services.agenda(contest)
    initial: dict[str, object] = {
        "number": commission.minutes_number,
        "date": commission.minutes_date,
        "place": recorded.place if recorded else "",
        "present": list(recorded.present.all()) if recorded else list(members),
    }
    if recorded:
        for item in recorded.items.all():
            initial[f"item_{item.position}_for"] = item.votes_for
            initial[f"item_{item.position}_against"] = item.votes_against
            initial[f"item_{item.position}_abstained"] = item.votes_abstained
    form = MeetingForm(request.POST or None, initial=initial, members=members, agenda=agenda)
    editable = contest.state in MEETING_STATES
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.meeting_record(
                actor=request.user,
                contest=contest,
                number=form.cleaned_data["number"],
                date=form.cleaned_data["date"],
                place=form.cleaned_data["place"],
                present=[m.pk for m in form.cleaned_data["present"]],
                votes=form.votes(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The meeting is recorded."))
            return redirect("expertise:meeting", pk=contest.pk)
    total = members.count()
    return render(
        request,
        "expertise/meeting.html",
        {
            "contest": contest,
            "commission": commission,
            "form": form,
            "recorded": recorded,
            "editable": editable,
            "members_total": total,
            "quorum_needed": quorum_needed(total),
            "has_quorum": recorded is not None
            and has_quorum(recorded.present.count(), recorded.members_total),
        },
    )
