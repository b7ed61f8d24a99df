"""`manage.py backup [--output PATH]`: the database, the uploaded files and a manifest in one tar.gz."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from novator.core.backup import BackupError, create_backup, default_backup_path, human_size


class Command(BaseCommand):
    help = (
        "Write one archive (tar.gz) with the database, every uploaded file and a manifest of row counts "
        "and checksums. Safe while the application runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (default: var/backups/novator-YYYYMMDD-HHMMSS.tar.gz).",
        )
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"] or default_backup_path()
        try:
            manifest = create_backup(output, using=options["database"], log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(stat["rows"] for stat in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup done: {output} ({human_size(output.stat().st_size)}; "
                f"{len(manifest['tables'])} tables, {rows} rows, {len(manifest['files'])} file(s))"
            )
        )
