"""Demo voice of the customer: six months of relationship survey answers and support tickets.

The survey rates six drivers (1–5). Likelihood to recommend is built from them with known weights plus
noise, so the key driver analysis of the demo has a right answer: invoicing matters a lot and performs
worst (and got worse in the last two months), tracking accuracy matters most and performs well.
"""

import math
from collections.abc import Sequence
from datetime import timedelta

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

PRAISE = {
    "tracking accuracy": ["The live tracking is spot on, our dispatchers trust the ETAs now.",
                          "Tracking is accurate and the alerts arrive before the customer calls us.",
                          "Love that I can see exactly where every load is."],
    "invoicing": ["Invoices finally match the rate confirmations.", "Billing was clean this quarter, thank you."],
    "support": ["Support answered within minutes and fixed it on the call.",
                "Our service rep knows our lanes and always follows up."],
    "onboarding": ["Onboarding was smooth, the team had us live in a week."],
    "mobile app": ["The driver app is simple and the proof of delivery upload just works."],
    "price": ["Fair price for what we get.", "Good value compared with the last provider."],
}
COMPLAINTS = {
    "tracking accuracy": ["The ETA was off by six hours and nobody told us.",
                          "Tracking showed delivered while the truck was still at the border."],
    "invoicing": ["Invoices are wrong every month and it takes weeks to get a credit note.",
                  "We are billed detention we never agreed to. Disputing invoices eats a day a week.",
                  "The invoice does not match the rate confirmation again. Very frustrating.",
                  "Accessorial charges appear on the invoice with no explanation."],
    "support": ["Support takes days to answer a simple question.",
                "I was passed between three people and nobody owned the problem."],
    "onboarding": ["Onboarding dragged on for two months and the training was generic."],
    "mobile app": ["The mobile app crashes when drivers upload the proof of delivery.",
                   "The app logs drivers out every day, they hate it."],
    "price": ["Too expensive for what it is, the fuel surcharge keeps climbing.",
              "Rates went up again without notice."],
}
NEUTRAL = ["", "", "", "All as expected.", "Fine overall.", "Does the job."]
TICKET_TEXTS = [
    ("invoicing", "Invoice {n} shows a detention charge we did not agree to, please correct it."),
    ("invoicing", "Need a credit note for the duplicate charge on invoice {n}."),
    ("mobile app", "Driver cannot upload POD photos, the app freezes on load {n}."),
    ("tracking accuracy", "Load {n} shows delivered but the consignee has not received it."),
    ("support", "Still waiting for an answer on my ticket from last week about load {n}."),
    ("price", "Please explain the fuel surcharge change on invoice {n}."),
]


def _rating(rng, mean: float, sd: float) -> int:
    return max(1, min(5, round(rng.gauss(mean, sd))))


def _pick_comment(rng, ratings: dict[str, int]) -> str:
    worst = min(ratings, key=lambda d: (ratings[d], rng.random()))
    best = max(ratings, key=lambda d: (ratings[d], rng.random()))
    roll = rng.random()
    if ratings[worst] <= 2 and roll < 0.75:
        return rng.choice(COMPLAINTS[worst])
    if ratings[best] >= 5 and roll < 0.55:
        return rng.choice(PRAISE[best])
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
            text=_pick_comment(rng, ratings), batch=survey_batch,
        ))
    for n in range(TICKETS):
        account = rng.choices(accounts, weights=weights)[0]
        topic, template = rng.choice(TICKET_TEXTS)
        ago = rng.uniform(0, DAYS) if topic != "invoicing" else rng.uniform(0, DAYS) ** 0.8
        items.append(FeedbackItem(
            workspace=ws, source=Source.SUPPORT_TICKET, source_name=HELPDESK, external_id=f"T-{5000 + n}",
            received_at=(ctx.now - timedelta(days=ago)).replace(microsecond=0), account=account,
            person=rng.choice(persons.get(account.pk) or [None]),
            ces=max(1, min(7, round(rng.gauss(4.6 if topic in ("invoicing", "support") else 3.2, 1.2)))),
            text=template.format(n=rng.randint(40000, 49999)),
        ))
    for item, score in zip(items, SentimentScorer().scores([item.text for item in items]), strict=True):
        item.sentiment = score
    FeedbackItem.objects.bulk_create(items, batch_size=1000)
