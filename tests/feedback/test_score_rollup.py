"""The score rollup and the name tallies always agree with a direct count of the feedback items: after imports,
single items sent by the webhook, edits, deletions, accounts changing or losing their segment, a new reporting
zone and a rebuild; on SQLite and on PostgreSQL."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outsidein.conversations import services as conversation_services
from outsidein.conversations.models import Conversation, Highlight
from outsidein.core import services as core_services
from outsidein.customers.models import Account, Segment
from outsidein.feedback import imports, rollups
from outsidein.feedback import services as voice_services
from outsidein.feedback.models import ROLLUP_COLUMNS, AccountVoice, FeedbackItem, FeedbackTally, ScoreRollup
from outsidein.workspaces import services as workspace_services

START = datetime(2025, 12, 31, 20, 0, tzinfo=UTC)  # late on New Year's Eve: the zone decides the day and year
DRIVERS = ("support", "invoicing", "tracking")


def direct_count(workspace) -> tuple[dict, dict]:
    """What the rollup should hold, computed here in Python from every item (no code shared with rollups.py)."""
    zone = ZoneInfo(workspace.time_zone)
    segment_of = dict(Account.objects.filter(workspace=workspace).values_list("pk", "segment_id"))
    slices: dict[tuple, Counter] = {}
    names: Counter = Counter()
    for item in FeedbackItem.objects.filter(workspace=workspace):
        names[("source_name", item.source_name)] += 1
        for name in item.driver_ratings:
            names[("driver", name)] += 1
        answers = Counter({f"nps_{item.nps}": 1} if item.nps is not None else {})
        answers.update({f"csat_{item.csat}": 1} if item.csat is not None else {})
        answers.update({f"ces_{item.ces}": 1} if item.ces is not None else {})
        if not answers:
            continue
        key = (item.received_at.astimezone(zone).date(), item.source, item.source_name,
               segment_of.get(item.account_id) or 0)
        slices.setdefault(key, Counter()).update(answers)
    return ({k: tuple(v[c] for c in ROLLUP_COLUMNS) for k, v in slices.items()}, dict(names))


def direct_voice(workspace) -> dict:
    """Each account's NPS answers, detractors, pain highlights and their sentiment, counted here in Python."""
    voices: dict[int, list] = {}
    for item in FeedbackItem.objects.filter(workspace=workspace, account__isnull=False, nps__isnull=False):
        v = voices.setdefault(item.account_id, [0, 0, 0, 0, 0.0])
        v[0] += 1
        v[1] += item.nps <= 6
    for h in Highlight.objects.filter(workspace=workspace, kind="pain").select_related("conversation"):
        if h.conversation.account_id is None:
            continue
        v = voices.setdefault(h.conversation.account_id, [0, 0, 0, 0, 0.0])
        v[2] += 1
        if h.sentiment is not None:
            v[3] += 1
            v[4] += h.sentiment
    return {k: (v[0], v[1], v[2], v[3], round(v[4], 6)) for k, v in voices.items()}


def stored_voice(workspace) -> dict:
    return {r[0]: (*r[1:5], round(r[5], 6)) for r in AccountVoice.objects.filter(workspace=workspace).values_list(
        "account_id", "nps_answers", "detractors", "pain_highlights", "pain_scored", "pain_sentiment")}


def stored(workspace) -> tuple[dict, dict]:
    slices = {(r["day"], r["source"], r["source_name"], r["segment_key"]): tuple(r[c] for c in ROLLUP_COLUMNS)
              for r in ScoreRollup.objects.filter(workspace=workspace).values()}
    names = {(kind, name): n for kind, name, n in
             FeedbackTally.objects.filter(workspace=workspace).values_list("kind", "name", "items")}
    return slices, names


def assert_in_step(workspace) -> None:
    workspace.refresh_from_db()
    assert stored(workspace) == direct_count(workspace)
    assert stored_voice(workspace) == direct_voice(workspace)


