"""Browser tests: a real `cultivate serve` on a free port, real Chromium as a Pixel 7."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = "Pixel 7"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RunningServer:
    """A `cultivate serve` process; stop() and start() again keep its data dir and port."""

    def __init__(self, data_dir: Path, port: int, env: dict[str, str]) -> None:
        self.data_dir, self.port, self.env = data_dir, port, env
        self.url = f"http://localhost:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "RunningServer":
        with (self.data_dir / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "server.cli",
                    "serve",
                    "--port",
                    str(self.port),
                    "--data-dir",
                    str(self.data_dir),
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.data_dir / "server.log").read_text())
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/manifest.json", timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)  # polling a starting process, not waiting on the page
        raise RuntimeError("cultivate serve did not start within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def start_server(data_dir: Path, **extra_env: str) -> RunningServer:
    """Start a server with generous rate limits and the test database, if one is given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CULTIVATE_")}
    env.update(CULTIVATE_RATELIMIT_AUTH="10000 per minute", CULTIVATE_RATELIMIT_RECOVERY="10000 per minute")
    if os.environ.get("CULTIVATE_TEST_DATABASE_URL"):
        env["CULTIVATE_DATABASE_URL"] = os.environ["CULTIVATE_TEST_DATABASE_URL"]
    env.update(extra_env)
    data_dir.mkdir(parents=True, exist_ok=True)
    return RunningServer(data_dir, free_port(), env).start()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("server"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    if CHROMIUM:
        args["executable_path"] = CHROMIUM
    return args


@pytest.fixture(scope="session")
def phone(playwright: Playwright) -> dict[str, Any]:
    device = dict(playwright.devices[PHONE])
    device.pop("default_browser_type", None)
    return device


@pytest.fixture
def browser_context_args(
    browser_context_args: dict[str, Any], phone: dict[str, Any], server: RunningServer
) -> dict[str, Any]:
    return {**browser_context_args, **phone, "base_url": server.url}


class Authenticator:
    """A virtual passkey authenticator on one page, over the DevTools protocol."""

    def __init__(self, context: BrowserContext, page: Page) -> None:
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("WebAuthn.enable", {"enableUI": False})
        self.id = self.cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )["authenticatorId"]

    def credentials(self) -> list[dict[str, Any]]:
        return self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": self.id})["credentials"]

    def add(self, credential: dict[str, Any]) -> None:
        """Copy a passkey in, as a synced passkey arrives on a second device."""
        self.cdp.send("WebAuthn.addCredential", {"authenticatorId": self.id, "credential": credential})

    def clear(self) -> None:
        self.cdp.send("WebAuthn.clearCredentials", {"authenticatorId": self.id})


@pytest.fixture
def authenticator(context: BrowserContext, page: Page) -> Authenticator:
    return Authenticator(context, page)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests keep their own server; mark them so `-m "not browser"` gives a quick run.
    for item in items:
        if "e2e" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.browser)


def copy_shell(target: Path) -> Path:
    """Copy the app shell so a test can change a file and restart the server."""
    from server.paths import shell_root

    shutil.copytree(shell_root() / "pwa", target)
    return target
