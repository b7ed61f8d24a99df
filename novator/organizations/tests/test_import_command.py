from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from novator.core.models import ActivityLog
from novator.organizations.models import Organization
from novator.organizations.tests import files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("import_organizations", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().splitlines()


@pytest.fixture
def registry_file(tmp_path, municipality, other_municipality):
    rows = [files.org_row(), files.org_row(ОКТМО=other_municipality.oktmo), files.org_row(ОКТМО="03999000")]
    path = tmp_path / "реестр.xlsx"
    path.write_bytes(files.xlsx_bytes(rows))
    return path, rows


def test_dry_run_prints_the_preview_and_the_summary_and_writes_nothing(registry_file):
    path, rows = registry_file
    lines = run(str(path), "--dry-run")
    assert lines[-1] == "created 2, updated 0, rejected 1"
    assert lines[-2] == "unchanged 0"
    row_lines = lines[:-2]
    assert len(row_lines) == 3
    assert row_lines[0].split()[:2] == ["2", "new"]
    assert rows[0]["ИНН"] in row_lines[0] and rows[0]["Краткое наименование"] in row_lines[0]
    assert row_lines[2].split()[:2] == ["4", "rejected"]
    assert "03999000" in row_lines[2]
    assert not Organization.objects.exists()


def test_import_writes_as_the_system_and_a_second_run_changes_nothing(registry_file):
    path, rows = registry_file
    assert run(str(path))[-1] == "created 2, updated 0, rejected 1"
    assert set(Organization.objects.values_list("inn", flat=True)) == {rows[0]["ИНН"], rows[1]["ИНН"]}
    assert ActivityLog.objects.filter(action="organization.create", actor=None).count() == 2
    again = run(str(path))
    assert again[-2:] == ["unchanged 2", "created 0, updated 0, rejected 1"]


def test_import_as_a_methodologist_is_limited_to_their_municipalities(registry_file, methodologist):
    path, rows = registry_file
    lines = run(str(path), "--user", methodologist.username)
    assert lines[-1] == "created 1, updated 0, rejected 2"
    assert "Тихорецкий район" in lines[1]
    assert list(Organization.objects.values_list("inn", flat=True)) == [rows[0]["ИНН"]]


def test_bad_file_unknown_file_and_unknown_user_are_command_errors(tmp_path, municipality):
    fake = tmp_path / "реестр.csv"
    fake.write_bytes(files.png_bytes())
    with pytest.raises(CommandError, match="neither CSV nor XLSX"):
        run(str(fake))
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.xlsx"))
    good = tmp_path / "good.csv"
    good.write_bytes(files.csv_bytes([files.org_row()]))
    with pytest.raises(CommandError, match="No user"):
        run(str(good), "--user", "nobody")
    assert not Organization.objects.exists()


def test_file_level_error_exits_non_zero_with_the_message_on_stderr(tmp_path):
    fake = tmp_path / "photo.csv"
    fake.write_bytes(files.png_bytes())
    manage = Path(settings.BASE_DIR) / "manage.py"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "LANGUAGE": "en"}
    result = subprocess.run(
        [sys.executable, str(manage), "import_organizations", str(fake), "--dry-run"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "XLSX" in result.stderr  # the message is translated; the format names are not
    assert result.stdout == ""
