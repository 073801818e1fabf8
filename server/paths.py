"""Where the app shell lives: the checkout's top level, or the copy inside an installed wheel."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shell_root() -> Path:
    """Return the folder holding `pwa/` and `manifest.json`."""
    checkout = _PACKAGE.parent
    if (checkout / "pwa").is_dir() and (checkout / "manifest.json").is_file():
        return checkout
    return _PACKAGE / "_shell"


MIGRATIONS_DIR = _PACKAGE / "migrations"
