"""Key driver analysis from the workspace's feedback: pick an outcome and drivers, read the table and the
importance–performance chart that names where to act first; the same through the API."""

import csv
import math
from datetime import timedelta
from pathlib import Path

import factories
import numpy as np
import pytest
from django.utils import timezone

from outsidein.feedback import services as voice_services
from outsidein.feedback.models import FeedbackItem
from outsidein.insights import drivers as drivers_services
from outsidein.insights.analysis.drivers import key_drivers, read_ratings_csv
from outsidein.insights.models import DriverAnalysis

# 80 made-up survey responses (tests/voice/data/README.md); some ratings are blank.
SURVEY = Path(__file__).parent / "data" / "driver_survey.csv"
DRIVERS = ["ease_of_use", "support", "reliability", "price", "onboarding"]


def load_survey(workspace) -> int:
    items = []
    with SURVEY.open(encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            ratings = {name: int(row[name]) for name in DRIVERS if row[name].strip()}
            nps = int(row["likelihood_to_recommend"]) if row["likelihood_to_recommend"].strip() else None
            items.append(FeedbackItem(workspace=workspace, external_id=row["response_id"], source_name="survey",
                                      nps=nps, driver_ratings=ratings, text=row["comment"],
                                      received_at=timezone.now() - timedelta(days=i)))
    voice_services.create_feedback(workspace, items)
    return len(items)


@pytest.fixture
def survey(workspace):
    return load_survey(workspace)


def test_driver_options_are_the_ratings_found_in_the_feedback(owner_client, workspace, survey):
    options = {o.name: o.answers for o in drivers_services.driver_options(workspace)}
    assert set(options) == set(DRIVERS)
    blank_support = sum(1 for row in csv.DictReader(SURVEY.open(encoding="utf-8")) if not row["support"].strip())
    assert options["support"] == survey - blank_support
    page = owner_client.get(f"/w/{workspace.slug}/voice/key-drivers/").content.decode()
    for name in DRIVERS:
        assert f'value="{name}"' in page


def test_analysis_page_names_the_worst_performing_key_driver(owner_client, workspace, survey):
    response = owner_client.post(f"/w/{workspace.slug}/voice/key-drivers/", {"outcome": "nps", "drivers": DRIVERS})
    assert response.status_code == 302
    analysis = DriverAnalysis.objects.get(workspace=workspace)
    assert response["Location"].endswith(f"/key-drivers/{analysis.pk}/")
    page = owner_client.get(response["Location"]).content.decode()
    assert "Act first: reliability." in page
    # The table: both importance measures, performance and the quadrant for every driver.
    for name in DRIVERS:
        assert f"<td>{name}</td>" in page or f"<strong>{name}</strong>" in page
    assert "Relative weight" in page and "Shapley share" in page and "Top box" in page
    # The importance–performance chart, with its "act first" corner and the driver named there highlighted.
    assert "<svg" in page and ">Act first</text>" in page
    assert "fill='#be123c'><title>reliability</title>" in page


def test_stored_result_matches_the_analysis_of_the_source_file(owner, workspace, survey):
    analysis = drivers_services.create_driver_analysis(workspace, owner, outcome="nps", drivers=DRIVERS)
    table = read_ratings_csv(SURVEY, "likelihood_to_recommend", DRIVERS)
    expected = key_drivers(table.outcome, table.drivers, DRIVERS)
    result = analysis.result
    assert analysis.status == "done"
    assert analysis.n == expected.n == result["n"]
    assert math.isclose(result["r2"], expected.r2, abs_tol=1e-9)
    assert result["act_first"] == expected.act_first == "reliability"
    by_name = {d["name"]: d for d in result["details"]}
    for driver in expected.drivers:
        assert math.isclose(by_name[driver.name]["shapley"], driver.shapley, abs_tol=1e-9)
        assert math.isclose(by_name[driver.name]["relative_weight"], driver.relative_weight, abs_tol=1e-9)
        assert math.isclose(by_name[driver.name]["performance"], driver.performance, abs_tol=1e-9)
    assert math.isclose(sum(d["shapley"] for d in result["details"]), result["r2"], abs_tol=1e-9)


def test_importance_chart_puts_act_first_top_left(owner, workspace, survey):
    analysis = drivers_services.create_driver_analysis(workspace, owner, outcome="nps", drivers=DRIVERS)
    details = analysis.result["details"]
    worst = drivers_services.act_first_detail(analysis)
    # Above an equal share of R² (important) and below the average performance: the shaded corner.
    assert worst["shapley_pct"] > 100 / len(details)
    assert worst["performance"] < np.mean([d["performance"] for d in details])
    assert worst["quadrant"] == "act first"


def test_no_answers_to_the_outcome_is_refused_with_a_reason(owner_client, workspace, survey):
    response = owner_client.post(f"/w/{workspace.slug}/voice/key-drivers/", {"outcome": "csat", "drivers": DRIVERS})
    assert response.status_code == 422
    assert "No feedback answers CSAT yet." in response.content.decode()
    assert not DriverAnalysis.objects.exists()


def test_at_least_two_drivers_are_needed(owner_client, workspace, survey):
    response = owner_client.post(f"/w/{workspace.slug}/voice/key-drivers/", {"outcome": "nps", "drivers": ["price"]})
    assert response.status_code == 422
    assert "at least two drivers" in response.content.decode()


def test_data_the_analysis_cannot_use_is_explained_on_the_page(owner_client, workspace):
    for i in range(40):
        factories.feedback_item(workspace, nps=i % 11, external_id=str(i),
                                driver_ratings={"speed": 3, "price": i % 5 + 1})
    response = owner_client.post(f"/w/{workspace.slug}/voice/key-drivers/", {"outcome": "nps",
                                                                        "drivers": ["speed", "price"]})
    page = owner_client.get(response["Location"]).content.decode()
    assert "could not be computed" in page and "&#x27;speed&#x27; has the same value in every" in page
    analysis = DriverAnalysis.objects.get(workspace=workspace)
    assert analysis.status == "failed" and "'speed' has the same value in every" in analysis.error
    assert 'class="badge pain">failed' in owner_client.get(f"/w/{workspace.slug}/voice/key-drivers/").content.decode()


def test_large_analysis_runs_in_the_background_and_the_page_waits_for_it(owner_client, workspace, survey,
                                                                          monkeypatch):
    queued = DriverAnalysis.objects.create(workspace=workspace, outcome="nps", drivers=DRIVERS)
    url = f"/w/{workspace.slug}/voice/key-drivers/{queued.pk}/"
    page = owner_client.get(url).content.decode()
    assert "Computing the key drivers" in page and 'hx-trigger="every 1s"' in page
    assert "Waiting for a worker" in page
    assert owner_client.get(url, headers={"HX-Request": "true"}).status_code == 200

    monkeypatch.setattr(drivers_services, "INLINE_LIMIT", 10)
    started = []
    real_start = drivers_services.jobs.start
    monkeypatch.setattr(drivers_services.jobs, "start", lambda job, *a: started.append(job) or real_start(job, *a))
    response = owner_client.post(f"/w/{workspace.slug}/voice/key-drivers/", {"outcome": "nps", "drivers": DRIVERS})
    assert started == [drivers_services.driver_analysis_job]
    analysis = DriverAnalysis.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert analysis.status == "done" and analysis.result["act_first"] == "reliability"
    assert (analysis.percent, analysis.rows_done, analysis.rows_total) == (100, 2, 2)
    done = owner_client.get(response["Location"], headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


# The worker closes its database connection when it is done, so this test runs outside the test transaction.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_page_follows_the_analysis_until_a_worker_is_done(owner_client, workspace,
                                                                                     survey, settings, monkeypatch):
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(drivers_services, "INLINE_LIMIT", 10)
    response = owner_client.post(f"/w/{workspace.slug}/voice/key-drivers/", {"outcome": "nps", "drivers": DRIVERS})
    analysis = DriverAnalysis.objects.get(workspace=workspace)
    assert analysis.status == "queued"
    page = owner_client.get(response["Location"]).content.decode()
    assert "Waiting for a worker" in page and 'hx-trigger="every 1s"' in page
    assert "<span class=\"badge\">queued</span>" in owner_client.get(
        f"/w/{workspace.slug}/voice/key-drivers/").content.decode()

    # Half-way: the responses are read (as a worker reports it).
    DriverAnalysis.objects.filter(pk=analysis.pk).update(status="running", rows_total=2, rows_done=1)
    poll = owner_client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "1 of about 2 steps done (50%)" in poll and 'hx-trigger="every 1s"' in poll

    call_command("worker", "--batch", verbosity=0)
    analysis.refresh_from_db()
    assert (analysis.status, analysis.percent, analysis.error) == ("done", 100, "")
    assert owner_client.get(response["Location"], headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    assert "Act first: reliability." in owner_client.get(response["Location"]).content.decode()


def test_viewers_read_analyses_but_cannot_run_one(viewer_client, owner, workspace, survey):
    analysis = drivers_services.create_driver_analysis(workspace, owner, outcome="nps", drivers=DRIVERS)
    assert viewer_client.get(f"/w/{workspace.slug}/voice/key-drivers/{analysis.pk}/").status_code == 200
    page = viewer_client.get(f"/w/{workspace.slug}/voice/key-drivers/").content.decode()
    assert "Analyse</button>" not in page
    assert viewer_client.post(f"/w/{workspace.slug}/voice/key-drivers/",
                              {"outcome": "nps", "drivers": DRIVERS}).status_code == 403


# -- API ---------------------------------------------------------------------------------------------------


def test_api_creates_and_reads_an_analysis(api, workspace, survey):
    response = api.post("/driver-analyses", {"outcome": "nps", "drivers": DRIVERS})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "done" and body["act_first"] == "reliability"
    assert {d["name"] for d in body["results"]} == set(DRIVERS)
    assert math.isclose(sum(d["shapley"] for d in body["results"]), body["r2"], abs_tol=1e-9)
    read = api.get(f"/driver-analyses/{body['id']}").json()
    assert read["results"] == body["results"]
    assert api.get("/driver-analyses").json()["count"] == 1


def test_api_names_an_unknown_driver(api, workspace, survey):
    response = api.post("/driver-analyses", {"outcome": "nps", "drivers": ["price", "vibes"]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "No feedback rates vibes."
