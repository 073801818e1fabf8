"""The health endpoint answers anyone, without a session and without a database query."""

from flask import Flask
from sqlalchemy import event

from server.db import db


def test_health_answers_without_a_session_or_a_query(app: Flask) -> None:
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731  (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = app.test_client().get("/api/health")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert statements == []
