"""The gap between what we believe a touchpoint does and what the evidence says, on constructed journeys."""

from datetime import timedelta
from decimal import Decimal

import factories
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from outsidein.conversations.models import Highlight
from outsidein.journeys import selectors, services
from outsidein.journeys.gaps import MIN_EVIDENCE, TouchpointFigures, widest_gap
from outsidein.journeys.models import Belief, EvidenceLink, LinkStatus


def test_the_gap_is_belief_minus_experience_on_one_scale() -> None:
    f = TouchpointFigures(1, Belief.VERY_WELL, evidence=4, first_hand=1, sentiment=-0.5, revenue=None)
    assert f.gap == 1.5 and f.first_hand_share == 0.25 and f.painful
    calm = TouchpointFigures(2, Belief.SO_SO, evidence=4, first_hand=0, sentiment=0.3, revenue=None)
    assert calm.gap == -0.3 and not calm.painful  # better than we thought


def test_the_widest_gap_needs_enough_evidence_and_counts_either_way() -> None:
    loud = TouchpointFigures(1, Belief.VERY_WELL, evidence=MIN_EVIDENCE - 1, first_hand=0, sentiment=-1.0,
                             revenue=None)
    under = TouchpointFigures(2, Belief.BADLY, evidence=5, first_hand=2, sentiment=0.4, revenue=None)  # gap -1.4
    over = TouchpointFigures(3, Belief.WELL, evidence=9, first_hand=2, sentiment=-0.6, revenue=None)  # gap 1.1
    assert widest_gap([loud, under, over]) is under
    assert widest_gap([loud]) is None
    assert loud.gap == 2.0 and not loud.painful  # shown, never called out on two angry e-mails


@pytest.fixture
def journey(workspace, owner, segment):
    return services.create_journey(workspace, owner, name="Shippers", segment=segment, template="shipment")


def test_a_journey_starts_with_its_template_s_stages(journey) -> None:
    assert [s.name for s in journey.stages.order_by("position")] == ["Quote", "Book", "Pick up", "In transit",
                                                                     "Deliver", "Invoice"]


def test_a_template_that_does_not_exist_is_named(workspace, owner, segment) -> None:
    with pytest.raises(ValidationError, match="No journey template 'nope'"):
        services.create_journey(workspace, owner, name="X", segment=segment, template="nope")


def test_each_touchpoint_shows_its_accepted_evidence_in_figures(workspace, owner, journey, segment) -> None:
    invoice = services.add_touchpoint(journey.stages.get(name="Invoice"), name="Invoice arrives",
                                      expectation="The invoice matches the quote", belief=Belief.VERY_WELL)
    tracking = services.add_touchpoint(journey.stages.get(name="In transit"), name="Tracking page",
                                       belief=Belief.SO_SO)
    big = factories.account(workspace, "Big Co", segment=segment, annual_revenue=Decimal("900000"))
    small = factories.account(workspace, "Small Co", segment=segment, annual_revenue=Decimal("100000"))
    talk = factories.conversation(workspace, members=[owner], account=big,
                                  occurred_at=timezone.now() - timedelta(days=3))
    heard = [Highlight.objects.create(workspace=workspace, conversation=talk, text=t)
             for t in ("Invoices never match", "Billing is a mess")]
    for h, s in zip(heard, (-0.8, -0.6), strict=True):  # as the scorer might have it, without depending on it
        Highlight.objects.filter(pk=h.pk).update(sentiment=s)
    relayed = [factories.feedback_item(workspace, t, account=a, sentiment=s) for t, s, a in
               [("Wrong amount again", -0.4, small), ("Invoice fine", 0.2, big), ("No comment", None, small)]]
    for h in heard:
        services.link_evidence(invoice, owner, highlight=h)
    for item in relayed:
        services.link_evidence(invoice, owner, feedback_item=item)
    # A proposal not yet accepted and a rejected link are not evidence.
    EvidenceLink.objects.create(workspace=workspace, touchpoint=tracking, status=LinkStatus.PROPOSED,
                                feedback_item=relayed[0], proposed=True, score=0.5)
    services.decide(EvidenceLink.objects.create(workspace=workspace, touchpoint=tracking, highlight=heard[0],
                                                status=LinkStatus.PROPOSED), owner, accept=False)

    figures = selectors.touchpoint_figures(journey)
    f = figures[invoice.pk]
    assert (f.evidence, f.first_hand) == (5, 2)
    assert f.sentiment == pytest.approx((-0.8 - 0.6 - 0.4 + 0.2) / 4, abs=1e-3)  # the unscored one is left out
    assert f.revenue == Decimal("1000000")  # two distinct accounts, each once
    assert f.gap == pytest.approx(1.0 + 0.4, abs=1e-3) and f.painful
    assert figures[tracking.pk].evidence == 0 and figures[tracking.pk].gap is None
    assert widest_gap(figures.values()) == f


def test_evidence_of_another_workspace_cannot_be_linked(workspace, owner, journey, other_workspace) -> None:
    touchpoint = services.add_touchpoint(journey.stages.first(), name="Quote request")
    foreign = factories.feedback_item(other_workspace, "Not yours")
    with pytest.raises(Http404):  # as for every row of another workspace
        services.link_evidence(touchpoint, owner, feedback_item=foreign)
    assert not EvidenceLink.objects.exists()
