import factories
import pytest

from outsidein.customers.models import Account


@pytest.fixture
def accounts(workspace) -> list[Account]:
    """Twelve accounts in Retail: "Account 00" pays 1,000 a year, each next one 1,000 more."""
    retail = factories.segment(workspace, "Retail")
    return [factories.account(workspace, f"Account {i:02d}", segment=retail, annual_revenue=1000 * (i + 1))
            for i in range(12)]
