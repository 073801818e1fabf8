"""Cultivate's server: a thin Flask JSON backend for accounts, sync and nudges."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import Migrate

from .config import default_data_dir, load_config
from .paths import MIGRATIONS_DIR


def create_app(
    data_dir: Path | None = None,
    test_config: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Flask:
    """Build the app: config, database, security, error handlers, routes."""
    import os

    from . import models  # noqa: F401  (registers the tables)
    from .auth.views import bp as auth_bp
    from .cards import models as card_models  # noqa: F401  (registers the tables)
    from .cards.public import bp as public_card_bp
    from .cards.views import bp as cards_bp
    from .db import db
    from .errors import register_error_handlers
    from .exchange.views import bp as exchange_bp
    from .health import bp as health_bp
    from .limits import limiter
    from .nudges import models as nudge_models  # noqa: F401  (registers the tables)
    from .nudges.push import PushSender, load_vapid
    from .nudges.views import bp as nudges_bp
    from .openapi import bp as openapi_bp
    from .scan import bp as scan_bp
    from .security import init_security
    from .shell import bp as shell_bp
    from .shell import scan_shell
    from .sync import models as sync_models  # noqa: F401  (registers the tables)
    from .sync.views import bp as sync_bp

    env = os.environ if environ is None else environ
    data_dir = data_dir or Path(env.get("CULTIVATE_DATA_DIR") or default_data_dir())

    # Config
    app = Flask(__name__, static_folder=None)
    app.config.update(load_config(Path(data_dir), env, test_config))
    app.json.sort_keys = False  # type: ignore[attr-defined]

    # Extensions
    db.init_app(app)
    Migrate(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    limiter.init_app(app)
    vapid = load_vapid(Path(app.config["DATA_DIR"]), app.config["VAPID_PRIVATE_KEY"])
    app.extensions["cultivate_vapid"] = vapid
    app.extensions["cultivate_push_sender"] = PushSender(vapid, app.config["VAPID_SUBJECT"])
    app.extensions["cultivate_shell"] = scan_shell(
        Path(app.config["PWA_ROOT"]), Path(app.config["MANIFEST_PATH"])
    )

    # Security and errors
    init_security(app)
    register_error_handlers(app)

    # Routes
    app.register_blueprint(auth_bp)
    app.register_blueprint(sync_bp)
    app.register_blueprint(nudges_bp)
    app.register_blueprint(cards_bp)
    app.register_blueprint(public_card_bp)
    app.register_blueprint(scan_bp)
    app.register_blueprint(exchange_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(openapi_bp)
    app.register_blueprint(shell_bp)
    return app


def upgrade_database(app: Flask) -> None:
    """Apply every pending migration."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
