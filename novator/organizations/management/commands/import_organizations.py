"""manage.py import_organizations FILE [--region CODE] [--dry-run] [--user USERNAME]

FILE is a CSV or XLSX table, or Rosobrnadzor's open data of the registry of accredited organisations
(the XML, or the ZIP as downloaded) with --region: the file's RegionCode (23) or the region's name.
Prints what happens to each row and ends with the line `created N, updated N, rejected N`. Without
--dry-run the rows are written through the services, as the system (no user) or as --user, whose
municipalities then limit what may be changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from novator.organizations.importing import (
    ACTION_LABELS,
    REJECT,
    ImportFileError,
    PlannedRow,
    apply_plan,
    build_plan,
    read_table,
)
from novator.organizations.importing.opendata import is_opendata_file, read_opendata


class Command(BaseCommand):
    help = "Import the registry of organisations from XLSX, CSV or the federal open data (XML or ZIP)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to an XLSX or CSV file, or the open-data XML or ZIP")
        parser.add_argument(
            "--region", default="", help="open data: the region's code in the file (e.g. 23) or its name"
        )
        parser.add_argument("--dry-run", action="store_true", help="show what would happen, write nothing")
        parser.add_argument("--user", help="import as this user (their municipalities apply)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["user"]:
            try:
                actor = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist as exc:
                raise CommandError(_("No user «%(name)s».") % {"name": options["user"]}) from exc
            if not actor.has_perm("organizations.import_organizations"):
                raise CommandError(
                    _("User «%(name)s» may not import organisations.") % {"name": actor.username}
                )
        path = Path(options["file"])
        try:
            if is_opendata_file(path):
                if not options["region"]:
                    raise CommandError(
                        _("This is the open data of the federal registry: choose the region with --region.")
                    )
                table = read_opendata(path, region=options["region"])
            else:
                with path.open("rb") as source:
                    table = read_table(source)
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror or exc}
            ) from exc
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc

        plan = build_plan(table, actor=actor)
        for notice in plan.notices:
            self.stderr.write(notice)
        for row in plan.rows:
            self._print_row(row)
        if options["dry_run"]:
            counts = plan.counts()
        else:
            planned_rejects = {row.number for row in plan.rows if row.action == REJECT}
            counts = apply_plan(plan, actor=actor)
            for row in plan.rows:
                if row.action == REJECT and row.number not in planned_rejects:
                    self.stderr.write(_("Row %(row)d could not be written:") % {"row": row.number})
                    self._print_row(row)
        # The last line is machine-readable and stays the same in every language.
        self.stdout.write(f"unchanged {counts['unchanged']}")
        self.stdout.write(
            f"created {counts['created']}, updated {counts['updated']}, rejected {counts['rejected']}"
        )

    def _print_row(self, row: PlannedRow) -> None:
        details = row.reason or "; ".join(
            f"{column}: {old or '—'} → {new or '—'}" for column, old, new in row.changes
        )
        line = f"{row.number:>6}  {ACTION_LABELS[row.action]!s:<10}  {row.name or '—'}  {row.inn or '—'}"
        self.stdout.write(f"{line}  {details}" if details else line)
