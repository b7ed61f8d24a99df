"""Web and data benchmarks against a database of synthetic data (one process per database and scale).

    DATABASE_URL=… python -m bench.web prepare --scale region      # migrate, generate, recompute
    DATABASE_URL=… python -m bench.web queries                     # JSON: query count of every page
    DATABASE_URL=… python -m bench.web measure --scale region --db sqlite   # JSON: figure rows
    DATABASE_URL=… python -m bench.web export --format xlsx        # JSON: seconds and peak memory

Without DATABASE_URL the database is the SQLite file of BENCH_SQLITE. Server time is measured through
gunicorn on loopback (one sync worker, a new connection per request: socket, HTTP parsing, the whole
middleware stack, sessions, templates): p50/p95 of many requests after a warm-up, next to a trivial view
(`bench/urls.py`) measured the same way in the same run. BENCH_TRANSPORT=inprocess measures with
`django.test.Client` against the WSGI handler instead (no socket, no gunicorn).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.report import figure  # noqa: E402
from bench.web_parts import parts  # noqa: E402
from novator.synthetic.generator import SCALES, USER_PREFIX, generate  # noqa: E402

User = get_user_model()
MONITORING_YEAR = "2025/26"


def _vendor() -> str:
    return connection.vendor if connection.vendor != "postgresql" else "postgres"


# --- preparing the database ----------------------------------------------------------------------------


def prepare(scale: str, seed: int = 1) -> dict[str, Any]:
    """Migrate, and generate the scale's data unless the database already holds it."""
    from novator.monitoring import services as monitoring
    from novator.organizations.models import Organization

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    out: dict[str, Any] = {"scale": scale, "generated": False}
    has = User.objects.filter(username=f"{USER_PREFIX}admin").exists()
    if has and Organization.objects.count() != SCALES[scale].organizations:
        raise SystemExit("The database holds synthetic data of another scale: use an empty database.")
    if not has:
        result = generate(scale, seed, log=lambda m: print(m, file=sys.stderr))
        out.update(generated=True, seconds=result.seconds, counts=result.counts)
        # timed by the monitoring part of `measure` (monitoring_catalogue)
        monitoring.values_recompute(actor=None, academic_year=MONITORING_YEAR)
        monitoring.year_publish(actor=None, academic_year=MONITORING_YEAR, published=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return out


# --- the pages -----------------------------------------------------------------------------------------


def _targets() -> dict[str, Any]:
    """The objects the pages are about, the same ones at every scale (first by id)."""
    from novator.contests.models import Contest
    from novator.organizations.models import Municipality, Organization

    big = Contest.objects.filter(title__startswith="Большой конкурс").order_by("pk").first()
    assert big is not None, "no synthetic data: run `python -m bench.web prepare` first"
    typical = (
        Contest.objects.filter(state="expertise").exclude(pk=big.pk).order_by("pk").first()
        or Contest.objects.exclude(pk=big.pk).order_by("pk").first()
    )
    published = Contest.objects.filter(state="published").order_by("pk").first()
    municipality = Municipality.objects.filter(region__name__contains="синт").order_by("pk").first() or (
        Municipality.objects.order_by("pk").first()
    )
    org = Organization.objects.filter(municipality=municipality).order_by("pk").first()
    assert municipality is not None and org is not None and typical is not None and published is not None
    region_code = municipality.region.code
    return {
        "big": big.pk,
        "typical": typical.pk,
        "published": published.pk,
        "municipality": municipality.pk,
        "region": municipality.region_id,
        "org": org.pk,
        "org_inn": org.inn,
        "users": {
            "admin": f"{USER_PREFIX}admin",
            "methodologist": f"{USER_PREFIX}method-{municipality.pk}",
            "coordinator": f"{USER_PREFIX}coord-{org.pk}",
            "expert": f"{USER_PREFIX}expert-0",
            "observer": f"{USER_PREFIX}observer-{region_code}",
        },
    }


#: (name, user or None, url template, how many requests relative to the standard number; 0: three)
PAGES: list[tuple[str, str | None, str, float]] = [
    ("trivial", None, "/bench/trivial/", 1),
    ("layout", None, "/bench/layout/", 1),
    ("layout.admin", "admin", "/bench/layout/", 1),
    ("registry", None, "/registry/", 1),
    # a word in a third of the national registry (the worst case), a name, an ИНН
    ("registry.search", None, "/registry/?q=школа", 1),
    ("registry.search_name", None, "/registry/?q=детский+сад+№+17", 1),
    ("registry.search_inn", None, "/registry/?q={org_inn}", 1),
    ("statuses.register", None, "/statuses/", 1),
    ("contests.list", None, "/contests/", 1),
    ("contest.public_results", None, "/contests/{published}/", 1),
    ("contest.ranking", "admin", "/expertise/contests/{typical}/ranking/", 1),
    ("contest.ranking_10k", "admin", "/expertise/contests/{big}/ranking/", 1),
    ("events.calendar", None, "/events/calendar/?month=2026-10", 1),
    ("events.list", None, "/events/", 1),
    ("library.search", None, "/library/?search=инклюзивное+образование", 1),
    ("monitoring.municipality", "methodologist", "/monitoring/municipalities/{municipality}/", 1),
    ("home.anonymous", None, "/", 1),
    ("home.admin", "admin", "/", 1),
    ("home.methodologist", "methodologist", "/", 1),
    ("home.coordinator", "coordinator", "/", 1),
    ("home.expert", "expert", "/", 1),
    ("home.observer", "observer", "/", 1),
    ("api.organizations", None, "/api/v1/organizations/", 1),
    ("api.statuses", None, "/api/v1/statuses/", 1),
    ("api.events", None, "/api/v1/events/", 1),
    ("api.products", None, "/api/v1/products/?search=инклюзивное", 1),
    ("api.applications", "admin", "/api/v1/applications/?contest={typical}", 1),
    ("api.monitoring_values", None, "/api/v1/monitoring/values/", 1),
    ("region.comparison", "observer", "/region/{region}/", 1),
    ("region.comparison_xlsx", "observer", "/region/{region}/?format=xlsx", 0.5),
    ("api.region_comparison", "observer", "/api/v1/regions/{region}/comparison/", 1),
]


PAGE_ROLES = {name: role for name, role, _template, _share in PAGES}
#: the baselines every run of the pages needs
BASELINES = ("trivial", "layout", "layout.admin")


def _pages() -> list[tuple[str, str | None, str, float]]:
    """PAGES, or only those named in BENCH_PAGES (comma-separated, e.g. `region.comparison`) and the
    baselines: to measure a new page again without measuring every other one."""
    wanted = {p.strip() for p in os.environ.get("BENCH_PAGES", "").split(",") if p.strip()}
    if not wanted:
        return PAGES
    return [page for page in PAGES if page[0] in wanted or page[0] in BASELINES]


def _clients(targets: dict[str, Any]) -> dict[str | None, Client]:
    clients: dict[str | None, Client] = {None: Client()}
    for role, username in targets["users"].items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        clients[role] = client
    return clients


def _get(client: Client, url: str) -> tuple[int, int]:
    response = client.get(url)
    size = 0
    if getattr(response, "streaming", False):
        for chunk in response.streaming_content:  # type: ignore[attr-defined]
            size += len(chunk)
    else:
        size = len(response.content)
    response.close()
    return response.status_code, size


def query_counts() -> dict[str, int]:
    targets = _targets()
    clients = _clients(targets)
    counts: dict[str, int] = {}
    for name, role, template, _share in _pages():
        url = template.format(**targets)
        _get(clients[role], url)  # warm caches (sessions, content types)
        with CaptureQueriesContext(connection) as captured:
            status, _size = _get(clients[role], url)
        counts[name] = len(captured) if status == 200 else -status
    return counts


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class _Http:
    """Requests through gunicorn on loopback (one sync worker, a new connection per request, as behind a
    proxy): the whole stack — socket, HTTP parsing, WSGI, every middleware, the view, the template."""

    def __init__(self, base: str):
        self.host, _sep, port = base.removeprefix("http://").partition(":")
        self.port = int(port)

    def get(self, url: str, cookie: str) -> int:
        connection_ = http.client.HTTPConnection(self.host, self.port, timeout=300)
        try:
            headers = {"Cookie": cookie} if cookie else {}
            connection_.request("GET", quote(url, safe="/?=&+%"), headers=headers)
            response = connection_.getresponse()
            response.read()
            return response.status
        finally:
            connection_.close()


def _cookie(client: Client) -> str:
    from django.conf import settings

    morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return f"{settings.SESSION_COOKIE_NAME}={morsel.value}" if morsel else ""


def measure_pages(scale: str, db: str, requests: int, district_counts: dict[str, int] | None) -> list[dict]:
    """Query counts in process (CaptureQueriesContext); times through gunicorn (`_Http`), or in process
    with BENCH_TRANSPORT=inprocess."""
    from bench import load

    targets = _targets()
    clients = _clients(targets)
    counts: dict[str, int] = {}
    for name, role, template, _share in _pages():
        url = template.format(**targets)
        _get(clients[role], url)  # warm-up
        with CaptureQueriesContext(connection) as captured:
            status, _size = _get(clients[role], url)
        counts[name] = len(captured)
        if status != 200:
            print(f"warning: {name} answered {status}", file=sys.stderr)
    inprocess = os.environ.get("BENCH_TRANSPORT") == "inprocess"
    timings: dict[str, list[float]] = {}
    with contextlib.ExitStack() as stack:
        http_ = None if inprocess else _Http(stack.enter_context(load.gunicorn(dict(os.environ), 8113, 1)))
        for name, role, template, share in _pages():
            url = template.format(**targets)
            n = max(5, int(requests * share)) if share else 3
            client, cookie = clients[role], _cookie(clients[role])

            def one(url: str = url, client: Client = client, cookie: str = cookie) -> None:
                if http_ is None:
                    _get(client, url)
                else:
                    http_.get(url, cookie)

            one()  # warm-up (this worker's caches, the ranking's cache)
            times = []
            for _ in range(n):
                started = time.perf_counter()
                one()
                times.append((time.perf_counter() - started) * 1000)
            timings[name] = times
            print(f"{name}: p50 {statistics.median(times):.1f} ms, {counts[name]} queries", file=sys.stderr)
    trivial_p50 = statistics.median(timings["trivial"])
    trivial_p95 = _percentile(timings["trivial"], 95)
    rows = []
    for name, times in timings.items():
        if name == "trivial":
            rows.append(figure("page.trivial.p95", scale, trivial_p95, "ms", None, db=db))
            continue
        p50, p95 = statistics.median(times), _percentile(times, 95)
        rows.append(figure(f"page.{name}.p50", scale, p50, "ms", trivial_p50, db=db))
        rows.append(figure(f"page.{name}.p95", scale, p95, "ms", trivial_p95, db=db))
        if name.startswith("layout"):
            continue
        # the same page's layout for the same user (anonymous or signed in): what the content costs
        layout = _percentile(timings["layout" if PAGE_ROLES[name] is None else "layout.admin"], 95)
        rows.append(figure(f"page.{name}.p95_vs_layout", scale, p95, "ms", layout, db=db))
        rows.append(figure(f"page.{name}.p95_vs_50ms", scale, p95, "ms", 50, db=db))
        baseline = (district_counts or {}).get(name)
        rows.append(figure(f"page.{name}.queries", scale, counts[name], "queries", baseline, db=db))
    return rows


# --- ranking against one SQL aggregate -------------------------------------------------------------------

RANKING_SQL = """
SELECT app_id, AVG(total) AS score FROM (
    SELECT a.id AS app_id, sh.id AS sheet_id, SUM(s.points * c.weight) AS total
    FROM expertise_score s
    JOIN expertise_scoresheet sh ON sh.id = s.sheet_id
    JOIN expertise_assignment asg ON asg.id = sh.assignment_id
    JOIN contests_application a ON a.id = asg.application_id
    JOIN contests_criterion c ON c.id = s.criterion_id
    WHERE a.contest_id = %s AND sh.state = 'submitted' AND a.state = 'accepted'
    GROUP BY a.id, sh.id
) per_sheet GROUP BY app_id ORDER BY score DESC
"""


def _best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def ranking_vs_sql(scale: str, db: str) -> list[dict]:
    from novator.contests.models import Application, Contest
    from novator.expertise.ranking import contest_ranking

    targets = _targets()
    contest = Contest.objects.get(pk=targets["big"])
    apps = Application.objects.filter(contest=contest).count()

    def raw() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(RANKING_SQL, [contest.pk])
            return cursor.fetchall()

    def selector() -> Any:
        # The computation itself, not the cached ranking (the page's warm path is measured with the pages).
        from django.core.cache import cache

        cache.clear()
        return contest_ranking(Contest.objects.get(pk=contest.pk))

    def fresh() -> tuple[Contest, list[Any], list[Any]]:
        """The contest with its criteria and categories, read again as each timed run reads them."""
        again = Contest.objects.get(pk=contest.pk)
        return (
            again,
            list(again.criteria.order_by("position", "pk")),
            list(again.categories.order_by("position", "pk")),
        )

    def computation() -> Any:
        # the computation alone: without the fingerprint, the cache's reads and the writes of its chunks
        from novator.expertise.ranking import compute

        return compute.compute_ranking(*fresh())

    def ranked_list() -> Any:
        # what the SQL computes, by the application's own code: the applications and the sheets' weighted
        # totals read, the means (half up), the tie-breaks, the ranks and the quotas of the raw ranking,
        # in columns; without the calibrated ranking, the agreement figures and the row objects
        from novator.expertise.ranking import compute

        again, criteria, categories = fresh()
        inputs = compute.read_inputs(again, compute.criterion_specs(criteria), categories)
        return compute.rank_columns(inputs, inputs.raw, compute.TOTAL_SCALE, again.threshold_points)

    raw()
    selector()
    sql_s = _best(raw, 5)
    selector_s = _best(selector, 3)
    compute_s = _best(computation, 3)
    ranked_s = _best(ranked_list, 5)
    label = f"{scale} ({apps} applications)"
    return [
        figure("ranking.selector_vs_sql", label, selector_s * 1000, "ms", sql_s * 1000, db=db),
        figure("ranking.compute_vs_sql", label, compute_s * 1000, "ms", sql_s * 1000, db=db),
        figure("ranking.ranked_list_vs_sql", label, ranked_s * 1000, "ms", sql_s * 1000, db=db),
    ]


# --- export: time and peak memory of a fresh process ------------------------------------------------------


def _vm(key: str) -> float:
    """VmHWM (peak) or VmRSS of this process in MB. Not ru_maxrss: Linux carries the parent's peak
    over exec into it, so a child of a big benchmark process would report the parent's memory."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_once(file_format: str) -> dict[str, Any]:
    client = Client()
    client.force_login(User.objects.get(username=f"{USER_PREFIX}admin"))
    _get(client, "/bench/trivial/")
    before = _vm("VmHWM")
    started = time.perf_counter()
    status, size = _get(client, f"/registry/export/?format={file_format}")
    seconds = time.perf_counter() - started
    peak = _vm("VmHWM")
    return {"status": status, "bytes": size, "seconds": seconds, "peak_mb": peak, "start_mb": before}


def _run_json(args: list[str]) -> dict[str, Any]:
    import subprocess

    done = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "bench.web", *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def export_bench(scale: str, db: str) -> list[dict]:
    from novator.organizations.models import Organization

    orgs = Organization.objects.count()
    xlsx = _run_json(["export", "--format", "xlsx"])
    csv = _run_json(["export", "--format", "csv"])
    label = f"{scale} ({orgs} organisations)"
    return [
        figure("export.xlsx.seconds", label, xlsx["seconds"], "s", csv["seconds"], db=db),
        figure("export.xlsx.peak_rss", label, xlsx["peak_mb"], "MB", 300, db=db),
        figure(
            "export.xlsx.rss_growth",
            label,
            xlsx["peak_mb"] - xlsx["start_mb"],
            "MB",
            max(1.0, csv["peak_mb"] - csv["start_mb"]),
            db=db,
        ),
    ]


# --- registry import against bulk insert --------------------------------------------------------------------


def import_bench(scale: str, db: str, rows_wanted: int) -> list[dict]:
    from novator.organizations.exporting import csv_chunks, export_rows
    from novator.organizations.importing import EXPORT_HEADERS
    from novator.organizations.importing.plan import apply_plan, build_plan
    from novator.organizations.importing.reader import read_table
    from novator.organizations.models import Organization
    from novator.synthetic.generator import inn_for, ogrn_for

    admin = User.objects.get(username=f"{USER_PREFIX}admin")
    source = Organization.objects.select_related("municipality", "parent").order_by("pk")[:rows_wanted]
    header = list(EXPORT_HEADERS)
    i_inn, i_ogrn, i_kpp = header.index("ИНН"), header.index("ОГРН"), header.index("КПП")
    i_short = next(i for i, h in enumerate(header) if h.startswith("Краткое") or h.startswith("Сокращ"))
    rows = []
    for n, row in enumerate(export_rows(source)):
        row = list(row)
        row[i_inn], row[i_ogrn], row[i_kpp] = inn_for("99", 500_000 + n), ogrn_for("99", 500_000 + n), ""
        row[i_short] = f"Новая {row[i_short]}"
        rows.append(row)
    data = "".join(csv_chunks(rows)).encode("utf-8")
    count = len(rows)
    objects = list(Organization.objects.order_by("pk")[:count])
    with transaction.atomic():
        started = time.perf_counter()
        table = read_table(data)
        plan = build_plan(table, actor=admin)
        planned = time.perf_counter() - started
        counts = apply_plan(plan, actor=admin)
        imported = time.perf_counter() - started
        transaction.set_rollback(True)
    with transaction.atomic():
        for n, obj in enumerate(objects):
            obj.pk = None
            obj.inn, obj.ogrn = inn_for("99", 500_000 + n), ogrn_for("99", 500_000 + n)
        started = time.perf_counter()
        Organization.objects.bulk_create(objects, batch_size=1000)
        bulk = time.perf_counter() - started
        transaction.set_rollback(True)
    label = f"{scale} ({count} rows)"
    if counts.get("created", 0) != count:
        print(f"warning: import created {counts} of {count}", file=sys.stderr)
    return [
        figure("import.registry.preview", label, planned, "s", bulk, db=db),
        figure("import.registry.total", label, imported, "s", bulk, db=db),
    ]


# --- monitoring recompute -----------------------------------------------------------------------------------


def monitoring_catalogue(scale: str, db: str) -> list[dict]:
    """The whole monitoring catalogue (every indicator, the index, every derived element) recomputed over
    the scale's data, in a transaction rolled back: when nothing changed since the last recomputation,
    and from scratch (the year's indicator rows and derived values deleted first, so every row is
    inserted). Baseline: one SQL aggregate over the year's values — reading them is the least a
    recomputation does. bench/monitoring_bench.py measures the recomputation against the SQL of the same
    computation on a smaller catalogue."""
    from novator.monitoring import services
    from novator.monitoring.models import DataValue, ElementSource, IndicatorValue
    from novator.organizations.models import Organization

    orgs = Organization.objects.count()

    def recompute() -> None:
        services.values_recompute(actor=None, academic_year=MONITORING_YEAR)

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT organization_id, element_id, SUM(value) FROM monitoring_datavalue "
                "WHERE academic_year = %s GROUP BY organization_id, element_id",
                [MONITORING_YEAR],
            )
            cursor.fetchall()

    with transaction.atomic():
        recompute()  # the data as the generator left it: brought up to date first
        unchanged = _best(recompute, 2)
        IndicatorValue.objects.filter(academic_year=MONITORING_YEAR).delete()
        DataValue.objects.filter(academic_year=MONITORING_YEAR, source=ElementSource.DERIVED).delete()
        scratch = _best(recompute, 1)
        transaction.set_rollback(True)
    baseline = _best(raw, 3)
    label = f"{scale} ({orgs} organisations, full catalogue)"
    return [
        figure(f"monitoring.recompute_{scale}_data", label, scratch, "s", baseline, db=db),
        figure(f"monitoring.recompute_{scale}_data_unchanged", label, unchanged, "s", baseline, db=db),
    ]


def measure(scale: str, db: str, requests: int, district_counts: dict[str, int] | None) -> list[dict]:
    wanted = parts()
    rows = measure_pages(scale, db, requests, district_counts) if "pages" in wanted else []
    if "ranking" in wanted:
        rows += ranking_vs_sql(scale, db)
    if "export" in wanted:
        rows += export_bench(scale, db)
    if "import" in wanted:
        # BENCH_IMPORT_ROWS: rows of the import benchmark (default: as many as the scale's organisations —
        # a national registry of 85,000 in one file at country scale)
        import_rows = int(os.environ.get("BENCH_IMPORT_ROWS") or SCALES[scale].organizations)
        rows += import_bench(scale, db, import_rows)
    if "monitoring" in wanted:
        rows += monitoring_catalogue(scale, db)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web")
    parser.add_argument("command", choices=["prepare", "queries", "measure", "export", "targets"])
    parser.add_argument("--scale", default="region", choices=sorted(SCALES))
    parser.add_argument("--db", default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--format", default="xlsx")
    parser.add_argument("--district-counts", default="", help="JSON of the query counts at district scale")
    args = parser.parse_args(argv)
    out: Any
    if args.command == "prepare":
        out = prepare(args.scale, args.seed)
    elif args.command == "queries":
        out = query_counts()
    elif args.command == "targets":
        out = _targets()
    elif args.command == "export":
        out = export_once(args.format)
    else:
        counts = json.loads(args.district_counts) if args.district_counts else None
        out = measure(args.scale, args.db or _vendor(), args.requests, counts)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
