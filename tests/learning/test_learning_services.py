"""Evidence strength and confidence through the services: facts derived from real highlights, conversations
and experiments (say vs do, first-hand vs relayed, one account vs many), suggestions a person confirms."""

import factories
import pytest
from django.core.exceptions import ValidationError

from outsidein.conversations import services as conversation_services
from outsidein.learning import services
from outsidein.learning.models import AssumptionStatus, Evidence


def conversation_at(workspace, user, account, *, kind: str = "coffee", members=None):
    return conversation_services.save_conversation(workspace, user, {"kind": kind, "account": account},
                                                   members=members or [user])


def quote(conversation, user, text="We lose hours chasing late loads.", kind="quote"):
    return conversation_services.add_highlight(conversation, user, kind=kind, text=text)


@pytest.fixture
def assumption(workspace, owner):
    return services.save_assumption(workspace, owner, {"statement": "Shippers lose hours chasing late loads",
                                                       "type": "desirability", "importance": 5})


def test_a_new_assumption_is_untested_with_no_confidence(assumption, owner):
    assert assumption.status == AssumptionStatus.UNTESTED
    assert assumption.owner == owner
    assert assumption.confidence == 0 and assumption.evidence_strength == 0


def test_what_people_do_outweighs_what_they_say(workspace, owner, segments, assumption):
    account = factories.account(workspace, "Harbour", segment=segments["Retail"])
    conversation = conversation_at(workspace, owner, account)
    said = services.link_evidence(assumption, owner, direction="supports", highlight=quote(conversation, owner))
    other = services.save_assumption(workspace, owner, {"statement": "Same, observed", "importance": 5})
    done = services.link_evidence(other, owner, direction="supports",
                                  highlight=quote(conversation, owner, "Watched her phone four carriers.",
                                                  kind="observation"))

    assert (said.behaviour, said.strength) == ("say", 0.4)
    assert (done.behaviour, done.strength) == ("do", 1.0)
    assert other.confidence == pytest.approx(1 / 3) and assumption.confidence == pytest.approx(0.4 / 2.4)
    assert "what people say (0.4)" in said.strength_reasons


def test_first_hand_for_the_person_linking_or_the_owner_otherwise_relayed(workspace, owner, member, segments,
                                                                          assumption):
    account = factories.account(workspace, "Harbour", segment=segments["Retail"])
    # The member met the customer; the owner (who owns the assumption) did not.
    conversation = conversation_at(workspace, member, account, members=[member])
    highlight = quote(conversation, member)

    relayed = services.link_evidence(assumption, owner, direction="supports", highlight=highlight)
    assert relayed.first_hand is False and relayed.strength == pytest.approx(0.2)
    assert "relayed by someone else (x0.5)" in relayed.strength_reasons

    services.unlink_evidence(relayed)
    first_hand = services.link_evidence(assumption, member, direction="supports", highlight=highlight)
    assert first_hand.first_hand is True and first_hand.strength == pytest.approx(0.4)

    # Handing the assumption to someone who was there keeps it first-hand, even for a link by someone else.
    services.unlink_evidence(first_hand)
    services.save_assumption(workspace, owner, {"owner": member}, assumption=assumption)
    via_owner = services.link_evidence(assumption, owner, direction="supports", highlight=highlight)
    assert via_owner.first_hand is True


def test_many_accounts_outweigh_many_notes_from_one(workspace, owner, segments):
    one = services.save_assumption(workspace, owner, {"statement": "From one account"})
    many = services.save_assumption(workspace, owner, {"statement": "From many accounts"})
    harbour = factories.account(workspace, "Harbour", segment=segments["Retail"])
    for index in range(10):
        services.link_evidence(one, owner, direction="supports",
                               highlight=quote(conversation_at(workspace, owner, harbour), owner, f"Note {index}"))
        account = factories.account(workspace, f"Account {index}", segment=segments["Retail"])
        services.link_evidence(many, owner, direction="supports",
                               highlight=quote(conversation_at(workspace, owner, account), owner, f"Note {index}"))
    one.refresh_from_db()
    many.refresh_from_db()
    # docs/evidence.md, examples A and B.
    assert one.confidence == pytest.approx(0.2855, abs=1e-3)
    assert many.confidence == pytest.approx(4 / 6)
    assert many.suggested_status == ""  # opinions alone never validate


def test_the_account_of_the_person_quoted_counts_over_the_conversations(workspace, owner, segments, assumption):
    harbour = factories.account(workspace, "Harbour", segment=segments["Retail"])
    other = factories.account(workspace, "Quayside", segment=segments["Wholesale"])
    person = factories.person(workspace, "Ann", account=other)
    conversation = conversation_at(workspace, owner, harbour)
    highlight = conversation_services.add_highlight(conversation, owner, kind="quote", text="x", person=person)
    evidence = services.link_evidence(assumption, owner, direction="supports", highlight=highlight)
    assert (evidence.account, evidence.segment) == (other, segments["Wholesale"])


def test_a_site_visit_conversation_counts_as_do_a_coffee_as_say(workspace, owner, segments, assumption):
    account = factories.account(workspace, "Harbour", segment=segments["Retail"])
    visit = services.link_evidence(assumption, owner, direction="refutes",
                                   conversation=conversation_at(workspace, owner, account, kind="site_visit"))
    coffee = services.link_evidence(assumption, owner, direction="refutes",
                                    conversation=conversation_at(workspace, owner, account, kind="coffee"))
    assert (visit.behaviour, coffee.behaviour) == ("do", "say")
    assumption.refresh_from_db()
    assert assumption.confidence < 0


