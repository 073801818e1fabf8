"""Challenges are single-use and short-lived; forged, foreign and replayed answers are refused."""

from datetime import timedelta

from flask import Flask
from sqlalchemy import update

from server.db import db, utcnow
from server.models import AuthSession, Challenge, Passkey, User

from .conftest import ORIGIN, Api, count_rows
from .softauthn import SoftAuthenticator, b64url, unb64url


def test_replayed_registration_is_refused(api: Api, app: Flask, authenticator: SoftAuthenticator) -> None:
    options = api.post("/api/auth/register/options", {"name": "Ada"}).get_json()
    credential = authenticator.create(options)
    assert api.post("/api/auth/register/verify", {"credential": credential}).status_code == 201
    replay = api.post("/api/auth/register/verify", {"credential": credential})
    assert replay.status_code == 400
    assert "expired or was already used" in replay.get_json()["description"]
    assert count_rows(User, app) == 1


def test_replayed_sign_in_is_refused(api: Api, app: Flask) -> None:
    api.sign_up()
    api.post("/api/auth/logout")
    options = api.post("/api/auth/login/options").get_json()
    assertion = api.authenticator.get(options)
    assert api.post("/api/auth/login/verify", {"credential": assertion}).status_code == 200
    api.post("/api/auth/logout")
    assert api.post("/api/auth/login/verify", {"credential": assertion}).status_code == 400
    assert count_rows(AuthSession, app) == 0


def test_failed_answer_still_spends_the_challenge(api: Api, app: Flask) -> None:
    api.sign_up()
    api.post("/api/auth/logout")
    options = api.post("/api/auth/login/options").get_json()
    forged = api.authenticator.get(options)
    forged["response"]["signature"] = b64url(b"\x30\x06\x02\x01\x01\x02\x01\x01")
    assert api.post("/api/auth/login/verify", {"credential": forged}).status_code == 400
    honest = api.authenticator.get(options)
    assert api.post("/api/auth/login/verify", {"credential": honest}).status_code == 400


def test_expired_challenge_is_refused(api: Api, app: Flask, authenticator: SoftAuthenticator) -> None:
    options = api.post("/api/auth/register/options", {"name": "Ada"}).get_json()
    with app.app_context():
        db.session.execute(update(Challenge).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = api.post("/api/auth/register/verify", {"credential": authenticator.create(options)})
    assert response.status_code == 400
    assert "expired" in response.get_json()["description"]
    assert count_rows(User, app) == 0


def test_challenges_expire_after_five_minutes(api: Api, app: Flask) -> None:
    api.post("/api/auth/login/options")
    with app.app_context():
        challenge = db.session.scalars(db.select(Challenge)).one()
        lifetime = challenge.expires_at - utcnow()
    assert timedelta(minutes=4, seconds=55) < lifetime <= timedelta(minutes=5)


def test_credential_from_another_origin_is_refused(api: Api, app: Flask) -> None:
    phisher = SoftAuthenticator("https://evil.example")
    options = api.post("/api/auth/register/options", {"name": "Ada"}).get_json()
    response = api.post("/api/auth/register/verify", {"credential": phisher.create(options)})
    assert response.status_code == 400
    assert "origin" in response.get_json()["description"].lower()
    assert count_rows(User, app) == 0


def test_credential_for_another_rp_id_is_refused(
    api: Api, app: Flask, authenticator: SoftAuthenticator
) -> None:
    options = api.post("/api/auth/register/options", {"name": "Ada"}).get_json()
    credential = authenticator.create(options, rp_id="evil.example")
    response = api.post("/api/auth/register/verify", {"credential": credential})
    assert response.status_code == 400
    assert count_rows(Passkey, app) == 0


def test_sign_in_signed_for_another_origin_is_refused(api: Api) -> None:
    api.sign_up()
    api.post("/api/auth/logout")
    options = api.post("/api/auth/login/options").get_json()
    assertion = api.authenticator.get(options, origin="https://evil.example")
    assert api.post("/api/auth/login/verify", {"credential": assertion}).status_code == 400
    assert api.get("/api/me").status_code == 401


def test_forged_signature_is_refused(api: Api) -> None:
    api.sign_up()
    api.post("/api/auth/logout")
    options = api.post("/api/auth/login/options").get_json()
    assertion = api.authenticator.get(options)
    # Sign with a different key: right shape, wrong signer.
    impostor = SoftAuthenticator(ORIGIN)
    impostor.create({"rp": {"id": "localhost"}, "user": {"id": "AAAA"}, "challenge": "x"})
    forged = impostor.get(options)
    assertion["response"]["signature"] = forged["response"]["signature"]
    response = api.post("/api/auth/login/verify", {"credential": assertion})
    assert response.status_code == 400
    assert api.get("/api/me").status_code == 401


def test_sign_count_regression_is_refused(api: Api, app: Flask) -> None:
    api.sign_up()
    api.post("/api/auth/logout")
    assert api.sign_in(api.authenticator, sign_count=5).status_code == 200
    api.post("/api/auth/logout")
    cloned = api.sign_in(api.authenticator, sign_count=3)
    assert cloned.status_code == 400
    assert "count" in cloned.get_json()["description"]
    with app.app_context():
        assert db.session.scalars(db.select(Passkey.sign_count)).one() == 5


def test_user_handle_must_match_the_passkey(api: Api, app: Flask) -> None:
    api.sign_up()
    api.post("/api/auth/logout")
    options = api.post("/api/auth/login/options").get_json()
    assertion = api.authenticator.get(options)
    assertion["response"]["userHandle"] = b64url(unb64url(assertion["response"]["userHandle"])[::-1])
    assert api.post("/api/auth/login/verify", {"credential": assertion}).status_code == 400
