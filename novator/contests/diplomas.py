"""Diplomas (winner, laureate) and certificates of participation of professional contests as PDF, rendered
by WeasyPrint from an HTML template. Each carries its verification code and the address of the public page
that confirms it. Nothing is fetched from the network: the URL fetcher refuses everything."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Diploma, Distinction

CSS = """
@page { size: A4 portrait; margin: 16mm; }
body { font-family: "DejaVu Serif", "Liberation Serif", serif; color: #1b2a41; }
.sheet { border: 3mm double #8a5a1b; padding: 16mm 14mm; height: 235mm; text-align: center; }
.kind { font-size: 36pt; letter-spacing: 4pt; font-weight: bold; margin: 10mm 0 4mm; color: #8a5a1b; }
.place { font-size: 16pt; margin: 0 0 8mm; }
.lead { font-size: 13pt; margin: 3mm 0; }
.name { font-size: 24pt; font-weight: bold; margin: 6mm 0 2mm; }
.org { font-size: 12pt; margin: 0 0 8mm; }
.contest { font-size: 16pt; font-weight: bold; margin: 3mm 0; }
.meta { font-size: 11pt; margin: 1mm 0; }
.verify { font-size: 9pt; margin-top: 20mm; color: #555; }
"""

# Lazy: translated when a diploma is rendered (in Russian), not when the module is imported.
TITLES: dict[str, Any] = {
    Distinction.WINNER: gettext_lazy("DIPLOMA OF THE WINNER"),
    Distinction.LAUREATE: gettext_lazy("DIPLOMA OF THE LAUREATE"),
    Distinction.PARTICIPANT: gettext_lazy("CERTIFICATE OF PARTICIPATION"),
}


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(_("External resources are not loaded into diplomas."))


def diploma_html(diploma: Diploma, *, verify_url: str) -> str:
    """The diploma as HTML, always in Russian: an official document of a Russian contest, whatever the
    language of the person who downloads it."""
    application = diploma.application
    with translation.override("ru"):
        return render_to_string(
            "contests/diploma_pdf.html",
            {
                "diploma": diploma,
                "title": str(TITLES.get(diploma.kind, "")),
                "application": application,
                "contest": application.contest,
                "person": application.applicant,
                "verify_url": verify_url,
            },
        )


def render_pdf(diploma: Diploma, *, verify_url: str) -> bytes:
    import weasyprint

    document = weasyprint.HTML(string=diploma_html(diploma, verify_url=verify_url), url_fetcher=_no_fetch)
    pdf: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(string=CSS)])
    return pdf
