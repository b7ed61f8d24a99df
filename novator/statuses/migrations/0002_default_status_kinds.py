"""The status kinds every installation starts with; operators add others in the admin."""

from __future__ import annotations

from typing import Any

from django.db import migrations

DEFAULT_KINDS = [
    {
        "code": "MIP",
        "abbreviation": "МИП",
        "name": "муниципальная инновационная площадка",
        "level": "municipal",
        "default_term_years": 3,
    },
    {
        "code": "MLSV",
        "abbreviation": "МЛСВ",
        "name": "муниципальный лидер сетевого взаимодействия",
        "level": "municipal",
        "default_term_years": 3,
    },
    {
        "code": "KIP",
        "abbreviation": "КИП",
        "name": "краевая инновационная площадка",
        "level": "regional",
        "default_term_years": 3,
    },
    {
        "code": "FIP",
        "abbreviation": "ФИП",
        "name": "федеральная инновационная площадка",
        "level": "federal",
        "default_term_years": 5,
    },
]


def create_default_kinds(apps: Any, schema_editor: Any) -> None:
    StatusKind = apps.get_model("statuses", "StatusKind")
    for spec in DEFAULT_KINDS:
        defaults = {key: value for key, value in spec.items() if key != "code"}
        StatusKind.objects.update_or_create(code=spec["code"], defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [("statuses", "0001_initial")]

    # Going back leaves the kinds in place: statuses in the register may refer to them.
    operations = [migrations.RunPython(create_default_kinds, migrations.RunPython.noop)]
