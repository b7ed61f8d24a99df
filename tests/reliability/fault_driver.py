"""A child process for the SIGKILL tests: sets up a scenario, runs it with a fault hook, or counts rows.

    python tests/reliability/fault_driver.py setup  <scenario>          -> prints {"ids": ...}
    python tests/reliability/fault_driver.py run    <scenario> <ids>    -> runs the service once
    python tests/reliability/fault_driver.py serve  <port>              -> a real WSGI server
    python tests/reliability/fault_driver.py count  <scenario> <ids>    -> prints the row counts

The hook: NOVATOR_FAULT="module.path:function:N" wraps that function so that its N-th call runs and then
prints FAULT-MIDPOINT and sleeps; the parent kills the process with SIGKILL at that moment, while the
service's transaction is open (the function is called inside it).

Settings: config.settings.local with NOVATOR_VAR_DIR pointing at a scratch directory (its SQLite database
in WAL mode and its private files), or DATABASE_URL for PostgreSQL.
"""

from __future__ import annotations

import functools
import importlib
import io
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

IMPORT_ROWS = 12


def install_fault() -> None:
    spec = os.environ.get("NOVATOR_FAULT")
    if not spec:
        return
    module_name, attr, nth = spec.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, attr)
    calls = {"n": 0}

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == int(nth):
            print("FAULT-MIDPOINT", flush=True)
            time.sleep(3600)
        return result

    setattr(module, attr, wrapper)


# --- scenarios ----------------------------------------------------------------------------------------


def setup(scenario: str) -> dict[str, Any]:
    from novator.accounts.models import Role
    from novator.accounts.tests.factories import RoleAssignmentFactory, UserFactory
    from novator.organizations.tests.factories import MunicipalityFactory, OrganizationFactory, RegionFactory

    region = RegionFactory()
    municipality = MunicipalityFactory(region=region, name="Выселковский район", oktmo="03612000")
    org = OrganizationFactory(municipality=municipality)
    methodologist = UserFactory(username="methodologist")
    RoleAssignmentFactory(user=methodologist, role=Role.METHODOLOGIST, municipality=municipality)
    ids: dict[str, Any] = {"org": org.pk, "methodologist": methodologist.pk}
    if scenario == "submit":
        from novator.contests.tests.factories import (
            ApplicationFactory,
            complete_application,
            contest_with_setup,
        )

        coordinator = UserFactory(username="coordinator")
        RoleAssignmentFactory(user=coordinator, role=Role.COORDINATOR, organization=org)
        contest = contest_with_setup(organiser_municipality=municipality, announced=True)
        application = complete_application(ApplicationFactory(contest=contest, organization=org))
        ids.update(application=application.pk, coordinator=coordinator.pk, session=_session(coordinator))
    elif scenario == "import":
        from django.core.files.base import ContentFile

        from novator.core.jobs import job_create
        from novator.organizations.models import OrganizationImport
        from novator.organizations.tests.files import org_row, xlsx_bytes

        content = xlsx_bytes([org_row() for _ in range(IMPORT_ROWS)])
        upload = OrganizationImport.objects.create(
            file=ContentFile(content, name="registry.xlsx"),
            original_name="registry.xlsx",
            created_by=methodologist,
            state=OrganizationImport.State.QUEUED,
        )
        job = job_create(actor=methodologist, kind="organizations.import", title="import")
        ids.update(upload=upload.pk, job=str(job.pk), rows=IMPORT_ROWS)
    elif scenario == "preview":
        # an upload read and previewed as the upload page does it, waiting for its «Confirm» (the test
        # of the real stack, test_worker_crash.py, confirms it through gunicorn)
        from novator.organizations import services
        from novator.organizations.importing import build_plan, read_table
        from novator.organizations.tests.files import org_row, xlsx_bytes

        rows = int(os.environ.get("NOVATOR_CRASH_ROWS", "4000"))
        content = xlsx_bytes([org_row() for _ in range(rows)])
        table = read_table(io.BytesIO(content))
        upload = services.organization_import_create(
            actor=methodologist,
            original_name="registry.xlsx",
            file_type=table.file_type,
            content=content,
            plan=build_plan(table, actor=methodologist),
        )
        ids.update(upload=upload.pk, rows=rows, session=_session(methodologist))
    elif scenario == "award":
        from novator.statuses.tests.factories import StatusKindFactory

        ids.update(kind=StatusKindFactory().pk)
    return ids


