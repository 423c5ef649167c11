"""Themes in a workspace: the analysis from the themes page, new items placed without a re-fit, and people
renaming, merging and splitting themes; the same through the API."""

import functools
from decimal import Decimal

import factories
import pytest

from outsidein.conversations import services as conversation_services
from outsidein.core.jobs import JobFailed
from outsidein.feedback.models import FeedbackItem
from outsidein.insights import themes as themes_services
from outsidein.insights.analysis import embeddings
from outsidein.insights.models import Theme, ThemeAnalysis, ThemeMember, ThemeModelState

DELIVERY = [
    "My parcel delivery arrived late again", "The delivery was late and the parcel was damaged",
    "Late delivery of my parcel for the third time", "Courier delivery of the parcel was two days late",
    "Parcel delivery late and nobody called me", "The courier delivery left my parcel at the wrong door",
    "Delivery slot missed, parcel arrived late", "Why is every parcel delivery late this month",
    "The parcel delivery tracking said late", "Late courier delivery, parcel still missing",
]
BILLING = [
    "I was charged twice on my invoice", "The invoice amount is wrong, charged twice",
    "Invoice shows a charge I never ordered", "Billing charged my card twice for one invoice",
    "Wrong invoice total and a double charge", "Please fix the invoice, the charge is wrong",
    "Refund the double charge on the last invoice", "The invoice charge does not match the contract price",
    "Invoice sent twice and charged twice", "Unexpected charge on the monthly invoice",
]
LOGIN = [
    "I cannot log in, the password reset email never arrives", "Password reset link broken, cannot log in",
    "Login fails after the password reset", "Locked out: password reset does not work and I cannot log in",
    "Cannot log in to the app since the password change", "The password reset page errors so I cannot log in",
    "Log in keeps saying wrong password after reset", "Two factor login fails and password reset fails too",
    "App log in broken, password reset loops", "Still cannot log in, password reset email missing",
]


add_feedback = functools.partial(factories.feedback_item, source_name="test")


@pytest.fixture
def accounts(workspace):
    return factories.accounts_with_revenue(workspace, {"Big Co": 1_000_000, "Mid Co": 250_000, "Small Co": 50_000})


@pytest.fixture
def feedback(workspace, accounts):
    """Three topics: delivery (older and recent), billing (only 31-60 days ago), login (only recent)."""
    big, mid, small = accounts["Big Co"], accounts["Mid Co"], accounts["Small Co"]
    for i, text in enumerate(DELIVERY):
        add_feedback(workspace, text, days_ago=5 + 5 * i, account=big if i % 2 else mid, nps=3)
    for i, text in enumerate(BILLING):
        add_feedback(workspace, text, days_ago=35 + i, account=small, nps=8)
    for i, text in enumerate(LOGIN):
        add_feedback(workspace, text, days_ago=1 + i, account=None, nps=9)


def theme_with(workspace, word: str) -> Theme:
    matches = [t for t in themes_services.live_themes(workspace) if word in " ".join(t.top_terms)]
    assert len(matches) == 1, [(t.name, t.top_terms) for t in themes_services.live_themes(workspace)]
    return matches[0]


def member_texts(theme: Theme) -> set[str]:
    return {(m.feedback_item.text if m.feedback_item_id else m.highlight.text)
            for m in theme.members.select_related("feedback_item", "highlight")}


@pytest.fixture
def analysed(owner_client, workspace, feedback):
    response = owner_client.post(f"/w/{workspace.slug}/voice/themes/run/", {"k": 3, "method": "tfidf"})
    assert response.status_code == 302
    return themes_services.live_themes(workspace)


def test_theme_analysis_from_the_page_groups_each_topic_into_its_own_theme(owner_client, workspace, analysed):
    assert analysed.count() == 3
    for topic, word in [(DELIVERY, "delivery"), (BILLING, "invoice"), (LOGIN, "password")]:
        theme = theme_with(workspace, word)
        assert member_texts(theme) == set(topic)
        assert word in theme.top_terms[:5]
        assert theme.name.lower() in " ".join(topic).lower()  # named in its customers' own words
    page = owner_client.get(f"/w/{workspace.slug}/voice/themes/").content.decode()
    for theme in analysed:
        assert theme.name in page
    assert "1,250,000" in page  # delivery: Big Co + Mid Co, each once


