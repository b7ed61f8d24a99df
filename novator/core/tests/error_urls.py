"""The project's URLs plus views that fail on purpose, for the tests of the error pages."""

from __future__ import annotations

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config import urls


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection refused")


urlpatterns = [path("test-boom/", boom), path("test-database-down/", database_down), *urls.urlpatterns]
handler500 = urls.handler500
