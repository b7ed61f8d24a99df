"""Generating valid ИНН/ОГРН for demo and synthetic data (check digits computed, not hard-coded).

Real identifiers are validated with python-stdnum in `validators.py`; this module only makes numbers.
"""

from __future__ import annotations

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn_check_digit(first9: str) -> str:
    return str(sum(int(d) * w for d, w in zip(first9, _INN10_WEIGHTS, strict=True)) % 11 % 10)


def make_inn(tax_office: str, serial: int) -> str:
    """ИНН of a legal entity: 4-digit tax office code (e.g. 2328), 5-digit serial, check digit."""
    if len(tax_office) != 4 or not tax_office.isdigit():
        raise ValueError("tax office code must have 4 digits")
    first9 = f"{tax_office}{serial % 100_000:05d}"
    return first9 + inn_check_digit(first9)


def ogrn_check_digit(first12: str) -> str:
    return str(int(first12) % 11 % 10)


def make_ogrn(year: int, region: str, serial: int, sign: str = "1") -> str:
    """ОГРН: sign (1), year of registration (2 digits), region (2), 7-digit serial, check digit."""
    first12 = f"{sign}{year % 100:02d}{region}{serial % 10_000_000:07d}"
    return first12 + ogrn_check_digit(first12)
