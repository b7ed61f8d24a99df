from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from novator.core.models import ActivityLog
from novator.organizations.models import Municipality, Region
from novator.organizations.tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db

#: Rosstat's ОКТМО classifier as published: no header, ';', quoted fields, Windows-1251.
OKTMO_LINES = [
    '"03";"000";"000";"000";"8";"1";"Муниципальные образования Краснодарского края";"";"";"";"";"";""',
    '"03";"600";"000";"000";"2";"1";"Муниципальные районы Краснодарского края";"";"";"";"";"";""',
    '"03";"612";"000";"000";"4";"1";"Выселковский муниципальный район";"ст-ца Выселки";"";"";"";"";""',
    '"03";"612";"404";"000";"3";"1";"Бейсужекское сельское поселение";"";"";"";"";"";""',
    '"03";"612";"404";"101";"7";"2";"х Бейсужек Второй";"";"";"";"";"";""',
    '"03";"621";"000";"000";"7";"1";"Кореновский муниципальный район";"г Кореновск";"";"";"";"";""',
    '"03";"700";"000";"000";"9";"1";"Городские округа Краснодарского края";"";"";"";"";"";""',
    '"03";"701";"000";"000";"3";"1";"город Краснодар";"";"";"";"";"";""',
    '"60";"701";"000";"000";"1";"1";"город Ростов-на-Дону";"";"";"";"";"";""',
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def oktmo_file(tmp_path: Path, lines=OKTMO_LINES, encoding="cp1251") -> Path:
    path = tmp_path / "data-20260901-structure-20150128.csv"
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("import_municipalities", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().splitlines()


def test_a_region_is_set_up_in_one_step_and_a_second_run_changes_nothing(tmp_path):
    path = oktmo_file(tmp_path)
    lines = run(str(path), "--region", "03", "--region-name", "Краснодарский край")
    assert lines[-1] == "created 3, updated 0, rejected 0"
    region = Region.objects.get(code="03")
    assert dict(Municipality.objects.filter(region=region).values_list("oktmo", "name")) == {
        "03612000": "Выселковский муниципальный район",
        "03621000": "Кореновский муниципальный район",
        "03701000": "город Краснодар",
    }
    assert ActivityLog.objects.filter(action="municipality.create").count() == 3
    assert run(str(path), "--region", "03")[-2:] == ["unchanged 3", "created 0, updated 0, rejected 0"]


def test_renamed_municipalities_are_renamed_and_dry_run_writes_nothing(tmp_path):
    region = RegionFactory(code="03", name="Краснодарский край")
    old = MunicipalityFactory(region=region, name="Выселковский район", oktmo="03612000")
    path = oktmo_file(tmp_path, encoding="utf-8")
    assert run(str(path), "--region", "03", "--dry-run")[-1] == "created 2, updated 1, rejected 0"
    old.refresh_from_db()
    assert old.name == "Выселковский район" and Municipality.objects.count() == 1
    assert run(str(path), "--region", "03")[-1] == "created 2, updated 1, rejected 0"
    old.refresh_from_db()
    assert old.name == "Выселковский муниципальный район"


@pytest.mark.parametrize(
    ("lines", "args", "message"),
    [
        (["ИНН;ОГРН", "1;2"], ("--region", "03", "--region-name", "Край"), "not Rosstat's ОКТМО classifier"),
        (OKTMO_LINES, ("--region", "45", "--region-name", "Москва"), "no municipalities of the region"),
        (OKTMO_LINES, ("--region", "03"), "--region-name"),
        (OKTMO_LINES, ("--region", "3", "--region-name", "Край"), "two digits"),
    ],
)
def test_bad_input_is_refused_with_a_message(tmp_path, lines, args, message):
    with pytest.raises(CommandError, match=message):
        run(str(oktmo_file(tmp_path, lines)), *args)
    assert not Municipality.objects.exists() and not Region.objects.exists()
