"""What a contact and an event may hold: the schemas every synced write is validated against."""

import datetime as dt
from typing import Annotated, Any

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
    tags: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=30),
                    AfterValidator(_tags)] | None = None
    event_id: RecordId | None = None
    met_at: dt.datetime | None = None


class EventFields(_Fields):
    """Every field of an event; `ended_at` set means it is no longer the current event."""

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    date: dt.date | None = None
    place: _text(200) | None = None
    ended_at: dt.datetime | None = None


KINDS: dict[str, type[_Fields]] = {"contact": ContactFields, "event": EventFields}
# Fields a record cannot exist without (a new record, or one brought back after a delete).
REQUIRED = {"contact": ("name",), "event": ("name",)}


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
