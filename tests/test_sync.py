"""Push and pull: order, idempotency, merge, pagination, tombstones, refusals, isolation."""

import uuid
from typing import Any

import pytest
from flask import Flask

from server.sync.models import SyncRecord

from .conftest import Api, count_rows


def new_id() -> str:
    return str(uuid.uuid4())


class Device:
    """A bare sync client speaking the protocol over the API (no local model)."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.client_id = new_id()
        self.next_id = 1
        self.cursor = 0

    def mutation(self, name: str, **args: Any) -> dict[str, Any]:
        m = {"id": self.next_id, "name": name, "args": args}
        self.next_id += 1
        return m

    def push(self, *mutations: dict[str, Any]) -> Any:
        return self.api.post("/api/sync/push", {"client_id": self.client_id, "mutations": list(mutations)})

    def pull(self, **extra: Any) -> dict[str, Any]:
        body = {"client_id": self.client_id, "cursor": self.cursor, **extra}
        response = self.api.post("/api/sync/pull", body)
        assert response.status_code == 200, response.get_json()
        return response.get_json()


@pytest.fixture
def device(api: Api) -> Device:
    api.sign_up()
    return Device(api)


def put_contact(device: Device, record_id: str, **fields: Any) -> dict[str, Any]:
    return device.mutation("contact.put", id=record_id, fields=fields)


def test_push_then_pull_returns_the_contact(device: Device) -> None:
    contact = new_id()
    response = device.push(put_contact(device, contact, name="Ada", company="Engines Ltd"))
    assert response.status_code == 200
    assert response.get_json() == {"last_mutation_id": 1}
    pulled = device.pull()
    assert pulled["last_mutation_id"] == 1
    assert pulled["has_more"] is False
    [change] = pulled["changes"]
    assert change["id"] == contact
    assert change["kind"] == "contact"
    assert change["data"] == {"name": "Ada", "company": "Engines Ltd"}
    assert pulled["cursor"] == change["version"]
    assert device.api.get(f"/api/contacts/{contact}").get_json()["data"]["name"] == "Ada"


def test_replayed_push_applies_nothing_twice(device: Device, app: Flask) -> None:
    contact = new_id()
    batch = [put_contact(device, contact, name="Ada"), put_contact(device, contact, notes="met at PyCon")]
    first = device.push(*batch).get_json()
    version_after_first = device.pull()["cursor"]
    again = device.push(*batch).get_json()
    assert first == again == {"last_mutation_id": 2}
    assert device.pull()["changes"][0]["version"] == version_after_first
    assert count_rows(SyncRecord, app) == 1


def test_partly_seen_batch_applies_only_the_new_tail(device: Device) -> None:
    contact = new_id()
    one = put_contact(device, contact, name="Ada")
    two = put_contact(device, contact, title="Countess")
    device.push(one)
    # The answer to the first push was lost; the device resends 1 with 2.
    assert device.push(one, two).get_json() == {"last_mutation_id": 2}
    data = device.pull()["changes"][0]["data"]
    assert data == {"name": "Ada", "title": "Countess"}


def test_gap_in_mutation_ids_applies_nothing(device: Device, app: Flask) -> None:
    device.next_id = 2
    response = device.push(put_contact(device, new_id(), name="Ada"))
    assert response.status_code == 409
    assert "arrived before 1" in response.get_json()["description"]
    assert count_rows(SyncRecord, app) == 0
    assert device.pull()["last_mutation_id"] == 0


@pytest.mark.parametrize("ids", [[2, 1], [1, 1]])
def test_unordered_or_duplicate_ids_in_one_push_are_refused(
    device: Device, app: Flask, ids: list[int]
) -> None:
    mutations = [
        {"id": i, "name": "contact.put", "args": {"id": new_id(), "fields": {"name": "X"}}} for i in ids
    ]
    response = device.push(*mutations)
    assert response.status_code == 400
    assert "ascending" in response.get_json()["description"]
    assert count_rows(SyncRecord, app) == 0


def test_fields_merge_and_same_field_last_in_server_order_wins(device: Device, api: Api) -> None:
    contact = new_id()
    device.push(put_contact(device, contact, name="Ada"))
    phone = device
    laptop = Device(api)
    phone.push(put_contact(phone, contact, notes="from phone", title="Countess"))
    laptop.push(laptop.mutation("contact.put", id=contact, fields={"company": "Engines", "title": "Analyst"}))
    data = laptop.pull()["changes"][0]["data"]
    assert data == {"name": "Ada", "notes": "from phone", "company": "Engines", "title": "Analyst"}


def test_cleared_field_is_stored_as_null(device: Device) -> None:
    contact = new_id()
    device.push(put_contact(device, contact, name="Ada", phone="+44 20 7946 0000"))
    device.push(put_contact(device, contact, phone=None))
    assert device.pull()["changes"][0]["data"] == {"name": "Ada", "phone": None}


def test_delete_gives_a_tombstone_past_the_cursor(device: Device, api: Api) -> None:
    contact = new_id()
    device.push(put_contact(device, contact, name="Ada"))
    other = Device(api)
    other.cursor = other.pull()["cursor"]
    device.push(device.mutation("contact.delete", id=contact))
    [tombstone] = other.pull()["changes"]
    assert tombstone == {
        "kind": "contact",
        "id": contact,
        "version": tombstone["version"],
        "deleted": True,
        "data": None,
    }
    assert api.get(f"/api/contacts/{contact}").status_code == 404


def test_edit_after_delete_loses_but_undo_with_all_fields_restores(device: Device) -> None:
    contact = new_id()
    device.push(put_contact(device, contact, name="Ada", notes="n"))
    device.push(device.mutation("contact.delete", id=contact))
    device.push(put_contact(device, contact, notes="late edit"))
    assert device.pull()["changes"][0]["deleted"] is True
    device.push(put_contact(device, contact, name="Ada", notes="n"))
    change = device.pull()["changes"][0]
    assert change["deleted"] is False
    assert change["data"] == {"name": "Ada", "notes": "n"}


def test_pull_paginates_in_version_order(device: Device) -> None:
    ids = [new_id() for _ in range(7)]
    device.push(*[put_contact(device, i, name=f"P{n}") for n, i in enumerate(ids)])
    seen: list[str] = []
    pages = 0
    while True:
        page = device.pull(limit=3)
        pages += 1
        seen += [c["id"] for c in page["changes"]]
        device.cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert pages == 3
    assert seen == ids
    assert device.pull()["changes"] == []


def test_invalid_mutation_is_reported_and_the_rest_applies(device: Device, app: Flask) -> None:
    good, bad = new_id(), new_id()
    response = device.push(
        put_contact(device, bad, name="x" * 201),
        put_contact(device, good, name="Ada"),
        put_contact(device, good, shoe_size=42),
        put_contact(device, new_id(), notes="no name"),
        device.mutation("contact.put", id="not-a-uuid", fields={"name": "Bob"}),
    )
    assert response.get_json() == {"last_mutation_id": 5}
    pulled = device.pull()
    assert [c["id"] for c in pulled["changes"]] == [good]
    reasons = {r["mutation_id"]: r["description"] for r in pulled["rejections"]}
    assert "at most 200 characters" in reasons[1]
    assert "shoe_size: is not a field this request accepts" in reasons[3]
    assert "needs a name" in reasons[4]
    assert "not a UUID" in reasons[5]
    assert count_rows(SyncRecord, app) == 1
    # Acknowledged rejections are not repeated.
    assert device.pull(acked_mutation_id=5)["rejections"] == []


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "not an email"},
        {"tags": ["x" * 41]},
        {"tags": ["t"] * 31},
        {"met_at": "yesterday"},
        {"event_id": "42"},
        {"name": ""},
        {"name": None},
    ],
)
def test_bad_contact_fields_are_refused(device: Device, fields: dict[str, Any]) -> None:
    contact = new_id()
    device.push(put_contact(device, contact, name="Ada"))
    device.push(put_contact(device, contact, **fields))
    pulled = device.pull()
    assert pulled["changes"][0]["data"] == {"name": "Ada"}
    assert len(pulled["rejections"]) == 1


def test_tags_are_trimmed_and_deduplicated(device: Device) -> None:
    contact = new_id()
    device.push(put_contact(device, contact, name="Ada", tags=[" design ", "Design", "", "ml"]))
    assert device.pull()["changes"][0]["data"]["tags"] == ["design", "ml"]


def test_events_sync_like_contacts(device: Device) -> None:
    event, contact = new_id(), new_id()
    device.push(
        device.mutation(
            "event.put", id=event, fields={"name": "PyCon", "date": "2026-11-27", "place": "Lyon"}
        ),
        put_contact(device, contact, name="Ada", event_id=event, met_at="2026-11-27T10:00:00Z"),
        device.mutation("event.put", id=event, fields={"ended_at": "2026-11-27T18:00:00Z"}),
    )
    changes = {c["id"]: c for c in device.pull()["changes"]}
    assert changes[event]["data"]["ended_at"] == "2026-11-27T18:00:00Z"
    assert changes[contact]["data"]["event_id"] == event


def test_kind_cannot_be_switched_by_id(device: Device) -> None:
    record = new_id()
    device.push(put_contact(device, record, name="Ada"))
    device.push(device.mutation("event.put", id=record, fields={"name": "Trick"}))
    pulled = device.pull()
    assert pulled["changes"][0]["kind"] == "contact"
    assert "No such event" in pulled["rejections"][0]["description"]


@pytest.mark.parametrize(
    "body",
    [
        {"client_id": "nope", "mutations": []},
        {"client_id": str(uuid.uuid4()), "mutations": [{"id": 0, "name": "contact.put", "args": {}}]},
        {"client_id": str(uuid.uuid4()), "mutations": [{"id": 1, "name": "user.drop", "args": {}}]},
        {"client_id": str(uuid.uuid4()), "mutations": [], "extra": True},
        {"client_id": str(uuid.uuid4()), "mutations": "all"},
    ],
)
def test_malformed_push_is_400_and_changes_nothing(device: Device, app: Flask, body: dict) -> None:
    response = device.api.post("/api/sync/push", body)
    assert response.status_code == 400
    assert response.get_json()["description"]
    assert count_rows(SyncRecord, app) == 0


def test_push_needs_sign_in(api: Api) -> None:
    response = api.post("/api/sync/push", {"client_id": str(uuid.uuid4()), "mutations": []})
    assert response.status_code == 401


def test_failure_half_way_applies_nothing(
    device: Device, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.sync import engine

    real = engine.apply_mutation
    calls = {"n": 0}

    def flaky(*args: Any) -> bool:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return real(*args)

    monkeypatch.setattr(engine, "apply_mutation", flaky)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    batch = [put_contact(device, new_id(), name=f"P{i}") for i in range(4)]
    assert device.push(*batch).status_code == 500
    assert count_rows(SyncRecord, app) == 0
    assert device.pull()["last_mutation_id"] == 0
    monkeypatch.setattr(engine, "apply_mutation", real)
    assert device.push(*batch).get_json() == {"last_mutation_id": 4}
    assert count_rows(SyncRecord, app) == 4


def test_another_persons_records_are_invisible_and_untouchable(device: Device, app: Flask) -> None:
    contact, event = new_id(), new_id()
    device.push(
        put_contact(device, contact, name="Ada"),
        device.mutation("event.put", id=event, fields={"name": "PyCon"}),
    )
    mallory = Api(app.test_client())
    mallory.sign_up("Mallory")
    assert mallory.get(f"/api/contacts/{contact}").status_code == 404
    assert mallory.get(f"/api/events/{event}").status_code == 404
    thief = Device(mallory)
    thief.push(
        thief.mutation("contact.put", id=contact, fields={"name": "Owned"}),
        thief.mutation("contact.delete", id=contact),
        thief.mutation("event.delete", id=event),
    )
    pulled = thief.pull()
    assert pulled["changes"] == []
    assert [r["description"] for r in pulled["rejections"]] == ["No such contact."] * 2 + ["No such event."]
    mine = device.pull()["changes"]
    assert {c["id"]: c["data"]["name"] for c in mine} == {contact: "Ada", event: "PyCon"}


def test_another_persons_client_id_is_404(device: Device, app: Flask) -> None:
    device.push(put_contact(device, new_id(), name="Ada"))
    mallory = Api(app.test_client())
    mallory.sign_up("Mallory")
    stolen = Device(mallory)
    stolen.client_id = device.client_id
    assert stolen.push(stolen.mutation("contact.put", id=new_id(), fields={"name": "X"})).status_code == 404
    assert mallory.post("/api/sync/pull", {"client_id": device.client_id}).status_code == 404


@pytest.mark.parametrize("field", ["cursor", "acked_mutation_id"])
def test_numbers_beyond_what_a_phone_counts_are_refused(device: Device, field: str) -> None:
    # Found by the fuzzer: a cursor past BIGINT reached the database and failed there.
    response = device.api.post(
        "/api/sync/pull", {"client_id": device.client_id, field: 99039754088893915332608}
    )
    assert response.status_code == 400
    assert "less than or equal to 9007199254740991" in response.get_json()["description"]
