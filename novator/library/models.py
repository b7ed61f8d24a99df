"""The library of methodological products and their adoption (replication) by other organisations."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from novator.core.models import TimeStampedModel
from novator.organizations.models import Organization, OrganizationKind, Person

from .querysets import AdoptionQuerySet, MethodProductQuerySet


class ProductType(models.TextChoices):
    RECOMMENDATIONS = "recommendations", _("Methodological recommendations")
    PROGRAMME = "programme", _("Programme")
    GUIDE = "guide", _("Guide")
    TOOLKIT = "toolkit", _("Toolkit")
    LESSONS = "lessons", _("Lesson scenarios")
    DIAGNOSTIC = "diagnostic", _("Diagnostic instrument")
    OTHER = "other", pgettext_lazy("product type", "Other")


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
    CC_BY_NC = "cc-by-nc-4.0", "CC BY-NC 4.0"
    AUTHOR_PERMISSION = "author-permission", _("With the author's permission")


class CouncilDecision(models.TextChoices):
    """The decision of the municipal methodological council on a product."""

    RECOMMENDED = "recommended", _("Recommended for dissemination")
    APPROVED = "approved", _("Approved for use in the author organisation")
    REVISE = "revise", _("Returned for revision")


class AdoptionScope(models.TextChoices):
    WHOLE = "whole", _("The whole organisation")
    UNIT = "unit", _("Several classes, groups or a department")
    PILOT = "pilot", _("A pilot by individual teachers")


#: The audience kinds are stored as «,preschool,school,»: filtered with `contains`, counted with one
#: aggregate, the same on SQLite and PostgreSQL.
AUDIENCE_KINDS = OrganizationKind


def pack_kinds(kinds: list[str] | tuple[str, ...] | set[str]) -> str:
    ordered = [k for k in AUDIENCE_KINDS.values if k in set(kinds)]
    return f",{','.join(ordered)}," if ordered else ""


def unpack_kinds(value: str) -> list[str]:
    return [k for k in value.split(",") if k]


class MethodProduct(TimeStampedModel):
    """A methodological product: recommendations, a programme, a toolkit … with its authors and files."""

    title = models.CharField(_("title"), max_length=500)
    type = models.CharField(_("type"), max_length=20, choices=ProductType.choices)
    annotation = models.TextField(_("annotation"))
    author_people = models.ManyToManyField(
        Person, verbose_name=_("authors (staff)"), blank=True, related_name="method_products"
    )
    author_names = models.CharField(
        _("other authors"), max_length=500, blank=True, help_text=_("Names as printed, separated by commas.")
    )
    author_organizations = models.ManyToManyField(
        Organization, verbose_name=_("author organisations"), related_name="method_products"
    )
    # The innovation project the product came from; a text until the projects app offers a link.
    source_project = models.CharField(_("innovation project"), max_length=500, blank=True)
    audience_kinds = models.CharField(_("for organisations"), max_length=100, blank=True)
    subjects = models.CharField(
        _("subjects and areas"),
        max_length=300,
        blank=True,
        help_text=_("e.g. mathematics, speech development"),
    )
    age_from = models.PositiveSmallIntegerField(
        _("children's age from"), null=True, blank=True, validators=[MaxValueValidator(18)]
    )
    age_to = models.PositiveSmallIntegerField(
        _("children's age to"), null=True, blank=True, validators=[MaxValueValidator(18)]
    )
    released_on = models.DateField(_("date of issue"), default=timezone.localdate)
    council_date = models.DateField(_("date of the methodological council"), null=True, blank=True)
    council_decision = models.CharField(
        _("decision of the council"), max_length=20, choices=CouncilDecision.choices, blank=True
    )
    council_minutes = models.CharField(_("minutes number"), max_length=50, blank=True)
    licence = models.CharField(
        _("licence for reuse"), max_length=20, choices=Licence.choices, default=Licence.CC_BY
    )
    version = models.CharField(_("version"), max_length=20, default="1.0")
    is_published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)
    # PostgreSQL only (filled by the services, GIN index made by the migration); SQLite uses FTS5.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = MethodProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("methodological product")
        verbose_name_plural = _("methodological products")
        ordering = ["-released_on", "-id"]
        indexes = [
            models.Index(fields=["is_published", "type"]),
            models.Index(fields=["released_on"]),
            # the latest change, read by the facet cache's fingerprint (selectors.facets_fingerprint)
            models.Index(fields=["updated_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_from__isnull=True)
                | Q(age_to__isnull=True)
                | Q(age_from__lte=models.F("age_to")),
                name="library_product_ages_ordered",
                violation_error_message=_("The lower age must not exceed the upper one."),
            ),
            models.CheckConstraint(
                condition=Q(council_date__isnull=True, council_decision="")
                | Q(council_date__isnull=False) & ~Q(council_decision=""),
                name="library_product_council_complete",
                violation_error_message=_("Give both the date and the decision of the council, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:detail", args=[self.pk])

    @property
    def authors(self) -> list[str]:
        """Staff authors as they may be published (152-ФЗ), then the other names."""
        people = [p.public_name for p in self.author_people.all()]
        return [*people, *(n.strip() for n in self.author_names.split(",") if n.strip())]

    @property
    def audience(self) -> list[str]:
        return unpack_kinds(self.audience_kinds)

    @property
    def audience_labels(self) -> list[str]:
        return [str(AUDIENCE_KINDS(k).label) for k in self.audience if k in AUDIENCE_KINDS.values]

    @property
    def ages(self) -> str:
        if self.age_from is None and self.age_to is None:
            return ""
        if self.age_to is None:
            return f"{self.age_from}+"
        return f"{self.age_from or 0}–{self.age_to}"


class ProductFile(models.Model):
    """A file of a product, stored privately and served by a permission-checked view."""

    product = models.ForeignKey(MethodProduct, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(_("title"), max_length=255, blank=True)
    file = models.FileField(upload_to="library/%Y/%m/", max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    file_type = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("product file")
        verbose_name_plural = _("product files")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title or self.original_name

    def get_absolute_url(self) -> str:
        return reverse("library:file", args=[self.pk])


class Adoption(TimeStampedModel):
    """An organisation adopted (replicated) a product; later it records the outcome and a rating.

    One open adoption per product and organisation: a new one may start once the previous is closed.
    """

    product = models.ForeignKey(
        MethodProduct, verbose_name=_("product"), on_delete=models.PROTECT, related_name="adoptions"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="adoptions"
    )
    adopted_on = models.DateField(_("adopted on"))
    scope = models.CharField(_("scope"), max_length=10, choices=AdoptionScope.choices)
    staff = models.ManyToManyField(Person, verbose_name=_("staff involved"), blank=True, related_name="+")
    changes = models.TextField(_("what changed"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_on = models.DateField(_("outcome recorded on"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False, editable=False)

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["-adopted_on", "-id"]
        indexes = [models.Index(fields=["product", "adopted_on"]), models.Index(fields=["adopted_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "organization"],
                condition=Q(closed_on__isnull=True),
                name="library_one_open_adoption",
                violation_error_message=_("This organisation already has an open adoption of the product."),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="library_adoption_rating_1_5",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("adopted_on")),
                name="library_adoption_closed_after_start",
                violation_error_message=_("An adoption cannot close before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.product}"

    def get_absolute_url(self) -> str:
        return reverse("library:adoption", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_on is None
