"""The registry file's columns and the cleaning of cell values, as methodologists' spreadsheets have them.

Headers and the words written in cells (kinds, subtypes, «да»/«нет») are a file format, not interface
text: they stay Russian whatever the interface language, so a file exported today imports tomorrow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from novator.core.text import fold

from ..models import OrganizationKind as Kind
from ..models import OrganizationSubtype as Sub


@dataclass(frozen=True)
class Column:
    key: str  # the field (or pseudo-field) name in code
    header: str  # the Russian header written by the export
    aliases: tuple[str, ...] = ()
    identifier: bool = False  # digits only: spaces removed, Excel's floats turned back into digits


#: The columns in export order. Each header and alias is accepted in any case, with ё or е, with or
#: without spaces and punctuation; the English field name is accepted too.
COLUMNS: tuple[Column, ...] = (
    Column("inn", "ИНН", identifier=True),
    Column("ogrn", "ОГРН", identifier=True),
    Column("kpp", "КПП", identifier=True),
    Column("full_name", "Полное наименование", ("Полное название", "Наименование полное")),
    Column(
        "short_name",
        "Краткое наименование",
        (
            "Сокращённое наименование",
            "Наименование",
            "Краткое название",
            "Сокращённое название",
            "Название",
            "Наименование организации",
        ),
    ),
    Column("kind", "Вид", ("Тип организации", "Вид организации", "Вид ОО")),
    Column("subtype", "Подтип", ("Тип", "Тип ОО")),
    Column("oktmo", "ОКТМО", ("Код ОКТМО",), identifier=True),
    Column(
        "municipality",
        "Муниципальное образование",
        ("Муниципалитет", "Район", "Муниципальный район", "Муниципальный округ", "МО"),
    ),
    Column("address", "Адрес", ("Юридический адрес", "Фактический адрес")),
    Column("head_name", "Руководитель", ("ФИО руководителя", "Директор", "Заведующий")),
    Column("head_position", "Должность руководителя", ("Должность",)),
    Column("phone", "Телефон", ("Телефоны", "Контактный телефон")),
    Column("email", "Эл. почта", ("E-mail", "Email", "Электронная почта", "Адрес электронной почты")),
    Column("website", "Сайт", ("Веб-сайт", "Официальный сайт", "Адрес сайта")),
    Column(
        "parent_inn",
        "ИНН головной организации",
        ("ИНН головной", "ИНН учредителя-организации", "parent"),
        identifier=True,
    ),
    Column("parent_kpp", "КПП головной организации", ("КПП головной",), identifier=True),
    Column("is_active", "Действует", ("Активна", "active")),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
EXPORT_HEADERS = [c.header for c in COLUMNS]

_NOT_ALNUM = re.compile(r"[^\w]+|_")
_PARENTHESES = re.compile(r"\([^)]*\)")


def header_key(text: str) -> str:
    """«Эл. почта*», «ЭЛ ПОЧТА», «e-mail» → comparable keys; text in parentheses is a comment."""
    return _NOT_ALNUM.sub("", fold(_PARENTHESES.sub("", text)))


_HEADER_INDEX: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, _column.key, *_column.aliases):
        _HEADER_INDEX.setdefault(header_key(_name), _column.key)


def match_header(cells: list[str]) -> tuple[dict[str, int], list[str]]:
    """Which column index holds which field (the first wins), and the headers nobody understood."""
    found: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        if not cell:
            continue
        key = _HEADER_INDEX.get(header_key(cell))
        if key is None:
            unknown.append(cell)
        elif key not in found:
            found[key] = index
    return found, unknown


# --- cell values ---------------------------------------------------------------------------------

_SPACE_LIKE = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
_INTEGRAL = re.compile(r"^(\d+)[.,]0*$")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+]?\d+$")
#: Characters that make a spreadsheet treat a cell as a formula; the export prefixes them with «'».
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: str) -> str:
    """Trim, turn non-breaking and repeated spaces into one space, drop the export's formula guard."""
    value = _SPACE_LIKE.sub(" ", value).strip()
    if value.startswith("'") and value[1:2] in FORMULA_TRIGGERS:
        value = value[1:]
    return value


