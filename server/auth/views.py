"""Account routes: passkey sign-up and sign-in, sessions, passkeys, recovery codes."""

from datetime import timedelta

from flask import Blueprint, Response, current_app, g, jsonify, request
from sqlalchemy import delete, select

from ..api import api
from ..db import db, utcnow
from ..errors import ApiError
from ..limits import configured, limiter
from ..models import AuthSession, Passkey, User
from . import ceremonies, recovery, sessions
from .schemas import (
    Empty,
    MeOut,
    NewPasskey,
    PasskeyList,
    PasskeyOptions,
    PasskeyOut,
    RecoveryCodes,
    RecoveryStart,
    RecoveryStatus,
    RenamePasskey,
    SessionList,
    SessionOut,
    SessionsEnded,
    SignIn,
    SignUpOut,
    SignUpStart,
    UserOut,
)

bp = Blueprint("auth", __name__, url_prefix="/api")
auth_limit = limiter.limit(configured("RATELIMIT_AUTH"))
recovery_limit = limiter.limit(configured("RATELIMIT_RECOVERY"))


def relying_party() -> ceremonies.RelyingParty:
    """Build the relying party from configuration (never from request headers)."""
    config = current_app.config
    return ceremonies.RelyingParty(
        id=config["RP_ID"],
        name=config["RP_NAME"],
        origin=config["ORIGIN"],
        challenge_ttl=timedelta(seconds=int(config["CHALLENGE_SECONDS"])),
    )


def me_out(user: User) -> MeOut:
    """Describe the signed-in person."""
    return MeOut(
        user=UserOut(id=user.id, name=user.name, created_at=user.created_at),
        passkey_count=len(user.passkeys),
        recovery_codes_left=recovery.remaining(user),
    )


def passkey_out(passkey: Passkey) -> PasskeyOut:
    """Describe one passkey."""
    return PasskeyOut(
        id=passkey.id,
        name=passkey.name,
        created_at=passkey.created_at,
        last_used_at=passkey.last_used_at,
        synced=passkey.device_type == "multi_device",
    )


def default_passkey_name(user: User | None) -> str:
    """Name a passkey when the browser gave none: "Passkey 2" and so on."""
    return f"Passkey {len(user.passkeys) + 1 if user else 1}"


def signed_in_response(user: User, body: MeOut, status: int) -> Response:
    """Start a session for `user` (ending the one this browser had) and set its cookie."""
    if g.auth_session is not None:
        db.session.delete(g.auth_session)
    token = sessions.start_session(user, request.headers.get("User-Agent", ""), utcnow())
    db.session.commit()
    response = jsonify(body.model_dump(mode="json"))
    response.status_code = status
    sessions.set_cookie(response, token)
    return response


def owned_passkey(passkey_id: str) -> Passkey:
    """Return the signed-in person's passkey with this id, or 404 (also for other people's)."""
    passkey = db.session.scalar(select(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == g.user.id))
    if passkey is None:
        raise ApiError(404, "No such passkey.")
    return passkey


# Sign-up and sign-in ---------------------------------------------------------------------------


@bp.post("/auth/register/options")
@auth_limit
@api(body=SignUpStart, response=PasskeyOptions, signed_in=False)
def register_options(body: SignUpStart) -> PasskeyOptions:
    """Start creating an account: a name, then a new passkey."""
    return PasskeyOptions(ceremonies.begin_sign_up(relying_party(), body.name, utcnow()))


@bp.post("/auth/register/verify")
@auth_limit
@api(body=NewPasskey, response=SignUpOut, status=201, signed_in=False)
def register_verify(body: NewPasskey) -> Response:
    """Finish creating an account; the answer holds the recovery codes, shown only now."""
    now = utcnow()
    user = ceremonies.finish_sign_up(
        relying_party(),
        body.credential.model_dump(exclude_none=True),
        body.passkey_name or default_passkey_name(None),
        now,
    )
    db.session.flush()
    codes = recovery.replace_codes(user, now)
    db.session.flush()
    out = SignUpOut(**me_out(user).model_dump(), recovery_codes=codes)
    return signed_in_response(user, out, 201)


@bp.post("/auth/login/options")
@auth_limit
@api(body=Empty, response=PasskeyOptions, signed_in=False)
def login_options(body: Empty) -> PasskeyOptions:
    """Start signing in with any passkey of this site (autofill or button)."""
    return PasskeyOptions(ceremonies.begin_sign_in(relying_party(), utcnow()))


@bp.post("/auth/login/verify")
@auth_limit
@api(body=SignIn, response=MeOut, signed_in=False)
def login_verify(body: SignIn) -> Response:
    """Finish signing in and start a session."""
    user = ceremonies.finish_sign_in(relying_party(), body.credential.model_dump(exclude_none=True), utcnow())
    return signed_in_response(user, me_out(user), 200)


@bp.post("/auth/logout")
@api(body=Empty)
def logout(body: Empty) -> Response:
    """Sign out here: the session is revoked on the server, the cookie cleared."""
    sessions.end_session(g.auth_session)
    response = Response(status=204)
    sessions.clear_cookie(response)
    return response


@bp.post("/auth/logout-others")
@api(body=Empty, response=SessionsEnded)
def logout_others(body: Empty) -> SessionsEnded:
    """Sign out every other browser and device."""
    return SessionsEnded(ended=sessions.end_other_sessions(g.auth_session))


# Recovery --------------------------------------------------------------------------------------


