"""Telling customers what became of what they said, thanking them, and sending it once.

Every message is a ``Message`` row drafted here, edited by a member and sent by ``send_message``. A row's ``key``
says what it is about (a status change and a person, a pilot's start and a person…), so drafting again finds the
same row. Sending claims the row first with a conditional UPDATE (draft or failed → sending): only the call that
moved it sends, so a retry, a double click or two processes never send the same message twice. A person who opted
out gets no mail: the row says so (``opted_out``) instead.
"""

import logging
from collections.abc import Iterable
from datetime import datetime
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from outsidein.conversations.models import Conversation
from outsidein.customers.models import Person
from outsidein.initiatives.models import Pilot, PilotDecision
from outsidein.loop.models import (
    Message,
    MessageKind,
    MessageStatus,
    OptOut,
    Raiser,
    StatusChange,
    Suggestion,
    SuggestionStatus,
)
from outsidein.workspaces import audit
from outsidein.workspaces.models import AuditAction, User, Workspace

log = logging.getLogger(__name__)
OPT_OUT_SALT = "outsidein.loop.telling.opt_out"
SENDABLE = (MessageStatus.DRAFT, MessageStatus.FAILED)


# Opting out, without logging in: the signed token names the person and their workspace.

def opt_out_token(person: Person) -> str:
    return signing.dumps({"p": person.pk, "w": person.workspace_id}, salt=OPT_OUT_SALT, compress=True)


def person_from_token(token: str) -> Person | None:
    try:
        data = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int) or not isinstance(data.get("w"), int):
        return None
    return Person.objects.select_related("workspace").filter(pk=data["p"], workspace_id=data["w"]).first()


def opt_out_url(person: Person) -> str:
    return settings.SITE_URL + reverse("loop-opt-out", kwargs={"token": opt_out_token(person)})


def is_opted_out(person: Person) -> bool:
    return OptOut.objects.filter(workspace_id=person.workspace_id, person=person).exists()


def opt_out(person: Person) -> OptOut:
    """Record that the person wants no more messages; asking twice changes nothing."""
    row, _ = OptOut.objects.get_or_create(person=person, defaults={"workspace_id": person.workspace_id})
    # Drafts not yet sent will not be: the page shows them as opted out rather than waiting to go.
    Message.objects.filter(workspace_id=person.workspace_id, person=person, status__in=SENDABLE).update(
        status=MessageStatus.OPTED_OUT)
    return row


# Drafting.

def draft_message(workspace: Workspace, user: User | None, person: Person, *, kind: MessageKind, key: str,
                  subject: str, body: str, suggestion: Suggestion | None = None,
                  status_change: StatusChange | None = None, conversation: Conversation | None = None,
                  pilot: Pilot | None = None) -> Message:
    """A draft to ``person``; the existing row if one with ``key`` is already there (whatever its state)."""
    existing = Message.objects.filter(workspace=workspace, key=key).first()
    if existing is not None:
        return existing
    fields = {
        "workspace": workspace, "kind": kind, "key": key, "person": person, "suggestion": suggestion,
        "status_change": status_change, "conversation": conversation, "pilot": pilot, "email": person.email,
        "subject": subject[:200], "body": body, "created_by": user,
        "status": MessageStatus.OPTED_OUT if is_opted_out(person) else MessageStatus.DRAFT,
    }
    try:
        with transaction.atomic():
            return Message.objects.create(**fields)
    except IntegrityError:  # drafted at the same moment by another request: that one is the draft
        return Message.objects.get(workspace=workspace, key=key)


def first_name(person: Person) -> str:
    return person.name.split()[0] if person.name.strip() else "there"


def said_on(workspace: Workspace, moment: datetime) -> str:
    return format_date(timezone.localtime(moment, workspace.tz), "j F Y")


def signer_name(suggestion: Suggestion | None, user: User | None) -> str:
    owner = suggestion.owner if suggestion is not None and suggestion.owner_id else None
    who = owner or user
    return who.display_name if who is not None else "The team"


