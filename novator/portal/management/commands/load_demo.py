"""`manage.py load_demo`: the demo registry, staff, one account per role (password novator-demo), and the
status contests (stage II of 2022/23 with its statuses, one open contest).

Run by `make run` on every start: a second run finds everything in place with a few queries and
creates nothing. Refused where `settings.NOVATOR_DEMO` is False (production).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from novator.portal.demo.loader import DemoDisabled, load_demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent): organisations, staff, demo accounts and status contests."

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 2
        try:
            # Demo people must not receive e-mails (the services notify on commit): drop them.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
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
        if created["contests"] or created["expert_profiles"]:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Status contests: created %(contests)d contests, %(applications)d applications, "
                        "%(sheets)d scoring sheets, %(statuses)d statuses in the register "
                        "(%(experts)d expert accounts, %(profiles)d expert profiles)."
                    )
                    % {
                        "contests": created["contests"],
                        "applications": created["applications"],
                        "sheets": created["score_sheets"],
                        "statuses": created["statuses"],
                        "experts": created["experts"],
                        "profiles": created["expert_profiles"],
                    }
                )
            )
