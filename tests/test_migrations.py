"""Migrations go all the way up and all the way down again, on SQLite and PostgreSQL."""

import os
import uuid
from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from server import create_app
from server.db import db
from server.paths import MIGRATIONS_DIR


def scratch_database(tmp_path: Path) -> tuple[str, object]:
    """A database of its own: a SQLite file, or a fresh schema-less PostgreSQL database."""
    base = os.environ.get("CULTIVATE_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path / 'migrations.sqlite3'}", None
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return base.rsplit("/", 1)[0] + f"/{name}", (admin, name)


def test_up_down_up(tmp_path: Path) -> None:
    url, cleanup = scratch_database(tmp_path)
    app = create_app(tmp_path, {"DATABASE_URL": url}, environ={})
    try:
        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR))
            tables = set(inspect(db.engine).get_table_names())
            assert {"user_account", "passkey", "sync_record", "nudge", "card_link"} <= tables
            # The migrated schema is the models' schema: nothing left to autogenerate.
            from alembic.autogenerate import compare_metadata
            from alembic.migration import MigrationContext

            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert diff == []
            downgrade(directory=str(MIGRATIONS_DIR), revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade(directory=str(MIGRATIONS_DIR))
            assert {"user_account", "card_link"} <= set(inspect(db.engine).get_table_names())
            db.session.remove()
            db.engine.dispose()
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:  # type: ignore[attr-defined]
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()  # type: ignore[attr-defined]
