"""From a painful touchpoint to action: an assumption or an initiative (nail the pain) with the touchpoint's
evidence attached, and the initiative's page showing the touchpoints it addresses."""

import factories
from django.urls import reverse

from outsidein.initiatives.models import Initiative, Stage
from outsidein.journeys import services
from outsidein.journeys.models import Belief
from outsidein.learning.models import Assumption, Direction, Evidence


def painful_touchpoint(workspace, owner, segment):
    journey = services.create_journey(workspace, owner, name="Shippers", segment=segment, template="shipment")
    touchpoint = services.add_touchpoint(journey.stages.get(name="Invoice"), name="Invoice arrives",
                                         expectation="The invoice matches the quote", belief=Belief.VERY_WELL)
    texts = [("The invoice never matches the quote", -0.7), ("Billed twice again", -0.9), ("Invoice ok", 0.1)]
    items = [factories.feedback_item(workspace, t, sentiment=s) for t, s in texts]
    for item in items:
        services.link_evidence(touchpoint, owner, feedback_item=item)
    return touchpoint, items


def test_an_initiative_starts_from_a_touchpoint_with_its_evidence(owner_client, workspace, owner, segment) -> None:
    touchpoint, items = painful_touchpoint(workspace, owner, segment)
    response = owner_client.post(reverse("touchpoint-start", kwargs={"ws": workspace.slug,
                                                                     "touchpoint_id": touchpoint.pk}),
                                 {"what": "initiative"})
    initiative = Initiative.objects.get(workspace=workspace)
    assert response.status_code == 302 and response["Location"] == initiative.get_absolute_url()
    assert initiative.stage == Stage.PAIN and initiative.target_segment == segment
    assert initiative.pain_statement == "Billed twice again"  # the customers' own words, the most negative
    assumption = Assumption.objects.get(initiative=initiative)
    assert "“Invoice arrives” as a pain" in assumption.statement
    evidence = Evidence.objects.filter(assumption=assumption)
    assert {e.feedback_item_id for e in evidence} == {i.pk for i in items}
    assert {e.direction for e in evidence} == {Direction.SUPPORTS}
    page = owner_client.get(initiative.get_absolute_url()).content.decode()
    assert "Journey touchpoints it addresses" in page and touchpoint.get_absolute_url() in page


def test_an_assumption_starts_from_a_touchpoint(owner_client, workspace, owner, segment) -> None:
    touchpoint, _items = painful_touchpoint(workspace, owner, segment)
    owner_client.post(reverse("touchpoint-start", kwargs={"ws": workspace.slug, "touchpoint_id": touchpoint.pk}),
                      {"what": "assumption"})
    assumption = Assumption.objects.get(workspace=workspace)
    assert assumption.initiative is None and Evidence.objects.filter(assumption=assumption).count() == 3
    assert list(touchpoint.assumptions.all()) == [assumption]
    page = owner_client.get(touchpoint.get_absolute_url()).content.decode()
    assert assumption.get_absolute_url() in page  # "started from here"


def test_an_initiative_without_touchpoints_shows_no_such_section(owner_client, workspace, owner) -> None:
    from outsidein.initiatives import services as initiative_services

    initiative = initiative_services.save_initiative(workspace, owner, {"name": "Other", "pain_statement": "x"})
    assert "Journey touchpoints" not in owner_client.get(initiative.get_absolute_url()).content.decode()
