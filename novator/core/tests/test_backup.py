"""manage.py backup / restore: a backup restored into an empty instance has every table and file intact.

Runs on SQLite (restore into a fresh file) and on PostgreSQL when DATABASE_URL points at it (restore into a
scratch database created and dropped by the test). Transactional: pg_dump reads through its own connection.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import re
import sqlite3
import stat
import tarfile
import time
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from psycopg import errors, sql

from novator.accounts.tests.factories import UserFactory
from novator.core.backup import (
    DATABASE_MEMBERS,
    MANIFEST_NAME,
    BackupError,
    PostgresTarget,
    SqliteTarget,
    VerificationError,
    create_backup,
    project_tables,
    restore_backup,
    table_stats,
    tables_with_data,
    target_for,
    target_stats,
    unpack_archive,
    verify_restore,
)
from novator.organizations.models import Organization
from novator.organizations.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

UPLOADS = {
    "applications/2024/заявка № 1.pdf": b"%PDF-1.4\n% \xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
    "photos/all-bytes.bin": bytes(range(256)) * 64,
    "empty.txt": b"",
}


# --- fixtures and helpers -------------------------------------------------------------------------------


@pytest.fixture
def source_files(settings, tmp_path):
    """The default storage of the source instance, in a directory of this test."""
    location = tmp_path / "source-private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }
    return location


@pytest.fixture
def source(source_files):
    """Some data in the source instance: organisations with staff, a user, uploaded files."""
    orgs = [
        OrganizationFactory(),
        OrganizationFactory(preschool=True),
        OrganizationFactory(closed=True, address="ул. «Кавычки» 'и' \"апострофы\"\nвторая строка"),
    ]
    PersonFactory(organization=orgs[0])
    PersonFactory(organization=orgs[1], middle_name="")
    UserFactory(username="operator")
    for name, content in UPLOADS.items():
        assert default_storage.save(name, ContentFile(content)) == name
    return {"orgs": orgs, "files_dir": source_files}


@pytest.fixture
def empty_target(tmp_path):
    """An empty database of the same vendor as the test database."""
    if connection.vendor == "sqlite":
        yield SqliteTarget(str(tmp_path / "restored" / "db.sqlite3"))
        return
    if connection.vendor != "postgresql":
        pytest.skip(f"no restore target for {connection.vendor}")
    here = target_for("default")
    assert isinstance(here, PostgresTarget)
    name = f"novator_restore_{uuid.uuid4().hex[:12]}"
    with closing(here.connect(autocommit=True)) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield here.with_dbname(name)
        finally:
            _drop_database(admin, name)


def _drop_database(admin: Any, name: str) -> None:
    """Drop the scratch database. An autovacuum worker (the superuser's) may be analysing the freshly
    restored tables, and `WITH (FORCE)` does not let a non-superuser end it: wait for it (seconds)."""
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    for attempt in range(60):
        try:
            admin.execute(drop)
            return
        except (errors.InsufficientPrivilege, errors.ObjectInUse):
            if attempt == 59:
                raise
            time.sleep(0.5)


def live_stats(tables):
    """Row counts and checksums of the running test database, read through a connection of its own kind."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return table_stats(connection.connection, tables)
    with closing(target_for("default").connect()) as conn:
        return table_stats(conn, tables)


def execute_on(target, statement):
    if isinstance(target, SqliteTarget):
        with closing(sqlite3.connect(target.name)) as conn:
            conn.execute(statement)
            conn.commit()
    else:
        with closing(target.connect()) as conn:
            conn.execute(statement)
            conn.commit()


def rewrite_archive(src: Path, dst: Path, *, edit=None, drop=(), rename=None, extra=()):
    """Copy a backup archive, changing its manifest (`edit`), dropping or renaming members, adding `extra`."""
    rename = rename or {}
    with tarfile.open(src, "r:gz") as tar_in, tarfile.open(dst, "w:gz") as tar_out:
        for member in tar_in:
            if member.name in drop:
                continue
            extracted = tar_in.extractfile(member)
            assert extracted is not None
            data = extracted.read()
            if member.name == MANIFEST_NAME and edit:
                manifest = json.loads(data)
                edit(manifest)
                data = json.dumps(manifest).encode()
            info = tarfile.TarInfo(rename.get(member.name, member.name))
            info.size = len(data)
            tar_out.addfile(info, io.BytesIO(data))
        for info, data in extra:
            tar_out.addfile(info, io.BytesIO(data) if data is not None else None)
    return dst


def nothing_restored(target, files_dir):
    if isinstance(target, SqliteTarget):
        assert not Path(target.name).exists()
    else:
        assert target_stats(target, ["django_migrations", "organizations_organization"]) == {}
    assert not files_dir.exists() or not any(files_dir.iterdir())


@pytest.fixture
def archive(source, tmp_path):
    path = tmp_path / "backup.tar.gz"
    manifest = create_backup(path, files_dir=source["files_dir"])
    return path, manifest


# --- the round trip -------------------------------------------------------------------------------------


def test_restore_into_empty_instance_matches_every_table_and_file(archive, empty_target, tmp_path):
    path, manifest = archive
    tables = project_tables()
    # Every table of the project's models is in the manifest, Django's own included.
    assert sorted(manifest["tables"]) == tables
    for table in (
        "organizations_organization",
        "accounts_user",
        "auth_permission",
        "django_content_type",
        "django_migrations",
        "django_tasks_database_dbtaskresult",
    ):
        assert table in manifest["tables"]
    assert manifest["tables"]["organizations_organization"]["rows"] == 3
    assert manifest["tables"]["organizations_person"]["rows"] == 2
    assert manifest["database"]["vendor"] == connection.vendor
    source_stats = live_stats(tables)
    assert manifest["tables"] == source_stats

    lines: list[str] = []
    files_dir = tmp_path / "restored-private"
    report = restore_backup(path, target=empty_target, files_dir=files_dir, log=lines.append)

    assert report.ok
    assert len(report.tables) == len(tables) and report.files_checked == len(UPLOADS)
    restored = target_stats(empty_target, tables)
    assert restored == source_stats  # every table: the same row count and checksum as the source
    assert sum(stat["rows"] for stat in restored.values()) > 100
    assert any(line.startswith("[5/5]") for line in lines)
    assert any(re.match(r"organizations_organization\s+3\s+3\s+ok$", line) for line in lines)


def test_files_are_restored_byte_identical(archive, empty_target, tmp_path):
    path, manifest = archive
    files_dir = tmp_path / "restored-private"
    restore_backup(path, target=empty_target, files_dir=files_dir)

    assert {entry["name"] for entry in manifest["files"]} == set(UPLOADS)
    for name, content in UPLOADS.items():
        assert (files_dir / name).read_bytes() == content
        entry = next(e for e in manifest["files"] if e["name"] == name)
        assert entry == {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def test_a_restored_sqlite_database_is_private_like_the_archive(archive, empty_target, tmp_path):
    if not isinstance(empty_target, SqliteTarget):
        pytest.skip("the file permissions of an SQLite database")
    path, _manifest = archive
    restore_backup(path, target=empty_target, files_dir=tmp_path / "restored-private")
    assert stat.S_IMODE(Path(empty_target.name).stat().st_mode) == 0o600
    # --force over an existing, world-readable file narrows it too
    Path(empty_target.name).chmod(0o644)
    restore_backup(path, target=empty_target, files_dir=tmp_path / "restored-again", force=True)
    assert stat.S_IMODE(Path(empty_target.name).stat().st_mode) == 0o600


def test_a_changed_row_or_file_in_the_restored_copy_is_detected(archive, empty_target, tmp_path):
    path, manifest = archive
    files_dir = tmp_path / "restored-private"
    restore_backup(path, target=empty_target, files_dir=files_dir)

    # The same number of rows, one value changed: only the checksum can tell.
    execute_on(
        empty_target,
        "UPDATE organizations_organization SET short_name = short_name || '.' "
        "WHERE id = (SELECT min(id) FROM organizations_organization)",
    )
    (files_dir / "photos" / "all-bytes.bin").write_bytes(bytes(range(256))[::-1] * 64)
    report = verify_restore(empty_target, manifest, files_dir)

    assert not report.ok
    assert report.mismatched_tables == ["organizations_organization"]
    check = next(c for c in report.tables if c.table == "organizations_organization")
    assert check.actual_rows == check.expected_rows == 3 and check.status == "MISMATCH"
    assert report.file_problems == ["size or SHA-256 differs: photos/all-bytes.bin"]


def test_restore_fails_when_the_data_does_not_match_the_manifest(archive, empty_target, tmp_path):
    path, _ = archive

    def tamper(manifest):
        manifest["tables"]["organizations_person"]["sha256"] = "0" * 64

    tampered = rewrite_archive(path, tmp_path / "tampered.tar.gz", edit=tamper)
    lines: list[str] = []
    with pytest.raises(VerificationError, match="organizations_person") as caught:
        restore_backup(tampered, target=empty_target, files_dir=tmp_path / "restored", log=lines.append)

    assert caught.value.report.mismatched_tables == ["organizations_person"]
    assert any(re.match(r"organizations_person\s+2\s+2\s+MISMATCH$", line) for line in lines)


# --- refusals: nothing changed -------------------------------------------------------------------------


def test_a_target_with_data_is_refused_unless_forced(archive, empty_target, tmp_path):
    path, _ = archive
    files_dir = tmp_path / "restored-private"
    restore_backup(path, target=empty_target, files_dir=files_dir)
    execute_on(empty_target, "DELETE FROM organizations_person")
    before = target_stats(empty_target, ["organizations_person", "organizations_organization"])

    with pytest.raises(BackupError, match=r"not empty.*organizations_organization.*--force"):
        restore_backup(path, target=empty_target, files_dir=files_dir)
    assert target_stats(empty_target, ["organizations_person", "organizations_organization"]) == before

    report = restore_backup(path, target=empty_target, files_dir=files_dir, force=True)
    assert report.ok
    assert target_stats(empty_target, ["organizations_person"])["organizations_person"]["rows"] == 2


def test_the_restore_command_refuses_the_running_instance_with_data(archive):
    path, _ = archive
    with pytest.raises(CommandError, match=r"not empty.*organizations_organization"):
        call_command("restore", str(path), stdout=io.StringIO())
    assert Organization.objects.count() == 3


def test_a_freshly_migrated_instance_counts_as_empty():
    seed = importlib.import_module("novator.statuses.migrations.0002_default_status_kinds")
    seed.create_default_kinds(django_apps, None)  # what `migrate` leaves behind, besides Django's own tables
    assert tables_with_data(target_for("default")) == []

    OrganizationFactory()
    assert {"organizations_organization", "organizations_municipality"} <= set(
        tables_with_data(target_for("default"))
    )


def _member(name, type_=tarfile.REGTYPE, linkname=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = type_, linkname
    return info, (b"owned\n" if type_ == tarfile.REGTYPE else None)


@pytest.mark.parametrize(
    "evil",
    [
        _member("../evil.txt"),
        _member("files/../../evil.txt"),
        _member("/tmp/novator-evil-absolute.txt"),
        _member("files/link", tarfile.SYMTYPE, "../../evil.txt"),
        _member("files/hard", tarfile.LNKTYPE, "manifest.json"),
        _member("files/fifo", tarfile.FIFOTYPE),
    ],
    ids=["parent", "nested-parent", "absolute", "symlink", "hardlink", "fifo"],
)
def test_an_archive_with_members_outside_the_extraction_dir_is_refused(archive, empty_target, tmp_path, evil):
    path, _ = archive
    info, data = evil
    if data is not None:
        info.size = len(data)
    bad = rewrite_archive(path, tmp_path / "evil.tar.gz", extra=[(info, data)])
    files_dir = tmp_path / "restored-private"

    with pytest.raises(BackupError, match="refused"):
        restore_backup(bad, target=empty_target, files_dir=files_dir)
    nothing_restored(empty_target, files_dir)

    stage = tmp_path / "stage" / "inner"
    stage.mkdir(parents=True)
    with pytest.raises(BackupError, match="refused"):
        unpack_archive(bad, stage)
    assert not (tmp_path / "stage" / "evil.txt").exists()
    assert not (tmp_path / "evil.txt").exists()
    assert not Path("/tmp/novator-evil-absolute.txt").exists()


def _other_vendor(manifest):
    other = "postgresql" if manifest["database"]["vendor"] == "sqlite" else "sqlite"
    manifest["database"].update(vendor=other, member=DATABASE_MEMBERS[other])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"drop": (MANIFEST_NAME,)}, "has no manifest.json"),
        ({"edit": lambda m: m.update(format_version=2)}, "format version 2"),
        ({"edit": lambda m: m.update(format="something-else")}, "not a Novator backup"),
        ({"edit": _other_vendor, "rename": "other-vendor"}, r"holds a \w+ database; this instance uses"),
        ({"edit": lambda m: m["files"][0].update(sha256="0" * 64)}, "does not match its manifest"),
        ({"drop": ("files/empty.txt",)}, "missing: files/empty.txt"),
    ],
    ids=["no-manifest", "format-version", "format", "vendor", "file-checksum", "missing-file"],
)
def test_an_archive_that_is_not_a_matching_backup_is_refused(
    archive, empty_target, tmp_path, change, message
):
    path, manifest = archive
    if change.get("rename") == "other-vendor":
        own = manifest["database"]["member"]
        other = next(m for m in DATABASE_MEMBERS.values() if m != own)
        change = {**change, "rename": {own: other}}
    bad = rewrite_archive(path, tmp_path / "bad.tar.gz", **change)
    files_dir = tmp_path / "restored-private"

    with pytest.raises(BackupError, match=message):
        restore_backup(bad, target=empty_target, files_dir=files_dir)
    nothing_restored(empty_target, files_dir)


