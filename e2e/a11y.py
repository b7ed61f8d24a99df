"""Accessibility checks in the browser tests: axe-core (an npm devDependency, copied to
frontend/static/vendor/axe/ by copy-vendor.sh) is injected into the page and run against WCAG 2.1 A/AA.

The page's context must be created with ``bypass_csp=True``: the app's CSP forbids injected scripts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = (
    ROOT / "frontend" / "static" / "vendor" / "axe" / "axe.min.js",
    ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js",
)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def axe_path() -> Path | None:
    return next((p for p in CANDIDATES if p.exists()), None)


def violations(page: Any) -> list[dict[str, Any]]:
    """All axe violations of the current page (WCAG 2.1 A and AA rules)."""
    path = axe_path()
    if path is None:
        raise RuntimeError("axe-core not found: run `make assets` (npm ci + copy-vendor.sh)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(path))
    result = page.evaluate(
        "async (tags) => await window.axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return list(result["violations"])


def describe(items: list[dict[str, Any]]) -> str:
    lines = []
    for v in items:
        targets = ", ".join(
            f"{node.get('target')} ({(node.get('failureSummary') or '').splitlines()[-1:]})"
            for node in v.get("nodes", [])[:5]
        )
        lines.append(f"[{v.get('impact')}] {v.get('id')}: {v.get('help')} — {targets}")
    return "\n".join(lines)


def assert_accessible(page: Any, where: str = "") -> None:
    """Fail on serious or critical violations (minor and moderate ones are left to review)."""
    blocking = [v for v in violations(page) if v.get("impact") in BLOCKING]
    assert not blocking, f"accessibility violations on {where or page.url}:\n{describe(blocking)}"