def what_happened(suggestion: Suggestion, status: str) -> str:
    outcome = suggestion.outcome.strip()
    if status == SuggestionStatus.HEARD:
        return "We have noted it down, and it is on our list of what customers have asked for."
    if status == SuggestionStatus.CONSIDERING:
        return "We are now looking into it seriously: what it would take and what it would change for you."
    if status == SuggestionStatus.PILOTING:
        pilot = suggestion.pilot
        named = f" in a pilot, “{pilot.name}”" if pilot is not None else ""
        return f"We are trying it out with a few customers first{named}, to see whether it does what we hope."
    if status == SuggestionStatus.DONE:
        return "It is done." + (f" {outcome}" if outcome else "")
    if status == SuggestionStatus.NOT_DOING:
        return "We have decided not to do it" + (f", and we owe you the reason. {outcome}" if outcome else ".")
    return ""


def status_subject(suggestion: Suggestion, status: str) -> str:
    label = SuggestionStatus(status).label.lower() if status in SuggestionStatus.values else status
    # A title that is a whole sentence keeps its words, not its full stop, inside the quotes.
    return f"Your {suggestion.get_kind_display().lower()} “{suggestion.title.rstrip('.')}”: {label}"


def status_body(suggestion: Suggestion, person: Person, raisers: list[Raiser], status: str,
                user: User | None) -> str:
    workspace = suggestion.workspace
    # The same words said again (at another visit) are quoted once, with the first time they were said.
    first_said: dict[str, Raiser] = {}
    for raiser in raisers:
        first_said.setdefault(" ".join(raiser.words.split()).casefold(), raiser)
    quoted = "\n".join(f"On {said_on(workspace, r.said_at)} you told us: “{r.words.strip()}”"
                        for r in first_said.values())
    parts = [f"Hello {first_name(person)},", quoted, what_happened(suggestion, status)]
    if suggestion.next_step.strip():
        parts.append(f"What comes next: {suggestion.next_step.strip()}")
    parts.append("Thank you for telling us. It is how we get better.")
    parts.append(signer_name(suggestion, user))
    return "\n\n".join(p for p in parts if p)


def draft_status_messages(change: StatusChange, user: User | None) -> list[Message]:
    """One draft per person who raised the suggestion and has an e-mail address, telling them of ``change``."""
    suggestion = change.suggestion
    by_person: dict[int, list[Raiser]] = {}
    persons: dict[int, Person] = {}
    raisers = (Raiser.objects.filter(suggestion=suggestion, person__isnull=False).exclude(person__email="")
               .select_related("person").order_by("said_at", "id"))
    for raiser in raisers:
        assert raiser.person is not None  # filtered above
        persons[raiser.person.pk] = raiser.person
        by_person.setdefault(raiser.person.pk, []).append(raiser)
    # A draft of an earlier change that was never sent would tell them of a state that has passed: the new one
    # replaces it (failed ones stay, as a record of the attempt).
    Message.objects.filter(suggestion=suggestion, kind=MessageKind.UPDATE, status=MessageStatus.DRAFT,
                           person_id__in=list(by_person)).exclude(status_change=change).delete()
    return [
        draft_message(suggestion.workspace, user, persons[pk], kind=MessageKind.UPDATE,
                      key=f"status:{change.pk}:person:{pk}",
                      subject=status_subject(suggestion, change.to_status),
                      body=status_body(suggestion, persons[pk], said, change.to_status, user),
                      suggestion=suggestion, status_change=change)
        for pk, said in by_person.items()
    ]


THANKS_FOR = {
    "coffee": "the coffee and the conversation",
    "customer_visit": "having us over",
    "site_visit": "showing us how things really work on your side",
    "service_side_by_side": "letting us sit beside you",
    "sales_sit_in": "your time in the meeting",
    "sales_ride_along": "your time with us",
    "brainstorm": "brainstorming with us; your ideas are on the board",
    "pilot_check_in": "taking part in the pilot and telling us how it goes",
}


def thanks_body(conversation: Conversation | None, person: Person, user: User | None) -> str:
    what = THANKS_FOR.get(conversation.kind, "your time") if conversation is not None else "what you shared with us"
    when = f" on {said_on(person.workspace, conversation.occurred_at)}" if conversation is not None else ""
    return "\n\n".join([
        f"Hello {first_name(person)},",
        f"Thank you for {what}{when}. What you told us helps us decide what to do next, and we will let you "
        "know what becomes of it.",
        user.display_name if user is not None else "The team",
    ])


