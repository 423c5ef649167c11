"""The quick log anywhere: someone new in six taps, two coffees logged with no signal and sent once, and what a
viewer sees (and keeps) when a write is refused."""

import time

import pytest
from playwright.sync_api import Page, expect

from outsidein.conversations.models import Conversation
from outsidein.customers.models import Account, Person
from outsidein.workspaces.models import Membership, Role

pytestmark = pytest.mark.browser

PASSWORD = "pw-12345678"  # the password tests/conftest.py gives every user it makes


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_coffee_with_a_new_person_at_a_new_account_in_six_taps(page: Page, login, screenshot, owner, workspace,
                                                                 browser_problems) -> None:
    login(owner.email, PASSWORD)
    started = time.perf_counter()
    page.get_by_role("button", name="+ Log", exact=True).click()                    # 1
    page.get_by_text("Someone new?").click()                                       # 2
    page.get_by_label("Name", exact=True).fill("Dana Reyes")                       # 3
    page.get_by_label("New account").fill("Harbor Logistics")                      # 4
    page.get_by_label("What did you learn?").fill("They print every label twice.")  # 5
    screenshot("1-someone-new")
    page.get_by_role("button", name="Log it").click()                              # 6
    expect(page.get_by_role("heading", name="Coffee with Harbor Logistics")).to_be_visible()
    elapsed = time.perf_counter() - started
    expect(page.get_by_text("Dana Reyes")).to_be_visible()
    screenshot("2-logged")

    assert elapsed <= 30, f"{elapsed:.1f} s"
    dana = Person.objects.get()
    assert (dana.name, dana.account.name) == ("Dana Reyes", "Harbor Logistics")
    assert list(Conversation.objects.get().persons.all()) == [dana]
    assert browser_problems.errors == []


def _kept(page: Page) -> list[dict]:
    return page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open("outsidein", 1);
        open.onsuccess = () => {
            const all = open.result.transaction("entries").objectStore("entries").getAll();
            all.onsuccess = () => { open.result.close(); resolve(all.result); };
        };
    })""")


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_with_no_signal_two_coffees_are_kept_and_sent_once_when_back_online(page: Page, login, screenshot, owner,
                                                                            workspace) -> None:
    log_url = f"/w/{workspace.slug}/conversations/log/"
    login(owner.email, PASSWORD)
    # The app is installed on the first visit: its worker controls the page and the quick log is on the phone.
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_function("async (url) => Boolean(await (await caches.open('pages')).match(url))", arg=log_url)

    page.context.set_offline(True)
    response = page.goto(log_url)
    assert response is not None and response.from_service_worker
    expect(page.get_by_role("heading", name="Log a conversation")).to_be_visible()
    for name, notes in [("Dana Reyes", "Labels printed twice at the dock."), ("Eli Park", "Night shift has no scanner.")]:
        page.get_by_text("Someone new?").click()
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("New account").fill("Harbor Logistics")
        page.get_by_label("What did you learn?").fill(notes)
        page.get_by_role("button", name="Log it").click()
        expect(page.get_by_label("What did you learn?")).to_have_value("")  # ready for the next one
    expect(page.locator("#kept-entries")).to_contain_text("2 conversations are kept on this phone")
    screenshot("1-kept-offline")
    entries = _kept(page)
    assert len({e["client_id"] for e in entries}) == 2
    # A third, sent in a hurry without its line: the server will refuse it, and it must not be lost.
    page.get_by_text("Someone new?").click()
    page.get_by_label("Name", exact=True).fill("Fay Moss")
    page.get_by_role("button", name="Log it").click()
    expect(page.locator("#kept-entries")).to_contain_text("3 conversations are kept on this phone")
    assert Conversation.objects.count() == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")  # what the browser fires when the signal returns
    refused = page.locator("#kept-entries")
    expect(refused).to_contain_text("Not sent: the entry about Fay Moss. What did you learn? This field is required.")
    expect(refused).not_to_contain_text("kept on this phone, to be sent")
    assert sorted(Conversation.objects.values_list("notes", flat=True)) == [
        "Labels printed twice at the dock.", "Night shift has no scanner."]
    assert Account.objects.count() == 1 and Person.objects.count() == 2
    screenshot("2-one-refused")

    # Opened to fix, it is in the form with the name typed offline; sent, it leaves the phone.
    refused.get_by_role("button", name="Open it to fix").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Fay Moss")
    page.get_by_label("What did you learn?").fill("Wants one invoice a month.")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_text("Conversation logged.")).to_be_visible()
    page.goto(log_url)
    expect(page.locator("#kept-entries")).to_be_hidden()
    assert Conversation.objects.count() == 3 and _kept(page) == []

    # The same entry sent again (two tabs back online, an answer lost on the way) logs nothing more.
    page.evaluate("""(entry) => new Promise((resolve) => {
        const open = indexedDB.open("outsidein", 1);
        open.onsuccess = () => {
            const tx = open.result.transaction("entries", "readwrite");
            tx.objectStore("entries").put(entry);
            tx.oncomplete = () => { open.result.close(); resolve(); };
        };
    })""", entries[0])
    page.reload()
    expect(page.locator("#kept-entries")).to_be_hidden()
    assert Conversation.objects.count() == 3 and _kept(page) == []
    screenshot("3-sent")


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_viewer_sees_no_log_and_a_refused_write_keeps_the_text(page: Page, login, screenshot, owner, workspace,
                                                                 viewer, member) -> None:
    login(viewer.email, PASSWORD)
    expect(page.get_by_role("button", name="+ Log", exact=True)).to_have_count(0)
    page.goto(f"/w/{workspace.slug}/conversations/log/")
    expect(page.get_by_text("You are a viewer in Acme")).to_be_visible()
    expect(page.get_by_role("button", name="Log it")).to_have_count(0)
    page.context.clear_cookies()

    # A member types, and is made a viewer before they send it: the refusal says why and keeps their words.
    login(member.email, PASSWORD)
    page.get_by_role("button", name="+ Log", exact=True).click()
    page.get_by_text("Someone new?").click()
    page.get_by_label("Name", exact=True).fill("Dana Reyes")
    page.get_by_label("What did you learn?").fill("They want the portal to remember the pallet counts.")
    Membership.objects.filter(user=member, workspace=workspace).update(role=Role.VIEWER)
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("heading", name="You cannot do that here")).to_be_visible()
    expect(page.get_by_text("Viewers can read but not change anything")).to_be_visible()
    expect(page.get_by_label("What you typed")).to_have_value(
        "New person: Dana Reyes\n\nNotes: They want the portal to remember the pallet counts.")
    screenshot("refused-keeps-the-text")
    assert not Conversation.objects.exists()
