"""The cache of computed rankings: a summary under a fingerprint of everything the ranking depends on,
the rows in chunks read as they are shown, the experts' leniency read when asked for."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from django.core.cache import cache
from django.db.models import (
    OuterRef,
    Subquery,
)

from novator.contests.models import (
    Category,
    Contest,
    Criterion,
    OfficialRanking,
)

from ..models import RankingVersion
from . import types
from .types import (
    Agreement,
    CategoryRanking,
    ExpertLeniency,
    RankedApplications,
    Ranking,
    RankingRow,
    most_deviating,
)

#: bump when the cached structure changes
CACHE_VERSION = 4
#: rows per cached chunk (the page shows 50 rows of a category: one or two chunks)
CHUNK = 100
CACHE_TIMEOUT = 24 * 60 * 60
#: the contest's fields the ranking reads
RANKING_SETTINGS = (
    "threshold_kind",
    "threshold_value",
    "official_ranking",
    "calibration_min_sheets",
    "spread_threshold_percent",
    "score_formula",
)


def ranking_fingerprint(contest: Contest, criteria: list[Criterion], categories: list[Category]) -> str:
    """What the ranking depends on, hashed (one query: the contest's row and its `RankingVersion`, which the
    database bumps on every change of its applications, assignments, sheets and scores)."""
    version = RankingVersion.objects.filter(contest_id=OuterRef("pk")).values("version")[:1]
    state = (
        Contest.objects.filter(pk=contest.pk)
        .annotate(ranking_version=Subquery(version))
        .values_list("updated_at", "ranking_version")
        .first()
    )
    parts = [
        state,
        # the settings as given (a caller may pass a contest changed but not saved yet)
        [getattr(contest, name) for name in RANKING_SETTINGS],
        [(c.pk, c.position, c.max_points, c.weight) for c in criteria],
        [(c.pk, c.position, c.quota) for c in categories],
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _cache_key(contest: Contest, fingerprint: str) -> str:
    return f"expertise:ranking:{CACHE_VERSION}:{contest.pk}:{fingerprint}"


def _chunk_key(key: str, category: int, chunk: int) -> str:
    return f"{key}:rows:{category}:{chunk}"


PlainRow = tuple[int, int, int, Any, Any, Any]


def _to_plain(ranking: Ranking) -> dict[str, Any]:
    """The computed figures of a ranking, without model instances: a summary (everything the page shows
    above and around the tables) and the rows of each category in chunks of `CHUNK`."""
    figures = ranking.agreement
    summary = {
        "threshold": ranking.threshold,
        "max_total": ranking.max_total,
        "official": str(ranking.official),
        "calibrated_experts": ranking.calibrated_experts,
        "ids": [row.application_id for row in ranking.rows],
        "pending": ranking.pending,
        "without_sheets": [row.application_id for row in ranking.rows if row.submitted == 0],
        "categories": [
            (category.category.pk if category.category else None, category.figures)
            for category in ranking.categories
        ],
        "agreement": None
        if figures is None
        else {
            "threshold": figures.threshold,
            "concordance": figures.concordance,
            "experts": figures.experts,
            "applications": figures.applications,
            "icc1": figures.icc1,
            "icc2_1": figures.icc2_1,
            "leniency_count": len(figures.leniency),
            "leniency_kept": [
                _plain_leniency(item) for item in most_deviating(figures.leniency, types.LENIENCY_KEPT)
            ],
            "flagged": figures.flagged,
        },
    }
    chunks: list[list[list[PlainRow]]] = []
    for category in ranking.categories:
        rows: list[PlainRow] = [
            (row.application_id, row.assigned, row.submitted, row.raw, row.calibrated, row.spread)
            for row in category.rows
        ]
        chunks.append([rows[start : start + CHUNK] for start in range(0, len(rows), CHUNK)])
    leniency = [_plain_leniency(item) for item in figures.leniency] if figures is not None else []
    return {"summary": summary, "chunks": chunks, "leniency": leniency}


PlainLeniency = tuple[int, str, int, float, float | None, bool]


def _plain_leniency(item: ExpertLeniency) -> PlainLeniency:
    return (item.expert_id, item.name, item.applications, item.mean_deviation, item.se, item.calibrated)


def _leniency_key(key: str) -> str:
    return f"{key}:leniency"


def _store(key: str, plain: dict[str, Any]) -> None:
    entries: dict[str, Any] = {key: plain["summary"], _leniency_key(key): plain["leniency"]}
    for c, chunks in enumerate(plain["chunks"]):
        for n, chunk in enumerate(chunks):
            entries[_chunk_key(key, c, n)] = chunk
    # the rows first: a reader that finds the summary finds its rows (unless the cache evicts them)
    cache.set_many({k: v for k, v in entries.items() if k != key}, CACHE_TIMEOUT)
    cache.set(key, plain["summary"], CACHE_TIMEOUT)


class CachedRows(Sequence[RankingRow]):
    """The rows of one category of a cached ranking, read from the cache a chunk at a time as they are
    needed: the visible page of a 10,000-row category reads one or two chunks, not all of them."""

    def __init__(self, source: _CachedSource, category: int, size: int):
        self.source = source
        self.category = category
        self.size = size
        self.chunks: dict[int, list[RankingRow]] = {}

    def __len__(self) -> int:
        return self.size

    def _read(self, first: int, last: int) -> None:
        wanted = [n for n in range(first, last + 1) if n not in self.chunks]
        if wanted:
            self.chunks.update(self.source.read(self.category, wanted))

    @overload
    def __getitem__(self, index: int) -> RankingRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[RankingRow]: ...

    def __getitem__(self, index: int | slice) -> RankingRow | list[RankingRow]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.size)
            wanted = range(start, stop, step)
            if not wanted:
                return []
            self._read(min(wanted) // CHUNK, max(wanted) // CHUNK)
            return [self.chunks[i // CHUNK][i % CHUNK] for i in wanted]
        position = index + self.size if index < 0 else index
        if not 0 <= position < self.size:
            raise IndexError(index)
        self._read(position // CHUNK, position // CHUNK)
        return self.chunks[position // CHUNK][position % CHUNK]

    def read_rows(self) -> Iterator[RankingRow]:
        """The rows read so far, in order."""
        for n in sorted(self.chunks):
            yield from self.chunks[n]

    def __iter__(self) -> Iterator[RankingRow]:
        if self.size:
            self._read(0, (self.size - 1) // CHUNK)
        for n in range(0, (self.size - 1) // CHUNK + 1 if self.size else 0):
            yield from self.chunks[n]


class _CachedSource:
    """Reads the chunks of a cached ranking; should the cache have lost one, computes the ranking again
    (and caches it anew) and takes the rows from there."""

    def __init__(
        self, key: str, official: str, applications: RankedApplications, recompute: Callable[[], Ranking]
    ):
        self.key = key
        self.official = official
        self.applications = applications
        self.recompute = recompute
        self.fresh: Ranking | None = None

    def _row(self, plain: PlainRow) -> RankingRow:
        pk, assigned, submitted, raw, calibrated, spread = plain
        return RankingRow(
            application_id=pk,
            result=calibrated if self.official == OfficialRanking.CALIBRATED else raw,
            assigned=assigned,
            submitted=submitted,
            raw=raw,
            calibrated=calibrated,
            spread=spread,
            applications=self.applications,
        )

    def leniency(self) -> list[ExpertLeniency]:
        if self.fresh is None:
            found = cache.get(_leniency_key(self.key))
            if found is not None:
                return [ExpertLeniency(*item) for item in found]
            self.fresh = self.recompute()
        figures = self.fresh.agreement
        return list(figures.leniency) if figures is not None else []

    def read(self, category: int, chunks: list[int]) -> dict[int, list[RankingRow]]:
        if self.fresh is None:
            keys = {n: _chunk_key(self.key, category, n) for n in chunks}
            found = cache.get_many(list(keys.values()))
            if all(key in found for key in keys.values()):
                return {n: [self._row(plain) for plain in found[key]] for n, key in keys.items()}
            self.fresh = self.recompute()
        # (computed afresh, the categories may differ from the summary's if the data changed meanwhile)
        fresh = self.fresh.categories
        rows = list(fresh[category].rows) if category < len(fresh) else []
        for row in rows:
            row.applications = self.applications
        return {n: rows[n * CHUNK : (n + 1) * CHUNK] for n in chunks}


class CachedLeniency(Sequence[ExpertLeniency]):
    """The leniency of every expert of a cached ranking, read from the cache when first iterated (the page
    needs only their number and the most deviating, which the summary keeps)."""

    def __init__(self, source: _CachedSource, size: int):
        self.source = source
        self.size = size
        self.items: list[ExpertLeniency] | None = None

    def __len__(self) -> int:
        return self.size

    def _all(self) -> list[ExpertLeniency]:
        if self.items is None:
            self.items = self.source.leniency()
        return self.items

    @overload
    def __getitem__(self, index: int) -> ExpertLeniency: ...

    @overload
    def __getitem__(self, index: slice) -> list[ExpertLeniency]: ...

    def __getitem__(self, index: int | slice) -> ExpertLeniency | list[ExpertLeniency]:
        return self._all()[index]

    def __iter__(self) -> Iterator[ExpertLeniency]:
        return iter(self._all())


def _from_plain(
    contest: Contest,
    criteria: list[Criterion],
    categories: list[Category],
    summary: dict[str, Any],
    *,
    key: str,
    recompute: Callable[[], Ranking],
) -> Ranking:
    """The ranking rebuilt from its cached summary (no query); the rows are read from the cache under `key`
    as they are used (`recompute` should the cache have lost some)."""
    applications = RankedApplications(contest, summary["ids"])
    official = summary["official"]
    source = _CachedSource(key, official, applications, recompute)
    category_by_id: dict[int | None, Category | None] = {c.pk: c for c in categories}
    rows_of = [
        CategoryRanking(
            category=category_by_id.get(category_id),
            rows=CachedRows(source, index, figures.count),
            summary=figures,
        )
        for index, (category_id, figures) in enumerate(summary["categories"])
    ]
    figures = None
    cached = summary["agreement"]
    if cached is not None:
        figures = Agreement(
            threshold=cached["threshold"],
            concordance=cached["concordance"],
            experts=cached["experts"],
            applications=cached["applications"],
            icc1=cached["icc1"],
            icc2_1=cached["icc2_1"],
            leniency=CachedLeniency(source, cached["leniency_count"]),
            flagged=cached["flagged"],
            kept=[ExpertLeniency(*item) for item in cached["leniency_kept"]],
        )
    return Ranking(
        contest=contest,
        criteria=criteria,
        threshold=summary["threshold"],
        max_total=summary["max_total"],
        categories=rows_of,
        official=official,
        calibrated_experts=summary["calibrated_experts"],
        agreement=figures,
        applications=applications,
        pending_sheets=summary["pending"],
        without_sheets_ids=list(summary["without_sheets"]),
    )


def cached_ranking(
    contest: Contest, criteria: list[Criterion], categories: list[Category], compute: Callable[[], Ranking]
) -> Ranking:
    """The ranking from the cache (`compute` it and cache it on a miss)."""
    key = _cache_key(contest, ranking_fingerprint(contest, criteria, categories))

    def computed() -> Ranking:
        ranking = compute()
        _store(key, _to_plain(ranking))
        return ranking

    summary = cache.get(key)
    if summary is not None:
        return _from_plain(contest, criteria, categories, summary, key=key, recompute=computed)
    return computed()
