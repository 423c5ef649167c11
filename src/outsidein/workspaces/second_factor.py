"""Two-step sign-in: a code from an authenticator app (TOTP, django-otp) after the password, and recovery codes.

A person turns it on for themself (``start`` shows a secret and its QR code, ``confirm`` checks the first code and
hands out ten single-use recovery codes); a workspace owner can require it of every member
(``Workspace.require_second_factor``; the workspace's pages then send a member without it to set it up first). A
sign-in with a password and no code is held (``hold``) and becomes a session only once a code, or one recovery
code, matches (``check``). django-otp slows down guessing: after each wrong code the device waits longer before it
checks the next.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from outsidein.workspaces import audit
from outsidein.workspaces.models import AuditAction, User

RECOVERY_CODES = 10
APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"
HELD_KEY = "held_sign_in"
HELD_SECONDS = 300


def has_second_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def start(user: User) -> TOTPDevice:
    """A new secret for an authenticator app, not in use until a first code confirms it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def pending(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def secret_text(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed in: base32 in groups of four."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2))


def _clean(code: str) -> str:
    return "".join(code.split()).lower()


@transaction.atomic
def confirm(user: User, code: str) -> list[str] | None:
    """Turn two-step sign-in on when ``code`` matches the app just set up; the recovery codes, shown this once."""
    device = pending(user)
    if device is None or not device.verify_token(_clean(code)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record_for_member_workspaces(user, AuditAction.SECOND_FACTOR_ADDED, request=None)
    return new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh single-use codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def check(user: User, code: str) -> tuple[Device | None, str]:
    """The device ``code`` matches (the app's code, or one recovery code, used up), or None and why not."""
    code = _clean(code)
    if not code:
        return None, "Enter the code from your authenticator app, or a recovery code."
    devices: list[Any] = [*TOTPDevice.objects.filter(user=user, confirmed=True),
                          *StaticDevice.objects.filter(user=user, confirmed=True)]
    throttled = False
    with transaction.atomic():
        for device in devices:
            if not device.verify_is_allowed()[0]:
                throttled = True  # too soon after the last wrong code for this device
                continue
            if device.verify_token(code):
                return device, ""
    if throttled:
        return None, "Too many wrong codes in a row: wait a few seconds, then try again."
    return None, "That code is not right. Codes change every 30 seconds; a recovery code works once."


@transaction.atomic
def turn_off(user: User, code: str) -> str:
    """Stop asking this person for a code, proven by a current code; an error, or "" when done."""
    device, problem = check(user, code)
    if device is None:
        return problem
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record_for_member_workspaces(user, AuditAction.SECOND_FACTOR_REMOVED, request=None)
    return ""


def hold(request: HttpRequest, user: User, next_url: str) -> None:
    """A password that matched, waiting for its code: kept in the (anonymous) session for a few minutes."""
    request.session[HELD_KEY] = {"user": user.pk, "at": time.time(), "next": next_url,
                                 "backend": getattr(user, "backend", "")}


def held(request: HttpRequest) -> tuple[User | None, str, str]:
    """The held sign-in's person, where to go after it, and the backend that checked the password."""
    data = request.session.get(HELD_KEY) or {}
    if not data or time.time() - float(data.get("at", 0)) > HELD_SECONDS:
        return None, "", ""
    user = User.objects.filter(pk=int(data.get("user") or 0), is_active=True).first()
    return user, str(data.get("next", "")), str(data.get("backend", ""))


def release(request: HttpRequest) -> None:
    request.session.pop(HELD_KEY, None)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()
