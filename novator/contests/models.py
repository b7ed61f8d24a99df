"""Contests: the call (regulation, categories, criteria, form), and the applications to it.

One engine serves status contests (the applicant is an organisation; the winner gets a status such as МИП)
and professional contests of individuals (the applicant is a person nominated by an organisation).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from novator.core.models import TimeStampedModel
from novator.organizations.models import Municipality, Organization, Person, Region
from novator.statuses.models import StatusAssignment, StatusKind

from .querysets import ApplicationQuerySet, ContestQuerySet

ACADEMIC_YEAR_VALIDATOR = RegexValidator(r"^\d{4}/\d{2}$", _("Write the academic year as 2022/23."))


class ContestKind(models.TextChoices):
    STATUS = "status", _("Status contest")
    PROFESSIONAL = "professional", _("Professional contest")


class ContestLevel(models.TextChoices):
    """Who organises: one municipality, several (a lead and co-organisers), or the region."""

    MUNICIPAL = "municipal", _("Municipal")
    INTERMUNICIPAL = "intermunicipal", _("Inter-municipal")
    REGIONAL = "regional", _("Regional")


class ContestState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ANNOUNCED = "announced", _("Announced")
    EXPERTISE = "expertise", _("Expertise")
    DECIDED = "decided", _("Results confirmed")
    PUBLISHED = "published", _("Results published")


class ThresholdKind(models.TextChoices):
    POINTS = "points", _("points")
    PERCENT = "percent", _("percent of the maximum")


class ScoreFormula(models.TextChoices):
    """How the rounds of a professional contest add up (see `contests/rounds.py`)."""

    SUM = "sum", _("sum of all rounds")
    LAST = "last", _("the last round only")


class OfficialRanking(models.TextChoices):
    """Which totals decide the outcome: the experts' raw totals, or totals calibrated for each expert's
    leniency (see novator/expertise/calibration.py)."""

    RAW = "raw", _("raw totals")
    CALIBRATED = "calibrated", _("calibrated totals")


class Contest(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=ContestKind.choices, default=ContestKind.STATUS)
    title = models.CharField(_("title"), max_length=500)
    status_kind = models.ForeignKey(
        StatusKind,
        verbose_name=_("status awarded"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contests",
    )
    level = models.CharField(
        _("level"), max_length=20, choices=ContestLevel.choices, default=ContestLevel.MUNICIPAL
    )
    organiser_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("organiser (municipality)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contests",
    )
    organiser_region = models.ForeignKey(
        Region,
        verbose_name=_("organiser (region)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contests",
    )
    academic_year = models.CharField(_("academic year"), max_length=7, validators=[ACADEMIC_YEAR_VALIDATOR])
    regulation_text = models.TextField(_("regulation (text)"), blank=True)
    regulation_file = models.FileField(
        _("regulation (file)"), upload_to="contests/regulations/%Y/", blank=True
    )
    eligible_kinds = models.JSONField(
        _("eligible kinds of organisations"),
        default=list,
        blank=True,
        help_text=_("Empty: organisations of every kind may apply."),
    )
    coorganisers: models.ManyToManyField[Municipality, ContestCoorganiser] = models.ManyToManyField(
        Municipality,
        verbose_name=_("co-organisers"),
        through="ContestCoorganiser",
        blank=True,
        related_name="coorganised_contests",
        help_text=_("Inter-municipal contests: the municipalities that organise it with the lead organiser."),
    )
    eligible_municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("eligible municipalities"),
        blank=True,
        related_name="+",
        help_text=_("Empty: the organiser's whole territory."),
    )
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("applications close"))
    status_term_years = models.PositiveSmallIntegerField(
        _("status term, years"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    threshold_kind = models.CharField(
        _("pass threshold in"), max_length=10, choices=ThresholdKind.choices, default=ThresholdKind.PERCENT
    )
    threshold_value = models.DecimalField(
        _("pass threshold"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(0)],
    )
    experts_per_application = models.PositiveSmallIntegerField(
        _("experts per application"), default=2, validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    require_external_experts = models.BooleanField(
        _("external expertise"),
        default=False,
        help_text=_("Experts from the applicant's municipality are in conflict."),
    )
    comment_required_below_max = models.BooleanField(_("comment required below the maximum"), default=True)
    official_ranking = models.CharField(
        _("official ranking"),
        max_length=12,
        choices=OfficialRanking.choices,
        default=OfficialRanking.RAW,
        help_text=_(
            "Chosen before scoring starts: it cannot be changed once a scoring sheet has been submitted. "
            "Both rankings are always shown side by side."
        ),
    )
    calibration_min_sheets = models.PositiveSmallIntegerField(
        _("minimum sheets for calibration"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text=_("An expert's totals are calibrated only when they have scored at least this many."),
    )
    spread_threshold_percent = models.PositiveSmallIntegerField(
        _("spread flag, percent of the maximum total"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("An application is flagged when its experts' totals differ by more than this."),
    )
    show_expert_names = models.BooleanField(_("show experts' names to applicants"), default=False)
    # Professional contests of individuals (kind "professional"): eligibility, rounds, places.
    min_experience_years = models.PositiveSmallIntegerField(
        _("minimum teaching experience, years"),
        default=0,
        validators=[MaxValueValidator(50)],
        help_text=_("Professional contests: nominees with less experience are not eligible."),
    )
    exclude_administrators = models.BooleanField(
        _("administrators excluded"),
        default=True,
        help_text=_("Professional contests: heads and deputy heads cannot be nominated."),
    )
    exclude_winners_years = models.PositiveSmallIntegerField(
        _("winners of the last N years excluded"),
        default=0,
        validators=[MaxValueValidator(20)],
        help_text=_(
            "Professional contests: winners of the same series in the last N years are not eligible."
        ),
    )
    series = models.CharField(
        _("series"),
        max_length=100,
        blank=True,
        help_text=_("The same text for every year of the contest, e.g. «Учитель года»: finds past winners."),
    )
    score_formula = models.CharField(
        _("scores across rounds"), max_length=10, choices=ScoreFormula.choices, default=ScoreFormula.SUM
    )
    laureates_per_nomination = models.PositiveSmallIntegerField(
        _("places awarded per nomination"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Place 1 is the winner, the next places are laureates."),
    )
    next_stage_title = models.CharField(
        _("next stage"),
        max_length=255,
        blank=True,
        help_text=_("Where the winner goes on, e.g. the regional stage of the contest."),
    )
    appeal_working_days = models.PositiveSmallIntegerField(
        _("appeal period, working days"),
        default=3,
        validators=[MaxValueValidator(30)],
        help_text=_(
            "An applicant may appeal within this many working days after the results are published "
            "(weekends and public holidays are skipped); 0: no appeals."
        ),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ContestState.choices, default=ContestState.DRAFT
    )
    order_number = models.CharField(_("order number"), max_length=50, blank=True)
    order_date = models.DateField(_("order date"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("copied from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ContestQuerySet.as_manager()

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-opens_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organiser_municipality__isnull=False, organiser_region__isnull=True)
                | Q(organiser_municipality__isnull=True, organiser_region__isnull=False),
                name="contest_one_organiser",
                violation_error_message=_("The organiser is either a municipality or a region."),
            ),
            models.CheckConstraint(
                condition=Q(level="regional", organiser_region__isnull=False)
                | Q(level__in=["municipal", "intermunicipal"], organiser_municipality__isnull=False),
                name="contest_level_matches_organiser",
                violation_error_message=_(
                    "A regional contest is organised by a region; a municipal or inter-municipal one by a "
                    "municipality."
                ),
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="contest_window_ordered",
                violation_error_message=_("Applications must close after they open."),
            ),
            models.CheckConstraint(
                condition=Q(kind="professional") | Q(status_kind__isnull=False),
                name="contest_status_kind_for_status_contest",
                violation_error_message=_("A status contest must name the status it awards."),
            ),
        ]
        # the home pages' "open" and "results published" lists (by state, ordered by the closing date)
        indexes = [
            # (the id: the tie-break of the lists ordered by closing date, read from the index)
            models.Index(fields=["state", "closes_at", "id"], name="contest_state_closes_id"),
            # the list of contests: newest first, and its academic-year filter
            models.Index(fields=["opens_at", "id"], name="contest_opens"),
            models.Index(fields=["academic_year", "state"], name="contest_year_state"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("contests:detail", args=[self.pk])

    @property
    def organiser(self) -> Municipality | Region | None:
        """The organiser; of an inter-municipal contest, the lead organiser."""
        return self.organiser_municipality or self.organiser_region

    @property
    def is_intermunicipal(self) -> bool:
        return self.level == ContestLevel.INTERMUNICIPAL

    def coorganiser_list(self) -> list[Municipality]:
        """The co-organisers (none unless inter-municipal), by name; prefetch `coorganisers` to avoid a
        query. Cached on the instance."""
        cached = getattr(self, "_coorganiser_list", None)
        if cached is None:
            cached = (
                sorted(self.coorganisers.all(), key=lambda m: (m.name, m.pk))
                if self.is_intermunicipal and self.pk
                else []
            )
            self._coorganiser_list = cached
        return cached

    def coorganiser_ids(self) -> frozenset[int]:
        return frozenset(m.pk for m in self.coorganiser_list())

    def organiser_municipality_ids(self) -> frozenset[int]:
        """The lead organiser's municipality and the co-organisers'."""
        lead = {self.organiser_municipality_id} if self.organiser_municipality_id else set()
        return frozenset(lead) | self.coorganiser_ids()

    def organisers(self) -> list[Municipality | Region]:
        """The lead organiser first, then the co-organisers."""
        lead = self.organiser
        return ([lead] if lead is not None else []) + list(self.coorganiser_list())

    def is_open(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.state == ContestState.ANNOUNCED and self.opens_at <= moment < self.closes_at  # type: ignore[operator]

    @property
    def max_total(self) -> Decimal:
        """The maximum weighted total; prefetch `criteria` to avoid a query."""
        return sum((c.max_points * c.weight for c in self.criteria.all()), Decimal(0))

    @property
    def spread_threshold(self) -> Decimal:
        """The spread of the experts' totals above which an application is flagged, in points."""
        return (self.max_total * self.spread_threshold_percent / 100).quantize(Decimal("0.01"))

    def experts_for(self, category: Category | None) -> int:
        """How many experts score an application of `category` (its own number, else the contest's)."""
        if category is not None and category.experts_per_application:
            return int(category.experts_per_application)
        return int(self.experts_per_application)

    @property
    def threshold_points(self) -> Decimal:
        if self.threshold_kind == ThresholdKind.PERCENT:
            return (self.max_total * self.threshold_value / 100).quantize(Decimal("0.01"))
        return self.threshold_value


