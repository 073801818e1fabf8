"""Recovery codes: ten, shown once, hashed, one enrols a new passkey and is used up."""

from flask import Flask
from sqlalchemy import select

from server.db import db
from server.models import Passkey, RecoveryCode

from .conftest import ORIGIN, Api, count_rows
from .softauthn import SoftAuthenticator


def recover(api: Api, code: str, authenticator: SoftAuthenticator) -> tuple[int, dict]:
    options = api.post("/api/auth/recover/options", {"code": code})
    if options.status_code != 200:
        return options.status_code, options.get_json()
    response = api.post("/api/auth/recover/verify", {"credential": authenticator.create(options.get_json())})
    return response.status_code, response.get_json()


def test_codes_are_stored_hashed(api: Api, app: Flask) -> None:
    codes = api.sign_up()["recovery_codes"]
    with app.app_context():
        stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10
    assert not stored & {c for c in codes}
    assert not any(c.replace("-", "") in h for c in codes for h in stored)


def test_lost_passkeys_recovered_with_a_code(api: Api, app: Flask) -> None:
    signed_up = api.sign_up()
    code = signed_up["recovery_codes"][3]
    api.post("/api/auth/logout")
    new_phone = SoftAuthenticator(ORIGIN)
    status, body = recover(api, code.lower().replace("-", " "), new_phone)
    assert status == 200, body
    assert body["user"]["id"] == signed_up["user"]["id"]
    assert body["recovery_codes_left"] == 9
    assert count_rows(Passkey, app) == 2
    # The new passkey signs in; the code is used up.
    api.post("/api/auth/logout")
    assert api.sign_in(new_phone).status_code == 200
    api.post("/api/auth/logout")
    status, body = recover(api, code, SoftAuthenticator(ORIGIN))
    assert status == 400
    assert "already used" in body["description"]
    assert count_rows(Passkey, app) == 2


def test_wrong_code_is_refused(api: Api) -> None:
    api.sign_up()
    api.post("/api/auth/logout")
    status, body = recover(api, "AAAA-BBBB-CCCC", SoftAuthenticator(ORIGIN))
    assert status == 400
    assert body["description"] == "That recovery code is not valid or was already used."


def test_failed_enrolment_does_not_spend_the_code(api: Api, app: Flask) -> None:
    code = api.sign_up()["recovery_codes"][0]
    api.post("/api/auth/logout")
    bad = SoftAuthenticator(ORIGIN, user_verified=False)
    status, _ = recover(api, code, bad)
    assert status == 400
    assert count_rows(Passkey, app) == 1
    status, _ = recover(api, code, SoftAuthenticator(ORIGIN))
    assert status == 200


def test_regenerate_replaces_every_code(api: Api) -> None:
    old = api.sign_up()["recovery_codes"]
    response = api.post("/api/recovery-codes")
    assert response.status_code == 201
    new = response.get_json()["codes"]
    assert len(new) == 10
    assert not set(old) & set(new)
    assert api.get("/api/recovery-codes").get_json() == {"remaining": 10}
    api.post("/api/auth/logout")
    status, _ = recover(api, old[0], SoftAuthenticator(ORIGIN))
    assert status == 400
    status, _ = recover(api, new[0], SoftAuthenticator(ORIGIN))
    assert status == 200


def test_regenerate_needs_sign_in(api: Api) -> None:
    assert api.post("/api/recovery-codes").status_code == 401
