"""Sign-up, sign-in, sessions and sign-out through the JSON API."""

from flask import Flask

from server.models import AuthSession, Passkey, User

from .conftest import ORIGIN, Api, count_rows
from .softauthn import SoftAuthenticator


def test_me_is_401_when_signed_out(api: Api) -> None:
    response = api.get("/api/me")
    assert response.status_code == 401
    assert response.get_json() == {
        "code": 401,
        "name": "Unauthorized",
        "description": "Sign in to continue.",
    }


def test_register_options_ask_for_discoverable_verified_passkey(api: Api) -> None:
    options = api.post("/api/auth/register/options", {"name": "Ada"}).get_json()
    assert options["rp"] == {"name": "Cultivate", "id": "localhost"}
    assert options["user"]["name"] == "Ada"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["excludeCredentials"] == []


def test_sign_up_creates_account_session_and_ten_codes(api: Api, app: Flask) -> None:
    body = api.sign_up("  Ada Lovelace  ")
    assert body["user"]["name"] == "Ada Lovelace"
    assert len(body["recovery_codes"]) == 10
    assert len(set(body["recovery_codes"])) == 10
    assert body["recovery_codes_left"] == 10
    me = api.get("/api/me").get_json()
    assert me["user"]["id"] == body["user"]["id"]
    assert me["passkey_count"] == 1
    assert count_rows(AuthSession, app) == 1


def test_session_cookie_is_httponly_and_lax(api: Api, authenticator: SoftAuthenticator) -> None:
    options = api.post("/api/auth/register/options", {"name": "Ada"}).get_json()
    response = api.post("/api/auth/register/verify", {"credential": authenticator.create(options)})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # http://localhost in tests; https origins get Secure


def test_sign_out_revokes_the_session_on_the_server(api: Api, app: Flask) -> None:
    api.sign_up()
    cookie = api.client.get_cookie("cultivate_session")
    assert cookie is not None
    assert api.post("/api/auth/logout").status_code == 204
    assert count_rows(AuthSession, app) == 0
    # Replaying the old cookie must not work: the session is gone server-side.
    api.client.set_cookie("cultivate_session", cookie.value)
    assert api.get("/api/me").status_code == 401


def test_sign_in_with_passkey_after_sign_out(api: Api) -> None:
    user = api.sign_up()["user"]
    api.post("/api/auth/logout")
    response = api.sign_in(api.authenticator)
    assert response.status_code == 200
    assert response.get_json()["user"]["id"] == user["id"]
    passkeys = api.get("/api/passkeys").get_json()["passkeys"]
    assert passkeys[0]["last_used_at"] is not None


def test_sign_in_replaces_this_browsers_old_session(api: Api, app: Flask) -> None:
    api.sign_up()
    assert api.sign_in(api.authenticator).status_code == 200
    assert count_rows(AuthSession, app) == 1


def test_sign_out_everywhere_else_keeps_this_session(api: Api, app: Flask) -> None:
    api.sign_up()
    other = Api(app.test_client())
    assert other.sign_in(api.authenticator).status_code == 200
    sessions = api.get("/api/sessions").get_json()["sessions"]
    assert sorted(s["current"] for s in sessions) == [False, True]
    assert api.post("/api/auth/logout-others").get_json() == {"ended": 1}
    assert other.get("/api/me").status_code == 401
    assert api.get("/api/me").status_code == 200


def test_end_one_session_by_id(api: Api, app: Flask) -> None:
    api.sign_up()
    other = Api(app.test_client())
    other.sign_in(api.authenticator)
    sessions = api.get("/api/sessions").get_json()["sessions"]
    other_id = next(s["id"] for s in sessions if not s["current"])
    assert api.delete(f"/api/sessions/{other_id}").status_code == 204
    assert other.get("/api/me").status_code == 401


def test_another_persons_session_is_404(api: Api, app: Flask) -> None:
    api.sign_up("A")
    bob = Api(app.test_client())
    bob.sign_up("B")
    bob_session = bob.get("/api/sessions").get_json()["sessions"][0]["id"]
    assert api.delete(f"/api/sessions/{bob_session}").status_code == 404
    assert bob.get("/api/me").status_code == 200


def test_unknown_passkey_cannot_sign_in(api: Api, app: Flask) -> None:
    stranger = SoftAuthenticator(ORIGIN)
    stranger.create({"rp": {"id": "localhost"}, "user": {"id": "AAAA"}, "challenge": "x"})
    response = api.sign_in(stranger)
    assert response.status_code == 400
    assert "not registered" in response.get_json()["description"]
    assert count_rows(AuthSession, app) == 0


def test_sign_up_without_user_verification_is_refused(api: Api, app: Flask) -> None:
    no_uv = SoftAuthenticator(ORIGIN, user_verified=False)
    options = api.post("/api/auth/register/options", {"name": "Ada"}).get_json()
    response = api.post("/api/auth/register/verify", {"credential": no_uv.create(options)})
    assert response.status_code == 400
    assert "verif" in response.get_json()["description"].lower()
    assert count_rows(User, app) == 0
    assert count_rows(Passkey, app) == 0
