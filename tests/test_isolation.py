"""Isolation matrix, generated from the route table: for every /api route that takes an id,
another person's id is a 404 and the object is left exactly as it was.

A new route with an id and no case here fails `test_every_id_route_has_a_case`.
"""

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from .conftest import Api
from .push_service import Browser

# route rule -> how to make Alice's object (returns its id) and read it back (to compare).
Maker = Callable[[Api], str]
Reader = Callable[[Api, str], Any]


def make_passkey(alice: Api) -> str:
    return alice.get("/api/passkeys").get_json()["passkeys"][0]["id"]


def read_passkeys(alice: Api, _: str) -> Any:
    return alice.get("/api/passkeys").get_json()


def make_session(alice: Api) -> str:
    return alice.get("/api/sessions").get_json()["sessions"][0]["id"]


def read_sessions(alice: Api, _: str) -> Any:
    return [s["id"] for s in alice.get("/api/sessions").get_json()["sessions"]]


def make_subscription(alice: Api) -> str:
    body = {"endpoint": f"https://push.example/{uuid.uuid4()}", "keys": Browser().keys()}
    return alice.post("/api/push/subscriptions", body).get_json()["id"]


def read_subscriptions(alice: Api, _: str) -> Any:
    return alice.get("/api/push/subscriptions").get_json()


def make_record(kind: str) -> Maker:
    def make(alice: Api) -> str:
        record_id = str(uuid.uuid4())
        alice.post(
            "/api/sync/push",
            {
                "client_id": str(uuid.uuid4()),
                "mutations": [
                    {
                        "id": 1,
                        "name": f"{kind}.put",
                        "args": {"id": record_id, "fields": {"name": f"Alice's {kind}"}},
                    },
                ],
            },
        )
        return record_id

    return make


def read_record(kind: str) -> Reader:
    return lambda alice, record_id: alice.get(f"/api/{kind}s/{record_id}").get_json()


CASES: dict[str, tuple[Maker, Reader]] = {
    "/api/passkeys/<passkey_id>": (make_passkey, read_passkeys),
    "/api/sessions/<session_id>": (make_session, read_sessions),
    "/api/push/subscriptions/<subscription_id>": (make_subscription, read_subscriptions),
    "/api/contacts/<contact_id>": (make_record("contact"), read_record("contact")),
    "/api/events/<event_id>": (make_record("event"), read_record("event")),
}
BODIES = {"PATCH": {"name": "Mallory's now"}, "PUT": {}, "POST": {}, "DELETE": None, "GET": None}


def id_routes(app: Flask) -> list[tuple[str, str]]:
    return sorted(
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and "<" in rule.rule
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    )


def test_every_id_route_has_a_case(app: Flask) -> None:
    missing = {rule for rule, _ in id_routes(app)} - set(CASES)
    assert not missing, f"add an isolation case for: {sorted(missing)}"


def test_another_persons_id_is_404_and_changes_nothing(app: Flask) -> None:
    alice = Api(app.test_client())
    alice.sign_up("Alice")
    mallory = Api(app.test_client())
    mallory.sign_up("Mallory")
    checked = 0
    for rule, method in id_routes(app):
        make, read = CASES[rule]
        object_id = make(alice)
        before = json.dumps(read(alice, object_id), sort_keys=True)
        path = rule.split("<", 1)[0] + object_id
        response = mallory.client.open(
            path,
            method=method,
            json=BODIES[method] if BODIES[method] is not None else {},
            headers={"Origin": "http://localhost:5000"},
        )
        assert response.status_code == 404, f"{method} {rule}: {response.status_code}"
        assert response.get_json()["code"] == 404
        assert json.dumps(read(alice, object_id), sort_keys=True) == before, f"{method} {rule} changed it"
        checked += 1
    assert checked == len(id_routes(app)) >= 6


@pytest.mark.parametrize("path", ["/api/contacts/not-a-uuid", "/api/events/../../etc/passwd"])
def test_malformed_ids_are_404(api: Api, path: str) -> None:
    api.sign_up()
    assert api.get(path).status_code == 404
