"""Builders for the rows tests stand on: plain functions with the defaults most tests want, so a test names only
the values its assertions depend on. Customers are written through the same validated service the pages use;
conversations and feedback straight to the table, for tests that need exact times or statuses the services
would derive."""

from collections.abc import Iterable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from outsidein.conversations.models import Conversation
from outsidein.core import services as core_services
from outsidein.customers.models import Account, Person, Segment
from outsidein.feedback.models import FeedbackItem
from outsidein.guides import services as guide_services
from outsidein.guides.models import Guide
from outsidein.workspaces.models import User, Workspace

Money = int | Decimal


# Test modules import this from here, never from a conftest: with a conftest in several folders, the module
# named conftest is whichever was loaded last.
def client_for(user: User) -> Client:
    """A test client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def segment(workspace: Workspace, name: str = "Enterprise", **fields: Any) -> Segment:
    return core_services.create_owned(Segment, workspace, {"name": name, **fields})


def account(workspace: Workspace, name: str = "Globex", *, segment: Segment | None = None,
            annual_revenue: Money | None = None, **fields: Any) -> Account:
    data: dict[str, Any] = {"name": name, **fields}
    if segment is not None:
        data["segment"] = segment
    if annual_revenue is not None:
        data["annual_revenue"] = annual_revenue
    return core_services.create_owned(Account, workspace, data)


def accounts(workspace: Workspace, names: int | Iterable[str], *, segment: Segment | None = None,
             annual_revenue: Money | None = None, **fields: Any) -> list[Account]:
    """``accounts(ws, 12)`` makes "Account 00" to "Account 11"; ``accounts(ws, ["Globex", "Initech"])`` those."""
    if isinstance(names, int):
        names = [f"Account {index:02d}" for index in range(names)]
    return [account(workspace, name, segment=segment, annual_revenue=annual_revenue, **fields) for name in names]


def accounts_with_revenue(workspace: Workspace, revenues: Mapping[str, Money], **fields: Any) -> dict[str, Account]:
    """One account per name with that annual revenue, by name."""
    return {name: account(workspace, name, annual_revenue=Decimal(revenue), **fields)
            for name, revenue in revenues.items()}


def person(workspace: Workspace, name: str = "Hank Scorpio", *, account: Account | None = None,
           **fields: Any) -> Person:
    data: dict[str, Any] = {"name": name, **fields}
    if account is not None:
        data["account"] = account
    return core_services.create_owned(Person, workspace, data)


def guide(workspace: Workspace, owner: User, title: str = "Late loads", *, questions: Iterable[str] = (),
          **fields: Any) -> Guide:
    """A guide saved as its owner saves it, with ``questions`` added in order."""
    made = guide_services.save_guide(workspace, owner, {"title": title, **fields})
    for text in questions:
        guide_services.add_question(made, text=text)
    return made


def feedback_item(workspace: Workspace, text: str = "", *, days_ago: float | None = None,
                  **fields: Any) -> FeedbackItem:
    """A feedback item received ``days_ago`` days ago (or at ``received_at``, or now)."""
    if days_ago is not None:
        fields["received_at"] = timezone.now() - timedelta(days=days_ago)
    return FeedbackItem.objects.create(workspace=workspace, text=text, **fields)


def conversation(workspace: Workspace, *, kind: str = "customer_visit", members: Iterable[User] = (),
                 **fields: Any) -> Conversation:
    """A conversation stored as given: no 'a future one is planned' rule, no search text."""
    made = Conversation.objects.create(workspace=workspace, kind=kind, **fields)
    if members := list(members):
        made.members.set(members)
    return made
