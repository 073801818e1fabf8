"""`cultivate serve` as a person runs it: a real WSGI server, migrations applied, one key."""

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import Api

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(
    data_dir: Path,
    *,
    pythonpath: str | None = None,
    database_url: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[tuple[str, str]]:
    """Run `cultivate serve` until the block ends; yield its URL and what it printed first."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CULTIVATE_")}
    env.update(extra_env or {})
    if database_url or os.environ.get("CULTIVATE_TEST_DATABASE_URL"):
        env["CULTIVATE_DATABASE_URL"] = database_url or os.environ["CULTIVATE_TEST_DATABASE_URL"]
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from server.cli import main; sys.exit(main())",
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=data_dir,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()  # printed once migrations are done
        yield f"http://127.0.0.1:{port}", first_line
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def test_serve_prints_the_url_and_answers_json(tmp_path: Path) -> None:
    with serving(tmp_path) as (url, printed):
        port = url.rsplit(":", 1)[1]
        assert printed.strip() == f"Cultivate is running. Open http://localhost:{port}"
        status, headers, body = fetch(url + "/api/me")
        assert status == 401
        assert json.loads(body)["description"] == "Sign in to continue."
        assert headers["Server"] == "cultivate"  # waitress, not the development server
        status, _, body = fetch(url + "/api/openapi.json")
        assert json.loads(body)["servers"] == [{"url": f"http://localhost:{port}"}]
    assert (tmp_path / "secret_key").exists()
    if not os.environ.get("CULTIVATE_TEST_DATABASE_URL"):
        assert (tmp_path / "cultivate.sqlite3").exists()


def test_session_key_survives_a_restart(tmp_path: Path) -> None:
    with serving(tmp_path):
        pass
    key = (tmp_path / "secret_key").read_text()
    with serving(tmp_path) as (url, _):
        assert fetch(url + "/api/me")[0] == 401
    assert (tmp_path / "secret_key").read_text() == key


def test_bad_origin_stops_with_a_message(tmp_path: Path) -> None:
    env = {**os.environ, "CULTIVATE_ORIGIN": "not-a-url"}
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--data-dir", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "CULTIVATE_ORIGIN must look like" in result.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("cultivate-*.whl"))


def test_wheel_carries_the_shell_and_migrations(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "server/_shell/manifest.json" in names
    assert "server/_shell/pwa/index.html" in names
    assert "server/_shell/pwa/sw.js" in names
    assert any(re.match(r"server/migrations/versions/.+\.py$", n) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "cultivate = server.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_serves_the_app(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    data = tmp_path / "data"
    data.mkdir()
    with serving(data, pythonpath=str(site)) as (url, printed):
        assert "Cultivate is running" in printed
        status, _, body = fetch(url + "/")
        assert status == 200 and b"/js/app.js" in body
        assert fetch(url + "/manifest.json")[0] == 200
        status, _, body = fetch(url + "/sw.js")
        assert status == 200 and b"SHELL_VERSION" in body


def met_grace(api: Api, due: str) -> None:
    """Sync one contact, Grace, whose follow-up falls due at `due`."""
    import uuid

    mutation = {
        "id": 1,
        "name": "contact.put",
        "args": {"id": str(uuid.uuid4()), "fields": {"name": "Grace", "follow_up_due": due}},
    }
    response = api.post("/api/sync/push", {"client_id": str(uuid.uuid4()), "mutations": [mutation]})
    assert response.status_code == 200


def test_nudge_command_sends_once_and_prints_it(tmp_path: Path, migrated: str, make_app) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    from .conftest import Api
    from .push_service import Browser, PushService

    app = make_app()
    api = Api(app.test_client())
    api.sign_up("Ada")
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    due = (now + timedelta(hours=2)).isoformat()
    met_grace(api, due)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CULTIVATE_")}
    env["CULTIVATE_DATABASE_URL"] = migrated
    command = [
        sys.executable,
        "-m",
        "server.cli",
        "nudge",
        "--data-dir",
        str(tmp_path),
        "--now",
        "2026-11-28T12:00:00Z",
    ]
    with PushService() as service:
        browser = Browser()
        api.post("/api/push/subscriptions", {"endpoint": f"{service.url}/s/1", "keys": browser.keys()})
        first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert first.returncode == 0, first.stderr
    assert (
        "Ada: Follow up with Grace — Send Grace a thank-you: 2 h left. [sent to 1 device(s)]" in first.stdout
    )
    assert json.loads(browser.decrypt(service.received[0].body))["title"] == "Follow up with Grace"
    assert again.stdout.strip() == "Nothing to send."
    assert len(service.received) == 1


def test_nudge_refuses_a_time_without_zone(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "server.cli",
            "nudge",
            "--data-dir",
            str(tmp_path),
            "--now",
            "2026-11-28T12:00",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "give a time zone" in result.stderr


def test_serve_runs_the_nudge_job_on_a_schedule(tmp_path: Path, migrated: str, make_app) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    from .conftest import Api
    from .push_service import Browser, PushService

    app = make_app()
    api = Api(app.test_client())
    api.sign_up("Ada")
    now = datetime.now(UTC)
    # Quiet hours well away from now, whatever time this test runs.
    quiet = {
        "quiet_start": (now + timedelta(hours=6)).strftime("%H:%M"),
        "quiet_end": (now + timedelta(hours=7)).strftime("%H:%M"),
    }
    assert api.patch("/api/settings", quiet).status_code == 200
    met_grace(api, (now + timedelta(hours=2)).isoformat())
    with PushService() as service:
        api.post("/api/push/subscriptions", {"endpoint": f"{service.url}/s/2", "keys": Browser().keys()})
        interval = {"CULTIVATE_NUDGE_INTERVAL": "0.2"}
        with serving(tmp_path, database_url=migrated, extra_env=interval) as (url, _):
            deadline = datetime.now(UTC) + timedelta(seconds=20)
            while not service.received and datetime.now(UTC) < deadline:
                fetch(url + "/manifest.json")  # the server stays up while its job runs
                threading_event_wait(0.2)
    assert len(service.received) == 1


def threading_event_wait(seconds: float) -> None:
    """Wait for the background job between polls (a bounded poll of another process)."""
    import threading

    threading.Event().wait(seconds)


def test_migrate_command_brings_a_new_database_up_to_date(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CULTIVATE_")}
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "migrate", "--data-dir", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Database is up to date."
    import sqlite3

    with sqlite3.connect(tmp_path / "cultivate.sqlite3") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"user_account", "sync_record", "nudge", "card_link", "alembic_version"} <= tables
