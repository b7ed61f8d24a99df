"""The ranking of a contest per category — raw and calibrated side by side — and the agreement of the experts.

`contest_ranking(contest)` reads the submitted sheets once (five queries whatever the size) and ranks the
applications twice with the same rules (`contests/scoring.py`): on the experts' raw totals, and on the
totals calibrated for each expert's leniency (`calibration.py`, experts with at least
`contest.calibration_min_sheets` sheets). `Ranking.categories` is the official one (the contest's
`official_ranking`): the chair confirms it and the minutes print it. The agreement — spread per
application, Kendall's W, ICC and the leniency of each expert (`agreement.py`) — comes from the raw totals.

`types.py` holds the result types, `compute.py` the computation (numpy columns), `cache.py` the cache of
computed rankings (a summary and the rows in chunks); this front is what the pages, services and
documents call.
"""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects

from novator.contests.models import Category, Contest, Criterion

from . import cache, compute
from .types import (
    Agreement,
    CategoryRanking,
    ExpertLeniency,
    Ranking,
    RankingRow,
)

__all__ = [
    "Agreement",
    "CategoryRanking",
    "ExpertLeniency",
    "Ranking",
    "RankingRow",
    "contest_ranking",
]


def contest_ranking(contest: Contest) -> Ranking:
    """The proposed rankings from the submitted sheets, with the agreement figures.

    Cached (`cache.py`): a miss takes six queries whatever the size, a hit three (plus one for the
    applications when they are shown, and one for the chunks of rows that are used).
    """
    prefetch_related_objects(
        [contest], Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk"))
    )
    criteria = list(contest.criteria.all())
    categories = list(Category.objects.filter(contest=contest).order_by("position", "pk"))
    return cache.cached_ranking(
        contest, criteria, categories, lambda: compute.compute_ranking(contest, criteria, categories)
    )
