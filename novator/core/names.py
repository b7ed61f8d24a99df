"""Russian personal names in the cases documents need: «выдан Иванову Ивану Ивановичу», «награждается
Петрова Анна Сергеевна», «в лице Сидоровой …», and the signature «И.О. Фамилия».

The name is «Фамилия Имя Отчество» (the patronymic or even the first name may be missing). The gender
comes from the patronymic (…ич / …на, …оглы / …кызы), else from the first name in the OpenCorpora
dictionary (pymorphy3). First names are declined by the dictionary (Павел → Павлу, Любовь → Любови,
Никита → Никите; foreign names marked indeclinable stay as they are); patronymics and surnames by the
rules of Russian grammar: adjective surnames (…ский, …ой), possessive ones (…ов, …ин), nouns in …а/…я,
a consonant for men only; indeclinable ones (Черных, Дурново, Шевченко, Гюго, a woman's Кох) stay as they
are; double-barrelled ones are declined part by part.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

Case = Literal["gent", "datv"]
Gender = Literal["m", "f"]

_HUSHING = set("гкхжшщч")
_VOWELS = set("аеёиоуыэюя")


@functools.cache
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _match_case(template: str, word: str) -> str:
    """`word` (lower case) written the way `template` is: UPPER, Title or lower."""
    if template.isupper() and len(template) > 1:
        return word.upper()
    return "-".join(w[:1].upper() + w[1:] for w in word.split("-")) if template[:1].isupper() else word


def gender_of(full_name: str) -> Gender:
    """«m» or «f»: by the patronymic, else by the first name, else «m»."""
    parts = full_name.split()
    if len(parts) >= 3:
        patronymic = parts[-1].lower() if len(parts) > 3 else parts[2].lower()
        if patronymic.endswith(("ич", "оглы", "улы", "уулу")):
            return "m"
        if patronymic.endswith(("на", "кызы", "гызы")):
            return "f"
    if len(parts) >= 2:
        first = parts[1].lower()
        genders = {_name_gender(p) for p in _morph().parse(first) if "Name" in p.tag and "nomn" in p.tag}
        genders.discard(None)
        if genders == {"f"}:
            return "f"
        if "m" in genders:
            return "m"
        if first.endswith(("а", "я")):
            return "f"
    return "m"


def _name_gender(parse: Any) -> Gender | None:
    if "femn" in parse.tag:
        return "f"
    if "masc" in parse.tag or "ms-f" in parse.tag:
        return "m"
    return None


def _noun_in_a(word: str, case: Case) -> str:
    """A word ending in -а/-я declined as a noun of the first declension (Сковорода, Никита, Мария)."""
    stem, last = word[:-1], word[-1]
    if word.endswith("ия"):
        return stem + "и"
    if case == "datv":
        return stem + "е"
    if last == "я" or stem[-1:] in _HUSHING:
        return stem + "и"
    return stem + "ы"


def _first_name(word: str, case: Case, gender: Gender) -> str:
    lower = word.lower()
    parses = [
        p
        for p in _morph().parse(lower)
        if "Name" in p.tag and "nomn" in p.tag and "sing" in p.tag and _name_gender(p) == gender
    ]
    for parse in parses:
        if "Fixd" in parse.tag:
            return lower
        inflected = parse.inflect({case})
        if inflected is not None:
            return str(inflected.word)
    # not in the dictionary: a foreign or rare name, by the ending
    if "-" in lower:
        return "-".join(_first_name(part, case, gender) for part in lower.split("-"))
    last = lower[-1:]
    if last in ("а", "я") and lower[-2:-1] not in _VOWELS - {"и"}:
        return _noun_in_a(lower, case)
    if gender == "f":
        if last == "ь":
            return lower[:-1] + "и"
        return lower  # Ирэн, Кармен, Мари
    if last in _VOWELS:
        return lower  # Пьетро, Анри
    if last in ("ь", "й"):
        return lower[:-1] + ("ю" if case == "datv" else "я")
    return lower + ("у" if case == "datv" else "а")


def _patronymic(word: str, case: Case, gender: Gender) -> str:
    lower = word.lower()
    if gender == "m" and lower.endswith("ич"):
        return lower + ("у" if case == "datv" else "а")
    if gender == "f" and lower.endswith("на"):
        return lower[:-1] + ("е" if case == "datv" else "ы")
    return lower  # …оглы, …кызы and the like stay as they are


_INDECLINABLE_ENDINGS = ("ых", "их", "ово", "аго", "яго", "ко", "о", "е", "э", "и", "у", "ю", "ы")


def _surname_part(word: str, case: Case, gender: Gender) -> str:
    lower = word.lower()
    if lower.endswith(_INDECLINABLE_ENDINGS) or len(lower) < 2 or _fixed_surname(lower):
        return lower
    if gender == "f":
        if lower.endswith(("ова", "ева", "ёва", "ина", "ына")):
            return lower[:-1] + "ой"
        if lower.endswith(("ская", "цкая", "ая")):
            return lower[:-2] + "ой"
        if lower.endswith("яя"):
            return lower[:-2] + "ей"
    if lower[-1] in ("а", "я") and lower[-2] in _VOWELS - {"и"}:
        return lower  # Галуа, Моруа: a stressed final vowel after a vowel
    if gender == "f":
        if lower[-1] in ("а", "я"):
            return _noun_in_a(lower, case)
        return lower  # a woman's surname ending in a consonant: Кох, Мельник, Шмидт
    ending = "у" if case == "datv" else "а"
    if lower.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return lower + ending
    if lower.endswith(("ский", "цкий")) or (lower.endswith("ий") and lower[-3:-2] in _HUSHING):
        return lower[:-2] + ("ому" if case == "datv" else "ого")
    if lower.endswith(("ой", "ый")):
        return lower[:-2] + ("ому" if case == "datv" else "ого")
    if lower.endswith("ий"):
        return lower[:-2] + ("ему" if case == "datv" else "его")
    if lower[-1] in ("а", "я"):
        return _noun_in_a(lower, case)
    if lower[-1] in ("ь", "й"):
        return lower[:-1] + ("ю" if case == "datv" else "я")
    return lower + ending


def _fixed_surname(lower: str) -> bool:
    """The dictionary knows the surname as indeclinable for both genders (Дюма, Золя)."""
    return any("Surn" in p.tag and "Fixd" in p.tag and "ms-f" in p.tag for p in _morph().parse(lower))


def _surname(word: str, case: Case, gender: Gender) -> str:
    return "-".join(_surname_part(part, case, gender) for part in word.lower().split("-"))


def decline(full_name: str, case: Case, *, gender: Gender | None = None) -> str:
    """«Фамилия Имя Отчество» in the genitive («gent») or dative («datv»)."""
    parts = full_name.split()
    if not parts:
        return full_name
    sex = gender or gender_of(full_name)
    declined = [_surname(parts[0], case, sex)]
    if len(parts) >= 2:
        declined.append(_first_name(parts[1], case, sex))
    if len(parts) >= 3:
        declined.append(_patronymic(parts[2], case, sex))
    declined.extend(p.lower() for p in parts[3:])  # «Гусейн оглы …»: the rest as written
    return " ".join(_match_case(original, word) for original, word in zip(parts, declined, strict=True))


def dative(full_name: str) -> str:
    return decline(full_name, "datv")


def genitive(full_name: str) -> str:
    return decline(full_name, "gent")


def signature_name(full_name: str) -> str:
    """«Фамилия Имя Отчество» as under a signature: «И.О. Фамилия» (ГОСТ Р 7.0.97-2016, п. 5.19)."""
    parts = full_name.split()
    if not parts:
        return ""
    initials = "".join(f"{p[0].upper()}." for p in parts[1:3])
    return f"{initials} {parts[0]}" if initials else parts[0]


def issued_to(full_name: str) -> str:
    """«выдан» (in Russian): the participle agrees with «сертификат», the subject of «Сертификат выдан
    Петровой Анне Сергеевне», never with the holder, whose name is in the dative (so no «выдан(а)»)."""
    from django.utils.translation import pgettext

    return pgettext("a certificate is issued to", "issued to")


def phrase_genitive(phrase: str) -> str:
    """A noun phrase in the genitive, the words up to its head noun declined and the rest kept:
    «муниципальная инновационная площадка» → «муниципальной инновационной площадки», «муниципальный лидер
    сетевого взаимодействия» → «муниципального лидера сетевого взаимодействия». Abbreviations stay."""
    words = phrase.split()
    result = []
    for index, word in enumerate(words):
        if word.isupper() and len(word) > 1:
            result.append(word)
            continue
        parses = [
            p
            for p in _morph().parse(word.lower())
            if "nomn" in p.tag and {"ADJF", "NOUN"} & set(p.tag.grammemes)
        ]
        inflected = parses[0].inflect({"gent"}) if parses else None
        if inflected is None:
            result.append(word)
            continue
        result.append(_match_case(word, str(inflected.word)))
        if "NOUN" in parses[0].tag:
            result.extend(words[index + 1 :])
            break
    return " ".join(result)
