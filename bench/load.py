"""Throughput under concurrent load: gunicorn (2 workers, loopback) driven by Locust (headless).

Locust is not a project dependency: it is looked up in BENCH_LOCUST, then on PATH, then in .venv/bin.
`pip install locust` into any virtualenv and point BENCH_LOCUST at its `locust` script. Without it a small
threaded urllib client does the same (fewer features, same figures).

Figures: requests/s, p99 (ms) and the number of failed requests for each path, the trivial view's
figures in the same run as the baseline.
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.report import figure

ROOT = Path(__file__).resolve().parent.parent


def _locust() -> str | None:
    for candidate in (os.environ.get("BENCH_LOCUST"), shutil.which("locust"), str(ROOT / ".venv/bin/locust")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int = 2) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "config.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)})  # noqa: S603
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _with_locust(locust: str, base: str, path: str, users: int, seconds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="novator-locust-") as tmp:
        prefix = str(Path(tmp) / "run")
        subprocess.run(  # noqa: S603
            [
                locust,
                "-f",
                str(ROOT / "bench/locustfile.py"),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(users),
                "-t",
                f"{seconds}s",
                "--host",
                base,
                "--csv",
                prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={**os.environ, "BENCH_PATH": path},
            check=False,
            capture_output=True,
        )
        with open(prefix + "_stats.csv", encoding="utf-8") as f:
            row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    return {
        "rps": float(row["Requests/s"]),
        "p99": float(row["99%"]),
        "p50": float(row["50%"]),
        "errors": float(row["Failure Count"]),
        "requests": float(row["Request Count"]),
    }


def _with_threads(base: str, path: str, users: int, seconds: int) -> dict[str, float]:
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310
                    response.read()
                    ok = response.status == 200
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                ok = False
            with lock:
                times.append((time.perf_counter() - started) * 1000)
                errors += 0 if ok else 1

    threads = [threading.Thread(target=worker) for _ in range(users)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(times) or [0.0]
    return {
        "rps": len(times) / elapsed,
        "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        "p50": statistics.median(ordered),
        "errors": float(errors),
        "requests": float(len(times)),
    }


def run(
    env: dict[str, str],
    paths: dict[str, str],
    *,
    scale: str,
    db: str,
    port: int = 8112,
    users: int = 8,
    seconds: int = 15,
) -> list[dict[str, Any]]:
    locust = _locust()
    results: dict[str, dict[str, float]] = {}
    with gunicorn(env, port) as base:
        for name, path in {"trivial": "/bench/trivial/", **paths}.items():
            # warm both workers
            for _ in range(4):
                with contextlib.suppress(urllib.error.URLError):
                    urllib.request.urlopen(base + path, timeout=60).read()  # noqa: S310
            if locust:
                results[name] = _with_locust(locust, base, path, users, seconds)
            else:
                results[name] = _with_threads(base, path, users, seconds)
            print(f"load {name}: {results[name]}", file=sys.stderr)
    tool = "locust" if locust else "threads"
    label = f"{scale}, {users} users, gunicorn 2 workers, {tool}"
    trivial = results.pop("trivial")
    rows = []
    for name, r in results.items():
        rows += [
            figure(f"load.{name}.rps", label, r["rps"], "req/s", trivial["rps"], db=db),
            figure(f"load.{name}.p99", label, r["p99"], "ms", trivial["p99"], db=db),
            figure(f"load.{name}.errors", label, r["errors"], "failed", None, db=db),
        ]
    return rows
