"""Telling customers what became of what they said: drafted per person, edited, sent once through a real SMTP
server on loopback, never to a person who opted out, and every message kept in the log."""

import re
import threading
from datetime import UTC, date, datetime

import factories
import pytest
from django.db import connection
from django.urls import reverse
from factories import client_for
from inbox import free_port, text_of

from outsidein.initiatives.models import Initiative, Pilot, PilotDecision
from outsidein.loop import telling, threads
from outsidein.loop.models import Message, MessageKind, MessageStatus, OptOut, RaisedVia, SuggestionStatus


def smtp_settings(port: int) -> dict:
    return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                        "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5}}}


def opt_out_link(text: str) -> str:
    found = re.search(r"https?://\S+/loop/opt-out/\S+/", text)
    assert found, text
    return found.group(0)


@pytest.fixture
def pilot(workspace, owner):
    initiative = Initiative.objects.create(workspace=workspace, name="Dock booking",
                                           pain_statement="Trucks wait hours for a dock.", created_by=owner)
    return Pilot.objects.create(
        workspace=workspace, initiative=initiative, name="Self-booked dock slots",
        change="Carriers book their own dock slot a day ahead.", metric_name="hours waiting per truck",
        baseline_start=date(2026, 9, 1), baseline_end=date(2026, 9, 30), pilot_start=date(2026, 10, 1),
        pilot_end=date(2026, 11, 30), created_by=owner)


@pytest.fixture
def raised(workspace, owner, pilot):
    """One suggestion raised by three persons at two accounts, and by a fourth with no e-mail address."""
    acme = factories.account(workspace, "Acme Freight")
    bolt = factories.account(workspace, "Bolt Retail")
    ana = factories.person(workspace, "Ana Alvarez", account=acme, email="ana@acme.example")
    ben = factories.person(workspace, "Ben Brook", account=acme, email="ben@acme.example")
    cleo = factories.person(workspace, "Cleo Chen", account=bolt, email="cleo@bolt.example")
    dan = factories.person(workspace, "Dan Doe", account=bolt)
    first = threads.raise_suggestion(workspace, owner, words="Let us book the dock slot ourselves, the day before.",
                                     via=RaisedVia.TYPED, person=ana, said_at=datetime(2026, 3, 4, 10, tzinfo=UTC),
                                     title="Carriers book their own dock slot", join=False)
    suggestion = first.suggestion
    words = {ben: "I would happily pick my own unloading time if your site let me.",
             cleo: "Why can't we reserve a slot at the dock like at the car wash?",
             dan: "A booking calendar for the docks would save us a morning a week."}
    for person, said in words.items():
        threads.raise_suggestion(workspace, owner, words=said, via=RaisedVia.TYPED, person=person,
                                 said_at=datetime(2026, 3, 11, 9, tzinfo=UTC), into=suggestion)
    threads.save_suggestion(workspace, owner, {"pilot": pilot}, suggestion)
    return {"suggestion": suggestion, "ana": ana, "ben": ben, "cleo": cleo, "dan": dan,
            "words": {ana: "Let us book the dock slot ourselves, the day before.", **words}}


