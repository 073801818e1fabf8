"""Build the OpenAPI 3.1 document from the routes and the pydantic schemas that guard them."""

import re
from typing import Any

from flask import Blueprint, Flask, current_app
from pydantic import BaseModel

from .api import EndpointSpec

bp = Blueprint("openapi", __name__, url_prefix="/api")

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "name", "description"],
    "properties": {
        "code": {"type": "integer"},
        "name": {"type": "string"},
        "description": {"type": "string"},
    },
}


def _ref(model: type[BaseModel], components: dict[str, Any]) -> dict[str, str]:
    """Register `model` (and the models it uses) under components; return a reference to it."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(schema.pop("$defs", {}))
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def build_document(app: Flask) -> dict[str, Any]:
    """Describe every `/api` route that carries an `@api` spec."""
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        spec: EndpointSpec | None = getattr(view, "endpoint_spec", None)
        if spec is None or not rule.rule.startswith("/api"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation: dict[str, Any] = {
                "operationId": rule.endpoint.replace(".", "_"),
                "summary": (view.__doc__ or "").strip().splitlines()[0] if view.__doc__ else "",
                "responses": {
                    "400": _error("Invalid request"),
                    "403": _error("Refused"),
                    # 409, 413, 422, 429 and 500 share the error shape.
                    "default": _error("Other errors"),
                },
            }
            params = re.findall(r"{([^}]+)}", path)
            if params:
                operation["parameters"] = [
                    {"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in params
                ]
                operation["responses"]["404"] = _error("Not found")
            if spec.body is not None:
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(spec.body, components)}},
                }
            if spec.produces is not None:
                operation["responses"][str(spec.status)] = {
                    "description": "A file",
                    "content": {spec.produces: {"schema": {
                        "type": "object" if spec.produces == "application/json" else "string"}}},
                }
            elif spec.response is not None:
                operation["responses"][str(spec.status)] = {
                    "description": "OK",
                    "content": {"application/json": {"schema": _ref(spec.response, components)}},
                }
            else:
                operation["responses"]["204"] = {"description": "Done"}
            if spec.signed_in:
                operation["security"] = [{"session": []}]
                operation["responses"]["401"] = _error("Not signed in")
            else:
                operation["security"] = []
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Cultivate API", "version": "1"},
        "servers": [{"url": app.config["ORIGIN"]}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "cultivate_session"}},
        },
    }


@bp.get("/openapi.json")
def openapi_document() -> dict[str, Any]:
    """Serve the OpenAPI 3.1 document of every `/api` route."""
    return build_document(current_app)
