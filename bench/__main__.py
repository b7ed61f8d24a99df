"""`make bench`: run every benchmark and write bench/results.json and docs/benchmarks.md.

    .venv/bin/python -m bench                   # BENCH_SCALE=region (default), SQLite (+ PostgreSQL, below)
    BENCH_SCALE=country .venv/bin/python -m bench
    .venv/bin/python -m bench small             # the assignment benchmark only, quick

Environment:
- BENCH_SCALE: district | region | country — the synthetic data of the web benchmarks (default region).
- BENCH_POSTGRES_URL (or DATABASE_URL when it is PostgreSQL): run the web benchmarks on PostgreSQL too,
  in that database (emptied when it holds another scale) plus `<name>_district` and `<name>_monitoring`.
- BENCH_DBS: which of sqlite,postgres to run (default: sqlite, and postgres when a URL is given).
- BENCH_ONLY: assignment | web | opendata — one part only (opendata: bench/opendata_bench.py, a ≥ 1 GB
  synthetic open-data file of the registry of accredited organisations in BENCH_DIR).
- BENCH_REQUESTS: requests per page for p50/p95 (default 60).
- BENCH_PARTS: which parts of the web benchmarks to run, comma-separated, of pages, ranking, export, import,
  monitoring, load (default all), e.g. BENCH_PARTS=pages to measure the pages again after a change.
- BENCH_PAGES: only these pages of `bench/web.py: PAGES` (comma-separated names, e.g.
  region.comparison,api.region_comparison) and the baselines (trivial, layout), e.g. for a new page.

SQLite files live in BENCH_DIR (default /tmp): novator-bench-<scale>.sqlite3; they are kept between runs
(the data is deterministic), delete them to generate again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import assignment_bench, opendata_bench
from bench.report import figure, write
from bench.web_parts import parts

ROOT = Path(__file__).resolve().parent.parent
NOTES = (
    *assignment_bench.NOTES,
    *opendata_bench.NOTES,
    "page.*: server time through the whole stack — gunicorn (one sync worker) on loopback, a new connection "
    "per request, every middleware, sessions and cache in the database, the view, the template — p50/p95 of "
    "BENCH_REQUESTS requests after a warm-up; baseline: the trivial view (`bench/urls.py`) in the same run. "
    "page.*.p95_vs_layout: against the bare layout (base.html) for the same user; page.*.p95_vs_50ms: "
    "against the 50 ms goal; page.*.queries: queries of one request, against the same page at district "
    "scale (ratio 1 = the count does not grow with data).",
    "load.*: gunicorn with 2 workers on loopback, Locust headless (8 users, no wait, 15 s), against the "
    "trivial view under the same load; the load generator shares the 2 cores with the server.",
    "ranking.selector_vs_sql: the ranking selector with an empty cache (raw and calibrated rankings, "
    "agreement figures, the fingerprint and the writes of the cached chunks) for the contest of 10,000 "
    "applications against one SQL aggregate of the same scores (goal ≤ 2); ranking.compute_vs_sql: the "
    "computation alone (both rankings and the agreement figures); ranking.ranked_list_vs_sql: what the "
    "SQL computes, by the application's code — the raw ranking's means, tie-breaks, ranks and quotas.",
    "export.xlsx.*: the registry export of every organisation in a fresh process: seconds against the CSV "
    "export, peak RSS against the 300 MB goal, RSS growth against the CSV's.",
    "import.registry.*: preview (read + plan) and the whole import of the scale's number of new rows "
    "through the services, against one bulk_create of as many organisations (rolled back).",
    "generate.*: `manage.py generate_data` wall time against the 15-minute goal.",
    "monitoring.recompute / _changed: bench/monitoring_bench.py — the recomputation of 85,000 synthetic "
    "organisations (three indicators, the index, one derived element) unchanged and after 1% of the values "
    "changed, against one SQL query of the same computation (goal ≤ 2). monitoring.recompute_<scale>_data "
    "/ _unchanged: the whole catalogue over the scale's generated data from scratch (every row inserted) "
    "and unchanged, against one SQL aggregate of the year's values (rolled back).",
)


def _postgres_url() -> str | None:
    url = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _with_name(url: str, suffix: str) -> str:
    base, _slash, name = url.rpartition("/")
    return f"{base}/{name.split('?')[0]}{suffix}"


def _ensure_pg_database(url: str, *, empty: bool = False) -> None:
    import psycopg

    name = url.rpartition("/")[2].split("?")[0]
    with psycopg.connect(_with_name(url, "").rpartition("/")[0] + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and empty:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _env(db: str, scale: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT))
    if db == "sqlite":
        directory = Path(os.environ.get("BENCH_DIR", "/tmp"))  # noqa: S108 - a scratch file
        env["BENCH_SQLITE"] = str(directory / f"novator-bench-{scale}.sqlite3")
    else:
        url = _postgres_url()
        assert url is not None
        env["DATABASE_URL"] = (
            url if scale == os.environ.get("BENCH_SCALE", "region") else _with_name(url, f"_{scale}")
        )
    return env


def _web(args: list[str], env: dict[str, str]) -> Any:
    done = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "bench.web", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    sys.stderr.write(done.stderr[-4000:])
    if done.returncode != 0:
        raise RuntimeError(f"bench.web {' '.join(args)} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _prepare(db: str, scale: str) -> tuple[dict[str, str], list[dict[str, Any]]]:
    env = _env(db, scale)
    if db == "postgres":
        _ensure_pg_database(env["DATABASE_URL"])
    started = time.perf_counter()
    try:
        out = _web(["prepare", "--scale", scale], env)
    except RuntimeError:
        # another scale, or migrations that changed under the kept database: start again
        if db == "postgres":
            _ensure_pg_database(env["DATABASE_URL"], empty=True)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(env["BENCH_SQLITE"] + suffix).unlink(missing_ok=True)
        started = time.perf_counter()
        out = _web(["prepare", "--scale", scale], env)
    rows = []
    if out.get("generated"):
        wall = time.perf_counter() - started
        rows.append(figure(f"generate.{scale}", scale, out["seconds"]["total"], "s", 900, db=db))
        rows.append(figure(f"generate.{scale}.with_migrate", scale, wall, "s", 900, db=db))
    return env, rows


def _monitoring(db: str, orgs: int) -> list[dict[str, Any]]:
    """bench/monitoring_bench.py (another benchmark's module) on an empty database of its own."""
    if not (ROOT / "bench" / "monitoring_bench.py").exists():
        return []
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["PYTHONPATH"] = str(ROOT)
    if db == "postgres":
        url = _with_name(_postgres_url() or "", "_monitoring")
        _ensure_pg_database(url)
        env["DATABASE_URL"] = url
    code = (
        "import json\n"
        "try:\n    from bench.monitoring_bench import run\nexcept ImportError:\n    run = None\n"
        f"print(json.dumps(run({orgs}) if run else []))\n"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        return []
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    for row in rows:
        row["db"] = db
    return rows


def web(scale: str) -> list[dict[str, Any]]:
    from bench import load
    from novator.synthetic.generator import SCALES

    dbs = os.environ.get("BENCH_DBS") or ("sqlite,postgres" if _postgres_url() else "sqlite")
    requests = os.environ.get("BENCH_REQUESTS", "60")
    rows: list[dict[str, Any]] = []
    for db in [d.strip() for d in dbs.split(",") if d.strip()]:
        print(f"== {db}: district query counts", file=sys.stderr)
        district_env, _r = _prepare(db, "district")
        counts = _web(["queries"], district_env)
        print(f"== {db}: {scale} data", file=sys.stderr)
        env, generated = _prepare(db, scale)
        rows += generated
        print(f"== {db}: {scale} pages", file=sys.stderr)
        db_rows = _web(
            [
                "measure",
                "--scale",
                scale,
                "--db",
                db,
                "--requests",
                requests,
                "--district-counts",
                json.dumps(counts),
            ],
            env,
        )
        if "load" in parts():
            targets = _web(["targets"], env)
            print(f"== {db}: {scale} load", file=sys.stderr)
            db_rows += load.run(
                env,
                {"registry": "/registry/", "contest_results": f"/contests/{targets['published']}/"},
                scale=scale,
                db=db,
            )
        if "monitoring" in parts():
            db_rows += _monitoring(db, SCALES[scale].organizations)
        rows += db_rows
        write(rows, notes=NOTES)  # keep what is done so far
    return rows


def main() -> None:
    args = sys.argv[1:]
    only = os.environ.get("BENCH_ONLY", "")
    scale = os.environ.get("BENCH_SCALE", "region")
    if only in ("", "assignment"):
        result = assignment_bench.run(args[0] if args else "full")
        write(assignment_bench.figures(result), notes=NOTES)
    if only in ("", "opendata") and not args:
        write(opendata_bench.figures(opendata_bench.run()), notes=NOTES)
    if only in ("", "web") and not args:
        web(scale)


if __name__ == "__main__":
    main()
