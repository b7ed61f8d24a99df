"""Models of the projects app: the programme, projects with versions, reports, the survey, the roadmap."""

from .programme import Programme, ProgrammeResult, ProgrammeStage
from .project import (
    EDITABLE_VERSION_STATES,
    OPEN_VERSION_STATES,
    InnovationProject,
    ProjectVersion,
    VersionState,
)
from .report import (
    EDITABLE_REPORT_STATES,
    ProjectProposal,
    ProjectReport,
    ProposalKind,
    ProposalState,
    ReminderKind,
    ReportEvidence,
    ReportKind,
    ReportReminder,
    ReportState,
)
from .roadmap import RoadmapMark
from .survey import (
    LIKERT_MAX,
    LIKERT_MIN,
    MIN_GROUP,
    RunState,
    Scale,
    SurveyAnswer,
    SurveyItem,
    SurveyParticipation,
    SurveyQuestionnaire,
    SurveyResponse,
    SurveyRun,
)

__all__ = [
    "EDITABLE_REPORT_STATES",
    "EDITABLE_VERSION_STATES",
    "LIKERT_MAX",
    "LIKERT_MIN",
    "MIN_GROUP",
    "OPEN_VERSION_STATES",
    "InnovationProject",
    "Programme",
    "ProgrammeResult",
    "ProgrammeStage",
    "ProjectProposal",
    "ProjectReport",
    "ProjectVersion",
    "ProposalKind",
    "ProposalState",
    "ReminderKind",
    "ReportEvidence",
    "ReportKind",
    "ReportReminder",
    "ReportState",
    "RoadmapMark",
    "RunState",
    "Scale",
    "SurveyAnswer",
    "SurveyItem",
    "SurveyParticipation",
    "SurveyQuestionnaire",
    "SurveyResponse",
    "SurveyRun",
    "VersionState",
]
