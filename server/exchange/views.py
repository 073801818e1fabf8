"""Routes for import (preview, then commit in one transaction) and export (vCard, CSV, JSON)."""

import json
from typing import Annotated, Any, Literal

from flask import Blueprint, Response, g, request
from pydantic import Field
from sqlalchemy import select

from ..api import Body, Out, api
from ..db import db, utcnow
from ..errors import ApiError
from ..sync.engine import Refused, apply_server_writes
from ..sync.models import SyncRecord
from ..sync.records import RecordId
from .backup import FORMAT, build_backup, plan_restore
from .csvio import contacts_to_csv, parse_csv
from .phones import phone_key
from .vcards import contacts_to_vcards, parse_vcards

bp = Blueprint("exchange", __name__, url_prefix="/api")
IMPORT_LIMIT = 8 * 1024 * 1024
MAX_CONTACTS = 5000


@bp.before_request
def allow_bigger_imports() -> None:
    # Files from phones run larger than any other request; only the import routes take them.
    if request.path.startswith("/api/import/"):
        request.max_content_length = IMPORT_LIMIT


class ImportFile(Body):
    filename: Annotated[str, Field(min_length=1, max_length=255)]
    content: Annotated[str, Field(max_length=IMPORT_LIMIT)]


class Duplicate(Out):
    id: str
    name: str
    reason: str


class Candidate(Out):
    index: int
    fields: dict[str, Any]
    duplicate_of: Duplicate | None


class Preview(Out):
    format: Literal["vcard", "csv", "backup"]
    contacts: list[Candidate]
    counts: dict[str, int]


class Choice(Body):
    fields: dict[str, Any]
    action: Literal["new", "merge", "skip"]
    merge_into: RecordId | None = None


class CommitIn(Body):
    format: Literal["vcard", "csv", "backup"]
    contacts: Annotated[list[Choice], Field(max_length=MAX_CONTACTS)] = []
    content: Annotated[str, Field(max_length=IMPORT_LIMIT)] | None = None


class CommitOut(Out):
    added: int
    merged: int
    skipped: int


def _decode_check(content: str) -> str:
    if "\x00" in content:
        raise ApiError(
            400, "This file is not text (it may be UTF-16 or binary). Save it as UTF-8 and try again."
        )
    return content.lstrip("\ufeff")


def _parse(filename: str, content: str) -> tuple[str, Any]:
    content = _decode_check(content)
    name = filename.lower()
    try:
        if name.endswith(".json") or content.lstrip().startswith("{"):
            backup = json.loads(content)
            if (
                not isinstance(backup, dict)
                or backup.get("format") != FORMAT
                or not isinstance(backup.get("records"), list)
            ):
                raise ValueError("This JSON file is not a Cultivate backup.")
            return "backup", backup
        if name.endswith((".vcf", ".vcard")) or content.lstrip().upper().startswith("BEGIN:VCARD"):
            return "vcard", parse_vcards(content)
        if name.endswith(".csv") or "," in content.split("\n", 1)[0]:
            return "csv", parse_csv(content)
    except json.JSONDecodeError:
        raise ApiError(400, "This JSON file is damaged and could not be read.") from None
    except ValueError as error:
        raise ApiError(400, str(error)) from None
    raise ApiError(400, "Import .vcf (vCard), .csv (Google or Outlook) or a Cultivate .json backup.")


def _existing(user_id: str) -> list[SyncRecord]:
    return list(
        db.session.scalars(
            select(SyncRecord).where(
                SyncRecord.user_id == user_id, SyncRecord.kind == "contact", SyncRecord.deleted.is_(False)
            )
        )
    )


def _find_duplicate(fields: dict[str, Any], existing: list[SyncRecord]) -> Duplicate | None:
    email = (fields.get("email") or "").lower()
    phone = phone_key(fields.get("phone") or "")
    name = (fields.get("name") or "").casefold()
    for record in existing:
        data = record.data
        if email and email == (data.get("email") or "").lower():
            return Duplicate(id=record.id, name=data.get("name", ""), reason="same email")
        if phone and len(phone) >= 7 and phone == phone_key(data.get("phone") or ""):
            return Duplicate(id=record.id, name=data.get("name", ""), reason="same phone")
        if name and name == (data.get("name") or "").casefold():
            return Duplicate(id=record.id, name=data.get("name", ""), reason="same name")
    return None


