"""Request guards and response headers: same-origin JSON writes, session loading, CSP."""

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request

from .auth import sessions
from .errors import ApiError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def check_state_changing_request() -> None:
    """Refuse writes that are not same-origin JSON: a form or a foreign page cannot forge them."""
    if request.method in SAFE_METHODS or not request.path.startswith("/api"):
        return
    if request.mimetype != "application/json":
        raise ApiError(403, "Send this request as JSON (Content-Type: application/json).")
    origin = request.headers.get("Origin")
    if origin is not None and origin != current_app.config["ORIGIN"]:
        raise ApiError(403, "This request came from another site and was refused.")
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        raise ApiError(403, "This request came from another site and was refused.")


def load_signed_in_user() -> None:
    """Put the session and its person on `g`, or None when signed out."""
    g.auth_session = None
    g.user = None
    token = request.cookies.get(sessions.COOKIE_NAME)
    if token and request.path.startswith("/api"):
        found = sessions.find_session(token)
        if found is not None:
            g.auth_session = found
            g.user = found.user


def add_security_headers(response: Response) -> Response:
    """Set the hardening headers on every response."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.path.startswith("/api"):
        headers.setdefault("Cache-Control", "no-store")
    if urlsplit(current_app.config["ORIGIN"]).scheme == "https":
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    return response


def init_security(app: Flask) -> None:
    """Install the guards and headers on the app."""
    app.before_request(check_state_changing_request)
    app.before_request(load_signed_in_user)
    app.after_request(add_security_headers)