def _session(user: Any) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return str(store.session_key)


def run(scenario: str, ids: dict[str, Any]) -> None:
    install_fault()
    if scenario == "import":
        from novator.organizations.tasks import import_organizations_task

        import_organizations_task.func(ids["upload"], ids["job"])
    elif scenario == "award":
        import datetime

        from novator.accounts.models import User
        from novator.organizations.models import Organization
        from novator.statuses.models import StatusKind
        from novator.statuses.services import status_award

        status_award(
            actor=User.objects.get(pk=ids["methodologist"]),
            organization=Organization.objects.get(pk=ids["org"]),
            kind=StatusKind.objects.get(pk=ids["kind"]),
            starts_on=datetime.date(2025, 9, 1),
            years=3,
            order_number="15-п",
            order_date=datetime.date(2025, 8, 25),
        )
    else:
        raise SystemExit(f"unknown scenario {scenario}")
    print("DONE", flush=True)


def count(scenario: str, ids: dict[str, Any]) -> dict[str, Any]:
    from novator.core.models import ActivityLog

    if scenario == "submit":
        from novator.contests.models import Application

        application = Application.objects.get(pk=ids["application"])
        return {
            "state": application.state,
            "number": application.number,
            "submitted": application.submitted_at is not None,
            "audit": ActivityLog.objects.filter(action="application.submit").count(),
        }
    if scenario == "import":
        from django.db.models import Count

        from novator.organizations.models import Organization

        imported = Organization.objects.exclude(pk=ids["org"])
        duplicates = imported.values("inn").annotate(n=Count("id")).filter(n__gt=1).count()
        return {
            "organizations": imported.count(),
            "duplicates": duplicates,
            "audit": ActivityLog.objects.filter(action="organization.create").count(),
        }
    if scenario == "crash":
        from django.db.models import Count

        from novator.core.models import Job
        from novator.organizations.models import Organization, OrganizationImport

        imported = Organization.objects.exclude(pk=ids["org"])
        job = Job.objects.get(pk=ids["job"])
        return {
            "organizations": imported.count(),
            "duplicates": imported.values("inn").annotate(n=Count("id")).filter(n__gt=1).count(),
            "audit": ActivityLog.objects.filter(action="organization.create").count(),
            "job": job.state,
            "done": job.done,
            "total": job.total,
            "attempts": job.attempts,
            "recovered": [entry["action"] for entry in job.result.get("recovered", [])],
            "upload": OrganizationImport.objects.get(pk=ids["upload"]).state,
        }
    if scenario == "award":
        from novator.statuses.models import StatusAssignment, StatusEvent

        return {
            "assignments": StatusAssignment.objects.count(),
            "events": StatusEvent.objects.count(),
            "audit": ActivityLog.objects.filter(action="status.award").count(),
        }
    raise SystemExit(f"unknown scenario {scenario}")


def serve(port: int) -> None:
    """The project's WSGI application under a real (threaded) HTTP server, with the fault hook."""
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    install_fault()

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    httpd = make_server("127.0.0.1", port, application, server_class=Server, handler_class=Quiet)
    print("SERVING", flush=True)
    httpd.serve_forever()


def main() -> None:
    import django

    django.setup()
    phase, arg = sys.argv[1], sys.argv[2]
    if phase == "setup":
        print(json.dumps(setup(arg)), flush=True)
    elif phase == "run":
        run(arg, json.loads(sys.argv[3]))
    elif phase == "count":
        print(json.dumps(count(arg, json.loads(sys.argv[3]))), flush=True)
    elif phase == "serve":
        serve(int(arg))
    else:
        raise SystemExit(f"unknown phase {phase}")


if __name__ == "__main__":
    main()
