"""The certificate as a PDF rendered by WeasyPrint from an HTML template. It carries the verification
code and the address of the public page that confirms it. Nothing is fetched from the network: the
template has no external resources and the URL fetcher refuses everything."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .models import Certificate

CSS = """
@page { size: A4 landscape; margin: 18mm; }
body { font-family: "DejaVu Serif", "Liberation Serif", serif; color: #1b2a41; }
.sheet { border: 3mm double #1b4f8a; padding: 14mm 18mm; height: 150mm; text-align: center; }
.kind { font-size: 34pt; letter-spacing: 4pt; font-weight: bold; margin: 0 0 6mm; color: #1b4f8a; }
.lead { font-size: 13pt; margin: 3mm 0; }
.name { font-size: 24pt; font-weight: bold; margin: 4mm 0 1mm; }
.org { font-size: 12pt; margin: 0 0 5mm; }
.event { font-size: 15pt; font-weight: bold; margin: 3mm 0; }
.meta { font-size: 11pt; margin: 1mm 0; }
.verify { font-size: 9pt; margin-top: 10mm; color: #555; }
"""


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(_("External resources are not loaded into certificates."))


def render_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    import weasyprint

    event = certificate.event
    html = render_to_string(
        "events/certificate_pdf.html",
        {
            "certificate": certificate,
            "event": event,
            "organizers": list(event.organizers.all()),
            "verify_url": verify_url,
        },
    )
    document = weasyprint.HTML(string=html, url_fetcher=_no_fetch)
    pdf: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(string=CSS)])
    return pdf
