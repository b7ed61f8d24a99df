"""Nothing lost, nothing half-done: a process killed with SIGKILL mid-write leaves all or nothing.

Each scenario runs in a child process (tests/reliability/fault_driver.py) against a scratch SQLite database
in WAL mode (the production default for one office): a submission through a real HTTP server, a registry
import run by the task worker, a status award. A hook makes the service stop inside its transaction; the
test kills the process with SIGKILL there and reads the database from a fresh process. Then the same work
is done again (the import: the worker restarted) and must complete exactly once.
"""

from __future__ import annotations

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
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from ..security import figures

ROOT = Path(__file__).resolve().parents[2]
DRIVER = str(Path(__file__).with_name("fault_driver.py"))

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX only")


@pytest.fixture(scope="module")
def template_dir(migrated_var) -> Path:
    """A migrated scratch database (made once per test process), copied for each scenario."""
    return migrated_var


@pytest.fixture
def var_dir(template_dir, tmp_path) -> Path:
    target = tmp_path / "var"
    shutil.copytree(template_dir, target)
    return target


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "NOVATOR_FAULT")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        NOVATOR_VAR_DIR=str(var_dir),
        DJANGO_SECRET_KEY="faults-test-secret-key-" + "x" * 40,
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def _driver(var_dir: Path, *args: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, DRIVER, *args],
        cwd=ROOT,
        env=_env(var_dir, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


def _start(var_dir: Path, *args: str, fault: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, DRIVER, *args],
        cwd=ROOT,
        env=_env(var_dir, NOVATOR_FAULT=fault),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(process: subprocess.Popen[str], marker: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if marker in line:
            return
        if not line and process.poll() is not None:
            raise AssertionError(
                f"the child ended before {marker}: {process.stderr.read() if process.stderr else ''}"
            )
    raise AssertionError(f"no {marker} within {timeout} s")


def _kill(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(30)
    assert process.returncode == -signal.SIGKILL
    figures.add("faults", "sigkill")


def _count(var_dir: Path, scenario: str, ids: dict[str, Any]) -> dict[str, Any]:
    return json.loads(_driver(var_dir, "count", scenario, json.dumps(ids)))


def test_award_killed_in_its_transaction_leaves_nothing_then_completes_once(var_dir):
    ids = json.loads(_driver(var_dir, "setup", "award"))
    child = _start(var_dir, "run", "award", json.dumps(ids), fault="novator.core.audit:record:1")
    _wait_for(child, "FAULT-MIDPOINT")
    _kill(child)
    assert _count(var_dir, "award", ids) == {"assignments": 0, "events": 0, "audit": 0}
    _driver(var_dir, "run", "award", json.dumps(ids))
    assert _count(var_dir, "award", ids) == {"assignments": 1, "events": 1, "audit": 1}


def test_import_worker_killed_mid_file_is_restarted_without_duplicates(var_dir):
    ids = json.loads(_driver(var_dir, "setup", "import"))
    rows = ids["rows"]
    # the 5th organisation is created and the worker dies before that row's transaction commits
    child = _start(
        var_dir,
        "run",
        "import",
        json.dumps(ids),
        fault="novator.organizations.services:organization_create:5",
    )
    _wait_for(child, "FAULT-MIDPOINT")
    _kill(child)
    after_kill = _count(var_dir, "import", ids)
    # rows are imported one transaction each: the four finished rows stay, the fifth is not half there
    assert after_kill == {"organizations": 4, "duplicates": 0, "audit": 4}
    # the worker is restarted: the task runs again on the same upload and finishes the file
    _driver(var_dir, "run", "import", json.dumps(ids))
    assert _count(var_dir, "import", ids) == {"organizations": rows, "duplicates": 0, "audit": rows}
    # and running it a third time changes nothing
    _driver(var_dir, "run", "import", json.dumps(ids))
    assert _count(var_dir, "import", ids) == {"organizations": rows, "duplicates": 0, "audit": rows}
    figures.put("faults", "import_rows", rows)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post(port: int, path: str, session: str, timeout: float = 5) -> int:
    token = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret for cookie and header
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=b"",
        method="POST",
        headers={"Cookie": f"sessionid={session}; csrftoken={token}", "X-CSRFToken": token},
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        return int(opener.open(request, timeout=timeout).status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_submission_through_a_real_server_killed_mid_request_is_all_or_nothing(var_dir):
    ids = json.loads(_driver(var_dir, "setup", "submit"))
    path = f"/contests/applications/{ids['application']}/do/submit/"
    port = _free_port()
    server = _start(var_dir, "serve", str(port), fault="novator.core.audit:record:1")
    try:
        _wait_for(server, "SERVING")
        with pytest.raises((TimeoutError, urllib.error.URLError, ConnectionError, OSError)):
            # the request reaches the midpoint and hangs there; the server is then killed
            import threading

            def killer() -> None:
                _wait_for(server, "FAULT-MIDPOINT")
                _kill(server)

            thread = threading.Thread(target=killer)
            thread.start()
            _post(port, path, ids["session"], timeout=60)
        thread.join(60)
    finally:
        if server.poll() is None:
            server.kill()
    assert _count(var_dir, "submit", ids) == {
        "state": "draft",
        "number": None,
        "submitted": False,
        "audit": 0,
    }

    # a fresh server without the fault: the same submission goes through exactly once
    port = _free_port()
    server = _start(var_dir, "serve", str(port), fault="")
    try:
        _wait_for(server, "SERVING")
        assert _post(port, path, ids["session"], timeout=60) == 302
    finally:
        server.kill()
        server.wait(30)
    counts = _count(var_dir, "submit", ids)
    assert counts == {"state": "submitted", "number": 1, "submitted": True, "audit": 1}


def test_after_the_faults_a_backup_restores_every_row_and_file(var_dir, template_dir, tmp_path):
    """The database a killed import left behind (then completed) is backed up and restored into an empty
    instance: every table's rows and checksum and every file match (manage.py backup / restore)."""
    import re

    ids = json.loads(_driver(var_dir, "setup", "import"))
    child = _start(
        var_dir,
        "run",
        "import",
        json.dumps(ids),
        fault="novator.organizations.services:organization_create:3",
    )
    _wait_for(child, "FAULT-MIDPOINT")
    _kill(child)
    _driver(var_dir, "run", "import", json.dumps(ids))
    archive = tmp_path / "backup.tar.gz"
    subprocess.run(
        [sys.executable, "manage.py", "backup", "--output", str(archive)],
        cwd=ROOT,
        env=_env(var_dir),
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    restored = tmp_path / "restored"
    shutil.copytree(template_dir, restored)
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env=_env(restored),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = re.search(r"(\d+) tables, (\d+) rows in the backup; (\d+) differ", result.stdout)
    files = re.search(r"Files: (\d+) of (\d+) match", result.stdout)
    assert summary and files, result.stdout
    tables, rows, differ = (int(g) for g in summary.groups())
    assert differ == 0 and rows > 0
    assert files.group(1) == files.group(2)
    assert _count(restored, "import", ids) == _count(var_dir, "import", ids)
    figures.put("restore", "tables", tables)
    figures.put("restore", "rows", rows)
    figures.put("restore", "files", int(files.group(2)))