@dataclass(frozen=True)
class Identifier:
    digits: str
    from_scientific: bool = False  # Excel showed it as 2,32801E+09 and may have rounded it


def clean_identifier(value: str, *, length: int | None = None) -> Identifier:
    """«2328 008790», «2328008790.0», «2,328008790E+09», «'2328008790» → «2328008790».

    Excel drops leading zeros of numbers (ОКТМО 03612000 becomes 3612000): when `length` is given
    and one digit is missing, the zero is put back.
    """
    text = _SPACE_LIKE.sub("", value).lstrip("'")
    scientific = False
    integral = _INTEGRAL.match(text)
    if integral:
        text = integral.group(1)
    elif _SCIENTIFIC.match(text):
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            number = None
        if number is not None and number == number.to_integral_value():
            text = str(int(number))
            scientific = True
    if length and text.isdigit() and len(text) == length - 1:
        text = "0" + text
    return Identifier(text, scientific)


_TRUE = {"да", "д", "yes", "y", "true", "истина", "1", "действует", "активна", "активно"}
_FALSE = {"нет", "н", "no", "n", "false", "ложь", "0", "не действует", "закрыта", "ликвидирована"}


def parse_bool(value: str) -> bool | None:
    """«да»/«нет» and the like; None when the text is not a yes or a no."""
    raw = value.strip()
    key = value_key(raw)
    if raw == "+" or key in _TRUE:
        return True
    if raw in ("-", "—") or key in _FALSE:
        return False
    return None


def bool_text(value: bool) -> str:
    return "да" if value else "нет"


# --- kinds and subtypes --------------------------------------------------------------------------


def value_key(text: str) -> str:
    """Fold case and ё, treat punctuation as spaces: «Школа-интернат» → «школа интернат»."""
    return " ".join(_NOT_ALNUM.sub(" ", fold(text)).split())


#: How the export writes a kind and a subtype (the import reads these back, and the aliases below).
KIND_WORDS: dict[str, str] = {
    Kind.PRESCHOOL: "Дошкольная",
    Kind.SCHOOL: "Общеобразовательная",
    Kind.SUPPLEMENTARY: "Дополнительного образования",
    Kind.VOCATIONAL: "Профессиональная",
    Kind.OTHER: "Иная",
}
SUBTYPE_WORDS: dict[str, str] = {
    Sub.DOU: "ДОУ",
    Sub.SOSH: "СОШ",
    Sub.OOSH: "ООШ",
    Sub.NOSH: "НОШ",
    Sub.LYCEUM: "Лицей",
    Sub.GYMNASIUM: "Гимназия",
    Sub.CADET: "Кадетская",
    Sub.BOARDING: "Интернат",
    Sub.UDO: "УДО",
    Sub.SPO: "СПО",
    Sub.METHODICAL: "ИМЦ",
    Sub.OTHER: "Другое",
}

_KIND_ALIASES: dict[str, tuple[str, ...]] = {
    Kind.PRESCHOOL: ("дошкольное", "дошкольная образовательная организация", "доо", "доу", "детский сад"),
    Kind.SCHOOL: ("общеобразовательное", "общеобразовательная организация", "школа", "оо"),
    Kind.SUPPLEMENTARY: ("дополнительное образование", "организация дополнительного образования", "удо"),
    Kind.VOCATIONAL: ("профессиональное", "профессиональная образовательная организация", "спо"),
    Kind.OTHER: ("иное", "другая", "другое", "прочая", "прочее", "прочие"),
}
_KIND_PREFIXES = (
    ("дошкольн", Kind.PRESCHOOL),
    ("общеобразоват", Kind.SCHOOL),
    ("дополнительн", Kind.SUPPLEMENTARY),
    ("профессиональн", Kind.VOCATIONAL),
)
_SUBTYPE_ALIASES: dict[str, tuple[str, ...]] = {
    Sub.DOU: ("доо", "мбдоу", "мадоу", "мкдоу", "детский сад", "дошкольное", "дошкольная"),
    Sub.SOSH: ("средняя", "средняя школа", "средняя общеобразовательная школа"),
    Sub.OOSH: ("основная", "основная школа", "основная общеобразовательная школа"),
    Sub.NOSH: ("начальная", "начальная школа", "начальная общеобразовательная школа"),
    Sub.LYCEUM: (),
    Sub.GYMNASIUM: (),
    Sub.CADET: ("кадетская школа", "кадетский корпус", "кадетская школа интернат"),
    Sub.BOARDING: ("школа интернат",),
    Sub.UDO: ("до", "дополнительного образования", "организация дополнительного образования", "цдт"),
    Sub.SPO: ("колледж", "техникум", "училище"),
    Sub.METHODICAL: ("методический", "методический центр", "информационно методический центр", "ммц"),
    Sub.OTHER: ("другая", "иное", "иная", "прочее"),
}


