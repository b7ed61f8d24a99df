"""JSON from a request body, with a limit on nesting.

Python's `json` recurses once per level: a body of 5,000 `[` is a RecursionError (a 500) before any
serializer sees it. `loads_limited` counts the depth first, in one pass that skips strings, and refuses
anything deeper than `NOVATOR_JSON_MAX_DEPTH` (64; no input of Novator nests more than a few levels).
`JSONParser` is DRF's default parser (settings.REST_FRAMEWORK); views that read `request.body`
themselves call `loads_limited`.
"""

from __future__ import annotations

import codecs
import json
import re
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.settings import api_settings

DEFAULT_MAX_DEPTH = 64

# A JSON string (with its escapes), and what is left after strings are removed: only brackets count.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class JSONTooDeepError(ValueError):
    """The body nests deeper than the limit (a ValueError, as `json.loads` raises for bad JSON)."""


def max_depth() -> int:
    return int(getattr(settings, "NOVATOR_JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH))


def json_depth(text: str) -> int:
    """How deep arrays and objects nest in `text` (0 for a scalar); brackets inside strings do not count."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if not brackets:
        return 0
    return max(accumulate(_STEP[c] for c in brackets))


def loads_limited(body: bytes | str, *, limit: int | None = None) -> Any:
    """`json.loads` that raises ValueError (JSONTooDeepError) instead of recursing past `limit` levels."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    limit = max_depth() if limit is None else limit
    if json_depth(text) > limit:
        raise JSONTooDeepError(_("The JSON nests deeper than %(limit)d levels.") % {"limit": limit})
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:  # a limit set above what Python's stack allows
        raise JSONTooDeepError(_("The JSON nests deeper than %(limit)d levels.") % {"limit": limit}) from None


def _refuse_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; DRF's parser refuses them too (strict mode).
    raise ValueError(f"Invalid JSON constant: {name}")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the depth limit; too deep or malformed JSON is a 400 with a message."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = stream.read() if stream is not None else b""
            text = codecs.decode(data, encoding) if isinstance(data, bytes) else data
            if json_depth(text) > max_depth():
                raise ParseError(
                    _("JSON parse error - the JSON nests deeper than %(limit)d levels.")
                    % {"limit": max_depth()}
                )
            if api_settings.STRICT_JSON:
                return json.loads(text, parse_constant=_refuse_constant)
            return json.loads(text)
        except ParseError:
            raise
        except (ValueError, RecursionError) as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
