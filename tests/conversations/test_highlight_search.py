"""Finding highlights by their words and tags through the full-text index (SQLite FTS5 or PostgreSQL GIN),
on the highlights page and in the API, which share one selector."""

import pytest

from outsidein.conversations import services
from outsidein.conversations.models import Highlight, Tag


@pytest.fixture
def conversation(owner, workspace, account):
    return services.save_conversation(workspace, owner, {"account": account, "notes": "Coffee with finance."})


@pytest.fixture
def invoices(owner, conversation):
    return services.add_highlight(conversation, owner, kind="pain", text="We were invoiced twice last month.",
                                  tags=["billing"])


@pytest.fixture
def scanner(owner, conversation):
    return services.add_highlight(conversation, owner, kind="quote", text="The scanner drops the network.")


def on_page(client, workspace, query: str) -> str:
    response = client.get(f"/w/{workspace.slug}/highlights/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def in_api(api, query: str) -> set[int]:
    response = api.get("/highlights", q=query)
    assert response.status_code == 200
    return {item["id"] for item in response.json()["items"]}


def test_finds_a_word_on_the_page_and_in_the_api(owner_client, api, workspace, invoices, scanner):
    page = on_page(owner_client, workspace, "scanner")
    assert "The scanner drops the network." in page
    assert "invoiced twice" not in page
    assert in_api(api, "scanner") == {scanner.pk}
    assert in_api(api, "NETWORK") == {scanner.pk}


def test_finds_a_word_by_its_stem_and_prefix(api, invoices, scanner):
    # Both indexes stem English (PostgreSQL's english configuration, FTS5's porter tokenizer).
    assert in_api(api, "invoicing") == {invoices.pk}
    assert in_api(api, "invoice") == {invoices.pk}
    assert in_api(api, "netw") == {scanner.pk}  # a word being typed


def test_every_word_must_match(api, invoices, scanner):
    assert in_api(api, "scanner network") == {scanner.pk}
    assert in_api(api, "scanner invoiced") == set()


def test_finds_a_tag(owner_client, api, workspace, invoices, scanner):
    assert in_api(api, "billing") == {invoices.pk}
    assert "invoiced twice" in on_page(owner_client, workspace, "billing")


def test_an_edited_highlight_is_found_by_its_new_words_only(api, invoices, scanner):
    services.update_highlight(Highlight.objects.get(pk=scanner.pk), text="Printing labels takes ages.")
    assert in_api(api, "scanner") == set()
    assert in_api(api, "labels") == {scanner.pk}


def test_retagged_highlight_is_found_by_its_new_tag_only(api, invoices):
    services.update_highlight(Highlight.objects.get(pk=invoices.pk), tags=["refunds"])
    assert in_api(api, "billing") == set()
    assert in_api(api, "refunds") == {invoices.pk}
    # An edit of the text afterwards keeps the tags searchable.
    services.update_highlight(Highlight.objects.get(pk=invoices.pk), text="Charged twice.")
    assert in_api(api, "refunds") == {invoices.pk}


def test_a_renamed_tag_is_found_by_its_new_name(api, workspace, invoices):
    Tag.objects.filter(workspace=workspace, name="billing").update(name="invoicing-errors")
    assert in_api(api, "billing") == set()
    assert in_api(api, "errors") == {invoices.pk}


def test_a_deleted_highlight_is_not_found(owner_client, api, workspace, invoices):
    services.delete_highlight(Highlight.objects.get(pk=invoices.pk))
    assert in_api(api, "invoiced") == set()
    assert in_api(api, "billing") == set()
    assert "invoiced twice" not in on_page(owner_client, workspace, "invoiced")


def test_another_workspaces_highlight_is_never_found(owner_client, api, workspace, other_workspace, invoices):
    stranger = other_workspace.memberships.get().user
    elsewhere = services.save_conversation(other_workspace, stranger, {"notes": "Their own coffee."})
    secret = services.add_highlight(elsewhere, stranger, kind="pain", text="Invoiced twice, secretly.",
                                    tags=["billing"])
    assert in_api(api, "invoiced") == {invoices.pk}
    assert in_api(api, "billing") == {invoices.pk}
    assert in_api(api, "secretly") == set()
    assert "Invoiced twice, secretly." not in on_page(owner_client, workspace, "secretly")
    assert secret.pk not in in_api(api, "twice")


def test_search_input_cannot_break_the_query(owner_client, api, workspace, invoices):
    for query in ['"', "billing OR", "NEAR(", "*", "a:*|!b", "'; --"]:
        assert in_api(api, query) <= {invoices.pk}
        on_page(owner_client, workspace, query)
