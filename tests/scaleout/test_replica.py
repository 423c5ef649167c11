"""Reads from a PostgreSQL streaming replica (DATABASE_REPLICA_URL), with read-your-writes.

The test starts a primary and a streaming replica of its own on loopback (initdb, pg_basebackup, a second cluster on
another port), serves the product on them and pauses the replica's replay: what is written after the pause is on the
primary only. A list page or an API list of a person who has not written lately then shows the replica's older
picture, while the person who wrote, and the page their write redirects to, read the primary."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings as django_settings
from inbox import free_port
from processes import outsidein, signed_in, stop, up, wait_for

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
if not BIN.exists():
    BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), BIN)

pytestmark = [
    pytest.mark.skipif(not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
                       reason="a PostgreSQL replica belongs to the PostgreSQL suite"),
    pytest.mark.skipif(not (BIN / "pg_basebackup").exists(), reason="PostgreSQL's server programs are not installed"),
]

SETUP = """
from outsidein.conversations.models import Conversation
from outsidein.workspaces import services
from outsidein.workspaces.models import Role, User
writer = User.objects.create_user("writer@example.com", "pw-12345678", name="Wren Writer")
reader = User.objects.create_user("reader@example.com", "pw-12345678", name="Rey Reader")
ws = services.create_workspace("Acme", writer)
services.add_member(ws, reader, Role.LEADER)
old = Conversation.objects.create(workspace=ws, title="Coffee with Harbour Freight", created_by=writer)
print(json.dumps({"slug": ws.slug, "old": old.pk,
                  "writer": services.create_api_token(ws, writer, "w")[1],
                  "reader": services.create_api_token(ws, reader, "r")[1]}))
"""


def as_postgres(*args: str | Path) -> None:
    command = [str(a) for a in args]
    if os.geteuid() == 0:  # the server refuses to run as root
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@pytest.fixture
def clusters():
    top = Path(tempfile.mkdtemp(prefix="oi-replica-"))
    if os.geteuid() == 0:
        shutil.chown(top, "postgres", "postgres")
    primary, replica = top / "primary", top / "replica"
    ports = free_port(), free_port()
    as_postgres(BIN / "initdb", "-D", primary, "-A", "trust", "-U", "postgres", "--no-sync")
    with (primary / "postgresql.conf").open("a") as conf:
        conf.write(f"port = {ports[0]}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{top}'\n"
                   "fsync = off\nwal_level = replica\nmax_wal_senders = 4\n")
    started = []
    try:
        as_postgres(BIN / "pg_ctl", "-D", primary, "-l", top / "primary.log", "-w", "start")
        started.append(primary)
        as_postgres(BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", ports[0], "-U", "postgres", "-D", replica,
                    "-R", "-X", "stream")
        with (replica / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {ports[1]}\n")
        as_postgres(BIN / "pg_ctl", "-D", replica, "-l", top / "replica.log", "-w", "start")
        started.append(replica)
        yield ports
    finally:
        for cluster in reversed(started):
            as_postgres(BIN / "pg_ctl", "-D", cluster, "-m", "immediate", "stop")
        shutil.rmtree(top, ignore_errors=True)


def sql(port: int, query: str) -> list[tuple]:
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/outsidein", autocommit=True) as conn:
        cursor = conn.execute(query)
        return cursor.fetchall() if cursor.description else []


def test_list_pages_read_the_replica_while_a_write_and_its_redirect_read_the_primary(clusters, tmp_path):
    primary, replica = clusters
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{primary}/postgres", autocommit=True) as conn:
        conn.execute("CREATE DATABASE outsidein")
    env = {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{primary}/outsidein",
           "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{replica}/outsidein"}
    run = {**os.environ, **env, "OUTSIDEIN_DATA_DIR": str(tmp_path)}
    run.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "-m", "outsidein", "migrate", "-v0"], env=run, check=True, timeout=300)
    made = subprocess.run([sys.executable, "-m", "outsidein", "shell", "-c", "import json\n" + SETUP], env=run,
                          check=True, capture_output=True, text=True, timeout=120)
    ids = json.loads(made.stdout.strip().splitlines()[-1])

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = outsidein(tmp_path, "serve", "--no-worker", "--port", str(port),
                       env={**env, "OUTSIDEIN_REPLICA_STICKY_SECONDS": "30"})
    try:
        wait_for(lambda: up(base), timeout=60, process=server)
        wait_for(lambda: sql(replica, f"SELECT 1 FROM conversations_conversation WHERE id = {ids['old']}"),
                 timeout=30)
        writer = signed_in(base, "writer@example.com", "pw-12345678")
        reader = signed_in(base, "reader@example.com", "pw-12345678")
        listing = f"{base}/w/{ids['slug']}/conversations/"
        old = f'id="conversation-{ids["old"]}"'  # the conversation's entry in the list

        sql(replica, "SELECT pg_wal_replay_pause()")
        wait_for(lambda: sql(replica, "SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused", timeout=30)

        # The writer deletes the conversation; the page the delete redirects to is the list, read from the primary.
        delete = f"{base}/w/{ids['slug']}/conversations/{ids['old']}/delete/"
        token = writer.cookies["csrftoken"]
        answer = writer.post(delete, data={"csrfmiddlewaretoken": token}, headers={"Referer": delete}, timeout=30)
        assert answer.ok and answer.history and answer.url == listing
        assert old not in answer.text
        # Someone who has not written reads the replica, where the conversation is still there.
        assert old in reader.get(listing, timeout=30).text

        # The same through the API: the writer sends feedback and lists it at once; the reader's list lags.
        api = f"{base}/api/feedback"
        sent = requests.post(api, json={"text": "The new portal lost my invoice", "external_id": "F1"},
                             headers={"Authorization": f"Bearer {ids['writer']}"}, timeout=30)
        assert sent.ok, sent.text

        def texts(token: str) -> list[str]:
            page = requests.get(api, headers={"Authorization": f"Bearer {token}"}, timeout=30)
            assert page.ok, page.text
            return [item["text"] for item in page.json()["items"]]

        assert texts(ids["writer"]) == ["The new portal lost my invoice"]
        assert texts(ids["reader"]) == []
        assert not sql(replica, "SELECT 1 FROM voice_feedbackitem")  # the replica really is behind

        sql(replica, "SELECT pg_wal_replay_resume()")
        wait_for(lambda: texts(ids["reader"]) == ["The new portal lost my invoice"], timeout=30)
        assert old not in reader.get(listing, timeout=30).text
        # And pages that are not lists read the primary all along: the reader's own workspace page works.
        assert reader.get(f"{base}/w/{ids['slug']}/", timeout=30).ok
    finally:
        stop(server)