def test_a_file_that_is_not_an_archive_is_refused(tmp_path, empty_target):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar at all")
    with pytest.raises(BackupError, match=r"not a readable tar\.gz"):
        restore_backup(junk, target=empty_target, files_dir=tmp_path / "files")
    with pytest.raises(BackupError, match="No such archive"):
        restore_backup(tmp_path / "missing.tar.gz", target=empty_target, files_dir=tmp_path / "files")


# --- the commands ---------------------------------------------------------------------------------------


def test_backup_command_writes_a_private_archive_with_its_manifest(source, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    out = io.StringIO()
    call_command("backup", stdout=out)

    [path] = (tmp_path / "var" / "backups").glob("*.tar.gz")
    assert re.fullmatch(r"novator-\d{8}-\d{6}\.tar\.gz", path.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # personal data inside
    text = out.getvalue()
    for step in ("[1/3] Database", "[2/3] Files: 3 files", "[3/3] Manifest", "Backup done"):
        assert step in text
    assert re.search(r"\d+\.\d (KiB|MiB)", text)

    with tarfile.open(path, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile(MANIFEST_NAME))
    assert DATABASE_MEMBERS[connection.vendor] in names
    assert {f"files/{name}" for name in UPLOADS} <= set(names)
    assert manifest["format_version"] == 1 and manifest["created_at"]
    assert set(manifest["versions"]) >= {"novator", "django", "python", "database_server"}

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=str(path), stdout=io.StringIO())


def test_restore_command_restores_and_prints_the_verification(
    archive, empty_target, settings, tmp_path, monkeypatch
):
    path, _ = archive
    restored_files = tmp_path / "restored-private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": restored_files},
        },
    }
    # The command restores into the configured database; point it at the empty target, not the test database.
    monkeypatch.setattr("novator.core.management.commands.restore.target_for", lambda alias: empty_target)
    out = io.StringIO()
    call_command("restore", str(path), stdout=out)

    text = out.getvalue()
    for step in ("[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]", "Files: 3 of 3 match", "Restore done"):
        assert step in text
    assert (restored_files / "empty.txt").exists()


def test_restore_command_fails_with_the_mismatch_table(
    archive, empty_target, settings, tmp_path, monkeypatch
):
    path, _ = archive

    def tamper(manifest):
        manifest["tables"]["organizations_organization"]["rows"] = 4

    tampered = rewrite_archive(path, tmp_path / "tampered.tar.gz", edit=tamper)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "restored-private"},
        },
    }
    monkeypatch.setattr("novator.core.management.commands.restore.target_for", lambda alias: empty_target)
    out = io.StringIO()
    with pytest.raises(CommandError, match="does not match the backup: organizations_organization"):
        call_command("restore", str(tampered), stdout=out)
    assert re.search(r"organizations_organization\s+4\s+3\s+MISMATCH", out.getvalue())


def test_a_backup_is_refused_inside_a_transaction(source, tmp_path):
    # SQLite's backup API would wait forever on the connection's own open write transaction.
    with transaction.atomic(), pytest.raises(BackupError, match="inside a database transaction"):
        create_backup(tmp_path / "b.tar.gz", files_dir=source["files_dir"])
    assert not (tmp_path / "b.tar.gz").exists()
