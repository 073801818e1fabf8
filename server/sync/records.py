"""What a contact and an event may hold: the schemas every synced write is validated against."""

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from ..api import describe_validation_error

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
RecordId = Annotated[str, Field(pattern=UUID_PATTERN)]


def _text(limit: int) -> Any:
    return Annotated[str, Field(max_length=limit)]


def _email(value: str) -> str:
    # Loose on purpose: people type odd but real addresses; only plain mistakes are refused.
    if value and ("@" not in value or " " in value or value.startswith("@") or value.endswith("@")):
        raise ValueError("doesn't look like an email address")
    return value


def _tags(value: list[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in value:
        tag = tag.strip()
        if tag and tag.lower() not in (t.lower() for t in cleaned):
            cleaned.append(tag)
    return cleaned


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ContactFields(_Fields):
    """Every field of a contact; a mutation carries only those it changes."""

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    title: _text(200) | None = None
    company: _text(200) | None = None
    email: Annotated[str, Field(max_length=254), AfterValidator(_email)] | None = None
    phone: _text(40) | None = None
    met_where: _text(200) | None = None
    notes: _text(10_000) | None = None
    they_need: _text(2_000) | None = None
    i_can_offer: _text(2_000) | None = None
    tags: (
        Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=30), AfterValidator(_tags)]
        | None
    ) = None
    event_id: RecordId | None = None
    met_at: dt.datetime | None = None
    # Follow-up: due a window after meeting; done when followed up; keep in touch after that.
    follow_up_due: dt.datetime | None = None
    followed_up_at: dt.datetime | None = None
    cadence_days: Annotated[int, Field(ge=7, le=730, description="Keep in touch every N days")] | None = None
    last_interaction_at: dt.datetime | None = None


class EventFields(_Fields):
    """Every field of an event; `ended_at` set means it is no longer the current event."""

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    date: dt.date | None = None
    place: _text(200) | None = None
    ended_at: dt.datetime | None = None


class CardFields(_Fields):
    """My own business card, shown on Me and on my public page."""

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    title: _text(200) | None = None
    company: _text(200) | None = None
    email: Annotated[str, Field(max_length=254), AfterValidator(_email)] | None = None
    phone: _text(40) | None = None
    links: (
        Annotated[list[Annotated[str, Field(max_length=300, pattern=r"^https?://\S+$")]], Field(max_length=5)]
        | None
    ) = None
    pitch: _text(200) | None = None
    can_help_with: _text(500) | None = None
    looking_for: _text(500) | None = None


INTERACTION_TYPES = ("met", "thank_you", "emailed", "called", "coffee", "note")


class InteractionFields(_Fields):
    """One logged touchpoint with a contact; any of them resets the keep-in-touch clock."""

    contact_id: RecordId | None = None
    type: Literal["met", "thank_you", "emailed", "called", "coffee", "note"] | None = None
    at: dt.datetime | None = None
    note: _text(2_000) | None = None


KINDS: dict[str, type[_Fields]] = {
    "contact": ContactFields,
    "event": EventFields,
    "interaction": InteractionFields,
    "card": CardFields,
}
# Fields a record cannot exist without (a new record, or one brought back after a delete).
REQUIRED = {
    "contact": ("name",),
    "event": ("name",),
    "interaction": ("contact_id", "type", "at"),
    "card": ("name",),
}


def follow_up_due_at(kind: str, data: dict[str, Any]) -> dt.datetime | None:
    """When a contact's follow-up falls due, or None when there is none pending."""
    if kind != "contact" or not data.get("follow_up_due") or data.get("followed_up_at"):
        return None
    return dt.datetime.fromisoformat(str(data["follow_up_due"]).replace("Z", "+00:00")).astimezone(dt.UTC)


class InvalidFields(ValueError):
    """A mutation's fields failed validation; the message is for the person."""


def validate_fields(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate changed fields of a `kind` and return them as JSON-ready values."""
    try:
        model = KINDS[kind].model_validate(fields)
    except ValidationError as error:
        raise InvalidFields(describe_validation_error(error)) from None
    # exclude_unset keeps explicit nulls (a cleared field) and drops what was not sent.
    return model.model_dump(mode="json", exclude_unset=True)
