"""Forms of the projects app: they check the shape of input; the services check the rest."""

from .common import ReasonForm
from .programmes import ProgrammeForm, ResultForm, StageForm
from .projects import (
    IndicatorFormSet,
    PartnerFormSet,
    PassportGeneralForm,
    PlanFormSet,
    ProjectCreateForm,
    ProjectLinksForm,
    TeamFormSet,
    partner_choices,
)
from .reports import (
    EvidenceForm,
    ProposalConfirmForm,
    ProposalDismissForm,
    ReportActionForm,
    ReportFilterForm,
    ReportForm,
)
from .surveys import RoadmapMarkForm, SurveyAnswerForm, SurveyRunForm

__all__ = [
    "EvidenceForm",
    "IndicatorFormSet",
    "PartnerFormSet",
    "PassportGeneralForm",
    "PlanFormSet",
    "ProgrammeForm",
    "ProjectCreateForm",
    "ProjectLinksForm",
    "ProposalConfirmForm",
    "ProposalDismissForm",
    "ReasonForm",
    "ReportActionForm",
    "ReportFilterForm",
    "ReportForm",
    "ResultForm",
    "RoadmapMarkForm",
    "StageForm",
    "SurveyAnswerForm",
    "SurveyRunForm",
    "TeamFormSet",
    "partner_choices",
]
