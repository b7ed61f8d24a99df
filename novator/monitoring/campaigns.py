"""Data campaigns: the coordinator fills in and submits, the methodologist approves (the values are
recorded and the year recomputed in the background) or returns with a comment.

The workflow is data (`TRANSITIONS`), enforced by `response_transition` alone.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from novator.accounts.scope import get_scope
from novator.core import audit
from novator.core.academic_year import AcademicYear
from novator.core.concurrency import check_version
from novator.core.dates import ddmmyyyy
from novator.core.workflow import Step, Transition, Transitions, perform
from novator.organizations.models import Organization

from . import services
from .models import (
    Campaign,
    CampaignReminder,
    CampaignResponse,
    DataElement,
    DataValue,
    ElementSource,
    ReminderKind,
    ResponseState,
)

S = ResponseState


def _values(response: CampaignResponse) -> dict[str, Decimal | None]:
    return {k: (None if v is None else Decimal(v)) for k, v in response.values.items()}


def _complete(response: CampaignResponse, step: Step) -> None:
    _check(response, _values(response), complete=True)


def _submitted(response: CampaignResponse, step: Step) -> None:
    response.submitted_at = step.now


def _decided(response: CampaignResponse, step: Step) -> None:
    response.decided_at, response.decided_by = step.now, step.actor
    response.comment = step.reason


def _record_values(response: CampaignResponse, step: Step) -> None:
    """Approval: the values become the organisation's data."""
    services.data_values_record(
        actor=None,
        organization=response.organization,
        academic_year=response.campaign.academic_year,
        values=_values(response),
    )


def _recompute(response: CampaignResponse, step: Step) -> None:
    """Approval: the year is recomputed in the background."""
    services.recompute_after_approval(
        actor=step.actor, organization=response.organization, academic_year=response.campaign.academic_year
    )


def _review(name: str, label: Any, target: str, **hooks: Any) -> Transition:
    """A decision of the municipality's methodologist on a submitted form."""
    return Transition(name, label, frozenset({S.SUBMITTED}), target, "monitoring.review_response", **hooks)


TRANSITIONS = Transitions(
    S,
    (
        Transition(
            name="submit",
            label=gettext_lazy("Submit"),
            sources=frozenset({S.DRAFT, S.RETURNED}),
            target=S.SUBMITTED,
            permission="monitoring.fill_response",
            checks=(_complete,),
            effects=(_submitted,),
        ),
        _review(
            "approve",
            gettext_lazy("Approve"),
            S.APPROVED,
            checks=(_complete,),
            effects=(_record_values, _decided),
            after=(_recompute,),
        ),
        _review(
            "return", gettext_lazy("Return for fixes"), S.RETURNED, effects=(_decided,), needs_reason=True
        ),
    ),
    action="monitoring.response_{name}",
    related=("campaign", "organization"),
    reason_error=gettext_lazy("Say what to fix."),
    log_reason=False,
    denied=gettext_lazy("You may not do this with the form."),
    impossible=gettext_lazy("This action is not possible in the form's current state."),
)


def may_fill(actor: Any, response: CampaignResponse) -> bool:
    """Whether `actor` may fill in the form (its organisation's coordinator; `None`, the system, may)."""
    return actor is None or actor.has_perm("monitoring.fill_response", response)


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    title: str,
    academic_year: str,
    due_on: datetime.date,
    element_codes: Iterable[str],
    organizations: Iterable[Organization],
) -> Campaign:
    if actor is not None and not actor.has_perm("monitoring.run_campaigns"):
        raise PermissionDenied(_("You may not change the monitoring."))
    year = str(AcademicYear.parse_valid(academic_year))
    codes = list(element_codes)
    elements = list(DataElement.objects.filter(code__in=codes, source=ElementSource.COLLECTED))
    if not elements or len(elements) != len(set(codes)):
        raise ValidationError(_("Choose collected data elements for the form."))
    orgs = list(organizations)
    if not orgs:
        raise ValidationError(_("Choose the organisations that must answer."))
    scope = get_scope(actor)
    if actor is not None and not scope.is_admin:
        foreign = [o for o in orgs if o.municipality_id not in scope.methodologist_municipalities]
        if foreign:
            raise PermissionDenied(
                _("%(org)s is not in your municipalities.") % {"org": foreign[0].short_name}
            )
    campaign = Campaign.objects.create(title=title, academic_year=year, due_on=due_on)
    campaign.elements.set(elements)
    CampaignResponse.objects.bulk_create([CampaignResponse(campaign=campaign, organization=o) for o in orgs])
    audit.record(
        actor=actor, action="monitoring.campaign_created", obj=campaign, changes={"organizations": len(orgs)}
    )
    return campaign


def _parse(values: Mapping[str, Any], allowed: set[str]) -> dict[str, Decimal | None]:
    parsed: dict[str, Decimal | None] = {}
    errors: dict[str, list[str]] = {}
    for code, raw in values.items():
        if code not in allowed:
            errors[code] = [_("This data element is not in the form.")]
            continue
        if raw is None or str(raw).strip() == "":
            parsed[code] = None
            continue
        try:
            number = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            errors[code] = [_("Enter a number.")]
            continue
        if not number.is_finite():
            errors[code] = [_("Enter a number.")]
            continue
        parsed[code] = number
    if errors:
        raise ValidationError(errors)
    return parsed


def _check(response: CampaignResponse, values: Mapping[str, Decimal | None], *, complete: bool) -> None:
    elements = {e.code: e for e in DataElement.objects.select_related("not_greater_than")}
    present = {k: v for k, v in values.items() if v is not None}
    services._validate_values(present, elements, present)
    if complete:
        missing = [e.name for e in response.campaign.elements.all() if values.get(e.code) is None]
        if missing:
            raise ValidationError(_("Fill in every value: %(names)s.") % {"names": ", ".join(missing)})


