"""The registry: regions, municipalities, educational organisations and their staff."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from novator.core.models import FileImport, TimeStampedModel
from novator.core.text import fold

from .querysets import OrganizationQuerySet, PersonQuerySet
from .search_text import organization_search_text
from .validators import validate_inn, validate_kpp, validate_ogrn, validate_oktmo


class Region(models.Model):
    """A subject of the federation (e.g. Краснодарский край, ОКТМО prefix 03)."""

    code = models.CharField(
        _("ОКТМО code"), max_length=2, unique=True, validators=[RegexValidator(r"^\d{2}$")]
    )
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="municipalities"
    )
    name = models.CharField(_("name"), max_length=200)
    oktmo = models.CharField(_("ОКТМО"), max_length=11, unique=True, validators=[validate_oktmo])

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_name")]

    def __str__(self) -> str:
        return self.name


class OrganizationKind(models.TextChoices):
    PRESCHOOL = "preschool", _("Preschool")
    SCHOOL = "school", _("General school")
    SUPPLEMENTARY = "supplementary", _("Supplementary education")
    VOCATIONAL = "vocational", _("Vocational")
    OTHER = "other", pgettext_lazy("organisation kind", "Other")


class OrganizationSubtype(models.TextChoices):
    DOU = "dou", _("ДОУ (kindergarten)")
    SOSH = "sosh", _("СОШ (secondary school)")
    OOSH = "oosh", _("ООШ (basic school)")
    NOSH = "nosh", _("НОШ (primary school)")
    LYCEUM = "lyceum", _("Lyceum")
    GYMNASIUM = "gymnasium", _("Gymnasium")
    CADET = "cadet", _("Cadet school")
    BOARDING = "boarding", _("Boarding school")
    UDO = "udo", _("УДО (supplementary education)")
    SPO = "spo", _("СПО (college, technical school)")
    METHODICAL = "methodical", _("Methodological centre")
    OTHER = "other", _("Other")


#: Which subtypes belong to which kind; the form and the import check the pair.
SUBTYPES_BY_KIND: dict[str, set[str]] = {
    OrganizationKind.PRESCHOOL: {OrganizationSubtype.DOU, OrganizationSubtype.OTHER},
    OrganizationKind.SCHOOL: {
        OrganizationSubtype.SOSH,
        OrganizationSubtype.OOSH,
        OrganizationSubtype.NOSH,
        OrganizationSubtype.LYCEUM,
        OrganizationSubtype.GYMNASIUM,
        OrganizationSubtype.CADET,
        OrganizationSubtype.BOARDING,
        OrganizationSubtype.OTHER,
    },
    OrganizationKind.SUPPLEMENTARY: {OrganizationSubtype.UDO, OrganizationSubtype.OTHER},
    OrganizationKind.VOCATIONAL: {OrganizationSubtype.SPO, OrganizationSubtype.OTHER},
    OrganizationKind.OTHER: {OrganizationSubtype.METHODICAL, OrganizationSubtype.OTHER},
}


class Organization(TimeStampedModel):
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="organizations"
    )
    full_name = models.CharField(_("full name"), max_length=500)
    short_name = models.CharField(_("short name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    subtype = models.CharField(_("subtype"), max_length=20, choices=OrganizationSubtype.choices)
    # The registry's identity is ИНН + КПП: a branch has its parent's ИНН and ОГРН and its own КПП. An
    # organisation without КПП (NULL, never "") is still unique by its ИНН.
    inn = models.CharField(_("ИНН"), max_length=10, db_index=True, validators=[validate_inn])
    ogrn = models.CharField(_("ОГРН"), max_length=13, db_index=True, validators=[validate_ogrn])
    kpp = models.CharField(_("КПП"), max_length=9, null=True, blank=True, validators=[validate_kpp])
    address = models.CharField(_("address"), max_length=500, blank=True)
    head_name = models.CharField(_("head"), max_length=255, blank=True)
    head_position = models.CharField(_("head's position"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
    )
    is_active = models.BooleanField(_("active"), default=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)
    # Lower-cased, ё→е folded names, ИНН and address: search that SQLite and PostgreSQL answer alike.
    search_text = models.TextField(editable=False, default="")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["short_name", "id"]
        indexes = [
            models.Index(fields=["municipality", "kind"]),
            models.Index(fields=["short_name"]),
            # the registry's "recently changed" sort and the latest change read by the library's facet
            # cache (library.selectors.facets_fingerprint)
            models.Index(fields=["updated_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="organization_not_own_parent"),
            models.CheckConstraint(
                condition=Q(is_active=True, closed_on__isnull=True) | Q(is_active=False),
                name="organization_closed_date_only_when_closed",
            ),
            models.UniqueConstraint(
                fields=["inn", "kpp"],
                name="organization_unique_inn_kpp",
                violation_error_message=_(
                    "An organisation with this ИНН and КПП is already in the registry."
                ),
            ),
            models.UniqueConstraint(
                fields=["inn"],
                condition=Q(kpp__isnull=True),
                name="organization_unique_inn_without_kpp",
                violation_error_message=_(
                    "An organisation with this ИНН and no КПП is already in the registry; a branch needs "
                    "its own КПП."
                ),
            ),
            models.CheckConstraint(condition=~Q(kpp=""), name="organization_kpp_null_not_empty"),
        ]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", args=[self.pk])

    def build_search_text(self) -> str:
        return organization_search_text(self.short_name, self.full_name, self.inn, self.ogrn, self.address)


class Person(TimeStampedModel):
    """A member of staff. Personal data under 152-ФЗ: only what the product needs, with consents."""

    #: the activity log names it by reference: its str() carries a person's name (core.audit)
    audit_by_reference = True

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="staff"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    last_name = models.CharField(_("last name"), max_length=150)
    first_name = models.CharField(_("first name"), max_length=150)
    middle_name = models.CharField(_("middle name"), max_length=150, blank=True)
    position = models.CharField(_("job title"), max_length=255)
    email = models.EmailField(_("e-mail"), blank=True)
    processing_consent_on = models.DateField(_("consent to processing given on"), null=True, blank=True)
    publication_consent_on = models.DateField(
        _("consent to publication of name, photo and results given on"), null=True, blank=True
    )
    processing_consent_withdrawn_on = models.DateField(
        _("consent to processing withdrawn on"), null=True, blank=True
    )
    publication_consent_withdrawn_on = models.DateField(
        _("consent to publication withdrawn on"), null=True, blank=True
    )
    # Set when an operator erased the person's data (152-ФЗ): names and contacts are replaced, the record
    # stays so that contest results and statistics keep their rows.
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(publication_consent_on__isnull=True) | Q(processing_consent_on__isnull=False),
                name="person_publication_needs_processing_consent",
            ),
            models.CheckConstraint(
                condition=Q(processing_consent_withdrawn_on__isnull=True)
                | Q(processing_consent_on__isnull=False),
                name="person_processing_withdrawal_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(publication_consent_withdrawn_on__isnull=True)
                | Q(publication_consent_on__isnull=False),
                name="person_publication_withdrawal_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def has_processing_consent(self) -> bool:
        """Consent to processing given and not withdrawn."""
        return bool(self.processing_consent_on) and not self.processing_consent_withdrawn_on

    @property
    def publication_consent_in_force(self) -> bool:
        """May the person's name, position and results be published (152-ФЗ)? The one rule for every
        public surface: consent to publication given and not withdrawn, and consent to processing given
        and not withdrawn (withdrawing it withdraws the publication too). Lists filter with
        `Person.objects.publishable()` / `querysets.publication_consent_q`, the same rule in SQL."""
        return (
            self.publication_consent_on is not None
            and self.publication_consent_withdrawn_on is None
            and self.has_processing_consent
        )

    @property
    def has_publication_consent(self) -> bool:
        """The same as `publication_consent_in_force` (the name templates used first)."""
        return self.publication_consent_in_force

    @property
    def published_name(self) -> str | None:
        """The full name if it may be published, else None (the page then shows the organisation only)."""
        return self.full_name if self.publication_consent_in_force else None

    @property
    def public_name(self) -> str:
        """The name as it may be published: in full only with consent to publication in force."""
        if self.publication_consent_in_force:
            return self.full_name
        # Not even initials: with the organisation beside them they can identify a person.
        return gettext("name not published")

    def surname_matches(self, typed: str) -> bool:
        """Does a surname typed into a public document check match the person's (case, ё/е and spaces
        aside)? A person whose data was erased matches nothing."""
        if self.erased_at is not None:
            return False
        wanted = fold(typed)
        return bool(wanted) and wanted == fold(self.last_name)


class OrganizationImport(FileImport):
    """An uploaded registry file with its preview; confirming it runs the import as a background job.

    The file stays in the private default storage (outside the web root); only its uploader and
    administrators see the preview. `counts`: planned at upload ({"created", "updated", "unchanged",
    "rejected"}), then the counts done.
    """

    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255)
    # {"notices": [...], "file_type": "csv"}; the planned rows are OrganizationImportRow (one per row)
    preview = models.JSONField(_("preview"), default=dict, blank=True)

    class Meta(FileImport.Meta):
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")

    def get_absolute_url(self) -> str:
        return reverse("organizations:import_preview", args=[self.pk])

    @property
    def has_work(self) -> bool:
        return bool(self.counts.get("created") or self.counts.get("updated"))


class OrganizationImportRow(models.Model):
    """One planned row of an import's preview: a row of its own, so that the preview of a national
    registry (85,000 rows) reads one page of them, not a JSON document of tens of megabytes."""

    upload = models.ForeignKey(
        OrganizationImport, verbose_name=_("import"), on_delete=models.CASCADE, related_name="rows"
    )
    position = models.PositiveIntegerField(_("position"))
    action = models.CharField(_("action"), max_length=16)
    # {"row", "action", "inn", "ogrn", "name", "municipality", "reason", "changes"}
    data = models.JSONField(_("row"), default=dict)

    class Meta:
        verbose_name = _("planned import row")
        verbose_name_plural = _("planned import rows")
        ordering = ["upload", "position"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "position"], name="organizations_import_row_position")
        ]
        indexes = [models.Index(fields=["upload", "action", "position"])]

    def __str__(self) -> str:
        return f"{self.upload_id}:{self.position}"


class ImportPartsUpload(models.Model):
    """A registry file arriving in parts (the federal open data: a gigabyte and more, see
    `organizations.uploads`): the parts are written one after another into one file on disk, never
    held in memory; `received` parts are there. Once all have arrived the file becomes an
    `OrganizationImport` with its preview, and this row and its file go."""

    token = models.UUIDField(_("token"), unique=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    original_name = models.CharField(_("original file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    part_size = models.PositiveIntegerField(_("part size in bytes"))
    received = models.PositiveIntegerField(_("parts received"), default=0)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)

    class Meta:
        verbose_name = _("upload in parts")
        verbose_name_plural = _("uploads in parts")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(part_size__gt=0), name="import_parts_part_size")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def parts(self) -> int:
        return max(1, -(-self.size // self.part_size))

    @property
    def file_name(self) -> str:
        """The assembling file's name in the private storage (the user's name is kept only as text)."""
        return f"imports/parts/{self.token.hex}.part"
