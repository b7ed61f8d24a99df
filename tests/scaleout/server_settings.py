"""The production settings as two app servers of the scale-out test run them (tests/scaleout).

Only the static files differ: the test does not run collectstatic, so no manifest is needed.
"""

from __future__ import annotations

from config.settings.production import *  # noqa: F403
from config.settings.production import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
