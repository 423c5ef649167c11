#!/usr/bin/env bash
# Fuzz every API operation with schemathesis against a live server holding the demo workspace.
#
# A fresh data directory is migrated and given the demo, the demo owner gets an API token, the server starts on a
# free port without its worker, and schemathesis runs each operation's examples, boundary cases and generated
# inputs with that token. The run fails on any 5xx, on any status code the OpenAPI document does not declare and
# on any answer that does not match its declared schema. Deletes are fuzzed too: rows vanishing under later cases
# only turn their answers into declared 404s.
#
#   scripts/api-fuzz.sh                  SQLite in a temporary data directory
#   scripts/api-fuzz.sh --postgres       the same against PostgreSQL (a fresh database on DATABASE_URL's server)
#
# FUZZ_EXAMPLES (default 10) bounds the generated cases per operation, FUZZ_SEED fixes them (default 1),
# FUZZ_MAX_SECONDS (default 480, about four times a quiet run) bounds the whole schemathesis run: a run cut
# short fails, as an operation that hangs would make it. An answer slower than 20 seconds is a failure too.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$PWD/.venv/bin"
examples="${FUZZ_EXAMPLES:-10}"
seed="${FUZZ_SEED:-1}"
max_seconds="${FUZZ_MAX_SECONDS:-480}"

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/outsidein-fuzz.XXXXXX")"
export OUTSIDEIN_DATA_DIR="$data_dir"
server_pid=""
database=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true  # its exit status is that of the signal, not the run's
  fi
  if [ -n "$database" ]; then
    "$BIN/python" - "$database" <<'PY' || true
import sys

import psycopg

server, name = sys.argv[1].rsplit("/", 1)
with psycopg.connect(server + "/postgres", autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
PY
  fi
  rm -rf "$data_dir"
}
trap cleanup EXIT

if [ "${1:-}" = "--postgres" ]; then
  # A database of its own on the server the PostgreSQL tests use, so the run cannot disturb theirs.
  base="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/outsidein}"
  database="${base%/*}/outsidein_fuzz_$$"
  "$BIN/python" - "$database" <<'PY'
import sys

import psycopg

server, name = sys.argv[1].rsplit("/", 1)
with psycopg.connect(server + "/postgres", autocommit=True, connect_timeout=5) as conn:
    conn.execute(f'CREATE DATABASE "{name}"')
PY
  export DATABASE_URL="$database"
else
  unset DATABASE_URL
fi

"$BIN/outsidein" migrate --noinput -v0
"$BIN/outsidein" demo >/dev/null
token="$("$BIN/outsidein" shell -c '
from outsidein.site.demo.builder import demo_login
from outsidein.workspaces.models import User
from outsidein.workspaces.services import create_api_token

owner = User.objects.get(email=demo_login()[0])
_, secret = create_api_token(owner.memberships.get().workspace, owner, "API fuzzing")
print(secret)
' 2>/dev/null | tail -n 1)"
[[ "$token" == oi_* ]] || { echo "Could not create an API token for the demo owner." >&2; exit 1; }

port="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
"$BIN/outsidein" serve --port "$port" --no-worker >"$data_dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  "$BIN/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' \
    "$url/api/openapi.json" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$data_dir/server.log" >&2; exit 1; }
  sleep 0.5
done

echo "Fuzzing $url/api ($examples cases per operation, seed $seed, at most ${max_seconds}s)"
status=0
# From the data directory, so whatever schemathesis keeps on disk goes away with it.
(cd "$data_dir" && timeout --signal=INT "$max_seconds" "$BIN/schemathesis" run "$url/api/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "$examples" --seed "$seed" --workers 4 \
  --generation-with-security-parameters false \
  --generation-database none \
  --request-timeout 20 --no-color --warnings off) || status=$?
if [ "$status" -ne 0 ]; then
  # The declared 404s and 422s are most of the log; what failed is in the rest (a traceback, a warning).
  echo "API fuzzing failed (exit $status); the server's log, without its 404s and 422s, ends:" >&2
  grep -v -e '^\s*$' -e '^Not Found: ' -e '^Unprocessable Content: ' "$data_dir/server.log" | tail -n 120 >&2
fi
exit "$status"
