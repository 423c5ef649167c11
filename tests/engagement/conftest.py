"""Leaders, accounts and conversations at chosen moments, for the engagement tests."""

from datetime import datetime

import pytest
from django.test import Client

from outsidein.conversations.models import Conversation, Highlight, Status
from outsidein.core import services as core_services
from outsidein.customers.models import Account, Person, Segment
from outsidein.workspaces import services as workspace_services
from outsidein.workspaces.models import Role, User


def add_user(workspace, email: str, name: str, role: str = Role.LEADER, time_zone: str = "UTC") -> User:
    user = User.objects.create_user(email, "pw-12345678", name=name, time_zone=time_zone)
    workspace_services.add_member(workspace, user, role)
    return user


def logged(workspace, when: datetime, members, *, account=None, persons=(), kind: str = "coffee",
           status: str = Status.LOGGED, notes: str = "Notes", highlights=()) -> Conversation:
    """A conversation at exactly ``when`` (bypassing the 'future means planned' rule of the service)."""
    conversation = Conversation.objects.create(workspace=workspace, kind=kind, status=status, occurred_at=when,
                                               account=account, led_by=members[0], notes=notes,
                                               created_by=members[0], duration_minutes=30)
    conversation.members.set(members)
    conversation.persons.set(persons)
    for kind_h, text in highlights:
        Highlight.objects.create(workspace=workspace, conversation=conversation, kind=kind_h, text=text,
                                 created_by=members[0])
    return conversation


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def market(workspace):
    """Two segments, three accounts of different revenue, a buyer and an end user at the first."""
    big_shippers = core_services.create_owned(Segment, workspace, {"name": "Enterprise shippers"})
    retailers = core_services.create_owned(Segment, workspace, {"name": "Mid-market retailers"})
    acme = core_services.create_owned(Account, workspace, {"name": "Acme Freight", "segment": big_shippers,
                                                           "annual_revenue": 1_200_000})
    bolt = core_services.create_owned(Account, workspace, {"name": "Bolt Retail", "segment": retailers,
                                                           "annual_revenue": 300_000})
    corner = core_services.create_owned(Account, workspace, {"name": "Corner Shop", "segment": retailers,
                                                             "annual_revenue": 20_000})
    buyer = core_services.create_owned(Person, workspace, {"name": "Bea Buyer", "account": acme, "role": "buyer"})
    user = core_services.create_owned(Person, workspace, {"name": "Uma User", "account": acme, "role": "end_user"})
    return {"segments": [big_shippers, retailers], "accounts": [acme, bolt, corner], "buyer": buyer, "user": user}
