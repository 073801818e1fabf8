"""Managing passkeys: list, add another, rename, remove (never the last)."""

from flask import Flask

from server.models import Passkey

from .conftest import Api, count_rows


def add_passkey(api: Api, name: str | None = None) -> dict:
    options = api.post("/api/passkeys/options").get_json()
    body: dict = {"credential": api.authenticator.create(options)}
    if name:
        body["passkey_name"] = name
    response = api.post("/api/passkeys", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_list_shows_name_dates_and_kind(api: Api) -> None:
    api.sign_up()
    passkeys = api.get("/api/passkeys").get_json()["passkeys"]
    assert len(passkeys) == 1
    assert passkeys[0]["name"] == "Passkey 1"
    assert passkeys[0]["synced"] is True
    assert passkeys[0]["created_at"]
    assert passkeys[0]["last_used_at"] is None


def test_device_bound_passkey_is_reported(api: Api) -> None:
    from .softauthn import SoftAuthenticator

    api.sign_up(authenticator=SoftAuthenticator("http://localhost:5000", synced=False))
    assert api.get("/api/passkeys").get_json()["passkeys"][0]["synced"] is False


def test_add_another_passkey_excludes_existing_ones(api: Api) -> None:
    api.sign_up()
    options = api.post("/api/passkeys/options").get_json()
    assert len(options["excludeCredentials"]) == 1
    added = add_passkey(api, "Laptop")
    assert added["name"] == "Laptop"
    assert len(api.get("/api/passkeys").get_json()["passkeys"]) == 2


def test_second_passkey_signs_in(api: Api) -> None:
    api.sign_up()
    add_passkey(api)
    api.post("/api/auth/logout")
    second = api.authenticator.passkeys[-1]
    assert api.sign_in(api.authenticator, passkey=second).status_code == 200


def test_same_passkey_cannot_be_added_twice(api: Api, app: Flask) -> None:
    api.sign_up()
    options = api.post("/api/passkeys/options").get_json()
    first = api.authenticator.passkeys[0].credential_id
    duplicate = api.authenticator.create(options, credential_id=first)
    response = api.post("/api/passkeys", {"credential": duplicate})
    assert response.status_code == 409
    assert "already registered" in response.get_json()["description"]
    assert count_rows(Passkey, app) == 1


def test_rename_passkey(api: Api) -> None:
    api.sign_up()
    passkey_id = api.get("/api/passkeys").get_json()["passkeys"][0]["id"]
    response = api.patch(f"/api/passkeys/{passkey_id}", {"name": " Phone "})
    assert response.status_code == 200
    assert response.get_json()["name"] == "Phone"


def test_rename_refuses_empty_and_long_names(api: Api) -> None:
    api.sign_up()
    passkey_id = api.get("/api/passkeys").get_json()["passkeys"][0]["id"]
    for bad in ("", "   ", "x" * 61):
        response = api.patch(f"/api/passkeys/{passkey_id}", {"name": bad})
        assert response.status_code == 400
    assert api.get("/api/passkeys").get_json()["passkeys"][0]["name"] == "Passkey 1"


def test_the_last_passkey_cannot_be_removed(api: Api, app: Flask) -> None:
    api.sign_up()
    passkey_id = api.get("/api/passkeys").get_json()["passkeys"][0]["id"]
    response = api.delete(f"/api/passkeys/{passkey_id}")
    assert response.status_code == 409
    assert "only passkey" in response.get_json()["description"]
    assert count_rows(Passkey, app) == 1


def test_remove_one_of_two_then_it_no_longer_signs_in(api: Api, app: Flask) -> None:
    api.sign_up()
    add_passkey(api, "Spare")
    spare = next(p for p in api.get("/api/passkeys").get_json()["passkeys"] if p["name"] == "Spare")
    assert api.delete(f"/api/passkeys/{spare['id']}").status_code == 204
    assert count_rows(Passkey, app) == 1
    api.post("/api/auth/logout")
    removed = api.authenticator.passkeys[-1]
    assert api.sign_in(api.authenticator, passkey=removed).status_code == 400


def test_another_persons_passkey_is_404_and_untouched(api: Api, app: Flask) -> None:
    api.sign_up("Ada")
    bob = Api(app.test_client())
    bob.sign_up("Bob")
    add_passkey(bob)
    bobs = bob.get("/api/passkeys").get_json()["passkeys"]
    assert api.patch(f"/api/passkeys/{bobs[0]['id']}", {"name": "mine now"}).status_code == 404
    assert api.delete(f"/api/passkeys/{bobs[0]['id']}").status_code == 404
    assert [p["name"] for p in bob.get("/api/passkeys").get_json()["passkeys"]] == [p["name"] for p in bobs]


def test_add_passkey_needs_sign_in(api: Api) -> None:
    assert api.post("/api/passkeys/options").status_code == 401
