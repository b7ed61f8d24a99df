"""`make bench` writes its figures as bench/results.json rows and the docs/benchmarks.md table."""

from __future__ import annotations

import json

from bench import report
from bench.assignment_bench import figures, run


def test_the_small_benchmark_writes_rows_and_the_table(tmp_path):
    results, markdown = tmp_path / "results.json", tmp_path / "benchmarks.md"
    results.write_text(json.dumps([report.figure("registry.page", "country", 12.0, "ms", 4.0, db="sqlite")]))
    rows = report.write(figures(run("small")), results=results, markdown_path=markdown)
    stored = json.loads(results.read_text())
    assert stored == rows and {tuple(sorted(r)) for r in stored} == {tuple(sorted(report.KEYS))}
    by_name = {r["name"]: r for r in stored}
    assert by_name["registry.page"]["ratio"] == 3.0  # another benchmark's row stays
    assert by_name["assignment.exact_check"]["ratio"] == 1.0
    assert by_name["assignment.objective_vs_greedy"]["ratio"] >= 1.0
    assert 0 < by_name["assignment.objective_vs_upper_bound"]["ratio"] <= 1.0
    assert by_name["assignment.whole_run"]["baseline"] == 30.0
    text = markdown.read_text()
    assert "| name | scale | db | value | unit | baseline | ratio |" in text and "Machine: " in text
    assert "| assignment.solve | 500×100 | none |" in text
    # running again replaces the assignment rows instead of adding to them
    assert len(report.write(figures(run("small")), results=results, markdown_path=markdown)) == len(stored)
