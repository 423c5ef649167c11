"""Throttling of failed sign-ins and wrong tokens.

A client that fails too often is refused before any password is hashed or any token is looked up, for a cool-off
period, and the answer is a 429 with Retry-After. Failures are counted in the database (``FailedAttempts``), so
every web process and worker sees the same counts. Sign-ins are counted per (e-mail, client address) pair, so an
attacker cannot lock a known person out from the person's own address, and more loosely per client address, so
one address cannot try many e-mails. Tokens (API, and secrets in public addresses) are counted per address.
"""

import hashlib
import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from outsidein.workspaces.models import FailedAttempts


@dataclass(frozen=True)
class Rule:
    """At most ``limit`` failures in ``window``; the client that reaches it waits ``window`` before trying again."""

    scope: str
    limit: int
    window: timedelta
    refusal: str  # the sentence a refused client reads; {minutes} and {limit} are filled in

    def describe(self) -> str:
        return f"{self.limit} failures in {_minutes(self.window.total_seconds())}"


@dataclass(frozen=True)
class Counter:
    """One rule applied to one client (and, for sign-ins, one e-mail address)."""

    rule: Rule
    key: str


@dataclass(frozen=True)
class Block:
    rule: Rule
    seconds: int

    @property
    def message(self) -> str:
        return self.rule.refusal.format(minutes=_minutes(self.seconds), limit=self.rule.describe())


