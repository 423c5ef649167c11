from django import forms

from outsidein.core.forms import WorkspaceModelForm
from outsidein.core.pickers import use_picker
from outsidein.learning.models import Assumption, AssumptionStatus, Decision, Direction, Experiment


class AssumptionForm(WorkspaceModelForm):
    class Meta:
        model = Assumption
        fields = ["statement", "type", "topic", "importance", "owner", "initiative"]
        widgets = {"statement": forms.TextInput(attrs={"placeholder": "Shippers lose hours a week chasing late loads"})}
        labels = {"statement": "We believe that"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["owner"], "member", self.workspace)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=AssumptionStatus.choices)


class LinkEvidenceForm(forms.Form):
    direction = forms.ChoiceField(choices=Direction.choices)
    highlight_id = forms.IntegerField(required=False)
    conversation_id = forms.IntegerField(required=False)
    experiment_id = forms.IntegerField(required=False)
    feedback_item_id = forms.IntegerField(required=False)
    note = forms.CharField(required=False, max_length=5000)

    def clean(self):
        data = super().clean()
        given = [k for k in ("highlight_id", "conversation_id", "experiment_id", "feedback_item_id") if data.get(k)]
        if len(given) != 1:
            raise forms.ValidationError("Choose exactly one highlight, conversation, feedback item or experiment.")
        return data


class ExperimentForm(WorkspaceModelForm):
    class Meta:
        model = Experiment
        fields = ["assumption", "title", "method", "test", "metric", "success_criteria", "deadline", "cost", "owner"]
        widgets = {"test": forms.Textarea(attrs={"rows": 3}), "deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["owner"], "member", self.workspace)


class LearningCardForm(forms.Form):
    observation = forms.CharField(label="We observed", widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000)
    learning = forms.CharField(label="From that we learned", widget=forms.Textarea(attrs={"rows": 3}),
                               max_length=10_000)
    criteria_met = forms.TypedChoiceField(
        label="Did the result meet the success criteria?", coerce=lambda v: v == "yes",
        choices=[("yes", "Yes: the result supports the assumption"), ("no", "No: the result refutes it")])
    decision = forms.ChoiceField(choices=Decision.choices)
    actions = forms.CharField(label="Therefore we will", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=10_000)
