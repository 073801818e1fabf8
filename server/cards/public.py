"""The public card page, `/c/<slug>`: server-rendered HTML that works with no JavaScript.

Visitors see the card, save it as a .vcf, and can leave their own details, which arrive in the
owner's contacts as a new capture with the follow-up clock running.
"""

import re
import uuid
from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, render_template, request
from sqlalchemy import select

from ..db import db, utcnow
from ..limits import configured, limiter
from ..models import User
from ..nudges.runner import settings_for
from ..sync.engine import server_put
from .models import CardLink
from .vcard import card_to_vcard
from .views import card_data, public_url

bp = Blueprint(
    "public_card", __name__, template_folder="templates", static_folder="static", static_url_path="/c-static"
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LIMITS = {"name": 200, "email": 254, "phone": 40, "company": 200, "message": 1000}


def _live_link(slug: str) -> CardLink:
    link = db.session.scalar(select(CardLink).where(CardLink.slug == slug))
    if link is None or not link.enabled or card_data(link.user_id) is None:
        abort(404)
    return link


def _page(template: str, status: int = 200, **context: object) -> Response:
    response = Response(render_template(template, **context), status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"  # a card is for the people it is shown to
    return response


@bp.get("/c/<slug>")
def card_page(slug: str) -> Response:
    """Show the card, a Save contact link and the details form."""
    link = _live_link(slug)
    return _page("card.html", card=card_data(link.user_id), slug=slug, form={}, errors={})


@bp.get("/c/<slug>/contact.vcf")
def card_vcf(slug: str) -> Response:
    """Download the card as a vCard."""
    link = _live_link(slug)
    card = card_data(link.user_id) or {}
    filename = re.sub(r"[^A-Za-z0-9]+", "-", card.get("name", "contact")).strip("-") or "contact"
    return Response(
        card_to_vcard(card, public_url(slug)),
        mimetype="text/vcard",
        headers={"Content-Disposition": f'attachment; filename="{filename}.vcf"'},
    )


def _validate(form: dict[str, str]) -> dict[str, str]:
    errors = {}
    if not form["name"]:
        errors["name"] = "Please give your name."
    if form["email"] and not EMAIL.match(form["email"]):
        errors["email"] = "That email address doesn't look right."
    if not form["email"] and not form["phone"]:
        errors["email"] = "Leave an email or a phone number, so they can reach you."
    for field, limit in LIMITS.items():
        if len(form[field]) > limit:
            errors[field] = f"Please keep this under {limit} characters."
    return errors


@bp.post("/c/<slug>/details")
@limiter.limit(configured("RATELIMIT_CARD"))
def leave_details(slug: str) -> Response:
    """Put the visitor into the owner's contacts, then thank them."""
    link = _live_link(slug)
    card = card_data(link.user_id) or {}
    form = {name: (request.form.get(name) or "").strip() for name in LIMITS}
    # A field people never see: bots fill it in, people leave it empty.
    if request.form.get("website"):
        return _page("thanks.html", card=card, name=form["name"] or "there")
    errors = _validate(form)
    if errors:
        return _page("card.html", 400, card=card, slug=slug, form=form, errors=errors)
    owner = db.session.get(User, link.user_id)
    assert owner is not None
    now = utcnow()
    hours = settings_for(owner.id).follow_up_hours
    fields = {
        "name": form["name"],
        "met_where": "Left their details on your card page",
        "met_at": now.isoformat(),
        "follow_up_due": (now + timedelta(hours=hours)).isoformat(),
        "tags": ["from my card"],
    }
    for key in ("email", "phone", "company"):
        if form[key]:
            fields[key] = form[key]
    if form["message"]:
        fields["notes"] = form["message"]
    server_put(owner.id, "contact", str(uuid.uuid4()), fields, now)
    current_app.logger.info("card %s: a visitor left their details", link.user_id)
    return _page("thanks.html", card=card, name=form["name"])
