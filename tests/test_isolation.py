"""Nothing leaks between workspaces, whatever the route.

The page test walks every URL pattern (through every include) and the API test walks every path of the
OpenAPI schema. Each object-id parameter is filled with the id of a row of ANOTHER workspace, and the
answer must be 404, for reads and writes alike. A route whose id parameter has no factory below makes
the test fail, so a new route cannot ship without this proof.
"""

import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import factories
import pytest
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from outsidein.api.auth import READ_ONLY_POSTS
from outsidein.conversations import services as conversation_services
from outsidein.core import services as core_services
from outsidein.customers.models import Account, Competitor, Person, Product, Segment
from outsidein.site.api import api
from outsidein.workspaces import services as workspace_services
from outsidein.workspaces.models import Membership, Role, User, Workspace

# Namespaces not walked here: the admin is for staff across all workspaces by design, and the API
# is walked through its OpenAPI schema below (it authenticates with tokens, not sessions).
SKIPPED_NAMESPACES = {"admin", "api"}
ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
API_PARAM = re.compile(r"\{(?P<name>\w+)\}")


# --- one factory per object-id parameter -------------------------------------------------------------
# Each receives the workspace the row must belong to and a member of it, and returns the row.
# When a new route takes a new kind of id, add its factory here.

_serial = itertools.count(1)


def _segment(ws: Workspace, user: User) -> Segment:
    return factories.segment(ws, f"Their segment {next(_serial)}")


def _account(ws: Workspace, user: User) -> Account:
    return factories.account(ws, "Their account", segment=_segment(ws, user))


def _person(ws: Workspace, user: User) -> Person:
    return factories.person(ws, "Their person", account=_account(ws, user))


def _competitor(ws: Workspace, user: User) -> Competitor:
    return core_services.create_owned(Competitor, ws, {"name": f"Their competitor {next(_serial)}"})


def _product(ws: Workspace, user: User) -> Product:
    return core_services.create_owned(Product, ws, {"name": f"Their product {next(_serial)}",
                                                   "target_segments": [_segment(ws, user)]})


def _conversation(ws: Workspace, user: User):
    return conversation_services.save_conversation(ws, user, {"kind": "coffee", "account": _account(ws, user),
                                                              "notes": "Their secret notes"})


def _highlight(ws: Workspace, user: User):
    return conversation_services.add_highlight(_conversation(ws, user), user, kind="quote", text="Their quote")


def _feedback(ws: Workspace, user: User):
    return factories.feedback_item(ws, "Their feedback", source_name="Their survey", nps=9)


def _batch(ws: Workspace, user: User):
    from outsidein.feedback.imports import media_path
    from outsidein.feedback.models import ImportBatch

    # A finished import with a rejected-rows report, so every batch route has something to find.
    n = next(_serial)
    batch = ImportBatch.objects.create(workspace=ws, source_name="Their survey", file_name="theirs.csv",
                                       stored_file=f"imports/theirs-{n}.csv", file_format="csv", created_by=user,
                                       mapping={"comment": "text"}, status="done",
                                       rejected_report=f"imports/rejected/theirs-{n}.csv")
    report = media_path(batch.rejected_report)
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("line,reason,comment\n2,Their reason,Their comment\n", encoding="utf-8")
    return batch


def _theme(ws: Workspace, user: User):
    from outsidein.insights.models import Theme

    return Theme.objects.create(workspace=ws, name="Their theme", top_terms=["their", "secret"], size=0)


def _driver_analysis(ws: Workspace, user: User):
    from outsidein.insights.models import DriverAnalysis

    return DriverAnalysis.objects.create(workspace=ws, outcome="nps", drivers=["their speed", "their price"],
                                         result={"status": "done"}, created_by=user)


def _membership(ws: Workspace, user: User) -> Membership:
    extra = User.objects.create_user(f"extra-{next(_serial)}@example.com", "pw-12345678")
    return workspace_services.add_member(ws, extra, Role.MEMBER)


def _token(ws: Workspace, user: User):
    token, _ = workspace_services.create_api_token(ws, user, "Their integration")
    return token


def _assumption(ws: Workspace, user: User):
    from outsidein.learning import services as learning_services

    return learning_services.save_assumption(ws, user, {"statement": "Their assumption"})