def _index(words: dict[str, str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for code, word in words.items():
        for text in (code, word, *aliases.get(code, ())):
            index.setdefault(value_key(text), code)
    return index


_KIND_INDEX = _index(KIND_WORDS, _KIND_ALIASES)
_SUBTYPE_INDEX = _index(SUBTYPE_WORDS, _SUBTYPE_ALIASES)


def _label_index(choices: type[Kind] | type[Sub]) -> dict[str, str]:
    """The choices' display labels in the active language (what a user may copy from a page)."""
    return {value_key(str(label)): str(value) for value, label in choices.choices}


def parse_kind(text: str) -> str | None:
    key = value_key(text)
    code = _KIND_INDEX.get(key) or _label_index(Kind).get(key)
    if code is None:
        code = next((kind for prefix, kind in _KIND_PREFIXES if key.startswith(prefix)), None)
    return code


def parse_subtype(text: str) -> str | None:
    key = value_key(text)
    return _SUBTYPE_INDEX.get(key) or _label_index(Sub).get(key)


#: Guessing the subtype from an organisation's name; the first match wins, so the order matters.
_NAME_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern))
    for code, pattern in (
        (Sub.CADET, r"\bкадет"),
        (Sub.BOARDING, r"\bинтернат"),
        (Sub.LYCEUM, r"\bлице[йяю]"),
        (Sub.GYMNASIUM, r"\bгимнази"),
        (Sub.NOSH, r"\bнош\b|\bначальная (обще)?образовательная школа|\bначальная школа"),
        (Sub.OOSH, r"\bоош\b|\bосновная (обще)?образовательная школа|\bосновная школа"),
        (Sub.SOSH, r"\bсош\b|\bсредняя (обще)?образовательная школа|\bсредняя школа"),
        (
            Sub.UDO,
            r"\bудо\b|\b\w*у до\b|дополнительного образования|\bдом (детского )?творчества|\bцдт\b"
            r"|\bдюсш\b|\bстанция юных|\bдом пионеров",
        ),
        (Sub.DOU, r"детский сад|\b\w*доу\b|\bдоо\b|\bдошкольн|\bцентр развития ребенка"),
        (Sub.SPO, r"\bколледж|\bтехникум|\bучилищ|\bспо\b|\bпрофессиональн"),
        (Sub.METHODICAL, r"методическ|\bимц\b|\bммц\b"),
    )
)

KIND_OF_SUBTYPE: dict[str, str] = {
    Sub.DOU: Kind.PRESCHOOL,
    Sub.SOSH: Kind.SCHOOL,
    Sub.OOSH: Kind.SCHOOL,
    Sub.NOSH: Kind.SCHOOL,
    Sub.LYCEUM: Kind.SCHOOL,
    Sub.GYMNASIUM: Kind.SCHOOL,
    Sub.CADET: Kind.SCHOOL,
    Sub.BOARDING: Kind.SCHOOL,
    Sub.UDO: Kind.SUPPLEMENTARY,
    Sub.SPO: Kind.VOCATIONAL,
    Sub.METHODICAL: Kind.OTHER,
    Sub.OTHER: Kind.OTHER,
}


def guess_subtype(*names: str) -> str | None:
    """«МБДОУ детский сад № 5» → dou, «МБОУ СОШ № 1» → sosh; None when the name does not tell."""
    text = value_key(" ".join(names))
    return next((code for code, pattern in _NAME_PATTERNS if pattern.search(text)), None)
