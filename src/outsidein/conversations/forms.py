from django import forms
from django.utils import timezone

from outsidein.conversations.models import Conversation, Highlight, HighlightKind, Kind
from outsidein.core.forms import WorkspaceModelForm, choice_field, label_choices, members_of
from outsidein.core.pickers import use_picker
from outsidein.core.scoping import scoped
from outsidein.customers.models import Account, Person, PersonRole, Segment
from outsidein.workspaces.models import Workspace

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ConversationForm(WorkspaceModelForm):
    persons = forms.ModelMultipleChoiceField(queryset=Person.objects.none(), required=False)
    members = forms.ModelMultipleChoiceField(queryset=Person.objects.none(), required=False,
                                             help_text="Members who were present (first-hand for them).")

    class Meta:
        model = Conversation
        fields = ["kind", "occurred_at", "duration_minutes", "channel", "account", "title", "led_by", "notes"]
        widgets = {"occurred_at": DATETIME_WIDGET, "notes": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"notes": "Markdown: **bold**, lists, links."}

    def __init__(self, *args, workspace: Workspace, **kwargs):
        super().__init__(*args, workspace=workspace, **kwargs)
        choice_field(self, "persons").queryset = scoped(Person, workspace).select_related("account")
        choice_field(self, "members").queryset = members_of(workspace)
        label_choices(self, "persons", lambda p: p.picker_label)
        for name, kind in (("account", "account"), ("persons", "person"), ("members", "member"),
                           ("led_by", "member")):
            use_picker(self.fields[name], kind, workspace)
        if self.instance.pk:
            self.initial["persons"] = list(self.instance.persons.all())
            self.initial["members"] = list(self.instance.members.all())

    def clean(self):
        data = super().clean()
        if not data.get("account") and not data.get("persons"):
            self.add_error("account", "Name the account, or at least one person you met.")
        return data


class QuickLogForm(forms.Form):
    """The under-a-minute form: kind, who, one line. Everything else defaults; someone new is typed in place."""

    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.COFFEE)
    account = forms.ModelChoiceField(queryset=Account.objects.none(), required=False)
    person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    new_person = forms.CharField(label="Name", max_length=150, required=False,
                                 widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}))
    new_person_role = forms.ChoiceField(label="Role", choices=PersonRole.choices, initial=PersonRole.END_USER,
                                        required=False)
    new_account = forms.CharField(label="New account", max_length=200, required=False,
                                  widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}))
    occurred_at = forms.DateTimeField(label="When", widget=DATETIME_WIDGET, required=False)
    notes = forms.CharField(label="What did you learn?", max_length=2000,
                            widget=forms.TextInput(attrs={"placeholder": "One line is enough"}))
    highlight_kind = forms.ChoiceField(label="Highlight", choices=HighlightKind.choices, initial=HighlightKind.QUOTE,
                                       required=False)
    highlight_text = forms.CharField(label="Quote or observation", required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Their words, verbatim"}))
    # Made by the page's script (a retry or an entry kept offline sends the same one); quick_log.save_once checks
    # it and its error shows above the form.
    client_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, workspace: Workspace, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "account").queryset = scoped(Account, workspace)
        choice_field(self, "person").queryset = scoped(Person, workspace).select_related("account")
        label_choices(self, "person", lambda p: p.picker_label)
        use_picker(self.fields["account"], "account", workspace)
        use_picker(self.fields["person"], "person", workspace)

    def clean(self):
        data = super().clean()
        if data.get("new_person") and data.get("person"):
            self.add_error("new_person", f"{data['person']} is chosen above: clear that choice to add someone new.")
        if data.get("new_account") and data.get("account"):
            self.add_error("new_account", f"{data['account']} is chosen above: clear that choice to add a new "
                                          "account.")
        if not any(data.get(name) for name in ("account", "person", "new_person", "new_account")):
            self.add_error("account", "Name the account or the person you met (or add someone new below).")
        person = data.get("person")
        if person and not data.get("account") and not data.get("new_account"):
            data["account"] = person.account
        if not data.get("occurred_at"):
            data["occurred_at"] = timezone.now()
        return data


class HighlightForm(WorkspaceModelForm):
    tags = forms.CharField(required=False, help_text="Separated by commas.")

    class Meta:
        model = Highlight
        fields = ["kind", "text", "person", "competitor"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "person").queryset = choice_field(self, "person").queryset.select_related("account")
        label_choices(self, "person", lambda p: p.picker_label)
        use_picker(self.fields["person"], "person", self.workspace)
        if self.instance.pk:
            self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]


class ConversationFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False,
                        widget=forms.SearchInput(attrs={"placeholder": "Search notes and highlights"}))
    member = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Kind.choices], required=False)
    account = forms.ModelChoiceField(queryset=Account.objects.none(), required=False)
    segment = forms.ModelChoiceField(queryset=Segment.objects.none(), required=False)
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, workspace: Workspace, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "member").queryset = members_of(workspace)
        choice_field(self, "account").queryset = scoped(Account, workspace)
        choice_field(self, "segment").queryset = scoped(Segment, workspace)
        use_picker(self.fields["member"], "member", workspace)
        use_picker(self.fields["account"], "account", workspace)

    def selector_kwargs(self) -> dict:
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        return {
            "query": d.get("q") or "",
            "member_id": d["member"].pk if d.get("member") else None,
            "kind": d.get("kind") or None,
            "account_id": d["account"].pk if d.get("account") else None,
            "segment_id": d["segment"].pk if d.get("segment") else None,
            "date_from": d.get("date_from"),
            "date_to": d.get("date_to"),
        }