@bp.post("/import/preview")
@api(body=ImportFile, response=Preview)
def preview_import(body: ImportFile) -> Preview:
    """Read a file and show what would be imported, with likely duplicates; nothing is saved."""
    kind, parsed = _parse(body.filename, body.content)
    if kind == "backup":
        counts: dict[str, int] = {}
        for record in parsed["records"]:
            counts[str(record.get("kind"))] = counts.get(str(record.get("kind")), 0) + 1
        return Preview(format="backup", contacts=[], counts=counts)
    if not parsed:
        raise ApiError(400, "No contacts were found in this file.")
    if len(parsed) > MAX_CONTACTS:
        raise ApiError(400, f"This file has {len(parsed)} contacts; import at most {MAX_CONTACTS} at a time.")
    existing = _existing(g.user.id)
    return Preview(
        format=kind,  # type: ignore[arg-type]
        contacts=[
            Candidate(index=i, fields=f, duplicate_of=_find_duplicate(f, existing))
            for i, f in enumerate(parsed)
        ],
        counts={"contact": len(parsed)},
    )


def _merge_fields(current: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """Fill what is empty, add new tags, append new notes: never overwrite what was there."""
    changed: dict[str, Any] = {}
    for key, value in incoming.items():
        if key == "tags":
            tags = list(current.get("tags") or [])
            added = [t for t in value if t.lower() not in (x.lower() for x in tags)]
            if added:
                changed["tags"] = (tags + added)[:30]
        elif key == "notes" and current.get("notes") and value not in current["notes"]:
            changed["notes"] = f"{current['notes']}\n{value}"
        elif not current.get(key):
            changed[key] = value
    return changed


@bp.post("/import/commit")
@api(body=CommitIn, response=CommitOut)
def commit_import(body: CommitIn) -> CommitOut:
    """Import the chosen contacts (or a backup) in one transaction: all of it, or none."""
    now = utcnow()
    writes: list[tuple[str, str, dict[str, Any]]] = []
    added = merged = skipped = 0
    if body.format == "backup":
        if not body.content:
            raise ApiError(400, "content: the backup file is required")
        _, backup = _parse("backup.json", body.content)
        owned = set(db.session.scalars(select(SyncRecord.id).where(SyncRecord.user_id == g.user.id)))
        for record in backup["records"]:
            if not isinstance(record, dict) or not isinstance(record.get("data"), dict):
                raise ApiError(400, "The backup is damaged: a record has no data.")
        writes = plan_restore(backup["records"], owned, g.user.id)
        added = len(writes)
    else:
        existing = {r.id: r for r in _existing(g.user.id)}
        import uuid

        for choice in body.contacts:
            if choice.action == "skip":
                skipped += 1
            elif choice.action == "merge":
                target = existing.get(choice.merge_into or "")
                if target is None:
                    raise ApiError(400, "A merge points at a contact that is not yours.")
                writes.append(("contact", target.id, _merge_fields(target.data, choice.fields)))
                merged += 1
            else:
                fields = {**choice.fields, "met_where": choice.fields.get("met_where") or "Imported"}
                writes.append(("contact", str(uuid.uuid4()), fields))
                added += 1
    _apply_all(g.user.id, writes, now)
    return CommitOut(added=added, merged=merged, skipped=skipped)


def _apply_all(user_id: str, writes: list[tuple[str, str, dict[str, Any]]], now: Any) -> None:
    try:
        apply_server_writes(user_id, writes, now)
    except Refused as refusal:
        raise ApiError(400, f"Nothing was imported. {refusal}") from None


def _contacts_for_export(event_id: str | None) -> list[dict[str, Any]]:
    records = _existing(g.user.id)
    if event_id:
        records = [r for r in records if r.data.get("event_id") == event_id]
    return [r.data for r in sorted(records, key=lambda r: (r.data.get("name") or "").casefold())]


def _download(body: str, mimetype: str, filename: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.get("/export/contacts.vcf")
@api(produces="text/vcard")
def export_vcf() -> Response:
    """All my contacts (or one event's, with ?event_id=) as one vCard file."""
    event_id = request.args.get("event_id")
    return _download(
        contacts_to_vcards(_contacts_for_export(event_id)), "text/vcard", "cultivate-contacts.vcf"
    )


@bp.get("/export/contacts.csv")
@api(produces="text/csv")
def export_csv() -> Response:
    """All my contacts (or one event's, with ?event_id=) as CSV (formulas defused)."""
    event_id = request.args.get("event_id")
    # A byte-order mark tells Excel the file is UTF-8.
    return _download(
        "\ufeff" + contacts_to_csv(_contacts_for_export(event_id)), "text/csv", "cultivate-contacts.csv"
    )


@bp.get("/export/backup.json")
@api(produces="application/json")
def export_backup() -> Response:
    """Everything I have in Cultivate, as a JSON backup that imports back without loss."""
    backup = build_backup(db.session, g.user, utcnow())
    return _download(
        json.dumps(backup, ensure_ascii=False, indent=1),
        "application/json",
        f"cultivate-backup-{utcnow():%Y-%m-%d}.json",
    )