def _minutes(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def client_ip(request: HttpRequest) -> str:
    """Who is asking: REMOTE_ADDR, or the address the outermost trusted proxy saw when proxies are configured.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N trusted proxies
    the client is the N-th entry from the right; anything further left was written by the client and is not
    believed.
    """
    address: str = request.META.get("REMOTE_ADDR", "")
    if (proxies := settings.TRUSTED_PROXY_COUNT) > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            address = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    return address


def client_address(request: HttpRequest) -> str:
    """The client as failed sign-ins are counted (``client_ip``): IPv6 clients by their /64 network, which one
    household or machine usually holds whole."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _counter(rule: Rule, *who: str) -> Counter:
    return Counter(rule, hashlib.sha256("\n".join((rule.scope, *who)).encode()).hexdigest())


def counter(rule: Rule, *who: str) -> Counter:
    """A count under ``rule`` for whoever ``who`` names (a client address, a link…): for a public form that limits
    how often it accepts, recording each accepted post with ``record_failure`` and asking ``current_block`` first."""
    return _counter(rule, *who)


def current_block(request: HttpRequest, counters: list[Counter]) -> Block | None:
    """The longest block on any of these counters (one query); kept on the request for the Retry-After header."""
    now = timezone.now()
    # blocked_until__gt leaves out the rows with no block (NULL).
    blocks = cast(dict[str, datetime], dict(
        FailedAttempts.objects.filter(key__in=[c.key for c in counters], blocked_until__gt=now)
        .values_list("key", "blocked_until")))
    if not blocks:
        return None
    key, until = max(blocks.items(), key=lambda item: item[1])
    rule = next(c.rule for c in counters if c.key == key)
    block = Block(rule, math.ceil((until - now).total_seconds()))
    request.throttle_block = block  # type: ignore[attr-defined]  # read back by RetryAfterMiddleware
    return block


def record_failure(counters: list[Counter]) -> None:
    now = timezone.now()
    for counter in counters:
        # One transaction per counter: on PostgreSQL the row lock, on SQLite the immediate write lock, makes
        # concurrent failures from several processes all count.
        with transaction.atomic():
            row, created = FailedAttempts.objects.select_for_update().get_or_create(
                key=counter.key,
                defaults={"scope": counter.rule.scope, "first_failed_at": now, "expires_at": now},
            )
            if created:
                FailedAttempts.objects.filter(expires_at__lt=now - counter.rule.window).delete()
            if row.expires_at <= now:  # a window (and any block) that is over starts afresh
                row.failures, row.first_failed_at, row.blocked_until = 0, now, None
            row.failures += 1
            if row.failures >= counter.rule.limit:
                row.blocked_until = now + counter.rule.window
            row.expires_at = max(row.first_failed_at + counter.rule.window, row.blocked_until or now)
            row.save(update_fields=["failures", "first_failed_at", "blocked_until", "expires_at"])


def forget(counters: list[Counter]) -> None:
    FailedAttempts.objects.filter(key__in=[c.key for c in counters]).delete()


class RetryAfterMiddleware:
    """Tell a refused client when to come back: a 429 answer carries Retry-After (RFC 9110, whole seconds)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        block = getattr(request, "throttle_block", None)
        if block is not None and response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(block.seconds)
        return response


# --- Sign-in ------------------------------------------------------------------------------------------------


def _sign_in_rules() -> tuple[Rule, Rule]:
    window = timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
    return (
        Rule("sign-in", settings.LOGIN_FAILURE_LIMIT, window,
             "Too many failed sign-ins for this address from here; try again in {minutes}."),
        Rule("sign-in-address", settings.LOGIN_ADDRESS_FAILURE_LIMIT, window,
             "Too many failed sign-ins from here; try again in {minutes}."),
    )


def sign_in_counters(request: HttpRequest, username: str) -> list[Counter]:
    per_pair, per_address = _sign_in_rules()
    address = client_address(request)
    return [_counter(per_pair, username.strip().lower(), address), _counter(per_address, address)]


class SignInThrottleBackend:
    """Listed before ModelBackend: refuses a throttled client before the password is hashed.

    Raising PermissionDenied stops ``authenticate()`` at once, for every login form (the admin's too). It never
    authenticates anyone itself, and has no ``get_user``, so sessions and ``force_login`` use ModelBackend.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any,
    ) -> None:
        if request is None or username is None:
            return None
        if current_block(request, sign_in_counters(request, username)) is not None:
            raise PermissionDenied("Too many failed sign-ins.")
        return None


@receiver(user_login_failed, dispatch_uid="throttle-count-failed-sign-in")
def _count_failed_sign_in(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any,
) -> None:
    username = credentials.get("username")
    # A refused attempt is not counted again: the block ends when its cool-off does, whatever the client does.
    if request is None or username is None or getattr(request, "throttle_block", None) is not None:
        return
    record_failure(sign_in_counters(request, username))


@receiver(user_logged_in, dispatch_uid="throttle-forget-failed-sign-ins")
def _forget_failed_sign_ins(sender: object, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any) -> None:
    # Only the person's own count starts afresh: one good password must not wipe an address's failures for others.
    if request is not None:
        forget(sign_in_counters(request, user.get_username())[:1])


# --- Tokens -------------------------------------------------------------------------------------------------


def _token_rule(scope: str, refusal: str) -> Rule:
    return Rule(scope, settings.TOKEN_FAILURE_LIMIT, timedelta(minutes=settings.TOKEN_COOLOFF_MINUTES), refusal)


def api_token_counters(request: HttpRequest) -> list[Counter]:
    rule = _token_rule("api-token", "Too many requests with a wrong API token from this address "
                                    "(the limit is {limit}); try again in {minutes}.")
    return [_counter(rule, client_address(request))]


def address_token_counters(request: HttpRequest) -> list[Counter]:
    return [_counter(_token_rule("address-token", "Too many wrong or expired links were opened from here; "
                                                  "try again in {minutes}."), client_address(request))]


def counts_wrong_tokens[V: Callable[..., HttpResponseBase]](view: V) -> V:
    """For pages whose address holds the secret (calendar feed, unsubscribe, invitation): a client that keeps
    opening links that do not exist is refused (429) before the next one is looked up."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        counters = address_token_counters(request)
        if (block := current_block(request, counters)) is not None:
            return render(request, "workspaces/throttled.html", {"message": block.message}, status=429)
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            record_failure(counters)
            raise
        if response.status_code == 404:
            record_failure(counters)
        return response

    return cast(V, guarded)