def draft_thanks(conversation: Conversation | None, person: Person, user: User | None,
                 body: str | None = None) -> Message:
    """A thank-you on its own: after a conversation (one per person and conversation), or for what they shared
    (one a day per person, so a double submit finds the same draft)."""
    if not person.email:
        raise ValidationError({"person": f"{person} has no e-mail address."})
    if conversation is not None:
        key = f"thanks:conversation:{conversation.pk}:person:{person.pk}"
        subject = "Thank you for your time"
    else:
        key = f"thanks:person:{person.pk}:{timezone.localdate(timezone.now(), person.workspace.tz).isoformat()}"
        subject = "Thank you"
    return draft_message(person.workspace, user, person, kind=MessageKind.THANKS, key=key, subject=subject,
                         body=body if body is not None and body.strip() else thanks_body(conversation, person, user),
                         conversation=conversation)


def draft_thanks_after(workspace: Workspace, user: User | None, *, conversation: Conversation | None = None,
                       person: Person | None = None, body: str | None = None) -> list[Message]:
    """Thank-you drafts: to ``person`` (for ``conversation`` if given), or to everyone with an e-mail address who
    took part in ``conversation``."""
    if person is not None:
        return [draft_thanks(conversation, person, user, body)]
    if conversation is None:
        raise ValidationError("Choose a conversation, a person, or both.")
    persons = list(conversation.persons.exclude(email="").select_related("workspace").order_by("name"))
    if not persons:
        raise ValidationError({"conversation": "Nobody in this conversation has an e-mail address."})
    return [draft_thanks(conversation, p, user, body) for p in persons]


def pilot_contacts(pilot: Pilot) -> list[Person]:
    """The persons with an e-mail address at the pilot's pilot accounts."""
    return list(Person.objects.filter(workspace_id=pilot.workspace_id, account__in=pilot.pilot_accounts.all())
                .exclude(email="").select_related("account", "workspace").order_by("account__name", "name"))


def draft_pilot_invites(pilot: Pilot, user: User | None) -> list[Message]:
    start = format_date(pilot.pilot_start, "j F Y")
    end = format_date(pilot.pilot_end, "j F Y")
    messages = []
    for person in pilot_contacts(pilot):
        body = "\n\n".join([
            f"Hello {first_name(person)},",
            f"We would like {person.account or 'you'} to be among the first to try something new: "
            f"{pilot.change.strip()}",
            f"The pilot, “{pilot.name}”, runs from {start} to {end}. We will ask you how it goes, and tell you "
            "what we learned and what we decide at the end.",
            "Thank you for trying it with us.",
            user.display_name if user is not None else "The team",
        ])
        messages.append(draft_message(pilot.workspace, user, person, kind=MessageKind.PILOT_INVITE,
                                      key=f"pilot:{pilot.pk}:invite:person:{person.pk}",
                                      subject=f"You are invited to try it first: {pilot.name}", body=body,
                                      pilot=pilot))
    return messages


RESULT_WORDS = {
    PilotDecision.SCALE: "It worked, and we are bringing it to all our customers.",
    PilotDecision.ITERATE: "We learned a lot, and we are changing it before we try it again.",
    PilotDecision.STOP: "It did not do what we hoped, so we are stopping it.",
}


def draft_pilot_results(pilot: Pilot, user: User | None) -> list[Message]:
    if not pilot.decision:
        raise ValidationError("The pilot has no decision yet: record it before telling its customers the result.")
    messages = []
    for person in pilot_contacts(pilot):
        parts = [f"Hello {first_name(person)},",
                 f"The pilot you took part in, “{pilot.name}”, is over. {RESULT_WORDS[PilotDecision(pilot.decision)]}"]
        if pilot.learning.strip():
            parts.append(f"What we learned: {pilot.learning.strip()}")
        if pilot.actions.strip():
            parts.append(f"What we will do: {pilot.actions.strip()}")
        parts += ["Thank you for trying it with us; it would not have been possible without you.",
                  user.display_name if user is not None else "The team"]
        messages.append(draft_message(pilot.workspace, user, person, kind=MessageKind.PILOT_RESULT,
                                      key=f"pilot:{pilot.pk}:result:person:{person.pk}",
                                      subject=f"What we learned from the pilot: {pilot.name}",
                                      body="\n\n".join(parts), pilot=pilot))
    return messages


