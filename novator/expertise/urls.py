from django.urls import path

from .views import appeals, commission, experts, jury, proposals, results, rounds, sheets

app_name = "expertise"
urlpatterns = [
    path("", sheets.my_assignments, name="my_assignments"),
    path("experts/", experts.expert_list, name="experts"),
    path("experts/me/", experts.my_profile, name="my_profile"),
    path("experts/<int:pk>/", experts.expert_edit, name="expert_edit"),
    path("sheets/<int:pk>/", sheets.sheet, name="sheet"),
    path("sheets/<int:pk>/reopen/", sheets.sheet_reopen, name="sheet_reopen"),
    path("sheets/<int:pk>/conflict/", sheets.conflict_declare, name="conflict_declare"),
    path("contests/<int:pk>/", commission.commission, name="commission"),
    path("contests/<int:pk>/setup/", commission.commission_setup, name="commission_setup"),
    path("contests/<int:pk>/members/", commission.member_add, name="member_add"),
    path("contests/<int:pk>/members/<int:member_pk>/", commission.member_update, name="member_update"),
    path("contests/<int:pk>/members/<int:member_pk>/remove/", commission.member_remove, name="member_remove"),
    path("contests/<int:pk>/conflicts/", commission.conflict_add, name="conflict_add"),
    path("contests/<int:pk>/assignments/", commission.assignment_add, name="assignment_add"),
    path(
        "contests/<int:pk>/assignments/<int:assignment_pk>/remove/",
        commission.assignment_remove,
        name="assignment_remove",
    ),
    path("contests/<int:pk>/assignments/auto/", commission.assignments_auto, name="assignments_auto"),
    path(
        "contests/<int:pk>/assignments/publish/", commission.assignments_publish, name="assignments_publish"
    ),
    path("contests/<int:pk>/proposals/", proposals.assignment_propose, name="assignment_propose"),
    path("contests/<int:pk>/proposals/<int:proposal_pk>/", proposals.proposal, name="proposal"),
    path(
        "contests/<int:pk>/proposals/<int:proposal_pk>/rows/<int:row_pk>/drop/",
        proposals.proposal_row_drop,
        name="proposal_row_drop",
    ),
    path(
        "contests/<int:pk>/proposals/<int:proposal_pk>/accept/",
        proposals.proposal_accept,
        name="proposal_accept",
    ),
    path("contests/<int:pk>/ranking/", results.ranking, name="ranking"),
    path("jury/", jury.jury_list, name="jury_list"),
    path("jury/sw.js", jury.jury_sw, name="jury_sw"),
    path("jury/<int:pk>/", jury.jury_sheet, name="jury_sheet"),
    path("jury/<int:pk>/draft/", jury.jury_draft, name="jury_draft"),
    path("contests/<int:pk>/rounds/", rounds.rounds, name="rounds"),
    path("contests/<int:pk>/rounds/confirm/", rounds.rounds_confirm, name="rounds_confirm"),
    path("contests/<int:pk>/rounds/<int:round_pk>/", rounds.round_detail, name="round_detail"),
    path("contests/<int:pk>/rounds/<int:round_pk>/open/", rounds.round_open, name="round_open"),
    path("contests/<int:pk>/rounds/<int:round_pk>/advance/", rounds.round_advance, name="round_advance"),
    path("contests/<int:pk>/rounds/<int:round_pk>/jurors/", rounds.round_juror_add, name="round_juror_add"),
    path(
        "contests/<int:pk>/rounds/<int:round_pk>/jurors/<int:juror_pk>/remove/",
        rounds.round_juror_remove,
        name="round_juror_remove",
    ),
    path("contests/<int:pk>/next-stage/<int:application_pk>/", rounds.next_stage, name="next_stage"),
    path("contests/<int:pk>/scoring-settings/", results.scoring_settings, name="scoring_settings"),
    path("contests/<int:pk>/reopen/", results.results_reopen, name="results_reopen"),
    path("contests/<int:pk>/minutes.docx", results.minutes_download, name="minutes"),
    path("contests/<int:pk>/order.docx", results.order_download, name="order"),
    path("appeals/<int:pk>/minutes.docx", appeals.appeal_minutes, name="appeal_minutes"),
    path("contests/<int:pk>/amending-order.docx", appeals.amending_order, name="amending_order"),
]