def _evidence(ws: Workspace, user: User):
    from outsidein.learning import services as learning_services

    return learning_services.link_evidence(_assumption(ws, user), user, direction="supports",
                                           highlight=_highlight(ws, user))


def _experiment(ws: Workspace, user: User):
    from outsidein.learning import services as learning_services

    return learning_services.save_experiment(ws, user, {
        "assumption": _assumption(ws, user), "title": "Their test", "test": "Call them", "metric": "Calls",
        "success_criteria": "Most answer"})


def _initiative(ws: Workspace, user: User):
    from outsidein.initiatives import services as initiative_services

    return initiative_services.save_initiative(ws, user, {"name": "Their initiative", "pain_statement": "Theirs"})


def _pilot(ws: Workspace, user: User):
    import datetime

    from outsidein.initiatives import services as initiative_services

    return initiative_services.save_pilot(_initiative(ws, user), user, {
        "name": "Their pilot", "change": "Theirs", "metric_name": "Orders", "baseline_start": datetime.date(2026, 1, 1),
        "baseline_end": datetime.date(2026, 1, 31), "pilot_start": datetime.date(2026, 2, 1),
        "pilot_end": datetime.date(2026, 2, 28)}, pilot_accounts=[_account(ws, user)])



def _customer_import(kind: str) -> Callable[[Workspace, User], models.Model]:
    def make(ws: Workspace, user: User) -> models.Model:
        from outsidein.customers.models import AccountImport

        return AccountImport.objects.create(workspace=ws, kind=kind, file_name="theirs.csv", status="done",
                                            created_by=user)
    return make


_account_import = _customer_import("accounts")
_person_import = _customer_import("persons")


def _challenge(ws: Workspace, user: User):
    import datetime

    from outsidein.engagement.models import Challenge

    return Challenge.objects.create(workspace=ws, name="Their challenge", starts_on=datetime.date(2026, 1, 5),
                                    ends_on=datetime.date(2026, 2, 15), weekly_target=2, created_by=user)


def _participant(ws: Workspace, user: User):
    from outsidein.engagement.models import ChallengeParticipant

    return ChallengeParticipant.objects.create(workspace=ws, challenge=_challenge(ws, user), user=user)


def _host_request(ws: Workspace, user: User):
    import datetime

    from outsidein.engagement.models import HostRequest

    return HostRequest.objects.create(workspace=ws, requested_by=user, host=_membership(ws, user).user,
                                      proposed_at=datetime.datetime(2030, 1, 1, 10, tzinfo=datetime.UTC))


def _guide(ws: Workspace, user: User):
    from outsidein.guides import services as guide_services

    return guide_services.save_guide(ws, user, {"title": "Their guide"})


def _guide_question(ws: Workspace, user: User):
    from outsidein.guides import services as guide_services

    return guide_services.add_question(_guide(ws, user), text="Tell me about the last time it broke.")


def _brainstorm(ws: Workspace, user: User):
    """A brainstorm (only those have a board) with one customer invited, whose link opens it."""
    conversation = factories.conversation(ws, kind="brainstorm", title="Their brainstorm", members=[user])
    conversation.persons.set([_person(ws, user)])
    return conversation


def _idea(ws: Workspace, user: User):
    from outsidein.loop import brainstorms

    return brainstorms.add_idea(_brainstorm(ws, user), "Their idea", member=user)


def _link_secret(person: Person) -> str:
    from datetime import timedelta

    from django.utils import timezone

    from outsidein.loop.models import CustomerLink, hash_secret, new_secret

    secret = new_secret()
    CustomerLink.objects.create(workspace=person.workspace, person=person, secret_hash=hash_secret(secret),
                                expires_at=timezone.now() + timedelta(days=1))
    return secret


def _customer_link(ws: Workspace, user: User):
    from outsidein.loop import links

    return links.create_link(_person(ws, user), user)[0]


def _message(ws: Workspace, user: User):
    from outsidein.loop import telling
    from outsidein.loop.models import MessageKind

    person = _person(ws, user)
    person.email = f"their-{person.pk}@elsewhere.example"
    person.save(update_fields=["email"])
    return telling.draft_message(ws, user, person, kind=MessageKind.THANKS, key=f"thanks:theirs:{person.pk}",
                                 subject="Their thank-you", body="Thank you.")


