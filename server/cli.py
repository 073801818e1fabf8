"""The `cultivate` command: `cultivate serve` runs the app on a real WSGI server."""

import argparse
import logging
import os
import sys
from pathlib import Path

from .config import default_data_dir


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cultivate", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the app (SQLite in the data dir by default)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--data-dir", type=Path, default=None)
    serve.add_argument("--threads", type=int, default=8)
    return parser


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
    server = create_server(app, host=host, port=port, threads=threads, ident="cultivate")
    # Printed once the socket listens, so whoever reads it can connect right away.
    print(f"Cultivate is running. Open {app.config['ORIGIN']}", flush=True)
    print(f"Data: {data_dir}", flush=True)
    server.run()


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
