"""Benchmark of the monitoring's precomputation: `values_recompute` for N synthetic organisations against
the same aggregate computed by one raw SQL query.

Interface (the only thing `bench/__main__.py` relies on):

    run(scale_orgs: int) -> list[dict]

returns rows in the format of `bench.report.figure` — ``{"name", "scale", "db", "value", "unit",
"baseline", "ratio"}`` — ready for `bench.report.write`. It writes nothing itself.

    .venv/bin/python -m bench.monitoring_bench [N]     # prints the rows as JSON (default N = 2000)

Django: when it is not configured yet, `run` uses `config.settings.test` (a fresh temporary SQLite
database, or the one in DATABASE_URL) and migrates it. Everything it creates is rolled back at the end,
so it may run against any database.

The instance: N organisations in N/25 municipalities, three collected data elements per organisation
(teachers, teachers involved ≤ teachers, partners) and one derived (statuses held, answered by its
aggregate query), three indicators (a share with a division, a count, a count) and the index with weights
and fixed reference bounds; one academic year.

Rows:
- ``monitoring.recompute`` — seconds of `services.values_recompute` for the year when **nothing changed**
  since the last recomputation (refresh the derived values, every indicator and the index per
  organisation, medians and ranks for municipalities and the region, compare with the year's rows: the
  recomputation writes only the rows that changed, here none), against the baseline: one raw SQL query
  that pivots the raw values, computes the indicators, the normalised weighted index per organisation
  and the municipality's mean index (a window function). The baseline neither writes nor takes medians
  (not portable SQL), so the ratio is the price of doing it in Python — it should stay a small constant,
  not grow with N.
- ``monitoring.recompute_changed`` — the same after 1% of the collected values changed (every 100th
  collected row by id, a different hundredth before each timed run, raw UPDATE, not timed): what a
  recomputation queued by an approved form costs. A changed value moves the ranks of its municipality
  and the medians above it, so far more than 1% of the rows are written. Same baseline.
- ``monitoring.recompute_per_org`` — milliseconds per organisation of ``monitoring.recompute`` (no
  baseline).
- ``monitoring.recompute_peak_mb`` — the peak of the memory Python allocated during one more
  recomputation after 1% of the values changed (`tracemalloc`, MB; no baseline): the recomputation
  works in chunks of organisations, keeps one 64-bit integer per organisation and indicator, and
  compares one indicator's rows (held and computed, as integer columns) at a time, so this grows
  linearly but slowly with N.

On PostgreSQL every run leaves the rows it rolls back as dead tuples: vacuum the database between runs.
Seen at 85,000 organisations when runs followed each other: the recomputation's first query (the
organisations joined with their municipalities, 35 ms) took 8 s and the figures doubled at random —
most likely autovacuum analysing a table of dead tuples during a run (the planner then takes it for
empty); with autovacuum off on that database and VACUUM FULL before each run the figures were stable.
- ``monitoring.index_max_abs_diff`` — the largest difference between the index computed by Novator and
  by the SQL query, in points; 0 means both compute the same thing (no baseline).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import figure

YEAR = "2023/24"
ORGS_PER_MUNICIPALITY = 25
WEIGHTS = {
    "involved_share": {"weight": 2.0, "lower": 0.0, "upper": 100.0},
    "partners": {"weight": 1.0, "lower": 0.0, "upper": 10.0},
    "statuses": {"weight": 1.0, "lower": 0.0, "upper": 3.0},
}

BASELINE_SQL = """
WITH raw AS (
    SELECT dv.organization_id AS org,
           MAX(CASE WHEN e.code = 'teachers' THEN dv.value END) AS teachers,
           MAX(CASE WHEN e.code = 'teachers_involved' THEN dv.value END) AS involved,
           MAX(CASE WHEN e.code = 'partners' THEN dv.value END) AS partners,
           MAX(CASE WHEN e.code = 'statuses_held' THEN dv.value END) AS statuses
    FROM monitoring_datavalue dv JOIN monitoring_dataelement e ON e.id = dv.element_id
    WHERE dv.academic_year = %s
    GROUP BY dv.organization_id
), ind AS (
    SELECT org,
           CASE WHEN teachers IS NULL OR teachers = 0 OR involved IS NULL THEN NULL
                ELSE involved * 100.0 / teachers END AS share,
           partners, statuses
    FROM raw
), norm AS (
    SELECT org,
           CASE WHEN share IS NULL THEN NULL WHEN share <= 0 THEN 0.0 WHEN share >= 100 THEN 1.0
                ELSE share / 100.0 END AS s1,
           CASE WHEN partners IS NULL THEN NULL WHEN partners <= 0 THEN 0.0 WHEN partners >= 10 THEN 1.0
                ELSE partners / 10.0 END AS s2,
           CASE WHEN statuses IS NULL THEN NULL WHEN statuses <= 0 THEN 0.0 WHEN statuses >= 3 THEN 1.0
                ELSE statuses / 3.0 END AS s3
    FROM ind
), idx AS (
    SELECT org,
           (CASE WHEN s1 IS NULL THEN 0 ELSE 2 END + CASE WHEN s2 IS NULL THEN 0 ELSE 1 END
            + CASE WHEN s3 IS NULL THEN 0 ELSE 1 END) AS covered,
           (COALESCE(2 * s1, 0) + COALESCE(s2, 0) + COALESCE(s3, 0)) AS acc
    FROM norm
)
SELECT o.id, o.municipality_id,
       CASE WHEN idx.covered * 2 < 4 THEN NULL ELSE 100.0 * idx.acc / idx.covered END AS index_value,
       AVG(CASE WHEN idx.covered * 2 < 4 THEN NULL ELSE 100.0 * idx.acc / idx.covered END)
           OVER (PARTITION BY o.municipality_id) AS municipality_mean
