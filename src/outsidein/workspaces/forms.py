from django import forms
from django.contrib.auth.forms import AuthenticationForm

from outsidein.workspaces.models import Role, User


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True,
                                                                              "autocomplete": "email"}))


class InviteForm(forms.Form):
    email = forms.EmailField(label="E-mail")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class WorkspaceForm(forms.Form):
    name = forms.CharField(max_length=150)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. “CRM sync”.")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "title", "time_zone"]


class SignupForm(forms.Form):
    """Used when accepting an invitation without an account yet."""

    name = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput, min_length=8)
