"""A leader writes an interview guide; the coach flags a leading question as it is typed and proposes an
open rewrite, and the question, once added, carries its coach badge."""

import shutil
from pathlib import Path

import factories
import pytest
from playwright.sync_api import Page, expect

from outsidein.guides.models import Guide

pytestmark = pytest.mark.browser

PASSWORD = "pw-12345678"  # the password tests/conftest.py gives every user it makes
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LEADING = "Don't you think our new dashboard is much better?"


@pytest.fixture
def guide(workspace, owner) -> Guide:
    return factories.guide(workspace, owner, "Dashboard feedback", purpose="solution_feedback",
                           questions=["Tell me about the last time you checked on a late load."])


def test_the_coach_flags_a_leading_question_as_it_is_typed(page: Page, login, screenshot, owner, guide,
                                                           browser_problems) -> None:
    login(owner.email, PASSWORD)
    page.goto(guide.get_absolute_url())
    expect(page.get_by_role("heading", name="Dashboard feedback")).to_be_visible()
    editor = page.locator("#guide-editor")
    expect(editor.get_by_text("Coach score: 100% open questions")).to_be_visible()

    # Typed key by key, as a person would: the coach answers while the question is being written.
    field = page.locator("#id_text")
    field.press_sequentially(LEADING, delay=10)

    leading = page.locator('.coach-finding[data-rule="leading"]')
    expect(leading).to_be_visible()
    suggestion = leading.locator(".coach-suggestion")
    expect(suggestion).to_be_visible()
    assert suggestion.inner_text().strip() not in ("", LEADING)
    shot = screenshot("live-finding")
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / "guide-coach.png")
    assert not Guide.objects.get(pk=guide.pk).questions.filter(text=LEADING).exists()  # nothing saved yet

    page.get_by_role("button", name="Add question").click()

    added = editor.locator("ol.guide-questions > li").filter(has_text=LEADING)
    expect(added).to_have_count(1)
    expect(added.locator(".coach-findings .badge")).to_contain_text("leading")
    expect(editor.get_by_text("Coach score: 50% open questions")).to_be_visible()
    expect(page.locator("#id_text")).to_have_value("")
    assert list(guide.questions.order_by("position").values_list("text", flat=True))[-1] == LEADING
    assert browser_problems.errors == []
