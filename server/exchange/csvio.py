"""CSV import (Google and Outlook layouts, or plain headers) and export safe from formula injection."""

import csv
import io
from typing import Any

from .phones import normalise_phone

# Header names (lowercased) → contact field, for Google Contacts, Outlook and plain exports.
COLUMNS = {
    "name": "name",
    "full name": "name",
    "display name": "name",
    "first name": "_given",
    "given name": "_given",
    "last name": "_family",
    "family name": "_family",
    "middle name": "_middle",
    "additional name": "_middle",
    "organization name": "company",
    "organization 1 - name": "company",
    "company": "company",
    "organization title": "title",
    "organization 1 - title": "title",
    "job title": "title",
    "title": "title",
    "e-mail 1 - value": "email",
    "email 1 - value": "email",
    "e-mail address": "email",
    "email": "email",
    "email address": "email",
    "e-mail": "email",
    "phone 1 - value": "phone",
    "mobile phone": "phone",
    "primary phone": "phone",
    "business phone": "phone",
    "home phone": "phone",
    "phone": "phone",
    "notes": "notes",
    "note": "notes",
    "labels": "tags",
    "group membership": "tags",
    "categories": "tags",
    "tags": "tags",
}
EXPORT_FIELDS = [
    "name",
    "title",
    "company",
    "email",
    "phone",
    "met_where",
    "met_at",
    "notes",
    "they_need",
    "i_can_offer",
    "tags",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def parse_csv(text: str) -> list[dict[str, Any]]:
    """Contacts from a CSV with a header row. Raises ValueError when the layout is unknown."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    headers = {h: COLUMNS.get((h or "").strip().lower()) for h in reader.fieldnames or []}
    if not any(v in ("name", "_given", "_family", "email") for v in headers.values()):
        raise ValueError(
            "This CSV has no Name or Email column. Export from Google Contacts or Outlook, "
            "or add a header row with Name and Email."
        )
    contacts = []
    for row in reader:
        fields: dict[str, Any] = {}
        parts: dict[str, str] = {}
        for header, field in headers.items():
            value = (row.get(header) or "").strip()
            if not field or not value:
                continue
            if field.startswith("_"):
                parts[field] = value
            elif field == "tags":
                tags = [
                    t.strip().lstrip("* ") for t in value.replace(":::", ";").replace(",", ";").split(";")
                ]
                fields["tags"] = [t for t in tags if t and t.lower() != "mycontacts"][:30]
            elif field == "phone":
                fields.setdefault("phone", normalise_phone(value))
            else:
                fields.setdefault(field, value)
        if not fields.get("name"):
            fields["name"] = " ".join(
                p for p in (parts.get("_given"), parts.get("_middle"), parts.get("_family")) if p
            )
        if not fields.get("name") and fields.get("email"):
            fields["name"] = fields["email"].split("@")[0]
        if fields.get("name"):
            contacts.append({k: v for k, v in fields.items() if v})
    return contacts


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: formulas (=, +, -, @) are defused with a quote."""
    text = ", ".join(value) if isinstance(value, list) else "" if value is None else str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def contacts_to_csv(contacts: list[dict[str, Any]]) -> str:
    """Contacts as CSV with a header row (Excel- and Sheets-friendly)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f.replace("_", " ").capitalize() for f in EXPORT_FIELDS])
    for data in contacts:
        writer.writerow([safe_cell(data.get(f)) for f in EXPORT_FIELDS])
    return out.getvalue()
