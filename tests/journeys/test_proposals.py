"""Outside-In proposes evidence for a touchpoint by matching texts to its words with the themes' model; a person
accepts or rejects each proposal, and a rejected text is not proposed for that touchpoint again."""

import functools

import factories
import pytest

from outsidein.core import embeddings
from outsidein.insights import themes
from outsidein.journeys import selectors, services
from outsidein.journeys.models import EvidenceLink, LinkStatus

add_feedback = functools.partial(factories.feedback_item, source_name="survey")
INVOICES = ["The invoice amount never matches the quote", "We were invoiced twice for one load",
            "Invoice arrived with the wrong rate again", "Billing sent an invoice for a load we cancelled",
            "The invoice total does not match what sales quoted", "Every invoice needs a manual correction"]
TRACKING = ["The tracking page shows the truck in the wrong city", "Tracking updates stop after pick up",
            "No tracking update for two days while in transit", "The tracking link in the e-mail is broken",
            "Tracking said delivered but nothing arrived", "We call because tracking is never current"]
LOGIN = ["I cannot log in to the portal", "Password reset e-mail never arrives", "Locked out of my account again",
         "The portal logs me out every five minutes", "Two-factor code never reaches my phone",
         "Login page spins forever"]
METHODS = ["tfidf"] + (["embeddings"] if embeddings.is_available() else [])


@pytest.fixture
def canvas(workspace, owner, segment):
    journey = services.create_journey(workspace, owner, name="Shippers", segment=segment, template="shipment")
    invoice = services.add_touchpoint(journey.stages.get(name="Invoice"), name="Invoice arrives",
                                      expectation="The invoice matches the quote")
    tracking = services.add_touchpoint(journey.stages.get(name="In transit"), name="Tracking page",
                                       expectation="Tracking updates show where the load is")
    return journey, invoice, tracking


@pytest.mark.parametrize("method", METHODS)
def test_the_right_touchpoint_is_proposed_the_right_texts(workspace, canvas, method) -> None:
    _, invoice, tracking = canvas
    for text in INVOICES + TRACKING + LOGIN:
        add_feedback(workspace, text)
    themes.run_theme_analysis(workspace, k=3, method=method)

    proposed = services.propose_evidence(invoice)
    texts = [link.feedback_item.text for link in proposed]
    assert texts, "something is proposed"
    assert set(texts) <= set(INVOICES), texts  # nothing about tracking or logging in
    assert len(texts) >= 3
    assert all(link.status == LinkStatus.PROPOSED and link.proposed and link.score > 0 for link in proposed)
    tracked = [link.feedback_item.text for link in services.propose_evidence(tracking)]
    assert tracked and set(tracked) <= set(TRACKING), tracked


def test_a_rejected_text_is_never_proposed_again_and_an_accepted_one_counts(workspace, owner, canvas) -> None:
    journey, invoice, _ = canvas
    for text in INVOICES + TRACKING + LOGIN:
        add_feedback(workspace, text)
    themes.run_theme_analysis(workspace, k=3, method="tfidf")
    first = services.propose_evidence(invoice, limit=2)
    rejected, accepted = first
    services.decide(rejected, owner, accept=False)
    services.decide(accepted, owner, accept=True)

    again = services.propose_evidence(invoice)
    assert again, "the next closest text is proposed"
    assert {link.feedback_item_id for link in again}.isdisjoint({link.feedback_item_id for link in first})
    assert all(link.feedback_item.text in INVOICES for link in again)
    assert services.propose_evidence(invoice) == []  # each text once: the waiting proposals are not made twice
    assert EvidenceLink.objects.get(pk=rejected.pk).status == LinkStatus.REJECTED  # remembered, not deleted
    assert selectors.touchpoint_figures(journey)[invoice.pk].evidence == 1  # only the accepted one is evidence
    waiting = {link.pk for link in selectors.proposals_for(invoice)}
    assert waiting == {link.pk for link in again}


def test_nothing_is_proposed_before_a_theme_analysis(workspace, canvas) -> None:
    _, invoice, _ = canvas
    add_feedback(workspace, INVOICES[0])
    assert services.propose_evidence(invoice) == []
