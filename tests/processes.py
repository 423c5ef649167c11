"""The product's own processes started by a test (workers, web servers), against the test database: its address
for them, starting and stopping them, and waiting for what they do."""

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from django.db import connection

TESTS = Path(__file__).resolve().parent


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def outsidein(data_dir: Path, *args: str, env: dict[str, str] | None = None,
              stdout: int | None = subprocess.DEVNULL) -> subprocess.Popen:
    """`outsidein …` in a process of its own with its own data directory, on the test database and the database
    task queue; the tests folder is importable (tasks a test defines)."""
    full = {**os.environ, "DATABASE_URL": database_url(), "OUTSIDEIN_DATA_DIR": str(data_dir),
            "OUTSIDEIN_TASK_BACKEND": "django_tasks_db.DatabaseBackend", "OUTSIDEIN_JOB_LEASE_SECONDS": "10",
            "PYTHONPATH": os.pathsep.join(p for p in (str(TESTS), os.environ.get("PYTHONPATH", "")) if p),
            **(env or {})}
    full.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen([sys.executable, "-m", "outsidein", *args], env=full, stdout=stdout,
                            stderr=subprocess.PIPE, text=True)


def wait_for(what: Callable[[], object], timeout: float, process: subprocess.Popen | None = None,
             explain: Callable[[], object] = lambda: "") -> float:
    """Seconds until ``what()`` holds; the test fails if the process ends first or the time runs out."""
    began = time.monotonic()
    while not what():
        if process is not None and process.poll() is not None:
            pytest.fail(f"the process ended early: {process.stderr.read()[-3000:]}")
        if time.monotonic() - began > timeout:
            pytest.fail(f"not within {timeout:.0f} s. {explain()}")
        time.sleep(0.2)
    return time.monotonic() - began


def with_password(user, password: str) -> None:
    """Give a user a password the product's own processes can check: the tests' settings hash with MD5 for speed,
    the processes run on the product's settings, which do not accept it."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(password, hasher.salt(), iterations=1_000)
    user.save(update_fields=["password"])


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait()  # reaped: its pid is gone from the host


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill(process)


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


# --- speaking HTTP to a started server -------------------------------------------------------------

def csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    page.raise_for_status()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def signed_in(base: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    answer = session.post(f"{base}/login/", data={"username": email, "password": password,
                                                  "csrfmiddlewaretoken": csrf(session, f"{base}/login/")},
                          headers={"Referer": f"{base}/login/"}, timeout=30)
    assert answer.ok and "sessionid" in session.cookies
    return session


def up(base: str) -> bool:
    try:
        return requests.get(f"{base}/login/", timeout=2).ok
    except requests.ConnectionError:
        return False
