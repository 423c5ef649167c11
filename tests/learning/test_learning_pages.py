"""The assumption and experiment pages as a member uses them: the map with its corner, linking a highlight
as evidence and seeing the confidence move, confirming a suggested status, test and learning cards."""

import html
import re

import factories
import pytest
from django.urls import reverse

from outsidein.conversations import services as conversation_services
from outsidein.learning import services
from outsidein.learning.models import Assumption, Evidence, Experiment


def url(name: str, workspace, **kwargs) -> str:
    return reverse(name, kwargs={"ws": workspace.slug, **kwargs})


def text_of(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(body).split())


@pytest.fixture
def assumption(workspace, owner):
    return services.save_assumption(workspace, owner, {"statement": "Shippers lose hours chasing late loads",
                                                       "importance": 5})


@pytest.fixture
def highlight(workspace, owner):
    account = factories.account(workspace, "Harbour", segment=factories.segment(workspace, "Retail"))
    conversation = conversation_services.save_conversation(workspace, owner, {"kind": "coffee", "account": account})
    return conversation_services.add_highlight(conversation, owner, kind="quote",
                                               text="Honestly, late loads are not a problem for us")


def test_creating_an_assumption_from_the_form(owner_client, workspace, owner):
    response = owner_client.post(url("assumption-create", workspace), {
        "statement": "Drivers want payment within five days", "type": "viability", "topic": "revenue",
        "importance": 4, "owner": owner.pk})
    assumption = Assumption.objects.get(workspace=workspace)
    assert response.status_code == 302 and response["Location"] == assumption.get_absolute_url()
    assert (assumption.type, assumption.topic, assumption.importance) == ("viability", "revenue", 4)


def test_a_bad_assumption_form_names_the_field(owner_client, workspace):
    response = owner_client.post(url("assumption-create", workspace), {"statement": "", "importance": 9,
                                                                      "type": "desirability", "topic": "other"})
    assert response.status_code == 422
    assert 'id="field-statement"' in response.content.decode() and "field-error" in response.content.decode()
    assert not Assumption.objects.exists()


def test_the_map_calls_out_the_important_and_unproven_corner(owner_client, workspace, assumption, owner):
    services.save_assumption(workspace, owner, {"statement": "Minor detail", "importance": 1})
    response = owner_client.get(url("assumption-list", workspace))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<svg" in content and "Important and unproven" in content
    page = text_of(response)
    assert "Important and unproven: test these first Shippers lose hours chasing late loads" in page
    assert "Minor detail" in page


def test_linking_a_highlight_as_refuting_moves_confidence_and_the_map(owner_client, workspace, assumption,
                                                                     highlight):
    before = owner_client.get(url("assumption-detail", workspace, assumption_id=assumption.pk)).content.decode()
    search = owner_client.get(url("evidence-search", workspace, assumption_id=assumption.pk), {"q": "late loads"})
    assert "Honestly, late loads are not a problem" in search.content.decode()
    assert "Whole conversations" in search.content.decode()  # its conversation matches through the highlight

    response = owner_client.post(url("evidence-link", workspace, assumption_id=assumption.pk),
                                 {"highlight_id": highlight.pk, "direction": "refutes"})
    assert response.status_code == 302
    page = owner_client.get(url("assumption-detail", workspace, assumption_id=assumption.pk))
    text = text_of(page)
    assert "Confidence −0.17" in text  # a first-hand quote against: -0.4 / (0.4 + 2)
    assert "Refutes (1)" in text and "first-hand" in text
    assert re.search(r"circle cx='([\d.]+)'", before)[1] != re.search(r"circle cx='([\d.]+)'",
                                                                      page.content.decode())[1]


