"""A member's planned conversations as an iCalendar feed (RFC 5545) that calendar apps subscribe to.

Times are written in UTC (``…Z``): every calendar app converts them to the reader's zone, and no
VTIMEZONE block is needed. The description, which apps show as plain text, names the time in the feed
owner's zone. The UID is stable per conversation, so a moved conversation moves in the
calendar instead of appearing twice.
"""

from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from outsidein.conversations.models import Conversation
from outsidein.core.times import local_time

UTC = ZoneInfo("UTC")
DEFAULT_MINUTES = 45
PRODUCT_ID = "-//Outside-In//Planned conversations//EN"


def conversation_uid(conversation: Conversation) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "outsidein"
    return f"conversation-{conversation.workspace_id}-{conversation.pk}@{host}"


def event_for(conversation: Conversation, time_zone: str = "UTC") -> Event:
    start = conversation.occurred_at.astimezone(UTC)
    end = start + timedelta(minutes=conversation.duration_minutes or DEFAULT_MINUTES)
    account = conversation.account.name if conversation.account else "a customer"
    persons = [f"{p.name}{f' ({p.title})' if p.title else ''}" for p in conversation.persons.all()]
    members = [m.display_name for m in conversation.members.all()]
    link = settings.SITE_URL + conversation.get_absolute_url()
    lines = [f"When: {local_time(start, time_zone)}"]
    if conversation.title:
        lines.append(conversation.title)
    if persons:
        lines.append("Meeting: " + ", ".join(persons))
    if members:
        lines.append("From our side: " + ", ".join(members))
    lines.append(f"Open in Outside-In: {link}")
    event = Event()
    event.add("uid", conversation_uid(conversation))
    event.add("dtstamp", (conversation.updated_at or timezone.now()).astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", f"{conversation.get_kind_display()}: {account}")
    event.add("description", "\n".join(lines))
    event.add("url", link)
    event.add("status", "CONFIRMED")
    return event


def build_feed(conversations: Iterable[Conversation], *, name: str = "Outside-In: planned conversations",
               time_zone: str = "UTC") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    # Ask subscribing apps to refresh hourly (Google and Outlook decide for themselves, Apple listens).
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for conversation in conversations:
        calendar.add_component(event_for(conversation, time_zone))
    return calendar.to_ical()
