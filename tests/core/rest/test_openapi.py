"""OpenAPI import: the local API's own description becomes requests that work against it."""

from __future__ import annotations

import json

import pytest

from core.rest.model import Request
from core.rest.openapi import OpenApiError, import_openapi, parse
from core.rest.runner import Run
from tests.core.rest.conftest import Api


def test_the_local_api_description_becomes_working_requests(api: Api) -> None:
    outcome = Run(Request("GET", "{{base_url}}/openapi.json"), api.environment).execute()
    imported = import_openapi(parse(outcome.body.data))
    names = {(r.method, r.url) for _, r in imported.requests}
    assert ("GET", "{{base_url}}/todos") in names and ("POST", "{{base_url}}/people/v1/users") in names
    assert all(group for group, _ in imported.requests)
    for _, request in imported.requests:
        if request.method == "GET" and "{{" not in request.url.replace("{{base_url}}", ""):
            api.reset()
            result = Run(request, api.environment).execute()
            assert result.ok and result.status < 500, (request.title(), result.status)
    post = next(r for _, r in imported.requests if (r.method, r.url) == ("POST", "{{base_url}}/todos"))
    assert post.body.mode == "json" and isinstance(json.loads(post.body.text), dict)
    api.reset()
    assert Run(post, api.environment).execute().status == 201


def test_swagger_2_with_refs_and_path_parameters() -> None:
    doc = {
        "swagger": "2.0", "basePath": "/v1", "info": {"title": "Pets"},
        "definitions": {"Pet": {"type": "object", "required": ["name"],
                                "properties": {"name": {"type": "string", "example": "Rex"}, "age": {"type": "integer"}}}},
        "paths": {"/pets/{id}": {"parameters": [{"name": "id", "in": "path", "type": "integer"}],
                                 "get": {"summary": "Get a pet", "tags": ["pets"],
                                         "parameters": [{"name": "full", "in": "query", "type": "boolean"}]},
                                 "put": {"parameters": [{"name": "body", "in": "body",
                                                         "schema": {"$ref": "#/definitions/Pet"}}]}}},
    }
    imported = import_openapi(doc)
    (g1, get), (g2, put) = imported.requests
    assert imported.title == "Pets" and g1 == "pets" and get.name == "Get a pet"
    assert get.url == "{{base_url}}/v1/pets/1" and get.params[0].name == "full" and not get.params[0].enabled
    assert json.loads(put.body.text) == {"name": "Rex"} and put.name == "PUT /pets/{id}"


@pytest.mark.parametrize(("doc", "words"), [([], "not an OpenAPI"), ({"openapi": "3.0.0"}, "no paths"),
                                            ({"openapi": "3.0.0", "paths": {"/x": {"summary": "s"}}}, "no operations")])
def test_documents_that_are_not_usable(doc: object, words: str) -> None:
    with pytest.raises(OpenApiError) as info:
        import_openapi(doc)
    assert words in str(info.value)


def test_not_json_at_all() -> None:
    with pytest.raises(OpenApiError):
        parse(b"<html>")
