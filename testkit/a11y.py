"""axe-core in a page under test: WCAG 2.2 AA violations, worded for a failing assertion.

axe-core is an npm devDependency (package.json); ``scripts/setup.sh test`` installs it
into node_modules, and only the tests put it into a page, through the browser's
debugging protocol, which the page's Content Security Policy does not govern. No page
of the app ever links to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .servers import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: The success criteria of WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_source(path: Path = AXE) -> str:
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run scripts/setup.sh test")
    return path.read_text(encoding="utf-8")


def violations(page: Any, tags: list[str] = WCAG22_AA) -> list[dict[str, Any]]:
    """Run axe on the page as it is now; its violations of rules with these tags."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """(tags) => axe.run(document, {
             runOnly: {type: "tag", values: tags},
             resultTypes: ["violations"],
           })""",
        tags,
    )
    return list(result["violations"])


def describe(found: list[dict[str, Any]]) -> str:
    """One paragraph per rule: what it asks, and each element that breaks it."""
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:8]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"  {' '.join(node['target'])}: {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Any, where: str) -> None:
    """Fail with axe's findings unless the page, in its current state, has none."""
    found = violations(page)
    assert not found, f"{where}: {len(found)} WCAG 2.2 AA rules broken\n{describe(found)}"


class Checked:
    """axe on each state; every state's findings are reported together at the end."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.states: list[str] = []

    def __call__(self, page: Any, where: str) -> None:
        self.states.append(where)
        try:
            assert_accessible(page, where)
        except AssertionError as e:
            self.failures.append(str(e))

    def done(self) -> None:
        assert not self.failures, "\n\n".join(self.failures)
