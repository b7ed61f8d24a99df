from django.urls import path

from .views import commission, deliberation, experts, jury, meeting, pool, proposals, results, rounds, sheets

app_name = "expertise"
urlpatterns = [
    path("", sheets.my_assignments, name="my_assignments"),
    path("experts/", experts.expert_list, name="experts"),
    path("experts/me/", experts.my_profile, name="my_profile"),
    path("experts/pool/", pool.pool, name="pool"),
    path("invitations/", pool.my_invitations, name="my_invitations"),
    path("invitations/<int:pk>/answer/", pool.invitation_answer, name="invitation_answer"),
    path("contests/<int:pk>/invitations/", pool.invite, name="invite"),
    path("experts/<int:pk>/", experts.expert_edit, name="expert_edit"),
    path("sheets/<int:pk>/", sheets.sheet, name="sheet"),
    path("sheets/<int:pk>/reopen/", sheets.sheet_reopen, name="sheet_reopen"),
    path("sheets/<int:pk>/print.docx", sheets.sheet_print, name="sheet_print"),
    path("sheets/<int:pk>/conflict/", sheets.conflict_declare, name="conflict_declare"),
    path("contests/<int:pk>/", commission.commission, name="commission"),
    path("contests/<int:pk>/setup/", commission.commission_setup, name="commission_setup"),
    path("contests/<int:pk>/rules/", commission.commission_rules, name="commission_rules"),
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
    path("contests/<int:pk>/deadlines/", deliberation.deadlines_update, name="deadlines_update"),
    path(
        "contests/<int:pk>/late/<int:expert_pk>/reassign/", deliberation.late_reassign, name="late_reassign"
    ),
    path("applications/<int:pk>/discussion/", deliberation.discussion, name="discussion"),
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
    path("contests/<int:pk>/meeting/", meeting.meeting, name="meeting"),
    path("contests/<int:pk>/minutes.docx", results.minutes_download, name="minutes"),
    path("contests/<int:pk>/order.docx", results.order_download, name="order"),
    path("contests/<int:pk>/conclusions.docx", results.conclusions_download, name="conclusions"),
    path("contests/<int:pk>/announcement.docx", results.announcement_download, name="announcement"),
    path(
        "contests/<int:pk>/announcement/register/",
        results.announcement_register,
        name="announcement_register",
    ),
]
