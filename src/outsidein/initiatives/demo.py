"""Demo initiatives at different stages, with assumptions, evidence from the demo highlights, experiments
(some with learning cards), the stage-move log and one finished pilot with measurements and a result."""

from datetime import timedelta

import numpy as np
from django.core.exceptions import ValidationError

from outsidein.conversations.models import Highlight
from outsidein.initiatives import services
from outsidein.initiatives.models import StageMove
from outsidein.learning import services as learning

# name, sponsor title, target segment, pain statement, buying committee, stage path with override reasons
INITIATIVES = [
    ("Proactive late-load alerts", "VP Operations", "Enterprise shippers",
     "Shippers find out a load is late from their own customers, not from us.",
     "Head of logistics decides; the CFO signs above 50k; the planners use it every day.",
     [("solution", ""), ("go_to_market", "The prototype reactions were unanimous; pricing is the open question."),
      ("business_model", "")]),
    ("Five-day carrier pay", "GM Carrier Network", "Independent carriers",
     "Small carriers wait 45 days to be paid and cannot float the cost of fuel.", "",
     [("solution", "Heard it in every carrier visit this quarter; the sponsor takes the call.")]),
    ("Dock appointment booking", "VP Sales", "Mid-market retailers",
     "Dock appointments are booked by phone and doors are double-booked every week.",
     "Warehouse manager books; the operations director pays; gate staff can block it.",
     [("solution", "Strong pain in two site visits; moving on to test the booking screen."),
      ("go_to_market", "The booking prototype was used unaided at both sites.")]),
    ("Invoice auto-match", "Chief Financial Officer", "Internal: Finance & Billing",
     "Billing clerks match carrier invoices to loads by hand every Monday.", "", []),
]

# initiative index, statement, type, topic, importance, highlight texts (supports / refutes), status to confirm
ASSUMPTIONS = [
    (0, "Shippers learn about late loads from their customers first", "desirability", "pain", 5,
     ["When a truck is late, I find out from the store, not from the system.",
      "I keep a spreadsheet next to the TMS because I don't trust the ETA column.",
      "The dispatcher had four screens open and re-typed the load number into each one."], [], "validated"),
    (0, "Planners would act on a text alert an hour before a load runs late", "desirability", "solution", 4,
     ["Send me a text, not an email, when a load is more than an hour late.",
      "I need to know by 7 a.m. which loads will miss their window today."],
     ["I don't want more features, I want the ones we have to work every time."], ""),
    (0, "Alerts cut escalations enough to justify a premium tier", "viability", "revenue", 5, [], [], ""),
    (0, "Planners open the alert within the hour", "feasibility", "usage", 3,
     ["The planner used the mobile app only to take photos, then emailed them to herself."], [], ""),
    (1, "Small carriers would pay 1% to be paid in five days", "viability", "revenue", 5,
     ["Getting paid takes us 45 days; small carriers like us can't float that.",
      "Being paid in a week would let us take on two more trucks.",
      "LoadLedger offered to pay carriers in five days for a 1% fee."], [], ""),
    (1, "Carriers trust us with their bank details", "feasibility", "other", 3, [],
     ["CarrierHub is free for us and our brokers already use it."], ""),
    (2, "Warehouses lose hours to double-booked doors", "desirability", "pain", 4,
     ["Dock appointments are booked by phone and we double-book doors twice a week.",
      "Drivers queued 40 minutes at the gate because appointments weren't in the system."], [], "validated"),
    (2, "Gate staff will keep the booking screen up to date", "feasibility", "usage", 4,
     ["Let the warehouse see inbound trucks on a map with a countdown."], [], ""),
    (3, "Most invoices match their quote within 5%", "feasibility", "cost", 4,
     ["Flag invoices that differ from the quote by more than 5% and let the rest through.",
      "Every Monday I spend two hours matching carrier invoices to loads by hand."],
     ["The billing clerk printed every invoice to check it against a paper rate sheet."], ""),
    (3, "Finance would give up the paper rate sheet", "desirability", "other", 2, [], [], ""),
]

# assumption index, title, method, test, metric, criteria, cost, learning card or None
EXPERIMENTS = [
    (1, "ETA alert prototype at three shippers", "prototype", "Send hand-made text alerts to 3 planners for 2 weeks",
     "Share of alerts acted on within an hour", "At least half acted on", "2 weeks, one analyst",
     ("31 of 48 alerts were acted on within the hour.", "Planners act when the alert names the load and the store.",
      True, "persevere", "Build the alert into the tracking screen.")),
    (2, "Premium tier price test", "priced_offer", "Offer the alerts at +8% to 10 renewing accounts",
     "Accounts accepting the price", "4 of 10 accept", "1 month of sales time",
     ("6 of 10 accepted; two asked for a volume discount.", "The alerts carry a price.", True, "persevere",
      "Put the premium tier on the price list.")),
    (4, "Five-day pay, priced", "priced_offer", "Offer five-day payment for a 1.5% fee to 40 carriers",
     "Carriers signing up", "10 of 40 sign up", "€2,000 of float",
     ("14 of 40 signed up in the first week.", "Speed matters more than the fee for small fleets.", True,
      "persevere", "Ask finance for a float budget for 200 carriers.")),
    (5, "Bank detail form with a trust badge", "smoke_test", "Ask 30 carriers to enter bank details online",
     "Completed forms", "20 of 30 complete", "3 days", None),
    (8, "Auto-match last month's invoices", "data_analysis", "Run the matching rule over last month's invoices",
     "Share matched within 5%", "At least 80% match", "2 days", None),
]