def test_theme_figures_revenue_sentiment_and_trend(workspace, analysed):
    delivery, billing, login = (theme_with(workspace, w) for w in ("delivery", "invoice", "password"))
    # Revenue at stake counts each account once, however many items it raised.
    assert delivery.revenue_at_stake == Decimal("1250000.00")
    assert billing.revenue_at_stake == Decimal("50000.00")
    assert login.revenue_at_stake is None  # no account raised it: unknown, not zero
    assert delivery.size == billing.size == login.size == 10
    assert delivery.avg_sentiment is not None and delivery.avg_sentiment < 0
    # Login complaints are all in the last 30 days, billing ones all before: the shares moved accordingly.
    assert login.trend > 0 > billing.trend
    assert len(delivery.representative_ids) == 3


def test_theme_page_shows_representative_quotes_and_its_items(owner_client, workspace, analysed):
    theme = theme_with(workspace, "invoice")
    page = owner_client.get(f"/w/{workspace.slug}/voice/themes/{theme.pk}/").content.decode()
    assert "Representative quotes" in page
    quotes = themes_services.representative_quotes(theme)
    assert len(quotes) == 3 and {q.text for q in quotes} <= set(BILLING)
    for text in BILLING:
        assert text in page
    assert DELIVERY[0] not in page


def test_highlights_are_themed_with_feedback(owner, workspace, accounts, feedback):
    conversation = conversation_services.save_conversation(
        workspace, owner, {"kind": "coffee", "account": accounts["Small Co"], "notes": ""})
    highlight = conversation_services.add_highlight(conversation, owner, kind="pain",
                                                    text="Every parcel delivery is late for us")
    themes_services.run_theme_analysis(workspace, k=3)
    delivery = theme_with(workspace, "delivery")
    assert delivery.members.filter(highlight=highlight).exists()
    # The highlight's account now counts towards the delivery theme's revenue at stake.
    assert delivery.revenue_at_stake == Decimal("1300000.00")


def test_new_items_join_existing_themes_without_a_refit(owner_client, workspace, analysed):
    state = ThemeModelState.objects.get(workspace=workspace)
    fitted_at = state.fitted_at
    late = add_feedback(workspace, "My parcel delivery is late once more", days_ago=0)
    off_topic = add_feedback(workspace, "Lovely weather for a picnic by the river", days_ago=0)
    response = owner_client.post(f"/w/{workspace.slug}/voice/themes/assign/", follow=True)
    assert "1 new item joined existing themes" in response.content.decode()
    delivery = theme_with(workspace, "delivery")
    assert delivery.members.filter(feedback_item=late).exists()
    assert delivery.size == 11
    assert not ThemeMember.objects.filter(feedback_item=off_topic).exists()
    state.refresh_from_db()
    assert state.fitted_at == fitted_at
    # Nothing new the second time.
    assert themes_services.assign_new_items(workspace).assigned == 0


def test_rename_a_theme_and_the_name_survives_a_new_analysis(owner_client, workspace, analysed):
    theme = theme_with(workspace, "password")
    url = f"/w/{workspace.slug}/voice/themes/{theme.pk}/rename/"
    assert owner_client.get(url).status_code == 200
    assert owner_client.post(url, {"name": "  "}).status_code == 422
    response = owner_client.post(url, {"name": "Locked out of the app"})
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.name == "Locked out of the app"
    themes_services.run_theme_analysis(workspace, k=3)
    assert theme_with(workspace, "password").name == "Locked out of the app"


def test_two_themes_cannot_share_a_name_and_a_found_name_is_found_again(owner_client, workspace, analysed):
    login, billing = theme_with(workspace, "password"), theme_with(workspace, "invoice")
    url = f"/w/{workspace.slug}/voice/themes/{login.pk}/rename/"
    response = owner_client.post(url, {"name": billing.name.upper()})
    assert response.status_code == 422 and "already called" in response.content.decode()
    login.refresh_from_db()
    assert login.name != billing.name and not login.named_by_person
    # A name the analysis found is the analysis's to change; only a person's is kept.
    themes_services.run_theme_analysis(workspace, k=3)
    assert not themes_services.live_themes(workspace).filter(named_by_person=True).exists()


