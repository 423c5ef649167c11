"""Signing in safely: the code step after the password, a person's own two-step sign-in page, and the workspace's
sign-in settings (owners)."""

from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from outsidein.workspaces import audit, forms, second_factor, services, sso
from outsidein.workspaces.http import AuthenticatedRequest, WorkspaceRequest, require_owner
from outsidein.workspaces.middleware import SSO_SESSION_KEY
from outsidein.workspaces.models import AuditAction, SignOn, Workspace


def login_code(request: HttpRequest) -> HttpResponseBase:
    """The second step of a sign-in: the password matched, now the code."""
    user, next_url, backend = second_factor.held(request)
    if user is None:
        messages.info(request, "Sign in again: the code is asked for within five minutes of the password.")
        return redirect("login")
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, problem = second_factor.check(user, form.cleaned_data["code"])
        if device is not None:
            second_factor.release(request)
            user.otp_device = device  # type: ignore[attr-defined]  # django-otp keeps it in the new session
            login(request, user, backend=backend or None)
            if device.name == second_factor.RECOVERY_DEVICE:
                left = device.token_set.count()  # a StaticDevice's codes
                messages.warning(request, f"You signed in with a recovery code; {left} of them are left. "
                                          "Make new ones on your two-step sign-in page if you are running out.")
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        form.add_error("code", problem)
        audit.record_for_member_workspaces(user, AuditAction.SIGN_IN_REFUSED, request=request,
                                           detail={"reason": "wrong code"})
    return render(request, "workspaces/login_code.html", {"form": form, "email": user.email},
                  status=422 if form.errors else 200)


def _requiring(request: AuthenticatedRequest) -> list[Workspace]:
    return list(Workspace.objects.filter(memberships__user=request.user, require_second_factor=True))


@login_required
def security(request: AuthenticatedRequest) -> HttpResponse:
    """A person's two-step sign-in: turn it on (secret, QR code, first code), new recovery codes, turn it off."""
    user = request.user
    form = forms.CodeForm(request.POST or None)
    action = request.POST.get("action", "")
    codes: list[str] | None = None
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if action == "start":
            second_factor.start(user)
        elif action == "confirm":
            codes = second_factor.confirm(user, code)
            if codes is None:
                form.add_error("code", "That code is not right: type the six digits the app shows now.")
            else:
                django_otp.login(request, second_factor.confirmed_device(user))
                messages.success(request, "Two-step sign-in is on. Keep the recovery codes below somewhere safe.")
        elif action == "recovery" and second_factor.has_second_factor(user):
            if not user.is_verified():  # type: ignore[attr-defined]  # OTPMiddleware's
                raise PermissionDenied("Sign in with a code first.")
            codes = second_factor.new_recovery_codes(user)
        elif action == "off":
            if problem := second_factor.turn_off(user, code):
                form.add_error("code", problem)
            else:
                messages.success(request, "Two-step sign-in is off.")
                return redirect("security")
    device = second_factor.pending(user)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    context: dict[str, Any] = {"next": next_url,
        "form": form, "codes": codes, "on": second_factor.has_second_factor(user), "requiring": _requiring(request),
        "pending": device, "qr": second_factor.qr_svg(device) if device else "",
        "secret": second_factor.secret_text(device) if device else "",
    }
    return render(request, "workspaces/security.html", context, status=422 if form.errors else 200)


@login_required
def sign_in_settings(request: WorkspaceRequest) -> HttpResponseBase:
    """How the workspace's members sign in (owners): two-step sign-in, the company's provider, passwords."""
    require_owner(request, "Only the workspace's owners change how its members sign in.")
    ws = request.workspace
    sign_on = SignOn.objects.filter(workspace=ws).first()
    from_environment = sso.configured_in_environment(ws)
    initial: dict[str, Any] = {"require_second_factor": ws.require_second_factor,
                               "password_sign_in": ws.password_sign_in}
    if sign_on:
        initial.update(issuer=sign_on.issuer, client_id=sign_on.client_id, email_domains=sign_on.email_domains,
                       default_role=sign_on.default_role)
    form = forms.SignInSettingsForm(
        request.POST or None, initial=initial, has_secret=bool(sign_on and sign_on.client_secret),
        signed_in_through_it=request.session.get(SSO_SESSION_KEY) == ws.slug)
    if request.method == "POST" and form.is_valid():
        services.save_sign_in_settings(ws, form.cleaned_data, keep_provider=from_environment)
        messages.success(request, "Sign-in settings saved.")
        return redirect(reverse("sign-in-settings", kwargs={"ws": ws.slug}))
    return render(request, "workspaces/sign_in_settings.html", {
        "form": form, "from_environment": from_environment,
        "callback": request.build_absolute_uri(reverse("sso-callback")),
        "start": request.build_absolute_uri(reverse("sso-start")) + f"?workspace={ws.slug}"},
        status=422 if form.errors else 200)


def sso_start(request: HttpRequest) -> HttpResponseBase:
    """Sign in with the company's account: the e-mail address typed names the workspace whose provider to ask."""
    form = forms.SsoStartForm(request.POST if request.method == "POST" else (request.GET or None))
    if form.is_bound and form.is_valid():
        workspace = form.cleaned_data["workspace"]
        try:
            response = sso.start(request, workspace, request.build_absolute_uri(reverse("sso-callback")),
                                 login_hint=form.cleaned_data.get("email", ""))
        except sso.SignOnRefused as refused:
            return render(request, "workspaces/sso_refused.html", {"reason": str(refused)}, status=502)
        if request.method == "POST":
            # A form may only lead back here (the pages' CSP form-action is 'self', also across redirects): from
            # the typed address, the way to the provider is a page of its own that goes on at once.
            return render(request, "workspaces/sso_redirect.html", {"workspace": workspace,
                                                                   "to": response["Location"]})
        return response
    return render(request, "workspaces/sso_start.html", {"form": form}, status=422 if form.errors else 200)


def sso_callback(request: HttpRequest) -> HttpResponseBase:
    """The provider's answer: signed in, a member of the workspace, and on its home page; or why not."""
    try:
        workspace, user = sso.finish(request)
    except sso.SignOnRefused as refused:
        return render(request, "workspaces/sso_refused.html", {"reason": str(refused)}, status=403)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SSO_SESSION_KEY] = workspace.slug
    return redirect(reverse("workspace-home", kwargs={"ws": workspace.slug}))
