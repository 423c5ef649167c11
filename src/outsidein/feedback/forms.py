from typing import Any, cast

from django import forms

from outsidein.core.datafiles import ImportLimits
from outsidein.core.forms import choice_field
from outsidein.core.pickers import use_picker
from outsidein.core.scoping import scoped
from outsidein.customers.models import Account, Segment
from outsidein.feedback.imports import FIELDS
from outsidein.feedback.models import Source
from outsidein.feedback.selectors import FeedbackFilter
from outsidein.workspaces.models import Workspace

MAX_UPLOAD_HELP = ("CSV (UTF-8; Windows-1252 and other encodings are detected), Excel .xlsx or JSON Lines, up to "
                   "{limit:,} MB and {columns:,} columns. Large files are fine: they are read as a stream.")


class UploadForm(forms.Form):
    file = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.jsonl,.ndjson"}))
    source_name = forms.CharField(label="Source name", max_length=100,
                                  help_text="Where it comes from, e.g. “Q3 NPS survey” or “Zendesk”. Its column "
                                            "mapping is remembered for next time.",
                                  widget=forms.TextInput(attrs={"list": "known-sources", "autocomplete": "off"}))
    source = forms.ChoiceField(label="Kind of feedback", choices=Source.choices, initial=Source.SURVEY)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = ImportLimits.current()
        self.fields["file"].help_text = MAX_UPLOAD_HELP.format(limit=limits.upload_bytes >> 20, columns=limits.columns)


class MappingForm(forms.Form):
    """One choice per column of the file: which feedback field it holds, or nothing."""

    def __init__(self, *args: Any, columns: list[str], initial_mapping: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [("", "— ignore —"), *FIELDS.items()]
        for index, column in enumerate(columns):
            self.fields[f"col_{index}"] = forms.ChoiceField(label=column or f"(column {index + 1})", choices=choices,
                                                            required=False, initial=initial_mapping.get(column, ""))

    def mapping(self) -> dict[str, str]:
        return {column: self.cleaned_data.get(f"col_{i}", "") for i, column in enumerate(self.columns) if column}


class FeedbackFilterForm(forms.Form):
    q = forms.CharField(label="Search text", required=False)
    source = forms.ChoiceField(label="Kind", choices=[("", "Any"), *Source.choices], required=False)
    source_name = forms.ChoiceField(label="Source", required=False)
    account = forms.ModelChoiceField(queryset=Account.objects.none(), required=False, empty_label="Any account")
    segment = forms.ModelChoiceField(queryset=Segment.objects.none(), required=False, empty_label="Any segment")
    nps_group = forms.ChoiceField(label="NPS", required=False, choices=[
        ("", "Any"), ("promoter", "Promoters (9–10)"), ("passive", "Passives (7–8)"),
        ("detractor", "Detractors (0–6)")])
    sentiment = forms.ChoiceField(required=False, choices=[
        ("", "Any"), ("negative", "Negative"), ("neutral", "Neutral"), ("positive", "Positive")])
    batch = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, workspace: Workspace, source_names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "account").queryset = scoped(Account, workspace).order_by("name")
        use_picker(self.fields["account"], "account", workspace)
        choice_field(self, "segment").queryset = scoped(Segment, workspace).order_by("name")
        cast(forms.ChoiceField, self.fields["source_name"]).choices = [("", "Any"), *((n, n) for n in source_names)]


def chosen_filter(form: forms.Form) -> FeedbackFilter:
    """The filter a bound feedback or score filter form chose; everything when it is not bound."""
    if not form.is_bound:
        return FeedbackFilter()
    data = form.cleaned_data if form.is_valid() else {}
    account, segment = data.get("account"), data.get("segment")
    return FeedbackFilter(
        query=data.get("q", "").strip(), source=data.get("source", ""), source_name=data.get("source_name", ""),
        account_id=account.pk if account else None, segment_id=segment.pk if segment else None,
        batch_id=data.get("batch"), nps_group=data.get("nps_group", ""), sentiment=data.get("sentiment", ""),
    )
