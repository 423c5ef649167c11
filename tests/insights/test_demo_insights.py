"""The demo workspace opens with its insights already worked out: themes of what customers say, a key driver
analysis of likelihood to recommend, and the pain ranking built on them."""

from django.urls import reverse
from factories import client_for

from outsidein.insights import demo as demo_data
from outsidein.insights import themes as themes_services
from outsidein.insights.analysis import embeddings
from outsidein.insights.models import DriverAnalysis, ThemeModelState


def test_the_demo_has_readable_themes_a_driver_analysis_and_pages_that_show_them(demo):
    ws = demo.workspace
    themes = list(themes_services.live_themes(ws))
    assert len(themes) == demo_data.DEMO_THEMES
    # The demo's themes are found the way a workspace's are: by meaning where the model is installed.
    assert ThemeModelState.objects.filter(workspace=ws, method=embeddings.default_method()).exists()
    assert themes_services.unthemed_count(ws) == 0  # everything the demo wrote belongs to a theme
    for theme in themes:
        assert theme.size > 0 and theme.representative_ids
        # A phrase its customers use, in sentence case, not a list of terms.
        assert theme.name[:1].isupper() and ", " not in theme.name and not theme.named_by_person
    assert len({t.name.lower() for t in themes}) == len(themes)
    # The demo's story: invoicing is a large, negative theme with revenue behind it.
    invoicing = [t for t in themes if "invoice" in " ".join(t.top_terms) or "billing" in " ".join(t.top_terms)]
    assert sum(t.size for t in invoicing) >= 150
    assert min(t.avg_sentiment for t in invoicing) < 0
    assert all(t.revenue_at_stake for t in invoicing)

    analysis = DriverAnalysis.objects.get(workspace=ws)
    assert analysis.outcome == "nps" and analysis.status == "done"
    assert analysis.result["act_first"] == "invoicing" and analysis.n > 1_000

    client = client_for(demo.leaders[0])
    page = client.get(reverse("theme-list", kwargs={"ws": ws.slug})).content.decode()
    assert all(t.name in page for t in themes[:5])
    assert "No themes yet" not in page
    drivers = client.get(reverse("driver-analysis-list", kwargs={"ws": ws.slug})).content.decode()
    assert reverse("driver-analysis-detail", kwargs={"ws": ws.slug, "analysis_id": analysis.pk}) in drivers
    detail = client.get(reverse("driver-analysis-detail", kwargs={"ws": ws.slug, "analysis_id": analysis.pk}))
    assert "<svg" in detail.content.decode() and "invoicing" in detail.content.decode()
    pain = client.get(reverse("pain-list", kwargs={"ws": ws.slug})).content.decode()
    top = [t for t in themes if t.revenue_at_stake]
    assert any(reverse("theme-detail", kwargs={"ws": ws.slug, "theme_id": t.pk}) in pain for t in top)

    # The fit is seeded: running the analysis again finds the same themes (so screenshots and tests agree).
    before = sorted((t.name, t.size) for t in themes)
    assert sorted((t.name, t.size) for t in themes_services.run_theme_analysis(ws, k=demo_data.DEMO_THEMES)) == before
