from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from novator.organizations.importing import build_plan
from novator.organizations.importing.opendata import read_opendata
from novator.organizations.importing.places import CITY, DISTRICT, PlaceIndex, address_keys, place_key
from novator.organizations.importing.reader import ImportFileError
from novator.organizations.models import Organization
from novator.organizations.tests import opendata
from novator.organizations.tests.factories import MunicipalityFactory, RegionFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def kuban(db):
    region = RegionFactory(code="03", name="Краснодарский край")
    return {
        "vyselki": MunicipalityFactory(region=region, name="Выселковский район", oktmo="03612000"),
        "korenovsk": MunicipalityFactory(region=region, name="Кореновский район", oktmo="03621000"),
        "krasnodar": MunicipalityFactory(region=region, name="город Краснодар", oktmo="03701000"),
    }


def write(tmp_path: Path, data: bytes, name: str = "data.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("import_organizations", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().splitlines()


# --- the municipality from the address -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Выселковский район", (DISTRICT, "выселковский")),
        ("р-н Выселковский", (DISTRICT, "выселковский")),
        ("Выселковский р-н", (DISTRICT, "выселковский")),
        ("р-н. Выселковский", (DISTRICT, "выселковский")),
        ("Выселковский муниципальный округ", (DISTRICT, "выселковский")),
        ("муниципальное образование Выселковский район", (DISTRICT, "выселковский")),
        ("г. Краснодар", (CITY, "краснодар")),
        ("г.Краснодар", (CITY, "краснодар")),
        ("город Краснодар", (CITY, "краснодар")),
        ("Краснодар г", (CITY, "краснодар")),
        ("муниципальное образование город Краснодар", (CITY, "краснодар")),
        ("город-курорт Сочи", (CITY, "сочи")),
        ("город Горячий Ключ", (CITY, "горячий ключ")),
        ("Краснодарский край", None),
        ("ст-ца Выселки", None),
        ("ул. Ленина", None),
        ("353100", None),
    ],
)
def test_place_key_reads_the_spellings_of_districts_and_cities(text, key):
    assert place_key(text) == key


def test_a_district_in_the_address_wins_over_its_town():
    assert address_keys("353180, Краснодарский край, Кореновский р-н, г. Кореновск, ул. Мира, 2") == [
        (DISTRICT, "кореновский"),
        (CITY, "кореновск"),
    ]
    index = PlaceIndex(["Кореновский район", "город Краснодар"])
    assert index.find("Кореновский р-н, г. Кореновск") == "Кореновский район"
    assert index.find("350000, г. Краснодар, ул. Красная, д. 5") == "город Краснодар"
    assert index.find("352360, Тбилисский район, ст-ца Тбилисская") is None
    # the names the ОКТМО classifier gives (import_municipalities) match the addresses' spellings
    oktmo_names = PlaceIndex(["Выселковский муниципальный район", "город-курорт Сочи"])
    assert oktmo_names.find("353110, Краснодарский край, р-н Выселковский, х. Бузиновский") is not None
    assert oktmo_names.find("354000, Краснодарский край, г. Сочи, ул. Роз, 1") == "город-курорт Сочи"


# --- reading the file ------------------------------------------------------------------------------


def test_one_row_per_organisation_of_the_region_with_a_valid_certificate(kuban, tmp_path):
    table = read_opendata(write(tmp_path, opendata.sample_xml()), region="23")
    inns = [table.value(cells, "inn") for _, cells in table.rows]
    # the school's two certificates give one row, the lyceum's duplicate too; Rostov and the
    # organisation with only an invalid certificate give none; the branch comes after its parent
    assert sorted(inns) == sorted(
        [
            opendata.SCHOOL_INN,
            opendata.LYCEUM_INN,
            opendata.KRASNODAR_INN,
            opendata.SCHOOL_INN,  # the branch: its parent's ИНН, its own КПП
            opendata.UNKNOWN_PLACE_INN,
        ]
    )
    assert opendata.CLOSED_INN not in inns and opendata.ROSTOV_INN not in inns
    by_name = {table.value(cells, "short_name"): cells for _, cells in table.rows}
    school = by_name["МБОУ СОШ № 1 ст. Выселки"]
    assert table.value(school, "oktmo") == "03612000"
    assert table.value(school, "head_name") == "Иванова Мария Петровна"
    assert table.value(school, "head_position") == "Директор"
    assert table.value(school, "website") == "school1.vyselki.example.ru"
    assert table.value(by_name["МАОУ лицей № 1 г. Кореновска"], "oktmo") == "03621000"
    assert table.value(by_name["МБДОУ д/с № 7"], "oktmo") == "03701000"
    branch = by_name["Филиал МБОУ СОШ № 1 в х. Бузиновском"]
    assert table.value(branch, "oktmo") == "03612000"
    assert table.value(branch, "parent_inn") == opendata.SCHOOL_INN
    assert table.value(branch, "kpp") == "232802001"
    assert table.value(branch, "parent_kpp") == table.value(school, "kpp")
    reasons = sorted(table.row_errors.values())
    assert reasons == [
        "The municipality of the address «352360, Краснодарский край, Тбилисский район, ст-ца Тбилисская, "
        "ул. Новая, 1» is unknown: add it to the registry's municipalities (manage.py "
        "import_municipalities) and run the import again."
    ]
    # the region may be named instead of its code
    by_region_name = read_opendata(write(tmp_path, opendata.sample_xml()), region="краснодарский край")
    assert len(by_region_name.rows) == len(table.rows)


