"""Which year the monitoring pages open on (issue #22)."""

from __future__ import annotations

from novator.monitoring.models import MonitoringYear
from novator.monitoring.selectors import pick_year


def _years() -> list[MonitoringYear]:
    # newest first, as MonitoringYear's ordering gives them; 2026/27 is being collected
    return [
        MonitoringYear(academic_year="2026/27", published=False),
        MonitoringYear(academic_year="2023/24", published=True),
        MonitoringYear(academic_year="2022/23", published=False),
        MonitoringYear(academic_year="2021/22", published=True),
    ]


def test_the_pages_open_on_the_latest_published_year_not_on_an_empty_current_one():
    years = _years()
    assert pick_year(years, None).academic_year == "2023/24"
    assert pick_year(years, "nonsense").academic_year == "2023/24"
    assert pick_year(years, "2026/27").academic_year == "2026/27"  # asked for: shown


def test_with_nothing_published_the_latest_year_is_shown():
    years = [MonitoringYear(academic_year="2026/27"), MonitoringYear(academic_year="2025/26")]
    assert pick_year(years, None).academic_year == "2026/27"
    assert pick_year([], None) is None
