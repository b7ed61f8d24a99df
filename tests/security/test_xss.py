"""Script in text is shown as text: every form found on the project's pages gets script/HTML payloads, and no
page (the form's answer, the page it redirects to, and then every page of the matrix) carries them raw.

Forms are discovered, not listed: each GET page of the permission matrix is opened as the most capable
role allowed there, and every POST form on it is filled in. Pass 1 puts the payload in every text field
(the form usually refuses, and shows the input back: reflected XSS); pass 2 keeps identifiers, e-mails,
numbers and dates as they were, so that the form saves and the payload is stored (stored XSS).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import pytest
from django.db import transaction
from django.test import Client

from . import figures
from .harness import build_url
from .permission_matrix import MATRIX

pytestmark = pytest.mark.django_db

PAYLOADS = (
    '<script>alert("xss-{n}")</script>',
    '"><img src=x onerror=alert({n})>',
    "<svg/onload=alert({n})>",
)
RAW = re.compile(r'<script>alert\("xss-|<img src=x onerror=|<svg/onload=', re.I)
ROLE_PREFERENCE = ("admin", "methodologist_x", "coordinator_a", "expert_assigned", "teacher", "observer")
KEEP = re.compile(
    r"inn|ogrn|kpp|oktmo|phone|email|e_mail|website|url|code|number|year|date|points|weight|max|min|"
    r"quota|capacity|threshold|term|years|position|order|token|password|username|total|value|size|age|"
    r"csrf|version|page|sort|_on$|_at$|_to$|_from$",
    re.I,
)
SKIP_NAMES = {"accounts:logout", "accounts:login", "accounts:password_change", "set_language"}


class FormParser(HTMLParser):
    """The POST forms of a page: their action and fields with current values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = {"action": a.get("action", ""), "fields": {}, "text": set(), "files": False}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "file":
                self._form["files"] = True
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"][name] = a.get("value", "on")
            elif kind not in ("submit", "button", "image", "reset"):
                self._form["fields"][name] = a.get("value", "")
                if kind in ("text", "search", "email", "url", "tel", ""):
                    self._form["text"].add(name)
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"][name] = ""
            self._form["text"].add(name)
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            value = a.get("value", "")
            fields = self._form["fields"]
            if "selected" in a or (self._select not in fields and value):
                fields[self._select] = value

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _html(response: Any) -> str | None:
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None
    return response.content.decode("utf-8", "replace")


def _role(entry: dict[str, Any]) -> str | None:
    return next((r for r in ROLE_PREFERENCE if r in entry["allow"]), None)


def test_script_in_every_form_is_shown_as_text(world):
    clients: dict[str, Client] = {}

    def client_for(role: str) -> Client:
        if role not in clients:
            client = Client(raise_request_exception=False)
            client.force_login(world.users[role])
            clients[role] = client
        return clients[role]

    found: list[str] = []
    forms = payloads = 0
    n = 0
    pages: list[tuple[str, str]] = []
    for name, entry in sorted(MATRIX.items()):
        role = _role(entry)
        if entry["method"] != "get" or role is None or name in SKIP_NAMES or "-" in name.split(":")[-1]:
            continue  # API views (DRF names use dashes) answer JSON, not forms
        url = build_url(world, name, entry)
        pages.append((role, url))
        client = client_for(role)
        html = _html(client.get(url))
        if html is None:
            continue
        parser = FormParser()
        parser.feed(html)
        for form in parser.forms:
            if not form["text"]:
                continue
            action = urljoin(url, form["action"]) if form["action"] else url
            forms += 1
            for keep_identifiers in (False, True):
                data = dict(form["fields"])
                for field in sorted(form["text"]):
                    if keep_identifiers and (KEEP.search(field) or field.startswith("csrf")):
                        continue
                    if field in ("csrfmiddlewaretoken", "version_token"):
                        continue
                    n += 1
                    data[field] = PAYLOADS[n % len(PAYLOADS)].format(n=n)
                    payloads += 1
                with transaction.atomic():
                    response = client.post(action, data, follow=True)
                    body = _html(response)
                    if body and RAW.search(body):
                        found.append(f"{name} → POST {action}: {RAW.search(body).group(0)}")  # type: ignore[union-attr]
                    if not keep_identifiers:
                        transaction.set_rollback(True)
    # stored payloads: every page of the matrix, as the role that can see it
    for role, url in pages:
        body = _html(client_for(role).get(url))
        if body and RAW.search(body):
            found.append(f"GET {url} as {role}: {RAW.search(body).group(0)}")  # type: ignore[union-attr]
    figures.put("xss", "forms", forms)
    figures.put("xss", "payloads", payloads)
    figures.put("xss", "pages_checked", len(pages))
    assert forms >= 10, f"only {forms} forms found: is the matrix current?"
    assert not found, "Unescaped payloads:\n" + "\n".join(found)


def test_the_checker_finds_forms_and_an_unescaped_payload():
    """The detector itself: it must see a raw payload and must not flag an escaped one."""
    from django.template import Context, Template

    parser = FormParser()
    parser.feed(
        '<form method="post" action="/x/"><input name="title" value="a"><textarea name="body">b</textarea>'
        '<select name="kind"><option value="">—</option><option value="k" selected>K</option></select>'
        '<input type="checkbox" name="flag" checked><input type="file" name="doc"></form>'
    )
    (form,) = parser.forms
    assert form["fields"] == {"title": "a", "body": "b", "kind": "k", "flag": "on"}
    assert form["text"] == {"title", "body"} and form["files"]
    payload = PAYLOADS[0].format(n=1)
    escaped = Template("{{ v }}").render(Context({"v": payload}))
    raw = Template("{{ v|safe }}").render(Context({"v": payload}))
    assert not RAW.search(escaped)
    assert RAW.search(raw)