def test_the_raisers_are_told_once_each_in_their_own_words_and_an_opted_out_person_hears_nothing(
        workspace, owner, owner_client, raised, smtp_inbox, client):
    suggestion = raised["suggestion"]
    change = threads.change_status(suggestion, owner, SuggestionStatus.PILOTING,
                                   next_step="We will ask you in December how the first weeks went.")

    drafts = list(Message.objects.filter(status_change=change))
    assert sorted(m.person.name for m in drafts) == ["Ana Alvarez", "Ben Brook", "Cleo Chen"]  # Dan has no address
    assert all(m.status == MessageStatus.DRAFT for m in drafts)
    assert smtp_inbox.messages == []  # drafting sends nothing

    shown = owner_client.get(suggestion.get_absolute_url()).content.decode()
    assert "Send all drafts (3)" in shown and shown.count(">Edit</a>") >= 3
    assert "No e-mail address, so no message for" in shown and "Dan Doe" in shown

    send_all = reverse("suggestion-send", kwargs={"ws": workspace.slug, "suggestion_id": suggestion.pk})
    assert owner_client.post(send_all).status_code == 302
    shown = owner_client.get(suggestion.get_absolute_url()).content.decode()
    assert "Send all drafts" not in shown and shown.count("badge tone-good") == 3

    assert len(smtp_inbox.messages) == 3
    for key in ("ana", "ben", "cleo"):
        person = raised[key]
        [mail] = smtp_inbox.to(person.email)
        text = text_of(mail)
        assert text.startswith(f"Hello {person.name.split()[0]},")
        assert raised["words"][person] in text
        assert ("4 March 2026" if key == "ana" else "11 March 2026") in text
        assert "being piloted" in mail["Subject"]
        assert "Self-booked dock slots" in text
        assert "We will ask you in December how the first weeks went." in text
        assert owner.display_name in text
        assert mail["From"].addresses[0].display_name == f"{owner.display_name} at {workspace.name}"
        assert mail["Reply-To"] == owner.email  # an answer reaches the one who wrote
        for other in ("ana", "ben", "cleo"):  # nobody reads another customer's words
            if other != key:
                assert raised["words"][raised[other]] not in text
        link = opt_out_link(text)
        assert mail["List-Unsubscribe"] == f"<{link}>"
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # A rerun, by the page or by the service, sends nothing again.
    owner_client.post(send_all)
    telling.send_drafts(Message.objects.filter(status_change=change), owner)
    for message in Message.objects.filter(status_change=change):
        telling.send_message(message, owner)
    assert len(smtp_inbox.messages) == 3

    # Cleo opts out with the link from her mail: opening it asks first, the button records it.
    link = re.sub(r"^https?://[^/]+", "", opt_out_link(text_of(smtp_inbox.to("cleo@bolt.example")[0])))
    page = client.get(link)
    assert page.status_code == 200 and b"Send me no more messages" in page.content
    assert not OptOut.objects.filter(person=raised["cleo"]).exists()
    assert client.post(link).status_code == 200
    assert OptOut.objects.filter(person=raised["cleo"]).exists()

    done = threads.change_status(suggestion, owner, SuggestionStatus.DONE,
                                 outcome="Every carrier can now book a dock slot online.")
    owner_client.post(send_all)
    assert len(smtp_inbox.messages) == 5
    assert len(smtp_inbox.to("cleo@bolt.example")) == 1  # only the first one
    told = {m.person.name: m.status for m in Message.objects.filter(status_change=done)}
    assert told == {"Ana Alvarez": "sent", "Ben Brook": "sent", "Cleo Chen": "opted_out"}
    assert "Every carrier can now book a dock slot online." in text_of(smtp_inbox.to("ana@acme.example")[-1])

    # The log shows all of it: who was told what, when, by whom.
    log = owner_client.get(reverse("message-list", kwargs={"ws": workspace.slug}))
    html = log.content.decode()
    assert html.count("Cleo Chen") >= 2 and "opted out" in html
    assert html.count(owner.display_name) >= 5
    sent = Message.objects.filter(status=MessageStatus.SENT)
    assert sent.count() == 5
    assert all(m.sent_by == owner and m.sent_at and m.email and m.subject and m.body for m in sent)
    detail = owner_client.get(reverse("message-detail", kwargs={"ws": workspace.slug,
                                                               "message_id": drafts[0].pk}))
    assert drafts[0].person.email in detail.content.decode()