def test_a_suggested_status_is_confirmed_by_a_person(owner_client, workspace, owner, assumption):
    for index in range(3):
        account = factories.account(workspace, f"Account {index}")
        conversation = conversation_services.save_conversation(workspace, owner, {"kind": "site_visit",
                                                                                  "account": account})
        services.link_evidence(assumption, owner, direction="supports", conversation=conversation)
    page = text_of(owner_client.get(url("assumption-detail", workspace, assumption_id=assumption.pk)))
    assert "The evidence suggests: validated." in page
    owner_client.post(url("assumption-confirm", workspace, assumption_id=assumption.pk))
    assumption.refresh_from_db()
    assert assumption.status == "validated"


def test_unlinking_evidence_from_the_page(owner_client, workspace, owner, assumption, highlight):
    evidence = services.link_evidence(assumption, owner, direction="supports", highlight=highlight)
    owner_client.post(url("evidence-unlink", workspace, evidence_id=evidence.pk))
    assert not Evidence.objects.exists()
    assumption.refresh_from_db()
    assert assumption.confidence == 0


def test_a_viewer_sees_the_evidence_but_no_link_buttons(viewer_client, workspace, assumption):
    page = viewer_client.get(url("assumption-detail", workspace, assumption_id=assumption.pk)).content.decode()
    assert "Link a highlight or a conversation as evidence" not in page
    assert viewer_client.post(url("evidence-link", workspace, assumption_id=assumption.pk),
                              {"direction": "supports"}).status_code == 403


def test_a_test_card_and_its_learning_card(owner_client, workspace, owner, assumption):
    response = owner_client.post(url("experiment-create", workspace), {
        "assumption": assumption.pk, "title": "Concierge tracking", "method": "concierge",
        "test": "Phone five shippers when a load runs late", "metric": "Hours saved a week",
        "success_criteria": "Three of five save an hour a day", "owner": owner.pk})
    experiment = Experiment.objects.get()
    assert response["Location"] == experiment.get_absolute_url()
    page = text_of(owner_client.get(experiment.get_absolute_url()))
    assert "We are right if Three of five save an hour a day" in page

    bad = owner_client.post(url("experiment-complete", workspace, experiment_id=experiment.pk),
                            {"observation": "", "decision": "pivot"})
    assert bad.status_code == 422
    owner_client.post(url("experiment-complete", workspace, experiment_id=experiment.pk), {
        "observation": "Four of five saved time", "learning": "It works for big shippers", "criteria_met": "yes",
        "decision": "persevere", "actions": "Build it"})
    experiment.refresh_from_db()
    assert experiment.is_done and experiment.criteria_met is True
    assert "supports evidence on the assumption" in text_of(owner_client.get(experiment.get_absolute_url()))
    assert "Concierge tracking" in text_of(owner_client.get(url("experiment-list", workspace)))


def test_a_decided_assumption_leaves_the_important_and_unproven_list(owner_client, workspace, owner, assumption):
    services.set_status(assumption, owner, "invalidated")
    page = text_of(owner_client.get(url("assumption-list", workspace)))
    assert "Important and unproven: test these first" not in page
    assert "Shippers lose hours chasing late loads" in page


def _queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_pages_cost_the_same_queries_whatever_the_number_of_rows(owner_client, workspace, owner, highlight):
    from outsidein.initiatives import services as initiative_services

    initiative = initiative_services.save_initiative(workspace, owner, {"name": "I", "pain_statement": "p"})

    def grow(count: int) -> None:
        for index in range(count):
            a = services.save_assumption(workspace, owner, {"statement": f"A {index} {Assumption.objects.count()}",
                                                            "initiative": initiative})
            conversation = conversation_services.save_conversation(workspace, owner, {"kind": "coffee"})
            services.link_evidence(a, owner, direction="supports", conversation=conversation)
            services.save_experiment(workspace, owner, {"assumption": a, "title": "t", "test": "t", "metric": "m",
                                                        "success_criteria": "c"})

    pages = [url("assumption-list", workspace), url("experiment-list", workspace), initiative.get_absolute_url(),
             url("initiative-board", workspace)]
    grow(2)
    few = [_queries(owner_client, p) for p in pages]
    grow(6)
    assert [_queries(owner_client, p) for p in pages] == few
