"""The default readiness questionnaire every installation starts with (operators add others in the admin)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from novator.projects import survey_defaults


def create_default_questionnaire(apps: Any, schema_editor: Any) -> None:
    Questionnaire = apps.get_model("projects", "SurveyQuestionnaire")
    Item = apps.get_model("projects", "SurveyItem")
    if Questionnaire.objects.filter(is_default=True).exists():
        return
    questionnaire = Questionnaire.objects.create(
        title=survey_defaults.TITLE, description=survey_defaults.DESCRIPTION, is_default=True
    )
    Item.objects.bulk_create(
        Item(questionnaire=questionnaire, scale=scale, text=text, reversed=rev, position=i)
        for i, (scale, text, rev) in enumerate(survey_defaults.ITEMS, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(create_default_questionnaire, migrations.RunPython.noop)]