def test_merge_two_themes_into_one(owner_client, workspace, analysed):
    keep, other = theme_with(workspace, "delivery"), theme_with(workspace, "invoice")
    response = owner_client.post(f"/w/{workspace.slug}/voice/themes/{keep.pk}/merge/",
                                 {"other": other.pk, "name": "Orders going wrong"})
    assert response.status_code == 302
    keep.refresh_from_db()
    assert keep.name == "Orders going wrong"
    assert keep.size == 20
    assert member_texts(keep) == set(DELIVERY) | set(BILLING)
    assert keep.revenue_at_stake == Decimal("1300000.00")
    assert themes_services.live_themes(workspace).count() == 2
    owner_client.get(f"/w/{workspace.slug}/voice/themes/{keep.pk}/")  # shows (and so clears) the confirmation
    list_page = owner_client.get(f"/w/{workspace.slug}/voice/themes/").content.decode()
    assert "Orders going wrong" in list_page and other.name not in list_page
    # The merged theme's old address leads to the theme it went into.
    assert owner_client.get(f"/w/{workspace.slug}/voice/themes/{other.pk}/")["Location"].endswith(f"/themes/{keep.pk}/")
    # New billing items now join the merged theme.
    add_feedback(workspace, "The invoice charged me twice again", days_ago=0)
    assert themes_services.assign_new_items(workspace).assigned == 1
    keep.refresh_from_db()
    assert keep.size == 21


def test_a_theme_cannot_be_merged_with_itself(owner_client, workspace, analysed):
    theme = theme_with(workspace, "delivery")
    response = owner_client.post(f"/w/{workspace.slug}/voice/themes/{theme.pk}/merge/", {"other": theme.pk})
    assert response.status_code == 422
    assert themes_services.live_themes(workspace).count() == 3


def test_split_a_theme_into_two(owner_client, workspace, analysed):
    mixed = themes_services.merge_themes(theme_with(workspace, "delivery"), theme_with(workspace, "invoice"))
    assert mixed.size == 20
    response = owner_client.post(f"/w/{workspace.slug}/voice/themes/{mixed.pk}/split/", {"parts": 2})
    assert response.status_code == 302
    assert themes_services.live_themes(workspace).count() == 3
    # The re-clustering finds the two topics again, each a theme of its own with its own label.
    assert member_texts(theme_with(workspace, "delivery")) == set(DELIVERY)
    assert member_texts(theme_with(workspace, "invoice")) == set(BILLING)
    assert theme_with(workspace, "invoice").revenue_at_stake == Decimal("50000.00")
    # New items still find their theme after the split.
    late = add_feedback(workspace, "Parcel delivery late yet again", days_ago=0)
    assert themes_services.assign_new_items(workspace).assigned == 1
    assert theme_with(workspace, "delivery").members.filter(feedback_item=late).exists()
    # More parts than there are different texts is refused with a reason.
    response = owner_client.post(f"/w/{workspace.slug}/voice/themes/{mixed.pk}/split/", {"parts": 11})
    assert response.status_code == 422


@pytest.mark.skipif(not embeddings.is_available(), reason="the model package is not installed")
def test_themes_are_found_by_meaning_by_default_where_the_model_is_installed(owner_client, workspace, feedback):
    page = owner_client.get(f"/w/{workspace.slug}/voice/themes/").content.decode()
    assert 'value="embeddings" checked' in page or 'value="embeddings" selected' in page
    assert owner_client.post(f"/w/{workspace.slug}/voice/themes/run/", {"method": "embeddings"}).status_code == 302


def test_without_the_model_only_word_patterns_are_offered(owner_client, workspace, feedback, monkeypatch):
    monkeypatch.setattr(embeddings, "is_available", lambda: False)
    page = owner_client.get(f"/w/{workspace.slug}/voice/themes/").content.decode()
    assert 'name="method" value="tfidf"' in page and "sentence embeddings (all-MiniLM" not in page
    response = owner_client.post(f"/w/{workspace.slug}/voice/themes/run/", {"method": "embeddings"})
    assert response.status_code == 422
    assert not Theme.objects.filter(workspace=workspace).exists()


