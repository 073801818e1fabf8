"""The `cultivate` command: `cultivate serve` runs the app on a real WSGI server."""

import argparse
import logging
import os
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from .config import default_data_dir


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cultivate", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the app (SQLite in the data dir by default)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--data-dir", type=Path, default=None)
    serve.add_argument("--threads", type=int, default=8)
    migrate = commands.add_parser(
        "migrate", help="apply database migrations and exit (before gunicorn starts)"
    )
    migrate.add_argument("--data-dir", type=Path, default=None)
    nudge = commands.add_parser("nudge", help="send the follow-up nudges due now, once, and print them")
    nudge.add_argument("--data-dir", type=Path, default=None)
    nudge.add_argument("--now", type=_instant, default=None, help="pretend it is this ISO 8601 time")
    return parser


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone, e.g. 2026-11-27T09:00:00+01:00 or ...Z")
    return moment.astimezone(UTC)


def _data_dir(given: Path | None) -> Path:
    return (given or Path(os.environ.get("CULTIVATE_DATA_DIR") or default_data_dir())).resolve()


def serve(host: str, port: int, data_dir: Path, threads: int) -> None:
    """Migrate the database, then serve with waitress until interrupted."""
    from waitress import create_server

    from . import create_app, upgrade_database

    environ = dict(os.environ)
    # The default origin follows the port; browse to localhost, since an IP is no passkey rp id.
    environ.setdefault("CULTIVATE_ORIGIN", f"http://localhost:{port}")
    app = create_app(data_dir, environ=environ)
    upgrade_database(app)
    start_nudge_thread(app)
    server = create_server(app, host=host, port=port, threads=threads, ident="cultivate")
    # Printed once the socket listens, so whoever reads it can connect right away.
    print(f"Cultivate is running. Open {app.config['ORIGIN']}", flush=True)
    print(f"Data: {data_dir}", flush=True)
    server.run()


def run_nudges_once(app: Flask, now: datetime | None = None) -> list[str]:
    """Run the nudge job once; return one line per nudge handled."""
    from .db import utcnow
    from .nudges.runner import run_nudges

    with app.app_context():
        reports = run_nudges(app.extensions["cultivate_push_sender"], now or utcnow())
    return [f"{r.user}: {r.title} — {r.body} [{r.outcome}]" for r in reports]


def start_nudge_thread(app: Flask) -> None:
    """Run the nudge job every NUDGE_INTERVAL seconds in the background (the embedded default)."""
    interval = float(app.config["NUDGE_INTERVAL"])
    if interval <= 0:
        return
    log = logging.getLogger("cultivate.nudges")

    def loop() -> None:
        stop = threading.Event()
        while not stop.wait(interval):
            try:
                for line in run_nudges_once(app):
                    log.info("%s", line)
            except Exception:  # keep the schedule alive; the next run retries
                log.exception("nudge run failed")

    threading.Thread(target=loop, name="cultivate-nudges", daemon=True).start()


def nudge(data_dir: Path, now: datetime | None) -> int:
    """`cultivate nudge`: send what is due once and print it."""
    from . import create_app, upgrade_database

    app = create_app(data_dir)
    upgrade_database(app)
    lines = run_nudges_once(app, now)
    for line in lines:
        print(line)
    if not lines:
        print("Nothing to send.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `cultivate` console script."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = _parser().parse_args(argv)
    if args.command == "serve":
        try:
            serve(args.host, args.port, _data_dir(args.data_dir), args.threads)
        except KeyboardInterrupt:
            pass
        except ValueError as error:
            print(f"cultivate: {error}", file=sys.stderr)
            return 2
    if args.command == "nudge":
        return nudge(_data_dir(args.data_dir), args.now)
    if args.command == "migrate":
        from . import create_app, upgrade_database

        upgrade_database(create_app(_data_dir(args.data_dir)))
        print("Database is up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
