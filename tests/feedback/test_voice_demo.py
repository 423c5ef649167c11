"""The demo's voice data: enough survey answers for honest scores, and a key driver story with a right answer."""

import numpy as np
import pytest

from outsidein.feedback import demo
from outsidein.feedback.models import FeedbackItem
from outsidein.insights.analysis.drivers import key_drivers
from outsidein.site.demo.builder import DEMO_STEPS, DemoContext


@pytest.fixture
def demo_ctx(db):
    import random

    from django.utils import timezone

    from outsidein.workspaces.models import Workspace

    ctx = DemoContext(workspace=Workspace.objects.create(name="Demo", slug="demo"), rng=random.Random(7),
                      now=timezone.now())
    for step in DEMO_STEPS[:2]:  # people and customers: what the voice demo builds on
        step(ctx)
    demo.build(ctx)
    return ctx


def test_demo_has_six_months_of_survey_answers_and_tickets(demo_ctx):
    items = FeedbackItem.objects.filter(workspace=demo_ctx.workspace)
    assert items.filter(source="survey").count() == demo.RESPONSES
    assert items.filter(source="support_ticket").count() == demo.TICKETS
    assert items.filter(sentiment__lt=-0.3).exists() and items.filter(sentiment__gt=0.3).exists()
    months = {d.month for d in items.values_list("received_at", flat=True)}
    assert len(months) >= 6


def test_demo_key_drivers_name_invoicing_as_the_place_to_act_first(demo_ctx):
    rows = FeedbackItem.objects.filter(workspace=demo_ctx.workspace, source="survey").values_list(
        "nps", "driver_ratings")
    names = list(demo.DRIVERS)
    y = np.array([r[0] for r in rows], dtype=float)
    x = np.array([[r[1][n] for n in names] for r in rows], dtype=float)
    result = key_drivers(y, x, names)
    assert result.act_first == "invoicing"