def _suggestion(ws: Workspace, user: User):
    from outsidein.loop import threads

    return threads.raise_suggestion(ws, user, words="Their suggestion", via="typed", person=_person(ws, user),
                                    join=False).suggestion


def _raiser(ws: Workspace, user: User):
    return _suggestion(ws, user).raisers.get()


def _journey(ws: Workspace, user: User):
    from outsidein.journeys import services as journey_services

    return journey_services.create_journey(ws, user, name=f"Their journey {next(_serial)}",
                                           segment=_segment(ws, user))


def _stage(ws: Workspace, user: User):
    return _journey(ws, user).stages.first()


def _touchpoint(ws: Workspace, user: User):
    from outsidein.journeys import services as journey_services

    return journey_services.add_touchpoint(_stage(ws, user), name="Their touchpoint", expectation="Their secret")


def _evidence_link(ws: Workspace, user: User):
    from outsidein.journeys.models import EvidenceLink

    return EvidenceLink.objects.create(workspace=ws, touchpoint=_touchpoint(ws, user), status="proposed",
                                       feedback_item=_feedback(ws, user), proposed=True, score=0.5)


def _leader(ws: Workspace, user: User) -> User:
    extra = User.objects.create_user(f"leader-{next(_serial)}@example.com", "pw-12345678")
    return workspace_services.add_member(ws, extra, Role.LEADER).user

OBJECT_FACTORIES: dict[str, Callable[[Workspace, User], models.Model]] = {
    "segment_id": _segment,
    "account_id": _account,
    "person_id": _person,
    "competitor_id": _competitor,
    "product_id": _product,
    "conversation_id": _conversation,
    "highlight_id": _highlight,
    "membership_id": _membership,
    "token_id": _token,
    "assumption_id": _assumption,
    "evidence_id": _evidence,
    "experiment_id": _experiment,
    "initiative_id": _initiative,
    "pilot_id": _pilot,
    "feedback_id": _feedback,
    "batch_id": _batch,
    "import_id": _account_import,
    "theme_id": _theme,
    "analysis_id": _driver_analysis,
    "challenge_id": _challenge,
    "participant_id": _participant,
    "request_id": _host_request,
    "user_id": _leader,
    "guide_id": _guide,
    "question_id": _guide_question,
    "link_id": _customer_link,
    "idea_id": _idea,
    "brainstorm_id": _brainstorm,
    "message_id": _message,
    "suggestion_id": _suggestion,
    "raiser_id": _raiser,
    "item_id": _feedback,
    "journey_id": _journey,
    "stage_id": _stage,
    "touchpoint_id": _touchpoint,
    "evidence_link_id": _evidence_link,
}

# Where one id names a different kind of row on some routes: the persons import's pages look up a persons import.
ROUTE_FACTORIES: dict[str, dict[str, Callable[[Workspace, User], models.Model]]] = {
    "person-import-detail": {"import_id": _person_import},
    "person-import-progress": {"import_id": _person_import},
    "brainstorm-board": {"conversation_id": _brainstorm},
    "brainstorm-idea-add": {"conversation_id": _brainstorm},
    "customer-board": {"conversation_id": _brainstorm},
}


# --- walking the routes ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    name: str
    template: str  # e.g. "w/<slug:ws>/accounts/<int:account_id>/edit/"

    @property
    def params(self) -> list[str]:
        return [m["name"] for m in ROUTE_PARAM.finditer(self.template)]

    @property
    def id_params(self) -> list[str]:
        return [p for p in self.params if p.endswith("_id")]

    def url(self, values: dict[str, Any]) -> str:
        return "/" + ROUTE_PARAM.sub(lambda m: str(values[m["name"]]), self.template)


def walk_routes(patterns=None, prefix: str = "") -> Iterator[Route]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            yield from walk_routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield Route(entry.name or "?", prefix + str(entry.pattern))


def id_routes() -> list[Route]:
    return [r for r in walk_routes() if r.id_params]


