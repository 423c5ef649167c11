import zoneinfo
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from outsidein.core.money import ISO_4217, SYMBOLS
from outsidein.workspaces.models import AuditAction, Role, User, Workspace, email_domains


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True,
                                                                              "autocomplete": "email"}))

    def get_invalid_login_error(self) -> forms.ValidationError:
        # The throttle refused the attempt before the password was checked: say so, and when to come back.
        if (block := getattr(self.request, "throttle_block", None)) is not None:
            return forms.ValidationError(block.message, code="throttled")
        return super().get_invalid_login_error()


class InviteForm(forms.Form):
    email = forms.EmailField(label="E-mail")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class WorkspaceForm(forms.Form):
    name = forms.CharField(max_length=150)


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())]


class WorkspaceSettingsForm(forms.Form):
    """What a workspace owner sets for everyone: its name, the currency of its revenue and its reporting zone."""

    name = forms.CharField(label="Name", max_length=150,
                           error_messages={"required": "Name: a workspace needs a name."})
    currency = forms.CharField(
        label="Currency", max_length=10,
        error_messages={"required": "Currency: enter a three-letter code such as EUR, USD or GBP.",
                        "max_length": "Currency: use the three-letter ISO 4217 code, such as EUR, USD or GBP."},
        help_text="The ISO 4217 code of account revenue, e.g. USD, EUR or GBP. Every amount is shown in it.",
        widget=forms.TextInput(attrs={"list": "currency-codes", "autocapitalize": "characters",
                                      "autocomplete": "off", "size": 4}),
    )
    time_zone = forms.ChoiceField(
        label="Reporting time zone", choices=_time_zone_choices,
        help_text="Where the workspace's days and months begin in score trends.",
        error_messages={"required": "Reporting time zone: choose one, such as Europe/Berlin.",
                        "invalid_choice": "Reporting time zone: “%(value)s” is not a known time zone "
                                          "(use a name such as Europe/Berlin)."},
    )

    common_currencies = sorted(SYMBOLS)

    def clean_currency(self) -> str:
        code: str = self.cleaned_data["currency"].strip().upper()
        if code not in ISO_4217:
            raise forms.ValidationError(
                f"Currency: “{self.cleaned_data['currency'].strip()}” is not a currency code; "
                "use its three-letter ISO 4217 code, such as EUR, USD or GBP.")
        return code


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. “CRM sync”.")


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["name", "title", "time_zone"]


class SignupForm(forms.Form):
    """Used when accepting an invitation without an account yet."""

    name = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput, min_length=8)


class AuditFilterForm(forms.Form):
    """The audit trail's filters: what happened, who did it, and between which days."""

    action = forms.ChoiceField(label="What", required=False, choices=[("", "Anything"), *AuditAction.choices])
    actor = forms.ModelChoiceField(label="Who", queryset=User.objects.none(), required=False,
                                   empty_label="Anyone")
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Anyone who was ever a member is named in events; the choice is among those who are members now.
        cast("forms.ModelChoiceField[User]", self.fields["actor"]).queryset = User.objects.filter(
            memberships__workspace=workspace).order_by("name", "email")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "“To” comes before “From”.")
        return data

    def chosen(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


class CodeForm(forms.Form):
    code = forms.CharField(label="Code", max_length=32, required=False, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "inputmode": "text", "autofocus": True, "autocapitalize": "none"}),
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.")


class SignInSettingsForm(forms.Form):
    """How a workspace's members sign in, set by its owners: a second factor, the company's provider, passwords."""

    require_second_factor = forms.BooleanField(
        label="Require two-step sign-in", required=False,
        help_text="Every member signs in with a code from an authenticator app as well as their password; a member "
                  "without one is asked to set it up before they see the workspace.")
    issuer = forms.URLField(
        label="Identity provider (issuer)", required=False, max_length=300, assume_scheme="https",
        help_text="The OpenID Connect issuer of your company's sign-in, e.g. https://login.example.com; its "
                  "/.well-known/openid-configuration must be reachable from this server. Leave empty for none.")
    client_id = forms.CharField(label="Client id", required=False, max_length=200)
    client_secret = forms.CharField(
        label="Client secret", required=False, max_length=500, widget=forms.PasswordInput(render_value=False),
        help_text="Kept as it is when left empty.")
    email_domains = forms.CharField(
        label="E-mail domains", required=False, max_length=500,
        help_text="Comma-separated, e.g. northwind.example, northwind-logistics.example: verified addresses at these "
                  "domains may sign in, and someone new becomes a member.")
    default_role = forms.ChoiceField(label="Role of someone new", required=False, initial=Role.MEMBER,
                                     choices=[(r, label) for r, label in Role.choices if r != Role.OWNER])
    password_sign_in = forms.BooleanField(
        label="Members may also sign in with a password", required=False, initial=True,
        help_text="Switch off to let members in only through the company's sign-in.")

    def __init__(self, *args: Any, has_secret: bool = False, signed_in_through_it: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_secret, self.signed_in_through_it = has_secret, signed_in_through_it

    def clean_email_domains(self) -> str:
        domains = email_domains(self.cleaned_data["email_domains"])
        for domain in domains:
            if "." not in domain or not all(part.isalnum() or "-" in part for part in domain.split(".")):
                raise forms.ValidationError(f"E-mail domains: “{domain}” is not a domain such as example.com.")
        return ", ".join(domains)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("issuer"):
            for name, words in (("client_id", "Client id: the provider gives one when you register Outside-In."),
                                ("email_domains", "E-mail domains: name at least one, or nobody can come in.")):
                if not data.get(name):
                    self.add_error(name, words)
            if not data.get("client_secret") and not self.has_secret:
                self.add_error("client_secret", "Client secret: the provider gives one with the client id.")
        if not data.get("password_sign_in", True):
            if not data.get("issuer"):
                self.add_error("password_sign_in", "Set up the company's sign-in first, or nobody could sign in.")
            elif not self.signed_in_through_it:
                self.add_error("password_sign_in", "Sign in through the company's sign-in once first (log out, "
                                                   "then “Sign in with your company account”), so you know it works "
                                                   "before passwords stop.")
        return data


class SsoStartForm(forms.Form):
    email = forms.EmailField(label="Work e-mail", required=False, widget=forms.EmailInput(attrs={
        "autofocus": True, "autocomplete": "email"}))
    workspace = forms.SlugField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        from outsidein.workspaces import sso

        data = super().clean() or {}
        if slug := data.get("workspace"):
            found = Workspace.objects.filter(slug=slug).first()
            if found is None or sso.sign_on_of(found) is None:
                raise forms.ValidationError("That workspace has no single sign-on.")
            data["workspace"] = found
        elif email := data.get("email"):
            found = sso.workspace_for_email(email)
            if found is None:
                self.add_error("email", f"No workspace signs in addresses at {email.rpartition('@')[2]} through "
                                        "single sign-on; sign in with your password.")
            data["workspace"] = found
        elif not self.errors:
            self.add_error("email", "Work e-mail: type the address you sign in to your company with.")
        return data
