"""An API client that speaks JSON with a personal token of the test workspace."""

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from outsidein.workspaces import services as workspace_services


@dataclass
class ApiClient:
    secret: str
    client: Client

    def call(self, method: str, path: str, body: dict | None = None, **params):
        headers = {"Authorization": f"Bearer {self.secret}"}
        url = f"/api{path}"
        if params:
            from urllib.parse import urlencode

            url += "?" + urlencode(params, doseq=True)
        if body is None:
            return self.client.generic(method, url, headers=headers)
        return self.client.generic(method, url, data=json.dumps(body), content_type="application/json",
                                   headers=headers)

    def get(self, path: str, **params):
        return self.call("GET", path, **params)

    def post(self, path: str, body: dict):
        return self.call("POST", path, body)

    def patch(self, path: str, body: dict):
        return self.call("PATCH", path, body)

    def delete(self, path: str):
        return self.call("DELETE", path)


def api_client_for(workspace, user, name: str = "Tests") -> ApiClient:
    _, secret = workspace_services.create_api_token(workspace, user, name)
    return ApiClient(secret, Client())


@pytest.fixture
def api_for(db):
    """An API client with a fresh token of ``user`` in ``workspace``."""
    return api_client_for


@pytest.fixture
def api(workspace, owner) -> ApiClient:
    return api_client_for(workspace, owner)


@pytest.fixture
def other_api(other_workspace) -> ApiClient:
    return api_client_for(other_workspace, other_workspace.memberships.get().user)


def _error_locs(response) -> list[list]:
    assert response.status_code == 422, (response.status_code, response.content)
    return [item["loc"] for item in response.json()["detail"]]


@pytest.fixture
def error_locs():
    """The field paths of a 422 answer (fails unless the answer is 422)."""
    return _error_locs
