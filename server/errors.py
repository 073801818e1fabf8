"""One place for errors: every failure under /api is JSON `{code, name, description}`."""

import logging
from typing import Any

from flask import Flask, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A refusal a person can understand, with the HTTP status that goes with it."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def error_body(status: int, description: str) -> dict[str, Any]:
    """Return the JSON shape shared by every error."""
    return {"code": status, "name": HTTP_STATUS_CODES.get(status, "Error"), "description": description}


FRIENDLY = {
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    413: "The request is too large.",
    429: "Too many attempts. Wait a moment and try again.",
}


def register_error_handlers(app: Flask) -> None:
    """Make /api errors JSON; leave the app shell's own pages to Flask."""

    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError) -> tuple[dict[str, Any], int]:
        return error_body(error.status, error.description), error.status

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException) -> Any:
        status = error.code or 500
        if request.path.startswith("/c/") and status in (404, 429):
            from flask import render_template

            page = "404.html" if status == 404 else "429.html"
            return render_template(page, card={}), status
        if not request.path.startswith("/api") and status != 429:
            return error
        description = FRIENDLY.get(status) or error.description or "Request refused."
        response = error.get_response()
        response.data = app.json.dumps(error_body(status, description))
        response.content_type = "application/json"
        return response

    @app.errorhandler(IntegrityError)
    def handle_integrity_error(error: IntegrityError) -> tuple[dict[str, Any], int]:
        from .db import db

        db.session.rollback()
        return error_body(409, "That conflicts with something that already exists."), 409

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> Any:
        # The only catch-all: log the details, show none of them.
        log.exception("unhandled error on %s %s", request.method, request.path)
        if not request.path.startswith("/api"):
            return InternalServerError()
        return error_body(500, "Something went wrong on our side. Nothing was changed."), 500
