"""A customer's own page: their link shows what they raised and what became of it, and takes a new idea, which
arrives as feedback attributed to them and joins the suggestion threads. Wrong, revoked and expired links do not
exist; posts are CSRF-protected and limited; the page loads nothing from anywhere."""

import re
from datetime import timedelta

import factories
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outsidein.feedback.models import FeedbackItem, FeedbackTally, Source
from outsidein.loop import links, threads
from outsidein.loop.models import CustomerLink, Message, MessageKind, RaisedVia, Raiser, SuggestionStatus
from outsidein.loop.views import customer


def secret_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def page_path(url: str) -> str:
    return reverse("customer-page", kwargs={"secret": secret_of(url)})


@pytest.fixture
def hank_link(person, owner):
    """Hank's link, made by the owner: (row, full address)."""
    return links.create_link(person, owner)


@pytest.fixture
def raised(workspace, owner, person, account):
    """Hank raised card payments (now under consideration, with a next step); someone else raised dark mode."""
    pay = threads.raise_suggestion(workspace, owner, words="Let us pay the invoices by credit card.",
                                   via=RaisedVia.TYPED, person=person, title="Pay invoices by card",
                                   join=False).suggestion
    threads.change_status(pay, owner, SuggestionStatus.CONSIDERING, next_step="We will ask you how it went in May.")
    other = factories.person(workspace, "Marge Bouvier", account=account)
    dark = threads.raise_suggestion(workspace, owner, words="A dark mode for the night shift.",
                                    via=RaisedVia.TYPED, person=other, title="Dark mode", join=False).suggestion
    return {"pay": pay, "dark": dark, "marge": other}


def test_the_page_shows_what_the_person_raised_and_what_became_of_it(client, hank_link, raised):
    _, url = hank_link
    assert url.startswith("http") and "/c/" in url
    page = client.get(page_path(url))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hello Hank Scorpio" in html
    assert "Pay invoices by card" in html and "Let us pay the invoices by credit card." in html
    assert "We are looking into it" in html  # the status in the customer's words
    assert "We will ask you how it went in May." in html
    assert "Dark mode" not in html and "night shift" not in html  # another person's raise is not shown


def test_opening_the_page_writes_nothing(client, hank_link, raised):
    link, url = hank_link
    counts = (FeedbackItem.objects.count(), Raiser.objects.count())
    assert client.get(page_path(url)).status_code == 200
    link.refresh_from_db()
    assert link.last_used_at is None
    assert (FeedbackItem.objects.count(), Raiser.objects.count()) == counts


def test_a_new_idea_arrives_as_feedback_and_joins_the_matching_thread(client, workspace, owner, person, account,
                                                                      hank_link, raised):
    link, url = hank_link
    words = "Could we pay our invoices with a credit card instead of a bank transfer?"
    answer = client.post(page_path(url), {"kind": "idea", "text": words})
    assert answer.status_code == 302 and answer["Location"] == page_path(url)

    item = FeedbackItem.objects.get(source=Source.CUSTOMER_PAGE)
    assert (item.text, item.person, item.account, item.workspace) == (words, person, account, workspace)
    assert item.sentiment is not None  # scored as any feedback is at intake
    assert FeedbackTally.objects.get(workspace=workspace, kind="source_name", name="Customer page").items == 1
    raiser = Raiser.objects.get(feedback_item=item)
    assert raiser.suggestion == raised["pay"]  # the same idea in other words joins the thread
    assert (raiser.person, raiser.via, raiser.first_hand) == (person, RaisedVia.CUSTOMER_PAGE, False)
    link.refresh_from_db()
    assert link.last_used_at is not None

    back = client.get(answer["Location"])
    assert "Thank you" in back.content.decode()
    assert back.content.decode().count(words) == 1  # on the thread, under what they said

    feedback_page = factories.client_for(owner).get(reverse("feedback-list", kwargs={"ws": workspace.slug}))
    assert words[:40] in feedback_page.content.decode()


def test_a_different_idea_starts_a_thread_owned_by_who_made_the_link(client, person, owner, hank_link, raised):
    _, url = hank_link
    client.post(page_path(url), {"kind": "concern", "text": "The loading dock closes too early on Fridays."})
    raiser = Raiser.objects.get(via=RaisedVia.CUSTOMER_PAGE)
    assert raiser.suggestion not in (raised["pay"], raised["dark"])
    assert raiser.suggestion.kind == "concern" and raiser.suggestion.owner == owner
    assert raiser.suggestion.status == SuggestionStatus.HEARD


