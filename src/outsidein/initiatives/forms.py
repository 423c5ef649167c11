from django import forms

from outsidein.core.forms import WorkspaceModelForm, choice_field
from outsidein.core.pickers import use_picker
from outsidein.core.scoping import scoped
from outsidein.customers.models import Account
from outsidein.initiatives import gate_rows
from outsidein.initiatives.models import Initiative, MetricKind, Pilot, PilotDecision, Stage
from outsidein.workspaces.models import Workspace


class InitiativeForm(WorkspaceModelForm):
    class Meta:
        model = Initiative
        fields = ["name", "pain_statement", "sponsor", "team", "target_segment", "buying_committee"]
        widgets = {"pain_statement": forms.Textarea(attrs={"rows": 3}),
                   "buying_committee": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["sponsor"], "member", self.workspace)
        use_picker(self.fields["team"], "member", self.workspace)


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(choices=Stage.choices)
    override = forms.BooleanField(required=False, label="Move anyway (override the gate)")
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000,
                             label="Why move without the evidence the gate asks for?")


class GateCriteriaForm(forms.Form):
    criteria = forms.JSONField(widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
                               help_text="One list of criteria per stage; stages left out keep the defaults.")


class GateRowForm(forms.Form):
    """One criterion of a stage gate as a row (gate_rows.Row): the labels are the table's column heads."""

    # Blank first, so the empty rows under the criteria post nothing and are left out.
    stage = forms.ChoiceField(label="To leave", required=False,
                              choices=[("", "Stage…"), *((s.key, s.label) for s in gate_rows.GATED_STAGES)])
    measure = forms.ChoiceField(label="Measure", required=False,
                                choices=[("", "Measure…"), *((m.code, m.label) for m in gate_rows.MEASURES.values())])
    threshold = forms.IntegerField(label="At least", min_value=0, max_value=10_000, required=False,
                                   widget=forms.NumberInput(attrs={"inputmode": "numeric", "style": "width:6rem"}))
    per_segment = forms.IntegerField(label="In each segment", min_value=1, max_value=10_000, required=False,
                                     widget=forms.NumberInput(attrs={"inputmode": "numeric", "style": "width:6rem"}))
    either = forms.BooleanField(label="Or the row above", required=False)
    label = forms.CharField(label="Wording (optional)", max_length=200, required=False)
    name = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    group = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    group_label = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("stage") and not data.get("measure"):
            return data  # an empty row: left out
        if not data.get("stage"):
            self.add_error("stage", "Which stage does this criterion let an initiative leave?")
        if not data.get("measure"):
            self.add_error("measure", "Choose what is counted.")
        measure = gate_rows.MEASURES.get(data.get("measure", ""))
        if measure is not None and measure.threshold and data.get("threshold") is None:
            self.add_error("threshold", "How many are needed? A whole number, 0 or more.")
        if data.get("per_segment") is not None and not str(data.get("measure", "")).startswith("segments:"):
            self.add_error("per_segment", "Only a measure of segments counts per segment: leave this empty.")
        return data

    def row(self) -> gate_rows.Row:
        fields = {name: value for name, value in self.cleaned_data.items() if name != "DELETE"}
        return gate_rows.Row(**fields)


GateRowFormSet = forms.formset_factory(GateRowForm, extra=2, can_delete=True, max_num=60, validate_max=True)


class PilotForm(WorkspaceModelForm):
    # Optional so that a form posted without it (or an older client) keeps the entered-number metric.
    metric_kind = forms.ChoiceField(choices=MetricKind.choices, required=False, initial=MetricKind.ENTERED,
                                    label="Metric")

    def clean_metric_kind(self) -> str:
        return self.cleaned_data.get("metric_kind") or MetricKind.ENTERED

    class Meta:
        model = Pilot
        fields = ["name", "change", "pilot_accounts", "metric_kind", "metric_name", "baseline_start", "baseline_end",
                  "pilot_start", "pilot_end", "expected_effect", "covariance"]
        widgets = {"change": forms.Textarea(attrs={"rows": 2}),
                   **{name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                      for name in ("baseline_start", "baseline_end", "pilot_start", "pilot_end")}}
        labels = {"covariance": "Standard errors"}
        help_texts = {"pilot_accounts": "The accounts that get the change (type a name, choose, repeat); "
                                        "the control group is drawn on the pilot's page."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["pilot_accounts"], "account", self.workspace)


class ControlDrawForm(forms.Form):
    seed = forms.IntegerField(min_value=0, max_value=2**31 - 1, help_text="The same seed always draws the same group.")


class ControlGroupForm(forms.Form):
    """Control accounts chosen by hand: any account of the workspace that does not get the change."""

    control_accounts = forms.ModelMultipleChoiceField(queryset=Account.objects.none(), required=False,
                                                      label="Control accounts")

    def __init__(self, *args, workspace: Workspace, pilot: Pilot, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "control_accounts").queryset = (scoped(Account, workspace).select_related("segment")
                                                    .exclude(pk__in=pilot.pilot_accounts.all()))
        use_picker(self.fields["control_accounts"], "account", workspace)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=PilotDecision.choices)
    observation = forms.CharField(label="We observed", widget=forms.Textarea(attrs={"rows": 2}), max_length=10_000)
    learning = forms.CharField(label="From that we learned", widget=forms.Textarea(attrs={"rows": 2}),
                               max_length=10_000)
    actions = forms.CharField(label="Therefore we will", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=10_000)
