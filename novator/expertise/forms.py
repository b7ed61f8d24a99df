"""Forms of the expertise pages: they check the shape of the input; the services decide."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from novator.accounts.models import Role
from novator.contests.models import Contest, Criterion, OfficialRanking
from novator.core.converters import MAX_ID
from novator.core.forms import DecimalField
from novator.organizations.models import Municipality, Organization, OrganizationKind

from . import selectors
from .models import COMMISSION_CONCLUSION_MAX, DISCUSSION_COMMENT_MAX, Expert, ScoreSheet
from .ranking import Ranking
from .services.commission import BIO_MAX, MAX_TOPICS
from .services.results import reason_field
from .services.sheets import COMMENT_MAX, CONCLUSION_MAX, comment_field, points_field

SELECT = {"class": "form-select"}
INPUT = {"class": "form-control"}


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        where = obj.organization.short_name if obj.organization_id else (obj.municipality or "")
        return f"{obj.user.display_name} — {where}" if where else obj.user.display_name


class CommissionForm(forms.Form):
    chair = ExpertChoiceField(
        label=_("Chair"), queryset=Expert.objects.none(), required=False, widget=forms.Select(attrs=SELECT)
    )
    secretary = forms.ModelChoiceField(
        label=_("Secretary"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chair: Any = self.fields["chair"]
        chair.queryset = selectors.expert_choices()
        secretary: Any = self.fields["secretary"]
        secretary.queryset = (
            get_user_model()
            .objects.filter(
                Q(role_assignments__role=Role.EXPERT)
                | Q(
                    role_assignments__role=Role.METHODOLOGIST,
                    role_assignments__municipality_id=contest.organiser_municipality_id,
                )
            )
            .distinct()
            .order_by("last_name", "first_name", "pk")
        )
        secretary.label_from_instance = lambda u: u.display_name


class MemberForm(forms.Form):
    expert = ExpertChoiceField(
        label=_("Expert"), queryset=Expert.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    max_load = forms.IntegerField(
        label=_("Maximum applications"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("Empty: no limit."),
        widget=forms.NumberInput(attrs=INPUT),
    )

    def __init__(self, *args: Any, exclude: QuerySet[Expert] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = selectors.expert_choices()
        if exclude is not None:
            queryset = queryset.exclude(pk__in=exclude.values("pk"))
        self.fields["expert"].queryset = queryset  # type: ignore[attr-defined]


class CommissionRulesForm(forms.Form):
    exclude_own_municipality = forms.BooleanField(
        label=_("No expert scores an application from their own municipality"), required=False
    )
    require_other_municipality = forms.BooleanField(
        label=_("Every application has at least one expert from another municipality"), required=False
    )


class PoolSearchForm(forms.Form):
    """The search of the region's pool: name, subject or organisation; municipality; the contest to
    invite to (one of those the user organises)."""

    q = forms.CharField(
        label=_("Name, subject or organisation"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={**INPUT, "type": "search"}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    contest = forms.ModelChoiceField(
        label=_("Invite to the commission of"),
        queryset=Contest.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, municipalities: Any, contests: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["contest"].queryset = contests  # type: ignore[attr-defined]


class InviteForm(forms.Form):
    expert = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    max_load = forms.IntegerField(
        label=_("Maximum applications"),
        min_value=1,
        max_value=1000,
        required=False,
        widget=forms.NumberInput(attrs={**INPUT, "placeholder": "∞"}),
    )


class MaxLoadForm(forms.Form):
    max_load = forms.IntegerField(
        label=_("Maximum applications"), min_value=1, max_value=1000, required=False
    )


class AssignmentForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    expert = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)


class ConflictForm(forms.Form):
    """The organiser records a conflict an expert reported."""

    application = forms.IntegerField(label=_("Application"), min_value=1, max_value=MAX_ID)
    expert = forms.IntegerField(label=_("Expert"), min_value=1, max_value=MAX_ID)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2, **INPUT})
    )

    def __init__(self, *args: Any, applications: list[Any], experts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"] = forms.TypedChoiceField(
            label=_("Application"),
            coerce=int,
            choices=[("", "—")] + [(a.pk, str(a)) for a in applications],
            widget=forms.Select(attrs=SELECT),
        )
        self.fields["expert"] = forms.TypedChoiceField(
            label=_("Expert"),
            coerce=int,
            choices=[("", "—")] + [(e.pk, str(e)) for e in experts],
            widget=forms.Select(attrs=SELECT),
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3, **INPUT})
    )


class ExpertOwnProfileForm(forms.Form):
    """What an expert says about themselves: it decides which applications suit them best."""

    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, **INPUT}),
        help_text=_(
            "What you know best, one topic per line or separated by commas (at most %(max)d), e.g. "
            "«инклюзивное образование», «робототехника»."
        )
        % {"max": MAX_TOPICS},
    )
    organization_kinds = forms.MultipleChoiceField(
        label=_("Kinds of organisations you know"),
        choices=OrganizationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    bio = forms.CharField(
        label=_("Short bio"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": BIO_MAX, **INPUT}),
        help_text=_("Up to %(max)d characters: your work, your projects, what you have reviewed.")
        % {"max": BIO_MAX},
    )

    @classmethod
    def initial_for(cls, expert: Expert) -> dict[str, Any]:
        return {
            "topics": "\n".join(str(t) for t in expert.topics or []),
            "organization_kinds": list(expert.organization_kinds or []),
            "bio": expert.bio,
        }


class ExpertProfileForm(ExpertOwnProfileForm):
    """The organiser's form: also the user (for a new profile) and where the expert works."""

    user = forms.ModelChoiceField(
        label=_("User"), queryset=get_user_model().objects.none(), widget=forms.Select(attrs=SELECT)
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
        help_text=_("Where the expert works: they never score this organisation."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
        help_text=_("Empty: the organisation's municipality."),
    )
    field_order = ["user", "organization", "municipality", "topics", "organization_kinds", "bio"]

    def __init__(self, *args: Any, expert: Expert | None = None, **kwargs: Any) -> None:
        if expert is not None:
            kwargs.setdefault(
                "initial",
                {
                    **self.initial_for(expert),
                    "organization": expert.organization_id,
                    "municipality": expert.municipality_id,
                },
            )
        super().__init__(*args, **kwargs)
        if expert is not None:
            del self.fields["user"]
        else:
            user: Any = self.fields["user"]
            user.queryset = (
                get_user_model()
                .objects.filter(role_assignments__role=Role.EXPERT)
                .distinct()
                .order_by("last_name", "first_name", "pk")
            )
            user.label_from_instance = lambda u: f"{u.display_name} ({u.username})"
        self.fields["organization"].queryset = Organization.objects.select_related(  # type: ignore[attr-defined]
            "municipality"
        ).order_by("short_name")
        self.fields["municipality"].queryset = Municipality.objects.order_by("name")  # type: ignore[attr-defined]


class ScoringSettingsForm(forms.Form):
    """The contest's scoring settings (the service refuses what may no longer change)."""

    official_ranking = forms.ChoiceField(
        label=_("Official ranking"), choices=OfficialRanking.choices, widget=forms.Select(attrs=SELECT)
    )
    calibration_min_sheets = forms.IntegerField(
        label=_("Minimum sheets for calibration"),
        min_value=2,
        max_value=100,
        widget=forms.NumberInput(attrs=INPUT),
        help_text=_("An expert's totals are calibrated only when they have scored at least this many."),
    )
    spread_threshold_percent = forms.IntegerField(
        label=_("Spread flag, percent of the maximum total"),
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs=INPUT),
    )

    def __init__(self, *args: Any, contest: Contest, locked: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "official_ranking": contest.official_ranking,
                "calibration_min_sheets": contest.calibration_min_sheets,
                "spread_threshold_percent": contest.spread_threshold_percent,
            },
        )
        super().__init__(*args, **kwargs)
        if locked:
            for name in ("official_ranking", "calibration_min_sheets"):
                self.fields[name].disabled = True


