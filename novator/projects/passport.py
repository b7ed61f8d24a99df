"""The project passport: its shape as JSON, defaults, and what it needs before it can be submitted.

    {
      "theme": str, "goal": str, "tasks": [str], "novelty": str, "significance": str,
      "expected_results": str, "resources": str, "risks": str,
      "indicators": [{"name": str, "unit": str, "baseline": "12.5" | null,
                      "targets": {"2023/24": "15", …}}],
      "stages": [{"title": str, "starts_on": "2023-09-01", "ends_on": "2024-05-31",
                  "activities": str, "deliverables": str}],
      "team": [{"person": <Person id>, "role": str}],
      "partners": [{"organization": <Organization id>, "name": str, "role": str}]
    }

Team members are kept by id only (their names are personal data and stay in the staff record, where
they can be corrected or erased); partners keep their name as it was when the passport was written.
Numbers are strings of decimals, dates ISO strings.
"""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

TEXT_FIELDS = ("theme", "goal", "novelty", "significance", "expected_results", "resources", "risks")
LIST_FIELDS = ("tasks", "indicators", "stages", "team", "partners")
SECTIONS = ("general", "indicators", "plan", "team")


def empty_passport(theme: str = "") -> dict[str, Any]:
    passport: dict[str, Any] = dict.fromkeys(TEXT_FIELDS, "")
    passport.update({name: [] for name in LIST_FIELDS})
    passport["theme"] = theme
    return passport


def normalised(passport: Any) -> dict[str, Any]:
    """A complete passport (missing keys filled in), copied so the caller may change it."""
    result = empty_passport()
    if isinstance(passport, dict):
        for key in (*TEXT_FIELDS, *LIST_FIELDS):
            value = passport.get(key)
            if key in TEXT_FIELDS and isinstance(value, str):
                result[key] = value
            elif key in LIST_FIELDS and isinstance(value, list):
                result[key] = copy.deepcopy(value)
    return result


def decimal_or_none(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


def date_or_none(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def indicator_target(indicator: dict[str, Any], year: str) -> Decimal | None:
    targets = indicator.get("targets") or {}
    return decimal_or_none(targets.get(year)) if isinstance(targets, dict) else None


def completeness_errors(passport: dict[str, Any]) -> list[str]:
    """What is missing before the passport can be submitted for approval (in the user's language)."""
    p = normalised(passport)
    errors = []
    for key, label in (
        ("theme", _("the theme")),
        ("goal", _("the goal")),
        ("novelty", _("the novelty")),
        ("significance", _("the practical significance")),
        ("expected_results", _("the expected results")),
    ):
        if not p[key].strip():
            errors.append(_("Fill in %(what)s.") % {"what": label})
    if not [t for t in p["tasks"] if str(t).strip()]:
        errors.append(_("List at least one task."))
    if not p["indicators"]:
        errors.append(_("Add at least one measurable indicator."))
    if not p["stages"]:
        errors.append(_("Add at least one stage to the calendar plan."))
    if not p["team"]:
        errors.append(_("Name at least one member of the team."))
    return errors
