"""Demo voice of the customer: six months of relationship survey answers and support tickets.

The survey rates six drivers (1–5). Likelihood to recommend is built from them with known weights plus
noise, so the key driver analysis of the demo has a right answer: invoicing matters a lot and performs
worst (and got worse in the last two months), tracking accuracy matters most and performs well.
"""

import math
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from outsidein.customers.models import Account, Person
from outsidein.feedback import services
from outsidein.feedback.imports import SentimentScorer
from outsidein.feedback.models import FeedbackItem, ImportBatch, Source
from outsidein.workspaces.models import User, Workspace

SURVEY = "Relationship NPS survey"
HELPDESK = "Helpdesk"
RESPONSES = 2_000
TICKETS = 350
DAYS = 182

# driver -> (weight in the outcome, mean rating, sd)
DRIVERS: dict[str, tuple[float, float, float]] = {
    "tracking accuracy": (0.34, 4.1, 0.8),
    "invoicing": (0.26, 2.8, 1.0),
    "support": (0.18, 3.7, 0.9),
    "onboarding": (0.05, 3.9, 0.8),
    "mobile app": (0.09, 3.4, 1.0),
    "price": (0.08, 3.0, 0.9),
}

# A comment is what went well or wrong, sometimes followed by what it means for the respondent, drawn from
# the driver's own words (invoice, tracking, app...). Mixing the two halves gives hundreds of different
# wordings, so the theme analysis finds one theme per topic rather than one per repeated sentence.
PRAISE: dict[str, tuple[list[str], list[str]]] = {
    "tracking accuracy": (["Live tracking is spot on.", "The tracking ETAs are accurate to the hour.",
                           "The tracking map shows exactly where every load is.",
                           "Tracking alerts arrive before our customers call."],
                          ["Our dispatchers trust the ETAs now.", "Planning the dock is easy with the tracking.",
                           "Best tracking we have had from any provider."]),
    "invoicing": (["Invoices finally match the rate confirmations.", "Clean invoices this quarter.",
                   "The new invoice layout makes checking the charges easy."],
                  ["Happy with the billing now.", "Thank you for fixing the billing."]),
    "support": (["Fast support, fixed on the call.",
                 "Our support rep knows our lanes and always follows up.",
                 "Support rescued a stuck load at midnight."],
                ["Great support team.", "Support is the reason we stay."]),
    "onboarding": (["Smooth onboarding, we were live in a week.",
                    "Clear onboarding plan and good training for our planners."],
                   ["The onboarding team understood our business from day one."]),
    "mobile app": (["The driver app is simple and proof of delivery upload just works.",
                    "Drivers like the new mobile app.", "The driver app works offline at the border."],
                   ["Our drivers love the app.", "Scanning documents in the app is quick and easy."]),
    "price": (["Fair price for what we get.", "Good value for the price compared with the last provider.",
               "Transparent pricing and competitive rates."],
              []),
}
COMPLAINTS: dict[str, tuple[list[str], list[str]]] = {
    "tracking accuracy": (["Wrong ETAs again, off by hours.", "Tracking updates arrive hours late.",
                           "Tracking shows delivered while the truck is stuck at the border.",
                           "The tracking map freezes on half of our loads."],
                          ["We cannot plan the dock on that tracking.",
                           "Our customers call us before the tracking does.",
                           "We still phone drivers for ETAs."]),
    "invoicing": (["Invoice errors again this month.", "Detention charges on our invoices that we never agreed to.",
                   "Accessorial charges on the invoice with no explanation.",
                   "Invoices never match the rate confirmation.",
                   "Duplicate invoices for the same load."],
                  ["Credit notes take weeks.", "Disputing invoices eats a day a week.",
                   "Manual invoice checks cost our AP team hours.",
                   "Our finance team is losing patience with your billing.",
                   "Billing errors cost us more than the freight."]),
    # "The helpdesk", not "support": the sentiment lexicon counts the word support as praise.
    "support": (["The helpdesk takes days to answer a simple question.",
                 "Passed between three helpdesk agents and nobody owned the problem.",
                 "The helpdesk closed my ticket unresolved.",
                 "No call back from the helpdesk when a load is stuck."],
                ["The helpdesk is understaffed and unhelpful.", "Nobody at the helpdesk knows freight."]),
    "onboarding": (["Onboarding dragged on for two months.",
                    "The onboarding plan kept changing and our go-live slipped twice.",
                    "Onboarding training skipped our EDI setup."],
                   ["Generic training.", "We needed an onboarding lead who knows our lanes."]),
    "mobile app": (["The driver app crashes on proof of delivery upload.",
                    "Daily logouts in the driver app.",
                    "The driver app is slow and freezes at every stop.",
                    "Proof of delivery photos get lost in the app."],
                   ["Drivers hate the app.", "Drivers keep asking to go back to paper.",
                    "Our drivers give up on the app halfway through a route."]),
    "price": (["Too expensive for the service level we get.", "Surprise rate increases again.",
               "Higher price than the competition on the same lanes.",
               "Steep price increase at renewal.", "The fuel surcharge keeps climbing."],
              ["We will compare rates at renewal.", "The price is hard to justify to our CFO.",
               "We cannot budget for the fuel surcharge."]),
}
# Support tickets: what happened to which load or invoice, then what the customer asks for.
TICKETS_BY_TOPIC: dict[str, tuple[list[str], list[str]]] = {
    "invoicing": (["Invoice {n} shows a detention charge we did not agree to.",
                   "Duplicate charge on invoice {n}.",
                   "Invoice {n} is above the agreed rate for this lane.",
                   "Our PO number is missing on invoice {n}."],
                  ["Correct the invoice.", "We need a credit note for the error.", "Resend the invoice."]),
    "mobile app": (["Driver cannot upload POD photos on load {n}, the app fails.",
                    "The driver app logged out during the delivery of load {n}.",
                    "The app freezes on the proof of delivery screen for load {n}."],
                   ["The app is broken.", "The driver is stuck waiting at the dock."]),
    "tracking accuracy": (["Load {n} shows delivered but the consignee has not received it.",
                           "No tracking updates for load {n} since yesterday.", "The ETA for load {n} keeps jumping."],
                          ["Where is the truck?", "The tracking is wrong."]),
    "support": (["Still waiting for an answer on my ticket about load {n}.",
                 "Second follow-up on load {n}, nobody has replied to my ticket."],
                ["Call me back.", "Who owns this ticket?"]),
    "price": (["Explain the fuel surcharge change on invoice {n}.",
               "The quote for load {n} is higher than last month's rate."],
              ["Why did the price go up?", "Send the rate sheet."]),
}
# Invoicing raises twice as many tickets as any other topic.
TICKET_TOPICS = ["invoicing", "invoicing", "mobile app", "tracking accuracy", "support", "price"]


