"""РИП, the regional innovation platform: the second regional status beside КИП (awarded by the region)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

RIP = {
    "abbreviation": "РИП",
    "name": "региональная инновационная площадка",
    "level": "regional",
    "default_term_years": 3,
}


def create_rip(apps: Any, schema_editor: Any) -> None:
    StatusKind = apps.get_model("statuses", "StatusKind")
    StatusKind.objects.get_or_create(code="RIP", defaults=RIP)


class Migration(migrations.Migration):
    dependencies = [("statuses", "0003_register_start_index")]

    # Going back leaves the kind in place: statuses in the register may refer to it.
    operations = [migrations.RunPython(create_rip, migrations.RunPython.noop)]
