"""The ranking computed from the submitted sheets: two queries read the applications and the sheets'
totals into numpy columns, `contests.scoring.rank_columns` ranks them raw and calibrated
(`calibration.py`), `agreement.py` measures how the experts agree. Python's cycle collector is paused
while the hundred thousand result objects are built (`_cyclic_gc_paused`)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Hashable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, cast

import numpy as np
from django.db import connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, DenseRank

from novator.accounts.models import User, display_name
from novator.contests import scoring
from novator.contests.models import (
    Application,
    ApplicationState,
    Category,
    Contest,
    Criterion,
    OfficialRanking,
)
from novator.core.arrays import positions

from .. import agreement, calibration
from ..models import Assignment, Expert, Score, ScoreSheet
from ..selectors._common import SUBMITTED, accepted_applications, criterion_specs
from ..sheet_columns import Sheets
from .types import (
    Agreement,
    CategoryRanking,
    ExpertLeniency,
    RankedApplications,
    Ranking,
    RankingRow,
)

CENT = Decimal("0.01")


def _cents(values: np.ndarray) -> np.ndarray:
    """Each float rounded half-up to cents as `Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)` rounds
    it (the shortest decimal that reads back as the float): in floats, and through `Decimal` only for a
    value within a millionth of a cent of a half, where the float product could round the other way."""
    scaled = values * 100
    cents = np.floor(scaled + 0.5)
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for i in np.flatnonzero(near_half).tolist():
        cents[i] = int(Decimal(str(float(values[i]))).quantize(CENT, rounding=ROUND_HALF_UP).scaleb(2))
    return cents.astype(np.int64)


def _places(keys: Sequence[Hashable], chosen: Sequence[Hashable]) -> np.ndarray:
    """For each of `keys` (by code), its place among `chosen`, or -1."""
    code = {key: i for i, key in enumerate(keys)}
    places = np.full(len(keys), -1)
    places[[code[key] for key in chosen]] = np.arange(len(chosen))
    return places


def _agreement(
    contest: Contest, sheets: Sheets, names: dict[int, str], calibrated: set[Hashable]
) -> Agreement:
    threshold = contest.spread_threshold
    concordance = agreement.concordance(sheets)
    result = Agreement(
        threshold=threshold,
        concordance=concordance,
        experts=len(sheets.experts),
        applications=len(sheets.applications),
        icc1=agreement.icc1_oneway(sheets),
    )
    if concordance.w is not None and len(concordance.experts) >= 2 and len(concordance.applications) >= 2:
        # the block's totals: the sheets of its experts on its applications (each pair has one)
        row_of = _places(sheets.applications, concordance.applications)
        column_of = _places(sheets.experts, concordance.experts)
        rows, columns = row_of[sheets.application], column_of[sheets.expert]
        inside = (rows >= 0) & (columns >= 0)
        block = np.empty((len(concordance.applications), len(concordance.experts)))
        block[rows[inside], columns[inside]] = sheets.total[inside]
        result.icc2_1 = agreement.icc(block)["icc2_1"]
    result.leniency = [
        ExpertLeniency(
            cast("int", item.expert),  # the sheets name experts by their ids
            names[cast("int", item.expert)],
            item.applications,
            item.mean_deviation,
            item.se,
            item.expert in calibrated,
        )
        for item in agreement.leniency(sheets)
        if item.expert in names
    ]
    return result


class _Applicant(NamedTuple):
    pk: int
    category_id: int | None
    number: int | None
    #: the order of the submission times (equal times share one; no time comes last)
    submitted_order: int
    #: how many assignments the application has
    assigned: int


#: the units of a weighted sheet total: points have one decimal, weights two (a whole number of 10^-3)
POINTS_SCALE = Score._meta.get_field("points").decimal_places
WEIGHT_SCALE = Criterion._meta.get_field("weight").decimal_places
TOTAL_SCALE = POINTS_SCALE + WEIGHT_SCALE


def _sheet_columns(contest: Contest, specs: list[scoring.CriterionSpec]) -> np.ndarray:
    """One row per submitted sheet of an accepted application of the contest, all integers: application
    id, expert id, sheet id, the weighted total in 10^-TOTAL_SCALE points and the points on the first
    criterion in 10^-POINTS_SCALE points.

    One aggregate query: the database sums the totals in exact integers (the criteria's weights are known
    here, so no join to the criteria), and 50,000 sheets come back as 50,000 short rows.
    """
    points = f"CAST(ROUND(s.points * {10**POINTS_SCALE}) AS INTEGER)"
    weighted = " ".join(
        f"WHEN {int(spec.id)} THEN {points} * {int(spec.weight.scaleb(WEIGHT_SCALE))}" for spec in specs
    )
    total = f"CASE s.criterion_id {weighted} ELSE 0 END" if specs else "0"
    first = int(scoring.ordered_criteria(specs)[0].id) if specs else 0
    sql = f"""
        SELECT asg.application_id, asg.expert_id, sh.id,
               COALESCE(SUM({total}), 0),
               COALESCE(SUM(CASE WHEN s.criterion_id = {first} THEN {points} ELSE 0 END), 0)
        FROM {ScoreSheet._meta.db_table} sh
        JOIN {Assignment._meta.db_table} asg ON asg.id = sh.assignment_id
        JOIN {Application._meta.db_table} app ON app.id = asg.application_id
        LEFT JOIN {Score._meta.db_table} s ON s.sheet_id = sh.id AND s.points IS NOT NULL
        WHERE app.contest_id = %s AND app.state = %s AND sh.state = %s
        GROUP BY asg.id, sh.id
    """  # noqa: S608 - only integers (ids, weights) and table names are formatted into it
    with connection.cursor() as cursor:
        cursor.execute(sql, [contest.pk, ApplicationState.ACCEPTED, SUBMITTED])
        rows = cursor.fetchall()
    return np.array(rows, dtype=np.int64).reshape(-1, 5)


class _PerApplication(NamedTuple):
    sheets: np.ndarray
    sums: np.ndarray
    minimum: np.ndarray
    maximum: np.ndarray
    #: each application's sheet totals, as a list of ints
    units: list[list[int]]


def _per_application(application: np.ndarray, units: np.ndarray, count: int) -> _PerApplication:
    """Of sheets sorted by application: the count, the sum, the smallest and the largest units of each
    application, and each one's list of units."""
    sheets = np.bincount(application, minlength=count)
    sums = np.bincount(application, weights=units, minlength=count).round().astype(np.int64)
    bounds = np.concatenate(([0], np.cumsum(sheets)))
    minimum = np.zeros(count, dtype=np.int64)
    maximum = np.zeros(count, dtype=np.int64)
    scored = sheets > 0
    if scored.any():
        minimum[scored] = np.minimum.reduceat(units, bounds[:-1][scored])
        maximum[scored] = np.maximum.reduceat(units, bounds[:-1][scored])
    flat = units.tolist()
    return _PerApplication(
        sheets, sums, minimum, maximum, [flat[bounds[i] : bounds[i + 1]] for i in range(count)]
    )


