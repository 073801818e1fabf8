"""Push and pull, in server order. Plain functions: the caller passes the person and the clock.

Push applies a batch in one transaction and in order; a mutation id already applied is skipped,
so a retried push never applies twice. Each applied change takes the next number of the person's
version counter. Pull returns rows past a cursor, deletions as tombstones.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from ..db import db
from ..errors import ApiError
from ..models import User
from .models import SyncClient, SyncRecord, SyncRejection
from .records import REQUIRED, InvalidFields, RecordId, follow_up_due_at, validate_fields
from .schemas import Change, Mutation, PullOut, Rejection

CARD_NAMESPACE = uuid.UUID("6f1c9a52-3f0e-4a51-9b7e-6c0b5f0e2a11")


def card_id_for(user_id: str) -> str:
    """The id of a person's one card: the same on every device, with no round trip to make it."""
    return str(uuid.uuid5(CARD_NAMESPACE, user_id))


class Refused(ValueError):
    """This mutation cannot be applied; recorded and reported, the rest of the push goes on."""


def _lock_user_version(user_id: str) -> int:
    """Take the person's write lock and return their version counter.

    An UPDATE first: on PostgreSQL it locks the row, on SQLite it takes the write lock before
    any read, so concurrent pushes for one person queue here instead of failing later.
    """
    return int(
        db.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(sync_version=User.sync_version)
            .returning(User.sync_version)
        ).scalar_one()
    )


def _client_for(user_id: str, client_id: str, now: datetime) -> SyncClient:
    """Return this person's sync client, registering it on first use; others' are a 404."""
    client = db.session.get(SyncClient, client_id)
    if client is None:
        client = SyncClient(id=client_id, user_id=user_id, last_mutation_id=0, created_at=now)
        db.session.add(client)
    elif client.user_id != user_id:
        raise ApiError(404, "Unknown sync client.")
    client.last_seen_at = now
    return client


def _record_id(args: dict[str, Any]) -> str:
    from pydantic import TypeAdapter, ValidationError

    try:
        return TypeAdapter(RecordId).validate_python(args.get("id"))
    except ValidationError:
        raise Refused("The record id is missing or is not a UUID.") from None


def apply_mutation(user_id: str, mutation: Mutation, version: int, now: datetime) -> bool:
    """Apply one mutation at `version`; False if it changed nothing. Refused if invalid."""
    kind, action = mutation.name.split(".")
    args = dict(mutation.args)
    record_id = _record_id(args)
    if kind == "card" and record_id != card_id_for(user_id):
        raise Refused("A person has one card; use the id the server gives.")
    record = db.session.get(SyncRecord, record_id)
    if record is not None and (record.user_id != user_id or record.kind != kind):
        # Someone else's id (or another kind's): refuse without saying whose.
        raise Refused(f"No such {kind}.")

    if action == "delete":
        if set(args) != {"id"}:
            raise Refused("A delete carries only the id.")
        if record is None or record.deleted:
            return False  # already gone: deleting twice is the same as once
        record.deleted, record.data, record.version, record.updated_at = True, {}, version, now
        record.due_at = None
        return True

    if set(args) - {"id", "fields"} or not isinstance(args.get("fields"), dict):
        raise Refused("A put carries the id and the changed fields.")
    try:
        fields = validate_fields(kind, args["fields"])
    except InvalidFields as error:
        raise Refused(str(error)) from None

    if record is None or record.deleted:
        # A new record, or one brought back (undo): it must be whole. A partial edit to a
        # record deleted meanwhile loses to the delete, which came first in server order.
        if any(not fields.get(name) for name in REQUIRED[kind]):
            if record is not None:
                return False
            raise Refused(f"A new {kind} needs a {' and '.join(REQUIRED[kind])}.")
        data: dict[str, Any] = {}
    else:
        data = dict(record.data)
    data.update(fields)
    for name in REQUIRED[kind]:
        if not data.get(name):
            raise Refused(f"A {kind} needs a {name}.")
    if record is None:
        record = SyncRecord(id=record_id, user_id=user_id, kind=kind, created_at=now)
        db.session.add(record)
    record.data, record.deleted, record.version, record.updated_at = data, False, version, now
    record.due_at = follow_up_due_at(kind, data)
    return True


