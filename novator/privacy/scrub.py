"""Erasure removes a person's name from every text column of the database, not only from their record.

The activity log names people by reference (core.audit), but records written before that, notifications
sent to others, free-text authors of products, the head of an organisation and the search indexes built
from them may still print the name. At erasure every text column (char, text, JSON) of every model is
searched for the forms of the name and each occurrence is replaced by the erased person's reference.

Only the structured name columns of people and user accounts are left alone: a namesake keeps their
name. A form is replaced only where it is a whole name, not the start of a longer one ("Иванов Иван" in
"Иванов Иван Петрович" of a namesake is kept).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

# The name columns of these models are the names of other people (the erased person's own row is
# replaced by the service itself).
_SKIP_MODELS = {"organizations.person", "accounts.user"}


def _forms(names: Iterable[tuple[str, str, str]]) -> dict[str, bool]:
    """{form: whether it could be the start of a namesake's longer name} for these names."""
    forms: dict[str, bool] = {}
    for last, first, middle in names:
        last, first, middle = last.strip(), first.strip(), middle.strip()
        if not last or not first:
            continue
        # "Last First" and "First Last" are also the start of "Last First Middle" of a namesake
        forms[f"{last} {first}"] = True
        forms[f"{first} {last}"] = True
        if middle:
            forms[f"{last} {first} {middle}"] = False
            forms[f"{first} {middle} {last}"] = False
            forms[f"{last} {first[0]}. {middle[0]}."] = False
            forms[f"{last} {first[0]}.{middle[0]}."] = False
            forms[f"{first[0]}. {middle[0]}. {last}"] = False
        else:
            forms[f"{last} {first[0]}."] = True
    return forms


def name_forms(*names: tuple[str, str, str]) -> list[str]:
    """The ways a name (last, first, middle) is written in the product, longest first."""
    return sorted(_forms(names), key=lambda f: (-len(f), f))


def _pattern(forms: dict[str, bool]) -> re.Pattern[str]:
    # A whole name: no letter right before it or right after it. A form that may begin a longer name is
    # not replaced where a capitalised word follows on the same line (the middle name of a namesake).
    guard = r"(?![ \t\u00a0]+[A-ZА-ЯЁ][a-zа-яё])"
    alternatives = "|".join(
        re.escape(form) + (guard if may_begin_longer else "")
        for form, may_begin_longer in sorted(forms.items(), key=lambda item: (-len(item[0]), item[0]))
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _replace(value: Any, pattern: re.Pattern[str], by: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(by, value)
    if isinstance(value, list):
        return [_replace(v, pattern, by) for v in value]
    if isinstance(value, dict):
        return {_replace(k, pattern, by): _replace(v, pattern, by) for k, v in value.items()}
    return value


def _text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.choices
    ]


def scrub_text(text: str, names: list[tuple[str, str, str]], replacement: str) -> str:
    """The text with the forms of these names replaced (a reason typed by the operator, say)."""
    forms = _forms(names)
    return _pattern(forms).sub(replacement, text) if forms else text


def scrub_name(names: list[tuple[str, str, str]], replacement: str) -> int:
    """Replace the forms of these names (last, first, middle) in every text column of the database.

    Returns the number of rows changed.
    """
    forms = _forms(names)
    if not forms:
        return 0
    pattern = _pattern(forms)
    # Every form holds the last name: the database narrows the rows by it, Python replaces exactly.
    needles = sorted({last.strip() for last, first, _ in names if last.strip() and first.strip()})
    changed = 0
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed or opts.label_lower in _SKIP_MODELS:
            continue
        fields = _text_fields(model)
        if not fields:
            continue
        queryset = model._default_manager.all()
        condition = Q()
        annotations: dict[str, Any] = {}
        for field in fields:
            if isinstance(field, models.JSONField):
                alias = f"_scrub_{field.attname}"
                annotations[alias] = Cast(field.attname, TextField())
                for needle in needles:
                    escaped = json.dumps(needle)[1:-1]  # JSON text may hold \\u escapes
                    condition |= Q(**{f"{alias}__contains": needle}) | Q(**{f"{alias}__contains": escaped})
            else:
                for needle in needles:
                    condition |= Q(**{f"{field.attname}__contains": needle})
        rows = queryset.alias(**annotations).filter(condition).values_list("pk", *(f.attname for f in fields))
        for pk, *values in rows.iterator():
            update = {}
            for field, value in zip(fields, values, strict=True):
                new = _replace(value, pattern, replacement)
                if new != value:
                    update[field.attname] = new
            if update:
                model._default_manager.filter(pk=pk).update(**update)
                changed += 1
    return changed