def workspace_routes() -> list[Route]:
    return [r for r in walk_routes() if "ws" in r.params]


def api_operations() -> list[tuple[str, str]]:
    """(method, path template) for every operation the API documents."""
    schema = api.get_openapi_schema()
    return [(method.upper(), path) for path, operations in schema["paths"].items() for method in operations]


def api_id_param_key(path: str, param: str) -> str:
    """The factory for an API path parameter: `{conversation_id}` names itself; a generic `{item_id}`
    takes its kind from the collection before it (`/api/segments/{item_id}` -> segment_id)."""
    if param == "conversation_id" and path.startswith("/api/brainstorms/"):
        return "brainstorm_id"  # only a brainstorm has a board
    if param != "item_id":
        return param
    parts = path.strip("/").split("/")
    collection = parts[parts.index("{item_id}") - 1]
    return collection.removesuffix("s") + "_id"


def _require_factories(missing: dict[str, list[str]]) -> None:
    if missing:
        lines = [f"  {param}: needed by {', '.join(sorted(routes))}" for param, routes in sorted(missing.items())]
        pytest.fail("Routes take an object id with no isolation coverage; add a factory for each parameter to "
                    "OBJECT_FACTORIES in tests/test_isolation.py:\n" + "\n".join(lines))


# --- a body the API accepts, built from the OpenAPI schema, so validation never hides a missing 404 -----

def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in spec:
        spec = schema["components"]["schemas"][spec["$ref"].rsplit("/", 1)[-1]]
    return spec


def example_value(schema: dict, spec: dict) -> Any:
    spec = _resolve(schema, spec)
    if "anyOf" in spec:
        return example_value(schema, next(s for s in spec["anyOf"] if s.get("type") != "null"))
    if "enum" in spec:
        return spec["enum"][0]
    kind = spec.get("type")
    if kind == "object":
        return {name: example_value(schema, prop) for name, prop in spec.get("properties", {}).items()
                if name in spec.get("required", [])}
    if kind == "array":
        return []
    if kind == "string":
        return "2030-01-01T10:00:00Z" if spec.get("format") == "date-time" else "Example text"
    if kind in ("integer", "number"):
        return spec.get("minimum", 1)
    if kind == "boolean":
        return False
    return None


def api_example_body(method: str, path: str) -> dict | None:
    schema = api.get_openapi_schema()
    operation = schema["paths"][path][method.lower()]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return example_value(schema, content["schema"]) if content else None


