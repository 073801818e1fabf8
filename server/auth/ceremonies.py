"""WebAuthn ceremonies with py_webauthn: sign-up, sign-in, adding a passkey, recovery.

Plain functions: they take the relying party and the clock, raise ApiError, and leave
committing to the caller only where a caller must add more in the same transaction.
"""

import base64
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ..db import db
from ..errors import ApiError
from ..models import Challenge, Passkey, User

EXPIRED = "This sign-in request has expired or was already used. Please try again."


@dataclass(frozen=True)
class RelyingParty:
    """Who we are to the authenticator: fixed by configuration, never by request headers."""

    id: str
    name: str
    origin: str
    challenge_ttl: timedelta


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _issue_challenge(
    rp: RelyingParty,
    purpose: str,
    now: datetime,
    user_id: str | None = None,
    payload: dict[str, str] | None = None,
) -> bytes:
    """Store a fresh single-use challenge (and sweep expired ones); caller commits."""
    db.session.execute(delete(Challenge).where(Challenge.expires_at < now))
    challenge = secrets.token_bytes(32)
    db.session.add(
        Challenge(
            challenge=challenge,
            purpose=purpose,
            user_id=user_id,
            payload=payload or {},
            expires_at=now + rp.challenge_ttl,
        )
    )
    return challenge


def _take_challenge(credential: dict[str, Any], purpose: str, now: datetime) -> Challenge:
    """Find the challenge this answer signs and use it up; refuse unknown, reused or expired."""
    try:
        client_data = json.loads(_b64url_decode(credential["response"]["clientDataJSON"]))
        challenge = _b64url_decode(client_data["challenge"])
    except (KeyError, TypeError, ValueError) as error:
        raise ApiError(400, "The passkey response is malformed.") from error
    found = db.session.scalar(
        select(Challenge).where(Challenge.challenge == challenge, Challenge.purpose == purpose)
    )
    if found is None:
        raise ApiError(400, EXPIRED)
    # Delete by id and check the count: of two concurrent answers only one gets the challenge.
    taken = db.session.execute(delete(Challenge).where(Challenge.id == found.id))
    # Commit the deletion now: an answer that fails verification still spends its challenge.
    db.session.commit()
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(400, EXPIRED)
    if found.expires_at <= now:
        raise ApiError(400, EXPIRED)
    return found


def _descriptors(passkeys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    known = {t.value for t in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=p.credential_id,
            transports=[AuthenticatorTransport(t) for t in p.transports if t in known],
        )
        for p in passkeys
    ]


def _registration_options(
    rp: RelyingParty,
    challenge: bytes,
    user_name: str,
    user_handle: bytes,
    exclude: list[Passkey],
) -> dict[str, Any]:
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_name=user_name,
        user_id=user_handle,
        user_display_name=user_name,
        challenge=challenge,
        timeout=int(rp.challenge_ttl.total_seconds() * 1000),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(exclude),
    )
    return json.loads(options_to_json(options))


def _verify_new_passkey(
    rp: RelyingParty, credential: dict[str, Any], challenge: bytes, name: str, now: datetime
) -> Passkey:
    """Check an attestation and build (not add) the Passkey row it describes."""
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except WebAuthnException as error:
        raise ApiError(400, f"The passkey could not be verified: {error}") from None
    if db.session.scalar(select(Passkey.id).where(Passkey.credential_id == verified.credential_id)):
        raise ApiError(409, "This passkey is already registered.")
    transports = credential.get("response", {}).get("transports") or []
    return Passkey(
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[str(t) for t in transports][:8],
        device_type=str(getattr(verified.credential_device_type, "value", verified.credential_device_type)),
        backed_up=verified.credential_backed_up,
        name=name,
        created_at=now,
    )


# Sign-up -----------------------------------------------------------------------------------


def begin_sign_up(rp: RelyingParty, name: str, now: datetime) -> dict[str, Any]:
    """Return creation options for a new account named `name`."""
    user_handle = secrets.token_bytes(32)
    challenge = _issue_challenge(
        rp, "register", now, payload={"name": name, "user_handle": user_handle.hex()}
    )
    db.session.commit()
    return _registration_options(rp, challenge, name, user_handle, exclude=[])


def finish_sign_up(rp: RelyingParty, credential: dict[str, Any], passkey_name: str, now: datetime) -> User:
    """Verify the first passkey and create the account with it (caller commits)."""
    pending = _take_challenge(credential, "register", now)
    passkey = _verify_new_passkey(rp, credential, pending.challenge, passkey_name, now)
    user = User(
        name=pending.payload["name"],
        user_handle=bytes.fromhex(pending.payload["user_handle"]),
        created_at=now,
    )
    user.passkeys.append(passkey)
    db.session.add(user)
    return user


# Adding a passkey --------------------------------------------------------------------------


