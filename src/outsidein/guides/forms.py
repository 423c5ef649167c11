from django import forms

from outsidein.conversations.models import HighlightKind
from outsidein.core.forms import WorkspaceModelForm
from outsidein.guides.models import BankQuestion, Guide, GuideQuestion


class GuideForm(WorkspaceModelForm):
    class Meta:
        model = Guide
        fields = ["title", "purpose", "description", "shared"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class QuestionForm(forms.ModelForm):
    class Meta:
        model = GuideQuestion
        fields = ["text", "interviewer_notes"]
        labels = {"text": "Question"}
        widgets = {"text": forms.TextInput(attrs={"placeholder": "Tell me about the last time you…",
                                                  "autocomplete": "off"})}


class BankQuestionForm(forms.ModelForm):
    class Meta:
        model = BankQuestion
        fields = ["text", "purpose", "notes"]
        labels = {"text": "Question"}
        widgets = {"text": forms.TextInput(attrs={"autocomplete": "off"})}


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(choices=HighlightKind.choices, initial=HighlightKind.QUOTE)
    text = forms.CharField(label="What they said or did", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class CoachForm(forms.Form):
    questions = forms.CharField(widget=forms.Textarea(attrs={"rows": 8, "placeholder": "One question per line"}),
                                max_length=50_000)
