"""The forms of the messages pages: editing a draft, drafting a thank-you, filtering the log."""

from datetime import UTC, timedelta, tzinfo
from typing import Any

from django import forms
from django.utils import timezone

from outsidein.conversations.models import Conversation
from outsidein.core.pickers import picker_field
from outsidein.core.scoping import scoped
from outsidein.customers.models import Person
from outsidein.loop.models import Message, MessageKind, MessageStatus
from outsidein.workspaces.models import Workspace

RECENT_DAYS = 60
RECENT_CONVERSATIONS = 50


class MessageForm(forms.ModelForm[Message]):
    class Meta:
        model = Message
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}
        help_texts = {"body": "The link to stop these messages is added below it when it is sent."}


class ConversationChoice(forms.ModelChoiceField[Conversation]):
    """A recent conversation, named by its date (in the workspace's zone), kind, account and title."""

    zone: tzinfo = UTC

    def label_from_instance(self, obj: Conversation) -> str:
        account = f" · {obj.account}" if obj.account_id else ""
        title = f" · {obj.title}" if obj.title else ""
        return f"{timezone.localtime(obj.occurred_at, self.zone):%d %b} · {obj.get_kind_display()}{account}{title}"


class ThanksForm(forms.Form):
    """A thank-you on its own: after a recent conversation (to each person there), or to one person."""

    conversation = ConversationChoice(queryset=Conversation.objects.none(), required=False,
                                          label="After the conversation",
                                          help_text="Everyone there with an e-mail address gets a draft.")
    body = forms.CharField(label="Your words (left empty: a short thank-you to start from)", required=False,
                           max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        now = timezone.now()
        recent = scoped(Conversation, workspace).filter(occurred_at__gte=now - timedelta(days=RECENT_DAYS),
                                                        occurred_at__lte=now).order_by("-occurred_at", "-id")
        field = self.fields["conversation"]
        assert isinstance(field, ConversationChoice)
        # The newest ones only: a choice among years of conversations would be a page of options.
        newest = list(recent.values_list("pk", flat=True)[:RECENT_CONVERSATIONS])
        field.queryset = recent.filter(pk__in=newest).select_related("account")
        field.zone = workspace.tz
        self.fields["person"] = picker_field(scoped(Person, workspace).exclude(email=""), "person", workspace,
                                             label="Or to one person", required=False)
        self.order_fields(["conversation", "person", "body"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("conversation") and not cleaned.get("person"):
            raise forms.ValidationError("Choose a conversation, a person, or both.")
        return cleaned


class MessageFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Any kind"), *MessageKind.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any state"), *MessageStatus.choices], required=False)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"] = picker_field(scoped(Person, workspace), "person", workspace, label="To")

    def selector_kwargs(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        person = self.cleaned_data.get("person")
        return {"kind": self.cleaned_data.get("kind") or None, "status": self.cleaned_data.get("status") or None,
                "person_id": person.pk if person is not None else None}
