"""Moments as a person reads them: in their own zone, with the zone named.

A time printed without its zone is a trap between Berlin and New York, so pages, e-mails, the digest and
calendar descriptions all format moments here. Pages pass nothing (the request's zone, the viewer's, is
active); e-mails and the digest pass the recipient's zone, never the sender's.
"""

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from django.utils import timezone

UTC_NAMES = {"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu", "GMT", "Etc/GMT"}


def zone_of(zone: "str | tzinfo | None" = None) -> tzinfo:
    """A zone from its IANA name, a tzinfo, an object with ``.tz`` (a user) or, with nothing, the active one."""
    if zone is None or zone == "":
        return timezone.get_current_timezone()
    if isinstance(zone, str):
        return ZoneInfo(zone)
    return getattr(zone, "tz", zone)


def zone_name(moment_there: datetime) -> str:
    """The zone of an aware local moment, named so nobody guesses: "CET (Europe/Berlin)", "UTC+04 (Asia/Dubai)"."""
    key = getattr(moment_there.tzinfo, "key", None) or str(moment_there.tzinfo)
    if key in UTC_NAMES:
        return "UTC"
    abbreviation = moment_there.tzname() or ""
    if abbreviation[:1] in "+-":  # zones without a letter abbreviation only have an offset, e.g. "+04"
        abbreviation = f"UTC{abbreviation}"
    return f"{abbreviation} ({key})" if abbreviation and abbreviation != key else key


def local_time(moment: datetime | None, zone: "str | tzinfo | None" = None, *, now: datetime | None = None) -> str:
    """E.g. "Tue 8 Dec, 10:00 CET (Europe/Berlin)"; the year is added when it is not the current one there."""
    if moment is None:
        return ""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    there = moment.astimezone(zone_of(zone))
    year_now = (now or timezone.now()).astimezone(there.tzinfo).year
    day = f"{there:%a} {there.day} {there:%b}" + (f" {there.year}" if there.year != year_now else "")
    return f"{day}, {there:%H:%M} {zone_name(there)}"
