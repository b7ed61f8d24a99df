"""What the registry search looks in (`Organization.search_text`). No models here: the synthetic data
generator, which writes rows without model instances, uses it before Django is set up."""

from __future__ import annotations

from novator.core.text import fold


def organization_search_text(short_name: str, full_name: str, inn: str, ogrn: str, address: str) -> str:
    """Names, ИНН, ОГРН and address, folded (lower case, ё → е)."""
    return fold(" ".join([short_name, full_name, inn, ogrn, address]))