class ScoreSheetForm(forms.Form):
    """Points (number inputs with min, max and step 0.5) and a comment per criterion, and the conclusion."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ID)
    conclusion = forms.CharField(
        label=_("Conclusion"),
        required=False,
        max_length=CONCLUSION_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
    )

    def __init__(
        self,
        *args: Any,
        sheet: ScoreSheet,
        criteria: list[Criterion],
        scores: dict[int, Any],
        disabled: bool = False,
        **kwargs: Any,
    ) -> None:
        initial = {"version": sheet.version, "conclusion": sheet.conclusion}
        for c in criteria:
            score = scores.get(c.pk)
            initial[points_field(c.pk)] = score.points if score else None
            initial[comment_field(c.pk)] = score.comment if score else ""
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[points_field(c.pk)] = DecimalField(
                label=c.name,
                required=False,
                min_value=Decimal(0),
                max_value=c.max_points,
                step_size=Decimal("0.5"),
                decimal_places=1,
                max_digits=5,
                localize=False,
                widget=forms.NumberInput(
                    attrs={
                        "step": "0.5",
                        "min": "0",
                        "max": f"{c.max_points.normalize():f}",
                        "class": "form-control",
                        "inputmode": "decimal",
                    }
                ),
            )
            self.fields[comment_field(c.pk)] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"criterion": c, "points": self[points_field(c.pk)], "comment": self[comment_field(c.pk)]}
            for c in self.criteria
        ]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "version": data["version"],
            "conclusion": data.get("conclusion", ""),
            "scores": {
                c.pk: {"points": data.get(points_field(c.pk)), "comment": data.get(comment_field(c.pk), "")}
                for c in self.criteria
            },
        }


OVERRIDE_CHOICES = [
    ("", _("as proposed")),
    ("award", _("award")),
    ("refuse", _("do not award")),
]


class ConfirmForm(forms.Form):
    """The chair's confirmation: the minutes' number and date, and overrides of the proposal with reasons."""

    minutes_number = forms.CharField(
        label=_("Minutes number"), max_length=50, widget=forms.TextInput(attrs=INPUT)
    )
    minutes_date = forms.DateField(
        label=_("Minutes date"),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )

    def __init__(
        self,
        *args: Any,
        ranking: Ranking,
        application_ids: Collection[int] | None = None,
        **kwargs: Any,
    ) -> None:
        """`application_ids`: the applications that get override fields (the visible page of a long
        ranking and whatever was posted); None: every application."""
        super().__init__(*args, **kwargs)
        self.ranking = ranking
        for row in ranking.rows if application_ids is None else ranking.rows_for(application_ids):
            pk = row.application_id
            self.fields[f"override_{pk}"] = forms.ChoiceField(
                label=_("Decision for %(app)s") % {"app": row.application},
                choices=OVERRIDE_CHOICES,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[reason_field(pk)] = forms.CharField(
                label=_("Reason for %(app)s") % {"app": row.application},
                required=False,
                max_length=2000,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    def overrides(self) -> dict[int, dict[str, Any]]:
        result = {}
        for row in self.ranking.rows:
            pk = row.application_id
            choice = self.cleaned_data.get(f"override_{pk}")
            if choice:
                result[pk] = {
                    "awarded": choice == "award",
                    "reason": self.cleaned_data.get(reason_field(pk), ""),
                }
        return result


class JurorForm(forms.Form):
    """Add an expert to the jury of a round."""

    expert = ExpertChoiceField(
        label=_("Juror"), queryset=Expert.objects.none(), widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args: Any, exclude: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = selectors.expert_choices()
        if exclude is not None:
            queryset = queryset.exclude(pk__in=exclude)
        self.fields["expert"].queryset = queryset  # type: ignore[attr-defined]


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.expert.user.display_name


class MeetingForm(forms.Form):
    """The meeting: the minutes' number and date, the place, who was present, and the votes per item of
    the agenda (`item_<position>_for`, `_against`, `_abstained`)."""

    number = forms.CharField(label=_("Minutes number"), max_length=50, widget=forms.TextInput(attrs=INPUT))
    date = forms.DateField(
        label=_("Date of the meeting"),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    place = forms.CharField(
        label=_("Place of the meeting"), max_length=255, widget=forms.TextInput(attrs=INPUT)
    )
    present = MemberChoiceField(
        label=_("Members present"),
        queryset=None,  # set in __init__
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    VOTES = (("for", _("for")), ("against", _("against")), ("abstained", _("abstained")))

    def __init__(self, *args: Any, members: QuerySet[Any], agenda: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = members  # type: ignore[attr-defined]
        self.agenda = agenda
        for item in agenda:
            for key, label in self.VOTES:
                self.fields[f"item_{item.position}_{key}"] = forms.IntegerField(
                    label=f"{item.title}: {label}",
                    min_value=0,
                    max_value=99,
                    widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
                )

    def items(self) -> list[dict[str, Any]]:
        return [
            {"item": item, "fields": [self[f"item_{item.position}_{key}"] for key, _label in self.VOTES]}
            for item in self.agenda
        ]

    def votes(self) -> dict[int, Any]:
        from .services.meeting import Votes

        data = self.cleaned_data
        return {
            item.position: Votes(
                votes_for=data[f"item_{item.position}_for"],
                votes_against=data[f"item_{item.position}_against"],
                votes_abstained=data[f"item_{item.position}_abstained"],
            )
            for item in self.agenda
        }


class AnnouncementOrderForm(forms.Form):
    """The date of the order announcing the contest; its number comes from the journal."""

    date = forms.DateField(
        label=_("Order date"),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        error_messages={"required": _("Give the date of the order.")},
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


class DeadlinesForm(forms.Form):
    """The expertise period of a commission and when its experts are reminded."""

    review_starts_on = forms.DateField(
        label=_("Expertise starts"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", **INPUT}, format="%Y-%m-%d"),
    )
    review_due_on = forms.DateField(
        label=_("Scoring due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", **INPUT}, format="%Y-%m-%d"),
    )
    reminder_days = forms.IntegerField(
        label=_("Remind, days before"),
        min_value=0,
        max_value=30,
        error_messages={"required": _("Say how many days before the due date the experts are reminded.")},
        widget=forms.NumberInput(attrs=INPUT),
    )


class CommentForm(forms.Form):
    """A comment in the discussion: the length is checked by the service (a clear message)."""

    text = forms.CharField(
        label=_("Your comment"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": DISCUSSION_COMMENT_MAX, **INPUT}),
    )


class ConclusionForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Consolidated conclusion of the commission"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": COMMISSION_CONCLUSION_MAX, **INPUT}),
        help_text=_("The applicant reads it once the results are published; it goes into the minutes."),
    )


class NoDiscussionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the application was not discussed"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000, **INPUT}),
        help_text=_("Empty: the record is removed."),
    )
