"""Fixtures of the API tests; the client itself (``api``, ``api_for``) is shared from tests/conftest.py."""

import pytest


@pytest.fixture
def other_api(api_for, other_workspace):
    return api_for(other_workspace, other_workspace.memberships.get().user)


def _error_locs(response) -> list[list]:
    assert response.status_code == 422, (response.status_code, response.content)
    return [item["loc"] for item in response.json()["detail"]]


@pytest.fixture
def error_locs():
    """The field paths of a 422 answer (fails unless the answer is 422)."""
    return _error_locs
