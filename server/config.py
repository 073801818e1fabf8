"""Configuration: defaults, then the data dir's `config.json`, then `CULTIVATE_*` variables."""

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .paths import shell_root

DEFAULTS: dict[str, Any] = {
    "ORIGIN": "http://localhost:8000",
    "RP_NAME": "Cultivate",
    "DATABASE_URL": None,  # None: SQLite in the data dir
    "SESSION_DAYS": 90,
    "CHALLENGE_SECONDS": 300,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "RATELIMIT_AUTH": "30 per minute",
    "RATELIMIT_RECOVERY": "10 per hour",
    "RATELIMIT_SYNC": "600 per minute",
    "RATELIMIT_CARD": "5 per minute;30 per hour",  # the public details form, per visitor
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",  # one process; use redis:// for many workers
    "PWA_DIR": None,  # None: the shell shipped with the package
    "VAPID_PRIVATE_KEY": None,  # PEM; None: made once and kept in the data dir
    "VAPID_SUBJECT": None,  # mailto: or https: contact for push services; None: from the origin
    "NUDGE_INTERVAL": 300,  # seconds between nudge runs inside `cultivate serve`; 0 turns them off
}

ENV_PREFIX = "CULTIVATE_"


def default_data_dir() -> Path:
    """Return the per-user data folder used when none is given."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "cultivate"


def _parse_env_value(raw: str) -> Any:
    # Numbers and booleans arrive as text; JSON reads them back, anything else stays a string.
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _secret_key(data_dir: Path) -> str:
    """Read the session key from the data dir, creating it once with owner-only permissions."""
    path = data_dir / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def load_config(
    data_dir: Path, environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Merge defaults, `data_dir/config.json`, `CULTIVATE_*` variables and test overrides."""
    environ = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    file_config = data_dir / "config.json"
    if file_config.exists():
        config.update({k.upper(): v for k, v in json.loads(file_config.read_text()).items()})
    for name, raw in environ.items():
        if name.startswith(ENV_PREFIX) and name != ENV_PREFIX + "DATA_DIR":
            config[name.removeprefix(ENV_PREFIX)] = _parse_env_value(raw)
    config.update(overrides or {})

    data_dir.mkdir(parents=True, exist_ok=True)
    config["DATA_DIR"] = str(data_dir)
    config["SECRET_KEY"] = config.get("SECRET_KEY") or _secret_key(data_dir)
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        config["DATABASE_URL"] or f"sqlite:///{data_dir / 'cultivate.sqlite3'}"
    )
    origin = urlsplit(str(config["ORIGIN"]).rstrip("/"))
    if origin.scheme not in ("http", "https") or not origin.hostname:
        raise ValueError(f"CULTIVATE_ORIGIN must look like https://example.org, not {config['ORIGIN']!r}")
    config["ORIGIN"] = f"{origin.scheme}://{origin.netloc}"
    config["RP_ID"] = origin.hostname
    config["SECURE_COOKIES"] = origin.scheme == "https"
    config["VAPID_SUBJECT"] = config["VAPID_SUBJECT"] or (
        config["ORIGIN"] if origin.scheme == "https" else f"mailto:cultivate@{origin.hostname}"
    )
    config["PWA_ROOT"] = str(Path(config["PWA_DIR"])) if config["PWA_DIR"] else str(shell_root() / "pwa")
    config["MANIFEST_PATH"] = str(shell_root() / "manifest.json")
    return config


def normalise_database_url(url: str) -> str:
    """Point plain `postgresql://` URLs at psycopg 3, the driver this package installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url