def push(user_id: str, client_id: str, mutations: list[Mutation], now: datetime) -> int:
    """Apply a batch in one transaction; return the client's last applied mutation id."""
    db.session.commit()  # end any read transaction, so the lock below is the first statement
    try:
        version = _lock_user_version(user_id)
        client = _client_for(user_id, client_id, now)
        for mutation in mutations:
            if mutation.id <= client.last_mutation_id:
                continue  # applied by an earlier push whose answer was lost
            if mutation.id != client.last_mutation_id + 1:
                raise ApiError(
                    409,
                    f"Mutation {mutation.id} arrived before {client.last_mutation_id + 1}; "
                    "nothing was applied.",
                )
            try:
                with db.session.begin_nested():
                    if apply_mutation(user_id, mutation, version + 1, now):
                        version += 1
            except Refused as refusal:
                db.session.add(
                    SyncRejection(
                        client_id=client.id,
                        mutation_id=mutation.id,
                        name=mutation.name,
                        description=str(refusal),
                        created_at=now,
                    )
                )
            client.last_mutation_id = mutation.id
        db.session.execute(update(User).where(User.id == user_id).values(sync_version=version))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return client.last_mutation_id


def pull(user_id: str, client_id: str, cursor: int, acked_mutation_id: int, limit: int) -> PullOut:
    """Return up to `limit` changes past `cursor`, in version order, and the client's progress."""
    client = db.session.get(SyncClient, client_id)
    if client is not None and client.user_id != user_id:
        raise ApiError(404, "Unknown sync client.")
    # Read the mutation id before the rows: the rows may then be newer, never older, so a
    # confirmed mutation is always already visible in what this pull returns.
    last_mutation_id = client.last_mutation_id if client else 0
    # Only the columns a change carries: whole ORM objects (timestamps converted, identity map
    # filled) cost about half of a large pull's time for nothing the device sees.
    rows = list(
        db.session.execute(
            select(SyncRecord.kind, SyncRecord.id, SyncRecord.version, SyncRecord.deleted, SyncRecord.data)
            .where(SyncRecord.user_id == user_id, SyncRecord.version > cursor)
            .order_by(SyncRecord.version)
            .limit(limit + 1)
        )
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    rejections = []
    if client is not None:
        rejections = [
            Rejection(mutation_id=r.mutation_id, name=r.name, description=r.description)
            for r in db.session.scalars(
                select(SyncRejection)
                .where(
                    SyncRejection.client_id == client.id,
                    SyncRejection.mutation_id > acked_mutation_id,
                    SyncRejection.mutation_id <= last_mutation_id,
                )
                .order_by(SyncRejection.mutation_id)
            )
        ]
    return PullOut(
        cursor=rows[-1].version if rows else cursor,
        has_more=has_more,
        last_mutation_id=last_mutation_id,
        changes=[
            Change(
                kind=r.kind, id=r.id, version=r.version, deleted=r.deleted, data=None if r.deleted else r.data
            )
            for r in rows
        ],
        rejections=rejections,
    )


def apply_server_writes(user_id: str, writes: list[tuple[str, str, dict[str, Any]]], now: datetime) -> None:
    """Write records on the server's own behalf (a visitor's details, an import), in server
    order and in one transaction: all of them, or none (Refused names the first bad one)."""
    db.session.commit()
    try:
        version = _lock_user_version(user_id)
        for position, (kind, record_id, fields) in enumerate(writes, start=1):
            if not fields:
                continue
            mutation = Mutation(id=1, name=f"{kind}.put", args={"id": record_id, "fields": fields})
            try:
                if apply_mutation(user_id, mutation, version + 1, now):
                    version += 1
            except Refused as refusal:
                raise Refused(f"Entry {position}: {refusal}") from None
        db.session.execute(update(User).where(User.id == user_id).values(sync_version=version))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def server_put(user_id: str, kind: str, record_id: str, fields: dict[str, Any], now: datetime) -> None:
    """Write one record on the server's own behalf."""
    apply_server_writes(user_id, [(kind, record_id, fields)], now)
