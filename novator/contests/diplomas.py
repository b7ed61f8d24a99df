"""Diplomas (winner, prize-winner, laureate) and certificates of participation of professional contests as
PDF, rendered by WeasyPrint from an HTML template. A diploma says «награждается» with the holder's name; a
certificate «выдан» with the name in the dative; places II–III are «призёр» («ДИПЛОМ ПРИЗЁРА
(II место)»). Each carries the issuer's requisites (`documents`), the head's signature «И.О. Фамилия», the
place and year, «М.П.», its verification code and the address of the public page that confirms it.
Nothing is fetched from the network: the URL fetcher refuses everything."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from novator.core.names import dative, issued_to
from novator.documents.selectors import issuer_for

from .models import Diploma, Distinction

CSS = """
@page { size: A4 portrait; margin: 16mm; }
body { font-family: "DejaVu Serif", "Liberation Serif", serif; color: #1b2a41; }
.sheet { border: 3mm double #8a5a1b; padding: 16mm 14mm; height: 235mm; text-align: center; }
.issuer { font-size: 11pt; text-transform: uppercase; margin: 0 0 6mm; }
.kind { font-size: 26pt; letter-spacing: 2pt; font-weight: bold; margin: 8mm 0 4mm; color: #8a5a1b; }
.place { font-size: 16pt; margin: 0 0 8mm; }
.lead { font-size: 13pt; margin: 3mm 0; }
.name { font-size: 24pt; font-weight: bold; margin: 6mm 0 2mm; }
.org { font-size: 12pt; margin: 0 0 8mm; }
.contest { font-size: 16pt; font-weight: bold; margin: 3mm 0; }
.meta { font-size: 11pt; margin: 1mm 0; }
.signature { font-size: 12pt; margin-top: 14mm; text-align: left; }
.signature .line { display: inline-block; width: 30mm; border-bottom: 1px solid #1b2a41; margin: 0 3mm; }
.signature .who { white-space: nowrap; }
.stamp { font-size: 11pt; text-align: left; margin: 3mm 0 0 10mm; }
.place { font-size: 12pt; margin-top: 8mm; }
.verify { font-size: 9pt; margin-top: 8mm; color: #555; }
"""

# Lazy: translated when a diploma is rendered (in Russian), not when the module is imported.
TITLES: dict[str, Any] = {
    Distinction.WINNER: gettext_lazy("DIPLOMA OF THE WINNER"),
    Distinction.LAUREATE: gettext_lazy("DIPLOMA OF THE LAUREATE"),
    Distinction.PARTICIPANT: gettext_lazy("CERTIFICATE OF PARTICIPATION"),
}


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(_("External resources are not loaded into diplomas."))


ROMAN = {1: "I", 2: "II", 3: "III"}


def title(diploma: Diploma) -> str:
    """«ДИПЛОМ ПОБЕДИТЕЛЯ»; «ДИПЛОМ ПРИЗЁРА (II место)» for places II–III; «ДИПЛОМ ЛАУРЕАТА» for a laureate
    placed lower; «СЕРТИФИКАТ УЧАСТНИКА». In the active language (Russian when rendered)."""
    rank = diploma.application.rank
    if diploma.kind == Distinction.LAUREATE and rank in (2, 3):
        return _("DIPLOMA OF THE PRIZE-WINNER (place %(place)s)") % {"place": ROMAN[rank]}
    return str(TITLES.get(diploma.kind, ""))


def diploma_html(diploma: Diploma, *, verify_url: str) -> str:
    """The diploma as HTML, always in Russian: an official document of a Russian contest, whatever the
    language of the person who downloads it."""
    application = diploma.application
    contest = application.contest
    person = application.applicant
    name = person.full_name if person else ""
    issuer = issuer_for(contest.organiser)
    participant = diploma.kind == Distinction.PARTICIPANT
    with translation.override("ru"):
        return render_to_string(
            "contests/diploma_pdf.html",
            {
                "diploma": diploma,
                "title": title(diploma),
                "participant": participant,
                "lead": issued_to(name) if participant and name else _("is awarded the diploma"),
                "holder": (dative(name) if participant else name) or application.organization.short_name,
                "issuer": issuer,
                "year": (contest.order_date or diploma.issued_at).year,
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
