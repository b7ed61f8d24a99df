"""`manage.py restore ARCHIVE [--force]`: restore a backup into an empty instance and verify it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from novator.core.backup import BackupError, restore_backup, storage_location, target_for


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup` into this instance (its database and file "
        "storage), then check every table's row count and checksum and every file against the manifest. "
        "Stop the application and the task worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The .tar.gz archive written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even when the database or the storage already holds data (it is replaced).",
        )
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["database"]
        try:
            target = target_for(alias)
            files_dir = storage_location()
            # Our own connection must not hold the database open while it is replaced.
            connections[alias].close()
            restore_backup(
                options["archive"],
                target=target,
                files_dir=files_dir,
                force=options["force"],
                log=self.stdout.write,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Restore done: every table and file matches the backup."))
        self.stdout.write("If this code is newer than the backup, run `manage.py migrate` now.")
