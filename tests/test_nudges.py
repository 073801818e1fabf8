"""The nudge job end to end: claims, batching, quiet hours, idempotency, real Web Push."""

import base64
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.hashes import SHA256
from flask import Flask
from sqlalchemy import select

from server.db import db
from server.nudges.models import Nudge, NudgeClaim, PushSubscription
from server.nudges.runner import run_nudges

from .conftest import Api, count_rows
from .push_service import Browser, PushService

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # 13:00 in Paris


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class Person:
    """A signed-in person who syncs contacts and subscribes a browser to push."""

    def __init__(self, api: Api, name: str = "Ada") -> None:
        self.api = api
        api.sign_up(name)
        self.client_id = str(uuid.uuid4())
        self.next_id = 1

    def push(self, *mutations: tuple[str, dict[str, Any]]) -> None:
        batch = []
        for name, args in mutations:
            batch.append({"id": self.next_id, "name": name, "args": args})
            self.next_id += 1
        response = self.api.post("/api/sync/push", {"client_id": self.client_id, "mutations": batch})
        assert response.status_code == 200, response.get_json()

    def event(self, name: str) -> str:
        event_id = str(uuid.uuid4())
        self.push(("event.put", {"id": event_id, "fields": {"name": name}}))
        return event_id

    def met(self, name: str, due: datetime, event_id: str | None = None, **extra: Any) -> str:
        contact_id = str(uuid.uuid4())
        fields = {"name": name, "met_at": iso(due - timedelta(hours=24)), "follow_up_due": iso(due), **extra}
        if event_id:
            fields["event_id"] = event_id
        self.push(("contact.put", {"id": contact_id, "fields": fields}))
        return contact_id

    def subscribe(self, service: PushService, browser: Browser | None = None) -> Browser:
        browser = browser or Browser()
        endpoint = f"{service.url}/push/{uuid.uuid4().hex}"
        response = self.api.post("/api/push/subscriptions", {"endpoint": endpoint, "keys": browser.keys()})
        assert response.status_code == 201, response.get_json()
        return browser


def run(app: Flask, now: datetime) -> list[Any]:
    with app.app_context():
        return run_nudges(app.extensions["cultivate_push_sender"], now)


@pytest.fixture
def person(api: Api) -> Person:
    me = Person(api)
    assert api.patch("/api/settings", {"timezone": "Europe/Paris"}).status_code == 200
    return me


@pytest.fixture
def service() -> Any:
    with PushService() as running:
        yield running


def test_three_people_from_one_event_get_one_summary(
    app: Flask, person: Person, service: PushService
) -> None:
    browser = person.subscribe(service)
    pycon = person.event("PyCon")
    for name in ("Grace", "Alan", "Katherine"):
        person.met(name, NOW + timedelta(hours=3), pycon)
    person.met("Not yet", NOW + timedelta(hours=20), pycon)

    [report] = run(app, NOW)
    assert report.delivered == 1
    assert len(service.received) == 1
    payload = json.loads(browser.decrypt(service.received[0].body))
    assert payload["body"].startswith("3 people from PyCon are waiting for your thank-you.")
    assert payload["url"] == "/follow-up"
    assert payload["badge"] == 4
    # The same run again sends nothing: every follow-up was claimed with its nudge.
    assert run(app, NOW + timedelta(minutes=5)) == []
    assert len(service.received) == 1
    assert count_rows(NudgeClaim, app) == 3


def test_the_push_is_encrypted_and_vapid_signed(app: Flask, person: Person, service: PushService) -> None:
    browser = person.subscribe(service)
    person.met("Grace", NOW + timedelta(hours=2))
    run(app, NOW)
    [received] = service.received
    assert received.headers["content-encoding"] == "aes128gcm"
    assert int(received.headers["ttl"]) > 0
    payload = json.loads(browser.decrypt(received.body))
    assert payload["title"] == "Follow up with Grace"
    assert payload["body"] == "Send Grace a thank-you: 2 h left."

    scheme, _, params = received.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.split("=", 1) for part in params.split(","))
    token, key = fields["t"], fields["k"]
    assert key == person.api.get("/api/push/key").get_json()["public_key"]
    header, claims, signature = token.split(".")
    claims_json = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    assert claims_json["aud"] == service.url
    assert claims_json["sub"].startswith("mailto:")
    public = ec.EllipticCurvePublicKey.from_encoded_point(
        ec.SECP256R1(), base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    )
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(SHA256()))  # raises if forged


