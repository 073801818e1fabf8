"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL via CULTIVATE_TEST_DATABASE_URL)."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from server import create_app, upgrade_database
from server.db import db

from .softauthn import SoftAuthenticator

ORIGIN = "http://localhost:5000"
JSON_HEADERS = {"Origin": ORIGIN}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One database per test run, migrated once; tests empty its tables between them."""
    url = os.environ.get("CULTIVATE_TEST_DATABASE_URL")
    return url or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def migrated(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    app = create_app(tmp_path_factory.mktemp("data"), {"DATABASE_URL": database_url}, environ={})
    upgrade_database(app)
    with app.app_context():
        db.engine.dispose()  # close its connections now, not whenever the collector runs
    return database_url


def empty_tables() -> None:
    """Delete every row, children first, keeping the migrated schema."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(tmp_path: Path, migrated: str) -> Iterator[Flask]:
    app = create_app(
        tmp_path,
        {
            "DATABASE_URL": migrated,
            "ORIGIN": ORIGIN,
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
        },
        environ={},
    )
    yield app
    with app.app_context():
        db.session.remove()
        empty_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(tmp_path: Path, migrated: str) -> Iterator[Callable[..., Flask]]:
    """Build more apps on the test database with other settings; their rows go at teardown."""
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        settings = {"DATABASE_URL": migrated, "ORIGIN": ORIGIN, "RATELIMIT_ENABLED": False, **config}
        extra = create_app(tmp_path / f"app{len(made)}", settings, environ={})
        made.append(extra)
        return extra

    yield make
    for extra in made:
        with extra.app_context():
            db.session.remove()
            empty_tables()
            db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Api:
    """Small helpers that speak the JSON API like the app does."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.post(path, json={} if body is None else body, headers={**JSON_HEADERS, **headers})

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(path, json=body, headers=JSON_HEADERS)

    def delete(self, path: str) -> Any:
        return self.client.delete(path, json={}, headers=JSON_HEADERS)

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def sign_up(
        self, name: str = "Ada Lovelace", authenticator: SoftAuthenticator | None = None
    ) -> dict[str, Any]:
        """Create an account with a new soft passkey; return the sign-up answer."""
        authenticator = authenticator or SoftAuthenticator(ORIGIN)
        options = self.post("/api/auth/register/options", {"name": name}).get_json()
        response = self.post("/api/auth/register/verify", {"credential": authenticator.create(options)})
        assert response.status_code == 201, response.get_json()
        self.authenticator = authenticator
        return response.get_json()

    def sign_in(self, authenticator: SoftAuthenticator, **kwargs: Any) -> Any:
        """Sign in with the authenticator's newest passkey; return the raw response."""
        options = self.post("/api/auth/login/options").get_json()
        return self.post("/api/auth/login/verify", {"credential": authenticator.get(options, **kwargs)})


@pytest.fixture
def api(client: FlaskClient) -> Api:
    return Api(client)


@pytest.fixture
def authenticator() -> SoftAuthenticator:
    return SoftAuthenticator(ORIGIN)


def count_rows(model: type, app: Flask) -> int:
    """Count the rows of a table (for asserting that nothing was written)."""
    with app.app_context():
        return int(db.session.execute(text(f"SELECT count(*) FROM {model.__tablename__}")).scalar_one())
