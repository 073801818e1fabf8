"""Serve the installable app shell: index, static modules, manifest, and a versioned worker."""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, send_from_directory

bp = Blueprint("shell", __name__)

# Screens the app routes to on the client; a direct visit gets the same shell.
APP_PATHS = [
    "/",
    "/capture",
    "/contacts",
    "/contacts/<record_id>",
    "/events",
    "/events/<record_id>",
    "/follow-up",
    "/me",
]
WORKER = "sw.js"


@dataclass(frozen=True)
class Shell:
    """The shell's files as URLs, and a version that changes whenever any of them changes."""

    root: Path
    manifest: Path
    version: str
    urls: list[str]


def scan_shell(root: Path, manifest: Path) -> Shell:
    """Hash every shell file (the worker's own source too) into one version string."""
    digest = hashlib.sha256()
    urls = ["/", "/manifest.json"]
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
        if relative not in (WORKER, "index.html"):
            urls.append("/" + relative)
    digest.update(manifest.read_bytes())
    return Shell(root=root, manifest=manifest, version=digest.hexdigest()[:16], urls=urls)


def _shell() -> Shell:
    return current_app.extensions["cultivate_shell"]


def _no_cache(response: Response) -> Response:
    # The service worker does the caching; the HTTP cache must always revalidate.
    response.headers["Cache-Control"] = "no-cache"
    return response


def _index(record_id: str | None = None) -> Response:
    return _no_cache(send_from_directory(_shell().root, "index.html"))


for _path in APP_PATHS:
    _endpoint = "index_" + (_path.strip("/").replace("/<record_id>", "_record").replace("-", "_") or "root")
    bp.add_url_rule(_path, _endpoint, _index)


@bp.post("/share-target")
def share_target_without_worker() -> Response:
    """The service worker normally takes shares; without it, open the app and say so."""
    return redirect("/capture?shared=unavailable", code=303)


@bp.get("/manifest.json")
def manifest() -> Response:
    """Serve the web app manifest."""
    shell = _shell()
    response = send_from_directory(
        shell.manifest.parent, shell.manifest.name, mimetype="application/manifest+json"
    )
    return _no_cache(response)


@bp.get("/sw.js")
def service_worker() -> Response:
    """Serve the worker with the shell's version and file list written into its first lines."""
    shell = _shell()
    source = (shell.root / WORKER).read_text()
    header = (
        f"const SHELL_VERSION = {json.dumps(shell.version)};\nconst SHELL_FILES = {json.dumps(shell.urls)};\n"
    )
    response = Response(header + source, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache, no-store"
    return response


@bp.get("/<path:filename>")
def static_file(filename: str) -> Response:
    """Serve a shell file (CSS, modules, icons); anything else is a 404."""
    if filename.startswith("api/") or filename == WORKER:
        abort(404)
    return _no_cache(send_from_directory(_shell().root, filename))