def test_nothing_in_quiet_hours_then_the_late_nudge_next_morning(
    app: Flask, person: Person, service: PushService
) -> None:
    browser = person.subscribe(service)
    due = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)  # midnight in Paris: closing window 20:00-24:00 local
    person.met("Night Owl", due)
    assert run(app, datetime(2026, 11, 28, 21, 30, tzinfo=UTC)) == []  # 22:30 Paris: quiet
    assert run(app, datetime(2026, 11, 29, 6, 30, tzinfo=UTC)) == []  # 07:30 Paris: still quiet
    [report] = run(app, datetime(2026, 11, 29, 7, 0, tzinfo=UTC))  # 08:00 Paris
    assert report.title == "Follow up with Night Owl"
    assert "late thank-you still counts" in json.loads(browser.decrypt(service.received[0].body))["body"]
    assert run(app, datetime(2026, 11, 29, 9, 0, tzinfo=UTC)) == []


def test_closing_then_late_are_two_nudges_at_most(app: Flask, person: Person, service: PushService) -> None:
    person.subscribe(service)
    due = NOW + timedelta(hours=2)
    person.met("Grace", due)
    assert len(run(app, NOW)) == 1
    assert run(app, NOW + timedelta(hours=3)) == []  # late, but the morning has not come
    assert len(run(app, datetime(2026, 11, 29, 7, 30, tzinfo=UTC))) == 1
    assert run(app, datetime(2026, 11, 29, 10, 0, tzinfo=UTC)) == []
    assert len(service.received) == 2


def test_done_and_deleted_follow_ups_are_not_nudged(app: Flask, person: Person, service: PushService) -> None:
    person.subscribe(service)
    done = person.met("Done", NOW + timedelta(hours=2))
    gone = person.met("Gone", NOW + timedelta(hours=2))
    person.push(
        ("contact.put", {"id": done, "fields": {"followed_up_at": iso(NOW)}}),
        ("contact.delete", {"id": gone}),
    )
    assert run(app, NOW) == []


def test_snoozed_follow_up_is_nudged_again_for_its_new_time(
    app: Flask, person: Person, service: PushService
) -> None:
    person.subscribe(service)
    contact = person.met("Grace", NOW + timedelta(hours=2))
    assert len(run(app, NOW)) == 1
    person.push(("contact.put", {"id": contact, "fields": {"follow_up_due": iso(NOW + timedelta(hours=8))}}))
    assert run(app, NOW + timedelta(hours=3)) == []
    assert len(run(app, NOW + timedelta(hours=5))) == 1


def test_one_nudge_per_person_and_people_are_separate(
    app: Flask, person: Person, service: PushService
) -> None:
    ada_browser = person.subscribe(service)
    person.met("Grace", NOW + timedelta(hours=2))
    bob = Person(Api(app.test_client()), "Bob")
    bob_browser = bob.subscribe(service)
    bob.met("Linus", NOW + timedelta(hours=1))
    reports = run(app, NOW)
    assert sorted(r.user for r in reports) == ["Ada", "Bob"]
    bodies = set()
    for received in service.received:
        for browser in (ada_browser, bob_browser):
            try:
                bodies.add(json.loads(browser.decrypt(received.body))["title"])
            except Exception:  # not this browser's message
                continue
    assert bodies == {"Follow up with Grace", "Follow up with Linus"}


def test_gone_subscription_is_removed(app: Flask, person: Person, service: PushService) -> None:
    person.subscribe(service)
    person.met("Grace", NOW + timedelta(hours=2))
    service.status = 410
    [report] = run(app, NOW)
    assert report.delivered == 0
    assert count_rows(PushSubscription, app) == 0


def test_unreachable_push_service_is_retried_on_the_next_run(
    app: Flask, person: Person, service: PushService
) -> None:
    person.subscribe(service)
    bob = Person(Api(app.test_client()), "Bob")
    with PushService() as doomed:
        bob.subscribe(doomed)
    # Bob's push service is now down; Ada's is up: Bob's failure must not block Ada.
    person.met("Grace", NOW + timedelta(hours=2))
    bob.met("Linus", NOW + timedelta(hours=2))
    reports = {r.user: r for r in run(app, NOW)}
    assert reports["Ada"].delivered == 1
    assert reports["Bob"].outcome.startswith("will retry")
    with app.app_context():
        assert db.session.scalar(select(Nudge.sent_at).where(Nudge.title == "Follow up with Linus")) is None
    retried = run(app, NOW + timedelta(minutes=5))
    assert [r.user for r in retried] == ["Bob"]
    assert retried[0].outcome.startswith("will retry")


