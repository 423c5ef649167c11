"""Sign-in throttling: what a failed sign-in costs the server, and what a refused (throttled) one costs.

    .venv/bin/python bench/sign_in_throttle.py [--attempts 40]

Runs in a fresh SQLite database in a temporary data directory, with the production password hasher (Django's
default PBKDF2), through the real middleware and views (Django's test client). Prints the median and p95 of wall
and CPU time per attempt for: a wrong password before the limit (the password is hashed), the same once the
(e-mail, address) pair is locked out (refused before hashing), and a wrong API token before and after its limit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def timed(attempt, n: int) -> tuple[list[float], list[float], set[int]]:
    walls, cpus, statuses = [], [], set()
    for i in range(n):
        wall, cpu = time.perf_counter(), time.process_time()
        statuses.add(attempt(i))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, statuses


def report(label: str, walls: list[float], cpus: list[float], statuses: set[int]) -> None:
    p95 = statistics.quantiles(walls, n=20)[-1]
    print(f"{label:<52} status {sorted(statuses)}  wall median {statistics.median(walls) * 1000:7.1f} ms"
          f"  p95 {p95 * 1000:7.1f} ms  CPU median {statistics.median(cpus) * 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=40)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="outsidein-bench-")
    os.environ.update(OUTSIDEIN_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="outsidein.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from outsidein.workspaces.models import User

    call_command("migrate", verbosity=0)
    email = "bench@example.com"
    User.objects.create_user(email, "the-right-password")
    n, limit = args.attempts, settings.LOGIN_FAILURE_LIMIT
    print(f"hasher {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}, limit {limit} per (e-mail, address), "
          f"{settings.TOKEN_FAILURE_LIMIT} wrong tokens per address; {n} attempts each")

    def sign_in(address: str):
        client = Client(REMOTE_ADDR=address)
        return lambda i: client.post("/login/", {"username": email, "password": f"guess-{i}"}).status_code

    # Wrong passwords, each from a new address so that none is throttled: the full cost of a failure.
    report("wrong password (hashed)", *timed(lambda i: sign_in(f"10.0.{i // 250}.{i % 250 + 1}")(i), n))
    locked = sign_in("203.0.113.7")
    timed(locked, limit)
    report("wrong password once locked out (refused)", *timed(locked, n))

    def api_call(address: str):
        client = Client(REMOTE_ADDR=address)
        return lambda i: client.get("/api/workspace", headers={"Authorization": f"Bearer oi_guess{i}"}).status_code

    guesser = api_call("203.0.113.8")
    report("wrong API token (looked up)", *timed(guesser, settings.TOKEN_FAILURE_LIMIT))
    report("wrong API token once throttled (refused)", *timed(guesser, n))


if __name__ == "__main__":
    main()
