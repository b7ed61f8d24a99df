"""Which parts of the web benchmarks run (BENCH_PARTS); no Django here, so that the orchestrator
(`bench/__main__.py`) can read it without setting Django up."""

from __future__ import annotations

import os

#: the parts of `bench.web measure`, then those run by the orchestrator
PARTS = ("pages", "ranking", "export", "import", "monitoring", "load")


def parts() -> set[str]:
    """BENCH_PARTS, comma-separated (default: all)."""
    wanted = os.environ.get("BENCH_PARTS", "")
    return {p.strip() for p in wanted.split(",") if p.strip()} if wanted else set(PARTS)
