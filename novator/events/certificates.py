"""The certificate as a PDF rendered by WeasyPrint from an HTML template. It carries the verification
code and the address of the public page that confirms it. It says «выдан» (agreeing with «сертификат»)
with the holder's name in the dative, and carries the issuer's requisites (the ИМЦ of the organisers'
municipality, else its education authority), the head's signature «И.О. Фамилия», the place and year
and «М.П.». Nothing is fetched from the network: the template has no external resources and the URL
fetcher refuses everything."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from novator.core.names import dative, issued_to
from novator.documents.models import BodyKind
from novator.documents.selectors import requisites_for

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
.issuer { font-size: 10pt; text-transform: uppercase; margin: 0 0 4mm; }
.signature { font-size: 12pt; margin-top: 8mm; text-align: left; }
.signature .line { display: inline-block; width: 30mm; border-bottom: 1px solid #1b2a41; margin: 0 3mm; }
.signature .who { white-space: nowrap; }
.stamp { font-size: 11pt; text-align: left; margin: 2mm 0 0 10mm; }
.verify { font-size: 9pt; margin-top: 4mm; color: #555; }
"""


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(_("External resources are not loaded into certificates."))


def render_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    import weasyprint

    event = certificate.event
    organizers = list(event.organizers.select_related("municipality"))
    municipality = organizers[0].municipality if organizers else None
    issuer = requisites_for(kind=BodyKind.IMC, municipality=municipality)
    if issuer.pk is None:
        issuer = requisites_for(kind=BodyKind.AUTHORITY, municipality=municipality)
    name = certificate.person.full_name
    with translation.override("ru"):  # an official document, whatever the language of who downloads it
        html = render_to_string(
            "events/certificate_pdf.html",
            {
                "certificate": certificate,
                "event": event,
                "organizers": organizers,
                "issuer": issuer,
                "issued": issued_to(name),
                "holder": dative(name),
                "year": event.starts_at.year,
                "verify_url": verify_url,
            },
        )
    document = weasyprint.HTML(string=html, url_fetcher=_no_fetch)
    pdf: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(string=CSS)])
    return pdf