def test_an_edited_draft_is_sent_as_edited_and_a_sent_one_cannot_be_edited(workspace, owner, owner_client, raised,
                                                                          smtp_inbox):
    change = threads.change_status(raised["suggestion"], owner, SuggestionStatus.CONSIDERING)
    message = Message.objects.get(status_change=change, person=raised["ben"])
    url = reverse("message-detail", kwargs={"ws": workspace.slug, "message_id": message.pk})
    assert "Ben" in owner_client.get(url).content.decode()

    owner_client.post(url, {"subject": "About your dock idea, Ben", "body": "Ben, we are on it. Olivia"})
    owner_client.post(reverse("message-send", kwargs={"ws": workspace.slug, "message_id": message.pk}))

    [mail] = smtp_inbox.to("ben@acme.example")
    assert mail["Subject"] == "About your dock idea, Ben"
    assert text_of(mail).startswith("Ben, we are on it. Olivia")
    assert "/loop/opt-out/" in text_of(mail)  # the link stays even when the body is rewritten
    owner_client.post(url, {"subject": "Changed after the fact", "body": "Nope"})
    message.refresh_from_db()
    assert message.subject == "About your dock idea, Ben" and message.status == MessageStatus.SENT

    # "Save and send" in one step sends what was just written.
    ana = Message.objects.get(status_change=change, person=raised["ana"])
    owner_client.post(ana.get_absolute_url(), {"subject": "Your dock idea", "body": "Ana, it is on our list.",
                                               "send": "1"})
    [mail] = smtp_inbox.to("ana@acme.example")
    assert mail["Subject"] == "Your dock idea" and text_of(mail).startswith("Ana, it is on our list.")


def test_a_refused_send_is_marked_failed_and_a_retry_sends_it_once(workspace, owner, owner_client, raised, smtp_inbox,
                                                                    settings):
    change = threads.change_status(raised["suggestion"], owner, SuggestionStatus.CONSIDERING)
    message = Message.objects.get(status_change=change, person=raised["ana"])
    working = settings.MAILERS
    settings.MAILERS = smtp_settings(free_port())  # nothing listens there
    send = reverse("message-send", kwargs={"ws": workspace.slug, "message_id": message.pk})

    owner_client.post(send)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.error
    assert "failed" in owner_client.get(message.get_absolute_url()).content.decode()

    settings.MAILERS = working
    owner_client.post(send)
    owner_client.post(send)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.error == ""
    assert len(smtp_inbox.to("ana@acme.example")) == 1


def test_a_viewer_cannot_send_and_another_workspace_s_message_is_not_found(workspace, owner, viewer, raised,
                                                                          smtp_inbox, other_workspace):
    change = threads.change_status(raised["suggestion"], owner, SuggestionStatus.CONSIDERING)
    message = Message.objects.get(status_change=change, person=raised["ana"])
    viewer_client = client_for(viewer)
    send = reverse("message-send", kwargs={"ws": workspace.slug, "message_id": message.pk})
    assert viewer_client.post(send).status_code == 403
    assert viewer_client.post(reverse("suggestion-send", kwargs={
        "ws": workspace.slug, "suggestion_id": raised["suggestion"].pk})).status_code == 403
    assert viewer_client.get(message.get_absolute_url()).status_code == 200  # reading is allowed
    message.refresh_from_db()
    assert message.status == MessageStatus.DRAFT and smtp_inbox.messages == []

    stranger = other_workspace.memberships.get().user
    theirs = client_for(stranger)
    for url in (reverse("message-detail", kwargs={"ws": other_workspace.slug, "message_id": message.pk}),
                reverse("message-send", kwargs={"ws": other_workspace.slug, "message_id": message.pk})):
        assert theirs.post(url).status_code == 404
    message.refresh_from_db()
    assert message.status == MessageStatus.DRAFT and smtp_inbox.messages == []


def test_a_wrong_opt_out_link_is_not_found_and_opening_one_changes_nothing(workspace, raised, client):
    assert client.get("/loop/opt-out/not-a-token/").status_code == 404
    assert client.post("/loop/opt-out/not-a-token/").status_code == 404
    url = telling.opt_out_url(raised["ana"]).split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{url}").status_code == 200
    assert not OptOut.objects.exists()


def test_a_thank_you_after_a_conversation_goes_to_each_person_there(workspace, owner, owner_client, raised,
                                                                     smtp_inbox):
    visit = factories.conversation(workspace, kind="site_visit", occurred_at=datetime.now(UTC), title="Dock tour")
    visit.persons.set([raised["ana"], raised["ben"], raised["dan"]])
    page = reverse("thanks-new", kwargs={"ws": workspace.slug})
    assert "Dock tour" in owner_client.get(page).content.decode()

    owner_client.post(page, {"conversation": visit.pk, "body": ""})
    owner_client.post(page, {"conversation": visit.pk, "body": ""})  # a second click drafts nothing more
    drafts = Message.objects.filter(kind=MessageKind.THANKS)
    assert sorted(m.person.name for m in drafts) == ["Ana Alvarez", "Ben Brook"]
    for message in drafts:
        owner_client.post(reverse("message-send", kwargs={"ws": workspace.slug, "message_id": message.pk}))
    text = text_of(smtp_inbox.to("ben@acme.example")[0])
    assert text.startswith("Hello Ben,") and "Thank you for showing us" in text

    owner_client.post(page, {"person": raised["cleo"].pk, "body": "Cleo, thanks for the tip about the car wash."})
    note = Message.objects.get(kind=MessageKind.THANKS, person=raised["cleo"])
    assert note.body == "Cleo, thanks for the tip about the car wash." and note.conversation is None