# How people say how they feel about it. Drawn independently of the topic, so the feeling shows in the sentiment
# but never becomes the name of a theme.
PRAISING = ["Great.", "Excellent work.", "Love it.", "Thank you!", "Very happy."]
COMPLAINING = ["Frustrating.", "Not acceptable.", "Really disappointing.", "Annoying.", "This is a real problem."]


def _say(rng: random.Random, parts: tuple[list[str], list[str]], follow_up: float,
         feelings: Sequence[str] = ()) -> str:
    """One opening, a follow-up sentence with probability ``follow_up``, and most of the time a feeling."""
    openings, follow_ups = parts
    text = rng.choice(openings)
    if follow_ups and rng.random() < follow_up:
        text += " " + rng.choice(follow_ups)
    if feelings and rng.random() < 0.7:
        text += " " + rng.choice(feelings)
    return text


def _rating(rng: random.Random, mean: float, sd: float) -> int:
    return max(1, min(5, round(rng.gauss(mean, sd))))


def _pick_comment(rng: random.Random, ratings: dict[str, int]) -> str:
    worst = min(ratings, key=lambda d: (ratings[d], rng.random()))
    best = max(ratings, key=lambda d: (ratings[d], rng.random()))
    roll = rng.random()
    if ratings[worst] <= 2 and roll < 0.75:
        return _say(rng, COMPLAINTS[worst], follow_up=0.6, feelings=COMPLAINING)
    if ratings[best] >= 5 and roll < 0.55:
        return _say(rng, PRAISE[best], follow_up=0.4, feelings=PRAISING)
    return ""  # without a complaint or praise to make, respondents leave the comment blank


class DemoWorld(Protocol):
    """What the feedback demo reads of the demo workspace built before it (the site's ``DemoContext``)."""

    workspace: Workspace
    rng: random.Random
    now: datetime
    leaders: list[User]
    accounts: list[Account]
    persons: list[Person]


