import pytest

from outsidein.core import services
from outsidein.customers.models import Account, Person, Segment


@pytest.fixture
def segment(workspace):
    return services.create_owned(Segment, workspace, {"name": "Enterprise"})


@pytest.fixture
def account(workspace, segment):
    return services.create_owned(Account, workspace, {"name": "Globex", "segment": segment})


@pytest.fixture
def person(workspace, account):
    return services.create_owned(Person, workspace, {"name": "Hank Scorpio", "account": account, "role": "buyer"})