def test_number_of_themes_out_of_range_is_refused(owner_client, workspace, feedback):
    response = owner_client.post(f"/w/{workspace.slug}/voice/themes/run/", {"k": 1, "method": "tfidf"})
    assert response.status_code == 422
    assert not Theme.objects.filter(workspace=workspace).exists()


def test_viewers_read_themes_but_cannot_change_them(viewer_client, workspace, analysed):
    theme = theme_with(workspace, "delivery")
    assert viewer_client.get(f"/w/{workspace.slug}/voice/themes/").status_code == 200
    assert viewer_client.get(f"/w/{workspace.slug}/voice/themes/{theme.pk}/").status_code == 200
    assert viewer_client.post(f"/w/{workspace.slug}/voice/themes/run/", {"k": 2}).status_code == 403
    assert viewer_client.post(f"/w/{workspace.slug}/voice/themes/{theme.pk}/rename/", {"name": "x"}).status_code == 403


def test_empty_workspace_has_no_themes_and_says_what_to_do(owner_client, workspace):
    page = owner_client.get(f"/w/{workspace.slug}/voice/themes/").content.decode()
    assert "No themes yet" in page
    with pytest.raises(JobFailed, match="no feedback texts or highlights"):
        themes_services.run_theme_analysis(workspace)
    assert themes_services.assign_new_items(workspace).assigned == 0


def test_an_analysis_of_the_feedback_ends_done_with_its_steps_counted(owner_client, owner, workspace, feedback):
    assert owner_client.post(f"/w/{workspace.slug}/voice/themes/run/", {"k": 3, "method": "tfidf"}).status_code == 302
    analysis = ThemeAnalysis.objects.get(workspace=workspace)
    assert (analysis.status, analysis.percent, analysis.error) == ("done", 100, "")
    assert analysis.rows_done == analysis.rows_total == len(themes_services.ANALYSIS_STEPS)
    assert (analysis.k, analysis.method, analysis.created_by, analysis.themes_found) == (3, "tfidf", owner, 3)
    assert analysis.started_at <= analysis.finished_at
    page = owner_client.get(f"/w/{workspace.slug}/voice/themes/").content.decode()
    assert "theme-status" not in page and themes_services.live_themes(workspace).count() == 3


def test_an_analysis_with_too_few_texts_fails_and_the_page_says_what_to_do(owner_client, workspace, feedback):
    kept = sorted(t.name for t in themes_services.run_theme_analysis(workspace, k=3))
    FeedbackItem.objects.exclude(pk=FeedbackItem.objects.order_by("id").first().pk).delete()
    assert owner_client.post(f"/w/{workspace.slug}/voice/themes/run/", {"method": "tfidf"}).status_code == 302
    analysis = ThemeAnalysis.objects.get(workspace=workspace)
    assert analysis.status == "failed" and "There is 1 feedback text or highlight" in analysis.error
    page = owner_client.get(f"/w/{workspace.slug}/voice/themes/").content.decode()
    assert "The last theme analysis failed: There is 1 feedback text or highlight to find themes in" in page
    assert "Import feedback with comments or capture highlights first." in page
    # The themes found before are left as they were, and the analysis can be run again.
    assert sorted(t.name for t in Theme.objects.filter(workspace=workspace)) == kept
    assert "Find themes</button>" in page


def test_theme_list_page_costs_a_fixed_number_of_queries(owner_client, workspace, analysed,
                                                         django_assert_max_num_queries):
    for i in range(30):
        add_feedback(workspace, f"Parcel delivery late, order {i}", days_ago=0)
    themes_services.assign_new_items(workspace)
    # One of them gives every theme's share of revenue and how concentrated it is, whatever their size.
    with django_assert_max_num_queries(13):
        owner_client.get(f"/w/{workspace.slug}/voice/themes/")
    theme = theme_with(workspace, "delivery")
    with django_assert_max_num_queries(13):
        owner_client.get(f"/w/{workspace.slug}/voice/themes/{theme.pk}/")


# -- API ---------------------------------------------------------------------------------------------------


