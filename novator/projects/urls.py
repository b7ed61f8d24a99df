from django.urls import path

from .views import programmes, projects, reports, roadmap, surveys

app_name = "projects"
urlpatterns = [
    # innovation projects
    path("", projects.project_list, name="list"),
    path("new/", projects.project_create, name="create"),
    path("<int:pk>/", projects.project_detail, name="detail"),
    path("<int:pk>/links/", projects.project_links, name="links"),
    path("<int:pk>/passport/<slug:section>/", projects.passport_edit, name="passport_edit"),
    path("<int:pk>/versions/<int:number>/", projects.project_version, name="version"),
    path("<int:pk>/action/<slug:name>/", projects.project_action, name="action"),
    # the programme and its stages
    path("programmes/", programmes.programme_list, name="programme_list"),
    path("programmes/new/", programmes.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", programmes.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", programmes.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/stages/new/", programmes.stage_create, name="stage_create"),
    path("stages/<int:pk>/edit/", programmes.stage_edit, name="stage_edit"),
    path("stages/<int:pk>/delete/", programmes.stage_delete, name="stage_delete"),
    path("stages/<int:pk>/results/new/", programmes.result_create, name="result_create"),
    path("results/<int:pk>/edit/", programmes.result_edit, name="result_edit"),
    path("results/<int:pk>/delete/", programmes.result_delete, name="result_delete"),
    # annual reports and what follows them
    path("reports/", reports.report_list, name="report_list"),
    path("reports/export/", reports.report_export, name="report_export"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/docx/", reports.report_docx, name="report_docx"),
    path("reports/<int:pk>/evidence/", reports.evidence_upload, name="evidence_upload"),
    path("reports/<int:pk>/action/<slug:name>/", reports.report_action, name="report_action"),
    path("evidence/<int:pk>/", reports.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", reports.evidence_delete, name="evidence_delete"),
    path("proposals/", reports.proposal_list, name="proposal_list"),
    path("proposals/<int:pk>/", reports.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/confirm/", reports.proposal_confirm, name="proposal_confirm"),
    path("proposals/<int:pk>/dismiss/", reports.proposal_dismiss, name="proposal_dismiss"),
    # the staff readiness survey
    path("surveys/", surveys.survey_list, name="survey_list"),
    path("surveys/new/", surveys.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/answer/", surveys.survey_answer, name="survey_answer"),
    path("surveys/<int:pk>/close/", surveys.survey_close, name="survey_close"),
    path("surveys/municipality/<int:pk>/", surveys.survey_municipality, name="survey_municipality"),
    # the management roadmap
    path("roadmap/", roadmap.roadmap_home, name="roadmap"),
    path("roadmap/overview/", roadmap.roadmap_overview, name="roadmap_overview"),
    path("roadmap/<int:pk>/", roadmap.roadmap_detail, name="roadmap_detail"),
    path("roadmap/<int:pk>/<slug:step>/mark/", roadmap.roadmap_mark, name="roadmap_mark"),
    path("roadmap/<int:pk>/<slug:step>/unmark/", roadmap.roadmap_unmark, name="roadmap_unmark"),
    path("roadmap/templates/<slug:step>.docx", roadmap.roadmap_template, name="roadmap_template"),
]