def test_pilot_customers_are_invited_at_the_start_and_told_the_result(workspace, owner, owner_client, raised,
                                                                        pilot, smtp_inbox):
    pilot.pilot_accounts.set([raised["ana"].account])
    page = reverse("loop-pilot-messages", kwargs={"ws": workspace.slug, "pilot_id": pilot.pk})
    assert "no decision yet" in owner_client.get(page).content.decode()
    assert page in owner_client.get(pilot.get_absolute_url()).content.decode()  # “Tell its customers”

    owner_client.post(page, {"action": "invite"})
    owner_client.post(page, {"action": "result"})  # refused: no decision yet
    assert sorted(Message.objects.values_list("kind", "person__name")) == [
        ("pilot_invite", "Ana Alvarez"), ("pilot_invite", "Ben Brook")]
    owner_client.post(page, {"action": "send"})
    assert sorted(r[0] for r, _ in smtp_inbox.messages) == ["ana@acme.example", "ben@acme.example"]
    assert "Carriers book their own dock slot a day ahead." in text_of(smtp_inbox.to("ana@acme.example")[0])

    Pilot.objects.filter(pk=pilot.pk).update(decision=PilotDecision.SCALE, learning="Waiting fell by half.")
    owner_client.post(page, {"action": "result"})
    owner_client.post(page, {"action": "send"})
    [_, result] = smtp_inbox.to("ben@acme.example")
    text = text_of(result)
    assert "It worked, and we are bringing it to all our customers." in text
    assert "Waiting fell by half." in text
    assert len(smtp_inbox.messages) == 4
    shown = owner_client.get(page).content.decode()
    assert shown.count("badge tone-good") == 4
    assert "Draft the invitations" not in shown and "Draft the result messages" not in shown  # all done
    assert "Send the" not in shown


@pytest.mark.django_db(transaction=True)
def test_sends_at_the_same_moment_deliver_one_mail(workspace, owner, raised, smtp_inbox):
    """Four workers (a double click, a retry, two processes) send the same message at once: it goes once."""
    change = threads.change_status(raised["suggestion"], owner, SuggestionStatus.CONSIDERING)
    message_id = Message.objects.get(status_change=change, person=raised["ana"]).pk
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def send() -> None:
        try:
            message = Message.objects.get(pk=message_id)
            start.wait()
            outcomes.append(telling.send_message(message, owner).status)
        finally:
            connection.close()

    workers = [threading.Thread(target=send) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert len(smtp_inbox.to("ana@acme.example")) == 1
    assert len(outcomes) == 4 and outcomes.count("sent") >= 1  # the others see it sending, or sent
    assert Message.objects.get(pk=message_id).status == MessageStatus.SENT


def test_the_same_words_said_twice_are_quoted_once_and_a_reason_reads_as_a_sentence(workspace, owner, raised):
    suggestion = raised["suggestion"]
    threads.raise_suggestion(workspace, owner, words="Let us book the dock slot ourselves, the day before.",
                             via=RaisedVia.TYPED, person=raised["ana"], said_at=datetime(2026, 5, 6, 10, tzinfo=UTC),
                             into=suggestion)
    change = threads.change_status(suggestion, owner, SuggestionStatus.NOT_DOING,
                                   outcome="The docks are run by the landlord, not by us.")
    body = Message.objects.get(status_change=change, person=raised["ana"]).body
    assert body.count("Let us book the dock slot ourselves") == 1 and "4 March 2026" in body
    assert "we owe you the reason. The docks are run by the landlord, not by us." in body