def _respondents(ctx: DemoWorld) -> tuple[list[Account], list[float], dict[int | None, list[Person]]]:
    """The accounts that answer (not internal ones), weighted by revenue, and each account's persons."""
    by_account: dict[int | None, list[Person]] = {}
    for person in ctx.persons:
        by_account.setdefault(person.account_id, []).append(person)
    # Every demo account has a segment; one without would be a customer.
    external = [a for a in ctx.accounts if a.segment is None or not a.segment.name.startswith("Internal")]
    weights = [math.sqrt(float(a.annual_revenue or 20_000)) for a in external]
    return external, weights, by_account


def build(ctx: DemoWorld) -> None:
    rng, ws = ctx.rng, ctx.workspace
    # Wording is drawn from its own stream (seeded from the demo's, without drawing from it), so changing the
    # texts never changes the ratings, accounts or dates the rest of the demo is built on.
    wording = random.Random(repr(rng.getstate()))
    accounts, weights, persons = _respondents(ctx)
    survey_batch = ImportBatch.objects.create(
        workspace=ws, source_name=SURVEY, source=Source.SURVEY, file_name="rnps-export.csv", status="done",
        rows_total=RESPONSES, rows_done=RESPONSES, rows_created=RESPONSES, started_at=ctx.now, finished_at=ctx.now,
        mapping={"Comment": "text", "LTR": "nps", "CSAT": "csat", **{d.title(): "driver" for d in DRIVERS}},
        created_by=ctx.leaders[0] if ctx.leaders else None, created_at=ctx.now - timedelta(days=1),
    )
    # Each account has its own mood, so accounts and segments differ in a believable way.
    mood = {a.pk: rng.gauss(0, 0.35) for a in accounts}
    # ... and its own sore points: an account fares better or worse on each driver, so a complaint comes mostly
    # from the accounts it hurts and the revenue at stake differs from theme to theme.
    sore = {a.pk: {name: rng.gauss(0, 0.7) for name in DRIVERS} for a in accounts}
    items: list[FeedbackItem] = []
    for n in range(RESPONSES):
        account = rng.choices(accounts, weights=weights)[0]
        ago = rng.uniform(0, DAYS)
        person = rng.choice(persons.get(account.pk) or [None])
        ratings = {}
        for name, (_, mean, sd) in DRIVERS.items():
            if name == "invoicing" and ago < 60:
                mean -= 0.5  # the invoicing problem got worse recently
            ratings[name] = _rating(rng, mean + mood[account.pk] + sore[account.pk][name], sd)
        centred = sum(w * (ratings[d] - 3) for d, (w, _, _) in DRIVERS.items())
        nps = max(0, min(10, round(7.2 + 2.4 * centred + rng.gauss(0, 1.3))))
        csat = max(1, min(5, round(3.6 + 0.9 * centred + rng.gauss(0, 0.6))))
        items.append(FeedbackItem(
            workspace=ws, source=Source.SURVEY, source_name=SURVEY, external_id=f"R-{10000 + n}",
            received_at=(ctx.now - timedelta(days=ago)).replace(microsecond=0), account=account, person=person,
            nps=nps, csat=csat, driver_ratings={k: float(v) for k, v in ratings.items()},
            text=_pick_comment(wording, ratings), batch=survey_batch,
        ))
    for n in range(TICKETS):
        account = rng.choices(accounts, weights=weights)[0]
        topic = wording.choice(TICKET_TOPICS)
        ago = rng.uniform(0, DAYS) if topic != "invoicing" else rng.uniform(0, DAYS) ** 0.8
        items.append(FeedbackItem(
            workspace=ws, source=Source.SUPPORT_TICKET, source_name=HELPDESK, external_id=f"T-{5000 + n}",
            received_at=(ctx.now - timedelta(days=ago)).replace(microsecond=0), account=account,
            person=rng.choice(persons.get(account.pk) or [None]),
            ces=max(1, min(7, round(rng.gauss(4.6 if topic in ("invoicing", "support") else 3.2, 1.2)))),
            text=_say(wording, TICKETS_BY_TOPIC[topic], follow_up=0.7).format(n=rng.randint(40000, 49999)),
        ))
    for item, score in zip(items, SentimentScorer().scores([item.text for item in items]), strict=True):
        item.sentiment = score
    services.create_feedback(ws, items)
