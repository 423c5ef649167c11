"""The demo workspace tells the learning story: initiatives at different stages with assumptions, evidence,
experiments and one finished pilot with a result."""

from outsidein.initiatives.models import Initiative, Pilot, StageMove
from outsidein.learning.models import Assumption, Evidence, Experiment


def test_the_demo_has_initiatives_at_different_stages_and_a_finished_pilot(demo):
    ws = demo.workspace
    stages = set(Initiative.objects.filter(workspace=ws).values_list("stage", flat=True))
    assert len(stages) >= 3
    assert Assumption.objects.filter(workspace=ws, initiative__isnull=False).count() >= 8
    assert Assumption.objects.filter(workspace=ws, status="validated").exists()
    evidence = Evidence.objects.filter(workspace=ws)
    assert evidence.filter(source_kind="highlight").count() >= 10
    assert evidence.filter(source_kind="experiment").exists()
    assert evidence.filter(first_hand=True).exists() and evidence.filter(behaviour="do").exists()
    experiments = Experiment.objects.filter(workspace=ws)
    assert experiments.filter(done_at__isnull=False).exists() and experiments.filter(done_at__isnull=True).exists()
    pilot = Pilot.objects.get(workspace=ws)
    assert pilot.decision == "scale" and pilot.result["effect"] < 0
    assert pilot.measurements.count() >= 4 * 8 * 2
    moves = StageMove.objects.filter(workspace=ws)
    assert moves.filter(override=True).exclude(reason="").exists()
