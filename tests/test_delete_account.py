"""Deleting an account: confirmed with a passkey, and then every row of that person is gone."""

import uuid
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import inspect, text

from server.db import db

from .conftest import Api
from .push_service import Browser


def populate(api: Api) -> None:
    """Give an account a row in every table: data, a device, settings, push, card, nudges."""
    from server.nudges.runner import run_nudges

    client = str(uuid.uuid4())
    card_id = api.get("/api/card/link").get_json()["card_id"]
    due = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    api.post(
        "/api/sync/push",
        {
            "client_id": client,
            "mutations": [
                {
                    "id": 1,
                    "name": "contact.put",
                    "args": {"id": str(uuid.uuid4()), "fields": {"name": "Grace", "follow_up_due": due}},
                },
                {
                    "id": 2,
                    "name": "contact.put",
                    "args": {"id": str(uuid.uuid4()), "fields": {"name": "x" * 300}},
                },
                {"id": 3, "name": "card.put", "args": {"id": card_id, "fields": {"name": "Me"}}},
            ],
        },
    )
    api.patch("/api/settings", {"quiet_start": "03:00", "quiet_end": "03:01"})
    api.post(
        "/api/push/subscriptions",
        {"endpoint": f"https://push.example/{uuid.uuid4()}", "keys": Browser().keys()},
    )
    api.post("/api/auth/login/options")
    app = api.client.application
    with app.app_context():
        run_nudges(app.extensions["cultivate_push_sender"], datetime.now(UTC))


def rows_of(app: Flask, user_id: str) -> dict[str, int]:
    """For each table, how many rows belong to the person (directly or through a parent)."""
    counts = {}
    with app.app_context():
        for table in inspect(db.engine).get_table_names():
            if table == "alembic_version":
                continue
            columns = {c["name"] for c in inspect(db.engine).get_columns(table)}
            if "user_id" in columns:
                sql = f"SELECT count(*) FROM {table} WHERE user_id = :u"
            elif table == "user_account":
                sql = "SELECT count(*) FROM user_account WHERE id = :u"
            elif table == "sync_rejection":
                sql = (
                    "SELECT count(*) FROM sync_rejection r JOIN sync_client c ON c.id = r.client_id "
                    "WHERE c.user_id = :u"
                )
            elif table == "nudge_claim":
                sql = (
                    "SELECT count(*) FROM nudge_claim k JOIN nudge n ON n.id = k.nudge_id "
                    "WHERE n.user_id = :u"
                )
            else:
                raise AssertionError(f"table {table} has no known owner: add it here")
            counts[table] = db.session.execute(text(sql), {"u": user_id}).scalar_one()
        # Orphans: rows whose parent is gone would be rows of a deleted person.
        counts["orphan rejections"] = db.session.execute(
            text("SELECT count(*) FROM sync_rejection WHERE client_id NOT IN (SELECT id FROM sync_client)")
        ).scalar_one()
        counts["orphan claims"] = db.session.execute(
            text("SELECT count(*) FROM nudge_claim WHERE nudge_id NOT IN (SELECT id FROM nudge)")
        ).scalar_one()
    return counts


def delete_account(api: Api, **kwargs) -> object:  # type: ignore[no-untyped-def]
    options = api.post("/api/me/delete/options").get_json()
    return api.post("/api/me/delete", {"credential": api.authenticator.get(options, **kwargs)})


def test_delete_account_removes_every_row_of_that_person(api: Api, app: Flask) -> None:
    ada = api.sign_up("Ada")["user"]["id"]
    populate(api)
    bob_api = Api(app.test_client())
    bob = bob_api.sign_up("Bob")["user"]["id"]
    populate(bob_api)
    before = rows_of(app, ada)
    assert all(before[t] > 0 for t in before if not t.startswith("orphan") and t != "challenge")

    response = delete_account(api)
    assert response.status_code == 204
    assert "cultivate_session=;" in response.headers["Set-Cookie"]
    assert all(count == 0 for count in rows_of(app, ada).values()), rows_of(app, ada)
    assert api.get("/api/me").status_code == 401
    # Bob keeps everything.
    bobs = rows_of(app, bob)
    assert (
        bobs["sync_record"] == 2
        and bobs["sync_rejection"] == 1
        and bobs["passkey"] == 1
        and bobs["user_account"] == 1
    )


def test_delete_needs_a_fresh_passkey_of_mine(api: Api, app: Flask) -> None:
    api.sign_up("Ada")
    options = api.post("/api/me/delete/options").get_json()
    assert len(options["allowCredentials"]) == 1
    mallory = Api(app.test_client())
    mallory.sign_up("Mallory")
    # Mallory's passkey signing Ada's challenge, on Ada's session: refused.
    forged = mallory.authenticator.get(options)
    assert api.post("/api/me/delete", {"credential": forged}).status_code in (400, 403)
    assert api.get("/api/me").status_code == 200
    # A replayed confirmation does not work either.
    options = api.post("/api/me/delete/options").get_json()
    signed = api.authenticator.get(options)
    mallory_options = mallory.post("/api/me/delete/options").get_json()
    assert mallory.post("/api/me/delete", {"credential": signed}).status_code == 400
    assert mallory_options["challenge"]
    assert api.get("/api/me").status_code == 200


def test_delete_needs_sign_in(api: Api) -> None:
    assert api.post("/api/me/delete/options").status_code == 401
