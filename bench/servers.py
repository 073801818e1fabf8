"""Real servers for the benchmark: `cultivate serve` (waitress), gunicorn, a throwaway PostgreSQL."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from e2e.conftest import free_port  # noqa: E402


@dataclass
class Server:
    """A running server: where to reach it and the process that answers."""

    origin: str
    process: subprocess.Popen[bytes]

    def answering_pids(self) -> list[int]:
        """The processes that handle requests: gunicorn's workers, or waitress itself."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            pids = [int(p) for p in children.read_text().split()]
        except OSError:
            pids = []
        return pids or [self.process.pid]

    def peak_memory_mb(self) -> float:
        """The largest peak resident size (VmHWM) among the answering processes."""
        peaks = []
        for pid in self.answering_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
            peaks.append(kb / 1024)
        return round(max(peaks), 1)


def _environment(data_dir: Path, origin: str, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CULTIVATE_")}
    env.update(
        CULTIVATE_DATA_DIR=str(data_dir),
        CULTIVATE_ORIGIN=origin,
        CULTIVATE_NUDGE_INTERVAL="0",
        CULTIVATE_RATELIMIT_ENABLED="false",
    )
    if database_url:
        env["CULTIVATE_DATABASE_URL"] = database_url
    return env


def _wait_until_answering(server: Server) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with {server.process.returncode}")
        try:
            requests.get(server.origin + "/api/health", timeout=5)
            return
        except requests.RequestException:  # not listening yet, or still booting a worker
            time.sleep(0.1)
    raise RuntimeError("the server did not answer within 30 s")


@contextmanager
def running(
    data_dir: Path, database_url: str | None = None, *, gunicorn_workers: int = 0
) -> Iterator[Server]:
    """Migrate, then run `cultivate serve` (gunicorn_workers=0) or gunicorn until the block ends."""
    port = free_port()
    origin = f"http://localhost:{port}"
    env = _environment(data_dir, origin, database_url)
    data_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "server.cli", "migrate"], env=env, check=True, capture_output=True)
    if gunicorn_workers:
        command = [
            sys.executable, "-m", "gunicorn", "--workers", str(gunicorn_workers),
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "server:create_app()",
        ]  # fmt: skip
    else:
        command = [sys.executable, "-m", "server.cli", "serve", "--port", str(port)]
    # waitress warns on every queued request under load; the log keeps that out of the report.
    with (data_dir / "server.log").open("ab") as log:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    server = Server(origin, process)
    try:
        _wait_until_answering(server)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=20)


def have_postgres() -> bool:
    """Whether this machine can start a throwaway PostgreSQL (initdb on PATH or in Debian's place)."""
    return bool(shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")))


@contextmanager
def postgres() -> Iterator[str | None]:
    """CULTIVATE_TEST_DATABASE_URL if set, else a throwaway cluster, else None (no PostgreSQL here)."""
    if os.environ.get("CULTIVATE_TEST_DATABASE_URL"):
        yield os.environ["CULTIVATE_TEST_DATABASE_URL"]
        return
    if not have_postgres():
        yield None
        return
    cluster = tempfile.mkdtemp(prefix="cultivate-bench-pg.")
    script = str(ROOT / "scripts" / "pg.sh")
    try:
        url = subprocess.run(
            [script, "up", cluster, str(free_port())], check=True, capture_output=True, text=True
        ).stdout.strip()
        yield url
    finally:
        subprocess.run([script, "down", cluster], check=False, capture_output=True)
