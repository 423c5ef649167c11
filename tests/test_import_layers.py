"""The import contracts of `make lint` hold for the tree, and an import that breaks a floor fails them.

Each breaking case runs the real lint-imports on a copy of the package with one import added, so the contracts
are shown to catch what they promise to (a late import inside a function included).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(src: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", str(ROOT / "pyproject.toml")], cwd=src,
                          env=env, capture_output=True, text=True, timeout=120)


def test_the_tree_keeps_every_import_contract():
    result = lint_imports(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "added_import", "broken"), [
    # A late import inside a function is still an import.
    ("core/scoping.py", "def _late():\n    from outsidein.guides import services  # noqa\n",
     "core imports no area BROKEN"),
    ("workspaces/services.py", "from outsidein.site import urls  # noqa\n", "areas import no top layer BROKEN"),
    ("customers/models.py", "from outsidein.engagement import models as _engagement  # noqa\n",
     "areas depend on earlier areas only BROKEN"),
    ("guides/models.py", "from outsidein.feedback import models as _feedback  # noqa\n",
     "areas depend on earlier areas only BROKEN"),
    # Insights reads what feedback keeps; feedback reaches insights only through feedback.after_import.
    ("feedback/views.py", "from outsidein.insights import themes as _themes  # noqa\n",
     "areas depend on earlier areas only BROKEN"),
])
def test_an_import_against_the_floors_fails_lint(tmp_path, module, added_import, broken):
    shutil.copytree(ROOT / "src" / "outsidein", tmp_path / "outsidein",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "static", "templates"))
    target = tmp_path / "outsidein" / module
    target.write_text(target.read_text(encoding="utf-8") + "\n\n" + added_import, encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert broken in result.stdout