@transaction.atomic
def response_save(
    *, actor: Any, response: CampaignResponse, values: Mapping[str, Any], version: str | None = None
) -> CampaignResponse:
    """The coordinator's draft: checked by the rules of the form (incomplete is fine until submitted).
    `version`: the token the page was loaded with (novator.core.concurrency); stale → refused."""
    response = (
        CampaignResponse.objects.select_for_update(of=("self",))
        .select_related("campaign", "organization")
        .get(pk=response.pk)
    )
    if not may_fill(actor, response):
        raise PermissionDenied(_("Only the organisation's coordinator fills in its form."))
    if response.state not in (S.DRAFT, S.RETURNED):
        raise ValidationError(_("The form has been submitted and can no longer be changed."))
    check_version(response, version)
    allowed = set(response.campaign.elements.values_list("code", flat=True))
    parsed = _parse(values, allowed)
    _check(response, parsed, complete=False)
    response.values = {k: (None if v is None else str(v)) for k, v in parsed.items()}
    response.save(update_fields=["values", "updated_at"])
    audit.record(
        actor=actor, action="monitoring.response_saved", obj=response, changes={"values": response.values}
    )
    return response


def response_transition(
    *, actor: Any, response: CampaignResponse, name: str, comment: str = ""
) -> CampaignResponse:
    """Move a form along `TRANSITIONS` (submit; approve, which records the values; return)."""
    return perform(actor, response, name, transitions=TRANSITIONS, reason=comment)


def last_year_values(response: CampaignResponse) -> dict[str, Decimal]:
    """The organisation's values of the year before, shown beside the form (one query)."""
    previous = str(AcademicYear(AcademicYear.parse(response.campaign.academic_year).start_year - 1))
    return dict(
        DataValue.objects.filter(organization=response.organization, academic_year=previous).values_list(
            "element__code", "value"
        )
    )


def responses_visible_to(user: Any) -> QuerySet[CampaignResponse]:
    qs = CampaignResponse.objects.select_related("campaign", "organization__municipality")
    scope = get_scope(user)
    if scope.is_admin:
        return qs
    return qs.filter(
        Q(organization_id__in=scope.coordinator_organizations)
        | Q(organization__municipality_id__in=scope.methodologist_municipalities)
    )


# --- reminders -------------------------------------------------------------------------------------------

#: Remind this many days before the due date (and every day up to it, once).
REMIND_DAYS_BEFORE = 7


def _reminder_text(response: CampaignResponse, kind: str) -> tuple[str, str]:
    campaign = response.campaign
    values = {
        "campaign": campaign.title[:150],
        "org": response.organization.short_name,
        "year": campaign.academic_year,
        "due": ddmmyyyy(campaign.due_on),
    }
    if kind == ReminderKind.OVERDUE:
        subject = _("The monitoring form is overdue (due %(due)s): %(campaign)s") % values
    else:
        subject = _("The monitoring form is due on %(due)s: %(campaign)s") % values
    body = (
        _(
            "Organisation: %(org)s\nCampaign: %(campaign)s, %(year)s\nDue: %(due)s\n"
            "Fill in the form and submit it."
        )
        % values
    )
    return subject, body


def reminders_send(
    *, today: datetime.date | None = None, days_before: int = REMIND_DAYS_BEFORE
) -> Counter[str]:
    """Remind the coordinators (and the organisation's mailbox) of organisations whose form is not
    submitted: once when the due date is `days_before` days away or nearer, once when it has passed.
    Safe to run any number of times, also concurrently: the `CampaignReminder` row (unique per response
    and kind) is written in the same transaction as the notification is queued."""
    from django.urls import reverse

    from novator.accounts.models import Role, RoleAssignment
    from novator.notifications.services import notify

    today = today or timezone.localdate()
    responses = list(
        CampaignResponse.objects.filter(
            state__in=[S.DRAFT, S.RETURNED],
            campaign__due_on__lte=today + datetime.timedelta(days=days_before),
        )
        .select_related("campaign", "organization")
        .order_by("campaign__due_on", "pk")
    )
    sent = set(
        CampaignReminder.objects.filter(response__in=[r.pk for r in responses]).values_list(
            "response_id", "kind"
        )
    )
    coordinators: dict[int, list[Any]] = {}
    for assignment in RoleAssignment.objects.filter(
        role=Role.COORDINATOR, organization_id__in={r.organization_id for r in responses}
    ).select_related("user"):
        if assignment.user.is_active:
            coordinators.setdefault(assignment.organization_id, []).append(assignment.user)  # type: ignore[arg-type]
    counts: Counter[str] = Counter()
    for response in responses:
        kind = ReminderKind.OVERDUE if response.campaign.due_on < today else ReminderKind.BEFORE
        if (response.pk, kind.value) in sent:
            continue
        users = coordinators.get(response.organization_id, [])
        recipients: list[Any] = [*users, response.organization.email or None]
        subject, body = _reminder_text(response, kind)
        try:
            with transaction.atomic():
                CampaignReminder.objects.create(
                    response=response, kind=kind, sent_on=today, recipients=len(users)
                )
                notify(
                    recipients,
                    kind=f"monitoring.campaign_{kind.value}",
                    subject=subject,
                    body=body,
                    url=reverse("monitoring:response", args=[response.pk]),
                )
                audit.record(
                    actor=None,
                    action=f"monitoring.reminder_{kind.value}",
                    obj=response,
                    changes={"recipients": len(users)},
                )
        except IntegrityError:  # another run sent it a moment ago
            continue
        counts[kind.value] += 1
    return counts