@bp.post("/auth/recover/options")
@recovery_limit
@api(body=RecoveryStart, response=PasskeyOptions, signed_in=False)
def recover_options(body: RecoveryStart) -> PasskeyOptions:
    """Start enrolling a new passkey with a recovery code (the code is used up on success)."""
    code = recovery.find_unused(body.code)
    user = db.session.get(User, code.user_id)
    assert user is not None  # the foreign key guarantees it
    return PasskeyOptions(ceremonies.begin_recovery(relying_party(), user, code.id, utcnow()))


@bp.post("/auth/recover/verify")
@recovery_limit
@api(body=NewPasskey, response=MeOut, signed_in=False)
def recover_verify(body: NewPasskey) -> Response:
    """Finish recovery: store the new passkey, use up the code, sign in."""
    now = utcnow()
    user, code_id = ceremonies.finish_recovery(
        relying_party(),
        body.credential.model_dump(exclude_none=True),
        body.passkey_name or "Recovered passkey",
        now,
    )
    recovery.use_up(code_id, now)
    db.session.flush()
    return signed_in_response(user, me_out(user), 200)


@bp.get("/recovery-codes")
@api(response=RecoveryStatus)
def recovery_status() -> RecoveryStatus:
    """Say how many unused recovery codes remain."""
    return RecoveryStatus(remaining=recovery.remaining(g.user))


@bp.post("/recovery-codes")
@api(body=Empty, response=RecoveryCodes, status=201)
def regenerate_recovery_codes(body: Empty) -> RecoveryCodes:
    """Replace every recovery code with ten new ones, shown only now."""
    codes = recovery.replace_codes(g.user, utcnow())
    db.session.commit()
    return RecoveryCodes(codes=codes)


# The signed-in person --------------------------------------------------------------------------


@bp.get("/me")
@api(response=MeOut)
def me() -> MeOut:
    """Describe the signed-in person (401 when signed out)."""
    return me_out(g.user)


@bp.post("/me/delete/options")
@auth_limit
@api(body=Empty, response=PasskeyOptions)
def delete_account_options(body: Empty) -> PasskeyOptions:
    """Start deleting my account: confirm with one of my passkeys."""
    return PasskeyOptions(ceremonies.begin_confirmation(relying_party(), g.user, utcnow()))


@bp.post("/me/delete")
@auth_limit
@api(body=SignIn)
def delete_account(body: SignIn) -> Response:
    """Delete my account and every row of mine, once confirmed with a passkey."""
    user = g.user
    ceremonies.finish_confirmation(
        relying_party(), user, body.credential.model_dump(exclude_none=True), utcnow()
    )
    # Every table of mine refers to the account with ON DELETE CASCADE: one statement removes it all.
    db.session.execute(delete(User).where(User.id == user.id))
    db.session.commit()
    response = Response(status=204)
    sessions.clear_cookie(response)
    return response


@bp.get("/sessions")
@api(response=SessionList)
def list_sessions() -> SessionList:
    """List the browsers and devices signed in to this account."""
    return SessionList(
        sessions=[
            SessionOut(
                id=s.id,
                user_agent=s.user_agent,
                created_at=s.created_at,
                last_seen_at=s.last_seen_at,
                current=s.id == g.auth_session.id,
            )
            for s in sessions.list_sessions(g.user)
        ]
    )


@bp.delete("/sessions/<session_id>")
@api()
def end_session(session_id: str) -> None:
    """Sign out one browser or device of this account."""
    found = db.session.scalar(
        select(AuthSession).where(AuthSession.id == session_id, AuthSession.user_id == g.user.id)
    )
    if found is None:
        raise ApiError(404, "No such session.")
    sessions.end_session(found)


# Passkeys --------------------------------------------------------------------------------------


@bp.get("/passkeys")
@api(response=PasskeyList)
def list_passkeys() -> PasskeyList:
    """List this account's passkeys, oldest first."""
    ordered = sorted(g.user.passkeys, key=lambda p: p.created_at)
    return PasskeyList(passkeys=[passkey_out(p) for p in ordered])


@bp.post("/passkeys/options")
@auth_limit
@api(body=Empty, response=PasskeyOptions)
def add_passkey_options(body: Empty) -> PasskeyOptions:
    """Start adding another passkey to this account."""
    return PasskeyOptions(ceremonies.begin_add_passkey(relying_party(), g.user, utcnow()))


@bp.post("/passkeys")
@auth_limit
@api(body=NewPasskey, response=PasskeyOut, status=201)
def add_passkey(body: NewPasskey) -> PasskeyOut:
    """Finish adding another passkey."""
    passkey = ceremonies.finish_add_passkey(
        relying_party(),
        g.user,
        body.credential.model_dump(exclude_none=True),
        body.passkey_name or default_passkey_name(g.user),
        utcnow(),
    )
    return passkey_out(passkey)


@bp.patch("/passkeys/<passkey_id>")
@api(body=RenamePasskey, response=PasskeyOut)
def rename_passkey(passkey_id: str, body: RenamePasskey) -> PasskeyOut:
    """Rename a passkey."""
    passkey = owned_passkey(passkey_id)
    passkey.name = body.name
    db.session.commit()
    return passkey_out(passkey)


@bp.delete("/passkeys/<passkey_id>")
@api()
def remove_passkey(passkey_id: str) -> None:
    """Remove a passkey; the last one stays, so the account can always be reached."""
    passkey = owned_passkey(passkey_id)
    # Lock the person's row so two removals at once cannot both see "two left" (PostgreSQL;
    # SQLite serialises writers anyway).
    db.session.execute(select(User.id).where(User.id == g.user.id).with_for_update())
    db.session.expire(g.user, ["passkeys"])
    if len(g.user.passkeys) <= 1:
        raise ApiError(409, "This is your only passkey. Add another before removing it.")
    db.session.delete(passkey)
    db.session.commit()
