"""The project's URLs plus the trivial view every page is measured against."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path


def trivial(request: HttpRequest) -> HttpResponse:
    """The baseline: the whole middleware stack, no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


def layout(request: HttpRequest) -> HttpResponse:
    """The second baseline: the site's layout (base.html: navigation, the user's menu) with no content."""
    return render(request, "base.html")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench-trivial"),
    path("bench/layout/", layout, name="bench-layout"),
    path("", include("config.urls")),
]
