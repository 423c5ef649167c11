"""Leaders, accounts and conversations at chosen moments, for the engagement tests."""

from datetime import datetime

import factories
import pytest

from outsidein.conversations.models import Conversation, Highlight, Status
from outsidein.workspaces import services as workspace_services
from outsidein.workspaces.models import Role, User


def add_user(workspace, email: str, name: str, role: str = Role.LEADER, time_zone: str = "UTC") -> User:
    user = User.objects.create_user(email, "pw-12345678", name=name, time_zone=time_zone)
    workspace_services.add_member(workspace, user, role)
    return user


def logged(workspace, when: datetime, members, *, account=None, persons=(), kind: str = "coffee",
           status: str = Status.LOGGED, notes: str = "Notes", highlights=()) -> Conversation:
    """A conversation at exactly ``when`` (bypassing the 'future means planned' rule of the service)."""
    conversation = factories.conversation(workspace, kind=kind, status=status, occurred_at=when, account=account,
                                          led_by=members[0], notes=notes, created_by=members[0], duration_minutes=30,
                                          members=members)
    conversation.persons.set(persons)
    for kind_h, text in highlights:
        Highlight.objects.create(workspace=workspace, conversation=conversation, kind=kind_h, text=text,
                                 created_by=members[0])
    return conversation


@pytest.fixture
def market(workspace):
    """Two segments, three accounts of different revenue, a buyer and an end user at the first."""
    big_shippers = factories.segment(workspace, "Enterprise shippers")
    retailers = factories.segment(workspace, "Mid-market retailers")
    acme = factories.account(workspace, "Acme Freight", segment=big_shippers, annual_revenue=1_200_000)
    bolt = factories.account(workspace, "Bolt Retail", segment=retailers, annual_revenue=300_000)
    corner = factories.account(workspace, "Corner Shop", segment=retailers, annual_revenue=20_000)
    buyer = factories.person(workspace, "Bea Buyer", account=acme, role="buyer")
    user = factories.person(workspace, "Uma User", account=acme, role="end_user")
    return {"segments": [big_shippers, retailers], "accounts": [acme, bolt, corner], "buyer": buyer, "user": user}