def test_person_without_notifications_still_has_due_follow_ups(app: Flask, person: Person) -> None:
    person.met("Grace", NOW + timedelta(hours=2))
    [report] = run(app, NOW)
    assert report.outcome == "no device to notify (in-app only)"
    assert run(app, NOW + timedelta(minutes=5)) == []


def test_two_concurrent_runs_send_once(app: Flask, person: Person, service: PushService) -> None:
    person.subscribe(service)
    for name in ("Grace", "Alan", "Katherine"):
        person.met(name, NOW + timedelta(hours=3))
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def worker() -> None:
        with app.app_context():
            barrier.wait()
            results.append(run_nudges(app.extensions["cultivate_push_sender"], NOW))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(len(r) for r in results) == 1
    assert len(service.received) == 1
    assert count_rows(Nudge, app) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"follow_up_hours": 0}, "greater than or equal to 1"),
        ({"follow_up_hours": 500}, "less than or equal to 168"),
        ({"quiet_start": "25:00"}, "quiet_start"),
        ({"quiet_start": "08:00"}, "different times"),
        ({"timezone": "Mars/Olympus"}, "not a time zone"),
        ({"follow_up_hours": None}, "cannot be empty"),
        ({"colour": "red"}, "not a field"),
    ],
)
def test_invalid_settings_are_refused(person: Person, body: dict, message: str) -> None:
    before = person.api.get("/api/settings").get_json()
    response = person.api.patch("/api/settings", body)
    assert response.status_code == 400
    assert message in response.get_json()["description"]
    assert person.api.get("/api/settings").get_json() == before


def test_settings_round_trip(person: Person) -> None:
    changed = person.api.patch(
        "/api/settings",
        {
            "follow_up_hours": 48,
            "quiet_start": "23:30",
            "quiet_end": "07:00",
            "thank_you_template": "Hi {first_name}",
        },
    ).get_json()
    assert changed == {
        "follow_up_hours": 48,
        "quiet_start": "23:30",
        "quiet_end": "07:00",
        "timezone": "Europe/Paris",
        "thank_you_template": "Hi {first_name}",
    }


@pytest.mark.parametrize("cadence", [0, 3, 1000, "often"])
def test_invalid_cadence_is_refused(person: Person, cadence: Any) -> None:
    contact = person.met("Grace", NOW)
    person.push(("contact.put", {"id": contact, "fields": {"cadence_days": cadence}}))
    pulled = person.api.post("/api/sync/pull", {"client_id": person.client_id}).get_json()
    assert "cadence_days" in pulled["rejections"][0]["description"]


@pytest.mark.parametrize(
    "body",
    [
        {"endpoint": "ftp://push.example/x", "keys": {"p256dh": "AAAA", "auth": "BBBB"}},
        {"endpoint": "http://push.example/x", "keys": {"p256dh": "AAAA", "auth": "BBBB"}},
        {"endpoint": "https://push.example/x", "keys": {"p256dh": "not base64!", "auth": "BBBB"}},
        {"endpoint": "https://push.example/x", "keys": {"p256dh": "AAAA"}},
        {"endpoint": "https://push.example/x"},
    ],
)
def test_bad_subscriptions_are_refused(person: Person, app: Flask, body: dict) -> None:
    assert person.api.post("/api/push/subscriptions", body).status_code == 400
    assert count_rows(PushSubscription, app) == 0


def test_subscriptions_are_per_person(person: Person, app: Flask, service: PushService) -> None:
    person.subscribe(service)
    [mine] = person.api.get("/api/push/subscriptions").get_json()["subscriptions"]
    bob = Person(Api(app.test_client()), "Bob")
    assert bob.api.get("/api/push/subscriptions").get_json() == {"subscriptions": []}
    assert bob.api.delete(f"/api/push/subscriptions/{mine['id']}").status_code == 404
    assert person.api.delete(f"/api/push/subscriptions/{mine['id']}").status_code == 204
    assert count_rows(PushSubscription, app) == 0


def test_test_notification_reaches_each_browser(person: Person, service: PushService) -> None:
    browser = person.subscribe(service)
    result = person.api.post("/api/push/test").get_json()
    assert result == {"delivered": 1, "removed": 0, "failed": 0}
    assert json.loads(browser.decrypt(service.received[0].body))["title"] == "Nudges are on"
