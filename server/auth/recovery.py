"""One-time recovery codes: ten at a time, shown once, stored as hashes, used up on use."""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import delete, func, select, update

from ..db import db
from ..errors import ApiError
from ..models import RecoveryCode, User

CODE_COUNT = 10
# No 0/O, 1/I/L: codes get copied by hand from paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
INVALID = "That recovery code is not valid or was already used."


def normalise(code: str) -> str:
    """Uppercase and drop spaces and dashes, so `abcd-efgh` and `ABCD EFGH` match."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _hash(code: str) -> str:
    # Codes carry 60 random bits, so a fast hash is enough: there is nothing to guess offline.
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def replace_codes(user: User, now: datetime) -> list[str]:
    """Drop a person's old codes and store ten new ones (caller commits); return them in clear."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_code() for _ in range(CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(c), created_at=now) for c in codes)
    return codes


def remaining(user: User) -> int:
    """Count a person's unused codes."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def find_unused(code: str) -> RecoveryCode:
    """Return the unused code matching `code`, or refuse."""
    found = db.session.scalar(
        select(RecoveryCode).where(RecoveryCode.code_hash == _hash(code), RecoveryCode.used_at.is_(None))
    )
    if found is None:
        raise ApiError(400, INVALID)
    return found


def use_up(code_id: str, now: datetime) -> None:
    """Mark a code used, refusing if another request used it first (caller commits)."""
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == code_id, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise ApiError(400, INVALID)
