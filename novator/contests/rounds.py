"""The arithmetic of professional contests: cumulative scores across rounds, places and advancement.

Pure functions on plain data (no ORM), like `scoring.py`; `expertise.services.rounds` reads the sheets and
hands the numbers in.

**Round score** of a nominee: the mean of the weighted totals of the submitted sheets of the round's jury
(`scoring.application_total` over the round's criteria).

**Cumulative score** (`Contest.score_formula`):

- ``sum`` — the sum of the nominee's scores of every round so far, this one included;
- ``last`` — the score of this round only (earlier rounds only decide who gets here).

A nominee without a score in this round has no cumulative score, no place and does not advance.

**Places** are counted within each nomination (category) by cumulative score, highest first, with
*competition ranking* (1, 2, 2, 4); the order of equal scores is: higher score of this round, then the
lower application number.

**Advancement** (`Round.advance_rule`):

- ``top`` N — places 1…N of each nomination advance; a tie at place N advances everyone tied (so one more
  may advance than N, never fewer);
- ``threshold`` T — every nominee whose cumulative score is at least T advances.

**Distinctions** after the last round: place 1 is the winner (a tie makes joint winners), places 2…P are
laureates (P = `Contest.laureates_per_nomination`), everyone else scored is a participant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .scoring import competition_ranks

SUM = "sum"
LAST = "last"
TOP = "top"
THRESHOLD = "threshold"
WINNER = "winner"
LAUREATE = "laureate"
PARTICIPANT = "participant"


@dataclass(frozen=True)
class EntryScores:
    """One nominee in a round: this round's score and the scores of the earlier rounds (in order)."""

    application_id: int
    nomination_id: int | None
    round_total: Decimal | None
    earlier: Sequence[Decimal | None] = ()
    number: int | None = None


@dataclass(frozen=True)
class Standing:
    application_id: int
    nomination_id: int | None
    round_total: Decimal | None
    cumulative: Decimal | None
    rank: int | None
    advanced: bool


def cumulative(
    round_total: Decimal | None, earlier: Sequence[Decimal | None], formula: str
) -> Decimal | None:
    """The cumulative score by `formula` (``sum`` or ``last``); None without a score in this round."""
    if round_total is None:
        return None
    if formula == SUM:
        return sum((Decimal(t) for t in earlier if t is not None), Decimal(0)) + round_total
    if formula == LAST:
        return round_total
    raise ValueError(f"unknown formula {formula!r}")


def advances(rank: int | None, total: Decimal | None, rule: str, value: Decimal) -> bool:
    """Whether a nominee with this place and cumulative score advances under `rule`."""
    if rank is None or total is None:
        return False
    if rule == TOP:
        return rank <= int(value)
    if rule == THRESHOLD:
        return total >= value
    raise ValueError(f"unknown rule {rule!r}")


def standings(
    entries: Iterable[EntryScores], *, formula: str, rule: str, value: Decimal
) -> dict[int | None, list[Standing]]:
    """Places and advancement within each nomination; rows in the order of the places."""
    by_nomination: dict[int | None, list[tuple[EntryScores, Decimal | None]]] = {}
    for entry in entries:
        by_nomination.setdefault(entry.nomination_id, []).append(
            (entry, cumulative(entry.round_total, entry.earlier, formula))
        )
    result: dict[int | None, list[Standing]] = {}
    for nomination_id, rows in by_nomination.items():
        rows.sort(
            key=lambda item: (
                item[1] is None,
                -(item[1] or 0),
                -(item[0].round_total or 0),
                item[0].number if item[0].number is not None else 2**63,
                item[0].application_id,
            )
        )
        ranks = competition_ranks([total for _entry, total in rows])
        result[nomination_id] = [
            Standing(
                application_id=entry.application_id,
                nomination_id=nomination_id,
                round_total=entry.round_total,
                cumulative=total,
                rank=rank,
                advanced=advances(rank, total, rule, value),
            )
            for (entry, total), rank in zip(rows, ranks, strict=True)
        ]
    return result


def distinction(rank: int | None, places: int) -> str:
    """``winner`` for place 1, ``laureate`` for places 2…`places`, else ``participant``."""
    if rank == 1:
        return WINNER
    if rank is not None and rank <= places:
        return LAUREATE
    return PARTICIPANT


def distinctions(rows: Mapping[int | None, Sequence[Standing]], places: int) -> dict[int, str]:
    """The distinction of every nominee of the final round, by application id."""
    return {row.application_id: distinction(row.rank, places) for group in rows.values() for row in group}
