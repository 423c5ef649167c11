"""The OpenAPI document declares every status code the API answers with, so clients can rely on it."""

import pytest
from django.test import Client

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def document(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_every_operation_declares_its_errors(document):
    operations = list(_operations(document))
    assert len(operations) > 90
    for path, method, operation in operations:
        declared = set(operation["responses"])
        where = f"{method.upper()} {path}"
        assert {"401", "422", "429"} <= declared, where
        if "{" in path:
            assert "404" in declared, where
        if method != "get":
            assert {"400", "403"} <= declared, where
        for code in declared - {"200", "201", "202", "204"}:
            assert operation["responses"][code]["description"], (where, code)


def test_an_error_answer_matches_the_declared_error_schema(document, api):
    schema = document["components"]["schemas"]["ErrorOut"]
    assert schema["required"] == ["detail"]
    missing = api.get("/segments/999999")
    assert missing.status_code == 404 and isinstance(missing.json()["detail"], str)
    invalid = api.post("/segments", {"name": ""})
    assert invalid.status_code == 422
    assert all({"loc", "msg", "type"} <= set(item) for item in invalid.json()["detail"])


def test_integer_inputs_are_documented_with_their_bounds(document):
    offset = next(p for p in document["paths"]["/api/segments"]["get"]["parameters"] if p["name"] == "offset")
    assert offset["schema"]["maximum"] == 2**63 - 1
    account = document["components"]["schemas"]["AccountIn"]["properties"]["segment_id"]
    assert {"minimum": -(2**63), "maximum": 2**63 - 1}.items() <= next(
        option for option in account["anyOf"] if option.get("type") == "integer").items()


def test_a_body_documents_the_rules_of_its_model_fields(document, api):
    person = document["components"]["schemas"]["PersonIn"]
    assert person["required"] == ["name"]
    assert {"minLength": 1, "maxLength": 150}.items() <= person["properties"]["name"].items()
    assert person["properties"]["email"]["maxLength"] == 254  # the model's EmailField
    assert person["properties"]["role"] == {"allOf": [{"$ref": "#/components/schemas/PersonRole"}],
                                            "default": "end_user"}
    assert document["components"]["schemas"]["PersonRole"]["enum"] == ["buyer", "end_user", "internal"]
    assert api.post("/persons", {"name": "Ada", "email": "a" * 250 + "@x.io"}).status_code == 422
