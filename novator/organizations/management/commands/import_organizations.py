"""manage.py import_organizations FILE [--dry-run] [--user USERNAME]

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


class Command(BaseCommand):
    help = "Import the registry of organisations from an XLSX or CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to an XLSX or CSV file")
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
