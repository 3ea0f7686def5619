"""Checks shared by the browser tests: open a page, run axe-core (WCAG 2.1 A/AA and best practice) on it,
and find horizontal scrolling (reflow at 320 px).

Set KYLARAATI_SCREENSHOTS=1 to also save a full-page screenshot of every page axe checks into
test-artifacts/ for looking at the layout.
"""
import os
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}


def describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}  {v['helpUrl']}")
        for node in v["nodes"][:10]:
            summary = "; ".join(line.strip() for line in node.get("failureSummary", "").splitlines() if line.strip())
            lines.append(f"    {' '.join(map(str, node['target']))}  -- {summary}")
    return "\n".join(lines)


def axe_problems(page, name: str, strict: bool = False) -> str | None:
    """The serious and critical axe violations on the page as it is now, described, or None.

    `strict` counts every violation, moderate and minor ones too; otherwise those are only printed
    (shown with -rA or on failure).
    """
    if os.environ.get("KYLARAATI_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    from axe_playwright_python.sync_playwright import Axe  # the test modules skip when it is missing

    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    blocking = [v for v in violations if strict or v["impact"] in BLOCKING]
    others = [v for v in violations if v not in blocking]
    if others:
        print(f"axe (moderate/minor) on {page.url}:\n{describe(others)}")
    return f"axe found on {page.url}:\n{describe(blocking)}" if blocking else None


def assert_accessible(page, name: str) -> None:
    problems = axe_problems(page, name)
    assert problems is None, problems


def visit(page, path: str):
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    return response


def horizontal_overflow(page) -> str | None:
    """Why the page scrolls sideways, or None (WCAG 1.4.10: no 2-D scrolling at 320 CSS px)."""
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width <= inner_width:
        return None
    return f"{page.url}: scrollWidth {scroll_width} > innerWidth {inner_width}"


def duplicate_ids(page) -> str | None:
    """The ids used more than once on the page, or None (axe 4.7+ no longer checks: a repeated id breaks a
    label's `for`, an anchor and aria-labelledby). Hidden inputs are left out: every form's CSRF field is
    `csrf_token`, and nothing refers to them."""
    repeated = page.evaluate("""() => {
        const seen = {};
        for (const element of document.querySelectorAll('[id]:not(input[type=hidden])')) seen[element.id] = (seen[element.id] || 0) + 1;
        return Object.keys(seen).filter(id => seen[id] > 1);
    }""")
    return f"{page.url}: ids used more than once: {', '.join(repeated)}" if repeated else None