FROM idx JOIN organizations_organization o ON o.id = idx.org
WHERE o.is_active
"""


def _django() -> None:
    """Configure Django when the caller has not (the test settings: a temporary SQLite database)."""
    from django.conf import settings

    if settings.configured:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


class _Rollback(Exception):
    pass


def _instance(n: int, seed: int) -> None:
    from novator.monitoring import services
    from novator.monitoring.models import DataElement, DataValue, ElementSource, Indicator
    from novator.organizations.models import (
        Municipality,
        Organization,
        OrganizationKind,
        OrganizationSubtype,
        Region,
    )

    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    code = next(f"{c:02d}" for c in range(99, 0, -1) if not Region.objects.filter(code=f"{c:02d}").exists())
    region = Region.objects.create(code=code, name=f"Bench region {code}")
    municipalities = Municipality.objects.bulk_create(
        [
            Municipality(region=region, name=f"Bench municipality {i}", oktmo=f"{code}9{i:05d}")
            for i in range(max(1, n // ORGS_PER_MUNICIPALITY))
        ]
    )
    orgs = Organization.objects.bulk_create(
        [
            Organization(
                municipality=municipalities[i % len(municipalities)],
                full_name=f"Bench organisation {i}",
                short_name=f"Bench {i}",
                kind=OrganizationKind.values[i % len(OrganizationKind.values)],
                subtype=OrganizationSubtype.SOSH,
                inn=f"{code}9{i:07d}",
                ogrn=f"{code}9{i:010d}",
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    teachers = DataElement.objects.create(code="teachers", name="teachers", source=ElementSource.COLLECTED)
    involved = DataElement.objects.create(
        code="teachers_involved", name="involved", source=ElementSource.COLLECTED, not_greater_than=teachers
    )
    partners = DataElement.objects.create(code="partners", name="partners", source=ElementSource.COLLECTED)
    DataElement.objects.create(code="statuses_held", name="statuses", source=ElementSource.DERIVED)
    Indicator.objects.create(
        code="involved_share",
        name="share",
        numerator="teachers_involved",
        denominator="teachers",
        factor=Decimal(100),
    )
    Indicator.objects.create(code="partners", name="partners", numerator="partners")
    Indicator.objects.create(code="statuses", name="statuses", numerator="statuses_held")
    services.index_weights_change(actor=None, weights=WEIGHTS, note="bench")
    values = []
    for org in orgs:
        t = rng.randint(10, 120)
        values += [
            DataValue(element=teachers, organization=org, academic_year=YEAR, value=t, source="collected"),
            DataValue(
                element=involved,
                organization=org,
                academic_year=YEAR,
                value=rng.randint(0, t),
                source="collected",
            ),
            DataValue(
                element=partners,
                organization=org,
                academic_year=YEAR,
                value=rng.randint(0, 12),
                source="collected",
            ),
        ]
    DataValue.objects.bulk_create(values, batch_size=5000)


def _change_collected(offset: int) -> int:
    """Add 1 to every 100th collected value of the year (by id, from `offset`): a deterministic 1%."""
    from django.db import connection

    from novator.monitoring.models import DataValue

    table = connection.ops.quote_name(DataValue._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE academic_year = %s AND source = %s ORDER BY id",  # noqa: S608
            [YEAR, "collected"],
        )
        sample = [(row[0],) for row in cursor.fetchall()[offset % 100 :: 100]]
        cursor.executemany(f"UPDATE {table} SET value = value + 1 WHERE id = %s", sample)  # noqa: S608
    return len(sample)


def run(scale_orgs: int) -> list[dict[str, Any]]:
    """Time the recomputation for `scale_orgs` synthetic organisations against one raw SQL query."""
    if scale_orgs < 1:
        raise ValueError("scale_orgs must be positive")
    _django()
    from django.db import connection, transaction

    from novator.monitoring import services
    from novator.monitoring.models import IndicatorValue, Level

    rows: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            _instance(scale_orgs, seed=11)
            services.values_recompute(actor=None, academic_year=YEAR)  # warm caches and the query plans
            recompute = []
            for _ in range(3):
                started = time.perf_counter()
                services.values_recompute(actor=None, academic_year=YEAR)
                recompute.append(time.perf_counter() - started)
            changed = []
            for offset in range(3):
                _change_collected(offset)
                started = time.perf_counter()
                services.values_recompute(actor=None, academic_year=YEAR)
                changed.append(time.perf_counter() - started)
            _change_collected(3)
            tracemalloc.start()
            try:
                services.values_recompute(actor=None, academic_year=YEAR)
                _current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            baseline = []
            result: list[Any] = []
            for _ in range(3):
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(BASELINE_SQL, [YEAR])
                    result = cursor.fetchall()
                baseline.append(time.perf_counter() - started)
            ours = dict(
                IndicatorValue.objects.filter(
                    academic_year=YEAR, level=Level.ORGANIZATION, indicator__code="index"
                ).values_list("organization_id", "value")
            )
            diff = max(
                (
                    abs(float(ours[org]) - float(value))
                    for org, _m, value, _mean in result
                    if value is not None
                ),
                default=0.0,
            )
            if len(ours) != sum(1 for row in result if row[2] is not None):
                diff = float("inf")
            scale = f"{scale_orgs} orgs"
            db = connection.vendor
            rows = [
                figure("monitoring.recompute", scale, min(recompute), "s", min(baseline), db=db),
                figure("monitoring.recompute_changed", scale, min(changed), "s", min(baseline), db=db),
                figure(
                    "monitoring.recompute_per_org",
                    scale,
                    min(recompute) / scale_orgs * 1000,
                    "ms",
                    None,
                    db=db,
                ),
                figure("monitoring.recompute_peak_mb", scale, peak / 2**20, "MB", None, db=db),
                figure("monitoring.index_max_abs_diff", scale, diff, "points", None, db=db),
            ]
            raise _Rollback
    except _Rollback:
        pass
    return rows


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    print(json.dumps(run(size), ensure_ascii=False, indent=2))
