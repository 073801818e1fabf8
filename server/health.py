"""`GET /api/health`: a trivial JSON answer for load balancers and the benchmark's baseline."""

from typing import Literal

from flask import Blueprint

from .api import Out, api

bp = Blueprint("health", __name__, url_prefix="/api")


class Health(Out):
    """The process is up and answering requests."""

    status: Literal["ok"] = "ok"


@bp.get("/health")
@api(response=Health, signed_in=False)
def health() -> Health:
    """Answer without touching the database, so it measures the web stack alone."""
    return Health()
