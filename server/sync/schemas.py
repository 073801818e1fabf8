"""Request and response bodies of the sync routes."""

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ..api import Body, Out
from .records import UUID_PATTERN

ClientId = Annotated[str, Field(pattern=UUID_PATTERN, description="The device's UUID")]
MAX_MUTATIONS = 200
# Numbers a phone can count to exactly (JavaScript's safe integers) and a BIGINT can hold.
MAX_COUNT = 2**53 - 1


class Mutation(Body):
    """One change made on a device: `put` carries the fields it changed, `delete` none."""

    id: Annotated[int, Field(ge=1, le=MAX_COUNT, description="Per-device number: 1, 2, 3…")]
    name: Literal[
        "contact.put",
        "contact.delete",
        "event.put",
        "event.delete",
        "interaction.put",
        "interaction.delete",
        "card.put",
    ]
    # Validated per kind when applied, so one bad field refuses one mutation, not the push.
    args: dict[str, Any]


class PushBody(Body):
    client_id: ClientId
    mutations: Annotated[list[Mutation], Field(max_length=MAX_MUTATIONS)]

    @model_validator(mode="after")
    def ascending(self) -> "PushBody":
        ids = [m.id for m in self.mutations]
        if ids != sorted(set(ids)):
            raise ValueError("mutation ids must be unique and in ascending order")
        return self


class PushOut(Out):
    last_mutation_id: int


class PullBody(Body):
    client_id: ClientId
    cursor: Annotated[int, Field(ge=0, le=MAX_COUNT)] = 0
    acked_mutation_id: Annotated[
        int, Field(ge=0, le=MAX_COUNT, description="Rejections after this are returned")
    ] = 0
    limit: Annotated[int, Field(ge=1, le=1000)] = 500


class Change(Out):
    kind: Literal["contact", "event", "interaction", "card"]
    id: str
    version: int
    deleted: bool
    data: dict[str, Any] | None = None


class Rejection(Out):
    mutation_id: int
    name: str
    description: str


class PullOut(Out):
    cursor: int
    has_more: bool
    last_mutation_id: int
    changes: list[Change]
    rejections: list[Rejection]


class RecordOut(Out):
    id: str
    kind: str
    version: int
    data: dict[str, Any]
