"""Manual marks on the management roadmap (the steps themselves are data in `novator.projects.roadmap`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from novator.organizations.models import Organization


class RoadmapMark(models.Model):
    """A step of the roadmap ticked by hand, with a note of what was done."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="roadmap_marks"
    )
    step = models.CharField(_("step"), max_length=32)
    note = models.TextField(_("what was done"))
    marked_on = models.DateField(_("date"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("roadmap mark")
        verbose_name_plural = _("roadmap marks")
        ordering = ["organization", "step"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "step"], name="roadmap_mark_once_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.step}"