def call_api(client: Client, method: str, url: str, body: dict | None, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is None:
        return client.generic(method, url, headers=headers)
    return client.generic(method, url, data=json.dumps(body), content_type="application/json", headers=headers)


# --- fixtures --------------------------------------------------------------------------------------

@pytest.fixture(params=["stranger", "member of both"])
def foreign(request, owner, workspace, other_workspace) -> tuple[Workspace, User]:
    """The other workspace and a member of it who creates its rows.

    In the second case the person asking is a member of both workspaces, so only the workspace in the
    URL (or the token) keeps the rows apart; a query scoped to "workspaces of this user" would leak.
    """
    if request.param == "member of both":
        workspace_services.add_member(other_workspace, owner, Role.MEMBER)
        return other_workspace, owner
    return other_workspace, other_workspace.memberships.get().user


def build_foreign_rows(params: list[str], ws: Workspace, user: User, route: str = "") -> dict[str, models.Model]:
    factories = {**OBJECT_FACTORIES, **ROUTE_FACTORIES.get(route, {})}
    return {p: factories[p](ws, user) for p in params}


# --- pages -----------------------------------------------------------------------------------------

def test_every_route_with_an_object_id_has_a_factory():
    missing: dict[str, list[str]] = {}
    for route in id_routes():
        for param in route.id_params:
            if param not in OBJECT_FACTORIES:
                missing.setdefault(param, []).append(f"{route.name} ({route.template})")
    _require_factories(missing)


def test_there_are_object_routes_to_check():
    names = {r.name for r in id_routes()}
    # A guard against a walk that silently finds nothing (e.g. a renamed include).
    assert {"account-detail", "conversation-edit", "highlight-delete", "member-role", "token-revoke"} <= names


@pytest.mark.parametrize("route", id_routes(), ids=lambda r: r.name)
def test_object_of_another_workspace_is_not_found(route, owner, workspace, foreign):
    if missing := [p for p in route.id_params if p not in OBJECT_FACTORIES]:
        pytest.fail(f"Route {route.name} ({route.template}) needs isolation coverage for: {', '.join(missing)}")
    other_ws, other_user = foreign
    rows = build_foreign_rows(route.id_params, other_ws, other_user, route.name)
    ids = {p: obj.pk for p, obj in rows.items()}
    client = Client()
    client.force_login(owner)

    values, control_values = {"ws": workspace.slug, **ids}, {"ws": other_ws.slug, **ids}
    if "secret" in route.params:
        # A customer's address: a live link of this workspace's customer must not open the other's board; the
        # control is the link of the customer invited there.
        values["secret"] = _link_secret(_person(workspace, owner))
        control_values["secret"] = _link_secret(rows["conversation_id"].persons.get())
    answers = {method: getattr(client, method)(route.url(values)).status_code for method in ("get", "post")}
    # 405 (a method the view never takes) is decided before any lookup, so it reveals nothing.
    assert set(answers.values()) <= {404, 405} and 404 in answers.values(), (
        f"{route.name} with ids from another workspace answered {answers}")

    # Nothing of the other workspace was changed or deleted by those requests.
    for obj in rows.values():
        assert type(obj)._default_manager.filter(pk=obj.pk).exists()
    if "token_id" in rows:
        rows["token_id"].refresh_from_db()
        assert rows["token_id"].revoked_at is None

    # The control: the same URL under the workspace the rows belong to does find them.
    owner_there = Client()
    owner_there.force_login(other_user)
    control = owner_there.get(route.url(control_values))
    assert control.status_code != 404, f"{route.name}: the factory does not build what the route looks up"


@pytest.mark.parametrize("route", workspace_routes(), ids=lambda r: r.name)
def test_workspace_you_do_not_belong_to_does_not_exist(route, owner, workspace, other_workspace):
    stranger = other_workspace.memberships.get().user
    ids = {p: obj.pk for p, obj in build_foreign_rows(
        [p for p in route.id_params if p in OBJECT_FACTORIES], other_workspace, stranger).items()}
    ids.update({p: 1 for p in route.params if p not in ids})
    client = Client()
    client.force_login(owner)
    for method in ("get", "post"):
        response = getattr(client, method)(route.url({**ids, "ws": other_workspace.slug}))
        assert response.status_code in (404, 405), f"{method.upper()} {route.name} answered {response.status_code}"


@pytest.mark.parametrize("route", workspace_routes(), ids=lambda r: r.name)
def test_anonymous_visitors_are_sent_to_log_in(route, client, workspace):
    values = {p: 1 for p in route.params} | {"ws": workspace.slug}
    url = route.url(values)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 302, f"{method.upper()} {route.name} answered {response.status_code}"
        assert response["Location"].startswith("/login/")


def test_unknown_workspace_slug_is_not_found(owner_client):
    assert owner_client.get("/w/no-such-workspace/").status_code == 404
    assert owner_client.get("/w/no-such-workspace/accounts/").status_code == 404


CREATE_PAGES = ["segment-create", "account-create", "person-create", "competitor-create", "product-create",
                "conversation-create", "conversation-log", "account-import", "person-import"]


@pytest.mark.parametrize("name", CREATE_PAGES)
def test_viewer_may_read_create_pages_but_not_post(name, viewer_client, workspace):
    route = next(r for r in walk_routes() if r.name == name)
    url = route.url({"ws": workspace.slug})
    assert viewer_client.post(url, {"name": "Sneaky", "kind": "coffee", "notes": "x"}).status_code == 403
    list_route = next((r for r in walk_routes() if r.name == name.replace("-create", "-list")), None)
    if list_route and "-create" in name:
        assert viewer_client.get(list_route.url({"ws": workspace.slug})).status_code == 200


def test_viewer_cannot_change_or_delete_existing_rows(viewer_client, owner, workspace):
    account = _account(workspace, owner)
    conversation = _conversation(workspace, owner)
    base = f"/w/{workspace.slug}"
    assert viewer_client.get(f"{base}/accounts/{account.pk}/").status_code == 200
    assert viewer_client.get(f"{base}/conversations/{conversation.pk}/").status_code == 200
    assert viewer_client.post(f"{base}/accounts/{account.pk}/edit/", {"name": "Renamed"}).status_code == 403
    assert viewer_client.post(f"{base}/accounts/{account.pk}/delete/").status_code == 403
    assert viewer_client.post(f"{base}/conversations/{conversation.pk}/delete/").status_code == 403
    account.refresh_from_db()
    assert account.name == "Their account"
    assert type(conversation).objects.filter(pk=conversation.pk).exists()


# --- API -------------------------------------------------------------------------------------------

def api_id_operations() -> list[tuple[str, str]]:
    return [(m, p) for m, p in api_operations() if API_PARAM.search(p)]


def test_every_api_route_with_an_object_id_has_a_factory():
    missing: dict[str, list[str]] = {}
    for method, path in api_id_operations():
        for match in API_PARAM.finditer(path):
            key = api_id_param_key(path, match["name"])
            if key not in OBJECT_FACTORIES:
                missing.setdefault(key, []).append(f"{method} {path}")
    _require_factories(missing)
    assert len(api_id_operations()) >= 15


@pytest.mark.parametrize(("method", "path"), api_id_operations(), ids=lambda v: v)
def test_api_object_of_another_workspace_is_not_found(method, path, owner, workspace, foreign):
    other_ws, other_user = foreign
    keys = {m["name"]: api_id_param_key(path, m["name"]) for m in API_PARAM.finditer(path)}
    if missing := sorted({k for k in keys.values() if k not in OBJECT_FACTORIES}):
        pytest.fail(f"API route {method} {path} needs isolation coverage for: {', '.join(missing)}")
    rows = {param: OBJECT_FACTORIES[key](other_ws, other_user) for param, key in keys.items()}
    url = API_PARAM.sub(lambda m: str(rows[m["name"]].pk), path)
    _, secret = workspace_services.create_api_token(workspace, owner, "Mine")
    _, their_secret = workspace_services.create_api_token(other_ws, other_user, "Theirs")
    body = api_example_body(method, path)
    client = Client()

    response = call_api(client, method, url, body, secret)
    assert response.status_code == 404, f"{method} {url} answered {response.status_code}: {response.content!r}"
    assert response.json() == {"detail": "Not found."}
    for obj in rows.values():
        assert type(obj)._default_manager.filter(pk=obj.pk).exists()

    if method == "GET":  # the control: the owning workspace's token does find the rows
        assert call_api(client, method, url, None, their_secret).status_code == 200


@pytest.mark.parametrize(("method", "path"), api_operations(), ids=lambda v: v)
def test_api_without_a_token_is_unauthorised(method, path, client, workspace):
    url = API_PARAM.sub("1", path)
    response = call_api(client, method, url, api_example_body(method, path), None)
    assert response.status_code == 401
    response = call_api(client, method, url, api_example_body(method, path), "oi_not-a-real-token")
    assert response.status_code == 401


def test_api_viewer_reads_but_cannot_write(viewer, workspace, owner):
    account = _account(workspace, owner)
    _, secret = workspace_services.create_api_token(workspace, viewer, "Viewer's script")
    client = Client()
    for method, path in api_operations():
        url = API_PARAM.sub(str(account.pk), path)
        if method == "GET":
            if "{" in path:
                continue  # reads of single rows are covered by the API tests
            assert call_api(client, method, url, None, secret).status_code == 200, path
        elif path.rstrip("/") in READ_ONLY_POSTS:
            # Computes an answer and stores nothing, so viewers may use it.
            response = call_api(client, method, url, api_example_body(method, path), secret)
            assert response.status_code != 403, f"{method} {path} answered {response.status_code}"
        else:
            response = call_api(client, method, url, api_example_body(method, path), secret)
            assert response.status_code == 403, f"{method} {path} answered {response.status_code}"
    assert call_api(client, "GET", f"/api/accounts/{account.pk}", None, secret).status_code == 200
    account.refresh_from_db()
    assert Account.objects.filter(pk=account.pk).exists()
