from typing import Any

from django import forms

from outsidein.core.forms import WorkspaceModelForm
from outsidein.core.pickers import picker_field, use_picker
from outsidein.core.scoping import scoped
from outsidein.customers.models import Person
from outsidein.loop.models import Raiser, Suggestion, SuggestionKind, SuggestionStatus
from outsidein.workspaces.models import Workspace


class SuggestionForm(WorkspaceModelForm):
    class Meta:
        model = Suggestion
        fields = ["title", "kind", "owner", "outcome", "next_step", "assumption", "initiative", "pilot"]
        widgets = {"outcome": forms.Textarea(attrs={"rows": 3}), "next_step": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, workspace=workspace, **kwargs)
        use_picker(self.fields["owner"], "member", workspace)


class RaiseForm(forms.Form):
    """Typed in, or confirming a highlight or feedback item: what they said, who, and whether to join a thread."""

    words = forms.CharField(label="What they said, in their words", widget=forms.Textarea(attrs={"rows": 3}),
                            max_length=5000)
    title = forms.CharField(label="The idea in a line", max_length=200, required=False,
                            help_text="Left empty: the first sentence of their words.")
    kind = forms.ChoiceField(choices=SuggestionKind.choices, initial=SuggestionKind.SUGGESTION)
    said_at = forms.DateTimeField(label="When they said it", required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                             format="%Y-%m-%dT%H:%M"),
                                  help_text="Left empty: now.")
    first_hand = forms.BooleanField(label="I heard it myself", required=False, initial=True)
    join = forms.BooleanField(label="Join a matching suggestion if there is one", required=False, initial=True)

    def __init__(self, *args: Any, workspace: Workspace, with_person: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        if with_person:
            self.fields["person"] = picker_field(scoped(Person, workspace), "person", workspace,
                                                 label="Who said it", required=False)
            self.order_fields(["words", "person"])


class AddRaiserForm(WorkspaceModelForm):
    class Meta:
        model = Raiser
        fields = ["person", "words", "said_at", "first_hand"]
        widgets = {"words": forms.Textarea(attrs={"rows": 3}),
                   "said_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}
        labels = {"person": "Who said it", "words": "What they said, in their words", "said_at": "When they said it",
                  "first_hand": "I heard it myself"}
        help_texts = {"words": "", "first_hand": "Not relayed by someone else."}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, workspace=workspace, **kwargs)
        use_picker(self.fields["person"], "person", workspace)
        self.fields["person"].required = True


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=SuggestionStatus.choices)
    outcome = forms.CharField(label="What happened (for “not doing”: why not)", required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(label="What comes next for them", required=False, max_length=5000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label="Note for the team (not sent)", required=False, max_length=2000)
