"""An appeal against the published result of one application, and its files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from novator.core.models import TimeStampedModel

from ..models import Application


class AppealState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    REJECTED = "rejected", _("Rejected")
    UPHELD = "upheld", _("Upheld")


class Appeal(TimeStampedModel):
    """One appeal per application (the database says so): a second one is refused."""

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="appeal"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=AppealState.choices, default=AppealState.SUBMITTED
    )
    reasons = models.TextField(_("reasons of the appeal"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"))
    review_started_at = models.DateTimeField(_("review started"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    justification = models.TextField(_("justification of the decision"), blank=True)
    total_before = models.DecimalField(
        _("total before the appeal"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    total_after = models.DecimalField(
        _("total after the appeal"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    #: the awarded set changed when the appeal was upheld: an amending order is due
    awarded_changed = models.BooleanField(_("awarded set changed"), default=False)
    #: the applications whose «awarded» changed with this appeal:
    #: [{"id", "number", "organization", "awarded"}]
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="upheld") | Q(total_after__isnull=False),
                name="appeal_upheld_has_total",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Appeal: %(application)s") % {"application": self.application})

    # what the permission predicates read of an object (`contests/rules.py`): its contest, the applicant
    @property
    def contest(self) -> object:
        return self.application.contest

    @property
    def organization_id(self) -> int:
        return self.application.organization_id

    @property
    def outcome(self) -> str:
        """«raised», «lowered», «rejected» or "" while undecided."""
        if self.state == AppealState.REJECTED:
            return "rejected"
        if self.state == AppealState.UPHELD and self.total_after is not None:
            before = self.total_before or 0
            return "raised" if self.total_after > before else "lowered"
        return ""


class AppealFile(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="contests/appeals/%Y/%m/", max_length=255)
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("file of an appeal")
        verbose_name_plural = _("files of appeals")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
