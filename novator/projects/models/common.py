"""Pieces shared by the models of the projects app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from novator.core.academic_year import AcademicYear

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX", 10: "X"}


def validate_academic_year(value: str) -> None:
    """`2022/23`: four digits, a slash and the next year's last two digits."""
    year = AcademicYear.parse_valid(value or "")
    if str(year) != value:
        raise ValidationError(_("Write the academic year as 2022/23."), code="academic_year")


def roman(number: int) -> str:
    return ROMAN.get(number, str(number))
