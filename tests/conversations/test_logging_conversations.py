"""Planning and logging conversations: the quick log, the full form, first-hand vs relayed, highlights."""

import re
from datetime import timedelta

import factories
import pytest
from django.utils import timezone

from outsidein.conversations import selectors, services
from outsidein.conversations.models import Conversation, Highlight, Kind, Status


def field_block(html: str, name: str) -> str:
    """The container the form draws around one field (its label, input and errors)."""
    match = re.search(rf'<div class="field[^"]*" id="field-{name}">(.*?)(?=<div class="field|</form>)', html, re.S)
    assert match, f"no field container for {name}"
    return match.group(1)


# --- quick log -------------------------------------------------------------------------------------

def test_quick_log_needs_only_kind_account_and_one_line(owner_client, owner, workspace, account):
    before = timezone.now()
    response = owner_client.post(f"/w/{workspace.slug}/conversations/log/",
                                 {"kind": "coffee", "account": account.pk, "notes": "They hate the new invoice."})
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == conversation.get_absolute_url()
    assert conversation.kind == Kind.COFFEE
    assert conversation.status == Status.LOGGED
    assert before <= conversation.occurred_at <= timezone.now()
    assert list(conversation.members.all()) == [owner]
    assert conversation.led_by == owner
    assert conversation.created_by == owner
    assert conversation.account == account
    assert conversation.notes == "They hate the new invoice."
    assert selectors.is_first_hand(conversation, owner)


def test_quick_log_form_defaults_to_coffee_and_is_phone_sized(owner_client, workspace, account):
    html = owner_client.get(f"/w/{workspace.slug}/conversations/log/").content.decode()
    assert re.search(r'<option value="coffee"[^>]*selected', html)
    assert 'name="viewport" content="width=device-width' in html
    # Only kind, who and the line of notes are required.
    required = set(re.findall(r'id="field-(\w+)">\s*<label[^>]*>[^<]*\*', html))
    assert required <= {"kind", "notes"}


def test_quick_log_with_a_person_takes_their_account(owner_client, workspace, person, account):
    owner_client.post(f"/w/{workspace.slug}/conversations/log/",
                      {"kind": "coffee", "person": person.pk, "notes": "Met Hank at the depot."})
    conversation = Conversation.objects.get()
    assert conversation.account == account
    assert list(conversation.persons.all()) == [person]


def test_quick_log_with_a_highlight(owner_client, owner, workspace, account):
    owner_client.post(f"/w/{workspace.slug}/conversations/log/", {
        "kind": "customer_visit", "account": account.pk, "notes": "Visit",
        "highlight_kind": "pain", "highlight_text": "We re-key every order by hand"})
    highlight = Highlight.objects.get()
    assert highlight.kind == "pain"
    assert highlight.conversation.kind == Kind.CUSTOMER_VISIT
    assert highlight.created_by == owner


def test_quick_log_in_the_future_plans_it(owner_client, workspace, account):
    when = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    owner_client.post(f"/w/{workspace.slug}/conversations/log/",
                      {"kind": "coffee", "account": account.pk, "notes": "Agenda: renewal", "occurred_at": when})
    assert Conversation.objects.get().status == Status.PLANNED


def test_quick_log_times_are_in_the_loggers_own_time_zone(owner_client, owner, workspace, account):
    from zoneinfo import ZoneInfo

    owner.time_zone = "Asia/Tokyo"
    owner.save()
    tokyo = ZoneInfo("Asia/Tokyo")
    half_an_hour_ago = (timezone.now() - timedelta(minutes=30)).astimezone(tokyo).replace(second=0, microsecond=0)
    owner_client.post(f"/w/{workspace.slug}/conversations/log/", {
        "kind": "coffee", "account": account.pk, "notes": "Early coffee",
        "occurred_at": half_an_hour_ago.strftime("%Y-%m-%dT%H:%M")})
    conversation = Conversation.objects.get()
    assert conversation.occurred_at == half_an_hour_ago
    assert conversation.status == Status.LOGGED  # not "planned" hours ahead in UTC
    page = owner_client.get(conversation.get_absolute_url()).content.decode()
    assert half_an_hour_ago.strftime("%H:%M") in page


