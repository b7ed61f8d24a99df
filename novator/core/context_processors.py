from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def novator(request: HttpRequest) -> dict[str, Any]:
    return {"NOVATOR_DEMO": settings.NOVATOR_DEMO}
