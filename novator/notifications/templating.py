"""The e-mails of notifications from templates an administrator edits, one per kind (`EmailTemplate`).

A template is Russian text with placeholders in Django's syntax: `{{ subject }}` and `{{ text }}` (what
the app wrote), `{{ link }}` (the absolute link, empty without one), `{{ name }}` (the recipient's name,
empty for an organisation's mailbox), `{{ site }}` (the system's name); `{% if … %}…{% endif %}` around
optional parts. No other tag: a template cannot load or include anything. A kind without a saved
template uses `DEFAULT_SUBJECT` and `DEFAULT_BODY`. `check` names unknown placeholders and syntax errors.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.utils.translation import gettext as _

PLACEHOLDERS = ("subject", "text", "link", "name", "site")
SITE = "Новатор"
DEFAULT_SUBJECT = "{{ subject }}"
DEFAULT_BODY = (
    "Здравствуйте{% if name %}, {{ name }}{% endif %}!\n\n"
    "{{ text }}\n"
    "{% if link %}\nПодробнее: {{ link }}\n{% endif %}"
    "\n—\n{{ site }}. Письмо отправлено автоматически; отключить письма этого вида можно в настройках "
    "уведомлений."
)
ALLOWED_TAGS = frozenset({"if", "elif", "else", "endif"})
#: a bare engine: no loaders, no libraries, no context processors, nothing escaped (plain-text e-mail)
_ENGINE = Engine(
    autoescape=False, libraries={}, builtins=["django.template.defaulttags", "django.template.defaultfilters"]
)
_TAG = re.compile(r"{%\s*(\w+)([^%]*)%}")
_VARIABLE = re.compile(r"{{\s*([^}|\s]+)")
_NAME = re.compile(r"[A-Za-z_][\w]*")


def _names_in_tag(arguments: str) -> list[str]:
    words = re.findall(r"[A-Za-z_][\w.]*", arguments)
    return [w for w in words if w not in {"and", "or", "not", "in", "is", "None", "True", "False"}]


def check(source: str, *, field: str) -> None:
    """ValidationError on `field` naming the unknown placeholders, a forbidden tag, or a syntax error."""
    errors: list[str] = []
    unknown: list[str] = []
    for match in _TAG.finditer(source):
        tag = match.group(1)
        if tag not in ALLOWED_TAGS:
            errors.append(
                _("The tag {%% %(tag)s %%} is not allowed: only {%% if %%} … {%% endif %%}.") % {"tag": tag}
            )
        unknown += [n for n in _names_in_tag(match.group(2)) if n.split(".")[0] not in PLACEHOLDERS]
    for match in _VARIABLE.finditer(source):
        name = match.group(1).split(".")[0]
        if name not in PLACEHOLDERS:
            unknown.append(match.group(1))
    if unknown:
        errors.append(
            _("Unknown placeholders: %(names)s. Available: %(known)s.")
            % {
                "names": ", ".join(f"{{{{ {n} }}}}" for n in dict.fromkeys(unknown)),
                "known": ", ".join(f"{{{{ {n} }}}}" for n in PLACEHOLDERS),
            }
        )
    if not errors:
        try:
            _ENGINE.from_string(source)
        except TemplateSyntaxError as exc:
            errors.append(_("The template has an error: %(error)s") % {"error": exc})
    if errors:
        raise ValidationError({field: errors})


def render(source: str, context: dict[str, Any]) -> str:
    return _ENGINE.from_string(source).render(Context({"site": SITE, **context}, autoescape=False))


def sources(kind: str) -> tuple[str, str]:
    """The subject and body templates of `kind`: its saved template or the default (one query)."""
    from .models import EmailTemplate

    saved = EmailTemplate.objects.filter(kind=kind).values_list("subject", "body").first()
    return saved or (DEFAULT_SUBJECT, DEFAULT_BODY)


def compose(templates: tuple[str, str], *, subject: str, text: str, link: str, name: str) -> tuple[str, str]:
    """The subject and body of an e-mail for one recipient from `sources(kind)`; a template that fails to
    render falls back to the default, so a notification is never lost."""
    context = {"subject": subject, "text": text, "link": link, "name": name}
    try:
        result_subject = render(templates[0], context)
        result_body = render(templates[1], context)
    except Exception:
        result_subject, result_body = render(DEFAULT_SUBJECT, context), render(DEFAULT_BODY, context)
    return " ".join(result_subject.split())[:300] or subject, result_body
