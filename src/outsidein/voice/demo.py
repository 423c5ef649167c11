"""Demo voice of the customer: six months of relationship survey answers and support tickets.

The survey rates six drivers (1–5). Likelihood to recommend is built from them with known weights plus
noise, so the key driver analysis of the demo has a right answer: invoicing matters a lot and performs
worst (and got worse in the last two months), tracking accuracy matters most and performs well.
"""

import math
import random
from collections.abc import Sequence
from datetime import timedelta

from outsidein.voice import drivers_services, themes_services
from outsidein.voice.imports import SentimentScorer
from outsidein.voice.models import FeedbackItem, ImportBatch, Source

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
    "tracking accuracy": (["The live tracking is spot on.", "Tracking is accurate and the alerts arrive early.",
                           "I can see exactly where every load is on the tracking map.",
                           "ETAs are accurate to the hour."],
                          ["Our dispatchers trust the ETAs now.", "Planning the dock is easy with the tracking.",
                           "Best tracking we have had from any provider."]),
    "invoicing": (["Invoices finally match the rate confirmations.", "Billing was clean this quarter.",
                   "The new invoice layout makes checking the charges easy."],
                  ["No invoice disputes at all.", "Thank you for fixing the billing."]),
    "support": (["Support answered within minutes and fixed it on the call.",
                 "Our support rep knows our lanes and always follows up.",
                 "Support sorted out a stuck load at midnight."],
                ["Great support team.", "Support is the reason we stay."]),
    "onboarding": (["Onboarding was smooth, the team had us live in a week.",
                    "Clear onboarding plan and good training for our planners."],
                   ["The onboarding team understood our business from day one."]),
    "mobile app": (["The driver app is simple and the proof of delivery upload just works.",
                    "Drivers like the new mobile app.", "The app works offline at the border."],
                   ["Our drivers love the app.", "Scanning documents in the app is quick."]),
    "price": (["Fair price for what we get.", "Good value for the price compared with the last provider.",
               "Pricing is transparent and the rates are competitive."],
              []),
}
COMPLAINTS: dict[str, tuple[list[str], list[str]]] = {
    "tracking accuracy": (["The ETA was off by six hours and nobody told us.",
                           "Tracking showed delivered while the truck was still at the border.",
                           "Tracking updates lag by hours.", "The tracking map froze on half of our loads.",
                           "ETAs jump around all day."],
                          ["We cannot plan the dock on that tracking.",
                           "Our customers call us before the tracking does.", "We still phone drivers for ETAs."]),
    "invoicing": (["Invoices are wrong every month.", "We are billed detention we never agreed to.",
                   "The invoice does not match the rate confirmation again.",
                   "Accessorial charges appear on the invoice with no explanation.",
                   "Duplicate invoice for the same load, the second time this quarter.",
                   "The invoice lists lumper charges we never had.", "Billing errors again this month."],
                  ["It takes weeks to get a credit note.", "Disputing invoices eats a day a week.",
                   "Our AP team checks every invoice by hand.",
                   "Our finance team is losing patience with your billing.", "Please fix the invoicing.",
                   "Billing is the reason we are looking at other providers."]),
    "support": (["Support takes days to answer a simple question.",
                 "I was passed between three people in support.",
                 "Support closed my ticket without fixing anything.",
                 "Nobody in support calls back when a load is stuck."],
                ["Nobody owns the problem.", "Support needs more people who know freight.",
                 "Support used to be the reason we chose you."]),
    "onboarding": (["Onboarding dragged on for two months.",
                    "The onboarding plan kept changing and our go-live slipped twice.",
                    "Onboarding training did not cover our EDI setup."],
                   ["The training was generic.", "We needed an onboarding lead who knows our lanes."]),
    "mobile app": (["The mobile app crashes when drivers upload the proof of delivery.",
                    "The app logs drivers out every day.", "The driver app is slow on older phones.",
                    "Proof of delivery photos get lost in the mobile app."],
                   ["Drivers hate the app.", "Drivers keep asking to go back to paper.",
                    "Our drivers give up on the app halfway through a route."]),
    "price": (["Too expensive for what it is.", "Rates went up again without notice.",
               "Your price is higher than the competition on the same lanes.",
               "The price increase at renewal was steep.", "The fuel surcharge keeps climbing."],
              ["We will compare rates at renewal.", "The price is hard to justify to our CFO.",
               "We cannot budget for the fuel surcharge."]),
}
# Most respondents leave the comment blank; the few who write without a complaint or praise say little.
NEUTRAL = ["", "", "", "", "", "", "Fine overall, no complaints.", "Good overall, it does the job.",
           "Okay overall, nothing to add."]
