"""The municipality of a postal address, however the district or city is written.

The federal registry of accredited organisations has no ОКТМО, only a postal address. Districts and
municipal okrugs are written «Выселковский район», «р-н Выселковский», «Выселковский р-н»,
«Выселковский муниципальный округ»; urban okrugs «г. Краснодар», «город Краснодар», «Краснодар г».
Both the municipality's name and each comma-separated part of the address are reduced to a key
(district or city, and the name without the words that say which), and the keys are compared.
A district in the address wins over a city: in «Кореновский р-н, г. Кореновск» the town belongs to the
district, it is not a municipality of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from novator.core.text import fold

DISTRICT, CITY = "district", "city"

_WORD = re.compile(r"[0-9a-zа-я]+(?:-[0-9a-zа-я]+)*")
#: Words (after folding, without dots) that mark a district or a municipal okrug.
_DISTRICT_MARKS = {"район", "р-н", "рн", "р-он", "округ", "мо", "мр", "м-н", "р"}
#: Words that mark a city (an urban okrug).
_CITY_MARKS = {"г", "город", "гор", "город-курорт", "город-герой", "го", "городской"}
#: Words that carry no name: what kind of municipality it is.
_NOISE = {
    "муниципальный",
    "муниципальное",
    "муниципального",
    "образование",
    "образования",
    "м",
    "н",
    "о",
    "курорт",
    "ое",
    "й",
}
#: Parts of an address that are no municipality: the region, streets, settlements and houses.
_NOT_A_MUNICIPALITY = {
    "край",
    "область",
    "обл",
    "республика",
    "респ",
    "ао",
    "автономный",
    "ул",
    "улица",
    "пер",
    "переулок",
    "пр-кт",
    "проспект",
    "пл",
    "площадь",
    "д",
    "дом",
    "ст-ца",
    "станица",
    "х",
    "хутор",
    "пос",
    "п",
    "поселок",
    "пгт",
    "с",
    "село",
    "мкр",
    "микрорайон",
    "кв",
    "корп",
    "стр",
}

Key = tuple[str, str]
T = TypeVar("T")


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text).replace(".", ". ").replace("ё", "е"))


def place_key(text: str) -> Key | None:
    """(DISTRICT or CITY, the name) of a municipality's name or of one part of an address; None when
    the text names no district or city.

    «Выселковский район», «р-н Выселковский», «Выселковский муниципальный округ» → (district,
    «выселковский»); «г. Краснодар», «город Краснодар», «муниципальное образование город Краснодар» →
    (city, «краснодар»).
    """
    words = _words(text)
    if not words or any(w in _NOT_A_MUNICIPALITY for w in words):
        return None
    kind = None
    if any(w in _CITY_MARKS for w in words):
        kind = CITY
    elif any(w in _DISTRICT_MARKS for w in words):
        kind = DISTRICT
    name = [w for w in words if w not in _DISTRICT_MARKS | _CITY_MARKS | _NOISE and not w.isdigit()]
    if not name:
        return None
    if kind is None:
        # A bare adjective («Выселковский») is a district; a bare noun is not told apart from a village.
        if len(name) == 1 and name[0].endswith(("ский", "цкий", "ской", "цкой")):
            kind = DISTRICT
        else:
            return None
    return kind, " ".join(name)


def address_keys(address: str) -> list[Key]:
    """The district and city keys of an address, districts first, in the address's order."""
    keys = [key for part in address.split(",") if (key := place_key(part)) is not None]
    return [k for k in keys if k[0] == DISTRICT] + [k for k in keys if k[0] == CITY]


class PlaceIndex(Generic[T]):
    """Municipalities (or anything with a name) found by the district or city an address names."""

    def __init__(self, items: Iterable[T], name: Callable[[T], str] = str) -> None:
        self.by_key: dict[Key, list[T]] = {}
        for item in items:
            key = place_key(name(item))
            if key is not None:
                self.by_key.setdefault(key, []).append(item)

    def find(self, address: str) -> T | None:
        """The one municipality the address names; None when it names none we know, or several."""
        for key in address_keys(address):
            found = self.by_key.get(key, [])
            if len(found) == 1:
                return found[0]
        return None
