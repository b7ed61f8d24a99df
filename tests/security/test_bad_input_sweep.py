"""Malformed and out-of-range input is a 4xx everywhere, never a 500 (issue #20).

Everything is enumerated, so a new endpoint or filter is covered without a line here:

- every integer query parameter of every API operation in the OpenAPI schema gets an id beyond 64 bits,
  and every year parameter a year Python cannot hold (0000/01, 9999/00);
- every JSON POST/PUT/PATCH operation of the schema gets a body nested 5,000 levels deep;
- every page of the permission matrix that has a GET form (a filter) gets those values in each of its
  fields, and every URL with an integer in its path gets an id beyond 64 bits there.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator

from .harness import ask, build_url, resolve_kwargs
from .permission_matrix import MATRIX
from .world import ROLES

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # beyond a signed 64-bit integer
BAD_INTEGERS = [HUGE, "-" + HUGE, "1e400", "0x10", "١٢"]
BAD_YEARS = ["0000/01", "9999/00", "0000-01", "99999/00"]
DEEP_JSON = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


OPERATIONS = _operations()


def _path_values(operation: dict[str, Any]) -> dict[str, str]:
    """A value for each path parameter: the first of its enum (`products.{file_format}`), else 1."""
    values = {}
    for param in operation.get("parameters", []):
        if param.get("in") == "path":
            values[param["name"]] = str((param.get("schema", {}).get("enum") or [1])[0])
    return values


def _url(world: Any, path: str, operation: dict[str, Any]) -> str:
    """The schema path with its parameters filled from the world (the matrix's arguments of that URL)."""
    values = _path_values(operation)
    sample = re.sub(r"\{([^}]+)\}", lambda m: values.get(m.group(1), "1"), path)
    if "{" not in path:
        return path
    match = resolve(sample)
    entry = MATRIX.get(match.view_name, {})
    kwargs = {**match.kwargs, **resolve_kwargs(world, entry.get("kwargs", {}))}
    return reverse(match.view_name, kwargs=kwargs)


def _integer_and_year_params(operation: dict[str, Any]) -> list[tuple[str, list[str]]]:
    out = []
    for param in operation.get("parameters", []):
        if param.get("in") != "query":
            continue
        kind = param.get("schema", {}).get("type")
        if "year" in param["name"]:
            out.append((param["name"], BAD_YEARS))
        elif kind == "integer" and param["name"] not in ("page", "page_size"):
            out.append((param["name"], BAD_INTEGERS))
    return out


INTEGER_FILTERS = [
    (path, name, values, operation)
    for path, method, operation in OPERATIONS
    if method == "get"
    for name, values in _integer_and_year_params(operation)
]
JSON_WRITES = [
    (path, method, operation)
    for path, method, operation in OPERATIONS
    if method in ("post", "put", "patch")
    and "application/json" in operation.get("requestBody", {}).get("content", {})
]


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_sweep_finds_the_endpoints_of_the_issue():
    """If the schema lost its parameters, the sweep below would pass by testing nothing."""
    filters = {(path, name) for path, name, _values, _op in INTEGER_FILTERS}
    for path, name in [
        ("/api/v1/statuses/", "organization"),
        ("/api/v1/products/", "organization"),
        ("/api/v1/adoptions/", "organization"),
        ("/api/v1/projects/", "organization"),
        ("/api/v1/monitoring/values/", "organization"),
        ("/api/v1/applications/", "contest"),
        ("/api/v1/score-sheets/", "application"),
        ("/api/v1/score-sheets/", "contest"),
        ("/api/v1/open-data/products.{file_format}", "organization"),
        ("/api/v1/statuses/", "year"),
    ]:
        assert (path, name) in filters, (path, name)
    assert ("/api/v1/auth/token/", "post") in {(path, method) for path, method, _op in JSON_WRITES}


@pytest.mark.parametrize(("path", "name", "values", "operation"), INTEGER_FILTERS, ids=lambda v: str(v)[:40])
def test_api_integer_and_year_filters_refuse_bad_values(world, path, name, values, operation):
    url = _url(world, path, operation)
    for role in ("anonymous", "admin", "methodologist_x"):
        for value in values:
            response = ask(world, role, f"{url}?{name}={value}", "get")
            body = _body(response)
            assert response.status_code < 500, (role, url, name, value, body[:300])
            if value == HUGE or value in BAD_YEARS:
                # a clear 400 naming the parameter, or a page that is not the user's (401/403/404)
                assert response.status_code in (400, 401, 403, 404), (
                    role,
                    url,
                    name,
                    value,
                    response.status_code,
                )
                if response.status_code == 400:
                    assert name.encode() in body, body[:300]


@pytest.mark.parametrize(("path", "method", "operation"), JSON_WRITES, ids=lambda v: str(v)[:40])
def test_api_json_writes_refuse_deep_bodies(world, path, method, operation):
    url = _url(world, path, operation)
    for role in ROLES:
        for body in (DEEP_JSON, DEEP_OBJECT):
            client = Client(raise_request_exception=False, HTTP_ACCEPT="application/json")
            user = world.users.get(role)
            if user is not None:
                client.force_login(user)
            response = getattr(client, method)(url, body, content_type="application/json")
            assert response.status_code < 500, (role, method, url, response.content[:300])
            if response.status_code == 400:
                assert b"JSON" in response.content, response.content[:300]


class _GetForms(HTMLParser):
    """The names of the fields of a page's GET forms (its filters)."""

    def __init__(self) -> None:
        super().__init__()
        self.in_get_form = False
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.in_get_form = (a.get("method") or "get").lower() == "get"
        elif (
            self.in_get_form
            and tag in ("input", "select")
            and a.get("name")
            and (a.get("type") or "").lower() not in ("submit", "button", "hidden", "checkbox", "radio")
        ):
            self.names.add(a["name"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_get_form = False


PAGES = sorted(
    name
    for name, entry in MATRIX.items()
    if entry["method"] == "get" and not name.startswith(("api", "core:"))
)


def test_page_filters_refuse_bad_values(world):
    """Every page's filter fields, as the admin (who sees every page), with huge ids and bad years."""
    swept = 0
    for name in PAGES:
        entry = MATRIX[name]
        role = "admin" if "admin" in entry["allow"] else (entry["allow"] or ["anonymous"])[0]
        url = build_url(world, name, entry)
        page = ask(world, role, url, "get")
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        parser = _GetForms()
        parser.feed(page.content.decode("utf-8", "replace"))
        fields = sorted(parser.names - {"q", "search"})
        if not fields:
            continue
        swept += 1
        for value in [HUGE, "-" + HUGE, *BAD_YEARS]:
            query = "&".join(f"{field}={value}" for field in fields)
            response = ask(world, role, f"{url}?{query}", "get")
            assert response.status_code < 500, (name, url, query, _body(response)[:300])
    assert swept >= 10, swept


def test_huge_ids_in_paths_are_not_found(world):
    """A path id beyond 64 bits is «not found» (or a refusal), on every page and API URL."""
    for name, entry in sorted(MATRIX.items()):
        kwargs = resolve_kwargs(world, entry.get("kwargs", {}))
        ints = [key for key, value in kwargs.items() if isinstance(value, int)]
        if not ints:
            continue
        for key in ints:
            try:
                url = reverse(name, kwargs={**kwargs, key: int(HUGE)})
            except Exception:
                continue
            for role in ("admin", "anonymous"):
                response = ask(world, role, url, entry["method"])
                assert response.status_code < 500, (name, role, url, _body(response)[:300])
