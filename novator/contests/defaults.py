"""The default set-up offered for a status contest (МИП, МЛСВ): criteria, sections, documents, categories.

The domain README gives the shape: relevance, novelty, grounding, feasibility, measurable results,
transferability and the quality of the documents, 0–3 points each, pass at about 60–70 % of the maximum.
Texts are translated when the contest is created, in the language of the methodologist who creates it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from novator.organizations.models import OrganizationKind

DEFAULT_THRESHOLD_PERCENT = Decimal("60")


def default_criteria() -> list[dict[str, Any]]:
    three = Decimal(3)
    rows = [
        (
            _("Relevance"),
            _("The project answers the needs of the organisation, the municipality and the region."),
        ),
        (_("Novelty"), _("What is new: content, methods, technologies, forms of organisation.")),
        (_("Grounding"), _("The goal, tasks, stages and methods are justified and consistent.")),
        (
            _("Feasibility"),
            _("The resources, the staff and the conditions are enough to carry the project out."),
        ),
        (_("Measurable results"), _("The expected results of every stage can be measured and checked.")),
        (
            _("Possibility of replication"),
            _("Other organisations can adopt the results (methodological products)."),
        ),
        (
            _("Quality of drawing up the documents"),
            _("The documents are complete, consistent and properly drawn up."),
        ),
    ]
    return [
        {
            "name": name,
            "description": description,
            "levels": default_levels(),
            "max_points": three,
            "weight": Decimal(1),
        }
        for name, description in rows
    ]


def default_levels() -> list[str]:
    """The meaning of 0–3 points of a criterion, shown to experts and printed on the expert sheet."""
    return [_("does not meet"), _("partly meets"), _("largely meets"), _("fully meets")]


def default_sections() -> list[dict[str, Any]]:
    rows = [
        ("relevance", _("Relevance"), 3000),
        ("novelty", _("Novelty"), 3000),
        ("goal", _("Goal"), 1000),
        ("tasks", _("Tasks"), 2000),
        ("stages", _("Stages, their content and methods"), 5000),
        ("expected_results", _("Expected results"), 3000),
        ("resources", _("Resources (staff, material, financial)"), 3000),
        ("risks", _("Risks and how they are managed"), 2000),
    ]
    return [{"key": key, "title": title, "max_length": limit, "required": True} for key, title, limit in rows]


def default_documents() -> list[dict[str, Any]]:
    scans = ["pdf", "jpg", "png"]
    return [
        {
            "title": _("Application signed by the head"),
            "allowed_types": ["pdf"],
            "max_size_mb": 10,
            "required": True,
        },
        {
            "title": _("Innovation project"),
            "allowed_types": ["pdf", "docx", "odt"],
            "max_size_mb": 20,
            "required": True,
        },
        {
            "title": _("Extract of the decision of the pedagogical council"),
            "allowed_types": scans,
            "max_size_mb": 10,
            "required": True,
        },
        {
            "title": _("Consent of the founder"),
            "allowed_types": scans,
            "max_size_mb": 10,
            "required": False,
        },
    ]


def default_categories() -> list[dict[str, Any]]:
    return [
        {"name": _("Preschool organisations"), "organization_kinds": [OrganizationKind.PRESCHOOL.value]},
        {"name": _("General schools"), "organization_kinds": [OrganizationKind.SCHOOL.value]},
    ]
