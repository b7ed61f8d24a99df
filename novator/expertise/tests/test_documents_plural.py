"""The documents are Russian whatever the interface language: their plurals come from the catalogue."""

from __future__ import annotations

import pytest
from django.utils import translation

from novator.expertise.documents import _years


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 год"),
        (2, "2 года"),
        (4, "4 года"),
        (5, "5 лет"),
        (11, "11 лет"),
        (12, "12 лет"),
        (21, "21 год"),
        (22, "22 года"),
        (111, "111 лет"),
        (0, "0 лет"),
    ],
)
def test_the_term_in_years_takes_the_russian_plural_form_in_any_language(n, expected):
    with translation.override("en"):
        assert _years(n) == expected
