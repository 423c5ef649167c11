from django import forms
from django.contrib.auth import get_user_model

from outsidein.core.scoping import WorkspaceOwned, scoped


def members_of(workspace):
    return get_user_model().objects.filter(memberships__workspace=workspace).order_by("name", "email")


class WorkspaceModelForm(forms.ModelForm):
    """A model form whose choices offer only rows of the current workspace (and its members)."""

    def __init__(self, *args, workspace, **kwargs):
        self.workspace = workspace
        super().__init__(*args, **kwargs)
        user_model = get_user_model()
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                model = field.queryset.model
                if issubclass(model, WorkspaceOwned):
                    field.queryset = scoped(field.queryset, workspace)
                elif model is user_model:
                    field.queryset = members_of(workspace)
