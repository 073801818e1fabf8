"""The JSON backup: everything a person has, in a form that imports back without loss."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..models import User
from ..nudges.runner import settings_for
from ..sync.engine import card_id_for
from ..sync.models import SyncRecord

FORMAT = "cultivate-backup"
REFERENCES = {"contact": ("event_id",), "interaction": ("contact_id",)}


def build_backup(db_session: Any, user: User, now: datetime) -> dict[str, Any]:
    """Every live record of the person, with their settings."""
    records = db_session.scalars(
        select(SyncRecord)
        .where(SyncRecord.user_id == user.id, SyncRecord.deleted.is_(False))
        .order_by(SyncRecord.kind, SyncRecord.created_at, SyncRecord.id)
    )
    settings = settings_for(user.id)
    return {
        "format": FORMAT,
        "version": 1,
        "exported_at": now.isoformat(),
        "account": {"name": user.name},
        "settings": {
            "follow_up_hours": settings.follow_up_hours,
            "quiet_start": settings.quiet_start,
            "quiet_end": settings.quiet_end,
            "timezone": settings.timezone,
            "thank_you_template": settings.thank_you_template,
        },
        "records": [{"id": r.id, "kind": r.kind, "data": r.data} for r in records],
    }


def plan_restore(records: list[dict[str, Any]], owned: set[str], user_id: str) -> list[tuple[str, str, dict]]:
    """(kind, id, data) to write: ids kept when this person owns them, else new ids, references
    rewritten to match, and the card moved to this person's card id."""
    mapping: dict[str, str] = {}
    for record in records:
        rid = record["id"]
        if record["kind"] == "card":
            mapping[rid] = card_id_for(user_id)
        elif rid not in owned:
            mapping[rid] = str(uuid.uuid4())
    planned = []
    for record in records:
        data = dict(record["data"])
        for ref in REFERENCES.get(record["kind"], ()):
            if isinstance(data.get(ref), str):
                data[ref] = mapping.get(data[ref], data[ref])
        planned.append((record["kind"], mapping.get(record["id"], record["id"]), data))
    # Events first, then contacts, then what points at contacts.
    order = {"event": 0, "card": 0, "contact": 1, "interaction": 2}
    return sorted(planned, key=lambda item: order.get(item[0], 3))
