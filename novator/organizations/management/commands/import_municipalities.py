"""manage.py import_municipalities FILE --region 03 [--region-name NAME] [--dry-run]

Loads a region's municipalities (ОКТМО code and name) from Rosstat's ОКТМО classifier (CSV), so that
a region is set up in one step before its organisations are imported from the federal registry. A
second run creates nothing; a renamed municipality is renamed. Ends with `created N, updated N,
rejected N` like the import of organisations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from novator.organizations import services
from novator.organizations.importing.oktmo import read_oktmo
from novator.organizations.importing.reader import ImportFileError
from novator.organizations.models import Region


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Load a region's municipalities from Rosstat's ОКТМО classifier (CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path to the ОКТМО classifier (CSV from rosstat.gov.ru)")
        parser.add_argument("--region", required=True, help="the region's ОКТМО code, e.g. 03")
        parser.add_argument("--region-name", default="", help="the region's name, when it is not yet set up")
        parser.add_argument("--dry-run", action="store_true", help="show what would happen, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["region"].strip()
        path = Path(options["file"])
        try:
            items = read_oktmo(path, region=code)
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror or exc}
            ) from exc
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        region = Region.objects.filter(code=code).first()
        if region is None and not options["region_name"]:
            raise CommandError(
                _("There is no region with ОКТМО code %(code)s yet: give its name with --region-name.")
                % {"code": code}
            )
        counts: dict[str, int] = {}
        try:
            with transaction.atomic():
                if region is None:
                    region = services.region_get_or_create(
                        actor=None, code=code, name=options["region_name"].strip()
                    )
                counts = services.municipalities_import(actor=None, region=region, items=items)
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            pass
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for oktmo, name in items:
            self.stdout.write(f"{oktmo}  {name}")
        self.stdout.write(f"unchanged {counts['unchanged']}")
        self.stdout.write(
            f"created {counts['created']}, updated {counts['updated']}, rejected {counts['rejected']}"
        )
