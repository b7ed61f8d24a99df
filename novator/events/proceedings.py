"""The proceedings (сборник материалов) of a conference: the accepted abstracts by section, with their
speakers and organisations, as DOCX (docxtpl, template in `docx/proceedings.docx`) and as PDF
(WeasyPrint, like the certificates).

Built by a background job (`tasks.build_proceedings_task`, with a Job and its progress bar) and
stored (`Proceedings`); downloads serve the stored files. Measured on the 2-core machine: the demo
conference (6 abstracts) takes 0.15 s as DOCX and 0.25 s as PDF, but a conference of 100 abstracts
takes 5 s as PDF (plus about 2.5 s for WeasyPrint's first run in a process). Rendering on every
public download would tie up a web worker for seconds per request, so the organiser builds the
proceedings once (and again after changing the programme), and everybody downloads the files.

Personal data (152-ФЗ): a speaker is named (ФИО, position) only with consent to publication in force
when the files are built; otherwise the talk shows «Докладчик — <организация>». The built record keeps
who was named (`named_people`); if one of them withdraws the consent later, the files stop being
public (`withdrawn`) until the organiser rebuilds them.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate

from novator.core import audit
from novator.core.services import user_or_none
from novator.organizations.models import Person

from . import selectors
from .models import Event, EventKind, Proceedings, Section, Talk

TEMPLATE = Path(__file__).resolve().parent / "docx" / "proceedings.docx"
# WeasyPrint reports each layout step at INFO; a many-page сборник would flood the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The document is a Russian publication whatever the interface language.
KIND_RU = {
    EventKind.CONFERENCE: "материалы конференции",
    EventKind.SEMINAR: "материалы семинара",
    EventKind.MASTER_CLASS: "материалы мастер-класса",
    EventKind.OPEN_LESSON: "материалы открытого урока",
    EventKind.WEBINAR: "материалы вебинара",
    EventKind.ROUND_TABLE: "материалы круглого стола",
    EventKind.INTERNSHIP: "материалы стажировки",
}

CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 25mm;
        @bottom-center { content: counter(page); font-size: 10pt; } }
body { font-family: "DejaVu Serif", "Liberation Serif", serif; font-size: 12pt; line-height: 1.35; }
.title-page { text-align: center; page-break-after: always; }
.title-page .orgs { margin-bottom: 40mm; }
.title-page h1 { font-size: 20pt; margin: 0 0 4mm; letter-spacing: 2pt; }
.title-page .name { font-size: 15pt; font-weight: bold; margin: 4mm 0; }
.note { font-style: italic; text-align: justify; margin-top: 60mm; font-size: 11pt; }
.contents { page-break-after: always; }
.contents h2 { font-size: 14pt; }
.contents .section { font-weight: bold; margin-top: 3mm; }
h2.section { text-align: center; font-size: 14pt; page-break-before: always; }
.contents + h2.section { page-break-before: auto; }
.talk { margin-bottom: 8mm; }
.talk h3 { text-align: center; font-size: 12pt; margin: 6mm 0 2mm; }
.author { text-align: center; font-style: italic; margin: 0; }
.talk p.text { text-align: justify; text-indent: 10mm; margin: 2mm 0; }
"""


def _author(person: Person) -> dict[str, Any]:
    """A speaker as the published document shows them: named only with consent to publication,
    otherwise «Докладчик — <организация>» (and left out of the contents line)."""
    author = selectors.public_speaker(person)
    author["short"] = _initials(person) if author["named"] else ""
    author["pk"] = person.pk
    return author


def _initials(person: Person) -> str:
    initials = "".join(f"{part[0]}." for part in (person.first_name, person.middle_name) if part)
    return f"{person.last_name} {initials}".strip()


def accepted_sections(event: Event) -> list[Section]:
    """The event's sections with only their accepted talks (sections without one are left out)."""
    talks = (
        Talk.objects.filter(accepted=True)
        .prefetch_related(
            Prefetch(
                "speakers",
                queryset=Person.objects.select_related("organization").order_by("last_name", "first_name"),
            )
        )
        .order_by("order", "pk")
    )
    sections = Section.objects.filter(event=event).prefetch_related(Prefetch("talks", queryset=talks))
    return [s for s in sections.order_by("order", "pk") if s.talks.all()]


