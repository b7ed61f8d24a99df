"""Where the benchmarks put their figures: `bench/results.json` and `docs/benchmarks.md`.

Every figure is one row ``{"name", "scale", "db", "value", "unit", "baseline", "ratio"}``: the value,
its natural limit measured in the same run (``baseline``) and ``ratio = value / baseline``, so that the
ratio holds on a noisy machine. `write()` merges the rows into `bench/results.json` (a row replaces the
one with the same name, scale and db; other benchmarks' rows stay) and renders the whole file as the
table of `docs/benchmarks.md`, with the machine it ran on.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
MARKDOWN = ROOT / "docs" / "benchmarks.md"
#: Appended to docs/benchmarks.md as it is (written by hand, unlike the table).
APPENDIX = ROOT / "bench" / "findings.md"
KEYS = ("name", "scale", "db", "value", "unit", "baseline", "ratio")


def figure(
    name: str,
    scale: str,
    value: float,
    unit: str,
    baseline: float | None,
    *,
    db: str = "none",
    digits: int = 4,
) -> dict[str, Any]:
    """One row; the ratio is value / baseline (None without a baseline)."""
    ratio = value / baseline if baseline else None
    return {
        "name": name,
        "scale": scale,
        "db": db,
        "value": round(value, digits),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, digits),
        "ratio": None if ratio is None else round(ratio, 6),
    }


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine() -> dict[str, Any]:
    return {
        "cpu": _cpu(),
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def merge(existing: Iterable[Mapping[str, Any]], new: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows of `existing` not replaced by `new` (same name, scale, db), then `new`; sorted by name."""
    added = [dict(row) for row in new]
    replaced = {(r["name"], r["scale"], r["db"]) for r in added}
    kept = [dict(r) for r in existing if (r.get("name"), r.get("scale"), r.get("db")) not in replaced]
    return sorted(kept + added, key=lambda r: (str(r["name"]), str(r["scale"]), str(r["db"])))


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"
    return str(value)


def markdown(rows: list[dict[str, Any]], host: Mapping[str, Any], notes: Iterable[str] = ()) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`) from `bench/results.json`; do not edit by hand. Each "
        "figure is measured next to its natural limit (the baseline) in the same run; ratio = value / "
        "baseline.",
        "",
        f"Machine: {host['cpu']}, {host['cores']} cores, {host['memory_gb']} GB RAM, {host['os']}, "
        f"Python {host['python']}; run {host['date']}.",
        "",
        "| name | scale | db | value | unit | baseline | ratio |",
        "|---|---|---|---:|---|---:|---:|",
    ]
    lines += ["| " + " | ".join(_cell(row.get(k)) for k in KEYS) + " |" for row in rows]
    notes = list(notes)
    if notes:
        lines += ["", *[f"- {note}" for note in notes]]
    if APPENDIX.exists():  # the hand-written part: method, the country run, what the figures found
        lines += ["", APPENDIX.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def write(
    rows: Iterable[Mapping[str, Any]],
    *,
    notes: Iterable[str] = (),
    results: Path = RESULTS,
    markdown_path: Path = MARKDOWN,
) -> list[dict[str, Any]]:
    """Merge `rows` into `results` and render `markdown_path`; returns the merged rows."""
    existing: list[dict[str, Any]] = []
    if results.exists():
        loaded = json.loads(results.read_text(encoding="utf-8") or "[]")
        existing = loaded if isinstance(loaded, list) else []
    merged = merge(existing, rows)
    results.write_text(json.dumps(merged, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    markdown_path.parent.mkdir(parents=True, exist_ok=True)
    markdown_path.write_text(markdown(merged, machine(), notes), encoding="utf-8")
    return merged
