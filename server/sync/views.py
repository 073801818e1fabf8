"""Sync routes: push a batch of mutations, pull changes past a cursor, read one record."""

from flask import Blueprint, g
from sqlalchemy import select

from ..api import api
from ..db import db, utcnow
from ..errors import ApiError
from ..limits import configured, limiter
from . import engine
from .models import SyncRecord
from .schemas import PullBody, PullOut, PushBody, PushOut, RecordOut

bp = Blueprint("sync", __name__, url_prefix="/api")
sync_limit = limiter.limit(configured("RATELIMIT_SYNC"))


@bp.post("/sync/push")
@sync_limit
@api(body=PushBody, response=PushOut)
def push(body: PushBody) -> PushOut:
    """Apply this device's mutations in order, in one transaction; retries apply nothing twice."""
    last = engine.push(g.user.id, body.client_id, body.mutations, utcnow())
    return PushOut(last_mutation_id=last)


@bp.post("/sync/pull")
@sync_limit
@api(body=PullBody, response=PullOut)
def pull(body: PullBody) -> PullOut:
    """Return changes past the cursor (tombstones for deletions) and this device's progress."""
    return engine.pull(g.user.id, body.client_id, body.cursor, body.acked_mutation_id, body.limit)


def _owned_record(kind: str, record_id: str) -> RecordOut:
    record = db.session.scalar(
        select(SyncRecord).where(
            SyncRecord.id == record_id,
            SyncRecord.user_id == g.user.id,
            SyncRecord.kind == kind,
            SyncRecord.deleted.is_(False),
        )
    )
    if record is None:
        raise ApiError(404, f"No such {kind}.")
    return RecordOut(id=record.id, kind=record.kind, version=record.version, data=record.data)


@bp.get("/contacts/<contact_id>")
@api(response=RecordOut)
def get_contact(contact_id: str) -> RecordOut:
    """Read one of my contacts as the server has it."""
    return _owned_record("contact", contact_id)


@bp.get("/events/<event_id>")
@api(response=RecordOut)
def get_event(event_id: str) -> RecordOut:
    """Read one of my events as the server has it."""
    return _owned_record("event", event_id)
