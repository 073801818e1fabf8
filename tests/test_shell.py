"""The app shell: index on every app route, manifest, and a worker versioned by content."""

import json
import re
import shutil
from pathlib import Path

from flask import Flask

from server import create_app
from server.paths import shell_root


def worker_header(app: Flask) -> tuple[str, list[str]]:
    with app.test_client().get("/sw.js") as response:
        assert response.mimetype == "text/javascript"
        assert "no-cache" in response.headers["Cache-Control"]
        source = response.get_data(as_text=True)
    version = re.search(r'const SHELL_VERSION = "([0-9a-f]+)";', source)
    files = re.search(r"const SHELL_FILES = (\[.*\]);", source)
    assert version and files
    return version.group(1), json.loads(files.group(1))


def test_every_app_route_serves_the_shell(client) -> None:
    for path in ("/", "/capture", "/contacts", "/follow-up", "/me"):
        with client.get(path) as response:
            assert response.status_code == 200
            assert b'<script type="module" src="/js/app.js">' in response.data


def test_shell_has_no_inline_script(client) -> None:
    with client.get("/") as response:
        html = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", html), "inline event handler"


def test_manifest_is_installable(client) -> None:
    with client.get("/manifest.json") as response:
        assert response.mimetype == "application/manifest+json"
        manifest = response.get_json()
    assert manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"] and manifest["start_url"]
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    assert [s["name"] for s in manifest["shortcuts"]] == ["New contact"]
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as response:
            assert response.status_code == 200


def test_worker_lists_every_shell_file(app: Flask) -> None:
    _, files = worker_header(app)
    client = app.test_client()
    assert "/" in files and "/manifest.json" in files and "/js/app.js" in files
    for path in files:
        with client.get(path) as response:
            assert response.status_code == 200, path


def test_changed_shell_file_changes_the_worker(tmp_path: Path, migrated: str) -> None:
    pwa = tmp_path / "pwa"
    shutil.copytree(shell_root() / "pwa", pwa)
    config = {"DATABASE_URL": migrated, "PWA_DIR": str(pwa)}
    before, _ = worker_header(create_app(tmp_path, config, environ={}))
    again, _ = worker_header(create_app(tmp_path, config, environ={}))
    (pwa / "css" / "app.css").write_text((pwa / "css" / "app.css").read_text() + "\n/* changed */\n")
    after, _ = worker_header(create_app(tmp_path, config, environ={}))
    assert before == again
    assert before != after


def test_unknown_files_are_404(client) -> None:
    assert client.get("/js/nope.js").status_code == 404
    assert client.get("/../pyproject.toml").status_code == 404


def test_manifest_accepts_shared_vcards_and_text(client) -> None:
    with client.get("/manifest.json") as response:
        share = response.get_json()["share_target"]
    assert share["action"] == "/share-target" and share["method"] == "POST"
    assert share["enctype"] == "multipart/form-data"
    assert "text/vcard" in share["params"]["files"][0]["accept"]


def test_share_without_the_worker_says_so(client) -> None:
    response = client.post("/share-target", data={"text": "x"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/capture?shared=unavailable")
