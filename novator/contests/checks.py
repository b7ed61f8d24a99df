"""The guards, checks and effects of the contest and application workflows (`workflow.py` declares
them with the transitions; `core.workflow.perform` runs them). Reads only: the services import this."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from novator.core.dates import local_moment
from novator.core.workflow import Step

from . import notifications
from .models import (
    Application,
    ApplicationState,
    Contest,
    ContestKind,
    ContestState,
    Distinction,
    ThresholdKind,
)

#: Words of a position that make a person an administrator (lower case, matched as word beginnings).
ADMINISTRATOR_WORDS = ("директор", "заведующ", "заместител", "руководител", "director", "head", "deputy")
#: Positions that contain an administrator word but are teaching posts.
TEACHING_EXCEPTIONS = ("руководитель кружка", "музыкальный руководитель", "руководитель физического")


def is_administrator(position: str) -> bool:
    text = " ".join((position or "").lower().replace("-", " ").split())
    if any(phrase in text for phrase in TEACHING_EXCEPTIONS):
        return False
    return any(word.startswith(prefix) for word in text.split() for prefix in ADMINISTRATOR_WORDS)


def _year_start(academic_year: str) -> int:
    return int((academic_year or "0")[:4] or 0)


def recent_win(contest: Contest, person: Any) -> Application | None:
    """A win of `person` in the same series within `contest.exclude_winners_years` before it."""
    years = contest.exclude_winners_years
    if not years or person is None:
        return None
    start = _year_start(contest.academic_year)
    recent = [f"{y}/{(y + 1) % 100:02d}" for y in range(start - years, start)]
    wins = Application.objects.filter(
        applicant=person,
        distinction=Distinction.WINNER,
        contest__kind=ContestKind.PROFESSIONAL,
        contest__academic_year__in=recent,
    ).exclude(contest=contest)
    if contest.series:
        wins = wins.filter(contest__series=contest.series)
    else:
        wins = wins.filter(contest__title=contest.title)
    return wins.select_related("contest").order_by("-contest__academic_year").first()


def nominee_errors(
    contest: Contest, organization: Any, person: Any, experience_years: int | None
) -> dict[str, list[str]]:
    """Why `person` cannot be nominated to `contest` by `organization`, by form field (empty: eligible)."""
    errors: dict[str, list[str]] = {}
    if contest.kind != ContestKind.PROFESSIONAL:
        return errors
    if person is None:
        errors["applicant"] = [_("Choose the nominee.")]
        return errors
    if person.organization_id != getattr(organization, "pk", None):
        errors.setdefault("applicant", []).append(
            _("The nominee does not work in the nominating organisation.")
        )
    if not person.processing_consent_on:
        errors.setdefault("applicant", []).append(
            _("%(name)s has not given consent to the processing of personal data; record it first.")
            % {"name": person.full_name}
        )
    if contest.exclude_administrators and is_administrator(person.position):
        errors.setdefault("applicant", []).append(
            _("Administrators (%(position)s) cannot be nominated to this contest.")
            % {"position": person.position}
        )
    win = recent_win(contest, person)
    if win is not None:
        errors.setdefault("applicant", []).append(
            _(
                "%(name)s won «%(contest)s» (%(year)s): "
                "winners of the last %(years)d years cannot be nominated."
            )
            % {
                "name": person.full_name,
                "contest": win.contest.title,
                "year": win.contest.academic_year,
                "years": contest.exclude_winners_years,
            }
        )
    if experience_years is None:
        errors.setdefault("experience_years", []).append(
            _("Give the nominee's teaching experience in years.")
        )
    elif experience_years < contest.min_experience_years:
        errors.setdefault("experience_years", []).append(
            _(
                "The contest requires at least %(min)d years of teaching experience; "
                "the nominee has %(years)d."
            )
            % {"min": contest.min_experience_years, "years": experience_years}
        )
    return errors


# ---------------------------------------------------------------------------------------------------
# Applications


def _while_announced(message: Any) -> Any:
    def guard(application: Application, step: Step) -> None:
        if application.contest.state != ContestState.ANNOUNCED:
            raise ValidationError(message, code="not_accepting")

    return guard


#: The guards of submitting and withdrawing: the contest is still announced.
accepting_applications = _while_announced(gettext_lazy("The contest is not accepting applications."))
accepting_withdrawals = _while_announced(
    gettext_lazy("The expertise has started; the application can no longer be withdrawn.")
)


def check_window(application: Application, step: Step) -> None:
    """The submit check of the dates (the guard has checked that the contest is announced)."""
    now = step.now
    contest = application.contest
    if application.state == ApplicationState.RETURNED and application.return_due:
        if now > application.return_due:
            raise ValidationError(
                _("The deadline for fixes was %(due)s; the application can no longer be submitted.")
                % {"due": local_moment(application.return_due)},
                code="late",
            )
        return
    if now < contest.opens_at:
        raise ValidationError(
            _("Applications are accepted from %(opens)s.") % {"opens": local_moment(contest.opens_at)},
            code="early",
        )
    if now >= contest.closes_at:
        raise ValidationError(
            _("Applications were accepted until %(closes)s; the deadline has passed.")
            % {"closes": local_moment(contest.closes_at)},
            code="late",
        )


def completeness_errors(application: Application) -> list[str]:
    """What is missing before the application can be submitted (in the user's language)."""
    errors: list[str] = []
    contest = application.contest
    if not application.project_title.strip():
        errors.append(_("The project title is empty."))
    if application.category_id is None and contest.categories.exists():
        errors.append(_("Choose a category."))
    texts = application.texts or {}
    for section in contest.sections.all():
        text = (texts.get(section.key) or "").strip()
        if section.required and not text:
            errors.append(_("Section «%(title)s» is empty.") % {"title": section.title})
        if len(text) > section.max_length:
            errors.append(
                _("Section «%(title)s» is longer than %(max)d characters.")
                % {"title": section.title, "max": section.max_length}
            )
    uploaded = set(application.documents.values_list("requirement_id", flat=True))
    for requirement in contest.required_documents.all():
        if requirement.required and requirement.pk not in uploaded:
            errors.append(_("Document «%(title)s» is not attached.") % {"title": requirement.title})
    return errors


def check_complete(application: Application, step: Step) -> None:
    errors = completeness_errors(application)
    if errors:
        raise ValidationError(errors, code="incomplete")


def check_return_due(application: Application, step: Step) -> None:
    due = step.params.get("due")
    if due is None or due <= step.now:
        raise ValidationError({"due": _("Give a due date for the fixes in the future.")})


def check_nominee(application: Application, step: Step) -> None:
    """The submit check: the nominee is (still) eligible."""
    errors = nominee_errors(
        application.contest, application.organization, application.applicant, application.experience_years
    )
    if errors:
        raise ValidationError(errors, code="ineligible")


def stamp_submitted(application: Application, step: Step) -> None:
    """A submission is numbered in the order of submission and clears the last return."""
    application.submitted_at = step.now
    application.return_reason = ""
    application.return_due = None
    if application.number is None:
        # the contest row serialises concurrent submissions
        Contest.objects.select_for_update(of=("self",)).filter(pk=application.contest_id).first()
        last = Application.objects.filter(contest=application.contest).aggregate(n=Max("number"))["n"]
        application.number = (last or 0) + 1


def stamp_returned(application: Application, step: Step) -> None:
    application.return_due = step.params.get("due")
    application.return_reason = step.reason


def stamp_rejected(application: Application, step: Step) -> None:
    application.reject_reason = step.reason


def notify_application(application: Application, step: Step) -> None:
    notifications.notify_application_transition(application, step.name, step.reason)


# ---------------------------------------------------------------------------------------------------
# Contests


def check_ready_to_announce(contest: Contest, step: Step) -> None:
    now = step.now
    errors = []
    if not contest.criteria.exists():
        errors.append(_("Add the criteria of the expertise."))
    if contest.closes_at <= now:
        errors.append(_("The application window has already closed; change its dates."))
    if contest.kind == ContestKind.STATUS and contest.status_kind_id is None:
        errors.append(_("Choose the status the contest awards."))
    if contest.kind == ContestKind.STATUS:
        if contest.threshold_kind == ThresholdKind.PERCENT and contest.threshold_value > 100:
            errors.append(_("The pass mark is a share of the maximum: from 0 to 100 %."))
        elif contest.max_total and contest.threshold_points > contest.max_total:
            errors.append(_("The pass mark is above the maximum total of the criteria; lower it."))
        if contest.categories.filter(quota=0).exists():
            errors.append(_("A category has a quota of no winners; set at least one or leave it empty."))
    if contest.kind == ContestKind.PROFESSIONAL:
        rounds = list(contest.rounds.all())
        if not rounds:
            errors.append(_("Add the rounds of the contest."))
        with_criteria = set(contest.criteria.filter(round__isnull=False).values_list("round_id", flat=True))
        for item in rounds:
            if item.pk not in with_criteria:
                errors.append(_("Add the criteria of the round «%(round)s».") % {"round": item.title})
    if errors:
        raise ValidationError(errors)


def check_no_pending_formal_checks(contest: Contest, step: Step) -> None:
    pending = contest.applications.filter(state__in=[ApplicationState.SUBMITTED, ApplicationState.RETURNED])
    count = pending.count()
    if count:
        raise ValidationError(
            _(
                "%(count)d application(s) still wait for the formal check or for fixes: accept, return or "
                "reject them first."
            )
            % {"count": count}
        )


def check_order_recorded(contest: Contest, step: Step) -> None:
    if contest.kind == ContestKind.STATUS and not (contest.order_number and contest.order_date):
        raise ValidationError(_("Record the number and date of the order first."))


def stamp_published(contest: Contest, step: Step) -> None:
    contest.results_published_at = step.now


def issue_diplomas(contest: Contest, step: Step) -> None:
    from .services.nominees import diplomas_issue  # the services import this module

    diplomas_issue(contest=contest, now=step.now)


#: Checks of «confirm the results» registered by the apps above contests (the expertise's spread rule,
#: `expertise.services.deliberation.check_spread_discussed`): each is called as check(contest, step) and
#: refuses with a ValidationError.
RESULTS_CHECKS: list[Any] = []


def check_results_ready(contest: Contest, step: Step) -> None:
    for check in RESULTS_CHECKS:
        check(contest, step)