# Editing and sending.

def update_draft(message: Message, *, subject: str, body: str) -> Message:
    """Change a draft's words; a message that went out (or is going) keeps what it said."""
    changed = Message.objects.filter(pk=message.pk, status__in=SENDABLE).update(subject=subject[:200], body=body)
    if not changed:
        raise ValidationError("Only a draft can be edited: this message has been sent or is being sent.")
    message.refresh_from_db()
    return message


def footer(message: Message) -> str:
    return f"--\nTo hear nothing more from us, open this link: {opt_out_url(message.person)}"


def full_text(message: Message) -> str:
    """What the person reads: the body as written, then the opt-out link (added here, so no edit can drop it)."""
    return f"{message.body.rstrip()}\n\n{footer(message)}\n"


def signer(message: Message, user: User | None) -> User | None:
    """Whose name the message carries: the suggestion's owner, else whoever drafted it, else the sender."""
    suggestion = message.suggestion
    return (suggestion.owner if suggestion is not None and suggestion.owner_id else None) \
        or message.created_by or user


def build_email(message: Message, user: User | None) -> EmailMessage:
    url = opt_out_url(message.person)
    # From the product's configured address (what its mail server may send as), under the name of the person who
    # writes; a reply goes to that person, not to a mailbox nobody reads.
    who = signer(message, user)
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    sender = formataddr((f"{who.display_name} at {message.person.workspace.name}", address)) \
        if who is not None and address else settings.DEFAULT_FROM_EMAIL
    return EmailMessage(
        subject=message.subject, body=full_text(message), from_email=sender, to=[message.person.email],
        reply_to=[who.email] if who is not None and who.email else None,
        # One-click unsubscribe (RFC 8058): the mail client POSTs to the same address the link opens.
        headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def send_message(message: Message, user: User | None) -> Message:
    """Send one message once. Already sent, being sent or opted out: nothing is sent and the row says why.

    Raises ``Message.DoesNotExist`` when the message (or its person, which takes it along) was deleted by another
    request meanwhile.
    """
    try:
        person = Person.objects.select_related("workspace").get(pk=message.person_id)
    except Person.DoesNotExist:
        raise Message.DoesNotExist(f"message {message.pk}: its person was deleted") from None
    message.person = person
    pending = Message.objects.filter(pk=message.pk, status__in=SENDABLE)
    if is_opted_out(person):
        pending.update(status=MessageStatus.OPTED_OUT)
        message.refresh_from_db()
        return message
    # The claim: only the call whose UPDATE moved the row sends it.
    if not pending.update(status=MessageStatus.SENDING, email=person.email, sent_by=user, error=""):
        message.refresh_from_db()
        return message
    claimed = Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING)
    if not person.email:
        claimed.update(status=MessageStatus.FAILED, error=f"{person} has no e-mail address.")
    else:
        try:
            build_email(message, user).send()
        except Exception as exc:  # a refused address or a server down must not stop the others; it may be retried
            log.warning("Message %s to %s failed: %s", message.pk, person.email, exc)
            claimed.update(status=MessageStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:300])
        else:
            claimed.update(status=MessageStatus.SENT, sent_at=timezone.now())
            audit.record(person.workspace, AuditAction.CUSTOMER_MESSAGE_SENT, person, actor=user,
                         detail={"message": message.pk, "kind": message.kind, "to": person.email})
    message.refresh_from_db()
    return message


def send_drafts(messages: Iterable[Message], user: User | None) -> list[Message]:
    """Send each draft (or failed) message of ``messages``; the others are left as they are, and one deleted
    meanwhile is left out of the answer."""
    tried = []
    for message in messages:
        if message.status not in SENDABLE:
            continue
        try:
            tried.append(send_message(message, user))
        except Message.DoesNotExist:
            continue
    return tried
