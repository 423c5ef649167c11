"""Every main page and API list, measured at demo size and at scale in one run.

    .venv/bin/python bench/pages_at_scale.py [--postgres DSN | --sqlite PATH] [--skip-build]
        [--pages NAME,NAME...] [--runs 15] [--feedback 1002350] [--out FILE]

Default: PostgreSQL at postgres://postgres@127.0.0.1:5432/outsidein_bench_scale (the benchmark's own
database: it is dropped and created again on every build). ``--sqlite PATH`` builds the 200,000-item
workspace in that file instead (``--feedback`` changes the size; everything else scales with it).

1. Build (skipped with ``--skip-build``): migrations, the demo workspace (``outsidein demo``), and beside it
   a workspace at scale written with PostgreSQL's COPY (SQLite: executemany in one transaction):
   1,002,350 feedback items (NPS survey with six driver ratings, CSAT survey, helpdesk tickets with CES,
   reviews, sales notes; three years, more every year), 200,440 conversations (some planned), 210,411
   highlights, 20,064 accounts in segments with revenue, 40,128 persons, 20 members, themes with their
   members, a key driver analysis (the real one), assumptions, initiatives, pilots, a challenge and
   1,000,000 audit events (three years of sign-ins, exports, tokens, links and member changes).
   Column lists come from each model's concrete fields, so new fields with a default or NULL need nothing
   here. Sentiment is scored once per distinct text (texts come from a limited vocabulary). Then the
   score rollups are rebuilt (``outsidein rollups rebuild``) when that command exists, and the planner's
   statistics are refreshed (ANALYZE), as autovacuum would after a bulk load.
2. Measure: Django's test client in process, logged in as a leader (the API with a Bearer token); each
   page once to warm up, then ``--runs`` requests. Prints page, size, queries, p50, p95 and bytes, and
   flags pages whose query count at scale differs from demo size or whose p95 at scale exceeds 500 ms.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import math
import os
import platform
import random
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_DSN = "postgres://postgres@127.0.0.1:5432/outsidein_bench_scale"
FULL_FEEDBACK = 1_002_350
# At 1,002,350 feedback items; every count but the members scales with --feedback.
SIZES = {"conversations": 200_440, "highlights": 210_411, "accounts": 20_064, "persons": 40_128,
         "audit events": 1_000_000}
SLUG = "atlas-scale"
DAYS = 3 * 365
P95_LIMIT_MS = 500.0
# Runs per page stop early (after MIN_RUNS) once a page has taken this long in all.
PAGE_BUDGET_S = 30.0
MIN_RUNS = 5

# -- words ----------------------------------------------------------------------------------------------------
# topic -> (driver it speaks of, noun, complaints, praise). A text is a clause, a qualifier and a follow-up, so a
# few thousand wordings repeat the way short survey answers do.
TOPICS: dict[str, tuple[str, str, list[str], list[str]]] = {
    "invoicing": ("invoicing", "invoice", [
        "Invoice errors", "The invoice did not match the rate confirmation", "Duplicate invoices for the same load",
        "Detention charges on the invoice that we never agreed to", "Invoices arrive without our PO number"],
        ["Clean and accurate invoices", "The new invoice layout makes checking charges easy",
         "Invoices finally match the quotes"]),
    "tracking": ("tracking accuracy", "tracking", [
        "Wrong ETAs", "Tracking updates arrive hours late", "The tracking map freezes",
        "Tracking shows delivered while the truck is still at the border"],
        ["Live tracking is spot on", "The tracking ETAs are accurate to the hour",
         "Tracking alerts arrive before our customers call"]),
    "helpdesk": ("support", "helpdesk", [
        "The helpdesk takes days to answer", "Passed between three helpdesk agents",
        "The helpdesk closed my ticket unresolved", "No call back from the helpdesk"],
        ["Fast answers from the helpdesk", "Our rep knows our lanes and follows up",
         "The helpdesk fixed it on the call"]),
    "app": ("mobile app", "driver app", [
        "The driver app crashes on proof of delivery upload", "Daily logouts in the driver app",
        "The driver app freezes at every stop"],
        ["The driver app is simple", "Drivers like the new mobile app", "The app works offline"]),
    "onboarding": ("onboarding", "onboarding", [
        "Onboarding dragged on for two months", "The onboarding plan kept changing",
        "Onboarding training skipped our EDI setup"],
        ["Smooth onboarding", "Clear onboarding plan and good training"]),
    "price": ("price", "price", [
        "Too expensive for the service level", "Surprise rate increases", "The fuel surcharge keeps climbing",
        "Higher price than the competition on the same lanes"],
        ["Fair price for what we get", "Competitive rates", "Transparent pricing"]),
    "portal": ("support", "portal", [
        "The customer portal is slow", "Reports in the portal time out", "Cannot find documents in the portal"],
        ["The portal has everything in one place", "Portal reports save us a day a month"]),
    "claims": ("support", "claims", [
        "Damage claims take months", "Nobody owns our freight claims", "Claims paperwork is a nightmare"],
        ["Claims were settled quickly", "The claims team was fair"]),
    "pickups": ("tracking accuracy", "pickup", [
        "Missed pickups", "Drivers arrive outside the pickup window", "Pickups rescheduled without notice"],
        ["Pickups are always on time", "Drivers arrive early for pickup"]),
    "communication": ("support", "communication", [
        "Nobody tells us about delays", "Updates only come when we chase them",
        "Account manager changed twice without a word"],
        ["Proactive updates on every delay", "Great communication from our account manager"]),
}
QUALIFIERS = ["", " again", " this month", " on our Midwest lanes", " for the third week running",
              " since the last update", " at the Rotterdam hub", " on cross-border loads"]
NEGATIVE_FOLLOW = ["", " Our team loses hours on it.", " We are looking at other providers.", " Please fix this.",
                   " It costs us money every week.", " Nobody calls us back about it."]
POSITIVE_FOLLOW = ["", " Keep it up.", " Our planners noticed.", " Thank you.", " Best provider we have used."]
IDEAS = ["Asked whether the {noun} could come as a weekly digest", "Suggested showing the {noun} in the portal",
         "Would pay more for a better {noun}", "Wants the {noun} linked to their ERP",
         "Proposed a shared dashboard for the {noun}"]
PAINS = ["Their AP clerk checks every {noun} line by hand", "Spends Monday mornings chasing the {noun}",
         "Lost a customer over the {noun} last quarter", "Keeps a spreadsheet beside our {noun}",
         "The {noun} is the first thing their CFO complains about"]
JOBS = ["Needs to close the month without calling us about the {noun}",
        "Has to prove to their own customers that the {noun} is right"]
COMPETITORS = ["FreightWave", "LoadLink", "Carrier Hub", "ShipRight", "TruckStop Pro"]
SEGMENTS = [("Enterprise shippers", 900_000, 0.12), ("Mid-market retailers", 180_000, 0.3),
            ("Independent carriers", 40_000, 0.35), ("Public sector", 250_000, 0.08),
            ("Healthcare logistics", 320_000, 0.1), ("Internal: Finance & Billing", 0, 0.05)]
STEMS = ["Alder", "Birch", "Cobalt", "Delta", "Ever", "Fox", "Granite", "Harbor", "Iron", "Juniper", "Kestrel",
         "Lumen", "Maple", "North", "Orchid", "Pine", "Quarry", "River", "Summit", "Timber", "Union", "Vale",
         "Willow", "Yarrow", "Zenith"]
TAILS = ["Foods", "Logistics", "Retail", "Trucking", "Health", "Supply", "Brands", "Metals", "Paper", "Freight"]
FIRST = ["Anna", "Ben", "Carla", "David", "Emma", "Felix", "Greta", "Hugo", "Ines", "Jan", "Kara", "Leo", "Mia",
         "Nils", "Olga", "Paul", "Rosa", "Sam", "Tara", "Uwe"]
LAST = ["Adams", "Berg", "Costa", "Diaz", "Engel", "Ford", "Gupta", "Hahn", "Ito", "Jones", "Klein", "Lopez",
        "Meyer", "Nowak", "Olsen", "Patel", "Quinn", "Ruiz", "Smith", "Tanaka"]
MEMBERS = [("Clara Voss", "Chief Executive Officer", "owner"), ("Marco Bianchi", "VP Operations", "leader"),
           ("Nadia Rahman", "VP Sales", "leader"), ("Oliver Grant", "Chief Financial Officer", "leader"),
           ("Yuki Sato", "Chief Product Officer", "leader"), ("Samuel Okoro", "GM Carrier Network", "leader"),
           ("Eva Lindgren", "VP Customer Experience", "leader")] + [
    (f"{FIRST[i]} {LAST[-1 - i]}", title, "member") for i, title in enumerate(
        ["Account Manager", "Account Manager", "Service Lead", "Service Representative", "Sales Representative",
         "Sales Representative", "Discovery Lead", "UX Researcher", "CX Analyst", "Solutions Engineer",
         "Customer Success Manager", "Finance Partner"])] + [("Iris Vogel", "Board Observer", "viewer")]
DRIVERS = {"tracking accuracy": (0.34, 4.1), "invoicing": (0.26, 2.8), "support": (0.18, 3.7),
           "onboarding": (0.05, 3.9), "mobile app": (0.09, 3.4), "price": (0.08, 3.0)}
SOURCES = [  # source, source name, share of items, which scores it carries
    ("survey", "Relationship NPS survey", 0.42, "nps"), ("survey", "Transactional CSAT survey", 0.22, "csat"),
    ("support_ticket", "Helpdesk", 0.24, "ces"), ("review", "App store reviews", 0.07, "stars"),
    ("sales_note", "CRM sales notes", 0.05, ""),
]


def feedback_vocabulary() -> dict[str, tuple[list[str], list[str]]]:
    """topic -> (complaints, praise), every wording written out once."""
    words = {}
    for topic, (_, _, complaints, praise) in TOPICS.items():
        negative = [f"{c}{q}.{f}" for c in complaints for q in QUALIFIERS for f in NEGATIVE_FOLLOW]
        positive = [f"{p}{q}.{f}" for p in praise for q in QUALIFIERS[:5] for f in POSITIVE_FOLLOW]
        words[topic] = (negative, positive)
    return words


def highlight_vocabulary() -> dict[str, dict[str, list[str]]]:
    """topic -> highlight kind -> wordings."""
    words: dict[str, dict[str, list[str]]] = {}
    for topic, (_, noun, complaints, praise) in TOPICS.items():
        quotes = [f"“{c}{q}.”" for c in complaints for q in QUALIFIERS]
        words[topic] = {
            "pain": [p.format(noun=noun) + q for p in PAINS for q in ("", " every week", " at month end")],
            "quote": quotes, "observation": [f"Watched them work around the {noun}{q}" for q in QUALIFIERS],
            "gain": [f"“{p}{q}.”" for p in praise for q in QUALIFIERS[:4]],
            "job": [j.format(noun=noun) for j in JOBS],
            "idea": [i.format(noun=noun) for i in IDEAS], "suggestion": [i.format(noun=noun) for i in IDEAS],
            "competitor_mention": [f"Compared our {noun} with {c}" for c in COMPETITORS],
        }
    return words


HIGHLIGHT_KINDS = {"pain": 0.26, "quote": 0.24, "observation": 0.14, "gain": 0.1, "job": 0.05, "idea": 0.08,
                   "suggestion": 0.09, "competitor_mention": 0.04}
CONVERSATION_KINDS = {"coffee": 0.34, "customer_visit": 0.2, "site_visit": 0.08, "service_side_by_side": 0.1,
                      "sales_sit_in": 0.1, "sales_ride_along": 0.06, "brainstorm": 0.04, "pilot_check_in": 0.03,
                      "other": 0.05}
CONVERSATION_NOTES = ["Walked the dock with their planner; {noun} came up first.", "Quarterly review: {noun}.",
                      "Coffee with the buyer. Mostly about the {noun}.", "They showed us how they check the {noun}.",
                      ""]


# -- writing rows ---------------------------------------------------------------------------------------------


class BulkWriter:
    """Writes rows into a model's table: COPY on PostgreSQL, executemany on SQLite.

    Callers give the columns they generate; every other concrete field gets its default (or NULL), so a
    field added to a model with a default does not break the build. Ids are allocated here, so rows can
    point at each other before they are written; sequences are reset afterwards.
    """

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.next_id: dict[type, int] = {}
        self.written: set[type] = set()

    def ids(self, model, count: int) -> range:
        if model not in self.next_id:
            from django.db.models import Max

            self.next_id[model] = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
        start = self.next_id[model]
        self.next_id[model] = start + count
        return range(start, start + count)

    def _convert(self, field):
        from django.db import models

        kind = field.get_internal_type()
        if isinstance(field, models.JSONField):
            return lambda v: v if isinstance(v, str) or v is None else json.dumps(v)
        if not self.postgres and kind in ("DateTimeField", "DateField", "DecimalField", "TimeField"):
            return lambda v: field.get_db_prep_save(v, self.connection)
        return None

    def _default(self, field, now: datetime):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        value = field.get_default()
        if value is None:
            raise SystemExit(f"{field.model.__name__}.{field.name} is required and has no default: "
                             "generate it in bench/pages_at_scale.py.")
        return value

    def write(self, model, columns: Sequence[str], rows: Iterable[Sequence], raw: Sequence[str] = ()) -> int:
        """Write ``rows`` (tuples in the order of ``columns``, attnames, ``id`` first when given)."""
        from django.utils import timezone

        now = timezone.now()
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise SystemExit(f"{model.__name__} has no column {unknown}")
        rest = [f for name, f in fields.items() if name not in columns and not f.primary_key]
        names = [*columns, *(f.attname for f in rest)]
        converters = [(i, conv) for i, name in enumerate(names)
                      if name not in raw and (conv := self._convert(fields[name])) is not None]
        tail = tuple(self._default(f, now) for f in rest)
        table = model._meta.db_table
        column_sql = ", ".join(self.connection.ops.quote_name(fields[n].column) for n in names)

        def full(row):
            values = [*row, *tail]
            for i, conv in converters:
                values[i] = conv(values[i])
            return values

        count = 0
        if self.postgres:
            with self.connection.cursor() as cursor, cursor.cursor.copy(
                    f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(full(row))
                    count += 1
        else:
            sql = f"INSERT INTO {table} ({column_sql}) VALUES ({', '.join('?' * len(names))})"
            raw_cursor = self.connection.connection.cursor()
            chunk: list = []
            for row in rows:
                chunk.append(full(row))
                if len(chunk) >= 20_000:
                    raw_cursor.executemany(sql, chunk)
                    count += len(chunk)
                    chunk = []
            raw_cursor.executemany(sql, chunk)
            count += len(chunk)
        self.written.add(model)
        return count

    def reset_sequences(self) -> None:
        from django.core.management.color import no_style

        statements = self.connection.ops.sequence_reset_sql(no_style(), list(self.written))
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# -- building the workspace at scale --------------------------------------------------------------------------


class ScaleBuilder:
    def __init__(self, feedback: int, seed: int = 20261201) -> None:
        from django.utils import timezone

        self.factor = feedback / FULL_FEEDBACK
        self.feedback = feedback
        self.sizes = {k: max(50, round(v * self.factor)) for k, v in SIZES.items()}
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.writer = BulkWriter()
        self.sentiment: dict[str, float | None] = {}

    def step(self, label: str, func) -> None:
        from django.db import transaction

        started = time.perf_counter()
        with transaction.atomic():
            result = func()
        print(f"  {label}: {result or ''} in {time.perf_counter() - started:.1f} s", flush=True)

    def score(self, texts: Iterable[str]) -> None:
        from outsidein.feedback.sentiment import score_text

        for text in texts:
            if text not in self.sentiment:
                value = score_text(text)
                self.sentiment[text] = None if math.isnan(value) else round(value, 4)

    def build(self) -> None:
        print(f"building the workspace at scale ({self.feedback:,} feedback items)", flush=True)
        self.feedback_words = feedback_vocabulary()
        self.highlight_words = highlight_vocabulary()
        started = time.perf_counter()
        self.score(t for neg, pos in self.feedback_words.values() for t in (*neg, *pos))
        self.score(t for kinds in self.highlight_words.values() for ts in kinds.values() for t in ts)
        print(f"  sentiment of {len(self.sentiment):,} distinct texts in {time.perf_counter() - started:.1f} s")
        self.step("workspace and members", self.people)
        self.step("segments, accounts, persons", self.customers)
        self.step("conversations and highlights", self.conversations)
        self.step("feedback items", self.feedback_items)
        self.step("themes", self.themes)
        self.step("assumptions, initiatives, pilots, challenge", self.learning_and_initiatives)
        self.step("audit trail", self.audit_trail)
        self.writer.reset_sequences()
        self.step("key driver analysis", self.key_drivers)

    def people(self) -> str:
        from django.contrib.auth.hashers import make_password

        from outsidein.workspaces.models import Membership, User, Workspace

        self.workspace = Workspace.objects.create(name="Atlas Freight (at scale)", slug=SLUG)
        password = make_password("outside-in")
        zones = ["Europe/Berlin", "America/New_York", "Europe/London", "America/Chicago", "Asia/Tokyo"]
        self.users = [User.objects.create(email=f"{name.split()[0].lower()}.{name.split()[1].lower()}@atlas.example",
                                          password=password, name=name, title=title, time_zone=zones[i % 5])
                      for i, (name, title, _) in enumerate(MEMBERS)]
        for user, (_, _, role) in zip(self.users, MEMBERS, strict=True):
            Membership.objects.create(workspace=self.workspace, user=user, role=role)
        self.leaders = [u for u, m in zip(self.users, MEMBERS, strict=True) if m[2] in ("owner", "leader")]
        self.active = [u for u, m in zip(self.users, MEMBERS, strict=True) if m[2] != "viewer"]
        return f"{len(self.users)} members"

    def audit_trail(self) -> str:
        """Three years of a company's audit trail: mostly sign-ins, then exports, tokens, links and member changes."""
        from outsidein.workspaces.models import AuditAction, AuditEvent

        count = self.sizes["audit events"]
        kinds = ([AuditAction.SIGNED_IN] * 60 + [AuditAction.SIGNED_OUT] * 20 + [AuditAction.SIGN_IN_REFUSED] * 8
                 + [AuditAction.EXPORTED] * 6 + [AuditAction.TOKEN_CREATED, AuditAction.CUSTOMER_LINK_CREATED,
                                                  AuditAction.ROLE_CHANGED, AuditAction.DELETED])
        agents = ["Mozilla/5.0 (Macintosh) Safari/605.1.15", "Mozilla/5.0 (iPhone) Mobile/15E148",
                  "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0"]
        rng, users = self.rng, self.users
        ids = self.writer.ids(AuditEvent, count)  # before the COPY: it asks the same connection

        def rows():
            for pk in ids:
                user = users[rng.randrange(len(users))]
                kind = kinds[rng.randrange(len(kinds))]
                at = self.now - timedelta(seconds=rng.randrange(DAYS * 86_400))
                detail = {"format": "CSV", "rows": rng.randrange(1, 50_000)} if kind == AuditAction.EXPORTED else {}
                yield (pk, self.workspace.pk, at, user.pk, user.email, kind, "" if kind in (
                    AuditAction.SIGNED_IN, AuditAction.SIGNED_OUT) else f"item {pk}", detail,
                    f"10.{pk % 250}.{pk % 13}.{pk % 7 + 1}", "web", agents[pk % 3])

        written = self.writer.write(AuditEvent, ["id", "workspace_id", "at", "actor_id", "actor_email", "action",
                                                 "target", "detail", "ip", "via", "user_agent"], rows())
        return f"{written:,} events"

    def customers(self) -> str:
        from outsidein.customers.models import Account, Competitor, Person, Segment

        rng, ws = self.rng, self.workspace
        self.segments = [Segment.objects.create(workspace=ws, name=name) for name, _, _ in SEGMENTS]
        n = self.sizes["accounts"]
        self.account_ids = list(self.writer.ids(Account, n))
        self.account_segment: list[int] = []
        self.revenue: list[float] = []
        self.account_names: dict[int, str] = {}
        rows = []
        managers = [u.pk for u in self.active[7:11]]
        for i, pk in enumerate(self.account_ids):
            s = rng.choices(range(len(SEGMENTS)), weights=[w for _, _, w in SEGMENTS])[0]
            median = SEGMENTS[s][1]
            revenue = round(median * math.exp(rng.gauss(0, 0.8)), -2) if median else None
            tier = ("strategic" if (revenue or 0) > 1_500_000 else "key" if (revenue or 0) > 400_000
                    else "growth" if (revenue or 0) > 100_000 else "standard")
            self.account_segment.append(s)
            self.revenue.append(revenue or 0.0)
            name = f"{rng.choice(STEMS)} {rng.choice(TAILS)} {i + 1:05d}"
            self.account_names[pk] = name
            rows.append((pk, ws.pk, name, f"ACC-{i + 1:06d}", self.segments[s].pk,
                         Decimal(f"{revenue:.2f}") if revenue else None, tier,
                         rng.choice(managers) if rng.random() < 0.6 else None))
        self.writer.write(Account, ["id", "workspace_id", "name", "external_id", "segment_id", "annual_revenue",
                                    "tier", "account_manager_id"], rows)
        per = self.sizes["persons"]
        self.person_ids = list(self.writer.ids(Person, per))
        self.persons_of: dict[int, list[int]] = {}
        rows = []
        for i, pk in enumerate(self.person_ids):
            account = self.account_ids[i % n] if i < 2 * n else rng.choice(self.account_ids)
            self.persons_of.setdefault(account, []).append(pk)
            first, last = rng.choice(FIRST), rng.choice(LAST)
            rows.append((pk, ws.pk, f"{first} {last}", f"{first.lower()}.{last.lower()}.{i}@customer.example",
                         account, "buyer" if i % 3 == 0 else "end_user", f"P-{i + 1:06d}"))
        self.writer.write(Person, ["id", "workspace_id", "name", "email", "account_id", "role", "external_id"], rows)
        self.competitors = [Competitor.objects.create(workspace=ws, name=c) for c in COMPETITORS]
        # Bigger customers answer more surveys and meet leaders more often.
        self.account_weights = [math.sqrt(r or 20_000) for r in self.revenue]
        return f"{n:,} accounts, {per:,} persons"

    def _when(self) -> datetime:
        # Volume grows over the three years; people answer in the day, not at night.
        ago = DAYS * (1 - self.rng.random() ** 0.75)
        when = self.now - timedelta(days=ago)
        return min(self.now, when.replace(hour=self.rng.randint(6, 21), minute=self.rng.randrange(60), second=0))

    def conversations(self) -> str:
        from outsidein.conversations.models import Conversation, Highlight

        rng, ws, n = self.rng, self.workspace, self.sizes["conversations"]
        ids = list(self.writer.ids(Conversation, n))
        accounts = rng.choices(self.account_ids, weights=self.account_weights, k=n)
        kinds = rng.choices(list(CONVERSATION_KINDS), weights=list(CONVERSATION_KINDS.values()), k=n)
        activity = [rng.uniform(0.2, 3.0) for _ in self.active]
        planned = max(20, n // 300)
        whens = [self._when() for _ in range(n - planned)] + [
            (self.now + timedelta(days=rng.uniform(0.5, 30))).replace(minute=0, second=0) for _ in range(planned)]
        topics = list(TOPICS)
        highlights_of: dict[int, list[str]] = {}
        h_rows = []
        h_ids = self.writer.ids(Highlight, self.sizes["highlights"])
        self.highlight_texts: list[tuple[int, str]] = []
        logged = n - planned
        leads = rng.choices(self.active, weights=activity, k=n)
        for pk in h_ids:
            c = rng.randrange(logged)
            topic = rng.choice(topics)
            kind = rng.choices(list(HIGHLIGHT_KINDS), weights=list(HIGHLIGHT_KINDS.values()))[0]
            text = rng.choice(self.highlight_words[topic][kind])
            highlights_of.setdefault(c, []).append(text)
            persons = self.persons_of.get(accounts[c]) or [None]
            competitor = rng.choice(self.competitors).pk if kind == "competitor_mention" else None
            h_rows.append((pk, ws.pk, ids[c], kind, text, rng.choice(persons), competitor, leads[c].pk,
                           whens[c] + timedelta(hours=1), self.sentiment[text]))
            self.highlight_texts.append((pk, text))
        c_rows, members, persons_rows = [], [], []
        for i, pk in enumerate(ids):
            kind, account, lead = kinds[i], accounts[i], leads[i]
            status = "planned" if i >= logged else ("cancelled" if rng.random() < 0.01 else "logged")
            title = (f"{kind.replace('_', ' ').capitalize()} at {self.account_names[account]}"
                     if rng.random() < 0.5 else "")
            notes = rng.choice(CONVERSATION_NOTES).format(noun=TOPICS[rng.choice(topics)][1])
            search = "\n".join(p for p in [title, notes, *highlights_of.get(i, [])] if p)
            c_rows.append((pk, ws.pk, kind, status, title, whens[i], rng.choice([20, 30, 45, 60, 90]),
                           rng.choice(["in_person", "in_person", "video", "phone"]), account, lead.pk, notes,
                           lead.pk, min(whens[i], self.now), search))
            members.append((pk, lead.pk))
            if rng.random() < 0.3:
                other = rng.choice(self.active)
                if other.pk != lead.pk:
                    members.append((pk, other.pk))
            for person in (self.persons_of.get(account) or [])[:rng.choice([1, 1, 2])]:
                persons_rows.append((pk, person))
        self.writer.write(Conversation, ["id", "workspace_id", "kind", "status", "title", "occurred_at",
                                         "duration_minutes", "channel", "account_id", "led_by_id", "notes",
                                         "created_by_id", "created_at", "search_text"], c_rows)
        self.writer.write(Highlight, ["id", "workspace_id", "conversation_id", "kind", "text", "person_id",
                                      "competitor_id", "created_by_id", "created_at", "sentiment"], h_rows)
        self._through(Conversation.members.through, members)
        self._through(Conversation.persons.through, persons_rows)
        self.conversation_ids = ids
        return f"{n:,} conversations ({planned:,} planned), {len(h_rows):,} highlights"

    def _through(self, through, pairs: list[tuple[int, int]]) -> None:
        own = [f.attname for f in through._meta.concrete_fields if not f.primary_key]
        ids = self.writer.ids(through, len(pairs))
        self.writer.write(through, ["id", *own], [(pk, *pair) for pk, pair in zip(ids, pairs, strict=True)])

    def feedback_items(self) -> str:
        from outsidein.feedback.models import FeedbackItem, ImportBatch

        rng, ws, n = self.rng, self.workspace, self.feedback
        drivers = list(DRIVERS)
        batches = {}
        for source, name, share, scores in SOURCES:
            rows = round(n * share)
            mapping = {"id": "external_id", "date": "received_at", "account": "account", "comment": "text"}
            if scores == "nps":
                mapping |= {"LTR": "nps", **{d.title(): "driver" for d in drivers}}
            elif scores:
                mapping[scores.upper()] = "csat" if scores in ("csat", "stars") else scores
            batches[name] = ImportBatch.objects.create(
                workspace=ws, source_name=name, source=source, file_name=f"{name.lower().replace(' ', '-')}.csv",
                status="done", rows_total=rows, rows_done=rows, rows_created=rows, mapping=mapping,
                started_at=self.now, finished_at=self.now, created_by=self.leaders[-1])
        ids = self.writer.ids(FeedbackItem, n)
        mood = [rng.gauss(0, 0.35) for _ in self.account_ids]
        account_index = rng.choices(range(len(self.account_ids)), weights=self.account_weights, k=n)
        sources = rng.choices(range(len(SOURCES)), weights=[s[2] for s in SOURCES], k=n)
        ratings_json: dict[tuple, str] = {}
        topic_of_driver = {d: [t for t, v in TOPICS.items() if v[0] == d] for d in drivers}
        self.feedback_texts: list[tuple[int, str]] = []
        counter = [0] * len(SOURCES)

        def rows():
            for pk, a, s in zip(ids, account_index, sources, strict=True):
                source, name, _, scores = SOURCES[s]
                counter[s] += 1
                account = self.account_ids[a]
                when = self._when()
                nps = csat = ces = None
                ratings = "{}"
                centred = rng.gauss(mood[a], 0.6)
                if scores == "nps":
                    values = tuple(max(1, min(5, round(rng.gauss(mean + mood[a], 0.9))))
                                   for mean in (m for _, m in DRIVERS.values()))
                    if values not in ratings_json:
                        ratings_json[values] = json.dumps({d: float(v) for d, v in zip(drivers, values, strict=True)})
                    ratings = ratings_json[values]
                    centred = sum(w * (v - 3) for (w, _), v in zip(DRIVERS.values(), values, strict=True))
                    nps = max(0, min(10, round(7.0 + 2.4 * centred + rng.gauss(0, 1.3))))
                    worst = drivers[values.index(min(values))]
                    topic = rng.choice(topic_of_driver[worst]) if rng.random() < 0.7 else rng.choice(list(TOPICS))
                elif scores in ("csat", "stars"):
                    csat = max(1, min(5, round(3.7 + 1.2 * centred + rng.gauss(0, 0.7))))
                    topic = rng.choice(list(TOPICS))
                elif scores == "ces":
                    ces = max(1, min(7, round(rng.gauss(4.2 - centred, 1.3))))
                    topic = rng.choice(["invoicing", "invoicing", "app", "tracking", "helpdesk", "portal", "claims"])
                else:
                    topic = rng.choice(list(TOPICS))
                negative = (nps is not None and nps <= 6) or (csat is not None and csat <= 3) or (
                    ces is not None and ces >= 5) or (nps is None and csat is None and ces is None and centred < 0)
                text = ""
                if source != "survey" or rng.random() < 0.55:
                    neg, pos = self.feedback_words[topic]
                    text = rng.choice(neg if negative else pos)
                    self.feedback_texts.append((pk, text))
                person = rng.choice(self.persons_of.get(account) or [None]) if rng.random() < 0.3 else None
                yield (pk, ws.pk, source, name, f"{name[:3].upper()}-{counter[s]:08d}", when, account, person,
                       nps, csat, ces, ratings, text, self.sentiment.get(text) if text else None,
                       batches[name].pk)

        count = self.writer.write(FeedbackItem, [
            "id", "workspace_id", "source", "source_name", "external_id", "received_at", "account_id", "person_id",
            "nps", "csat", "ces", "driver_ratings", "text", "sentiment", "batch_id"], rows(), raw=["driver_ratings"])
        return f"{count:,} items, {len(self.feedback_texts):,} with text"

    def themes(self) -> str:
        """The real theme model, fitted on every distinct wording (as the analysis would group them: the same
        text always lands in the same theme); each item and highlight joins the theme of its text, then the
        themes' figures are computed by the same code as after an analysis."""
        from outsidein.insights import themes as themes_services
        from outsidein.insights.analysis.themes import UNASSIGNED, fit_themes
        from outsidein.insights.models import Theme, ThemeMember

        ws = self.workspace
        texts = sorted({t for _, t in self.feedback_texts} | {t for _, t in self.highlight_texts})
        model = fit_themes(texts, k=12, method="tfidf")
        assignments = model.assignments
        placed = [i for i in range(len(texts)) if assignments[i] != UNASSIGNED]
        similarity = themes_services._centroid_similarity(model, [texts[i] for i in placed],
                                                          [int(assignments[i]) for i in placed])
        themes = {mt.id: Theme(workspace=ws, name=mt.label, top_terms=mt.top_terms, size=mt.size, method="tfidf",
                               model_index=mt.id) for mt in model.themes}
        Theme.objects.bulk_create(themes.values())
        theme_of = {texts[i]: (themes[int(assignments[i])].pk, round(float(1 - s), 4))
                    for i, s in zip(placed, similarity, strict=True)}
        rows = [(ws.pk, *theme_of[t], pk, None) for pk, t in self.feedback_texts if t in theme_of]
        rows += [(ws.pk, *theme_of[t], None, pk) for pk, t in self.highlight_texts if t in theme_of]
        ids = self.writer.ids(ThemeMember, len(rows))
        self.writer.write(ThemeMember, ["id", "workspace_id", "theme_id", "distance", "feedback_item_id",
                                        "highlight_id"], [(pk, *r) for pk, r in zip(ids, rows, strict=True)])
        themes_services._save_model(ws, model, refitted=True)
        self.writer.reset_sequences()
        started = time.perf_counter()
        themes_services.refresh_theme_figures(ws)
        return (f"{len(themes)} themes from {len(texts):,} wordings, {len(rows):,} members; figures in "
                f"{time.perf_counter() - started:.1f} s")

    def learning_and_initiatives(self) -> str:
        from outsidein.conversations.models import Highlight
        from outsidein.engagement.models import Challenge, ChallengeParticipant, HostRequest
        from outsidein.initiatives.models import Initiative, Pilot, PilotMeasurement
        from outsidein.learning.models import Assumption, Evidence, Experiment

        rng, ws, now = self.rng, self.workspace, self.now
        initiatives = [Initiative.objects.create(
            workspace=ws, name=name, sponsor=self.leaders[i % len(self.leaders)], pain_statement=pain,
            target_segment=self.segments[i % len(self.segments)], stage=stage, created_by=self.leaders[0])
            for i, (name, pain, stage) in enumerate([
                ("Invoices right the first time", "Our invoices never match the rate confirmation.", "solution"),
                ("ETAs customers trust", "We cannot plan the dock on your tracking.", "pain"),
                ("One owner per ticket", "Nobody at the helpdesk owns our problem.", "go_to_market"),
                ("Offline driver app", "The driver app freezes at every stop.", "business_model"),
                ("Claims in a week", "Damage claims take months.", "pain")])]
        for initiative in initiatives:
            initiative.team.set(rng.sample(self.active, 4))
        statements = [f"Customers would switch providers over the {v[1]}" for v in TOPICS.values()] + [
            f"A better {v[1]} would reduce churn in {s.name}" for v, s in zip(TOPICS.values(), self.segments,
                                                                            strict=False)]
        pains = list(Highlight.objects.filter(workspace=ws, kind="pain").values_list("pk", flat=True)[:200])
        evidence = 0
        for i, statement in enumerate(statements):
            assumption = Assumption.objects.create(
                workspace=ws, statement=statement, type=["desirability", "feasibility", "viability"][i % 3],
                topic=["pain", "solution", "revenue", "usage"][i % 4], importance=1 + i % 5,
                owner=rng.choice(self.leaders), initiative=initiatives[i % len(initiatives)],
                status=["untested", "testing", "validated", "invalidated"][i % 4], created_by=self.leaders[0])
            for highlight_id in rng.sample(pains, 6):
                Evidence.objects.create(workspace=ws, assumption=assumption, source_kind="highlight",
                                        highlight_id=highlight_id, direction=rng.choice(["supports", "refutes"]),
                                        linked_by=self.leaders[0], strength=rng.uniform(0.2, 1.0))
                evidence += 1
            if i % 3 == 0:
                Experiment.objects.create(workspace=ws, assumption=assumption, title=f"Test: {statement[:60]}",
                                          test="Offer it to ten accounts.", metric="share who accept",
                                          success_criteria="at least 4 of 10", owner=assumption.owner)
        for initiative in initiatives[:3]:
            pilot = Pilot.objects.create(
                workspace=ws, initiative=initiative, name=f"Pilot of {initiative.name.lower()}",
                change="The new process for these accounts.", metric_name="disputed invoices per week",
                baseline_start=(now - timedelta(days=120)).date(), baseline_end=(now - timedelta(days=61)).date(),
                pilot_start=(now - timedelta(days=60)).date(), pilot_end=(now - timedelta(days=1)).date(),
                expected_effect=-1.0, created_by=initiative.sponsor)
            chosen = rng.sample(self.account_ids, 60)
            pilot.pilot_accounts.set(chosen[:30])
            pilot.control_accounts.set(chosen[30:])
            PilotMeasurement.objects.bulk_create([
                PilotMeasurement(workspace=ws, pilot=pilot, account_id=a, period=period,
                                 value=max(0.0, rng.gauss(5 - (1.2 if a in chosen[:30] and period == "pilot" else 0),
                                                          1.5)))
                for a in chosen for period in ("baseline", "pilot")])
        challenge = Challenge.objects.create(workspace=ws, name="Coffee Challenge", weekly_target=3,
                                             starts_on=(now - timedelta(weeks=6)).date(),
                                             ends_on=(now + timedelta(weeks=6)).date(), created_by=self.leaders[0])
        for user in self.leaders:
            ChallengeParticipant.objects.create(workspace=ws, challenge=challenge, user=user, status="accepted",
                                                invited_by=self.leaders[0], responded_at=now - timedelta(weeks=6))
        for i in range(12):
            HostRequest.objects.create(
                workspace=ws, requested_by=self.leaders[i % len(self.leaders)], host=self.active[7 + i % 4],
                kind="customer_visit", account_id=rng.choice(self.account_ids),
                proposed_at=(now + timedelta(days=1 + i)).replace(hour=10, minute=0),
                status=["pending", "accepted", "declined"][i % 3])
        return (f"{len(initiatives)} initiatives, {len(statements)} assumptions, {evidence} evidence links, "
                "3 pilots, 1 challenge")

    def key_drivers(self) -> str:
        from outsidein.insights import drivers as drivers_services
        from outsidein.insights.models import DriverAnalysis

        analysis = DriverAnalysis.objects.create(workspace=self.workspace, outcome="nps", drivers=list(DRIVERS),
                                                 n=0, created_by=self.leaders[0])
        analysis = drivers_services.run_driver_analysis(analysis)
        return f"{analysis.status}, n = {analysis.n:,}"


# -- the database ---------------------------------------------------------------------------------------------


def recreate_postgres(dsn: str) -> None:
    import psycopg

    name = dsn.rsplit("/", 1)[-1].split("?")[0]
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the benchmark only rebuilds databases named *bench*")
    admin = dsn.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def after_build() -> None:
    from django.core.management import call_command, get_commands
    from django.db import connection

    if "rollups" in get_commands():
        started = time.perf_counter()
        call_command("rollups", "rebuild")
        print(f"  rollups rebuilt in {time.perf_counter() - started:.1f} s")
    else:
        print("  NOTICE: no `rollups` command yet: score rollups not rebuilt")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE") if connection.get_autocommit() else cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
    print(f"  ANALYZE in {time.perf_counter() - started:.1f} s")


# -- measuring ------------------------------------------------------------------------------------------------


def pages_of(workspace) -> list[tuple[str, str, str]]:
    """(name, kind, url) of every page measured; kind is "page" (logged in) or "api" (Bearer token)."""
    from django.db.models import Count
    from django.utils import timezone

    from outsidein.customers.models import Account
    from outsidein.engagement.models import Challenge
    from outsidein.insights.models import DriverAnalysis
    from outsidein.site.review.periods import quarter_of
    from outsidein.workspaces.models import Membership

    w = f"/w/{workspace.slug}"
    account = (Account.objects.filter(workspace=workspace).annotate(n=Count("conversations"))
               .order_by("-n", "pk").first())
    challenge = Challenge.objects.filter(workspace=workspace).order_by("-starts_on").first()
    analysis = DriverAnalysis.objects.filter(workspace=workspace).order_by("-created_at").first()
    member = Membership.objects.filter(workspace=workspace).order_by("-pk").first().user
    today = timezone.localdate()
    month_ago = today - timedelta(days=30)
    pages = [
        ("home", "page", f"{w}/"), ("conversations", "page", f"{w}/conversations/"),
        ("conversation search", "page", f"{w}/conversations/?q=invoice"),
        ("highlights", "page", f"{w}/highlights/"), ("highlight search", "page", f"{w}/highlights/?q=invoice"),
        ("pulse", "page", f"{w}/pulse/"), ("pulse team", "page", f"{w}/pulse/team/"),
        ("challenges", "page", f"{w}/challenges/"),
        ("challenge", "page", f"{w}/challenges/{challenge.pk}/" if challenge else ""),
        ("planning", "page", f"{w}/planning/"), ("accounts", "page", f"{w}/accounts/"),
        ("account", "page", f"{w}/accounts/{account.pk}/" if account else ""),
        ("feedback", "page", f"{w}/voice/feedback/"), ("feedback search", "page", f"{w}/voice/feedback/?q=invoice"),
        ("scores", "page", f"{w}/voice/"), ("themes", "page", f"{w}/voice/themes/"),
        ("key drivers", "page", f"{w}/voice/key-drivers/"),
        ("key driver analysis", "page", f"{w}/voice/key-drivers/{analysis.pk}/" if analysis else ""),
        ("pain", "page", f"{w}/voice/pain/"), ("assumptions", "page", f"{w}/assumptions/"),
        ("initiatives", "page", f"{w}/initiatives/"),
        ("leadership review pdf", "page", f"{w}/review/?period={quarter_of(timezone.now().date()).key}"),
        ("api conversations", "api", "/api/conversations"), ("api conversation search", "api",
                                                              "/api/conversations?q=invoice"),
        ("api highlights", "api", "/api/highlights"), ("api accounts", "api", "/api/accounts"),
        ("api persons", "api", "/api/persons"), ("api feedback", "api", "/api/feedback"),
        ("api themes", "api", "/api/themes"), ("api driver analyses", "api", "/api/driver-analyses"),
        ("api pain", "api", "/api/pain"),
        ("audit trail", "page", f"{w}/settings/audit/"),
        ("audit trail of one member's exports", "page", f"{w}/settings/audit/?action=exported&actor={member.pk}"),
        ("audit trail of a month", "page", f"{w}/settings/audit/?since={month_ago:%Y-%m-%d}&until={today:%Y-%m-%d}"),
    ]
    return [p for p in pages if p[2]]


def measure(workspace, leader, runs: int, only: set[str]) -> dict[str, dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from outsidein.workspaces import services as workspace_services

    # A page that fails is recorded (HTTP 500 and its error) and the run goes on to the next one.
    client = Client(raise_request_exception=False)
    client.force_login(leader)
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    _, secret = workspace_services.create_api_token(workspace, leader, "Pages at scale")
    headers = {"Authorization": f"Bearer {secret}"}
    results = {}
    for name, kind, url in pages_of(workspace):
        if only and name not in only:
            continue

        def get(url=url, kind=kind):
            return client.get(url, headers=headers) if kind == "api" else client.get(url)

        response = get()  # warm-up: template loading, the first query plans
        if getattr(response, "exc_info", None):
            print(f"    {name}: {response.exc_info[1]!r}", flush=True)
        times = []
        queries = 0
        budget = time.perf_counter() + PAGE_BUDGET_S
        for run in range(runs):
            if run >= MIN_RUNS and time.perf_counter() > budget:
                break  # a page of several seconds: enough runs to see it, without an hour-long benchmark
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = get()
                times.append((time.perf_counter() - started) * 1000)
            queries = len(captured)
            statements = [q["sql"] for q in captured.captured_queries]
        times.sort()
        results[name] = {"status": response.status_code, "queries": queries, "bytes": len(response.content),
                         "runs": len(times), "sql": statements,
                         "p50": times[len(times) // 2], "p95": times[max(0, math.ceil(0.95 * len(times)) - 1)]}
        r = results[name]
        print(f"    {name:<26} {r['status']} {r['queries']:>4} q {r['p50']:>9.1f} {r['p95']:>9.1f} ms "
              f"{r['bytes']:>9,} B", flush=True)
    return results


def table(demo: dict, scale: dict, scale_label: str) -> str:
    out = io.StringIO()
    out.write("| page | size | status | queries | runs | p50 ms | p95 ms | bytes | flag |\n"
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
    flagged = 0
    for name in scale or demo:
        d, s = demo.get(name), scale.get(name)
        flags = []
        if d and s and d["queries"] != s["queries"]:
            flags.append(f"queries {d['queries']} → {s['queries']}")
        if s and s["p95"] > P95_LIMIT_MS:
            flags.append("p95 > 500 ms")
        if s and s["status"] != 200:
            flags.append(f"HTTP {s['status']}")
        flagged += bool(flags)
        for label, r in (("demo", d), (scale_label, s)):
            if r:
                flag = "**" + "; ".join(flags) + "**" if flags and label != "demo" else ""
                out.write(f"| {name} | {label} | {r['status']} | {r['queries']} | {r['runs']} | {r['p50']:.0f} "
                          f"| {r['p95']:.0f} "
                          f"| {r['bytes']:,} | {flag} |\n")
    out.write(f"\n{flagged} of {len(scale or demo)} pages flagged.\n")
    return out.getvalue()


def query_differences(demo: dict, scale: dict) -> str:
    """For pages whose query count changed with size: which statements (by shape) ran more or less often."""
    import re
    from collections import Counter

    def shapes(statements: list[str]) -> Counter:
        def shape(sql: str) -> str:
            sql = re.sub(r"\b\d+\b|'[^']*'", "?", re.sub(r"^SELECT .*? FROM", "SELECT … FROM", sql))
            return re.sub(r"\((?:\?, )*\?\)", "(…)", sql)[:200]

        return Counter(map(shape, statements))

    out = io.StringIO()
    for name, s in scale.items():
        d = demo.get(name)
        if not d or d["queries"] == s["queries"]:
            continue
        out.write(f"{name}: {d['queries']} queries at demo size, {s['queries']} at scale\n")
        before, after = shapes(d["sql"]), shapes(s["sql"])
        for shape in sorted(set(before) | set(after)):
            if before[shape] != after[shape]:
                out.write(f"  {before[shape]:>3} → {after[shape]:<3} {shape}\n")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", metavar="DSN", help=f"default {DEFAULT_DSN}")
    parser.add_argument("--sqlite", metavar="PATH", type=Path)
    parser.add_argument("--skip-build", action="store_true", help="measure the database built by an earlier run")
    parser.add_argument("--pages", help="comma-separated page names (as printed) to measure")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--feedback", type=int, help="feedback items at scale (default 1,002,350; SQLite 200,000)")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    if args.postgres and args.sqlite:
        parser.error("choose --postgres or --sqlite")
    if args.sqlite:
        dsn = f"sqlite:///{args.sqlite.resolve()}"
        feedback = args.feedback or 200_000
    else:
        dsn = args.postgres or DEFAULT_DSN
        feedback = args.feedback or FULL_FEEDBACK
    os.environ["DATABASE_URL"] = dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outsidein.settings")
    # Pages run as in production (no debug toolbar or template debug), and e-mails go nowhere.
    os.environ.setdefault("OUTSIDEIN_DEBUG", "0")
    if not args.skip_build:
        if args.sqlite:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{args.sqlite}{suffix}").unlink(missing_ok=True)
            args.sqlite.parent.mkdir(parents=True, exist_ok=True)
        else:
            recreate_postgres(dsn)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from outsidein.site.demo import builder, content
    from outsidein.workspaces.models import Membership, Workspace

    print(f"platform: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{connection.vendor} {getattr(connection, 'pg_version', '')}")
    call_command("migrate", verbosity=0)
    if not args.skip_build:
        started = time.perf_counter()
        builder.build_demo()
        print(f"demo workspace built in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        ScaleBuilder(feedback).build()
        after_build()
        print(f"workspace at scale built in {time.perf_counter() - started:.1f} s", flush=True)
    only = {p.strip() for p in (args.pages or "").split(",") if p.strip()}
    results = {}
    from outsidein.feedback.models import FeedbackItem

    scale_label = f"{FeedbackItem.objects.filter(workspace__slug=SLUG).count() // 1000:,}k"
    for label, slug in (("demo", content.WORKSPACE_SLUG), (scale_label, SLUG)):
        workspace = Workspace.objects.get(slug=slug)
        leader = Membership.objects.filter(workspace=workspace, role="owner").select_related("user").first().user
        print(f"  measuring {label} ({workspace.name}), {args.runs} runs per page, load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        results[label] = measure(workspace, leader, args.runs, only)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    text = table(results["demo"], results[scale_label], scale_label)
    print()
    print(text)
    print(query_differences(results["demo"], results[scale_label]))
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