def test_the_plan_creates_the_organisations_and_rejects_unknown_places(kuban, tmp_path):
    plan = build_plan(read_opendata(write(tmp_path, opendata.sample_xml()), region="23"), actor=None)
    actions = {row.name: (row.action, row.reason) for row in plan.rows}
    assert actions["МБОУ СОШ № 1 ст. Выселки"] == ("create", "")
    assert actions["МАОУ лицей № 1 г. Кореновска"] == ("create", "")
    assert actions["МБДОУ д/с № 7"] == ("create", "")
    assert actions["МБОУ СОШ № 3 ст. Тбилисской"][0] == "reject"
    assert "Тбилисский район" in actions["МБОУ СОШ № 3 ст. Тбилисской"][1]
    kindergarten = next(r for r in plan.rows if r.name == "МБДОУ д/с № 7")
    assert kindergarten.data["kind"] == "preschool" and kindergarten.data["subtype"] == "dou"
    assert kindergarten.data["municipality"] == kuban["krasnodar"]


def test_messages_are_in_russian(kuban, tmp_path):
    with translation.override("ru"), pytest.raises(ImportFileError) as info:
        read_opendata(write(tmp_path, opendata.sample_xml()), region="99")
    assert info.value.message == "В файле нет свидетельств региона «99». Проверьте код или название региона."


def test_command_imports_a_region_and_a_second_run_creates_nothing(kuban, tmp_path):
    archive = opendata.zipped({"data-20261201-structure-20160713.xml": opendata.sample_xml()})
    path = write(tmp_path, archive, "d.zip")
    dry = run(str(path), "--region", "23", "--dry-run")
    assert dry[-1] == "created 4, updated 0, rejected 1"
    assert not Organization.objects.exists()
    assert run(str(path), "--region", "23")[-1] == "created 4, updated 0, rejected 1"
    lyceum = Organization.objects.get(inn=opendata.LYCEUM_INN)
    assert lyceum.municipality == kuban["korenovsk"]
    assert lyceum.subtype == "lyceum" and lyceum.kind == "school"
    assert lyceum.email == "lyceum1@korenovsk.example.ru"
    # the branch: its parent's ИНН and ОГРН, its own КПП, linked to its parent
    branch = Organization.objects.get(inn=opendata.SCHOOL_INN, kpp="232802001")
    school = Organization.objects.get(inn=opendata.SCHOOL_INN, parent=None)
    assert branch.parent == school and branch.ogrn == school.ogrn and school.kpp != branch.kpp
    assert branch.municipality == school.municipality == kuban["vyselki"]
    again = run(str(path), "--region", "23")
    assert again[-2:] == ["unchanged 4", "created 0, updated 0, rejected 1"]
    assert Organization.objects.count() == 4


def test_rows_with_broken_identifiers_are_rejected_with_their_reason(kuban, tmp_path):
    broken = opendata.org(Id="X1", INN="2328000000", ShortName="Сломанная школа")
    data = opendata.opendata_xml([opendata.certificate(1, broken)])
    lines = run(str(write(tmp_path, data)), "--region", "23", "--dry-run")
    assert "Сломанная школа" in lines[0] and "check digit" in lines[0]
    assert lines[-1] == "created 0, updated 0, rejected 1"


# --- bad files -------------------------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE OpenData [\n<!ENTITY a "aaaaaaaaaa">\n'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
    b"<OpenData><Certificates><Certificate><RegionCode>23</RegionCode><Id>&c;</Id></Certificate>"
    b"</Certificates></OpenData>"
)


def _bomb() -> bytes:
    return opendata.zipped({"data.xml": b"<OpenData>" + b" " * (5 * 2**20) + b"</OpenData>"})


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b'<?xml version="1.0"?><catalog><book/></catalog>', "x.xml", "not the open data"),
        (opendata.sample_xml()[:-300], "x.xml", "damaged or cut short"),
        (BILLION_LAUGHS, "x.xml", "DTD"),
        (b"<?xml version='1.0'?><OpenData><Certificates><Certif", "x.xml", "damaged or cut short"),
        (
            opendata.zipped({"a.xml": opendata.sample_xml(), "b.xml": opendata.sample_xml()}),
            "x.zip",
            "exactly one XML file",
        ),
        (_bomb(), "x.zip", "zip bomb"),
        (opendata.sample_xml(), "x.xml", "no certificates of region «99»"),
    ],
    ids=["other-xml", "truncated", "entity-bomb", "cut-in-a-tag", "two-files", "zip-bomb", "no-region"],
)
def test_bad_files_are_refused_with_a_message_and_change_nothing(kuban, tmp_path, data, name, message):
    path = write(tmp_path, data, name)
    region = "99" if "region" in message else "23"
    with pytest.raises(ImportFileError) as info:
        read_opendata(path, region=region)
    assert message in info.value.message
    with pytest.raises(CommandError, match=message.replace("«", ".").replace("»", ".")):
        run(str(path), "--region", region)
    assert not Organization.objects.exists()


def test_open_data_needs_a_region(kuban, tmp_path):
    with pytest.raises(CommandError, match="--region"):
        run(str(write(tmp_path, opendata.sample_xml())))


def test_the_benchmark_file_is_open_data_the_import_reads(kuban, tmp_path):
    from bench import opendata_bench

    path = opendata_bench.generate(tmp_path / "national.xml", 400)
    table = read_opendata(path, region="23")
    # region 23 has every 85th certificate; repeated organisations and invalid certificates collapse
    assert 3 <= len(table.rows) <= 5
    assert {table.value(cells, "oktmo") for _, cells in table.rows} == {"03612000"}
