"""Server-side figures: throughput of push and pull against a trivial endpoint, and how pull grows.

Every figure comes from a real server on loopback (`cultivate serve` on SQLite, gunicorn on
PostgreSQL, as docs/deploy.md runs them) driven by real HTTP clients with real passkey accounts.
"""

import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.servers import Server, running  # noqa: E402
from tests.softauthn import SoftAuthenticator  # noqa: E402

SEED_NOTES = "Met at the conference; wants an intro to someone in robotics hiring. " * 2


def sign_up(origin: str, name: str) -> requests.Session:
    """A new account with a software passkey; the session is signed in."""
    http = requests.Session()
    http.headers["Origin"] = origin
    options = http.post(origin + "/api/auth/register/options", json={"name": name}, timeout=30).json()
    credential = SoftAuthenticator(origin).create(options)
    http.post(
        origin + "/api/auth/register/verify", json={"credential": credential}, timeout=30
    ).raise_for_status()
    return http


def seed(http: requests.Session, origin: str, count: int) -> None:
    """Push `count` captured contacts from one device, 200 per request (the push maximum)."""
    client = str(uuid.uuid4())
    for start in range(0, count, 200):
        mutations = [
            {
                "id": n + 1,
                "name": "contact.put",
                "args": {
                    "id": str(uuid.uuid4()),
                    "fields": {"name": f"Person {n}", "company": f"Company {n % 300}", "notes": SEED_NOTES},
                },
            }
            for n in range(start, min(count, start + 200))
        ]
        response = http.post(
            origin + "/api/sync/push", json={"client_id": client, "mutations": mutations}, timeout=60
        )
        response.raise_for_status()


def percentile(values: list[float], q: float) -> float:
    """The q-quantile by nearest rank (values need not be sorted; none gives 0)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


Call = Callable[[requests.Session], requests.Response]


def health_call(origin: str) -> Callable[[], Call]:
    """The baseline: a JSON answer that touches no database."""
    return lambda: lambda http: http.get(origin + "/api/health", timeout=30)


def push_call(origin: str) -> Callable[[], Call]:
    """One capture per request, from a device of its own (its mutation ids count up)."""

    def per_client() -> Call:
        client, counter = str(uuid.uuid4()), iter(range(1, 10**9))

        def call(http: requests.Session) -> requests.Response:
            mutation = {
                "id": next(counter),
                "name": "contact.put",
                "args": {"id": str(uuid.uuid4()), "fields": {"name": "Pat Quick", "notes": SEED_NOTES}},
            }
            return http.post(
                origin + "/api/sync/push", json={"client_id": client, "mutations": [mutation]}, timeout=30
            )

        return call

    return per_client


def pull_call(origin: str) -> Callable[[], Call]:
    """A page of 100 changes for a device catching up (the account holds more than that)."""

    def per_client() -> Call:
        client = str(uuid.uuid4())
        return lambda http: http.post(
            origin + "/api/sync/pull", json={"client_id": client, "cursor": 0, "limit": 100}, timeout=30
        )

    return per_client


def hammer(sessions: list[requests.Session], make_call: Callable[[], Call], seconds: float) -> dict:
    """Every session calls as fast as answers come for `seconds`; requests/s and latency."""
    latencies: list[list[float]] = [[] for _ in sessions]
    failures: list[str] = []
    start = threading.Barrier(len(sessions) + 1)
    deadline = [0.0]

    def worker(index: int) -> None:
        call, http = make_call(), sessions[index]
        start.wait()
        while time.perf_counter() < deadline[0]:
            began = time.perf_counter()
            response = call(http)
            if response.status_code != 200:
                failures.append(f"{response.status_code} {response.text[:120]}")
                return
            latencies[index].append(time.perf_counter() - began)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    every = [x for per in latencies for x in per]
    if failures or not every:
        raise RuntimeError(f"requests failed during the benchmark: {failures[:3]}")
    return {
        "requests": len(every),
        "rps": round(len(every) / elapsed, 1),
        "p50_ms": round(statistics.median(every) * 1000, 1),
        "p95_ms": round(percentile(every, 0.95) * 1000, 1),
    }


def throughput(data_dir: Path, database_url: str | None, levels: tuple[int, ...], seconds: float) -> dict:
    """Push and pull against the trivial endpoint at each concurrency, on one database."""
    workers = 4 if database_url else 0  # PostgreSQL behind gunicorn; SQLite on `cultivate serve`
    with running(data_dir, database_url, gunicorn_workers=workers) as server:
        sessions = [sign_up(server.origin, f"Bench {i}") for i in range(max(levels))]
        for http in sessions:
            seed(http, server.origin, 200)
        kinds = {
            "health": health_call(server.origin),
            "push": push_call(server.origin),
            "pull": pull_call(server.origin),
        }
        for make in kinds.values():  # warm every worker's connections and caches
            hammer(sessions[: max(levels)], make, min(1.0, seconds))
        rows = []
        for clients in levels:
            measured = {name: hammer(sessions[:clients], make, seconds) for name, make in kinds.items()}
            for name in ("push", "pull"):
                rows.append(
                    {
                        "clients": clients,
                        "endpoint": name,
                        **measured[name],
                        "baseline_rps": measured["health"]["rps"],
                        "ratio": round(measured[name]["rps"] / measured["health"]["rps"], 2),
                    }
                )
    return {
        "server": f"gunicorn, {workers} workers" if workers else "cultivate serve (waitress, 8 threads)",
        "rows": rows,
    }


def full_pull(origin: str, http: requests.Session) -> tuple[float, int, int]:
    """A new device pulls everything: seconds taken, changes received, bytes received."""
    client, cursor, received, size = str(uuid.uuid4()), 0, 0, 0
    began = time.perf_counter()
    while True:
        response = http.post(
            origin + "/api/sync/pull", json={"client_id": client, "cursor": cursor}, timeout=60
        )
        response.raise_for_status()
        page = response.json()
        received += len(page["changes"])
        size += len(response.content)
        cursor = page["cursor"]
        if not page["has_more"]:
            return time.perf_counter() - began, received, size


def reset_peak_memory(server: Server) -> None:
    """Start VmHWM again from the current size (Linux: writing 5 to clear_refs)."""
    for pid in server.answering_pids():
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def growth(data_dir: Path, database_url: str | None, sizes: tuple[int, ...], repeats: int) -> list[dict]:
    """Pull time and the server's peak memory during the pull, for accounts of each size."""
    rows = []
    for size in sizes:
        with running(data_dir / f"growth-{size}", fresh_database(database_url, f"growth_{size}")) as server:
            http = sign_up(server.origin, f"Growth {size}")
            seed(http, server.origin, size)
            full_pull(server.origin, http)  # warm: imports, caches, the connection pool
            reset_peak_memory(server)
            before = server.peak_memory_mb()
            times = []
            for _ in range(repeats):
                seconds, received, size_bytes = full_pull(server.origin, http)
                assert received == size, f"pulled {received} of {size}"
                times.append(seconds)
            rows.append(
                {
                    "contacts": size,
                    "pull_ms": round(statistics.median(times) * 1000, 1),
                    "ms_per_1000": round(statistics.median(times) * 1000 / (size / 1000), 1),
                    "payload_kb": round(size_bytes / 1024, 1),
                    "memory_before_mb": before,
                    "memory_peak_mb": server.peak_memory_mb(),
                }
            )
    return rows


def fresh_database(database_url: str | None, name: str) -> str | None:
    """A new, empty PostgreSQL database beside the given one (None stays None: SQLite)."""
    if database_url is None:
        return None
    name = f"{name}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return database_url.rsplit("/", 1)[0] + "/" + name
