"""The forms of insights: filters of the scores page, running and editing themes, a key driver analysis."""

from typing import Any, cast

from django import forms

from outsidein.core.forms import choice_field
from outsidein.core.pickers import use_picker
from outsidein.core.scoping import scoped
from outsidein.customers.models import Account, Segment
from outsidein.insights import drivers as drivers_services
from outsidein.insights import themes as themes_services
from outsidein.insights.analysis import embeddings
from outsidein.insights.models import Theme
from outsidein.workspaces.models import Workspace


def _choices(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field ``name``, a choice field: ``form.fields`` only promises a plain field."""
    return cast(forms.ChoiceField, form.fields[name])


class ScoreFilterForm(forms.Form):
    account = forms.ModelChoiceField(queryset=Account.objects.none(), required=False, empty_label="All accounts")
    segment = forms.ModelChoiceField(queryset=Segment.objects.none(), required=False, empty_label="All segments")
    source_name = forms.ChoiceField(label="Source", required=False)
    period = forms.ChoiceField(choices=[("month", "Month"), ("quarter", "Quarter"), ("week", "Week")],
                               required=False, initial="month")

    def __init__(self, *args: Any, workspace: Workspace, source_names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "account").queryset = scoped(Account, workspace).order_by("name")
        use_picker(self.fields["account"], "account", workspace)
        choice_field(self, "segment").queryset = scoped(Segment, workspace).order_by("name")
        _choices(self, "source_name").choices = [("", "All sources"), *((n, n) for n in source_names)]


class CompareForm(forms.Form):
    metric = forms.ChoiceField(choices=[("nps", "NPS"), ("csat", "CSAT (top-2-box)"), ("csat_mean", "CSAT (mean)"),
                                        ("ces", "CES")])
    before_from = forms.DateField(label="Before: from", widget=forms.DateInput(attrs={"type": "date"}))
    before_to = forms.DateField(label="to", widget=forms.DateInput(attrs={"type": "date"}))
    after_from = forms.DateField(label="After: from", widget=forms.DateInput(attrs={"type": "date"}))
    after_to = forms.DateField(label="to", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        for prefix, label in (("before", "The first period"), ("after", "The second period")):
            start, end = data.get(f"{prefix}_from"), data.get(f"{prefix}_to")
            if start and end and end < start:
                self.add_error(f"{prefix}_to", f"{label} ends before it starts.")
        return data


METHOD_CHOICES = [
    ("embeddings", "By meaning: sentence embeddings (all-MiniLM-L6-v2)"),
    ("tfidf", "By shared words: word patterns (TF-IDF), faster"),
]


class ThemeRunForm(forms.Form):
    k = forms.IntegerField(
        label="Number of themes", required=False, min_value=2, max_value=themes_services.MAX_THEMES,
        help_text="Leave blank to let the data decide.",
    )
    method = forms.ChoiceField(label="Method", initial=embeddings.default_method, choices=METHOD_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not embeddings.is_available():
            # Offer only what runs here: without the model package, word patterns are the one method.
            method = _choices(self, "method")
            method.choices = METHOD_CHOICES[1:]
            method.widget = forms.HiddenInput()


class RenameForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)


class MergeForm(forms.Form):
    other = forms.ModelChoiceField(label="Merge with", queryset=Theme.objects.none(),
                                   help_text="Its items join this theme; it disappears from the list.")
    name = forms.CharField(label="Name of the merged theme", max_length=200, required=False,
                           help_text="Leave blank to keep this theme's name.")

    def __init__(self, *args: Any, theme: Theme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "other").queryset = themes_services.live_themes(theme.workspace).exclude(pk=theme.pk)


class SplitForm(forms.Form):
    parts = forms.IntegerField(label="Split into", min_value=2, max_value=themes_services.MAX_SPLIT_PARTS, initial=2,
                               help_text="How many themes to re-cluster this theme's items into.")


class DriverAnalysisForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=list(drivers_services.OUTCOMES.items()),
                                widget=forms.RadioSelect, initial="nps")
    drivers = forms.MultipleChoiceField(label="Drivers", widget=forms.CheckboxSelectMultiple,
                                        help_text="The rated attributes that may drive the outcome.")

    def __init__(self, *args: Any, options: list[drivers_services.DriverOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "drivers").choices = [(o.name, f"{o.name} ({o.answers} ratings)") for o in options]
        self.fields["drivers"].initial = [o.name for o in options]
