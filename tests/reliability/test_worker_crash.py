"""The real stack killed mid-import: `bin/serve` (gunicorn + the task worker, what `make run` serves) is
started on a scratch database, a registry import of 1,000 rows (four batches) is confirmed through gunicorn,
the whole process group is killed with SIGKILL after the first committed batch, and the stack is started
again. The worker's reaper sees that the process that ran the job has ended, queues the job again, and
the import resumes and reaches 100 % with every organisation exactly once.

On SQLite (a scratch var/ directory) by default; on PostgreSQL (a scratch database beside the one in
DATABASE_URL) when DATABASE_URL is set, as CI runs the suite once per database.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..security import figures

ROOT = Path(__file__).resolve().parents[2]
DRIVER = str(Path(__file__).with_name("fault_driver.py"))
HOOKS = str(Path(__file__).with_name("slow_batches"))
BATCH = 250  # settings.NOVATOR_IMPORT_BATCH_SIZE of the stack under test (1,000 by default)
ROWS = 4 * BATCH

pytestmark = [
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only"),
    pytest.mark.skipif(sys.platform != "linux", reason="the worker's liveness check reads /proc"),
]


@pytest.fixture
def stack_env(tmp_path, request) -> Iterator[dict[str, str]]:
    """The environment of the stack and of the driver: a scratch var/ and a scratch, migrated database."""
    (tmp_path / "var").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NOVATOR_FAULT", "PYTHONPATH")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        NOVATOR_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SECRET_KEY="crash-test-secret-key-" + "x" * 40,
        PYTHONUNBUFFERED="1",
        PYTHON=sys.executable,
        NOVATOR_CRASH_ROWS=str(ROWS),
        NOVATOR_IMPORT_BATCH_SIZE=str(BATCH),
        NOVATOR_JOB_LEASE_SECONDS="6",
        WEB_CONCURRENCY="1",
    )
    scratch = None
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        scratch = f"novator_crash_{secrets.token_hex(4)}"
        # created from the maintenance database, as Django creates the test database
        admin = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{scratch}"')
        env["DATABASE_URL"] = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{scratch}"))
    else:
        # SQLite: a copy of the database migrated once per test process
        shutil.copytree(request.getfixturevalue("migrated_var"), tmp_path / "var", dirs_exist_ok=True)
    try:
        if scratch is not None:
            result = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert result.returncode == 0, result.stderr
        yield env
    finally:
        if scratch is not None:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as db:
                db.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def _driver(env: dict[str, str], *args: str) -> Any:
    result = subprocess.run(
        [sys.executable, DRIVER, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stack:
    """`sh bin/serve` in a process group of its own (gunicorn, the worker, the daily duties)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = _free_port()
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            ["sh", "bin/serve"],
            cwd=ROOT,
            env={**env, "PORT": str(self.port), "HOST": "127.0.0.1"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "bin/serve ended at start"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        raise AssertionError("gunicorn did not listen within 300 s")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        self.process.wait(30)
        self.log.close()

    def request(self, path: str, session: str, *, post: bool = False) -> tuple[int, dict[str, str], bytes]:
        token = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret for cookie and header
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=b"" if post else None,
            method="POST" if post else "GET",
            headers={"Cookie": f"sessionid={session}; csrftoken={token}", "X-CSRFToken": token},
        )

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=300) as response:
                return int(response.status), dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return int(exc.code), dict(exc.headers), exc.read()

    def job(self, job_id: str, session: str) -> dict[str, Any]:
        status, _headers, body = self.request(f"/jobs/{job_id}/?format=json", session)
        assert status == 200, body[:500]
        return dict(json.loads(body))


def _wait(stack: Stack, job_id: str, session: str, until: Any, timeout: float, what: str) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    job: dict[str, Any] = {}
    while time.monotonic() < deadline:
        job = stack.job(job_id, session)
        if until(job):
            return job
        assert job["state"] != "failed", job
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout} s: {job}")


def test_the_real_stack_killed_mid_import_resumes_it_to_100_percent_without_duplicates(stack_env, tmp_path):
    ids = _driver(stack_env, "setup", "preview")
    env = {**stack_env, "PYTHONPATH": HOOKS, "NOVATOR_TEST_BATCH_DELAY": "2"}
    log = tmp_path / "serve.log"

    stack = Stack(env, log)
    try:
        # «Confirm» on the preview page, through gunicorn
        status, headers, body = stack.request(f"/registry/import/{ids['upload']}/", ids["session"], post=True)
        assert status == 302, body[:500]
        job_id = headers["Location"].rstrip("/").rsplit("/", 1)[-1]
        ids["job"] = job_id
        # the first batch is committed; the worker sleeps before the next one: kill everything
        at_kill = _wait(
            stack,
            job_id,
            ids["session"],
            lambda job: job["state"] == "running" and 0 < job["done"] < job["total"],
            timeout=600,
            what="the import did not get past its first batch",
        )
    finally:
        stack.kill(signal.SIGKILL)
    figures.add("faults", "sigkill")

    after_kill = _driver(stack_env, "count", "crash", json.dumps(ids))
    # whole batches stayed; the job was left running by a process that no longer exists
    assert after_kill["job"] == "running" and after_kill["upload"] == "queued", after_kill
    assert 0 < after_kill["organizations"] < ROWS and after_kill["organizations"] % BATCH == 0, after_kill
    assert after_kill["duplicates"] == 0 and after_kill["done"] >= at_kill["done"]

    started = time.monotonic()
    stack = Stack(env, log)
    try:
        finished = _wait(
            stack,
            job_id,
            ids["session"],
            lambda job: job["state"] == "succeeded",
            timeout=600,
            what="the import was not resumed to the end",
        )
    finally:
        stack.kill(signal.SIGTERM)
    resumed_in = time.monotonic() - started

    assert finished["percent"] == 100 and finished["done"] == finished["total"] == ROWS
    assert [entry["action"] for entry in finished["result"]["recovered"]] == ["requeued"]
    counts = _driver(stack_env, "count", "crash", json.dumps(ids))
    assert counts == {
        "organizations": ROWS,
        "duplicates": 0,
        "audit": ROWS,
        "job": "succeeded",
        "done": ROWS,
        "total": ROWS,
        "attempts": 2,
        "recovered": ["requeued"],
        "upload": "done",
    }, log.read_text(errors="replace")[-3000:]
    figures.put("jobs", "import_rows", ROWS)
    figures.put("jobs", "rows_at_kill", after_kill["organizations"])
    figures.put("jobs", "resumed_seconds", round(resumed_in, 1))
