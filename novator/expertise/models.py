"""Expert commissions, experts, conflicts of interest, assignments and scoring sheets."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from novator.contests.models import Application, Contest, Criterion, Round
from novator.core.models import Job, TimeStampedModel
from novator.organizations.models import Municipality, Organization

from .querysets import AssignmentQuerySet, ScoreSheetQuerySet


class Expert(TimeStampedModel):
    """An expert's profile: where they work (for conflicts) and what they know (for affinity)."""

    #: the activity log names it by reference: its str() carries a person's name (core.audit)
    audit_by_reference = True

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experts",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experts",
    )
    topics = models.JSONField(_("topics"), default=list, blank=True)
    organization_kinds = models.JSONField(_("kinds of organisations known"), default=list, blank=True)
    bio = models.TextField(_("short bio"), blank=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return self.user.display_name


class Commission(TimeStampedModel):
    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="commission")
    chair = models.ForeignKey(
        Expert,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chaired_commissions",
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("secretary"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignments_published_at = models.DateTimeField(_("assignments published"), null=True, blank=True)
    results_confirmed_at = models.DateTimeField(_("results confirmed"), null=True, blank=True)
    minutes_number = models.CharField(_("minutes number"), max_length=50, blank=True)
    minutes_date = models.DateField(_("minutes date"), null=True, blank=True)
    #: own-municipality rules of the expertise (hard constraints of the assignment; shown in the minutes).
    #: The contest's «external expertise» implies both.
    exclude_own_municipality = models.BooleanField(
        _("no expert scores an application from their own municipality"), default=False
    )
    require_other_municipality = models.BooleanField(
        _("every application has at least one expert from another municipality"), default=False
    )
    #: the expertise period: the experts score from `review_starts_on` to `review_due_on` (inclusive);
    #: a round of a professional contest has its own period (`Round.starts_on`/`ends_on`)
    review_starts_on = models.DateField(_("expertise starts"), null=True, blank=True)
    review_due_on = models.DateField(_("scoring due"), null=True, blank=True)
    reminder_days = models.PositiveSmallIntegerField(
        _("remind experts, days before the due date"),
        default=3,
        validators=[MaxValueValidator(30)],
        help_text=_("Experts with unsubmitted sheets are reminded this many days before and the day after."),
    )

    class Meta:
        verbose_name = _("expert commission")
        verbose_name_plural = _("expert commissions")

    def __str__(self) -> str:
        return str(_("Commission: %(contest)s") % {"contest": self.contest})


class CommissionMember(models.Model):
    #: the activity log names it by reference: its str() carries a person's name (core.audit)
    audit_by_reference = True

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="memberships")
    max_load = models.PositiveSmallIntegerField(_("maximum applications"), null=True, blank=True)

    class Meta:
        verbose_name = _("commission member")
        verbose_name_plural = _("commission members")
        constraints = [
            models.UniqueConstraint(fields=["commission", "expert"], name="commission_member_unique")
        ]

    def __str__(self) -> str:
        return str(self.expert)


class InvitationState(models.TextChoices):
    PENDING = "pending", _("awaiting the answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class CommissionInvitation(TimeStampedModel):
    """An organiser invites an expert (usually of another district: the region's shared pool) to the
    commission; accepting makes them a member (workflow in `expertise/invitations.py`)."""

    #: the activity log names it by reference: its str() carries a person's name (core.audit)
    audit_by_reference = True

    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="invitations")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="invitations")
    state = models.CharField(
        _("state"), max_length=10, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    max_load = models.PositiveSmallIntegerField(_("maximum applications"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation to a commission")
        verbose_name_plural = _("invitations to commissions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "expert"],
                condition=Q(state="pending"),
                name="commission_invitation_pending_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.commission}"

    @property
    def contest(self) -> Contest:
        """The contest (the rules of the expertise read `obj.contest`)."""
        return self.commission.contest


class ConflictDeclaration(models.Model):
    """An expert declares a conflict of interest with an application: they never see it."""

    #: the activity log names it by reference: its str() carries a person's name (core.audit)
    audit_by_reference = True

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="declared_conflicts")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="declared_conflicts")
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["expert", "application"], name="conflict_unique")]

    def __str__(self) -> str:
        return f"{self.expert} × {self.application}"