item_values = st.fixed_dictionaries({
    "hours": st.integers(0, 24 * 70),
    "source_name": st.sampled_from(["Q4 survey", "Helpdesk"]),
    "account": st.integers(0, 3),  # 3: no account
    "nps": st.none() | st.integers(0, 10),
    "csat": st.none() | st.integers(1, 5),
    "ces": st.none() | st.integers(1, 7),
    "drivers": st.lists(st.sampled_from(DRIVERS), unique=True, max_size=3),
})

operations = st.lists(st.one_of(
    st.tuples(st.just("create"), st.lists(item_values, min_size=1, max_size=6)),
    st.tuples(st.just("webhook"), item_values),
    st.tuples(st.just("edit"), st.integers(0, 50), item_values),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("move_account"), st.integers(0, 2), st.integers(0, 2)),  # 2: no segment
    st.tuples(st.just("delete_account"), st.integers(0, 2)),
    st.tuples(st.just("delete_segment"), st.integers(0, 1)),
    st.tuples(st.just("zone"), st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"])),
    st.tuples(st.just("rebuild")),
    st.tuples(st.just("highlight"), st.integers(0, 3), st.sampled_from(["pain", "quote"]),
              st.sampled_from(["The invoices are wrong and it is infuriating", "Fine", "Support was wonderful"])),
    st.tuples(st.just("edit_highlight"), st.integers(0, 20), st.sampled_from(["pain", "idea"])),
    st.tuples(st.just("delete_highlight"), st.integers(0, 20)),
    st.tuples(st.just("move_conversation"), st.integers(0, 20), st.integers(0, 3)),
    st.tuples(st.just("delete_conversation"), st.integers(0, 20)),
), min_size=1, max_size=12)


class World:
    def __init__(self, workspace, owner):
        self.workspace, self.owner = workspace, owner
        self.segments = [core_services.create_owned(Segment, workspace, {"name": n}) for n in ("Enterprise", "SMB")]
        self.accounts = [core_services.create_owned(Account, workspace, {"name": n, "segment": s})
                         for n, s in (("Acme", self.segments[0]), ("Beta", self.segments[1]), ("Gamma", None))]
        self.serial = 0

    def account(self, index: int):
        live = [a for a in self.accounts if a.pk is not None]
        return live[index % len(live)] if live and index < 3 else None

    def fields(self, v: dict) -> dict:
        self.serial += 1
        return {"source_name": v["source_name"], "received_at": START + timedelta(hours=v["hours"]),
                "account": self.account(v["account"]), "nps": v["nps"], "csat": v["csat"], "ces": v["ces"],
                "driver_ratings": {d: 3.0 for d in v["drivers"]}, "text": f"item {self.serial}"}

    @staticmethod
    def pick(rows, index: int):
        rows = list(rows.order_by("pk"))
        return rows[index % len(rows)] if rows else None

    def item(self, index: int):
        items = list(FeedbackItem.objects.filter(workspace=self.workspace).order_by("pk"))
        return items[index % len(items)] if items else None

    def run(self, op: tuple) -> None:
        kind, *args = op
        getattr(self, f"op_{kind}")(*args)

    def op_create(self, values: list[dict]) -> None:
        ws = self.workspace
        voice_services.create_feedback(ws, [FeedbackItem(workspace=ws, **self.fields(v)) for v in values])

    def op_webhook(self, values: dict) -> None:
        f = self.fields(values)
        record = {"received_at": f["received_at"].isoformat(), "text": f["text"],
                  "account": f["account"].name if f["account"] else "", "source": "survey",
                  "driver_ratings": f["driver_ratings"],
                  **{m: f[m] for m in ("nps", "csat", "ces") if f[m] is not None}}
        imports.import_records(self.workspace, [record], source_name=f["source_name"])

    def op_edit(self, index: int, values: dict) -> None:
        if item := self.item(index):
            for name, value in self.fields(values).items():
                setattr(item, name, value)
            item.save()

    def op_delete(self, index: int) -> None:
        if item := self.item(index):
            item.delete()

    def op_move_account(self, index: int, segment: int) -> None:
        if account := self.account(index):
            live = [s for s in self.segments if s.pk is not None]
            account.segment = live[segment] if segment < len(live) else None
            account.save()

    def op_delete_account(self, index: int) -> None:
        if (account := self.account(index)) and len([a for a in self.accounts if a.pk is not None]) > 1:
            account.delete()

    def op_delete_segment(self, index: int) -> None:
        if self.segments[index].pk is not None:
            self.segments[index].delete()
            for account in self.accounts:
                if account.pk is not None:
                    account.refresh_from_db()

    def op_zone(self, zone: str) -> None:
        ws = self.workspace
        workspace_services.update_settings(ws, name=ws.name, currency=ws.currency, time_zone=zone)

    def op_highlight(self, account: int, kind: str, text: str) -> None:
        conversation = Conversation.objects.create(workspace=self.workspace, title="Visit",
                                                   account=self.account(account), created_by=self.owner)
        conversation_services.add_highlight(conversation, self.owner, kind=kind, text=text)

    def op_edit_highlight(self, index: int, kind: str) -> None:
        if highlight := self.pick(Highlight.objects.filter(workspace=self.workspace), index):
            conversation_services.update_highlight(highlight, kind=kind)

    def op_delete_highlight(self, index: int) -> None:
        if highlight := self.pick(Highlight.objects.filter(workspace=self.workspace), index):
            conversation_services.delete_highlight(highlight)

    def op_move_conversation(self, index: int, account: int) -> None:
        if conversation := self.pick(Conversation.objects.filter(workspace=self.workspace), index):
            conversation.account = self.account(account)
            conversation.save()

    def op_delete_conversation(self, index: int) -> None:
        if conversation := self.pick(Conversation.objects.filter(workspace=self.workspace), index):
            conversation.delete()

    def op_rebuild(self) -> None:
        call_command("rollups", "rebuild", "--workspace", self.workspace.slug, stdout=open("/dev/null", "w"))  # noqa: SIM115

