"""The quick log with someone not yet in the product, offered meetings, and the same entry sent twice."""

import threading
from datetime import timedelta

import factories
import pytest
from django.db import connection
from django.utils import timezone

from outsidein.conversations import quick_log
from outsidein.conversations.models import Conversation, Highlight
from outsidein.customers.models import Account, Person


def log(client, workspace, follow=False, **fields):
    return client.post(f"/w/{workspace.slug}/conversations/log/", {"kind": "coffee", "notes": "Met them.", **fields},
                       follow=follow)


def test_a_new_person_at_a_new_account_is_added_with_the_conversation(owner_client, workspace):
    response = log(owner_client, workspace, new_person="  Dana   Reyes ", new_person_role="buyer",
                   new_account="Harbor Logistics", highlight_text="We print every label twice.")
    assert response.status_code == 302, response.content.decode()
    conversation = Conversation.objects.get()
    dana = Person.objects.get()
    assert (dana.name, dana.role, dana.account.name) == ("Dana Reyes", "buyer", "Harbor Logistics")
    assert conversation.account == dana.account and list(conversation.persons.all()) == [dana]
    assert Highlight.objects.get().person == dana


def test_a_name_typed_again_finds_the_person_and_account_instead_of_a_second(owner_client, workspace):
    log(owner_client, workspace, new_person="Dana Reyes", new_account="Harbor Logistics")
    log(owner_client, workspace, new_person="dana reyes", new_account="HARBOR logistics")
    assert Account.objects.count() == 1 and Person.objects.count() == 1
    assert Conversation.objects.count() == 2  # two coffees with her, not two Danas


def test_a_new_person_at_an_account_already_chosen(owner_client, workspace, account):
    log(owner_client, workspace, account=account.pk, new_person="Ravi Patel")
    assert Person.objects.get(name="Ravi Patel").account == account
    assert Conversation.objects.get().account == account


def test_someone_new_beside_a_choice_is_refused_with_the_typing_kept(owner_client, workspace, person, account):
    response = log(owner_client, workspace, person=person.pk, new_person="Ravi Patel", account=account.pk,
                   new_account="Harbor Logistics")
    html = response.content.decode()
    assert response.status_code == 422
    assert "clear that choice to add someone new" in html and "clear that choice to add a new account" in html
    assert 'value="Ravi Patel"' in html and "<details class=\"someone-new\" open>" in html
    assert not Conversation.objects.exists() and Person.objects.count() == 1


def test_nobody_named_is_refused_naming_the_field(owner_client, workspace):
    response = log(owner_client, workspace)
    assert response.status_code == 422 and "Name the account or the person you met" in response.content.decode()


def test_the_same_client_id_sent_twice_logs_once(owner_client, workspace):
    first = log(owner_client, workspace, new_person="Dana Reyes", new_account="Harbor", client_id="a1b2c3d4-e5f6")
    again = log(owner_client, workspace, new_person="Dana Reyes", new_account="Harbor", client_id="a1b2c3d4-e5f6",
                follow=True)
    assert first["Location"] == again.redirect_chain[0][0]  # the same conversation
    assert "Already logged" in again.content.decode()
    assert Conversation.objects.count() == 1 and Person.objects.count() == 1


def test_a_client_id_that_is_not_one_is_a_field_error(owner_client, workspace, account):
    response = log(owner_client, workspace, account=account.pk, client_id="<script>")
    assert response.status_code == 422
    assert "The entry's client id: 8 to 64 letters" in response.content.decode()
    assert not Conversation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_entry_sent_twice_at_the_same_moment_is_kept_once(workspace, owner):
    """A phone coming back online and a retry send the same entry together: one conversation, one new person."""
    start = threading.Barrier(3)
    outcomes: list[bool] = []

    def send() -> None:
        try:
            start.wait()
            entry = {"kind": "coffee", "notes": "Met them.", "occurred_at": timezone.now(),
                     "new_person": "Dana Reyes", "new_account": "Harbor"}
            outcomes.append(quick_log.quick_log(workspace, owner, entry, client_id="same-entry-123")[1])
        finally:
            connection.close()

    workers = [threading.Thread(target=send) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert sorted(outcomes) == [False, False, True]
    assert Conversation.objects.count() == 1 and Person.objects.count() == 1 and Account.objects.count() == 1


def test_meetings_waiting_for_notes_are_offered_first(owner_client, owner, workspace, account):
    now = timezone.now()
    waiting = factories.conversation(workspace, members=[owner], account=account, notes="", occurred_at=now - timedelta(hours=2))
    factories.conversation(workspace, members=[owner], account=account, notes="Done already", occurred_at=now - timedelta(hours=3))
    factories.conversation(workspace, members=[owner], account=account, notes="", occurred_at=now - timedelta(days=9))
    html = owner_client.get(f"/w/{workspace.slug}/conversations/log/").content.decode()
    assert "Your meetings waiting for notes" in html
    assert html.count(f"/conversations/{waiting.pk}/edit/") == 1 and html.count("/edit/") == 1