def test_api_lists_reads_renames_and_merges_themes(api, workspace, analysed):
    listed = api.get("/themes").json()
    assert listed["count"] == 3
    delivery = next(t for t in listed["items"] if "delivery" in t["top_terms"])
    assert delivery["revenue_at_stake"] == 1_250_000 and delivery["size"] == 10
    detail = api.get(f"/themes/{delivery['id']}").json()
    assert len(detail["quotes"]) == 3 and detail["quotes"][0]["text"] in DELIVERY

    renamed = api.patch(f"/themes/{delivery['id']}", {"name": "Late parcels"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Late parcels"

    billing = theme_with(workspace, "invoice")
    merged = api.post(f"/themes/{delivery['id']}/merge", {"other_theme_id": billing.pk})
    assert merged.status_code == 200
    assert merged.json()["size"] == 20 and merged.json()["name"] == "Late parcels"
    assert api.get("/themes").json()["count"] == 2
    # A merged theme is gone from the API.
    assert api.get(f"/themes/{billing.pk}").status_code == 404
    same = api.post(f"/themes/{delivery['id']}/merge", {"other_theme_id": delivery["id"]})
    assert same.status_code == 422


# The worker closes its database connection when it is done, so this test runs outside the test transaction.
@pytest.mark.django_db(transaction=True)
def test_a_queued_analysis_shows_progress_and_cannot_be_started_twice(owner_client, workspace, feedback, settings):
    # The database queue, with no worker: the analysis stays queued, as it does until a worker picks it up.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    url = f"/w/{workspace.slug}/voice/themes/"
    assert owner_client.post(url + "run/", {"method": "tfidf"}).status_code == 302
    analysis = ThemeAnalysis.objects.get(workspace=workspace)
    assert analysis.status == "queued"
    page = owner_client.get(url).content.decode()
    assert "Finding themes in the feedback and highlights" in page and 'hx-trigger="every 1s"' in page
    assert "Waiting for a worker" in page
    assert "Find themes</button>" not in page
    assert owner_client.get(url, headers={"HX-Request": "true"}).status_code == 200
    again = owner_client.post(url + "run/", {"method": "tfidf"})
    assert again.status_code == 422 and "already running" in again.content.decode()

    # Running, as a worker reports it: the page shows how far it got.
    ThemeAnalysis.objects.filter(pk=analysis.pk).update(status="running", rows_total=5, rows_done=2)
    poll = owner_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "2 of about 5 steps done (40%)" in poll and 'hx-trigger="every 1s"' in poll

    # A worker runs it: the polling page is told to reload, and the themes are there.
    from django.core.management import call_command

    call_command("worker", "--batch", verbosity=0)
    analysis.refresh_from_db()
    assert (analysis.status, analysis.percent) == ("done", 100)
    assert owner_client.get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    assert themes_services.live_themes(workspace).count() >= 3


def test_api_splits_a_theme_and_starts_an_analysis(api, workspace, analysed):
    mixed = themes_services.merge_themes(theme_with(workspace, "delivery"), theme_with(workspace, "invoice"))
    parts = api.post(f"/themes/{mixed.pk}/split", {"parts": 2})
    assert parts.status_code == 200
    assert sorted(t["size"] for t in parts.json()) == [10, 10]
    assert api.post(f"/themes/{mixed.pk}/split", {"parts": 1}).status_code == 422

    started = api.post("/theme-analyses", {"k": 2})
    assert started.status_code == 202  # the immediate backend of the tests has already run it
    assert api.get("/themes").json()["count"] == 2
    refused = api.post("/theme-analyses", {"method": "nonsense"})
    assert refused.status_code == 422


def test_the_count_of_texts_in_no_theme_follows_new_feedback_and_placement(owner_client, workspace, analysed):
    def direct() -> int:
        return (FeedbackItem.objects.filter(workspace=workspace, theme_memberships__isnull=True).exclude(text="")
                .count())

    assert themes_services.unthemed_count(workspace) == direct()
    add_feedback(workspace, "Parcel delivery late again", days_ago=0)
    add_feedback(workspace, "Quarterly pricing of the premium tier", days_ago=0)
    add_feedback(workspace, "", days_ago=0, nps=9)  # a score alone is no text to theme
    before = direct()
    assert themes_services.unthemed_count(workspace) == before
    page = owner_client.get(f"/w/{workspace.slug}/voice/themes/").content.decode()
    assert f"Place {before} new item" in page
    result = themes_services.assign_new_items(workspace)
    assert themes_services.unthemed_count(workspace) == direct() == before - result.assigned