def begin_add_passkey(rp: RelyingParty, user: User, now: datetime) -> dict[str, Any]:
    """Return creation options for another passkey on a signed-in account."""
    challenge = _issue_challenge(rp, "add_passkey", now, user_id=user.id)
    db.session.commit()
    return _registration_options(rp, challenge, user.name, user.user_handle, user.passkeys)


def finish_add_passkey(
    rp: RelyingParty, user: User, credential: dict[str, Any], name: str, now: datetime
) -> Passkey:
    """Verify and store another passkey for `user`."""
    pending = _take_challenge(credential, "add_passkey", now)
    if pending.user_id != user.id:
        raise ApiError(400, EXPIRED)
    passkey = _verify_new_passkey(rp, credential, pending.challenge, name, now)
    user.passkeys.append(passkey)
    db.session.commit()
    return passkey


# Sign-in -----------------------------------------------------------------------------------


def begin_sign_in(rp: RelyingParty, now: datetime) -> dict[str, Any]:
    """Return request options for a discoverable sign-in (no user named in advance)."""
    challenge = _issue_challenge(rp, "login", now)
    db.session.commit()
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        timeout=int(rp.challenge_ttl.total_seconds() * 1000),
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return json.loads(options_to_json(options))


def finish_sign_in(rp: RelyingParty, credential: dict[str, Any], now: datetime) -> User:
    """Verify an assertion and return its person; the sign count moves forward atomically."""
    pending = _take_challenge(credential, "login", now)
    return _verify_assertion(rp, credential, pending, now).user


def begin_confirmation(rp: RelyingParty, user: User, now: datetime) -> dict[str, Any]:
    """Request options to confirm a grave action (deleting the account) with one of my passkeys."""
    challenge = _issue_challenge(rp, "confirm", now, user_id=user.id)
    db.session.commit()
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        timeout=int(rp.challenge_ttl.total_seconds() * 1000),
        allow_credentials=_descriptors(user.passkeys),
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return json.loads(options_to_json(options))


def finish_confirmation(rp: RelyingParty, user: User, credential: dict[str, Any], now: datetime) -> None:
    """Check that `user` just confirmed with one of their own passkeys, or refuse."""
    pending = _take_challenge(credential, "confirm", now)
    if pending.user_id != user.id:
        raise ApiError(400, EXPIRED)
    passkey = _verify_assertion(rp, credential, pending, now)
    if passkey.user_id != user.id:
        raise ApiError(403, "Confirm with one of your own passkeys.")
    db.session.commit()


def _verify_assertion(
    rp: RelyingParty, credential: dict[str, Any], pending: Challenge, now: datetime
) -> Passkey:
    """Verify a signed challenge; the sign count moves forward atomically. Returns the passkey."""
    try:
        credential_id = _b64url_decode(str(credential["rawId"]))
    except (KeyError, ValueError):
        raise ApiError(400, "The passkey response is malformed.") from None
    passkey = db.session.scalar(select(Passkey).where(Passkey.credential_id == credential_id))
    if passkey is None:
        raise ApiError(400, "This passkey is not registered here. It may have been removed.")
    user_handle = credential.get("response", {}).get("userHandle")
    if user_handle and _b64url_decode(str(user_handle)) != passkey.user.user_handle:
        raise ApiError(400, "This passkey does not belong to that account.")
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=pending.challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except WebAuthnException as error:
        raise ApiError(400, f"The passkey could not be verified: {error}") from None
    # Compare-and-set: a concurrent sign-in with a cloned authenticator loses the race.
    moved = db.session.execute(
        update(Passkey)
        .where(Passkey.id == passkey.id, Passkey.sign_count == passkey.sign_count)
        .values(
            sign_count=verified.new_sign_count,
            last_used_at=now,
            backed_up=verified.credential_backed_up,
        )
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise ApiError(400, "The passkey's counter went backwards; sign-in refused.")
    return passkey


# Recovery ----------------------------------------------------------------------------------


def begin_recovery(rp: RelyingParty, user: User, code_id: str, now: datetime) -> dict[str, Any]:
    """Return creation options for a replacement passkey, bound to one unused recovery code."""
    challenge = _issue_challenge(rp, "recover", now, user_id=user.id, payload={"code_id": code_id})
    db.session.commit()
    return _registration_options(rp, challenge, user.name, user.user_handle, user.passkeys)


def finish_recovery(
    rp: RelyingParty, credential: dict[str, Any], name: str, now: datetime
) -> tuple[User, str]:
    """Verify the replacement passkey and add it; return the person and the code to use up."""
    pending = _take_challenge(credential, "recover", now)
    user = db.session.get(User, pending.user_id)
    if user is None:
        raise ApiError(400, EXPIRED)
    passkey = _verify_new_passkey(rp, credential, pending.challenge, name, now)
    user.passkeys.append(passkey)
    return user, pending.payload["code_id"]
