"""vCards for my card (with vobject): what "Save contact" downloads and the offline QR holds."""

from typing import Any

import vobject


def card_to_vcard(card: dict[str, Any], url: str | None = None) -> str:
    """Serialise a card as a vCard 3.0 that phones and mail programs import."""
    v = vobject.vCard()
    name = card.get("name") or ""
    v.add("fn").value = name
    parts = name.rsplit(" ", 1)
    v.add("n").value = vobject.vcard.Name(family=parts[1] if len(parts) > 1 else "", given=parts[0])
    if card.get("company"):
        v.add("org").value = [card["company"]]
    if card.get("title"):
        v.add("title").value = card["title"]
    if card.get("email"):
        email = v.add("email")
        email.value = card["email"]
        email.type_param = "INTERNET"
    if card.get("phone"):
        tel = v.add("tel")
        tel.value = card["phone"]
        tel.type_param = "CELL"
    for link in [*(card.get("links") or []), *([url] if url else [])]:
        v.add("url").value = link
    note = " · ".join(
        part
        for part in (
            card.get("pitch"),
            f"I can help with: {card['can_help_with']}" if card.get("can_help_with") else None,
            f"I'm looking for: {card['looking_for']}" if card.get("looking_for") else None,
        )
        if part
    )
    if note:
        v.add("note").value = note
    return v.serialize()
