"""My card's API: its public link (slug, on/off, rotate) and its QR codes as SVG."""

import io
import secrets

import segno
from flask import Blueprint, Response, current_app, g, request
from sqlalchemy import select

from ..api import Body, Out, api
from ..db import db, utcnow
from ..models import User
from ..sync.engine import card_id_for
from ..sync.models import SyncRecord
from .models import CardLink
from .vcard import card_to_vcard

bp = Blueprint("cards", __name__, url_prefix="/api")


class CardLinkOut(Out):
    card_id: str
    slug: str
    enabled: bool
    url: str


class CardLinkIn(Body):
    enabled: bool


def new_slug() -> str:
    """An unguessable slug (96 random bits)."""
    return secrets.token_urlsafe(12)


def link_for(user_id: str) -> CardLink:
    """The person's card link, made on first use."""
    link = db.session.get(CardLink, user_id)
    if link is None:
        link = CardLink(user_id=user_id, slug=new_slug(), enabled=True, created_at=utcnow())
        db.session.add(link)
        db.session.commit()
    return link


def public_url(slug: str) -> str:
    return f"{current_app.config['ORIGIN']}/c/{slug}"


def card_data(user_id: str) -> dict | None:
    """The person's card fields; before they make one, a card with just their name."""
    record = db.session.scalar(
        select(SyncRecord).where(
            SyncRecord.id == card_id_for(user_id),
            SyncRecord.user_id == user_id,
            SyncRecord.deleted.is_(False),
        )
    )
    if record is not None:
        return record.data
    user = db.session.get(User, user_id)
    return {"name": user.name} if user else None


def _out(link: CardLink) -> CardLinkOut:
    return CardLinkOut(
        card_id=card_id_for(link.user_id), slug=link.slug, enabled=link.enabled, url=public_url(link.slug)
    )


@bp.get("/card/link")
@api(response=CardLinkOut)
def get_link() -> CardLinkOut:
    """My card's id and public link."""
    return _out(link_for(g.user.id))


@bp.patch("/card/link")
@api(body=CardLinkIn, response=CardLinkOut)
def set_link(body: CardLinkIn) -> CardLinkOut:
    """Switch my public card page on or off."""
    link = link_for(g.user.id)
    link.enabled = body.enabled
    db.session.commit()
    return _out(link)


@bp.post("/card/link/rotate")
@api(body=Body, response=CardLinkOut)
def rotate_link(body: Body) -> CardLinkOut:
    """Give my public page a new address; the old one stops working at once."""
    link = link_for(g.user.id)
    link.slug = new_slug()
    db.session.commit()
    return _out(link)


@bp.get("/card/qr.svg")
@api(produces="image/svg+xml")
def qr_code() -> Response:
    """A QR code (SVG) of my public page's address, or with `?content=vcard` of my vCard itself."""
    link = link_for(g.user.id)
    if request.args.get("content") == "vcard":
        card = card_data(g.user.id) or {"name": g.user.name}
        content = card_to_vcard(card, public_url(link.slug) if link.enabled else None)
    else:
        content = public_url(link.slug)
    out = io.BytesIO()
    segno.make(content, error="m", micro=False).save(
        out, kind="svg", scale=8, border=2, dark="#10231c", xmldecl=False, svgns=True, title="QR code"
    )
    return Response(out.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})
