"""Server-side sessions behind an HttpOnly, SameSite=Lax cookie holding a random token."""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import Response, current_app
from sqlalchemy import delete, select

from ..db import db, utcnow
from ..models import AuthSession, User

COOKIE_NAME = "cultivate_session"
# Refresh last-seen at most this often, so reads do not turn into writes on every request.
TOUCH_EVERY = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, user_agent: str, now: datetime | None = None) -> str:
    """Record a new session for `user` (caller commits) and return its cookie token."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    days = int(current_app.config["SESSION_DAYS"])
    db.session.add(
        AuthSession(
            user=user,
            token_hash=_hash(token),
            user_agent=user_agent[:200],
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    return token


def find_session(token: str, now: datetime | None = None) -> AuthSession | None:
    """Return the live session for a cookie token, or None if unknown or expired."""
    now = now or utcnow()
    found = db.session.scalar(select(AuthSession).where(AuthSession.token_hash == _hash(token)))
    if found is None or found.expires_at <= now:
        return None
    if now - found.last_seen_at > TOUCH_EVERY:
        found.last_seen_at = now
        db.session.commit()
    return found


def end_session(session: AuthSession) -> None:
    """Revoke one session."""
    db.session.execute(delete(AuthSession).where(AuthSession.id == session.id))
    db.session.commit()


def end_other_sessions(session: AuthSession) -> int:
    """Revoke every session of this person but `session`; return how many ended."""
    result = db.session.execute(
        delete(AuthSession).where(AuthSession.user_id == session.user_id, AuthSession.id != session.id)
    )
    db.session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def list_sessions(user: User) -> list[AuthSession]:
    """Return a person's sessions, most recently used first."""
    return list(
        db.session.scalars(
            select(AuthSession)
            .where(AuthSession.user_id == user.id)
            .order_by(AuthSession.last_seen_at.desc())
        )
    )


def set_cookie(response: Response, token: str) -> None:
    """Attach the session cookie: HttpOnly, SameSite=Lax, Secure on https origins."""
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=int(current_app.config["SESSION_DAYS"]) * 86400,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["SECURE_COOKIES"]),
        path="/",
    )


def clear_cookie(response: Response) -> None:
    """Remove the session cookie from the browser."""
    response.delete_cookie(
        COOKIE_NAME,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["SECURE_COOKIES"]),
        path="/",
    )
