"""Rebuild the full-text search data of the library (after a restore or a move to another database)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from novator.library.search import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index of the library of methodological products."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = reindex_all()
        self.stdout.write(f"Reindexed {count} products.")
