from __future__ import annotations

import pytest

from bench import monitoring_bench
from novator.monitoring.models import DataValue, IndicatorValue
from novator.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_the_benchmark_agrees_with_the_sql_baseline_and_leaves_nothing_behind():
    rows = {row["name"]: row for row in monitoring_bench.run(30)}
    assert set(rows) == {
        "monitoring.recompute",
        "monitoring.recompute_changed",
        "monitoring.recompute_per_org",
        "monitoring.recompute_peak_mb",
        "monitoring.index_max_abs_diff",
    }
    assert rows["monitoring.recompute"]["baseline"] > 0
    assert rows["monitoring.recompute_changed"]["baseline"] == rows["monitoring.recompute"]["baseline"]
    assert rows["monitoring.index_max_abs_diff"]["value"] < 0.001
    assert rows["monitoring.recompute_peak_mb"]["value"] > 0
    assert not Organization.objects.exists() and not DataValue.objects.exists()
    assert not IndicatorValue.objects.exists()
    with pytest.raises(ValueError):
        monitoring_bench.run(0)
