"""Browser tests: Playwright (sync API) drives Debian's headless Chromium against pytest-django's live server.

Every test gets a fresh browser context (cookies, storage) and leaves a full-page screenshot named after it
in ``test-artifacts/`` at the repository root; a failing test leaves one more, taken at the moment it failed.
"""

import re
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect, sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# Headless in a container: no sandbox (no user namespaces), no GPU, /dev/shm is small, and nothing may
# reach the internet (updates, sync, first-run pages).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
TIMEOUT_MS = 15_000
# Assertions wait as long as actions: the suite shares the machine with others.
expect.set_options(timeout=TIMEOUT_MS)


@dataclass
class BrowserProblems:
    """What the page complained about: script errors, console errors (CSP violations land here) and
    responses that failed (4xx/5xx, including static files)."""

    errors: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        # Failed loads are reported with their address by on_response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text}")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.request.method} {response.url}")


def artifact_name(nodeid: str, suffix: str = "") -> Path:
    """``tests/browser/test_x.py::test_y[phone]`` → ``test-artifacts/x-y-phone<suffix>.png``."""
    module, _, test = nodeid.split("/")[-1].partition(".py::")
    stem = f"{module.removeprefix('test_')}-{test.removeprefix('test_')}"
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-")
    return ARTIFACTS / f"{stem}{suffix}.png"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so the page fixture knows, while tearing down, if the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def viewport(request) -> dict[str, int]:
    """Desktop, unless a test asks for another by name:
    ``@pytest.mark.parametrize("viewport", ["phone"], indirect=True)``."""
    return VIEWPORTS[getattr(request, "param", "desktop")]


@pytest.fixture
def browser_problems() -> BrowserProblems:
    return BrowserProblems()


@pytest.fixture(scope="session")
def warm_live_server(live_server) -> str:
    """The first request imports every view and the analytics libraries behind them, which can take longer
    than a page is allowed on a busy machine; pay for it once, outside any test's timeouts."""
    with urllib.request.urlopen(f"{live_server.url}/login/", timeout=300) as response:
        response.read()
    return live_server.url


@pytest.fixture
def page(request, browser: Browser, live_server, warm_live_server, viewport,
         browser_problems: BrowserProblems) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="en-GB",
                                  timezone_id="Europe/London")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", browser_problems.on_console)
    page.on("response", browser_problems.on_response)
    page.on("pageerror", lambda exc: browser_problems.errors.append(f"script: {exc}"))
    ARTIFACTS.mkdir(exist_ok=True)
    failed_shot = artifact_name(request.node.nodeid, "-failed")
    failed_shot.unlink(missing_ok=True)  # from an earlier run
    yield page
    call = getattr(request.node, "report_call", None)
    try:
        if call is not None and call.failed:
            page.screenshot(path=failed_shot, full_page=True)
        else:
            page.screenshot(path=artifact_name(request.node.nodeid), full_page=True)
    finally:
        context.close()


@pytest.fixture
def screenshot(request, page: Page) -> Callable[[str], Path]:
    """Save a named full-page screenshot along the way: ``screenshot("form")``."""

    def take(name: str) -> Path:
        path = artifact_name(request.node.nodeid, f"-{name}")
        page.screenshot(path=path, full_page=True)
        return path

    return take


def log_in(page: Page, email: str, password: str) -> None:
    """Log in through the login form, as a person would, and wait for the workspace home page."""
    page.goto("/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Hello,"))).to_be_visible()


@pytest.fixture
def login(page: Page) -> Callable[[str, str], None]:
    return lambda email, password: log_in(page, email, password)


@pytest.fixture
def horizontal_overflow(page: Page) -> Callable[[], dict[str, object] | None]:
    return lambda: page_overflow(page)


def page_overflow(page: Page) -> dict[str, object] | None:
    """The page's width and the widest offending elements when it scrolls sideways, else None."""
    return page.evaluate(
        """() => {
            const doc = document.documentElement;
            if (doc.scrollWidth <= window.innerWidth + 1) return null;
            const wide = [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(el => !el.closest('.overflow-auto'))
                .slice(0, 5)
                .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                     + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '')
                     + ' right=' + Math.round(el.getBoundingClientRect().right));
            return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, elements: wide};
        }"""
    )
