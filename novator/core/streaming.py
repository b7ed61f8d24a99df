"""Streamed downloads that fail before their first byte, not in the middle.

A `StreamingHttpResponse` sends its status line before the iterator runs: a query that fails at the
first row would be a 200 cut off mid-file. `primed` runs the iterator up to its first item while the
view can still answer an error page (parameters are validated before that, by a form or serializer).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import TypeVar

T = TypeVar("T")


def primed(items: Iterable[T]) -> Iterator[T]:
    """`items` as an iterator whose first item is already computed (its query has run)."""
    iterator = iter(items)
    for first in iterator:
        return chain((first,), iterator)
    return iter(())
