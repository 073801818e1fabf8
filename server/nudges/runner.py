"""The nudge job: claim what is due for each person, then deliver, each step idempotent.

Claiming records every follow-up a nudge covers in the same transaction that creates the
nudge (unique per contact, kind and due time), so two runs, two workers or a crash never
nudge twice. Delivery leases a nudge before sending it; a failed delivery releases the lease
and is retried by the next run.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from ..db import db
from ..models import User
from ..sync.models import SyncRecord
from .models import Nudge, NudgeClaim, PushSubscription, UserSettings
from .push import PushFailed, PushSender, SubscriptionGone
from .schedule import CLOSING_LEAD, LATE_FOR, DueFollowUp, Quiet, compose, nudge_kind

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
GIVE_UP_AFTER = timedelta(hours=20)


@dataclass(frozen=True)
class Report:
    """One nudge's outcome, as `cultivate nudge` prints it."""

    user: str
    title: str
    body: str
    delivered: int
    outcome: str


def settings_for(user_id: str) -> UserSettings:
    """The person's settings, or the defaults."""
    found = db.session.get(UserSettings, user_id)
    return found or UserSettings(
        user_id=user_id, follow_up_hours=24, quiet_start="22:00", quiet_end="08:00", timezone="UTC"
    )


def _candidate_users(now: datetime) -> list[str]:
    rows = db.session.scalars(
        select(SyncRecord.user_id)
        .where(
            SyncRecord.kind == "contact",
            SyncRecord.deleted.is_(False),
            SyncRecord.due_at.is_not(None),
            SyncRecord.due_at <= now + CLOSING_LEAD,
            SyncRecord.due_at > now - LATE_FOR,
        )
        .distinct()
    )
    return sorted(set(rows))


def _due_count(user_id: str) -> int:
    """How many follow-ups are due for the badge: every pending one whose clock is running."""
    return len(
        db.session.scalars(
            select(SyncRecord.id).where(
                SyncRecord.user_id == user_id,
                SyncRecord.kind == "contact",
                SyncRecord.deleted.is_(False),
                SyncRecord.due_at.is_not(None),
            )
        ).all()
    )


def claim_for_user(user_id: str, now: datetime) -> Nudge | None:
    """Create this person's nudge for what is due now, claiming each follow-up it covers."""
    settings = settings_for(user_id)
    quiet = Quiet.parse(settings.quiet_start, settings.quiet_end, settings.timezone)
    try:
        # Rows another run holds are skipped (PostgreSQL); the unique claim catches the rest.
        records = list(
            db.session.scalars(
                select(SyncRecord)
                .where(
                    SyncRecord.user_id == user_id,
                    SyncRecord.kind == "contact",
                    SyncRecord.deleted.is_(False),
                    SyncRecord.due_at.is_not(None),
                    SyncRecord.due_at <= now + CLOSING_LEAD,
                    SyncRecord.due_at > now - LATE_FOR,
                )
                .with_for_update(skip_locked=True)
            )
        )
        due: list[tuple[SyncRecord, str]] = []
        for record in records:
            assert record.due_at is not None
            kind = nudge_kind(record.due_at, now, quiet)
            if kind is None:
                continue
            claimed = db.session.scalar(
                select(NudgeClaim.id).where(
                    NudgeClaim.contact_id == record.id,
                    NudgeClaim.kind == kind,
                    NudgeClaim.due_at == record.due_at,
                )
            )
            if claimed is None:
                due.append((record, kind))
        if not due:
            db.session.rollback()
            return None
        events = _event_names(user_id, {r.data.get("event_id") for r, _ in due})
        items = [
            DueFollowUp(name=r.data["name"], event=events.get(r.data.get("event_id")), kind=k, due=r.due_at)
            for r, k in due
            if r.due_at is not None
        ]
        title, body = compose(items, now)
        nudge = Nudge(user_id=user_id, title=title, body=body, due_count=_due_count(user_id), created_at=now)
        db.session.add(nudge)
        db.session.flush()
        db.session.add_all(
            NudgeClaim(nudge_id=nudge.id, contact_id=r.id, kind=k, due_at=r.due_at) for r, k in due
        )
        db.session.commit()
        return nudge
    except IntegrityError:
        # Another run claimed some of these first: it sends them; this run sends nothing.
        db.session.rollback()
        return None


def _event_names(user_id: str, ids: Iterable[object]) -> dict[object, str]:
    wanted = [i for i in ids if isinstance(i, str)]
    if not wanted:
        return {}
    rows = db.session.scalars(
        select(SyncRecord).where(
            SyncRecord.user_id == user_id, SyncRecord.id.in_(wanted), SyncRecord.deleted.is_(False)
        )
    )
    return {r.id: r.data.get("name", "") for r in rows}


def deliver(nudge_id: str, sender: PushSender, now: datetime) -> Report | None:
    """Lease one nudge, send it to each of the person's devices, record the outcome."""
    leased = db.session.execute(
        update(Nudge)
        .where(
            Nudge.id == nudge_id,
            Nudge.sent_at.is_(None),
            (Nudge.lease_until.is_(None)) | (Nudge.lease_until < now),
        )
        .values(lease_until=now + LEASE, attempts=Nudge.attempts + 1)
    )
    db.session.commit()
    if leased.rowcount != 1:  # type: ignore[attr-defined]
        return None  # another run has it
    nudge = db.session.get(Nudge, nudge_id)
    assert nudge is not None
    user = db.session.get(User, nudge.user_id)
    subscriptions = list(
        db.session.scalars(select(PushSubscription).where(PushSubscription.user_id == nudge.user_id))
    )
    payload = {
        "title": nudge.title,
        "body": nudge.body,
        "url": "/follow-up",
        "badge": nudge.due_count,
        "tag": "follow-up",
    }
    delivered, errors = 0, []
    for sub in subscriptions:
        info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
        try:
            sender.send(info, payload, ttl=6 * 3600, topic=nudge.id.replace("-", "")[:32])
            delivered += 1
            sub.last_success_at = now
        except SubscriptionGone:
            db.session.execute(delete(PushSubscription).where(PushSubscription.id == sub.id))
        except PushFailed as error:
            errors.append(str(error))
    if delivered or not subscriptions or not errors:
        nudge.sent_at, nudge.delivered = now, delivered
        outcome = f"sent to {delivered} device(s)" if delivered else "no device to notify (in-app only)"
    elif nudge.attempts >= MAX_ATTEMPTS or now - nudge.created_at > GIVE_UP_AFTER:
        nudge.sent_at, outcome = now, "gave up: " + "; ".join(errors)
    else:
        nudge.lease_until, outcome = None, "will retry: " + "; ".join(errors)  # the next run tries again
    nudge.last_error = "; ".join(errors) or None
    db.session.commit()
    return Report(
        user=user.name if user else "?",
        title=nudge.title,
        body=nudge.body,
        delivered=delivered,
        outcome=outcome,
    )


def run_nudges(sender: PushSender, now: datetime) -> list[Report]:
    """Claim what is due for everyone, then deliver every nudge not yet sent."""
    for user_id in _candidate_users(now):
        claim_for_user(user_id, now)
    pending = db.session.scalars(
        select(Nudge.id).where(Nudge.sent_at.is_(None)).order_by(Nudge.created_at)
    ).all()
    reports = []
    for nudge_id in pending:
        report = deliver(nudge_id, sender, now)
        if report is not None:
            reports.append(report)
    return reports
