"""Marketplace coverage in the pulse and the digest: what each leader heard about first-hand in 90 days, beside the
team, and the one gap to close."""

from datetime import timedelta

import factories
from django.urls import reverse
from django.utils import timezone

from outsidein.conversations.models import Highlight, HighlightKind
from outsidein.core.services import create_owned
from outsidein.customers.models import Competitor, Product
from outsidein.engagement.digest import preview_digest, render_message
from outsidein.journeys.coverage import coverage, gap_to_close
from outsidein.workspaces.models import Membership


def test_each_leader_s_coverage_beside_the_team(workspace, owner, leader, segments) -> None:
    retail, wholesale = segments["Retail"], segments["Wholesale"]
    create_owned(Product, workspace, {"name": "TMS", "product_class": "Transportation management",
                                      "target_segments": [wholesale]})
    rival = create_owned(Competitor, workspace, {"name": "FreightPilot", "competitor_class": "direct"})
    create_owned(Competitor, workspace, {"name": "Sheets", "competitor_class": "substitute"})
    now = timezone.now()
    shop = factories.account(workspace, "Shop", segment=retail)
    depot = factories.account(workspace, "Depot", segment=wholesale)
    factories.conversation(workspace, members=[owner], account=shop, occurred_at=now - timedelta(days=5))
    talk = factories.conversation(workspace, members=[leader], account=depot, occurred_at=now - timedelta(days=20))
    Highlight.objects.create(workspace=workspace, conversation=talk, kind=HighlightKind.COMPETITOR_MENTION,
                             competitor=rival, text="They showed FreightPilot")
    factories.conversation(workspace, members=[owner], account=depot, occurred_at=now - timedelta(days=120))  # old

    mine = {(i.kind, i.name): (i.mine, i.leaders, i.of) for i in coverage(workspace, owner, now)}
    assert mine == {("segment", "Retail"): (True, 1, 2), ("segment", "Wholesale"): (False, 1, 2),
                    ("product class", "Transportation management"): (False, 1, 2),
                    ("competitor class", "direct"): (False, 1, 2), ("competitor class", "substitute"): (False, 0, 2)}
    gap = gap_to_close(coverage(workspace, owner, now))
    assert gap is not None and (gap.kind, gap.name) == ("segment", "Wholesale")
    assert gap.gap_sentence == ("You have not met a customer in Wholesale first-hand in 90 days "
                                "(1 of 2 leaders have).")


def test_the_pulse_and_the_digest_name_the_gap(owner_client, workspace, owner, segments) -> None:
    factories.conversation(workspace, members=[owner], account=factories.account(
        workspace, "Shop", segment=segments["Retail"]), occurred_at=timezone.now() - timedelta(days=2))
    page = owner_client.get(reverse("pulse", kwargs={"ws": workspace.slug})).content.decode()
    assert "The marketplace, heard first-hand" in page
    assert "You have not met a customer in Wholesale first-hand in 90 days (nor has anyone else)." in page
    digest = preview_digest(Membership.objects.get(workspace=workspace, user=owner))
    assert digest.figures["marketplace_gap"] == "segment: Wholesale"
    message = render_message(digest)
    assert "One gap to close: You have not met a customer in Wholesale" in message.body
    assert "One gap to close:</strong> You have not met a customer in Wholesale" in message.alternatives[0][0]
