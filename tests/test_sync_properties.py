"""Hypothesis stateful test: devices edit, delete, go offline, lose answers, retry and restart.

Invariants: the server always equals a reference that applies each mutation exactly once in
server order (so no acknowledged edit is lost and none is applied twice), and once everyone
has synced every device equals the server.
"""

import copy
import uuid
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

from server.db import db
from server.models import User

from .conftest import Api

LIMITS = {"name": 200, "company": 200, "title": 200, "notes": 10_000}
RECORD_IDS = [str(uuid.UUID(int=n)) for n in range(1, 5)]
FIELD_VALUES = st.dictionaries(
    st.sampled_from(["name", "notes", "company", "title"]),
    st.sampled_from(["Ada", "Grace", "PyCon", "", "x" * 201]),
    min_size=1,
    max_size=3,
)


def reference_apply(state: dict[str, dict[str, Any] | None], mutation: dict[str, Any]) -> bool:
    """The sync rules, written independently of the server: return True if applied."""
    args = mutation["args"]
    record_id = args["id"]
    if mutation["name"] == "contact.delete":
        if state.get(record_id) is None:
            return False
        state[record_id] = None
        return True
    fields = args["fields"]
    if any(len(v) > LIMITS[k] for k, v in fields.items()) or fields.get("name") == "":
        return False  # refused: invalid
    current = state.get(record_id)
    if current is None:
        if not fields.get("name"):
            return False  # refused (new) or lost to an earlier delete
        current = {}
    state[record_id] = {**current, **fields}
    return True


class Device:
    """A phone: persistent outbox, base copy of the server, cursor; may be offline."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.client_id = str(uuid.uuid4())
        self.next_id = 1
        self.outbox: list[dict[str, Any]] = []
        self.base: dict[str, dict[str, Any] | None] = {}
        self.cursor = 0
        self.acked = 0
        self.offline = False

    def view(self) -> dict[str, dict[str, Any]]:
        """What the screens show: the server's copy with pending changes on top."""
        state = copy.deepcopy(self.base)
        for mutation in self.outbox:
            reference_apply(state, mutation)
        return {k: v for k, v in state.items() if v is not None}

    def enqueue(self, name: str, args: dict[str, Any]) -> None:
        self.outbox.append({"id": self.next_id, "name": name, "args": args})
        self.next_id += 1

    def push(self) -> list[dict[str, Any]]:
        """Send the outbox; return what it sent (the answer may be lost by the caller)."""
        sent = list(self.outbox)
        response = self.api.post("/api/sync/push", {"client_id": self.client_id, "mutations": sent})
        assert response.status_code == 200, response.get_json()
        return sent

    def confirm(self, last_mutation_id: int) -> None:
        self.outbox = [m for m in self.outbox if m["id"] > last_mutation_id]

    def pull(self) -> None:
        while True:
            response = self.api.post(
                "/api/sync/pull",
                {
                    "client_id": self.client_id,
                    "cursor": self.cursor,
                    "acked_mutation_id": self.acked,
                    "limit": 2,
                },
            )
            assert response.status_code == 200
            page = response.get_json()
            for change in page["changes"]:
                self.base[change["id"]] = None if change["deleted"] else change["data"]
            self.cursor = page["cursor"]
            if not page["has_more"]:
                break
        self.confirm(page["last_mutation_id"])
        self.acked = page["last_mutation_id"]


class SyncMachine(RuleBasedStateMachine):
    devices = Bundle("devices")

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app
        owner = Api(app.test_client())
        owner.sign_up("Owner")
        self.owner = owner
        self.reference: dict[str, dict[str, Any] | None] = {}
        self.applied = 0
        self.server_seen: dict[str, int] = {}  # client id -> last mutation id the server applied
        self.all_devices: list[Device] = []

    def _new_device(self) -> Device:
        client = self.app.test_client()
        client.set_cookie("cultivate_session", self.owner.client.get_cookie("cultivate_session").value)
        device = Device(Api(client))
        self.all_devices.append(device)
        return device

    @initialize(target=devices)
    def first_device(self) -> Device:
        return self._new_device()

    @rule(target=devices)
    def another_device(self) -> Device:
        return self._new_device()

    @rule(device=devices, record=st.sampled_from(RECORD_IDS), fields=FIELD_VALUES)
    def edit(self, device: Device, record: str, fields: dict[str, str]) -> None:
        device.enqueue("contact.put", {"id": record, "fields": fields})

    @rule(device=devices, record=st.sampled_from(RECORD_IDS))
    def delete(self, device: Device, record: str) -> None:
        device.enqueue("contact.delete", {"id": record})

    @rule(device=devices)
    def toggle_network(self, device: Device) -> None:
        device.offline = not device.offline

    @rule(device=devices, answer_lost=st.booleans())
    def push(self, device: Device, answer_lost: bool) -> None:
        if device.offline or not device.outbox:
            return
        sent = device.push()
        seen = self.server_seen.get(device.client_id, 0)
        for mutation in sent:
            if mutation["id"] > seen:
                self.applied += reference_apply(self.reference, mutation)
                seen = mutation["id"]
        self.server_seen[device.client_id] = seen
        if not answer_lost:
            device.confirm(seen)

    @rule(device=devices)
    def pull(self, device: Device) -> None:
        if not device.offline:
            device.pull()

    @rule(device=devices)
    def restart(self, device: Device) -> None:
        # Only what IndexedDB keeps survives: the same fields, reloaded.
        reloaded = copy.deepcopy({k: v for k, v in vars(device).items() if k != "api"})
        vars(device).update(reloaded)

    def server_state(self) -> dict[str, dict[str, Any]]:
        probe = Device(self.owner)
        probe.pull()
        return probe.view()

    @invariant()
    def server_matches_reference(self) -> None:
        expected = {k: v for k, v in self.reference.items() if v is not None}
        assert self.server_state() == expected
        with self.app.app_context():
            version = db.session.scalar(select(User.sync_version).where(User.name == "Owner"))
        assert version == self.applied, "a mutation was applied twice or not at all"

    def teardown(self) -> None:
        devices = self.all_devices
        for device in devices:
            device.offline = False
        for device in devices:
            self.push(device, answer_lost=False)
        for device in devices:
            device.pull()
        server = self.server_state()
        for device in devices:
            assert device.outbox == []
            assert device.view() == server


def test_devices_converge_on_the_server(app: Flask) -> None:
    from hypothesis.stateful import run_state_machine_as_test

    def fresh() -> SyncMachine:
        with app.app_context():
            from .conftest import empty_tables

            empty_tables()
        return SyncMachine(app)

    run_state_machine_as_test(
        fresh,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
