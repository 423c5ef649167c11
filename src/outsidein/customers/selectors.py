from collections.abc import Callable
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from outsidein.core.pickers import PickerOption, clean_query, recent_first, search_by_name
from outsidein.core.scoping import scoped
from outsidein.customers.models import Account, Person
from outsidein.workspaces.models import Workspace


def accounts_with_counts(workspace: Workspace):
    return scoped(Account, workspace).select_related("segment", "account_manager").annotate(
        person_count=Count("persons", distinct=True),
        conversation_count=Count("conversations", filter=~Q(conversations__status="cancelled"), distinct=True),
    )


# What later areas show on an account's page, which this area may not import: each entry takes the account and
# returns names for the page's template. Conversations adds the account's conversations and highlights (its
# AppConfig.ready).
AccountSection = Callable[[Account], dict]
ACCOUNT_SECTIONS: list[AccountSection] = []


def add_account_section(section: AccountSection) -> None:
    if section not in ACCOUNT_SECTIONS:
        ACCOUNT_SECTIONS.append(section)


def account_overview(account: Account) -> dict:
    """Everything about one customer on one page, in a fixed number of queries."""
    persons = scoped(Person, account.workspace).filter(account=account).order_by("role", "name")
    context = {"persons": persons}
    for section in ACCOUNT_SECTIONS:
        context.update(section(account))
    return context


# How many of the people and accounts someone met last come first in an empty picker.
RECENTLY_MET = 6


def _met_last(rows: QuerySet[Any], user: Any) -> list[Any]:
    # Through the relation's name: customers sits below conversations and imports nothing of it.
    if user is None or not user.is_authenticated:
        return []
    return list(rows.filter(conversations__members=user).annotate(last_met=Max("conversations__occurred_at"))
                .order_by("-last_met", "pk")[:RECENTLY_MET])


def search_accounts(workspace: Workspace, query: str, user: Any = None) -> list[PickerOption]:
    """Accounts for a picker: name prefix first, then names containing the query; name and segment. Before
    anything is typed, the accounts ``user`` met last come first."""
    rows = scoped(Account, workspace).select_related("segment")
    accounts = search_by_name(rows, query)
    if not clean_query(query):
        accounts = recent_first(_met_last(rows, user), accounts)
    return [PickerOption(a.pk, a.name, a.segment.name if a.segment else "No segment") for a in accounts]


def search_persons(workspace: Workspace, query: str, user: Any = None) -> list[PickerOption]:
    """Persons for a picker, told apart by title and account (two "Alex Meyer" are two people). Before anything
    is typed, the people ``user`` met last come first."""
    rows = scoped(Person, workspace).select_related("account")
    persons = search_by_name(rows, query)
    if not clean_query(query):
        persons = recent_first(_met_last(rows, user), persons)
    return [PickerOption(p.pk, p.picker_label, " · ".join(filter(None, [p.title, p.get_role_display()])))
            for p in persons]
