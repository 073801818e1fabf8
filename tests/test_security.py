"""Bad input and hostile requests: clear JSON errors, nothing written, strict headers."""

import pytest
from flask import Flask

from server.models import Challenge, User

from .conftest import ORIGIN, Api, count_rows


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", "not valid JSON"),
        (b"[]", "Input should be an object"),
        (b'{"name": 42}', "name: Input should be a valid string"),
        (b'{"name": ""}', "name: String should have at least 1 character"),
        (b'{"name": "' + b"x" * 81 + b'"}', "name: String should have at most 80 characters"),
        (b'{"name": "Ada", "admin": true}', "admin: is not a field this request accepts"),
        (b"{}", "name: Field required"),
    ],
)
def test_bad_sign_up_bodies_get_clear_400s(client, app: Flask, body: bytes, expected: str) -> None:
    response = client.post(
        "/api/auth/register/options",
        data=body,
        content_type="application/json",
        headers={"Origin": ORIGIN},
    )
    assert response.status_code == 400
    error = response.get_json()
    assert error["code"] == 400
    assert error["name"] == "Bad Request"
    assert expected in error["description"]
    assert count_rows(Challenge, app) == 0


@pytest.mark.parametrize(
    "credential",
    [
        {},
        {"id": "x", "rawId": "x", "type": "password", "response": {}},
        {
            "id": "not base64!",
            "rawId": "x",
            "type": "public-key",
            "response": {"clientDataJSON": "a", "attestationObject": "b"},
        },
        {
            "id": "x",
            "rawId": "x",
            "type": "public-key",
            "response": {"clientDataJSON": "a", "attestationObject": "b", "evil": 1},
        },
        {
            "id": "x",
            "rawId": "x",
            "type": "public-key",
            "response": {"clientDataJSON": "eyJ9", "attestationObject": "b"},
        },
    ],
)
def test_malformed_credentials_are_refused(api: Api, app: Flask, credential: dict) -> None:
    api.post("/api/auth/register/options", {"name": "Ada"})
    response = api.post("/api/auth/register/verify", {"credential": credential})
    assert response.status_code == 400
    assert response.get_json()["description"]
    assert count_rows(User, app) == 0


def test_oversized_body_is_413_json(client) -> None:
    response = client.post(
        "/api/auth/register/options",
        data=b'{"name": "' + b"x" * 1_100_000 + b'"}',
        content_type="application/json",
        headers={"Origin": ORIGIN},
    )
    assert response.status_code == 413
    assert response.get_json()["description"] == "The request is too large."


def test_write_without_json_content_type_is_403(client, app: Flask) -> None:
    response = client.post(
        "/api/auth/register/options", data="name=Ada", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 403
    assert "JSON" in response.get_json()["description"]
    assert count_rows(Challenge, app) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "null"},
    ],
)
def test_cross_site_writes_are_403(client, app: Flask, headers: dict) -> None:
    response = client.post("/api/auth/register/options", json={"name": "Ada"}, headers=headers)
    assert response.status_code == 403
    assert "another site" in response.get_json()["description"]
    assert count_rows(Challenge, app) == 0


def test_same_origin_fetch_metadata_is_accepted(client) -> None:
    response = client.post(
        "/api/auth/register/options",
        json={"name": "Ada"},
        headers={"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/api/nothing-here", 404), ("PUT", "/api/me", 405), ("DELETE", "/api/auth/logout", 405)],
)
def test_api_errors_are_json_never_html(client, method: str, path: str, status: int) -> None:
    response = client.open(path, method=method, json={}, headers={"Origin": ORIGIN})
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert set(response.get_json()) == {"code", "name", "description"}


def test_unexpected_errors_hide_internals(app: Flask) -> None:
    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret detail")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/api/boom")
    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True)
    assert response.get_json()["description"].startswith("Something went wrong")


def test_security_headers_on_shell_and_api(client) -> None:
    for path in ("/", "/api/me"):
        with client.get(path) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "object-src 'none'" in csp
        assert "base-uri 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers


def test_https_origin_gets_hsts_and_secure_cookie(make_app) -> None:  # type: ignore[no-untyped-def]
    from .softauthn import SoftAuthenticator

    app = make_app(ORIGIN="https://cultivate.example")
    client = app.test_client()
    with client.get("/") as response:
        assert "max-age" in response.headers["Strict-Transport-Security"]
    origin = {"Origin": "https://cultivate.example"}
    options = client.post("/api/auth/register/options", json={"name": "Ada"}, headers=origin).get_json()
    assert options["rp"]["id"] == "cultivate.example"
    credential = SoftAuthenticator("https://cultivate.example").create(options)
    response = client.post("/api/auth/register/verify", json={"credential": credential}, headers=origin)
    assert response.status_code == 201
    assert "Secure" in response.headers["Set-Cookie"]


def test_sign_in_attempts_are_rate_limited(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_AUTH="3 per minute")
    client = app.test_client()
    statuses = [
        client.post("/api/auth/login/options", json={}, headers={"Origin": ORIGIN}).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    limited = client.post("/api/auth/login/options", json={}, headers={"Origin": ORIGIN})
    assert limited.get_json()["code"] == 429
    assert "Too many attempts" in limited.get_json()["description"]


@pytest.mark.parametrize(
    ("setting", "path", "body"),
    [
        ("RATELIMIT_RECOVERY", "/api/auth/recover/options", {"code": "AAAA-BBBB-CCCC"}),
        ("RATELIMIT_SYNC", "/api/sync/pull", {"client_id": "00000000-0000-4000-8000-000000000000"}),
    ],
)
def test_recovery_and_sync_are_rate_limited(make_app, setting: str, path: str, body: dict) -> None:  # type: ignore[no-untyped-def]
    from .softauthn import SoftAuthenticator

    app = make_app(RATELIMIT_ENABLED=True, **{setting: "2 per minute", "RATELIMIT_AUTH": "100 per minute"})
    client = app.test_client()
    headers = {"Origin": ORIGIN}
    options = client.post("/api/auth/register/options", json={"name": "Ada"}, headers=headers).get_json()
    credential = SoftAuthenticator(ORIGIN).create(options)
    client.post("/api/auth/register/verify", json={"credential": credential}, headers=headers)
    statuses = [client.post(path, json=body, headers=headers).status_code for _ in range(3)]
    assert statuses[2] == 429
    assert 429 not in statuses[:2]
