"""scripts/check-module-size.py, which `make lint` runs: a module over 500 lines fails the lint and is named."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check-module-size.py"


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def test_a_module_over_the_limit_fails_the_check_and_is_named(tmp_path):
    (tmp_path / "app" / "migrations").mkdir(parents=True)
    (tmp_path / "app" / "short.py").write_text("x = 1\n" * 500)
    (tmp_path / "app" / "long.py").write_text("x = 1\n" * 501)
    (tmp_path / "app" / "migrations" / "0001_initial.py").write_text("x = 1\n" * 900)  # generated: not counted
    result = check(str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{tmp_path / 'app' / 'long.py'}: 501 lines; at most 500 (split it by concern)"]


def test_the_product_has_no_module_over_the_limit():
    result = check(str(SCRIPT.parents[1] / "src"))
    assert (result.returncode, result.stdout) == (0, "")