class Assignment(TimeStampedModel):
    """An expert is to score an application. Hidden from the expert until the commission publishes."""

    #: the activity log names it by reference: its str() carries a person's name (core.audit)
    audit_by_reference = True

    class Source(models.TextChoices):
        MANUAL = "manual", _("manual")
        AUTO = "auto", _("automatic")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    round = models.ForeignKey(
        Round,
        verbose_name=_("round"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
        help_text=_("Professional contests: the round this sheet scores."),
    )
    affinity = models.FloatField(_("affinity"), null=True, blank=True)
    due_on = models.DateField(
        _("due date"),
        null=True,
        blank=True,
        help_text=_("Its own due date (an application reassigned from a late expert); else the period's."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"], condition=Q(round__isnull=True), name="assignment_unique"
            ),
            models.UniqueConstraint(
                fields=["application", "expert", "round"],
                condition=Q(round__isnull=False),
                name="assignment_unique_in_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.application}"


class AssignmentProposal(TimeStampedModel):
    """The optimal assignment computed in the background: rows the chair reviews, trims and accepts.

    Nothing here is visible to the experts; accepting turns the rows into assignments (still hidden from
    the experts until the assignments are published). A new proposal supersedes the earlier ones.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being computed")
        READY = "ready", _("Ready for review")
        INFEASIBLE = "infeasible", _("Cannot be met")
        FAILED = "failed", _("Failed")
        ACCEPTED = "accepted", _("Accepted")
        SUPERSEDED = "superseded", _("Superseded")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="assignment_proposals")
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.QUEUED)
    objective = models.FloatField(_("total affinity of the new pairs"), null=True, blank=True)
    greedy_objective = models.FloatField(_("total affinity, greedy baseline"), null=True, blank=True)
    #: solver figures: seconds, rounds, k and loads used
    stats = models.JSONField(default=dict, blank=True)
    #: why it cannot be done: [{"code": …, "params": {…}, "labels": {…}}] (translated when shown)
    reasons = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment proposal")
        verbose_name_plural = _("assignment proposals")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(_("Assignment proposal of %(when)s") % {"when": f"{self.created_at:%d.%m.%Y %H:%M}"})

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class ProposalRow(models.Model):
    """One proposed pair with the reasons it scores high."""

    proposal = models.ForeignKey(AssignmentProposal, on_delete=models.CASCADE, related_name="rows")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="+")
    affinity = models.FloatField(_("affinity"))
    #: the top shared terms of the texts: [[word, share of the cosine], …]
    terms = models.JSONField(default=list, blank=True)
    #: the expert's declared topics found in the application
    topics = models.JSONField(default=list, blank=True)
    #: the kind of the applicant organisation when the expert knows it, else ""
    kind = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("proposed assignment")
        verbose_name_plural = _("proposed assignments")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "application", "expert"], name="proposal_row_unique")
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} → {self.application_id}"


class RoundJuror(models.Model):
    """A member of the jury of one round of a professional contest: scores every participant of it."""

    #: the activity log names it by reference: its str() carries a person's name (core.audit)
    audit_by_reference = True

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="jurors")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="round_seats")

    class Meta:
        verbose_name = _("juror of a round")
        verbose_name_plural = _("jurors of rounds")
        constraints = [models.UniqueConstraint(fields=["round", "expert"], name="round_juror_unique")]

    def __str__(self) -> str:
        return f"{self.expert} — {self.round}"


class ScoreSheet(TimeStampedModel):
    #: the activity log names it by reference: its str() carries a person's name (core.audit)
    audit_by_reference = True

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="sheet")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    conclusion = models.TextField(_("conclusion"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped on every save.")

    objects = ScoreSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring sheet")
        verbose_name_plural = _("scoring sheets")

    def __str__(self) -> str:
        return str(self.assignment)


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(
        _("points"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_unique_criterion"),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0), name="score_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.points}"


class RankingVersion(models.Model):
    """How many times the data of a contest's ranking changed.

    Bumped by the database itself (triggers, migration 0004) on every insert, update and delete of the
    contest's applications, assignments, scoring sheets and scores — whoever writes them: the services, a
    bulk update, the admin, raw SQL. The cached ranking is keyed by it (`ranking/cache.py`), so checking
    that a cached ranking is current reads one row instead of aggregating the whole contest. A contest
    never written since the migration has no row (version 0). No foreign key: the triggers may bump a
    contest in the middle of its deletion, and a stale row is harmless.
    """

    contest_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("ranking version")
        verbose_name_plural = _("ranking versions")

    def __str__(self) -> str:
        return f"{self.contest_id}: {self.version}"


class Meeting(TimeStampedModel):
    """The commission's meeting that decides the results, as the secretary (or the chair) records it: the
    place, who was present (the quorum follows), and the votes on each item of the agenda. Its number and
    date are the minutes' (`Commission.minutes_number`, `minutes_date`); the minutes print this record and
    cannot be produced before it exists."""

    commission = models.OneToOneField(Commission, on_delete=models.CASCADE, related_name="meeting")
    place = models.CharField(_("place of the meeting"), max_length=255)
    present = models.ManyToManyField(
        CommissionMember, verbose_name=_("members present"), related_name="+", blank=True
    )
    members_total = models.PositiveSmallIntegerField(_("members of the commission"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("meeting of the commission")
        verbose_name_plural = _("meetings of the commission")

    def __str__(self) -> str:
        return str(_("Meeting: %(contest)s") % {"contest": self.commission.contest})


class MeetingItem(models.Model):
    """An item of the meeting's agenda (the results of one category) and the votes on its decision."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    category = models.ForeignKey(
        "contests.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("agenda item"), max_length=500)
    votes_for = models.PositiveSmallIntegerField(_("for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("against"), default=0)
    votes_abstained = models.PositiveSmallIntegerField(_("abstained"), default=0)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="meeting_item_unique_position")
        ]

    def __str__(self) -> str:
        return self.title


class SheetReminder(models.Model):
    """A reminder sent to the expert of an unsubmitted sheet; one per assignment and kind, however often
    and however concurrently the reminders run (`services.deadlines.reminders_send`)."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("due soon")
        OVERDUE = "overdue", _("overdue")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_on = models.DateField(_("due date"))
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("reminder to an expert")
        verbose_name_plural = _("reminders to experts")
        constraints = [models.UniqueConstraint(fields=["assignment", "kind"], name="sheet_reminder_unique")]

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.kind}"


#: the longest comment of a discussion and the longest consolidated conclusion, in characters
DISCUSSION_COMMENT_MAX = 4000
COMMISSION_CONCLUSION_MAX = 10000


class DiscussionComment(models.Model):
    """A comment in the commission's discussion of an application: its assigned experts (once their own
    sheet is submitted) and the chair read and write it; applicants and conflicted experts never see it."""

    #: the activity log names it by reference: it carries a person's words
    audit_by_reference = True

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="discussion")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=DISCUSSION_COMMENT_MAX)
    created_at = models.DateTimeField(_("written"))

    class Meta:
        verbose_name = _("discussion comment")
        verbose_name_plural = _("discussion comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["application", "created_at"], name="discussion_app_time")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.pk}"


class Deliberation(TimeStampedModel):
    """The commission's decision on one application: the consolidated conclusion (итоговое заключение
    экспертной комиссии) the chair writes, and, for an application whose scores spread beyond the
    contest's threshold, why it was not discussed."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="deliberation")
    conclusion = models.TextField(
        _("consolidated conclusion"), blank=True, max_length=COMMISSION_CONCLUSION_MAX
    )
    conclusion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    conclusion_at = models.DateTimeField(_("conclusion written"), null=True, blank=True)
    no_discussion_reason = models.TextField(_("why it was not discussed"), blank=True, max_length=2000)
    no_discussion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    no_discussion_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("commission's decision on an application")
        verbose_name_plural = _("commission's decisions on applications")

    def __str__(self) -> str:
        return str(self.application)
