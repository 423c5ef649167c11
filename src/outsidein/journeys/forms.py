from typing import Any

from django import forms

from outsidein.core.forms import WorkspaceModelForm, choice_field, label_choices
from outsidein.journeys.models import Journey, JourneyStage, Touchpoint
from outsidein.journeys.templates import TEMPLATES


class JourneyForm(WorkspaceModelForm):
    template = forms.ChoiceField(label="Start from", choices=[(t.key, t.label) for t in TEMPLATES],
                                 help_text="The stages it starts with; rename, add or remove them afterwards.")

    class Meta:
        model = Journey
        fields = ["name", "segment", "product", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        segment = choice_field(self, "segment")
        segment.empty_label, segment.help_text = None, "Whose journey this is."
        if editing:
            del self.fields["template"]


class StageForm(WorkspaceModelForm):
    class Meta:
        model = JourneyStage
        fields = ["name"]
        labels = {"name": "Stage name"}


class TouchpointForm(WorkspaceModelForm):
    class Meta:
        model = Touchpoint
        fields = ["name", "channel", "owner_team", "expectation", "belief"]
        widgets = {"expectation": forms.Textarea(attrs={"rows": 2})}


class MarketNoteForm(forms.Form):
    note = forms.CharField(label="Go-to-market", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                           help_text="How we sell this class in this segment (channel, pricing, who buys, how we "
                                     "win), or why it is not a target.")


class TouchpointChoiceForm(forms.Form):
    touchpoint = forms.ModelChoiceField(queryset=Touchpoint.objects.none(), label="Touchpoint",
                                        help_text="Journey · stage · touchpoint.")

    def __init__(self, *args: Any, workspace: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = choice_field(self, "touchpoint")
        ordered = Touchpoint.objects.filter(workspace=workspace).order_by(
            "stage__journey__name", "stage__position", "position", "id")
        # The first 500 (a select longer than that helps nobody), as a queryset a choice can still be looked up in.
        field.queryset = ordered.filter(pk__in=list(ordered.values_list("pk", flat=True)[:500])).select_related(
            "stage__journey")
        label_choices(self, "touchpoint", lambda t: f"{t.stage.journey.name} · {t.stage.name} · {t.name}")