def test_the_same_words_sent_twice_are_one_item_and_one_raise(client, hank_link):
    _, url = hank_link
    for _ in range(2):
        assert client.post(page_path(url), {"kind": "idea", "text": "Paint the dock doors blue."}).status_code == 302
    assert FeedbackItem.objects.count() == 1 and Raiser.objects.count() == 1


def test_an_empty_post_saves_nothing_and_says_why(client, hank_link):
    _, url = hank_link
    answer = client.post(page_path(url), {"kind": "idea", "text": "   "})
    assert answer.status_code == 422
    assert not FeedbackItem.objects.exists() and not Raiser.objects.exists()


@pytest.mark.parametrize("state", ["wrong", "revoked", "expired"])
def test_a_wrong_revoked_or_expired_link_is_not_found(client, hank_link, owner, state):
    link, url = hank_link
    path = page_path(url)
    if state == "wrong":
        path = reverse("customer-page", kwargs={"secret": secret_of(url)[:-2] + "xx"})
    elif state == "revoked":
        links.revoke_link(link, owner)
    else:
        CustomerLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(path).status_code == 404
    assert client.post(path, {"kind": "idea", "text": "Hello?"}).status_code == 404
    assert not FeedbackItem.objects.exists()


def test_a_new_link_leaves_the_old_ones_unless_asked(person, owner):
    first, first_url = links.create_link(person, owner)
    second, _ = links.create_link(person, owner, days=7)
    assert links.link_for_secret(secret_of(first_url)) == first
    assert timedelta(days=6) < second.expires_at - timezone.now() <= timedelta(days=7)
    _, third_url = links.create_link(person, owner, revoke_others=True)
    assert links.link_for_secret(secret_of(first_url)) is None
    assert links.link_for_secret(secret_of(third_url)) is not None
    assert not CustomerLink.objects.filter(secret_hash=secret_of(third_url)).exists()  # only the hash is kept