def test_strong_refuting_evidence_suggests_invalidated_and_a_person_confirms(workspace, owner, segments,
                                                                            assumption):
    for index in range(3):
        account = factories.account(workspace, f"Account {index}", segment=segments[("Retail", "Wholesale")[index % 2]])
        conversation = conversation_at(workspace, owner, account, kind="site_visit")
        services.link_evidence(assumption, owner, direction="refutes",
                               highlight=quote(conversation, owner, "They already track it", kind="observation"))
    assumption.refresh_from_db()
    assert assumption.confidence <= -0.6
    assert assumption.suggested_status == "invalidated"
    assert assumption.status == AssumptionStatus.TESTING  # never changes by itself

    services.confirm_suggested_status(assumption, owner)
    assumption.refresh_from_db()
    assert assumption.status == AssumptionStatus.INVALIDATED
    assert assumption.status_changed_by == owner
    assert assumption.suggested_status == ""


def test_confirming_without_a_suggestion_is_refused(assumption, owner):
    with pytest.raises(ValidationError):
        services.confirm_suggested_status(assumption, owner)


def test_evidence_needs_exactly_one_source_of_the_same_workspace(workspace, owner, other_workspace, segments,
                                                                assumption):
    account = factories.account(workspace, "Harbour", segment=segments["Retail"])
    conversation = conversation_at(workspace, owner, account)
    with pytest.raises(ValidationError):
        services.link_evidence(assumption, owner, direction="supports")
    with pytest.raises(ValidationError):
        services.link_evidence(assumption, owner, direction="supports", conversation=conversation,
                               highlight=quote(conversation, owner))
    stranger = other_workspace.memberships.get().user
    theirs = conversation_services.save_conversation(other_workspace, stranger, {"kind": "coffee"})
    from django.http import Http404

    with pytest.raises(Http404):
        services.link_evidence(assumption, owner, direction="supports", conversation=theirs)
    services.link_evidence(assumption, owner, direction="supports", conversation=conversation)
    with pytest.raises(ValidationError):
        services.link_evidence(assumption, owner, direction="refutes", conversation=conversation)


def test_unlinking_evidence_brings_confidence_back(workspace, owner, segments, assumption):
    account = factories.account(workspace, "Harbour", segment=segments["Retail"])
    evidence = services.link_evidence(assumption, owner, direction="supports",
                                      conversation=conversation_at(workspace, owner, account))
    assert assumption.confidence > 0
    services.unlink_evidence(evidence)
    assumption.refresh_from_db()
    assert assumption.confidence == 0 and assumption.evidence_strength == 0


def test_unlinking_evidence_whose_assumption_was_just_deleted_is_not_an_error(workspace, owner, assumption):
    # Two requests at once: one deletes the assumption (and its evidence with it) after the other read the link.
    account = factories.account(workspace, "Harbour")
    evidence = services.link_evidence(assumption, owner, direction="supports",
                                      conversation=conversation_at(workspace, owner, account))
    type(assumption).objects.filter(pk=assumption.pk).delete()
    assert services.unlink_evidence(evidence) is None


def test_a_completed_experiment_becomes_do_evidence_on_its_assumption(workspace, owner, assumption):
    experiment = services.save_experiment(workspace, owner, {
        "assumption": assumption, "title": "Concierge tracking", "test": "Call 5 shippers for a week",
        "metric": "Hours saved", "success_criteria": "3 of 5 save an hour a day"})
    assert not experiment.is_done and not assumption.evidence.exists()

    services.complete_experiment(experiment, owner, observation="2 of 5 saved time", learning="Only big shippers",
                                 criteria_met=False, decision="pivot", actions="Try enterprise only")

    evidence = Evidence.objects.get(experiment=experiment)
    assert (evidence.direction, evidence.behaviour, evidence.first_hand, evidence.strength) == (
        "refutes", "do", True, 1.0)
    assumption.refresh_from_db()
    assert assumption.confidence == pytest.approx(-1 / 3)
    # Correcting the learning card turns the evidence round rather than adding more.
    services.complete_experiment(experiment, owner, observation="4 of 5", learning="It works", criteria_met=True,
                                 decision="persevere")
    assert Evidence.objects.filter(experiment=experiment).get().direction == "supports"
    assumption.refresh_from_db()
    assert assumption.confidence == pytest.approx(1 / 3)


def test_a_learning_card_needs_observation_learning_and_a_result(workspace, owner, assumption):
    experiment = services.save_experiment(workspace, owner, {
        "assumption": assumption, "title": "T", "test": "t", "metric": "m", "success_criteria": "c"})
    with pytest.raises(ValidationError) as caught:
        services.complete_experiment(experiment, owner, observation=" ", learning="", criteria_met=None,
                                     decision="stop")
    assert set(caught.value.message_dict) == {"observation", "learning", "criteria_met"}


def test_deleting_the_source_of_evidence_recomputes_confidence(workspace, owner, segments, assumption):
    account = factories.account(workspace, "Harbour", segment=segments["Retail"])
    highlight = quote(conversation_at(workspace, owner, account), owner)
    services.link_evidence(assumption, owner, direction="supports", highlight=highlight)
    assert assumption.confidence > 0
    conversation_services.delete_highlight(highlight)
    assumption.refresh_from_db()
    assert (assumption.confidence, assumption.evidence_strength, assumption.evidence.count()) == (0, 0, 0)


def test_deleting_an_experiment_takes_its_evidence_and_recomputes(workspace, owner, assumption):
    experiment = services.save_experiment(workspace, owner, {
        "assumption": assumption, "title": "T", "test": "t", "metric": "m", "success_criteria": "c"})
    services.complete_experiment(experiment, owner, observation="o", learning="l", criteria_met=True,
                                 decision="persevere")
    services.delete_experiment(experiment)
    assumption.refresh_from_db()
    assert assumption.confidence == 0
    services.delete_assumption(assumption)  # the evidence goes with it, quietly
