"""Rate limits (Flask-Limiter), with each limit read from configuration at request time."""

from collections.abc import Callable

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def configured(key: str) -> Callable[[], str]:
    """Return a callable giving the limit named `key` in the app's config."""
    return lambda: str(current_app.config[key])
