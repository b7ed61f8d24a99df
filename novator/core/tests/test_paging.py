"""`Concatenated`: ordered querysets read one after another as one list."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from novator.core.paging import Concatenated
from novator.organizations.models import Municipality, Region


@pytest.fixture
def regions(db):
    # 7 regions: codes 71..77; the parts split them 3 / 0 / 4
    return [Region.objects.create(code=str(70 + i), name=f"Region {i}") for i in range(1, 8)]


def _parts(whole=frozenset()):
    ordered = Region.objects.order_by("code")
    return Concatenated(
        ordered.filter(code__lte="73"), ordered.filter(code="99"), ordered.filter(code__gt="73"), whole=whole
    )


CODES = [str(70 + i) for i in range(1, 8)]


@pytest.mark.parametrize(
    "cut",
    [
        slice(0, 2),
        slice(0, 3),
        slice(0, 5),
        slice(2, 5),
        slice(3, 7),
        slice(5, 100),
        slice(0, None),
        slice(4, None),
        slice(9, 12),
        slice(3, 3),
    ],
)
@pytest.mark.parametrize("whole", [frozenset(), frozenset({0}), frozenset({0, 1, 2}), frozenset({2})])
def test_slices_are_those_of_the_whole_list(regions, cut, whole):
    assert [r.code for r in _parts(whole)[cut]] == CODES[cut]
    counted = _parts(whole)
    assert counted.count() == 7
    assert [r.code for r in counted[cut]] == CODES[cut]


def test_a_part_read_whole_has_no_limit(regions, django_assert_num_queries):
    with django_assert_num_queries(3) as captured:
        assert [r.code for r in _parts(frozenset({0}))[:5]] == CODES[:5]
    first, empty, third = (q["sql"] for q in captured.captured_queries)
    assert "LIMIT" not in first and "LIMIT" in empty and "LIMIT" in third


def test_a_slice_from_the_start_reads_only_the_parts_it_needs(regions, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(_parts()[:3]) == 3
    with django_assert_num_queries(3):  # the first, the empty one, and the third for the rest
        assert len(_parts()[:5]) == 5
    # an offset needs the counts (one per part) to know where it falls
    with django_assert_num_queries(3 + 1):
        assert [r.code for r in _parts()[4:6]] == CODES[4:6]


def test_counted_once_then_only_the_parts_of_the_page(regions, django_assert_num_queries):
    items = _parts()
    with django_assert_num_queries(3):
        assert items.count() == len(items) == 7
    with django_assert_num_queries(1):  # counts known: the third part alone
        assert [r.code for r in items[5:7]] == CODES[5:7]
    pages = Paginator(_parts(), 3)
    assert [[r.code for r in pages.page(n).object_list] for n in pages.page_range] == [
        CODES[0:3],
        CODES[3:6],
        CODES[6:7],
    ]


def test_items_and_iteration(regions):
    items = _parts()
    assert items[0].code == "71" and items[3].code == "74" and items[6].code == "77"
    with pytest.raises(IndexError):
        items[7]
    with pytest.raises(IndexError):
        items[-1]
    with pytest.raises(ValueError):
        items[0:5:2]
    assert [r.code for r in items] == CODES


def test_prefetches_are_done_once_for_the_slice(regions, django_assert_num_queries):
    for region in regions:
        Municipality.objects.create(region=region, name=f"M {region.code}", oktmo=f"{region.code}000000")
    ordered = Region.objects.order_by("code").prefetch_related("municipalities")
    items = Concatenated(ordered.filter(code__lte="73"), ordered.filter(code__gt="73"))
    with django_assert_num_queries(2 + 2 + 1):  # two counts, two reads, one prefetch
        page = Paginator(items, 5).page(1).object_list
        assert [[m.name for m in r.municipalities.all()] for r in page] == [[f"M {c}"] for c in CODES[:5]]
