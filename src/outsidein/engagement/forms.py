from datetime import timedelta

from django import forms
from django.utils import timezone

from outsidein.conversations.forms import DATETIME_WIDGET
from outsidein.core.forms import WorkspaceModelForm, choice_field, label_choices, members_of
from outsidein.core.pickers import use_picker
from outsidein.engagement.models import Challenge, HostRequest
from outsidein.workspaces.models import Role, User, Workspace

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# The member picker's search narrowed to those who can be invited to a challenge, and to others than oneself.
LEADER_ROLES = {"role": f"{Role.OWNER},{Role.LEADER}"}
OTHERS = {"others": "1"}


def leaders_of(workspace: Workspace, *, exclude=None):
    leaders = members_of(workspace).filter(memberships__workspace=workspace,
                                           memberships__role__in=(Role.OWNER, Role.LEADER))
    return leaders.exclude(pk=exclude.pk) if exclude is not None else leaders


class ChallengeForm(WorkspaceModelForm):
    invitees = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False, label="Invite leaders",
        help_text="They are asked to accept; you take part yourself.")

    class Meta:
        model = Challenge
        fields = ["name", "description", "starts_on", "ends_on", "weekly_target"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, workspace: Workspace, actor, **kwargs):
        super().__init__(*args, workspace=workspace, **kwargs)
        choice_field(self, "invitees").queryset = leaders_of(workspace, exclude=actor)
        label_choices(self, "invitees", lambda u: f"{u.display_name}{f' ({u.title})' if u.title else ''}")
        use_picker(self.fields["invitees"], "member", workspace, params={**LEADER_ROLES, **OTHERS})
        if not self.instance.pk:
            today = timezone.localdate()
            monday = today + timedelta(days=(7 - today.weekday()) % 7)
            self.initial.setdefault("name", "Coffee Challenge")
            self.initial.setdefault("description", "How many coffees with customers this week?")
            self.initial.setdefault("starts_on", monday)
            self.initial.setdefault("ends_on", monday + timedelta(weeks=8, days=-1))


class InviteForm(forms.Form):
    invitees = forms.ModelMultipleChoiceField(queryset=User.objects.none(), label="Invite leaders")

    def __init__(self, *args, workspace: Workspace, exclude_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "invitees").queryset = leaders_of(workspace).exclude(pk__in=list(exclude_ids))
        label_choices(self, "invitees", lambda u: u.display_name)
        use_picker(self.fields["invitees"], "member", workspace, params=LEADER_ROLES)


class HostRequestForm(WorkspaceModelForm):
    class Meta:
        model = HostRequest
        fields = ["host", "kind", "account", "proposed_at", "duration_minutes", "note"]
        widgets = {"proposed_at": DATETIME_WIDGET, "note": forms.Textarea(attrs={"rows": 2})}
        labels = {"host": "Who should host you", "kind": "On what"}
        help_texts = {"host": "An account manager for a customer meeting, a service rep for a side-by-side."}

    def __init__(self, *args, workspace: Workspace, actor, **kwargs):
        super().__init__(*args, workspace=workspace, **kwargs)
        choice_field(self, "host").queryset = members_of(workspace).exclude(pk=actor.pk)
        label_choices(self, "host", lambda u: f"{u.display_name}{f' ({u.title})' if u.title else ''}")
        use_picker(self.fields["host"], "member", workspace, params=OTHERS)
        use_picker(self.fields["account"], "account", workspace)
        # The time is typed, and read back, in the viewer's own zone: say which one.
        self.fields["proposed_at"].help_text = f"Your time zone: {timezone.get_current_timezone_name()}."


class HostAnswerForm(forms.Form):
    note = forms.CharField(required=False, max_length=1000, widget=forms.TextInput(
        attrs={"placeholder": "A note for them, e.g. a better time"}))
