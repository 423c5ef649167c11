"""Take the user guide's screenshots (docs/screenshots/) from a running Outside-In with the demo workspace.

    export OUTSIDEIN_DATA_DIR=$(mktemp -d)
    .venv/bin/outsidein migrate --noinput -v0 && .venv/bin/outsidein demo
    .venv/bin/outsidein serve --port 8123 --no-worker &
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8123

It changes the workspace it is pointed at (it logs a coffee, imports a few accounts and creates an API
token), so point it at a throwaway demo, never at a real one. Chromium is Debian's /usr/bin/chromium.
"""

import argparse
import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

DOCS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
DEMO_LOGIN = ("maya.okafor@northwind.example", "outside-in")
# Two good rows and two that the import turns away, so the report has something to show.
ACCOUNTS_CSV = """name,external_id,segment,annual_revenue,tier,account_manager
Juniper Freight Co.,CRM-9001,Independent carriers,240000,standard,
Lakeside Grocers,CRM-9002,Mid-market retailers,"1,250,000",growth,
Orchid Pharma,CRM-9003,Enterprise shippers,a lot,key,
Pelican Parcel,CRM-9004,Independent carriers,90000,platinum,
"""


def log_in(page: Page) -> str:
    """Log in as the demo's CEO; returns the workspace's address prefix, e.g. ``/w/northwind``."""
    page.goto("/login/")
    page.get_by_label("E-mail").fill(DEMO_LOGIN[0])
    page.get_by_label("Password").fill(DEMO_LOGIN[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello, Maya Okafor")).to_be_visible()
    return "/" + "/".join(page.url.split("/")[3:5])


def pick(page: Page, label: str, typed: str, choice: str) -> None:
    """Choose in a searchable picker as a person does: type a few letters, tap the match."""
    page.get_by_label(label, exact=True).fill(typed)
    page.get_by_role("option", name=choice).click()


def shoot(page: Page, name: str, *, full_page: bool = False) -> None:
    """Save the top of the page (filling a form scrolls it), or all of it."""
    path = DOCS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=path, full_page=full_page)
    print(f"{path.relative_to(DOCS.parents[1])}  {path.stat().st_size // 1024} KB")


def phone_shots(page: Page) -> None:
    ws = log_in(page)
    page.get_by_role("button", name="+ Log", exact=True).click()
    pick(page, "Account", "alder", "Alder Foods")
    page.get_by_label("What did you learn?").fill("Month-end close runs on exports; they want accruals in the portal.")
    page.get_by_label("Quote or observation").fill("I rebuild the freight accruals in a pivot table every month-end.")
    page.get_by_label("Type").select_option(label="Pain")
    shoot(page, "quick-log", full_page=True)
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_text("Conversation logged.")).to_be_visible()
    shoot(page, "conversation")
    page.goto(f"{ws}/conversations/")
    page.get_by_role("searchbox").fill("pivot accruals")
    expect(page.locator("#conversation-results article")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    shoot(page, "search-phone")


def desktop_shots(page: Page) -> None:
    ws = log_in(page)
    shoot(page, "home")

    page.goto(f"{ws}/conversations/new/")
    page.get_by_label("Kind").select_option(label="Customer visit")
    pick(page, "Account", "rockport", "Rockport Steel")
    page.get_by_label("Title").fill("Walk the inbound dock with the night shift")
    shoot(page, "plan")

    page.goto(f"{ws}/conversations/")
    page.get_by_role("searchbox").fill("EDI")
    expect(page).to_have_url(re.compile(r"q=EDI"))
    page.wait_for_load_state("networkidle")
    shoot(page, "search")

    page.goto(f"{ws}/highlights/?kind=pain")
    shoot(page, "highlights")

    page.goto(f"{ws}/accounts/?q=Alder")
    page.get_by_role("link", name="Alder Foods").click()
    expect(page.get_by_role("heading", name="Alder Foods")).to_be_visible()
    shoot(page, "account")

    pilot_shot(page, ws)
    scores_shot(page, ws)

    page.goto(f"{ws}/accounts/import/")
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as csv_file:
        csv_file.write(ACCOUNTS_CSV)
    page.get_by_label("File").set_input_files(csv_file.name)
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-report")).to_be_visible()
    Path(csv_file.name).unlink()
    shoot(page, "import-accounts")

    page.goto(f"{ws}/settings/tokens/")
    page.get_by_label("Name").fill("CRM sync")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token")).to_be_visible()
    shoot(page, "api-token")


def scores_shot(page: Page, ws: str) -> None:
    """The NPS panel of the scores page: the sentence, then the trend with the month in progress drawn hollow."""
    page.goto(f"{ws}/voice/")
    panel = page.locator("#panel-nps")
    expect(panel.locator(".score-summary").first).to_be_visible()
    path = DOCS / "scores.png"
    panel.screenshot(path=path)
    print(f"{path.relative_to(DOCS.parents[1])}  {path.stat().st_size // 1024} KB")


def pilot_shot(page: Page, ws: str) -> None:
    """The demo's finished pilot as its sponsor opens it: the verdict, then pilot against control."""
    page.goto(f"{ws}/initiatives/")
    page.get_by_role("link", name="Proactive late-load alerts").first.click()
    page.get_by_role("link", name="Late-load text alerts, eight accounts").click()
    expect(page.locator("#verdict")).to_be_visible()
    shoot(page, "pilot")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8123")
    args = parser.parse_args()
    DOCS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        for viewport, take in ((PHONE, phone_shots), (DESKTOP, desktop_shots)):
            context = browser.new_context(viewport=viewport, base_url=args.base_url, locale="en-GB")
            context.set_default_timeout(15_000)
            take(context.new_page())
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
