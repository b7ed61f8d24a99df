"""The numpy helpers shared by the ranking and the monitoring recompute."""

from __future__ import annotations

import numpy as np

from novator.core.arrays import first_seen, positions


def test_positions_find_each_key_in_unsorted_ids_and_mark_the_missing() -> None:
    ids = np.array([30, 10, 20])
    assert positions(ids, np.array([10, 30, 99, 20, 5, 30])).tolist() == [1, 0, -1, 2, -1, 0]
    assert positions(np.array([], dtype=np.int64), np.array([1, 2])).tolist() == [-1, -1]
    assert positions(ids, np.array([], dtype=np.int64)).tolist() == []


def test_first_seen_codes_keys_as_a_dict_filled_in_row_order() -> None:
    keys = np.array([7, 5, 7, 9, 5])
    distinct, codes, first = first_seen(keys)
    seen: dict[int, int] = {}
    expected = [seen.setdefault(int(k), len(seen)) for k in keys]
    assert distinct.tolist() == list(seen) == [7, 5, 9]
    assert codes.tolist() == expected == [0, 1, 0, 2, 1]
    assert first.tolist() == [0, 1, 3]
