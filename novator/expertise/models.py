"""Expert commissions, experts, conflicts of interest, assignments and scoring sheets."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from novator.contests.models import Application, Contest, Criterion
from novator.core.models import TimeStampedModel
from novator.organizations.models import Municipality, Organization

from .querysets import AssignmentQuerySet, ScoreSheetQuerySet


class Expert(TimeStampedModel):
    """An expert's profile: where they work (for conflicts) and what they know (for affinity)."""

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

    class Meta:
        verbose_name = _("expert commission")
        verbose_name_plural = _("expert commissions")

    def __str__(self) -> str:
        return str(_("Commission: %(contest)s") % {"contest": self.contest})


class CommissionMember(models.Model):
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


class ConflictDeclaration(models.Model):
    """An expert declares a conflict of interest with an application: they never see it."""

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

    class Source(models.TextChoices):
        MANUAL = "manual", _("manual")
        AUTO = "auto", _("automatic")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    affinity = models.FloatField(_("affinity"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"{self.expert} → {self.application}"


class ScoreSheet(TimeStampedModel):
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
