"""`manage.py generate_data --scale district|region|country --seed N`: synthetic data for benchmarks."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from novator.synthetic.generator import SCALES, SyntheticExists, generate


class Command(BaseCommand):
    help = "Fill an empty database with deterministic synthetic data (district, region or country scale)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="district")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true", help="Print the counts and timings as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        def log(message: str) -> None:
            if options["verbosity"] > 0 and not options["json"]:
                self.stdout.write(message)
                self.stdout.flush()

        try:
            result = generate(options["scale"], options["seed"], log=log)
        except SyntheticExists as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.__dict__, ensure_ascii=False, indent=2))
            return
        for label, count in sorted(result.counts.items()):
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(f"total: {result.seconds['total']} s; digest {result.digest[:16]}")
