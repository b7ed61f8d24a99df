"""Import and export of the registry (being written)."""

from django.http import HttpResponse


def organization_export(request):  # type: ignore[no-untyped-def]
    return HttpResponse(status=501)


def import_upload(request):  # type: ignore[no-untyped-def]
    return HttpResponse(status=501)


def import_preview(request, pk):  # type: ignore[no-untyped-def]
    return HttpResponse(status=501)