def context(event: Event) -> dict[str, Any]:
    # The document is a Russian publication whatever the interface language.
    with translation.override("ru"):
        return _context(event)


def _context(event: Event) -> dict[str, Any]:
    number = 0
    sections = []
    named: set[int] = set()
    for section in accepted_sections(event):
        talks = []
        for talk in section.talks.all():
            number += 1
            authors = [_author(p) for p in talk.speakers.all()]
            named.update(a["pk"] for a in authors if a["named"])
            short = ", ".join(a["short"] for a in authors if a["short"])
            sep = " " if short.endswith(".") else ". "
            talks.append(
                {
                    "number": number,
                    "title": talk.title,
                    "authors": authors,
                    "authors_short": short or "—",
                    "contents_line": f"{short}{sep}{talk.title}" if short else talk.title,
                    "paragraphs": [line.strip() for line in talk.abstract.splitlines() if line.strip()],
                }
            )
        sections.append({"title": section.title, "talks": talks})
    starts = timezone.localtime(event.starts_at)
    return {
        "title": event.title,
        "kind": KIND_RU.get(EventKind(event.kind), ""),
        "date": f"{starts:%d.%m.%Y}",
        "year": starts.year,
        "place": event.place,
        "organizers": "; ".join(o.full_name or o.short_name for o in event.organizers.all()),
        "sections": sections,
        "count": number,
        "named": sorted(named),
    }


def withdrawn(built: Proceedings) -> bool:
    """Has a person named in the built files withdrawn their consent to publication since (or lost the
    consent to processing, or been removed from the staff)? (One query.)"""
    named = set(built.named_people or ())
    if not named:
        return False
    return Person.objects.filter(pk__in=named).publishable().count() < len(named)


def withdrawn_among(built: Proceedings, people: Any) -> bool:
    """The same check against people already loaded (the prefetched speakers of the event page)."""
    named = set(built.named_people or ())
    return any(p.pk in named and not p.publication_consent_in_force for p in people)


def render_docx(event: Event, ctx: dict[str, Any] | None = None) -> bytes:
    document = DocxTemplate(str(TEMPLATE))
    document.render(ctx if ctx is not None else context(event), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(_("External resources are not loaded into documents."))


def build(event: Event, *, actor: Any = None, on_step: Any = None) -> Proceedings:
    """Render both documents and store them as the event's proceedings (replacing older files)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import transaction

    step = on_step or (lambda: None)
    abstracts = Talk.objects.filter(section__event=event, accepted=True).count()
    ctx = context(event)  # once, so that both files and `named_people` agree
    docx = render_docx(event, ctx)
    step()
    pdf = render_pdf(event, ctx)
    step()
    with transaction.atomic():
        proceedings, _created = Proceedings.objects.select_for_update(of=("self",)).get_or_create(
            event=event, defaults={"abstracts": abstracts}
        )
        old = [f.name for f in (proceedings.docx, proceedings.pdf) if f]
        proceedings.docx.save(f"proceedings-{event.pk}.docx", ContentFile(docx), save=False)
        proceedings.pdf.save(f"proceedings-{event.pk}.pdf", ContentFile(pdf), save=False)
        proceedings.abstracts = abstracts
        proceedings.named_people = ctx["named"]
        proceedings.built_by = user_or_none(actor)
        proceedings.save()
        audit.record(
            actor=actor, action="proceedings_build", obj=proceedings, changes={"abstracts": abstracts}
        )
        stale = [name for name in old if name not in (proceedings.docx.name, proceedings.pdf.name)]
        if stale:

            def remove() -> None:
                for name in stale:
                    default_storage.delete(name)

            transaction.on_commit(remove)
    step()
    return proceedings


def render_pdf(event: Event, ctx: dict[str, Any] | None = None) -> bytes:
    import weasyprint

    html = render_to_string("events/proceedings_pdf.html", ctx if ctx is not None else context(event))
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf(
        stylesheets=[weasyprint.CSS(string=CSS)]
    )
    return pdf
