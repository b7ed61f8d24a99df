"""`manage.py load_demo`: the demo registry, staff and one account per role (password novator-demo).

Run by `make run` on every start: a second run finds everything in place with a few queries and
creates nothing. Refused where `settings.NOVATOR_DEMO` is False (production).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from novator.portal.demo.loader import DemoDisabled, load_demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent): organisations, staff and demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 2
        try:
            ctx = load_demo(log=self.stdout.write if verbose else None)
        except DemoDisabled as exc:
            raise CommandError(
                _(
                    "Demo data is disabled here (NOVATOR_DEMO is off, as in production): "
                    "demo accounts with a known password must not exist on this server."
                )
            ) from exc
        created = ctx.created
        if not created:
            self.stdout.write(_("Demo data already loaded."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demo data: created %(organizations)d organisations, %(accounts)d accounts "
                    "(%(staff)d staff records, %(municipalities)d municipalities)."
                )
                % {
                    "organizations": created["organizations"],
                    "accounts": created["accounts"],
                    "staff": created["staff"],
                    "municipalities": created["municipalities"],
                }
            )
        )