def test_quick_log_errors_are_shown_next_to_the_field_and_nothing_is_saved(owner_client, workspace):
    response = owner_client.post(f"/w/{workspace.slug}/conversations/log/", {"kind": "coffee", "notes": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert "errorlist" in field_block(html, "account")
    assert "Name the account or the person" in field_block(html, "account")
    assert "errorlist" in field_block(html, "notes")
    assert "errorlist" not in field_block(html, "kind")
    assert not Conversation.objects.exists()


def test_quick_log_refuses_an_account_of_another_workspace(owner_client, workspace, other_workspace):
    theirs = factories.account(other_workspace, "Theirs")
    response = owner_client.post(f"/w/{workspace.slug}/conversations/log/",
                                 {"kind": "coffee", "account": theirs.pk, "notes": "x"})
    assert response.status_code == 422
    assert "errorlist" in field_block(response.content.decode(), "account")
    assert not Conversation.objects.exists()


# --- services ----------------------------------------------------------------------------------------

def test_service_defaults(owner, workspace, account):
    conversation = services.save_conversation(workspace, owner, {"account": account, "notes": "hi"})
    assert conversation.kind == Kind.COFFEE
    assert conversation.led_by == owner
    assert list(conversation.members.all()) == [owner]
    assert conversation.status == Status.LOGGED


def test_future_plans_and_past_logs(owner, workspace, account):
    planned = services.save_conversation(workspace, owner, {
        "account": account, "occurred_at": timezone.now() + timedelta(hours=3)})
    assert planned.status == Status.PLANNED
    # Once the date is moved into the past (it happened), it counts as logged.
    services.save_conversation(workspace, owner, {"occurred_at": timezone.now() - timedelta(hours=1)},
                               conversation=planned)
    planned.refresh_from_db()
    assert planned.status == Status.LOGGED
    cancelled = services.save_conversation(workspace, owner, {"account": account, "status": Status.CANCELLED})
    assert cancelled.status == Status.CANCELLED


def test_unknown_fields_and_foreign_members_are_refused(owner, workspace, account, other_workspace):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        services.save_conversation(workspace, owner, {"account": account, "mood": "great"})
    assert "mood" in excinfo.value.message_dict
    stranger = other_workspace.memberships.get().user
    with pytest.raises(ValidationError) as excinfo:
        services.save_conversation(workspace, owner, {"account": account}, members=[stranger])
    assert "members" in excinfo.value.message_dict
    assert not Conversation.objects.exists()


def test_first_hand_for_members_present_relayed_for_others(owner, member, leader, workspace, account):
    conversation = services.save_conversation(workspace, member, {"account": account, "notes": "Ride-along"},
                                              members=[member, leader])
    assert selectors.is_first_hand(conversation, member)
    assert selectors.is_first_hand(conversation, leader)
    assert not selectors.is_first_hand(conversation, owner)


def test_detail_page_shows_first_hand_or_relayed(owner_client, member_client, owner, member, workspace, account):
    conversation = services.save_conversation(workspace, member, {"account": account, "notes": "Site visit"})
    url = conversation.get_absolute_url()
    mine = member_client.get(url).content.decode()
    assert "first-hand for you" in mine and "relayed to you" not in mine
    theirs = owner_client.get(url).content.decode()
    assert "relayed to you" in theirs and "first-hand for you" not in theirs


def test_notes_markdown_is_rendered_safely(owner_client, owner, workspace, account):
    notes = ("**Renewal** is at risk.\n\n<script>alert('x')</script>\n\n"
             "[site](javascript:alert(1)) <img src=x onerror=alert(2)>")
    conversation = services.save_conversation(workspace, owner, {"account": account, "notes": notes})
    html = owner_client.get(conversation.get_absolute_url()).content.decode()
    notes_html = re.search(r'<section class="notes">(.*?)</section>', html, re.S).group(1)
    assert "<strong>Renewal</strong>" in notes_html
    assert "<script" not in notes_html
    assert "<img" not in notes_html
    assert 'href="javascript:' not in notes_html
    assert "&lt;script&gt;" in notes_html  # shown as text, not run


# --- the full form -----------------------------------------------------------------------------------

def test_full_form_plans_a_visit_with_people_and_members(owner_client, owner, member, workspace, account, person):
    when = (timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = owner_client.post(f"/w/{workspace.slug}/conversations/new/", {
        "kind": "site_visit", "occurred_at": when, "duration_minutes": 90, "channel": "in_person",
        "account": account.pk, "title": "Depot tour", "led_by": member.pk, "notes": "Bring the prototype",
        "persons": [person.pk], "members": [owner.pk, member.pk]})
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.status == Status.PLANNED
    assert conversation.led_by == member
    assert set(conversation.members.all()) == {owner, member}
    assert list(conversation.persons.all()) == [person]


def test_full_form_errors_next_to_fields(owner_client, workspace, account):
    response = owner_client.post(f"/w/{workspace.slug}/conversations/new/", {
        "kind": "dinner", "occurred_at": "not a date", "duration_minutes": "-5", "channel": "in_person",
        "account": account.pk})
    assert response.status_code == 422
    html = response.content.decode()
    for name in ["kind", "occurred_at", "duration_minutes"]:
        assert "errorlist" in field_block(html, name), name
    assert "errorlist" not in field_block(html, "account")
    assert not Conversation.objects.exists()


def test_edit_keeps_people_and_members(owner_client, owner, member, workspace, account, person):
    conversation = services.save_conversation(workspace, owner, {"account": account, "notes": "v1"},
                                              persons=[person], members=[owner, member])
    url = f"/w/{workspace.slug}/conversations/{conversation.pk}/edit/"
    html = owner_client.get(url).content.decode()
    # The persons picker carries the chosen person and shows their name as a chip.
    assert f'<input type="hidden" name="persons" value="{person.pk}">' in html and person.name in html
    response = owner_client.post(url, {"kind": "coffee", "occurred_at": "2025-01-02T10:00", "channel": "phone",
                                       "account": account.pk, "notes": "v2", "persons": [person.pk],
                                       "members": [owner.pk, member.pk], "led_by": owner.pk})
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.notes == "v2" and conversation.channel == "phone"
    assert set(conversation.members.all()) == {owner, member}


def test_delete_conversation_page(owner_client, owner, workspace, account):
    conversation = services.save_conversation(workspace, owner, {"account": account})
    url = f"/w/{workspace.slug}/conversations/{conversation.pk}/delete/"
    assert owner_client.get(url).status_code == 200
    assert owner_client.post(url).status_code == 302
    assert not Conversation.objects.exists()


# --- highlights on the page -----------------------------------------------------------------------

def test_add_highlight_on_the_page(owner_client, owner, workspace, account, person):
    conversation = services.save_conversation(workspace, owner, {"account": account})
    url = f"/w/{workspace.slug}/conversations/{conversation.pk}/highlights/"
    response = owner_client.post(url, {"kind": "quote", "text": "We print every label twice", "person": person.pk,
                                       "tags": "Labels, printing"})
    assert response.status_code == 302
    highlight = Highlight.objects.get()
    assert sorted(t.name for t in highlight.tags.all()) == ["labels", "printing"]
    page = owner_client.get(conversation.get_absolute_url()).content.decode()
    assert "We print every label twice" in page and "#labels" in page


def test_add_highlight_with_htmx_returns_the_fragment(owner_client, owner, workspace, account):
    conversation = services.save_conversation(workspace, owner, {"account": account})
    url = f"/w/{workspace.slug}/conversations/{conversation.pk}/highlights/"
    response = owner_client.post(url, {"kind": "idea", "text": "Text me at pickup"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Text me at pickup" in html and "<html" not in html
    bad = owner_client.post(url, {"kind": "idea", "text": ""}, headers={"HX-Request": "true"})
    assert bad.status_code == 422
    assert "errorlist" in field_block(bad.content.decode(), "text")
    assert Highlight.objects.count() == 1


def test_delete_highlight_page(owner_client, owner, workspace, account):
    conversation = services.save_conversation(workspace, owner, {"account": account},
                                              highlights=[{"kind": "pain", "text": "Slow"}])
    highlight = conversation.highlights.get()
    response = owner_client.post(f"/w/{workspace.slug}/highlights/{highlight.pk}/delete/")
    assert response["Location"] == conversation.get_absolute_url()
    assert not Highlight.objects.exists()


def test_highlight_list_page_filters(owner_client, owner, workspace, account):
    services.save_conversation(workspace, owner, {"account": account}, highlights=[
        {"kind": "pain", "text": "Labels print twice", "tags": ["labels"]},
        {"kind": "gain", "text": "Love the new portal"}])
    base = f"/w/{workspace.slug}/highlights/"
    assert "Labels print twice" in owner_client.get(base).content.decode()
    by_kind = owner_client.get(base, {"kind": "gain"}).content.decode()
    assert "Love the new portal" in by_kind and "Labels print twice" not in by_kind
    by_tag = owner_client.get(base, {"q": "labels"}).content.decode()
    assert "Labels print twice" in by_tag and "Love the new portal" not in by_tag
