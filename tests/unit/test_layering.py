"""The domain rules are plain Python: no Flask, no database session, and each imports on its own.

A blueprint package defines only its `bp`; its views are imported when the app registers it
(app.BLUEPRINTS), so importing a rule module never drags in the web layer or an import cycle.
"""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The pure modules: state machines, eligibility and vote rules, tallies, formats, time lines.
DOMAIN = (
    "app.api.pagination", "app.auth.rules", "app.auth.throttle", "app.budgets.double_entry",
    "app.budgets.pabulib", "app.budgets.rules", "app.budgets.tally", "app.budgets.tally_fast",
    "app.comments.rules", "app.consultations.phases", "app.events.rules", "app.meetings.rules",
    "app.meetings.timeline", "app.notifications.rules", "app.proposals.states", "app.review.deadlines",
)
FORBIDDEN = ("flask", "flask_babel", "flask_login", "flask_wtf", "flask_sqlalchemy", "app.extensions")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_imports_no_flask_and_no_session(module):
    path = ROOT / (module.replace(".", "/") + ".py")
    bad = {name for name in _imports(path) if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)}
    assert not bad, f"{module} imports {sorted(bad)}"


def test_every_domain_module_and_package_imports_on_its_own():
    """Each in a clean slate (all app modules forgotten first), as a unit test or a script would import it."""
    packages = sorted(f"app.{p.parent.name}" for p in (ROOT / "app").glob("*/__init__.py"))
    script = (
        "import importlib, sys\n"
        "failed = []\n"
        f"for name in {list(DOMAIN) + packages!r}:\n"
        "    for key in [k for k in sys.modules if k == 'app' or k.startswith('app.')]:\n"
        "        del sys.modules[key]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as error:\n"
        "        failed.append(f'{name}: {error!r}')\n"
        "print('\\n'.join(failed))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", result.stdout