def _user(ctx, title: str):
    return next(u for u in ctx.leaders + ctx.members if u.title == title)


def _highlight(ctx, text: str):
    # The most recent highlight with this text whose conversation had a leader present.
    return (Highlight.objects.filter(workspace=ctx.workspace, text=text).select_related("conversation")
            .order_by("-conversation__occurred_at", "-id").first())


def build(ctx) -> None:
    ws = ctx.workspace
    initiatives = []
    for name, sponsor_title, segment, pain, committee, _ in INITIATIVES:
        sponsor = _user(ctx, sponsor_title)
        team = [sponsor, *ctx.rng.sample(ctx.members, k=2)]
        initiatives.append(services.save_initiative(ws, sponsor, {
            "name": name, "pain_statement": pain, "target_segment": ctx.segments[segment],
            "buying_committee": committee}, team=team))

    assumptions = []
    for index, statement, kind, topic, importance, supports, refutes, status in ASSUMPTIONS:
        initiative = initiatives[index]
        assumption = learning.save_assumption(ws, initiative.sponsor, {
            "statement": statement, "type": kind, "topic": topic, "importance": importance,
            "initiative": initiative})
        for direction, texts in (("supports", supports), ("refutes", refutes)):
            for text in texts:
                highlight = _highlight(ctx, text)
                if highlight is not None:
                    # Linked by whoever captured it: first-hand when they were in the conversation.
                    learning.link_evidence(assumption, highlight.created_by or initiative.sponsor,
                                           direction=direction, highlight=highlight)
        if status:
            learning.set_status(assumption, initiative.sponsor, status)
        assumptions.append(assumption)

    for index, title, method, test, metric, criteria, cost, card in EXPERIMENTS:
        assumption = assumptions[index]
        owner = assumption.initiative.sponsor
        experiment = learning.save_experiment(ws, owner, {
            "assumption": assumption, "title": title, "method": method, "test": test, "metric": metric,
            "success_criteria": criteria, "cost": cost, "deadline": (ctx.now + timedelta(days=21)).date()})
        if card:
            observation, lesson, met, decision, actions = card
            learning.complete_experiment(experiment, owner, observation=observation, learning=lesson,
                                         criteria_met=met, decision=decision, actions=actions)
    for assumption in assumptions:
        assumption.refresh_from_db()
        if assumption.suggested_status:
            learning.confirm_suggested_status(assumption, assumption.initiative.sponsor)

    _pilot(ctx, initiatives[0])
    for initiative, (*_, path) in zip(initiatives, INITIATIVES, strict=True):
        _walk(ctx, initiative, path)


def _walk(ctx, initiative, path) -> None:
    """Move along the stages: with the evidence where it is there, by a logged override where it is not."""
    days_ago = 20 * len(path)
    for to_stage, reason in path:
        try:
            move = services.move_initiative(initiative, initiative.sponsor, to_stage)
        except ValidationError:
            move = services.move_initiative(initiative, initiative.sponsor, to_stage, override=True,
                                            reason=reason or "The sponsor's call after the quarterly review.")
        when = ctx.now - timedelta(days=days_ago)
        StageMove.objects.filter(pk=move.pk).update(moved_at=when)
        initiative.stage_entered_at = when
        days_ago -= 20
    type(initiative).objects.filter(pk=initiative.pk).update(stage_entered_at=initiative.stage_entered_at)


def _pilot(ctx, initiative) -> None:
    """A finished pilot: alerts for eight enterprise and mid-market accounts, weekly escalations before and after."""
    candidates = [a for a in ctx.accounts if a.segment.name in ("Enterprise shippers", "Mid-market retailers")]
    chosen = sorted(ctx.rng.sample(candidates, k=min(8, len(candidates) // 2)), key=lambda a: a.pk)
    today = ctx.now.date()
    pilot_end = today - timedelta(days=7)
    pilot_start = pilot_end - timedelta(weeks=8) + timedelta(days=1)
    baseline_end = pilot_start - timedelta(days=1)
    pilot = services.save_pilot(initiative, initiative.sponsor, {
        "name": "Late-load text alerts, eight accounts", "metric_name": "Escalations per week",
        "change": "Planners get a text an hour before a load is predicted to miss its window.",
        "baseline_start": baseline_end - timedelta(weeks=8) + timedelta(days=1), "baseline_end": baseline_end,
        "pilot_start": pilot_start, "pilot_end": pilot_end, "expected_effect": -1.0}, pilot_accounts=chosen)
    services.draw_control_group(pilot, initiative.sponsor, seed=2026)
    rng = np.random.default_rng(2026)
    rows = []
    pilot_ids = {a.pk for a in chosen}
    for account_id in sorted(pilot_ids | set(pilot.control_accounts.values_list("pk", flat=True))):
        level = rng.uniform(3, 7)
        for period in ("baseline", "pilot"):
            effect = -1.3 if (account_id in pilot_ids and period == "pilot") else 0.0
            drift = 0.2 if period == "pilot" else 0.0
            for value in np.clip(level + drift + effect + rng.normal(0, 1.0, 8), 0, None):
                rows.append({"account": account_id, "period": period, "value": round(float(value), 1)})
    services.record_measurements(pilot, initiative.sponsor, rows)
    result = services.compute_result(pilot)
    services.decide_pilot(
        pilot, initiative.sponsor, decision="scale",
        observation=f"Escalations fell by {abs(result.effect):.1f} a week more than at the control accounts "
                    f"(95% interval {result.ci_low:.1f} to {result.ci_high:.1f}).",
        learning="Planners act on an early, specific alert; the effect held across both segments.",
        actions="Roll the alerts out to every enterprise account next quarter.")


