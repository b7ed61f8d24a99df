"""Print the Mermaid diagram of which Novator app imports which, from the code itself.

    python docs/app_graph.py            # the graph (paste into docs/architecture.md)
    python docs/app_graph.py --check    # fail if docs/architecture.md holds another graph

Reads every module of `novator/<app>/` except tests and migrations with `ast` (nothing is imported), at
module level and inside functions alike, and draws an edge app → imported app.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "novator"
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "```mermaid\n", "```\n"


def _skipped(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return "tests" in parts or "migrations" in parts


def _imported_apps(path: Path, app: str, apps: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    depth = len(path.relative_to(PACKAGE / app).parts)  # the module's package depth below the app
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                names = [node.module or ""]
            elif node.level >= depth + 1:  # climbs above the app: `from ...other import x`
                names = [f"novator.{node.module or ''}"]
        for name in names:
            parts = name.split(".")
            if len(parts) >= 2 and parts[0] == "novator" and parts[1] in apps and parts[1] != app:
                found.add(parts[1])
    return found


def edges() -> dict[str, set[str]]:
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    graph: dict[str, set[str]] = {app: set() for app in sorted(apps)}
    for app in apps:
        for path in (PACKAGE / app).rglob("*.py"):
            if not _skipped(path):
                graph[app] |= _imported_apps(path, app, apps)
    return graph


def mermaid() -> str:
    lines = ["graph TD"]
    for app, imported in sorted(edges().items()):
        lines.extend(f"    {app} --> {other}" for other in sorted(imported))
    return "\n".join(lines) + "\n"


def main() -> int:
    graph = mermaid()
    if "--check" not in sys.argv:
        sys.stdout.write(graph)
        return 0
    text = DOC.read_text(encoding="utf-8")
    start = text.index(BEGIN) + len(BEGIN)
    if text[start : text.index(END, start)] != graph:
        sys.stderr.write("docs/architecture.md: the app graph differs from the code; run docs/app_graph.py\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