def test_a_burst_of_posts_is_limited_and_nothing_is_saved_past_the_limit(client, hank_link):
    _, url = hank_link
    codes = [client.post(page_path(url), {"kind": "idea", "text": f"Idea number {n}: paint dock {n} blue."}).status_code
             for n in range(50)]
    limit = customer.PER_LINK.limit
    assert codes[:limit] == [302] * limit
    assert set(codes[limit:]) == {429}
    assert FeedbackItem.objects.filter(source=Source.CUSTOMER_PAGE).count() == limit
    refused = client.post(page_path(url), {"kind": "idea", "text": "One more"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Nothing of this last message was saved" in refused.content.decode()
    assert client.get(page_path(url)).status_code == 200  # reading stays open


def test_one_address_is_limited_across_links(workspace, owner, account):
    client = Client()
    per_address = customer.PER_ADDRESS.limit
    made = 0
    while made < per_address:
        _, url = links.create_link(factories.person(workspace, f"Person {made}", account=account), owner)
        for _ in range(min(customer.PER_LINK.limit, per_address - made)):
            assert client.post(page_path(url), {"kind": "idea", "text": f"Idea {made}"}).status_code == 302
            made += 1
    _, fresh = links.create_link(factories.person(workspace, "Fresh person"), owner)
    assert client.post(page_path(fresh), {"kind": "idea", "text": "From the same address"}).status_code == 429
    assert FeedbackItem.objects.count() == per_address


def test_posts_need_the_csrf_token(hank_link):
    _, url = hank_link
    client = Client(enforce_csrf_checks=True)
    assert client.post(page_path(url), {"kind": "idea", "text": "No token"}).status_code == 403
    assert not FeedbackItem.objects.exists()
    page = client.get(page_path(url))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    taken = client.post(page_path(url), {"kind": "idea", "text": "With the token", "csrfmiddlewaretoken": token})
    assert taken.status_code == 302 and FeedbackItem.objects.count() == 1


def test_the_page_loads_nothing_from_anywhere_and_fits_a_phone(client, hank_link, raised):
    _, url = hank_link
    html = client.get(page_path(url)).content.decode()
    assert "<script" not in html
    assert not re.search(r'<(?:link|img|iframe)[^>]+(?:src|href)="(?!data:)', html)
    assert not re.search(r"https?://", re.sub(r"<[^>]*>", "", html).replace(url, ""))  # no address in the text
    assert 'name="viewport" content="width=device-width' in html


def test_the_page_lists_the_brainstorms_the_person_takes_part_in(client, workspace, person, hank_link):
    board = factories.conversation(workspace, kind="brainstorm", title="Loading dock ideas")
    board.persons.set([person])
    html = client.get(page_path(hank_link[1])).content.decode()
    assert "Loading dock ideas" in html
    assert reverse("customer-board", kwargs={"secret": secret_of(hank_link[1]), "conversation_id": board.pk}) in html


# --- the team's side ---------------------------------------------------------------------------------------

def links_page(person) -> str:
    return reverse("customer-links", kwargs={"ws": person.workspace.slug, "person_id": person.pk})


def test_a_member_makes_a_link_and_sees_it_once(owner_client, person):
    made = owner_client.post(links_page(person), {"days": 30})
    assert made.status_code == 302
    shown = owner_client.get(links_page(person)).content.decode()
    link = CustomerLink.objects.get(person=person)
    url = re.search(r'data-copy="([^"]+)"', shown)[1]
    assert links.link_for_secret(secret_of(url)) == link
    assert url not in owner_client.get(links_page(person)).content.decode()  # never shown again
    assert f"link-{link.pk}" in shown and "never" in shown  # listed, not used yet


def test_the_link_can_be_e_mailed_and_the_log_keeps_no_working_address(owner_client, workspace, smtp_inbox):
    ana = factories.person(workspace, "Ana Alvarez", email="ana@acme.example")
    owner_client.post(links_page(ana), {"days": 30, "email_it": "on"})
    [(recipients, mail)] = smtp_inbox.messages
    assert recipients == ["ana@acme.example"]
    url = re.search(r"https?://\S+/c/[^/\s]+/", mail.get_payload(decode=True).decode() if not mail.is_multipart()
                    else mail.get_payload(0).get_payload(decode=True).decode())[0]
    assert links.link_for_secret(secret_of(url)) is not None
    message = Message.objects.get(person=ana)
    assert message.kind == MessageKind.LINK and message.status == "sent"
    assert secret_of(url) not in message.body


def test_revoking_closes_the_page(owner_client, client, person, hank_link):
    link, url = hank_link
    answer = owner_client.post(reverse("customer-link-revoke", kwargs={"ws": person.workspace.slug,
                                                                       "link_id": link.pk}))
    assert answer.status_code == 302
    assert client.get(page_path(url)).status_code == 404
    assert "revoked" in owner_client.get(links_page(person)).content.decode()


def test_a_viewer_sees_the_links_but_cannot_make_or_revoke_them(viewer_client, person, hank_link):
    link, _ = hank_link
    page = viewer_client.get(links_page(person)).content.decode()
    assert f"link-{link.pk}" in page
    assert "Make the link" not in page and "Revoke" not in page
    assert viewer_client.post(links_page(person), {"days": 30}).status_code == 403
    revoke = reverse("customer-link-revoke", kwargs={"ws": person.workspace.slug, "link_id": link.pk})
    assert viewer_client.post(revoke).status_code == 403
    assert CustomerLink.objects.filter(person=person).count() == 1 and links.live_links(person).count() == 1


def test_another_workspace_s_person_and_link_are_not_found(owner_client, workspace, other_workspace):
    stranger = other_workspace.memberships.get().user
    theirs = factories.person(other_workspace, "Their person")
    their_link, _ = links.create_link(theirs, stranger)
    wrong = reverse("customer-links", kwargs={"ws": workspace.slug, "person_id": theirs.pk})
    assert owner_client.get(wrong).status_code == 404
    assert owner_client.post(wrong, {"days": 30}).status_code == 404
    revoke = reverse("customer-link-revoke", kwargs={"ws": workspace.slug, "link_id": their_link.pk})
    assert owner_client.post(revoke).status_code == 404
    assert links.live_links(theirs).count() == 1 and CustomerLink.objects.filter(person=theirs).count() == 1
