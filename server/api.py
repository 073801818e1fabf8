"""The `@api` decorator: validates bodies with pydantic, checks sign-in, records the schema."""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g, request
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import ApiError


class Body(BaseModel):
    """Base for request bodies: unknown fields are refused, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Out(BaseModel):
    """Base for response bodies."""


@dataclass(frozen=True)
class EndpointSpec:
    """What the OpenAPI document needs to know about a view."""

    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    signed_in: bool
    produces: str | None = None  # a file's media type, for routes that answer with one


def describe_validation_error(error: ValidationError) -> str:
    """Turn pydantic's errors into one sentence a person can read."""
    parts = []
    for item in error.errors(include_url=False):
        where = ".".join(str(p) for p in item["loc"]) or "body"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "is not a field this request accepts"
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def parse_body(schema: type[BaseModel]) -> BaseModel:
    """Read the JSON body and validate it, or raise a 400 that says what is wrong."""
    raw = request.get_data(cache=True)
    if not raw:
        raw = b"{}"
    try:
        return schema.model_validate_json(raw)
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors()):
            raise ApiError(400, "The request body is not valid JSON.") from None
        raise ApiError(400, describe_validation_error(error)) from None


def api(
    body: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    signed_in: bool = True,
    produces: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a view: require a session unless `signed_in=False`, pass the parsed `body`."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(**kwargs: Any) -> Any:
            if signed_in and g.get("user") is None:
                raise ApiError(401, "Sign in to continue.")
            if body is not None:
                kwargs["body"] = parse_body(body)
            result = view(**kwargs)
            if isinstance(result, BaseModel):
                return result.model_dump(mode="json"), status
            if result is None:
                return "", 204
            return result

        wrapper.endpoint_spec = EndpointSpec(body, response, status, signed_in, produces)  # type: ignore[attr-defined]
        return wrapper

    return decorate
