"""Synced records (contacts, events), each device's mutation counter, and refused mutations."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime, db, utcnow


class SyncRecord(db.Model):
    """One synced object. `data` holds its validated fields; a tombstone has deleted=True."""

    __tablename__ = "sync_record"
    __table_args__ = (
        Index("ix_sync_record_user_version", "user_id", "version"),
        Index("ix_sync_record_due_at", "due_at"),
    )

    # Made on the phone, so a capture needs no server; unique across everyone.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    # The user's version counter when this row last changed: what pull's cursor compares.
    version: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # A pending follow-up's due time, copied out of `data` so the nudge job can query it.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncClient(db.Model):
    """A device's sync identity: it belongs to one person and numbers its mutations 1, 2, 3…"""

    __tablename__ = "sync_client"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    last_mutation_id: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncRejection(db.Model):
    """A mutation the server refused: kept so the device hears about it even after a retry."""

    __tablename__ = "sync_rejection"
    __table_args__ = (Index("ix_sync_rejection_client_mutation", "client_id", "mutation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("sync_client.id", ondelete="CASCADE"))
    mutation_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
