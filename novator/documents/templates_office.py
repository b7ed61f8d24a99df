"""The DOCX templates an office owns: where each document's default template lives, the placeholders it
uses, the check of an uploaded version, and which file builds a municipality's document.

The defaults stay in the apps that fill them (`novator/expertise/docx/*.docx`); this module only knows
their paths, so that `documents` imports no app above it."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError

from .models import OfficeTemplate, TemplateKind

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS: dict[str, Path] = {
    TemplateKind.ANNOUNCEMENT: ROOT / "expertise" / "docx" / "announcement.docx",
    TemplateKind.MINUTES: ROOT / "expertise" / "docx" / "minutes.docx",
    TemplateKind.ORDER: ROOT / "expertise" / "docx" / "order.docx",
    TemplateKind.CONCLUSION: ROOT / "expertise" / "docx" / "conclusion.docx",
}
#: the names a template may use besides the document's data (Jinja's own)
BUILTINS = frozenset({"loop", "range", "True", "False", "None"})


def placeholders(source: str | Path | IO[bytes]) -> set[str]:
    """The top-level names a DOCX template uses (`{{ name }}`, `{% for x in name %}` …)."""
    try:
        return set(DocxTemplate(source).get_undeclared_template_variables()) - BUILTINS
    except TemplateSyntaxError as exc:
        raise ValidationError(
            _("The template has a broken placeholder or tag (line %(line)s): %(error)s")
            % {"line": exc.lineno, "error": exc.message}
        ) from exc


def check_placeholders(kind: str, upload: IO[bytes]) -> None:
    """Refuse a template whose placeholders differ from the default's: unknown ones would print nothing,
    missing ones would drop data from the document. The message names them."""
    expected = placeholders(DEFAULTS[kind])
    upload.seek(0)
    found = placeholders(upload)
    upload.seek(0)
    problems = []
    unknown = sorted(found - expected)
    missing = sorted(expected - found)
    if unknown:
        problems.append(
            _("Unknown placeholders: %(names)s. The document has no such data.")
            % {"names": ", ".join(f"{{{{ {n} }}}}" for n in unknown)}
        )
    if missing:
        problems.append(
            _("Missing placeholders: %(names)s. Keep them as they are in the default template.")
            % {"names": ", ".join(f"{{{{ {n} }}}}" for n in missing)}
        )
    if problems:
        raise ValidationError(problems, code="placeholders")


def active_template(kind: str, municipality: Any) -> OfficeTemplate | None:
    if municipality is None:
        return None
    return OfficeTemplate.objects.filter(kind=kind, municipality=municipality, is_active=True).first()


def template_source(kind: str, municipality: Any) -> Any:
    """The template that builds the municipality's document: the office's active version, or the default."""
    own = active_template(kind, municipality)
    if own is not None:
        return own.file.open("rb")
    return str(DEFAULTS[kind])
