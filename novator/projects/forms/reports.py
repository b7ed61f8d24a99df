"""Forms of the report pages: the report itself, evidence, the review, proposals, the list's filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from novator.core.concurrency import VERSION_FIELD, VersionedFormMixin, version_token
from novator.core.files import DOCUMENT_TYPES, FILE_TYPES, check_upload

from ..models import ProjectReport, ReportState
from ..passport import decimal_or_none, decimal_text, indicator_target, normalised
from ..services.reports import EVIDENCE_MAX_BYTES
from .common import StyledForm, date_field, style, text_field


def report_rows(report: ProjectReport) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The stages and indicators the report is about: from what it already says, else from the approved
    passport (indicators with the plan for the report's year)."""
    content = report.content or {}
    passport = normalised(report.project.approved_version.passport if report.project.approved_version else {})
    stages = content.get("stages") or [{"title": s.get("title", ""), "done": ""} for s in passport["stages"]]
    indicators = content.get("indicators") or [
        {
            "name": row.get("name", ""),
            "unit": row.get("unit", ""),
            "planned": decimal_text(indicator_target(row, report.academic_year)),
            "actual": None,
        }
        for row in passport["indicators"]
    ]
    return stages, indicators


class ReportForm(VersionedFormMixin, StyledForm):
    summary = text_field(
        _("Summary of the year"),
        rows=5,
        help_text=_("What changed for pupils, teachers and the organisation."),
    )
    products = text_field(
        _("Products created"),
        rows=3,
        help_text=_("Methodological products: titles, authors, where published."),
    )
    events = text_field(
        _("Events held"),
        rows=3,
        help_text=_("Seminars, master classes, conferences: date, level, participants."),
    )

    def __init__(self, *args: Any, report: ProjectReport, **kwargs: Any) -> None:
        self.stages, self.indicators = report_rows(report)
        content = report.content or {}
        initial = {
            "summary": content.get("summary", ""),
            "products": content.get("products", ""),
            "events": content.get("events", ""),
            VERSION_FIELD: version_token(report),
        }
        for i, stage in enumerate(self.stages):
            initial[f"stage_{i}"] = stage.get("done", "")
        for i, row in enumerate(self.indicators):
            initial[f"actual_{i}"] = decimal_or_none(row.get("actual"))
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for i, stage in enumerate(self.stages):
            self.fields[f"stage_{i}"] = text_field(
                _("Done at the stage «%(stage)s»") % {"stage": stage.get("title", "")}, rows=3
            )
        for i, row in enumerate(self.indicators):
            planned = row.get("planned")
            self.fields[f"actual_{i}"] = forms.DecimalField(
                label=_("%(name)s, actual") % {"name": row.get("name", "")},
                required=False,
                max_digits=12,
                decimal_places=2,
                min_value=Decimal(0),
                help_text=(_("Planned: %(value)s %(unit)s") % {"value": planned, "unit": row.get("unit", "")})
                if planned is not None
                else _("No plan for this year."),
            )
        style(self)
        self.order_fields(["summary", *[f"stage_{i}" for i in range(len(self.stages))]])

    def stage_fields(self) -> list[Any]:
        return [self[f"stage_{i}"] for i in range(len(self.stages))]

    def indicator_fields(self) -> list[Any]:
        return [self[f"actual_{i}"] for i in range(len(self.indicators))]

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "summary": data.get("summary", ""),
            "products": data.get("products", ""),
            "events": data.get("events", ""),
            "stages": [
                {"title": stage.get("title", ""), "done": data.get(f"stage_{i}", "")}
                for i, stage in enumerate(self.stages)
            ],
            "indicators": [
                {**row, "actual": decimal_text(data.get(f"actual_{i}"))}
                for i, row in enumerate(self.indicators)
            ],
        }


class EvidenceForm(StyledForm):
    title = forms.CharField(label=_("What the file is"), max_length=255)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{FILE_TYPES[t]['ext']}" for t in DOCUMENT_TYPES
        )
        self.fields["file"].help_text = _(
            "%(types)s; up to %(n)d MB. The file's content is checked, not its name."
        ) % {
            "types": ", ".join(FILE_TYPES[t]["label"] for t in DOCUMENT_TYPES),
            "n": EVIDENCE_MAX_BYTES // (1024 * 1024),
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        check_upload(upload, allowed=DOCUMENT_TYPES, max_bytes=EVIDENCE_MAX_BYTES)
        return upload


class ReportActionForm(StyledForm):
    reason = text_field(_("Comment"), limit=5000)
    fixes_due_on = date_field(_("Fixes due"), required=False, help_text=_("Empty: in two weeks."))
    outcome = forms.ChoiceField(
        label=_("The final report leads to"),
        required=False,
        choices=[("close", _("closing the project")), ("extend", _("extending the status"))],
        widget=forms.RadioSelect,
    )
    proposed_ends_on = date_field(_("New end of the status"), required=False)


class ProposalConfirmForm(StyledForm):
    order_number = forms.CharField(label=_("Order number"), max_length=50, required=False)
    order_date = date_field(_("Order date"), required=False)
    on = date_field(_("Effective from"), required=False, help_text=_("Empty: today."))
    new_ends_on = date_field(_("New end of the status"), required=False)
    note = text_field(_("Note"), limit=5000)


class ProposalDismissForm(StyledForm):
    note = text_field(_("Why the proposal is dismissed"), required=True, limit=5000)


class ReportFilterForm(StyledForm):
    year = forms.ChoiceField(label=_("Academic year"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any state")), *ReportState.choices]
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args: Any, years: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["year"]
        field.choices = [("", _("All years")), *((y, y) for y in years)]

    def selector_kwargs(self) -> dict[str, Any]:
        """Arguments for `selectors.report_list`; invalid filters are dropped, the rest still apply."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "academic_year": data.get("year") or "",
            "state": data.get("state") or "",
            "overdue": bool(data.get("overdue")),
        }
