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

from outsidein.workspaces import audit, forms, second_factor
from outsidein.workspaces.http import AuthenticatedRequest, WorkspaceRequest
from outsidein.workspaces.models import AuditAction, Workspace


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
    """How the workspace's members sign in (owners)."""
    if not request.membership.can_admin:
        raise PermissionDenied("Only the workspace's owners change how its members sign in.")
    ws = request.workspace
    form = forms.SignInSettingsForm(request.POST or None, initial={"require_second_factor": ws.require_second_factor})
    if request.method == "POST" and form.is_valid():
        required = form.cleaned_data["require_second_factor"]
        if required != ws.require_second_factor:
            ws.require_second_factor = required
            ws.save(update_fields=["require_second_factor"])
            audit.record(ws, AuditAction.SETTINGS_CHANGED, "two-step sign-in",
                         detail={"require_second_factor": required})
        messages.success(request, "Sign-in settings saved.")
        return redirect(reverse("sign-in-settings", kwargs={"ws": ws.slug}))
    return render(request, "workspaces/sign_in_settings.html", {"form": form})