# Support tickets: what happened to which load or invoice, then what the customer asks for.
TICKETS_BY_TOPIC: dict[str, tuple[list[str], list[str]]] = {
    "invoicing": (["Invoice {n} shows a detention charge we did not agree to.",
                   "Invoice {n} charges a duplicate fee.", "Invoice {n} does not match the agreed rate for this lane.",
                   "Invoice {n} is missing our PO number."],
                  ["Please correct the invoice.", "We need a credit note.", "Please resend the invoice."]),
    "mobile app": (["Driver cannot upload POD photos on load {n}.",
                    "The driver app logged out during the delivery of load {n}.",
                    "The app freezes on the proof of delivery screen for load {n}."],
                   ["Please fix the app.", "The driver is waiting at the dock."]),
    "tracking accuracy": (["Load {n} shows delivered but the consignee has not received it.",
                           "No tracking updates for load {n} since yesterday.", "The ETA for load {n} keeps jumping."],
                          ["Where is the truck?", "Please check the tracking."]),
    "support": (["Still waiting for an answer on my ticket about load {n}.",
                 "Second follow-up on load {n}, nobody has replied to my ticket."],
                ["Please call me back.", "Who owns this ticket?"]),
    "price": (["Please explain the fuel surcharge change on invoice {n}.",
               "The quote for load {n} is higher than last month's rate."],
              ["Why did the price go up?", "Please send the rate sheet."]),
}
# Invoicing raises twice as many tickets as any other topic.
TICKET_TOPICS = ["invoicing", "invoicing", "mobile app", "tracking accuracy", "support", "price"]


def _say(rng, parts: tuple[list[str], list[str]], follow_up: float) -> str:
    """One opening, and a follow-up sentence with probability ``follow_up``."""
    openings, follow_ups = parts
    text = rng.choice(openings)
    if follow_ups and rng.random() < follow_up:
        text += " " + rng.choice(follow_ups)
    return text


def _rating(rng, mean: float, sd: float) -> int:
    return max(1, min(5, round(rng.gauss(mean, sd))))


def _pick_comment(rng, ratings: dict[str, int]) -> str:
    worst = min(ratings, key=lambda d: (ratings[d], rng.random()))
    best = max(ratings, key=lambda d: (ratings[d], rng.random()))
    roll = rng.random()
    if ratings[worst] <= 2 and roll < 0.75:
        return _say(rng, COMPLAINTS[worst], follow_up=0.6)
    if ratings[best] >= 5 and roll < 0.55:
        return _say(rng, PRAISE[best], follow_up=0.4)
    return rng.choice(NEUTRAL)


def _respondents(ctx) -> Sequence[tuple]:
    by_account: dict[int, list] = {}
    for person in ctx.persons:
        by_account.setdefault(person.account_id, []).append(person)
    external = [a for a in ctx.accounts if not a.segment.name.startswith("Internal")]
    weights = [math.sqrt(float(a.annual_revenue or 20_000)) for a in external]
    return external, weights, by_account


def build(ctx) -> None:
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
    items: list[FeedbackItem] = []
    for n in range(RESPONSES):
        account = rng.choices(accounts, weights=weights)[0]
        ago = rng.uniform(0, DAYS)
        person = rng.choice(persons.get(account.pk) or [None])
        ratings = {}
        for name, (_, mean, sd) in DRIVERS.items():
            if name == "invoicing" and ago < 60:
                mean -= 0.5  # the invoicing problem got worse recently
            ratings[name] = _rating(rng, mean + mood[account.pk], sd)
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
    FeedbackItem.objects.bulk_create(items, batch_size=1000)
    _analyse(ctx)


def _analyse(ctx) -> None:
    """What a leader would run next, so the themes, key drivers and pain pages of the demo are not empty: a theme
    analysis of all feedback and highlights (the default TF-IDF method, whose fit is seeded and so the same every
    time) and a key driver analysis of likelihood to recommend on the six rated drivers."""
    themes_services.run_theme_analysis(ctx.workspace)
    drivers_services.create_driver_analysis(ctx.workspace, ctx.leaders[0] if ctx.leaders else None, outcome="nps",
                                            drivers=list(DRIVERS))