def _expert_names(ids: list[int]) -> dict[int, str]:
    """The names of these experts as shown (`User.display_name`), without the model instances."""
    names: dict[int, str] = {}
    for start in range(0, len(ids), 10_000):  # (a database takes only so many parameters at once)
        names.update(
            (pk, display_name(*name))
            for pk, *name in Expert.objects.filter(pk__in=ids[start : start + 10_000]).values_list(
                "pk", *(f"user__{field}" for field in User.NAME_FIELDS)
            )
        )
    return names


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector paused: a computation that builds a hundred thousand objects, all alive
    until it returns, would otherwise have them traversed again and again (a third of its time) for no
    garbage; whatever cycles it leaves are collected once it is back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Inputs(NamedTuple):
    """What the rankings are computed from: the accepted applications and their submitted sheets, in
    columns (the applications in the order of `accepted_applications`, the sheets by application)."""

    applications: list[_Applicant]
    ids: np.ndarray
    #: each application's category, as its position among the contest's categories (the last: none)
    category: np.ndarray
    submitted: np.ndarray
    numbers: np.ndarray
    quotas: np.ndarray
    #: each sheet's application (its index in `ids`), expert and weighted total (10^-TOTAL_SCALE points)
    sheet_app: np.ndarray
    sheet_expert: np.ndarray
    sheet_total: np.ndarray
    raw: _PerApplication
    #: the sum of each application's points on the first criterion (the tie-break)
    first_sums: np.ndarray