@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(ops=operations)
def test_the_rollup_agrees_with_a_direct_count_after_any_writes(workspace, owner, ops):
    workspace.refresh_from_db()  # an earlier example may have changed its zone in memory before rolling back
    with transaction.atomic():
        world = World(workspace, owner)
        for op in ops:
            world.run(op)
            assert_in_step(workspace)
        transaction.set_rollback(True)  # each example starts from an empty workspace


def test_an_imported_file_is_counted_as_it_is_written(workspace, owner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    core_services.create_owned(Account, workspace, {"name": "Acme", "external_id": "CRM-1",
                                                    "segment": core_services.create_owned(
                                                        Segment, workspace, {"name": "Enterprise"})})
    rows = ["id,date,account,nps,csat,driver_support,comment"]
    rows += [f"r{i},2026-0{1 + i % 9}-1{i % 10} 23:30,{'CRM-1' if i % 3 else ''},{i % 11},{1 + i % 5},{i % 5 + 1},"
             f"comment {i}" for i in range(300)]
    rows += ["bad,not a date,CRM-1,12,9,x,rejected"]
    batch = voice_services.upload_feedback_file(workspace, owner, SimpleUploadedFile(
        "survey.csv", ("\n".join(rows) + "\n").encode()), source_name="Q3 survey")
    voice_services.start_import(batch)
    batch.refresh_from_db()
    assert batch.rows_created == 300 and batch.rows_rejected == 1
    assert_in_step(workspace)
    # A re-run creates nothing and counts nothing twice.
    again = voice_services.upload_feedback_file(workspace, owner, SimpleUploadedFile(
        "survey.csv", ("\n".join(rows) + "\n").encode()), source_name="Q3 survey")
    voice_services.start_import(again)
    assert_in_step(workspace)
    assert rollups.differences(workspace) == []
    assert stored(workspace)[1][("driver", "support")] == 300


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland"])
def test_rebuild_counts_days_in_the_reporting_zone(workspace, zone):
    workspace_services.update_settings(workspace, name=workspace.name, currency=workspace.currency, time_zone=zone)
    voice_services.create_feedback(workspace, [FeedbackItem(workspace=workspace, received_at=START, nps=9,
                                                            text="late on New Year's Eve in UTC")])
    rollups.rebuild(workspace)
    (day,) = ScoreRollup.objects.filter(workspace=workspace).values_list("day", flat=True)
    assert day.isoformat() == ("2025-12-31" if zone == "UTC" else "2026-01-01")
