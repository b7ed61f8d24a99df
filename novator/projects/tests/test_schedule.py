"""The report schedule from the status term: academic years, due dates, the final report, changes."""

from __future__ import annotations

import datetime

import pytest

from novator.projects import services
from novator.projects.models import ReportKind, ReportState
from novator.projects.schedule import PlannedReport, report_schedule
from novator.projects.tests.factories import fill_report, make_project
from novator.statuses.services import term_end

D = datetime.date


def plan(starts, ends, **kw):
    return [(p.academic_year, p.kind, p.due_on) for p in report_schedule(starts, ends, **kw)]


def test_a_three_year_term_from_1_september():
    assert plan(D(2022, 9, 1), D(2025, 8, 31)) == [
        ("2022/23", "annual", D(2023, 6, 15)),
        ("2023/24", "annual", D(2024, 6, 15)),
        ("2024/25", "final", D(2025, 6, 15)),
    ]


def test_a_term_starting_mid_year_touches_four_academic_years():
    # 15.12.2022 + 3 years → 14.12.2025: 2022/23 … 2025/26, the final one due at the end of the term
    assert plan(D(2022, 12, 15), term_end(D(2022, 12, 15), 3)) == [
        ("2022/23", "annual", D(2023, 6, 15)),
        ("2023/24", "annual", D(2024, 6, 15)),
        ("2024/25", "annual", D(2025, 6, 15)),
        ("2025/26", "final", D(2025, 12, 14)),
    ]


def test_academic_year_boundaries_31_august_and_1_september():
    # a term that starts on 31 August belongs to the year that is ending; its due date has passed
    assert plan(D(2023, 8, 31), D(2024, 8, 31)) == [("2023/24", "final", D(2024, 6, 15))]
    assert plan(D(2023, 9, 1), D(2024, 8, 31)) == [("2023/24", "final", D(2024, 6, 15))]


def test_a_summer_start_reports_its_weeks_with_the_next_year():
    assert plan(D(2023, 7, 1), D(2026, 6, 30)) == [
        ("2023/24", "annual", D(2024, 6, 15)),
        ("2024/25", "annual", D(2025, 6, 15)),
        ("2025/26", "final", D(2026, 6, 15)),
    ]


def test_due_date_on_the_first_day_counts():
    assert plan(D(2023, 6, 15), D(2024, 6, 14))[0] == ("2022/23", "annual", D(2023, 6, 15))


def test_a_term_within_one_summer_reports_at_its_end():
    assert plan(D(2023, 6, 20), D(2023, 8, 31)) == [("2022/23", "final", D(2023, 8, 31))]


def test_revocation_cuts_the_schedule():
    assert plan(D(2022, 9, 1), D(2025, 8, 31), revoked_on=D(2024, 2, 1)) == [
        ("2022/23", "annual", D(2023, 6, 15))
    ]


def test_an_inverted_term_has_no_reports():
    assert report_schedule(D(2024, 1, 1), D(2023, 1, 1)) == []


def test_planned_report_is_plain_data():
    assert PlannedReport("2022/23", "annual", D(2023, 6, 15)).kind == "annual"


# --- the service ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_project_under_a_status_gets_its_reports(org_a):
    project = make_project(org_a, approved=False)
    rows = list(project.reports.order_by("due_on").values_list("academic_year", "kind", "due_on", "state"))
    assert rows == [
        ("2022/23", ReportKind.ANNUAL, D(2023, 6, 15), ReportState.DRAFT),
        ("2023/24", ReportKind.ANNUAL, D(2024, 6, 15), ReportState.DRAFT),
        ("2024/25", ReportKind.FINAL, D(2025, 6, 15), ReportState.DRAFT),
    ]


@pytest.mark.django_db
def test_sync_is_idempotent(org_a):
    project = make_project(org_a, approved=False)
    assert services.report_schedule_sync(actor=None, project=project) == {}
    assert project.reports.count() == 3


@pytest.mark.django_db
def test_extension_turns_the_old_final_report_into_an_annual_one(org_a):
    project = make_project(org_a, approved=False)
    status = project.status_assignment
    status.ends_on = D(2026, 8, 31)
    status.save()
    counts = services.report_schedule_sync(actor=None, project=project)
    assert counts == {"created": 1, "moved": 1}
    assert dict(project.reports.values_list("academic_year", "kind")) == {
        "2022/23": "annual",
        "2023/24": "annual",
        "2024/25": "annual",
        "2025/26": "final",
    }


@pytest.mark.django_db
def test_revocation_drops_blank_reports_and_keeps_filled_ones(org_a):
    project = make_project(org_a)
    fill_report(project.reports.get(academic_year="2023/24"))
    status = project.status_assignment
    status.revoked_on, status.revocation_grounds = D(2023, 2, 1), "Не представлен отчёт"
    status.save()
    counts = services.report_schedule_sync(actor=None, project=project)
    assert counts == {"dropped": 2}
    assert set(project.reports.values_list("academic_year", flat=True)) == {"2023/24"}