class ContestCoorganiser(models.Model):
    """A municipality that organises an inter-municipal contest with its lead organiser: its
    methodologists check the applications from their municipality and see the others read-only."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="coorganiser_links")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("co-organiser")
        verbose_name_plural = _("co-organisers")
        ordering = ["contest", "municipality__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "municipality"], name="contest_coorganiser_unique")
        ]

    def __str__(self) -> str:
        return str(self.municipality)


class Category(models.Model):
    """A category (nomination) with its own ranking and quota, e.g. ДОУ and СОШ."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=255)
    organization_kinds = models.JSONField(
        _("kinds of organisations"),
        default=list,
        blank=True,
        help_text=_("Organisations of these kinds apply in this category (empty: any)."),
    )
    quota = models.PositiveSmallIntegerField(
        _("quota of winners"), null=True, blank=True, help_text=_("Empty: no limit; the threshold decides.")
    )
    experts_per_application = models.PositiveSmallIntegerField(
        _("experts per application"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
        help_text=_("Empty: as set for the contest."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["contest", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["contest", "name"], name="category_unique_name")]

    def __str__(self) -> str:
        return self.name


class RoundFormat(models.TextChoices):
    REMOTE = "remote", _("remote (portfolio, essay, video)")
    IN_PERSON = "in_person", _("in person (lessons, master classes)")


class AdvanceRule(models.TextChoices):
    TOP = "top", _("top N of each nomination")
    THRESHOLD = "threshold", _("score at or above a threshold")


class RoundState(models.TextChoices):
    PLANNED = "planned", _("Not started")
    SCORING = "scoring", _("Jury scoring")
    CLOSED = "closed", _("Completed")


class Round(models.Model):
    """A round of a professional contest: its tasks, criteria, jury, dates and advancement rule.

    The operator opens a round (its participants are the accepted nominees for the first round, the
    advanced ones for the next), the jury scores, and the operator records who advances (that closes it).
    """

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    position = models.PositiveSmallIntegerField(_("number"), default=1)
    title = models.CharField(_("title"), max_length=255)
    format = models.CharField(
        _("format"), max_length=12, choices=RoundFormat.choices, default=RoundFormat.REMOTE
    )
    tasks = models.TextField(_("tasks of the round"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    advance_rule = models.CharField(
        _("advancement rule"), max_length=10, choices=AdvanceRule.choices, default=AdvanceRule.TOP
    )
    advance_value = models.DecimalField(
        _("N or threshold"),
        max_digits=7,
        decimal_places=2,
        default=Decimal(3),
        validators=[MinValueValidator(0)],
        help_text=_("Top N: how many advance from each nomination; threshold: the cumulative score needed."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RoundState.choices, default=RoundState.PLANNED
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["contest", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "position"], name="round_unique_position"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="round_dates_ordered",
                violation_error_message=_("A round must end on or after the day it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Criterion(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria")
    round = models.ForeignKey(
        Round,
        verbose_name=_("round"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="criteria",
        help_text=_("Professional contests: the round this criterion is scored in."),
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    levels = models.JSONField(
        _("level descriptions"),
        default=list,
        blank=True,
        help_text=_(
            "What each number of points means, from 0 up "
            "(0 — не соответствует … 3 — полностью соответствует)."
        ),
    )
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(100)],
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=4,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(10)],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["contest", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_positive"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def level_lines(self) -> list[str]:
        """«0 — не соответствует», «1 — …»: the levels as shown to experts and printed."""
        return [f"{points} — {text}" for points, text in enumerate(self.levels or []) if text]


class FormSection(models.Model):
    """A text section of the application form (актуальность, новизна, цель …) with its length limit."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(_("key"), max_length=50)
    title = models.CharField(_("title"), max_length=255)
    help_text = models.TextField(_("hint"), blank=True)
    max_length = models.PositiveIntegerField(
        _("maximum length, characters"),
        default=3000,
        validators=[MinValueValidator(50), MaxValueValidator(50_000)],
    )
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("form section")
        verbose_name_plural = _("form sections")
        ordering = ["contest", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["contest", "key"], name="form_section_unique_key")]

    def __str__(self) -> str:
        return self.title


class RequiredDocument(models.Model):
    """A document the applicant uploads (заявка, инновационный проект, выписка из решения педсовета …)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="required_documents")
    title = models.CharField(_("title"), max_length=255)
    allowed_types = models.JSONField(
        _("allowed types"), default=list, help_text=_("Any of pdf, docx, odt, jpg, png.")
    )
    max_size_mb = models.PositiveSmallIntegerField(
        _("maximum size, MB"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["contest", "position", "id"]

    def __str__(self) -> str:
        return self.title


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for fixes")
    ACCEPTED = "accepted", _("Passed the formal check")
    REJECTED = "rejected", _("Rejected as ineligible")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Distinction(models.TextChoices):
    WINNER = "winner", _("Winner")
    LAUREATE = "laureate", _("Laureate")
    PARTICIPANT = "participant", _("Participant")


class Application(TimeStampedModel):
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="applications")
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        Person,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text=_("For contests of individuals: the nominated teacher."),
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    project_title = models.CharField(_("project title"), max_length=500)
    texts = models.JSONField(_("sections"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    return_due = models.DateTimeField(_("fixes due"), null=True, blank=True)
    reject_reason = models.TextField(_("reason for rejection"), blank=True)
    experience_years = models.PositiveSmallIntegerField(
        _("teaching experience, years"), null=True, blank=True, validators=[MaxValueValidator(70)]
    )
    # The outcome, written when the commission's results are confirmed.
    total = models.DecimalField(_("total"), max_digits=8, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    awarded = models.BooleanField(_("awarded"), default=False)
    decision_note = models.TextField(_("decision note"), blank=True)
    distinction = models.CharField(
        _("distinction"), max_length=12, choices=Distinction.choices, blank=True, default=""
    )
    next_stage_at = models.DateTimeField(_("nominated to the next stage"), null=True, blank=True)
    next_stage_note = models.CharField(_("next stage"), max_length=255, blank=True)
    status_assignment = models.OneToOneField(
        StatusAssignment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="application",
        verbose_name=_("status awarded"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["contest", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "organization"],
                # a withdrawn application does not stop the organisation from applying again
                condition=Q(applicant__isnull=True) & ~Q(state="withdrawn"),
                name="application_one_per_organization",
                violation_error_message=_("This organisation has already applied."),
            ),
            models.UniqueConstraint(
                fields=["contest", "applicant"],
                condition=Q(applicant__isnull=False) & ~Q(state="withdrawn"),
                name="application_one_per_person",
                violation_error_message=_("This person has already been nominated."),
            ),
            models.UniqueConstraint(fields=["contest", "number"], name="application_unique_number"),
        ]

    def __str__(self) -> str:
        prefix = f"№ {self.number} " if self.number else ""
        return f"{prefix}{self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("contests:application_detail", args=[self.pk])


class SignedApplication(models.Model):
    """The scan of the submitted application (паспорт заявки) signed by the organisation's head: printed
    from the system, signed, and uploaded back by the coordinator (checked by content like every upload)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="signed_scan")
    file = models.FileField(upload_to="contests/signed/%Y/%m/")
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("signed application")
        verbose_name_plural = _("signed applications")

    def __str__(self) -> str:
        return self.original_name


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(RequiredDocument, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="contests/applications/%Y/%m/")
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        constraints = [
            models.UniqueConstraint(fields=["application", "requirement"], name="application_document_unique")
        ]

    def __str__(self) -> str:
        return self.original_name


class RoundEntry(models.Model):
    """A nominee in a round: the round's score, the cumulative score, the place in the nomination and
    whether they advanced (written when the operator records the advancement)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="round_entries")
    total = models.DecimalField(_("round score"), max_digits=8, decimal_places=2, null=True, blank=True)
    cumulative = models.DecimalField(
        _("cumulative score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    rank = models.PositiveIntegerField(_("place taken"), null=True, blank=True)
    advanced = models.BooleanField(_("advanced"), null=True, blank=True)

    class Meta:
        verbose_name = _("round participant")
        verbose_name_plural = _("round participants")
        ordering = ["round", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "application"], name="round_entry_unique")]

    def __str__(self) -> str:
        return f"{self.round} — {self.application}"


class Diploma(models.Model):
    """A diploma (winner, laureate) or a certificate of participation, with a public verification code."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="diploma")
    kind = models.CharField(_("kind"), max_length=12, choices=Distinction.choices)
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        verbose_name = _("diploma")
        verbose_name_plural = _("diplomas")

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("contests:diploma_verify", args=[self.code])


# the appeals against published results live in their own module (`appeals/`); imported here so that
# Django registers their models with the app
from .appeals.models import Appeal, AppealFile, AppealState  # noqa: E402, F401
from .thread.models import ApplicationMessage, MessageFile, MessageSide  # noqa: E402, F401
