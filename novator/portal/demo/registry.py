"""The demo registry as data: Краснодарский край, the Vyselki district and two of its neighbours.

Names follow the way such organisations are really named; the few seen in public pages (school No. 16
named after V.G. Kharchenko of Balkovskaya, schools No. 1 and 2 of Vyselki, school No. 12 and
kindergarten No. 14 of Novobeysugskaya) are kept, the rest is invented. Heads and staff are invented.
ИНН and ОГРН are generated with valid check digits from each organisation's `serial`, in a block
(`9xxxx` / `99xxxxx`) chosen so as not to imitate real numbers; e-mails use the reserved example.org.
Postcodes of ст. Выселки (353100–353103) are real; those of the other settlements are plausible.

Stable keys: later demo steps refer to organisations, staff and accounts by `key`, and the ИНН/ОГРН
derive from `serial`, so never renumber an entry — append new ones.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from novator.accounts.models import Role
from novator.organizations.identifiers import make_inn, make_ogrn
from novator.organizations.models import OrganizationKind as Kind
from novator.organizations.models import OrganizationSubtype as Subtype

REGION_CODE = "03"
REGION_NAME = "Краснодарский край"
OGRN_REGION = "23"


@dataclass(frozen=True)
class MunicipalitySpec:
    key: str
    name: str
    oktmo: str
    genitive: str  # how a full name of an organisation ends: «… муниципального образования X район»
    tax_office: str  # the first four digits of an ИНН (and a КПП) issued there
    ogrn_block: int  # keeps generated ОГРН of different municipalities apart


MUNICIPALITIES: tuple[MunicipalitySpec, ...] = (
    MunicipalitySpec(
        "vyselki",
        "Выселковский район",
        "03612000",
        "муниципального образования Выселковский район",
        "2328",
        1,
    ),
    MunicipalitySpec(
        "tikhoretsk", "Тихорецкий район", "03654000", "муниципального образования Тихорецкий район", "2321", 2
    ),
    MunicipalitySpec(
        "korenovsk",
        "Кореновский район",
        "03621000",
        "муниципального образования Кореновский район",
        "2335",
        3,
    ),
)
MUNICIPALITY_BY_KEY = {m.key: m for m in MUNICIPALITIES}


@dataclass(frozen=True)
class Place:
    short: str  # after a short name: «МБОУ СОШ № 12 ст. Новобейсугской»
    full: str  # after a full name: «… станицы Новобейсугской …»
    address: str  # in an address: «ст. Новобейсугская»
    postcode: str


PLACES: dict[str, Place] = {
    # Выселковский район
    "vyselki": Place("ст. Выселки", "станицы Выселки", "ст. Выселки", "353100"),
    "berezanskaya": Place("ст. Березанской", "станицы Березанской", "ст. Березанская", "353110"),
    "novobeysugskaya": Place("ст. Новобейсугской", "станицы Новобейсугской", "ст. Новобейсугская", "353120"),
    "buzinovskaya": Place("ст. Бузиновской", "станицы Бузиновской", "ст. Бузиновская", "353111"),
    "irkliyevskaya": Place("ст. Ирклиевской", "станицы Ирклиевской", "ст. Ирклиевская", "353113"),
    "novomalorossiyskaya": Place(
        "ст. Новомалороссийской", "станицы Новомалороссийской", "ст. Новомалороссийская", "353115"
    ),
    "novograzhdanskaya": Place(
        "ст. Новогражданской", "станицы Новогражданской", "ст. Новогражданская", "353116"
    ),
    "balkovskaya": Place("ст. Балковской", "станицы Балковской", "ст. Балковская", "353117"),
    "aleksandronevskaya": Place(
        "ст. Александроневской", "станицы Александроневской", "ст. Александроневская", "353118"
    ),
    "beysug": Place("п. Бейсуг", "посёлка Бейсуг", "п. Бейсуг", "353122"),
    "beysuzhek": Place("х. Бейсужёк Второй", "хутора Бейсужёк Второй", "х. Бейсужёк Второй", "353123"),
    "gazyr": Place("п. Газырь", "посёлка Газырь", "п. Газырь", "353125"),
    # Тихорецкий район
    "tikhoretsk": Place("г. Тихорецка", "города Тихорецка", "г. Тихорецк", "352120"),
    "fastovetskaya": Place("ст. Фастовецкой", "станицы Фастовецкой", "ст. Фастовецкая", "352100"),
    # Кореновский район
    "korenovsk": Place("г. Кореновска", "города Кореновска", "г. Кореновск", "353180"),
    "platnirovskaya": Place("ст. Платнировской", "станицы Платнировской", "ст. Платнировская", "353170"),
    "dyadkovskaya": Place("ст. Дядьковской", "станицы Дядьковской", "ст. Дядьковская", "353160"),
}


@dataclass(frozen=True)
class OrgSpec:
    key: str
    municipality: str  # MunicipalitySpec.key
    serial: int  # ИНН/ОГРН derive from it: unique within a municipality, never changed
    kind: str
    subtype: str
    short_name: str
    full_name: str
    address: str
    head_name: str
    head_position: str
    phone: str = ""
    email: str = ""
    parent: str | None = None  # key of the parent organisation, listed before this one
    registered: int = 2002  # the year in the ОГРН

    @property
    def inn(self) -> str:
        return make_inn(MUNICIPALITY_BY_KEY[self.municipality].tax_office, 90_000 + self.serial)

    @property
    def ogrn(self) -> str:
        block = MUNICIPALITY_BY_KEY[self.municipality].ogrn_block
        return make_ogrn(self.registered, OGRN_REGION, 9_900_000 + block * 10_000 + self.serial)

    @property
    def kpp(self) -> str:
        return f"{MUNICIPALITY_BY_KEY[self.municipality].tax_office}01001"


_FORMS = {
    "Б": ("МБ", "Муниципальное бюджетное"),
    "А": ("МА", "Муниципальное автономное"),
    "К": ("МК", "Муниципальное казённое"),
}

_SCHOOLS = {
    Subtype.SOSH: ("СОШ", "средняя общеобразовательная школа"),
    Subtype.OOSH: ("ООШ", "основная общеобразовательная школа"),
    Subtype.GYMNASIUM: ("гимназия", "гимназия"),
    Subtype.LYCEUM: ("лицей", "лицей"),
}


def _address(place: Place, street: str, postcode: str | None) -> str:
    return f"{street}, {place.address}, {postcode or place.postcode}"


def school(
    no: int,
    place: str,
    street: str,
    head: str,
    *,
    subtype: str = Subtype.SOSH,
    honour: str = "",
    form: str = "Б",
    municipality: str = "vyselki",
    postcode: str | None = None,
) -> OrgSpec:
    """A general school: «МБОУ СОШ № 12 ст. Новобейсугской»."""
    p, m = PLACES[place], MUNICIPALITY_BY_KEY[municipality]
    short_form, full_form = _FORMS[form]
    abbr, title = _SCHOOLS[Subtype(subtype)]
    short_honour = f" им. {honour}" if honour else ""
    full_honour = f" имени {honour}" if honour else ""
    return OrgSpec(
        key=f"{municipality}-school-{no}",
        municipality=municipality,
        serial=100 + no,
        kind=Kind.SCHOOL,
        subtype=subtype,
        short_name=f"{short_form}ОУ {abbr} № {no}{short_honour} {p.short}",
        full_name=(
            f"{full_form} общеобразовательное учреждение {title} № {no}{full_honour} {p.full} {m.genitive}"
        ),
        address=_address(p, street, postcode),
        head_name=head,
        head_position="директор",
        email=f"school{no}.{municipality}@example.org",
    )


_PRESCHOOL_TITLES = {
    "": ("детский сад", "детский сад"),
    "crr": ("ЦРР – детский сад", "центр развития ребёнка – детский сад"),
    "kv": ("детский сад КВ", "детский сад комбинированного вида"),
    "ov": ("детский сад ОВ", "детский сад общеразвивающего вида"),
}


def kindergarten(
    no: int,
    name: str,
    place: str,
    street: str,
    head: str,
    *,
    variant: str = "",
    form: str = "Б",
    municipality: str = "vyselki",
    postcode: str | None = None,
    registered: int = 2002,
) -> OrgSpec:
    """A kindergarten: «МБДОУ детский сад № 5 «Солнышко» ст. Выселки»."""
    p, m = PLACES[place], MUNICIPALITY_BY_KEY[municipality]
    short_form, full_form = _FORMS[form]
    short_title, full_title = _PRESCHOOL_TITLES[variant]
    named = f" «{name}»" if name else ""
    return OrgSpec(
        key=f"{municipality}-dou-{no}",
        municipality=municipality,
        serial=200 + no,
        kind=Kind.PRESCHOOL,
        subtype=Subtype.DOU,
        short_name=f"{short_form}ДОУ {short_title} № {no}{named} {p.short}",
        full_name=(
            f"{full_form} дошкольное образовательное учреждение {full_title} № {no}{named} "
            f"{p.full} {m.genitive}"
        ),
        address=_address(p, street, postcode),
        head_name=head,
        head_position="заведующий",
        email=f"dou{no}.{municipality}@example.org",
        registered=registered,
    )


VYSELKI_SCHOOLS = (
    school(1, "vyselki", "ул. Ленина, 54", "Бондаренко Ольга Николаевна", honour="А.С. Пушкина"),
    school(2, "vyselki", "ул. Северная, 28", "Ткаченко Сергей Александрович", postcode="353101"),
    school(3, "vyselki", "ул. Советская, 11", "Литвиненко Марина Юрьевна", subtype=Subtype.GYMNASIUM),
    school(4, "berezanskaya", "ул. Красная, 45", "Мельник Андрей Петрович"),
    school(5, "berezanskaya", "ул. Мира, 3", "Коваленко Людмила Ивановна"),
    school(6, "buzinovskaya", "ул. Школьная, 2", "Савченко Игорь Владимирович"),
    school(7, "irkliyevskaya", "ул. Октябрьская, 20", "Кравец Галина Петровна"),
    school(8, "novomalorossiyskaya", "ул. Ленина, 71", "Гриценко Виктор Николаевич"),
    school(9, "novograzhdanskaya", "ул. Почтовая, 15", "Олейник Надежда Васильевна"),
    school(10, "beysuzhek", "ул. Советская, 4", "Головко Павел Сергеевич", subtype=Subtype.OOSH),
    school(11, "beysug", "ул. Гагарина, 9", "Лысенко Татьяна Михайловна"),
    school(12, "novobeysugskaya", "ул. Ленина, 83", "Пономаренко Ирина Викторовна"),
    school(13, "novobeysugskaya", "ул. Кооперативная, 7", "Карпенко Роман Юрьевич", subtype=Subtype.OOSH),
    school(14, "aleksandronevskaya", "ул. Ленина, 38", "Шевчук Олег Анатольевич"),
    school(15, "gazyr", "ул. Центральная, 1", "Дьяченко Валентина Алексеевна", subtype=Subtype.OOSH),
    school(16, "balkovskaya", "ул. Ленина, 26", "Зинченко Алексей Иванович", honour="В.Г. Харченко"),
    school(17, "irkliyevskaya", "ул. Комсомольская, 56", "Марченко Елена Геннадьевна"),
    school(18, "vyselki", "ул. Гагарина, 120", "Кучеренко Юлия Сергеевна", postcode="353102"),
    school(19, "novomalorossiyskaya", "ул. Красная, 104", "Онищенко Николай Петрович"),
    school(20, "berezanskaya", "ул. Первомайская, 17", "Бойко Светлана Анатольевна", subtype=Subtype.LYCEUM),
    school(21, "buzinovskaya", "ул. Красная, 61", "Яковенко Дмитрий Олегович", subtype=Subtype.OOSH),
)

BRANCHES = (
    OrgSpec(
        key="vyselki-school-16-branch",
        municipality="vyselki",
        serial=150,
        kind=Kind.SCHOOL,
        subtype=Subtype.NOSH,
        short_name="Филиал МБОУ СОШ № 16 им. В.Г. Харченко ст. Балковской (начальная школа)",
        full_name=(
            "Филиал муниципального бюджетного общеобразовательного учреждения средней общеобразовательной "
            "школы № 16 имени В.Г. Харченко станицы Балковской муниципального образования Выселковский "
            "район — начальная общеобразовательная школа"
        ),
        address="ул. Степная, 5, ст. Балковская, 353117",
        head_name="Соловьёва Анна Викторовна",
        head_position="руководитель филиала",
        parent="vyselki-school-16",
        registered=2012,
    ),
)

VYSELKI_KINDERGARTENS = (
    kindergarten(1, "Сказка", "vyselki", "ул. Ленина, 12", "Кириленко Галина Васильевна", variant="crr"),
    kindergarten(2, "Колокольчик", "vyselki", "ул. Лунёва, 5", "Федоренко Инна Сергеевна", variant="kv"),
    kindergarten(
        3, "Теремок", "vyselki", "ул. Пионерская, 31", "Кузьменко Оксана Петровна", postcode="353101"
    ),
    kindergarten(4, "Ромашка", "vyselki", "ул. Мира, 44", "Гребенюк Лариса Николаевна"),
    kindergarten(5, "Солнышко", "vyselki", "ул. Кирова, 8", "Сорокина Ирина Владимировна"),
    kindergarten(6, "Радуга", "berezanskaya", "ул. Красная, 90", "Тимошенко Елена Ивановна"),
    kindergarten(
        7, "Золотой ключик", "berezanskaya", "ул. Шевченко, 14", "Куликова Ольга Алексеевна", variant="ov"
    ),
    kindergarten(8, "Берёзка", "berezanskaya", "ул. Садовая, 3", "Демченко Валентина Павловна"),
    kindergarten(9, "Светлячок", "buzinovskaya", "ул. Ленина, 19", "Прокопенко Наталья Юрьевна"),
    kindergarten(10, "Звёздочка", "irkliyevskaya", "ул. Октябрьская, 7", "Данильченко Светлана Ивановна"),
    kindergarten(11, "Ласточка", "irkliyevskaya", "ул. Пушкина, 22", "Гордиенко Людмила Викторовна"),
    kindergarten(
        12, "Аленький цветочек", "novomalorossiyskaya", "ул. Ленина, 60", "Никитенко Татьяна Сергеевна"
    ),
    kindergarten(13, "Буратино", "novomalorossiyskaya", "ул. Кубанская, 9", "Антоненко Юлия Викторовна"),
    kindergarten(14, "Журавушка", "novobeysugskaya", "ул. Ленина, 101", "Степаненко Марина Александровна"),
    kindergarten(15, "Улыбка", "novograzhdanskaya", "ул. Почтовая, 2", "Борисенко Надежда Ивановна"),
    kindergarten(16, "Казачок", "balkovskaya", "ул. Ленина, 30", "Лозовая Анна Николаевна"),
    kindergarten(17, "Вишенка", "aleksandronevskaya", "ул. Садовая, 12", "Ярошенко Елена Викторовна"),
    kindergarten(18, "Ручеёк", "beysug", "ул. Гагарина, 15", "Мирошниченко Оксана Владимировна"),
    kindergarten(19, "Родничок", "beysuzhek", "ул. Советская, 10", "Левченко Ирина Анатольевна"),
    kindergarten(20, "Колосок", "gazyr", "ул. Центральная, 6", "Захаренко Светлана Петровна"),
    kindergarten(
        21,
        "Дюймовочка",
        "vyselki",
        "ул. Степная, 2",
        "Костенко Алла Викторовна",
        form="А",
        postcode="353102",
        registered=2012,
    ),
    kindergarten(
        22, "Малыш", "vyselki", "ул. Комсомольская, 77", "Харченко Вера Ивановна", postcode="353103"
    ),
    kindergarten(23, "Кубаночка", "novobeysugskaya", "ул. Красная, 40", "Ковтун Людмила Сергеевна"),
    kindergarten(24, "Рябинка", "berezanskaya", "ул. Мира, 58", "Осадчая Галина Николаевна"),
    kindergarten(
        25, "Красная шапочка", "vyselki", "ул. Северная, 63", "Голуб Наталья Петровна", variant="kv"
    ),
    kindergarten(26, "Чебурашка", "buzinovskaya", "ул. Школьная, 21", "Павленко Ирина Сергеевна"),
)

VYSELKI_OTHERS = (
    OrgSpec(
        key="vyselki-imc",
        municipality="vyselki",
        serial=1,
        kind=Kind.OTHER,
        subtype=Subtype.METHODICAL,
        short_name="МКУ «ИМЦ» МО Выселковский район",
        full_name=(
            "Муниципальное казённое учреждение «Информационно-методический центр» муниципального "
            "образования Выселковский район"
        ),
        address="ул. Ленина, 37, ст. Выселки, 353100",
        head_name="Белоусова Анна Геннадьевна",
        head_position="директор",
        phone="(861) 577-33-96",
        email="imc.vyselki@example.org",
        registered=2014,
    ),
    OrgSpec(
        key="vyselki-ddt",
        municipality="vyselki",
        serial=301,
        kind=Kind.SUPPLEMENTARY,
        subtype=Subtype.UDO,
        short_name="МБУ ДО ДДТ ст. Выселки",
        full_name=(
            "Муниципальное бюджетное учреждение дополнительного образования Дом детского творчества "
            "станицы Выселки муниципального образования Выселковский район"
        ),
        address="ул. Ленина, 41, ст. Выселки, 353100",
        head_name="Гаврилова Елена Анатольевна",
        head_position="директор",
        email="ddt.vyselki@example.org",
    ),
    OrgSpec(
        key="vyselki-sport",
        municipality="vyselki",
        serial=302,
        kind=Kind.SUPPLEMENTARY,
        subtype=Subtype.UDO,
        short_name="МБУ ДО ДЮСШ ст. Выселки",
        full_name=(
            "Муниципальное бюджетное учреждение дополнительного образования детско-юношеская спортивная "
            "школа станицы Выселки муниципального образования Выселковский район"
        ),
        address="ул. Спортивная, 1, ст. Выселки, 353101",
        head_name="Коломиец Сергей Викторович",
        head_position="директор",
        email="sport.vyselki@example.org",
    ),
)

NEIGHBOURS = (
    school(1, "tikhoretsk", "ул. Ленина, 64", "Волошина Ирина Андреевна", municipality="tikhoretsk"),
    school(
        6,
        "tikhoretsk",
        "ул. Октябрьская, 38",
        "Рыбалко Константин Игоревич",
        subtype=Subtype.GYMNASIUM,
        municipality="tikhoretsk",
    ),
    school(27, "fastovetskaya", "ул. Красная, 112", "Щербина Марина Олеговна", municipality="tikhoretsk"),
    kindergarten(
        12,
        "Алёнушка",
        "tikhoretsk",
        "ул. Энгельса, 21",
        "Пилипенко Жанна Викторовна",
        municipality="tikhoretsk",
    ),
    school(1, "korenovsk", "ул. Красная, 50", "Чумаченко Андрей Юрьевич", municipality="korenovsk"),
    school(8, "platnirovskaya", "ул. Красная, 94", "Гречко Людмила Фёдоровна", municipality="korenovsk"),
    kindergarten(
        7,
        "Ягодка",
        "korenovsk",
        "ул. Мира, 11",
        "Белая Ольга Сергеевна",
        form="А",
        municipality="korenovsk",
        registered=2011,
    ),
    kindergarten(
        20, "Ивушка", "dyadkovskaya", "ул. Советская, 5", "Шаповал Наталья Ивановна", municipality="korenovsk"
    ),
)

#: In the order of creation: a parent before its branches.
ORGANIZATIONS: tuple[OrgSpec, ...] = (
    *VYSELKI_OTHERS[:1],
    *VYSELKI_SCHOOLS,
    *BRANCHES,
    *VYSELKI_KINDERGARTENS,
    *VYSELKI_OTHERS[1:],
    *NEIGHBOURS,
)


@dataclass(frozen=True)
class PersonSpec:
    key: str
    organization: str  # OrgSpec.key
    last_name: str
    first_name: str
    middle_name: str
    position: str
    processing_consent_on: datetime.date
    publication_consent_on: datetime.date | None = None
    email: str = ""


_D = datetime.date

STAFF: tuple[PersonSpec, ...] = (
    # МКУ «ИМЦ»: the operator
    PersonSpec(
        "imc-head",
        "vyselki-imc",
        "Белоусова",
        "Анна",
        "Геннадьевна",
        "директор",
        _D(2021, 8, 30),
        _D(2021, 8, 30),
    ),
    PersonSpec(
        "imc-methodist",
        "vyselki-imc",
        "Гончаренко",
        "Светлана",
        "Николаевна",
        "методист",
        _D(2021, 8, 30),
        _D(2021, 8, 30),
        "methodist@example.org",
    ),
    PersonSpec(
        "imc-preschool",
        "vyselki-imc",
        "Иваненко",
        "Оксана",
        "Викторовна",
        "методист по дошкольному образованию",
        _D(2021, 8, 30),
    ),
    # МБОУ СОШ № 1 ст. Выселки: the coordinator's and the teacher's school
    PersonSpec(
        "school1-head",
        "vyselki-school-1",
        "Бондаренко",
        "Ольга",
        "Николаевна",
        "директор",
        _D(2022, 8, 29),
        _D(2022, 8, 29),
    ),
    PersonSpec(
        "school1-deputy",
        "vyselki-school-1",
        "Руденко",
        "Наталья",
        "Владимировна",
        "заместитель директора по учебно-методической работе",
        _D(2022, 8, 29),
        _D(2022, 8, 29),
        "coordinator@example.org",
    ),
    PersonSpec(
        "school1-teacher",
        "vyselki-school-1",
        "Ковалёва",
        "Елена",
        "Викторовна",
        "учитель начальных классов",
        _D(2022, 9, 1),
        _D(2022, 9, 1),
        "teacher@example.org",
    ),
    PersonSpec(
        "school1-math",
        "vyselki-school-1",
        "Захарченко",
        "Игорь",
        "Степанович",
        "учитель математики",
        _D(2022, 9, 1),
    ),
    # МБОУ гимназия № 3 ст. Выселки: the expert's workplace
    PersonSpec(
        "school3-expert",
        "vyselki-school-3",
        "Шевченко",
        "Татьяна",
        "Ивановна",
        "учитель русского языка и литературы",
        _D(2022, 9, 1),
        _D(2022, 9, 1),
        "expert@example.org",
    ),
    PersonSpec(
        "school12-head",
        "vyselki-school-12",
        "Пономаренко",
        "Ирина",
        "Викторовна",
        "директор",
        _D(2022, 8, 31),
        _D(2022, 8, 31),
    ),
    PersonSpec(
        "school12-deputy",
        "vyselki-school-12",
        "Нестеренко",
        "Алла",
        "Петровна",
        "заместитель директора по учебно-воспитательной работе",
        _D(2022, 8, 31),
    ),
    PersonSpec(
        "school16-head",
        "vyselki-school-16",
        "Зинченко",
        "Алексей",
        "Иванович",
        "директор",
        _D(2022, 9, 2),
        _D(2022, 9, 2),
    ),
    PersonSpec(
        "school16-history",
        "vyselki-school-16",
        "Сидоренко",
        "Мария",
        "Андреевна",
        "учитель истории и обществознания",
        _D(2022, 9, 2),
    ),
    PersonSpec(
        "dou5-head",
        "vyselki-dou-5",
        "Сорокина",
        "Ирина",
        "Владимировна",
        "заведующий",
        _D(2022, 8, 30),
        _D(2022, 8, 30),
    ),
    PersonSpec(
        "dou5-senior",
        "vyselki-dou-5",
        "Кириченко",
        "Юлия",
        "Олеговна",
        "старший воспитатель",
        _D(2022, 8, 30),
        _D(2022, 8, 30),
    ),
    PersonSpec("dou5-teacher", "vyselki-dou-5", "Мороз", "Дарья", "Сергеевна", "воспитатель", _D(2022, 9, 5)),
    PersonSpec(
        "dou14-head",
        "vyselki-dou-14",
        "Степаненко",
        "Марина",
        "Александровна",
        "заведующий",
        _D(2022, 8, 29),
        _D(2022, 8, 29),
    ),
    PersonSpec(
        "dou14-senior",
        "vyselki-dou-14",
        "Васильченко",
        "Оксана",
        "Николаевна",
        "старший воспитатель",
        _D(2022, 8, 29),
    ),
)

DEMO_PASSWORD = "novator-demo"


@dataclass(frozen=True)
class AccountSpec:
    username: str
    last_name: str
    first_name: str
    middle_name: str
    role: str
    region: str | None = None  # Region code
    municipality: str | None = None  # MunicipalitySpec.key
    organization: str | None = None  # OrgSpec.key
    person: str | None = None  # PersonSpec.key of the staff record of the same person
    is_superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@example.org"


ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec("admin", "Соколов", "Андрей", "Викторович", Role.ADMIN, is_superuser=True),
    AccountSpec(
        "methodist",
        "Гончаренко",
        "Светлана",
        "Николаевна",
        Role.METHODOLOGIST,
        municipality="vyselki",
        person="imc-methodist",
    ),
    AccountSpec(
        "coordinator",
        "Руденко",
        "Наталья",
        "Владимировна",
        Role.COORDINATOR,
        organization="vyselki-school-1",
        person="school1-deputy",
    ),
    AccountSpec(
        "teacher",
        "Ковалёва",
        "Елена",
        "Викторовна",
        Role.TEACHER,
        organization="vyselki-school-1",
        person="school1-teacher",
    ),
    AccountSpec("expert", "Шевченко", "Татьяна", "Ивановна", Role.EXPERT, person="school3-expert"),
    AccountSpec("observer", "Кравченко", "Ирина", "Александровна", Role.OBSERVER, region=REGION_CODE),
)
