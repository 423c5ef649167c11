"""Pickers: an account, person or member is found by typing; pages render only what is chosen."""

import re

import factories
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outsidein.conversations.forms import ConversationForm, QuickLogForm
from outsidein.conversations.models import Conversation
from outsidein.core.pickers import PICKER_LIMIT
from outsidein.customers.models import Account, Person
from outsidein.workspaces import services as workspace_services
from outsidein.workspaces.models import Role, User


def make_user(email: str, name: str) -> User:
    return User.objects.create_user(email, "pw-12345678", name=name)


def add_accounts(workspace, names, segment=None) -> list[Account]:
    return Account.objects.bulk_create([Account(workspace=workspace, name=n, segment=segment) for n in names])


def option_values(html: str) -> list[int]:
    return [int(v) for v in re.findall(r'role="option" aria-selected="false" data-value="(\d+)"', html)]


def option_labels(html: str) -> list[str]:
    return re.findall(r'<span class="picker-label">([^<]*)</span>', html)


def search(client, workspace, kind: str, q: str, **params) -> str:
    response = client.get(f"/w/{workspace.slug}/{kind}/search/", {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


# --- the widget ----------------------------------------------------------------------------------------

def test_quick_log_page_renders_no_account_or_person_but_a_searchable_box(owner_client, workspace):
    add_accounts(workspace, [f"Customer {i:03}" for i in range(300)])
    html = owner_client.get(f"/w/{workspace.slug}/conversations/log/").content.decode()
    assert "Customer 0" not in html and "<option value=\"\"" not in html
    box = re.search(r'<input type="text" name="q"[^>]*id="id_account"[^>]*>', html, re.S).group(0)
    assert 'role="combobox"' in box and 'aria-controls="id_account_options"' in box
    assert f'hx-get="/w/{workspace.slug}/accounts/search/"' in box
    assert 'hx-trigger="input changed delay:200ms, focus"' in box
    assert 'id="id_account_options"' in html and 'role="listbox"' in html
    assert '<input type="hidden" name="account" value="" data-picker-value>' in html


@pytest.mark.parametrize("page", ["conversations/log/", "conversations/new/", "conversations/", "persons/new/",
                                  "voice/", "voice/feedback/", "initiatives/{initiative}/pilots/new/"])
def test_pages_that_choose_an_account_list_none(owner_client, owner, workspace, page):
    from outsidein.initiatives.models import Initiative

    add_accounts(workspace, [f"Customer {i:03}" for i in range(300)])
    initiative = Initiative.objects.create(workspace=workspace, name="Faster invoices")
    response = owner_client.get(f"/w/{workspace.slug}/" + page.format(initiative=initiative.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'hx-get="/w/{workspace.slug}/accounts/search/"' in html
    assert "Customer 0" not in html


def test_widget_renders_only_the_chosen_value(workspace):
    chosen, *_ = add_accounts(workspace, ["Chosen Corp", "Other One", "Other Two"])
    html = str(QuickLogForm(workspace=workspace, initial={"account": chosen.pk})["account"])
    assert f'<input type="hidden" name="account" value="{chosen.pk}" data-picker-value>' in html
    assert 'value="Chosen Corp"' in html
    assert "Other" not in html


def test_multiple_choice_renders_the_chosen_as_removable_chips(owner, workspace):
    account = factories.account(workspace, "Initech")
    alex, bo, _ = Person.objects.bulk_create([Person(workspace=workspace, name=n, account=account)
                                              for n in ("Alex Meyer", "Bo Brandt", "Cy Carter")])
    form = ConversationForm(workspace=workspace, initial={"persons": [alex, bo]})
    html = str(form["persons"])
    assert [int(v) for v in re.findall(r'type="hidden" name="persons" value="(\d+)"', html)] == [alex.pk, bo.pk]
    assert 'aria-label="Remove Alex Meyer (Initech)"' in html and "Cy Carter" not in html
    assert 'aria-multiselectable="true"' in html


def test_the_form_still_takes_the_posted_ids(owner_client, owner, workspace):
    account = factories.account(workspace, "Initech")
    alex = factories.person(workspace, "Alex Meyer", account=account)
    response = owner_client.post(f"/w/{workspace.slug}/conversations/new/", {
        "kind": "coffee", "occurred_at": "2025-01-02T10:00", "channel": "in_person", "account": account.pk,
        "persons": [alex.pk], "members": [owner.pk], "led_by": owner.pk, "notes": "n"})
    assert response.status_code == 302, response.content.decode()[:2000]
    conversation = Conversation.objects.get()
    assert list(conversation.persons.all()) == [alex] and conversation.led_by == owner


def test_a_foreign_or_unknown_id_is_a_field_error_and_re_renders(owner_client, workspace, other_workspace):
    theirs = factories.account(other_workspace, "Their Secret Account")
    for posted in (theirs.pk, 987654, "abc", "1e9"):
        response = owner_client.post(f"/w/{workspace.slug}/conversations/log/",
                                     {"kind": "coffee", "account": posted, "notes": "x"})
        html = response.content.decode()
        assert response.status_code == 422
        assert "Choose the account from the list: the one given is not in this workspace." in html
        assert "Their Secret Account" not in html
    assert not Conversation.objects.exists()


def test_a_foreign_person_among_several_is_a_field_error(workspace, other_workspace):
    ours = factories.person(workspace, "Ours")
    theirs = factories.person(other_workspace, "Theirs")
    form = ConversationForm({"kind": "coffee", "occurred_at": "2025-01-02T10:00", "channel": "in_person",
                             "persons": [ours.pk, theirs.pk]}, workspace=workspace)
    assert not form.is_valid()
    assert form.errors["persons"] == ["Choose the person from the list: the one given is not in this workspace."]


# --- the search endpoints ------------------------------------------------------------------------------

def test_account_search_is_scoped_to_the_workspace(owner_client, workspace, other_workspace):
    ours = factories.account(workspace, "Northwind Ours")
    factories.account(other_workspace, "Northwind Theirs")
    html = search(owner_client, workspace, "accounts", "north")
    assert option_values(html) == [ours.pk]
    assert "Theirs" not in html
    assert option_values(search(owner_client, workspace, "accounts", "")) == [ours.pk]


def test_account_search_puts_name_prefix_first_and_shows_the_segment(owner_client, workspace):
    enterprise = factories.segment(workspace, "Enterprise")
    add_accounts(workspace, ["Big North Freight", "northwind", "Northbound Logistics", "South Co"], enterprise)
    html = search(owner_client, workspace, "accounts", "NORTH")
    assert option_labels(html) == ["Northbound Logistics", "northwind", "Big North Freight"]
    assert '<small class="picker-detail">Enterprise</small>' in html


def test_short_queries_match_name_prefixes_only(owner_client, workspace):
    add_accounts(workspace, ["Abacus", "Zanab"])
    assert option_labels(search(owner_client, workspace, "accounts", "ab")) == ["Abacus"]


def test_search_reads_a_bounded_number_of_rows_and_says_to_type_more(owner_client, workspace):
    add_accounts(workspace, [f"Zeta {i:03}" for i in range(60)])
    html = search(owner_client, workspace, "accounts", "zet")
    assert option_labels(html) == [f"Zeta {i:03}" for i in range(PICKER_LIMIT)]
    assert "Type more of the name to see others." in html


def test_no_match_says_so(owner_client, workspace):
    add_accounts(workspace, ["Globex"])
    html = search(owner_client, workspace, "accounts", "xyz")
    assert option_values(html) == []
    assert "No account matches “xyz”." in html and 'aria-disabled="true"' in html


@pytest.mark.parametrize("q", ["", "acc", "account 1", "nothing-like-it"])
def test_search_costs_the_same_queries_for_10_and_2000_accounts(owner_client, workspace, q):
    def queries_with(n: int) -> int:
        add_accounts(workspace, [f"Account {i}" for i in range(Account.objects.count(), n)])
        with CaptureQueriesContext(connection) as ctx:
            search(owner_client, workspace, "accounts", q)
        return len(ctx.captured_queries)

    assert queries_with(10) == queries_with(2000)


def test_before_anything_is_typed_the_people_and_accounts_met_last_come_first(owner_client, owner, workspace):
    from datetime import timedelta

    from django.utils import timezone

    accounts = add_accounts(workspace, ["Abacus", "Globex", "Initech", "Zenith"])
    people = [factories.person(workspace, name, account=a) for name, a in zip("ABCD", accounts, strict=True)]
    now = timezone.now()
    for days, index in [(9, 3), (2, 1), (30, 3)]:  # Zenith/D nine days ago (and before), Globex/B two
        met = factories.conversation(workspace, members=[owner], account=accounts[index],
                                     occurred_at=now - timedelta(days=days))
        met.persons.set([people[index]])
    other = make_user("someone@example.com", "Someone Else")
    workspace_services.add_member(workspace, other, Role.MEMBER)
    theirs = factories.conversation(workspace, members=[other], account=accounts[0], occurred_at=now)
    theirs.persons.set([people[0]])  # someone else's coffee yesterday is not what this person met last
    assert option_labels(search(owner_client, workspace, "accounts", "")) == ["Globex", "Zenith", "Abacus", "Initech"]
    assert [label.split(" (")[0] for label in option_labels(search(owner_client, workspace, "persons", ""))] == [
        "B", "D", "A", "C"]
    assert option_labels(search(owner_client, workspace, "accounts", "a")) == ["Abacus"]  # typing: by name again


def test_person_search_tells_two_people_of_the_same_name_apart(owner_client, workspace, other_workspace):
    acme = factories.account(workspace, "Acme Freight")
    initech = factories.account(workspace, "Initech")
    Person.objects.bulk_create([
        Person(workspace=workspace, name="Alex Meyer", title="CFO", account=acme, role="buyer"),
        Person(workspace=workspace, name="Alex Meyer", title="Dispatcher", account=initech),
        Person(workspace=other_workspace, name="Alex Meyer", title="Spy"),
    ])
    html = search(owner_client, workspace, "persons", "alex")
    assert option_labels(html) == ["Alex Meyer (Acme Freight)", "Alex Meyer (Initech)"]
    assert "CFO · Buyer" in html and "Dispatcher · End user" in html and "Spy" not in html


def test_member_search_lists_members_of_this_workspace_only(owner_client, owner, workspace, other_workspace):
    lena = make_user("lena@example.com", "Lena Fischer")
    workspace_services.add_member(workspace, lena, Role.MEMBER)
    leo = make_user("leo@example.com", "Leo Leader")
    workspace_services.add_member(workspace, leo, Role.LEADER)
    stranger = make_user("lena.stranger@example.com", "Lena Stranger")
    workspace_services.add_member(other_workspace, stranger, Role.OWNER)
    assert option_values(search(owner_client, workspace, "members", "len")) == [lena.pk]
    assert option_values(search(owner_client, workspace, "members", "l", role="owner,leader")) == [leo.pk]
    assert set(option_values(search(owner_client, workspace, "members", ""))) == {owner.pk, lena.pk, leo.pk}


def test_search_of_another_workspace_is_not_found(owner_client, other_workspace):
    response = owner_client.get(f"/w/{other_workspace.slug}/accounts/search/", {"q": "a"})
    assert response.status_code == 404


def test_host_picker_offers_the_others_only(owner_client, owner, member, workspace):
    from outsidein.engagement.forms import HostRequestForm

    box = str(HostRequestForm(workspace=workspace, actor=owner)["host"])
    assert 'hx-vals="{&quot;others&quot;: &quot;1&quot;}"' in box
    assert option_values(search(owner_client, workspace, "members", "", others="1")) == [member.pk]


def test_a_nul_in_the_query_is_no_error(owner_client, workspace):
    add_accounts(workspace, ["Globex"])
    assert option_labels(search(owner_client, workspace, "accounts", "glo\x00")) == ["Globex"]


@pytest.mark.parametrize(("model", "table"), [(Account, "customers_account"), (Person, "customers_person")])
def test_the_prefix_search_reads_the_name_index_in_name_order(workspace, model, table):
    from outsidein.core.pickers import search_by_name

    with CaptureQueriesContext(connection) as ctx:
        search_by_name(model.objects.filter(workspace=workspace), "Nor")
    prefix_sql = ctx.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table would be scanned, not searched
            cursor.execute(f"EXPLAIN {prefix_sql}")
            index = f"{table}_name_upper_c"
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {prefix_sql}")
            index = f"{table}_name_nocase"
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert index in plan
    # SQLite reads the matches in the index's order, so LIMIT stops after a screenful (PostgreSQL's
    # planner decides between that and a sort by the estimated number of matches).
    assert "TEMP B-TREE" not in plan
