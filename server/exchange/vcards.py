"""vCard import (2.1, 3.0, 4.0; several per file) and export, with vobject.

vobject alone fails on real exports (see ../shared/RECIPES.md): quoted-printable values continued
with a soft line break, 2.1 base64 PHOTO bodies, bare continuation lines. `normalise` rewrites
those forms first; photos are dropped (contacts here hold no pictures).
"""

import quopri
import re
from typing import Any

import vobject

from .phones import normalise_phone

PROPERTY = re.compile(r"^(?:[A-Za-z0-9-]+\.)?[A-Za-z][A-Za-z0-9-]*(?:;[^:]*)?:")


def normalise(text: str) -> str:
    """Rewrite a vCard file into the folded form vobject parses."""
    out: list[str] = []
    skipping_photo = False
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if skipping_photo:
            # A 2.1 PHOTO body runs until a blank line or the next property.
            if not line.strip() or (PROPERTY.match(line) and not line.startswith((" ", "\t"))):
                skipping_photo = False
                if not line.strip():
                    continue
            else:
                continue
        if re.match(r"^(?:[A-Za-z0-9-]+\.)?PHOTO[;:]", line, re.I):
            skipping_photo = True
            continue
        if not line.strip():
            continue
        if "QUOTED-PRINTABLE" in line.upper().split(":", 1)[0]:
            # Join soft line breaks, then decode so the value is plain UTF-8 text.
            while line.endswith("=") and i < len(lines):
                line = line[:-1] + lines[i]  # what follows a soft break is content, spaces too
                i += 1
            head, _, value = line.partition(":")
            charset = re.search(r"CHARSET=([^;:]+)", head, re.I)
            decoded = quopri.decodestring(value.encode("latin-1", "replace"))
            value = decoded.decode(charset.group(1) if charset else "utf-8", "replace")
            head = re.sub(r";ENCODING=QUOTED-PRINTABLE", "", head, flags=re.I)
            head = re.sub(r";CHARSET=[^;:]+", "", head, flags=re.I)
            out.append(f"{head}:{value.replace(chr(10), chr(92) + 'n')}")
            continue
        if line.startswith((" ", "\t")) or (
            out and not PROPERTY.match(line) and not line.upper().startswith(("BEGIN:", "END:"))
        ):
            # A folded line, or a bare continuation (Outlook notes): part of the previous value.
            if out:
                out[-1] += line[1:] if line.startswith((" ", "\t")) else "\\n" + line
            continue
        out.append(line)
    return "\r\n".join(out) + "\r\n"


def _first(component: Any, name: str) -> str:
    values = component.contents.get(name) or []
    for item in values:
        value = item.value
        if isinstance(value, list):
            value = ";".join(str(v) for v in value if v)
        text = str(value).strip()
        if text:
            return text
    return ""


def _preferred(component: Any, name: str) -> str:
    """The value marked preferred (TYPE=PREF or PREF=1), else the first."""
    items = component.contents.get(name) or []
    for item in items:
        types = " ".join(str(t) for t in item.params.get("TYPE", []) + item.params.get("PREF", [])).lower()
        if "pref" in types or "1" in item.params.get("PREF", []):
            return str(item.value).strip()
    return _first(component, name)


def parse_vcards(text: str) -> list[dict[str, Any]]:
    """Every contact in a vCard file, as contact fields. Raises ValueError with a message."""
    try:
        components = list(vobject.readComponents(normalise(text), ignoreUnreadable=True))
    except Exception as error:  # vobject raises many kinds
        raise ValueError(f"This vCard file could not be read ({error.__class__.__name__}).") from None
    contacts = []
    for component in components:
        if component.name.upper() != "VCARD":
            continue
        name = _first(component, "fn")
        if not name and "n" in component.contents:
            n = component.n.value
            name = " ".join(p for p in (n.prefix, n.given, n.additional, n.family, n.suffix) if p).strip()
        org = component.contents.get("org")
        fields: dict[str, Any] = {
            "name": name,
            "title": _first(component, "title"),
            "company": (
                org[0].value[0]
                if org and isinstance(org[0].value, list) and org[0].value
                else _first(component, "org")
            ),
            "email": _preferred(component, "email"),
            "phone": normalise_phone(_preferred(component, "tel")),
            "notes": "\n".join(
                filter(
                    None,
                    [_first(component, "note"), *[str(u.value) for u in component.contents.get("url", [])]],
                )
            ),
        }
        categories = component.contents.get("categories")
        if categories:
            tags = [str(t).strip() for t in categories[0].value if str(t).strip()]
            fields["tags"] = tags[:30]
        if not fields["name"] and fields["email"]:
            fields["name"] = fields["email"].split("@")[0]
        if fields["name"]:  # a card with neither name nor email is nobody to import
            contacts.append({k: v for k, v in fields.items() if v})
    return contacts


def contacts_to_vcards(contacts: list[dict[str, Any]]) -> str:
    """Serialise contacts as one vCard 3.0 file."""
    out = []
    for data in contacts:
        v = vobject.vCard()
        name = data.get("name") or "Unnamed"
        v.add("fn").value = name
        given, _, family = name.rpartition(" ") if " " in name else (name, "", "")
        v.add("n").value = vobject.vcard.Name(family=family, given=given)
        if data.get("company"):
            v.add("org").value = [data["company"]]
        for key in ("title", "email", "tel", "note"):
            source = {"tel": "phone", "note": "notes"}.get(key, key)
            if data.get(source):
                v.add(key).value = data[source]
        if data.get("tags"):
            v.add("categories").value = list(data["tags"])
        out.append(v.serialize())
    return "".join(out)
