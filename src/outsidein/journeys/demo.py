"""Demo journeys: an enterprise shipper's shipment end to end and a retailer's life as a customer, each touchpoint
with what the team believes, and evidence found by the product's own proposals and decided as a team would (the
closest texts accepted, one rejected so the canvas shows a decision remembered)."""

from typing import Any

from outsidein.journeys import services
from outsidein.journeys.models import Belief

# journey name, segment, template, {stage: [(touchpoint, channel, owner team, expectation, belief)]}
JOURNEYS = [
    ("A shipment, end to end", "Enterprise shippers", "shipment", {
        "Quote": [("Rate quote", "e-mail", "Sales", "A firm rate for the lane within a day", Belief.WELL)],
        "Book": [("Booking in the portal", "web portal", "Product", "Book a load in a few clicks", Belief.WELL)],
        "Pick up": [("Dock appointment", "phone", "Operations", "The truck arrives in the agreed slot",
                     Belief.WELL)],
        "In transit": [("Tracking updates", "web portal", "Product",
                        "Tracking shows where the load is and when it will arrive", Belief.VERY_WELL),
                       ("Late-load alert", "text message", "Operations",
                        "Hear before the customer does that a load is late", Belief.SO_SO)],
        "Deliver": [("Proof of delivery", "web portal", "Operations",
                     "Proof of delivery is uploaded the same day", Belief.WELL)],
        "Invoice": [("Invoice arrives", "e-mail", "Finance", "The invoice matches the quote, with no surprises",
                     Belief.VERY_WELL),
                    ("Detention charges", "invoice", "Finance", "Detention is charged only when we caused it",
                     Belief.WELL)],
    }),
    ("Life as a customer", "Mid-market retailers", "business", {
        "Onboard": [("Portal set-up", "web portal", "Customer success", "Up and running in the first week",
                     Belief.WELL),
                    ("EDI connection", "EDI", "Integrations", "Orders flow in without retyping", Belief.SO_SO)],
        "Use": [("Mobile app", "app", "Product", "Check a load from the phone", Belief.WELL)],
        "Get help": [("Support call", "phone", "Support", "Support knows our lanes and answers on the first call",
                      Belief.VERY_WELL)],
        "Renew": [("Contract renewal", "meeting", "Sales", "A renewal that reflects how the year went",
                   Belief.WELL)],
    }),
]
ACCEPTED_PER_TOUCHPOINT = 5
# The go-to-market written per product class and segment (where the products' own notes are not enough).
MARKET_NOTES = [
    ("Transportation management", "Enterprise shippers",
     "Direct sales with a solutions engineer; a 90-day pilot on two lanes, then an annual contract per load band. "
     "We win on tracking accuracy and lose on invoicing: lead with Freight Audit & Pay."),
    ("Transportation management", "Independent carriers",
     "Not a target: carriers meet us through the free Carrier Portal when a shipper invites them."),
    ("Finance", "Enterprise shippers",
     "Cross-sell after six months on the TMS, when the first invoice disputes come in; priced on invoice volume."),
]


def build(ctx: Any) -> None:
    leader = ctx.leaders[0] if ctx.leaders else None
    for product_class, segment, note in MARKET_NOTES:
        services.save_market_note(ctx.workspace, leader, product_class=product_class, segment=ctx.segments[segment],
                                  note=note)
    for name, segment, template, stages in JOURNEYS:
        journey = services.create_journey(ctx.workspace, leader, name=name, segment=ctx.segments[segment],
                                          template=template)
        by_name = {s.name: s for s in journey.stages.all()}
        for stage_name, touchpoints in stages.items():
            for touchpoint_name, channel, team, expectation, belief in touchpoints:
                touchpoint = services.add_touchpoint(by_name[stage_name], name=touchpoint_name, channel=channel,
                                                     owner_team=team, expectation=expectation, belief=belief)
                proposed = services.propose_evidence(touchpoint)
                for i, link in enumerate(proposed):
                    if i < ACCEPTED_PER_TOUCHPOINT:
                        services.decide(link, leader, accept=True)
                    elif i == ACCEPTED_PER_TOUCHPOINT:
                        services.decide(link, leader, accept=False)

