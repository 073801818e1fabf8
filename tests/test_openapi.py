"""The OpenAPI document is generated from the routes and covers every /api route."""

from flask import Flask


def test_document_covers_every_api_route(app: Flask, client) -> None:
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api") and rule.endpoint != "openapi.openapi_document":
            path = rule.rule.replace("<", "{").replace(">", "}")
            routed |= {(m, path) for m in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    assert routed == documented


def test_request_bodies_reference_the_validating_schemas(client) -> None:
    document = client.get("/api/openapi.json").get_json()
    register = document["paths"]["/api/auth/register/options"]["post"]
    ref = register["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert schema["properties"]["name"]["maxLength"] == 80
    assert schema["additionalProperties"] is False
    assert register["security"] == []
    assert document["paths"]["/api/me"]["get"]["security"] == [{"session": []}]
    for path_item in document["paths"].values():
        for operation in path_item.values():
            for ref_holder in _refs(operation):
                assert ref_holder.rsplit("/", 1)[1] in document["components"]["schemas"]


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if "$ref" in node else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []
