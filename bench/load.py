"""A bounded load test: N simulated phones capture and sync against gunicorn on loopback.

Each phone signs up with a software passkey, then loops for the given time: capture a contact
(push), pull, now and then edit one. At the end it reports throughput and latency percentiles,
then checks every acknowledged capture is in the database exactly once. Exits non-zero on any
error or lost write.

    python bench/load.py --devices 16 --seconds 60 [--database-url postgresql://...] [--workers 4]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import percentile, sign_up  # noqa: E402  (the path is set just above)
from bench.servers import running  # noqa: E402


class Phone(threading.Thread):
    """One simulated device: its own account, client id and mutation counter."""

    def __init__(self, origin: str, until: float) -> None:
        super().__init__(daemon=True)
        self.origin, self.until = origin, until
        self.http = requests.Session()  # signed in by run()
        self.latencies: dict[str, list[float]] = {"push": [], "pull": []}
        self.errors: list[str] = []
        self.acknowledged: set[str] = set()
        self.user_id = ""

    def call(self, kind: str, path: str, body: dict) -> dict:
        started = time.perf_counter()
        response = self.http.post(self.origin + path, json=body, timeout=30)
        self.latencies[kind].append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")
        return response.json()

    def run(self) -> None:
        try:
            self.http = sign_up(self.origin, "Load")
            self.user_id = self.http.get(self.origin + "/api/me", timeout=30).json()["user"]["id"]
            client_id, next_id, cursor = str(uuid.uuid4()), 1, 0
            while time.monotonic() < self.until:
                contact = str(uuid.uuid4())
                mutations = [
                    {
                        "id": next_id,
                        "name": "contact.put",
                        "args": {"id": contact, "fields": {"name": f"Person {next_id}", "notes": "x" * 200}},
                    }
                ]
                if self.acknowledged and next_id % 5 == 0:
                    some = next(iter(self.acknowledged))
                    mutations.append(
                        {
                            "id": next_id + 1,
                            "name": "contact.put",
                            "args": {"id": some, "fields": {"title": f"edit {next_id}"}},
                        }
                    )
                result = self.call("push", "/api/sync/push", {"client_id": client_id, "mutations": mutations})
                next_id = mutations[-1]["id"] + 1
                if result["last_mutation_id"] != mutations[-1]["id"]:
                    raise RuntimeError(
                        f"push acknowledged {result['last_mutation_id']}, sent {mutations[-1]['id']}"
                    )
                self.acknowledged.add(contact)
                page = self.call("pull", "/api/sync/pull", {"client_id": client_id, "cursor": cursor})
                cursor = page["cursor"]
        except Exception as error:  # a load test reports every failure rather than stopping
            self.errors.append(f"{type(error).__name__}: {error}")


def run(devices: int, seconds: float, database_url: str | None, workers: int) -> dict:
    with (
        tempfile.TemporaryDirectory() as tmp,
        running(Path(tmp), database_url, gunicorn_workers=workers) as server,
    ):
        origin = server.origin
        until = time.monotonic() + seconds
        phones = [Phone(origin, until) for _ in range(devices)]
        started = time.monotonic()
        for phone in phones:
            phone.start()
        for phone in phones:
            phone.join(timeout=seconds + 60)
        elapsed = time.monotonic() - started
        url = database_url or f"sqlite:///{Path(tmp) / 'cultivate.sqlite3'}"
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        lost = 0
        with engine.connect() as db:
            for phone in phones:
                if not phone.user_id:
                    continue
                stored = set(
                    db.execute(
                        text(
                            "SELECT id FROM sync_record "
                            "WHERE user_id = :u AND kind = 'contact' AND NOT deleted"
                        ),
                        {"u": phone.user_id},
                    ).scalars()
                )
                lost += len(phone.acknowledged - stored)
        engine.dispose()
    pushes = [x for p in phones for x in p.latencies["push"]]
    pulls = [x for p in phones for x in p.latencies["pull"]]
    errors = [e for p in phones for e in p.errors]
    ms = lambda v: round(v * 1000, 1)  # noqa: E731
    return {
        "devices": devices,
        "seconds": round(elapsed, 1),
        "workers": workers,
        "database": "postgresql" if database_url else "sqlite",
        "requests": len(pushes) + len(pulls),
        "throughput_rps": round((len(pushes) + len(pulls)) / elapsed, 1),
        "push_ms": {
            "p50": ms(statistics.median(pushes) if pushes else 0),
            "p95": ms(percentile(pushes, 0.95)),
            "p99": ms(percentile(pushes, 0.99)),
        },
        "pull_ms": {
            "p50": ms(statistics.median(pulls) if pulls else 0),
            "p95": ms(percentile(pulls, 0.95)),
            "p99": ms(percentile(pulls, 0.99)),
        },
        "acknowledged_captures": sum(len(p.acknowledged) for p in phones),
        "lost_writes": lost,
        "errors": errors[:10],
        "error_count": len(errors),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--devices", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", default=os.environ.get("CULTIVATE_TEST_DATABASE_URL"))
    args = parser.parse_args()
    workers = args.workers if args.database_url else 1  # SQLite: one writer process
    report = run(args.devices, args.seconds, args.database_url, workers)
    print(json.dumps(report, indent=2))
    return 1 if report["error_count"] or report["lost_writes"] else 0


if __name__ == "__main__":
    sys.exit(main())