def read_inputs(contest: Contest, specs: list[scoring.CriterionSpec], categories: list[Category]) -> _Inputs:
    """The applications and the sheets' totals (two queries), in columns."""
    # plain tuples, not model instances: the page reads the instances of the rows it shows; the order of
    # the submission times, not the times (the tie-break only compares them)
    assigned = (
        Assignment.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    applications = [
        _Applicant(*values)
        for values in accepted_applications(contest)
        .annotate(
            submitted_order=Window(DenseRank(), order_by=F("submitted_at").asc(nulls_last=True)),
            assigned=Coalesce(Subquery(assigned, output_field=IntegerField()), 0),
        )
        .values_list("pk", "category_id", "number", "submitted_order", "assigned")
    ]
    count = len(applications)
    ids = np.array([a.pk for a in applications], dtype=np.int64)
    code_of: dict[int | None, int] = {c.pk: i for i, c in enumerate(categories)}
    category = np.array([code_of.get(a.category_id, len(categories)) for a in applications], dtype=np.intp)

    columns = _sheet_columns(contest, specs)
    # the index of each sheet's application among the accepted ones
    index = positions(ids, columns[:, 0])
    # the submitted sheets by application (in the applications' order), then by sheet id
    known = index >= 0
    order = np.lexsort((columns[known, 2], index[known]))
    sheet_app = index[known][order]
    sheet_total = columns[known, 3][order]
    return _Inputs(
        applications=applications,
        ids=ids,
        category=category,
        submitted=np.array([a.submitted_order for a in applications], dtype=np.int64),
        numbers=np.array(
            [scoring.NO_NUMBER if a.number is None else a.number for a in applications], dtype=np.int64
        ),
        quotas=np.array([-1 if c.quota is None else c.quota for c in categories] + [-1], dtype=np.int64),
        sheet_app=sheet_app,
        sheet_expert=columns[known, 1][order],
        sheet_total=sheet_total,
        raw=_per_application(sheet_app, sheet_total, count),
        first_sums=np.bincount(sheet_app, weights=columns[known, 4][order], minlength=count)
        .round()
        .astype(np.int64),
    )


def rank_columns(
    inputs: _Inputs, sheets: _PerApplication, scale: int, threshold: Decimal
) -> scoring.RankedColumns:
    """The ranking rules over sheet totals of `scale` decimals (the raw ones, or the calibrated)."""
    return scoring.rank_columns(
        ids=inputs.ids,
        category=inputs.category,
        submitted=inputs.submitted,
        number=inputs.numbers,
        sheets=sheets.sheets,
        total_sums=sheets.sums,
        minimum=sheets.minimum,
        first_sums=inputs.first_sums,
        scale=scale,
        first_scale=POINTS_SCALE,
        threshold=threshold,
        quotas=inputs.quotas,
    )


@_cyclic_gc_paused()
def compute_ranking(contest: Contest, criteria: list[Criterion], categories: list[Category]) -> Ranking:
    """The rankings computed from the submitted sheets (four queries), in columns (numpy)."""
    inputs = read_inputs(contest, criterion_specs(criteria), categories)
    applications, ids, category, raw = inputs.applications, inputs.ids, inputs.category, inputs.raw
    sheet_app, sheet_expert, sheet_total = inputs.sheet_app, inputs.sheet_expert, inputs.sheet_total
    count = len(applications)
    threshold = contest.threshold_points
    max_total = contest.max_total
    row_ids = ids.tolist()
    category_ids = [a.category_id for a in applications]

    def rank(sheets: _PerApplication, scale: int) -> list[scoring.RankedRow]:
        return scoring.ranked_rows(
            rank_columns(inputs, sheets, scale, threshold),
            ids=row_ids,
            category_ids=category_ids,
            sheet_units=sheets.units,
            minimum=sheets.minimum.tolist(),
            maximum=sheets.maximum.tolist(),
            scale=scale,
        )

    raw_rows = cal_rows = rank(raw, TOTAL_SCALE)
    raw_sheets = Sheets.from_keys(sheet_expert, ids[sheet_app], sheet_total / 10**TOTAL_SCALE)
    calibrated_experts: set[Hashable] = set()
    if len(raw_sheets) and max_total > 0:
        cal = calibration.calibrate_columns(
            raw_sheets, (0.0, float(max_total)), min_sheets=max(2, contest.calibration_min_sheets)
        )
        calibrated_experts = {raw_sheets.experts[e] for e in np.flatnonzero(cal.experts).tolist()}
        # calibrated sheet totals are rounded to cents, as the Decimals they were
        cal_rows = rank(_per_application(sheet_app, _cents(cal.sheets), count), 2)
    raw_by_app = {r.application_id: r for r in raw_rows}
    cal_by_app = {r.application_id: r for r in cal_rows}
    official = (
        OfficialRanking.CALIBRATED
        if contest.official_ranking == OfficialRanking.CALIBRATED
        else OfficialRanking.RAW
    )
    ranked = cal_rows if official == OfficialRanking.CALIBRATED else raw_rows

    names = _expert_names([cast("int", pk) for pk in raw_sheets.experts])
    agreement_figures = _agreement(contest, raw_sheets, names, calibrated_experts)
    spreads = {s.application: s for s in agreement.spreads(raw_sheets, float(agreement_figures.threshold))}
    agreement_figures.flagged = sum(1 for s in spreads.values() if s.flagged)

    loaded = RankedApplications(contest, row_ids)
    position = {pk: i for i, pk in enumerate(row_ids)}
    codes = category.tolist()
    groups: list[list[RankingRow]] = [[] for _ in range(len(categories) + 1)]
    for r in ranked:
        i = position[r.application_id]
        groups[codes[i]].append(
            RankingRow(
                application_id=r.application_id,
                result=r,
                assigned=applications[i].assigned,
                submitted=r.sheets,
                raw=raw_by_app[r.application_id],
                calibrated=cal_by_app[r.application_id],
                spread=spreads.get(r.application_id),
                applications=loaded,
            )
        )
    result = [CategoryRanking(category=c, rows=rows) for c, rows in zip(categories, groups, strict=False)]
    if groups[-1]:
        result.append(CategoryRanking(category=None, rows=groups[-1]))
    return Ranking(
        contest=contest,
        criteria=criteria,
        threshold=threshold,
        max_total=max_total,
        categories=result,
        official=official,
        calibrated_experts=len(calibrated_experts),
        agreement=agreement_figures,
        applications=loaded,
    )


# --- the cache --------------------------------------------------------------------------------------------
#
# Computing the ranking of a 10,000-application contest takes seconds; it only changes when a sheet, an
# assignment, an application or the contest's settings change. The computed figures (plain data: ids,
# decimals, the scoring dataclasses; no model instances) are cached under a fingerprint of all of these:
# the contest's `updated_at` and its `RankingVersion` (bumped by the database on every write of its
# applications, assignments, sheets and scores: one row to read whatever the size), and the criteria and
# categories themselves (read anyway, both are small).
# A hit rebuilds the ranking from a small summary (the figures above and around the tables); the rows are
# kept in chunks of `CHUNK` under keys of their own and read when shown (the visible page), and so are the
# applications.
