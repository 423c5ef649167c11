"""A feedback item (a survey response, ticket, review or sales note) as evidence on an assumption: what
customers say, relayed, from the item's account and segment; linked from the page and through the API,
never across workspaces."""


import factories
import pytest
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse

from outsidein.learning import services
from outsidein.learning.models import Evidence


@pytest.fixture
def account(workspace):
    return factories.account(workspace, "Harbour", segment=factories.segment(workspace, "Retail"))


@pytest.fixture
def item(workspace, account):
    return factories.feedback_item(workspace, "Tracking late loads by phone eats our mornings", account=account,
                                   nps=3, source="survey")


@pytest.fixture
def assumption(workspace, owner):
    return services.save_assumption(workspace, owner, {"statement": "Shippers lose hours chasing late loads",
                                                       "importance": 5})


@pytest.fixture
def their_item(other_workspace):
    return factories.feedback_item(other_workspace, "Late loads are fine for us", nps=10)


def test_a_feedback_item_is_relayed_say_evidence_from_its_account(assumption, owner, item, account):
    evidence = services.link_evidence(assumption, owner, direction="supports", feedback_item=item)

    assert (evidence.source_kind, evidence.source) == ("feedback", item)
    assert (evidence.behaviour, evidence.first_hand) == ("say", False)
    assert (evidence.account_id, evidence.segment_id) == (account.pk, account.segment_id)
    assert evidence.strength == pytest.approx(0.4 * 0.5)
    assert evidence.strength_reasons == ["what people say (0.4)", "relayed by someone else (x0.5)"]
    assumption.refresh_from_db()
    assert assumption.status == "testing" and assumption.confidence == pytest.approx(0.2 / 2.2)


def test_the_same_feedback_item_is_linked_once(assumption, owner, item):
    services.link_evidence(assumption, owner, direction="supports", feedback_item=item)
    with pytest.raises(Exception, match="already linked"):
        services.link_evidence(assumption, owner, direction="refutes", feedback_item=item)


def test_a_feedback_item_of_another_workspace_is_not_found(assumption, owner, their_item):
    with pytest.raises(Http404):
        services.link_evidence(assumption, owner, direction="supports", feedback_item=their_item)
    assert not Evidence.objects.exists()


def test_the_database_refuses_a_feedback_item_beside_another_source(assumption, owner, item):
    evidence = services.link_evidence(assumption, owner, direction="supports", feedback_item=item)
    experiment = services.save_experiment(assumption.workspace, owner, {
        "assumption": assumption, "title": "t", "test": "t", "metric": "m", "success_criteria": "s"})
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.filter(pk=evidence.pk).update(experiment=experiment)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.filter(pk=evidence.pk).update(source_kind="highlight")


def test_deleting_the_feedback_item_removes_its_evidence_and_the_confidence(assumption, owner, item):
    services.link_evidence(assumption, owner, direction="supports", feedback_item=item)
    item.delete()
    assumption.refresh_from_db()
    assert not Evidence.objects.exists() and assumption.confidence == 0


# --- the assumption page -------------------------------------------------------------------------------

def url(name: str, workspace, **kwargs) -> str:
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


def test_search_shows_feedback_with_its_score_and_links_it(owner_client, workspace, assumption, item,
                                                           their_item):
    search = owner_client.get(url("evidence-search", workspace, assumption_id=assumption.pk), {"q": "late loads"})
    page = search.content.decode()
    assert "Tracking late loads by phone eats our mornings" in page and "NPS 3" in page
    assert "Late loads are fine for us" not in page  # the other workspace's feedback

    response = owner_client.post(url("evidence-link", workspace, assumption_id=assumption.pk),
                                 {"feedback_item_id": item.pk, "direction": "refutes"})
    assert response.status_code == 302
    detail = owner_client.get(url("assumption-detail", workspace, assumption_id=assumption.pk)).content.decode()
    assert "Refutes (1)" in detail and "relayed" in detail and "Harbour" in detail
    assert item.get_absolute_url() in detail
    again = owner_client.get(url("evidence-search", workspace, assumption_id=assumption.pk), {"q": "late loads"})
    assert "Tracking late loads" not in again.content.decode()  # already linked


def test_the_page_cannot_link_another_workspaces_feedback(owner_client, workspace, assumption, their_item):
    response = owner_client.post(url("evidence-link", workspace, assumption_id=assumption.pk),
                                 {"feedback_item_id": their_item.pk, "direction": "supports"})
    assert response.status_code == 404
    assert not Evidence.objects.exists()


# --- the API ----------------------------------------------------------------------------------------------

def test_linking_feedback_through_the_api(api, assumption, item, account):
    response = api("POST", f"/assumptions/{assumption.pk}/evidence", {"direction": "supports",
                                                                       "feedback_item_id": item.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["source_kind"], body["feedback_item_id"], body["behaviour"], body["first_hand"]) == (
        "feedback", item.pk, "say", False)
    assert (body["account_id"], body["segment_id"], body["strength"]) == (account.pk, account.segment_id, 0.2)
    listed = api("GET", f"/assumptions/{assumption.pk}/evidence").json()
    assert [e["feedback_item_id"] for e in listed] == [item.pk]


def test_the_api_reports_another_workspaces_feedback_as_unknown(api, assumption, their_item):
    response = api("POST", f"/assumptions/{assumption.pk}/evidence", {"direction": "supports",
                                                                       "feedback_item_id": their_item.pk})
    assert response.status_code == 422
    assert ["body", "payload", "feedback_item_id"] in [e["loc"] for e in response.json()["detail"]]
    assert not Evidence.objects.exists()
