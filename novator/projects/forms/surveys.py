"""Forms of the readiness survey: starting a run, answering, choosing the year of the results."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from novator.organizations.models import Organization

from ..models import LIKERT_MAX, LIKERT_MIN, SurveyQuestionnaire, SurveyRun
from ..survey_defaults import LIKERT_LABELS
from .common import AcademicYearField, StyledForm, date_field, style


class SurveyRunForm(StyledForm):
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    academic_year = AcademicYearField(label=_("Academic year"))
    closes_on = date_field(_("Answers accepted until"))
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire"),
        queryset=SurveyQuestionnaire.objects.filter(is_active=True),
        required=False,
        empty_label=None,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.editable_by(user).filter(is_active=True)
        field: Any = self.fields["organization"]
        field.queryset = organizations.order_by("short_name")


class SurveyAnswerForm(forms.Form):
    """One radio group 1–5 per statement; every statement must be answered."""

    def __init__(self, *args: Any, run: SurveyRun, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(run.questionnaire.items.all())
        choices = [
            (str(v), f"{v} — {LIKERT_LABELS[v - LIKERT_MIN]}") for v in range(LIKERT_MIN, LIKERT_MAX + 1)
        ]
        for number, item in enumerate(self.items, start=1):
            self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                label=f"{number}. {item.text}",
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer."),
                    "invalid_choice": _("Choose a value from %(min)d to %(max)d.")
                    % {"min": LIKERT_MIN, "max": LIKERT_MAX},
                },
            )
        style(self)

    def answers(self) -> dict[int, int]:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.items}


class RoadmapMarkForm(StyledForm):
    note = forms.CharField(
        label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    on = date_field(_("Date"), required=False, help_text=_("Empty: today."))
