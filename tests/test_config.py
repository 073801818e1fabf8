"""Configuration layers: defaults, then the data dir, then CULTIVATE_* variables."""

import json
import stat
from pathlib import Path

import pytest

from server.config import load_config, normalise_database_url


def test_defaults_use_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    config = load_config(tmp_path, environ={})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'cultivate.sqlite3'}"
    assert config["ORIGIN"] == "http://localhost:8000"
    assert config["RP_ID"] == "localhost"
    assert config["SECURE_COOKIES"] is False


def test_data_dir_file_overrides_defaults_and_environment_overrides_both(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"rp_name": "From file", "session_days": 7}))
    config = load_config(tmp_path, environ={"CULTIVATE_SESSION_DAYS": "30"})
    assert config["RP_NAME"] == "From file"
    assert config["SESSION_DAYS"] == 30


def test_origin_sets_rp_id_and_secure_cookies(tmp_path: Path) -> None:
    config = load_config(tmp_path, environ={"CULTIVATE_ORIGIN": "https://app.example.org/"})
    assert config["ORIGIN"] == "https://app.example.org"
    assert config["RP_ID"] == "app.example.org"
    assert config["SECURE_COOKIES"] is True


@pytest.mark.parametrize("origin", ["app.example.org", "ftp://x.org", "https://"])
def test_bad_origin_is_refused_with_a_message(tmp_path: Path, origin: str) -> None:
    with pytest.raises(ValueError, match="CULTIVATE_ORIGIN"):
        load_config(tmp_path, environ={"CULTIVATE_ORIGIN": origin})


def test_session_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = load_config(tmp_path, environ={})["SECRET_KEY"]
    second = load_config(tmp_path, environ={})["SECRET_KEY"]
    assert first == second
    assert len(first) >= 48
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_session_key_from_environment_wins(tmp_path: Path) -> None:
    config = load_config(tmp_path, environ={"CULTIVATE_SECRET_KEY": "from-env"})
    assert config["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_database_url_from_environment(tmp_path: Path) -> None:
    config = load_config(tmp_path, environ={"CULTIVATE_DATABASE_URL": "postgresql://u@h/db"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_urls_use_psycopg3(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected
