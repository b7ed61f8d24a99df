"""The WSGI entry point leaves the objects of the loaded application out of the cycle collector's full
passes (`config.wsgi`), so that a large page does not pause for them every dozen requests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_wsgi_application_freezes_what_it_loaded() -> None:
    code = (
        "import gc, sys\n"
        "import config.wsgi\n"
        "app = config.wsgi.application\n"
        "print(gc.get_freeze_count(), 'novator.portal.views' in sys.modules, callable(app))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    frozen, views_imported, callable_app = done.stdout.split()
    # the URLconf's views were imported before the freeze, and the application's objects are frozen
    assert views_imported == "True" and callable_app == "True"
    assert int(frozen) > 50_000
