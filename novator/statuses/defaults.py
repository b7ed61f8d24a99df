"""The status kinds every installation starts with (the data migrations 0002 and 0004 hold a frozen copy)."""

from __future__ import annotations

from typing import Any

DEFAULT_KINDS: list[dict[str, Any]] = [
    {
        "code": "MIP",
        "abbreviation": "МИП",
        "name": "муниципальная инновационная площадка",
        "level": "municipal",
        "default_term_years": 3,
    },
    {
        "code": "MLSV",
        "abbreviation": "МЛСВ",
        "name": "муниципальный лидер сетевого взаимодействия",
        "level": "municipal",
        "default_term_years": 3,
    },
    {
        "code": "KIP",
        "abbreviation": "КИП",
        "name": "краевая инновационная площадка",
        "level": "regional",
        "default_term_years": 3,
    },
    {
        "code": "RIP",
        "abbreviation": "РИП",
        "name": "региональная инновационная площадка",
        "level": "regional",
        "default_term_years": 3,
    },
    {
        "code": "FIP",
        "abbreviation": "ФИП",
        "name": "федеральная инновационная площадка",
        "level": "federal",
        "default_term_years": 5,
    },
]


def ensure_default_kinds() -> int:
    """Create the default kinds that are missing (never changes existing ones); returns how many."""
    from .models import StatusKind

    existing = set(
        StatusKind.objects.filter(code__in=[k["code"] for k in DEFAULT_KINDS]).values_list("code", flat=True)
    )
    missing = [StatusKind(**spec) for spec in DEFAULT_KINDS if spec["code"] not in existing]
    StatusKind.objects.bulk_create(missing)
    return len(missing)
