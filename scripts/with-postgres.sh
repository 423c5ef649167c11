#!/usr/bin/env bash
# Run a command against PostgreSQL: DATABASE_URL if set, else the local server on 127.0.0.1:5432 (trust auth).
# In CI a missing server is a failure; elsewhere the PostgreSQL run is skipped, loudly.
set -euo pipefail
url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/outsidein}"
if ! "$(dirname "$0")/../.venv/bin/python" - "$url" <<'PY'
import sys

import psycopg

url = sys.argv[1].rsplit("/", 1)[0] + "/postgres"
try:
    psycopg.connect(url, connect_timeout=5).close()
except Exception as exc:  # noqa: BLE001 - any failure means "no server to test against"
    print(f"PostgreSQL not reachable at {url}: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: PostgreSQL is required in CI." >&2
    exit 1
  fi
  echo "################################################################" >&2
  echo "# SKIPPED: the PostgreSQL run (no server). Set DATABASE_URL.   #" >&2
  echo "################################################################" >&2
  exit 0
fi
DATABASE_URL="$url" exec "$@"
