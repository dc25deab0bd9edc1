"""``/openapi.json`` tells the truth about the app, ``/docs`` works offline, and schemathesis finds no failure."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings

from core.api import DEFAULTS
from core.api.openapi import build_spec
from tests.core.api.conftest import BROWSER, TEST_CONFIG

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def app_routes(app: Flask) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        routes |= {(path, m.lower()) for m in rule.methods or () if m.lower() in HTTP_METHODS}
    return routes


def spec_routes(document: dict) -> set[tuple[str, str]]:
    return {(path, m) for path, item in document["paths"].items() for m in item if m in HTTP_METHODS}


def test_the_document_lists_every_route_and_method_of_the_app_and_nothing_else(app: Flask, client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert spec_routes(document) == app_routes(app)


def test_a_route_added_to_the_app_without_documenting_it_is_noticed(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/undocumented", view_func=lambda: "x")
    assert ("/undocumented", "get") in app_routes(app) - spec_routes(client.get("/openapi.json").get_json())


def test_operation_ids_are_unique(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    ids = [op["operationId"] for item in document["paths"].values() for m, op in item.items() if m in HTTP_METHODS]
    assert len(ids) == len(set(ids))


def test_the_limits_in_the_document_are_the_servers_own(make_app: Callable[..., Flask]) -> None:
    document = make_app(WIRELAB_DELAY_MAX=3.0, WIRELAB_BYTES_MAX=777).test_client().get("/openapi.json").get_json()
    delay = document["paths"]["/delay/{seconds}"]["parameters"][0]["schema"]
    assert delay["maximum"] == 3.0
    assert document["paths"]["/bytes/{n}"]["get"]["parameters"][0]["schema"]["maximum"] == 777


def test_every_example_body_in_the_document_is_accepted(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()
    created = client.post("/people/v2/users", json={"name": "Ex", "email": "ex@example.org"}).get_json()
    tried = 0
    for path, item in document["paths"].items():
        for method, op in item.items():
            media = op.get("requestBody", {}).get("content", {}).get("application/json", {}) if method in HTTP_METHODS else {}
            if "example" not in media:
                continue
            url = path.replace("{todo_id}", "10").replace("{user_id}", created["id"])
            response = client.open(url, method=method.upper(), json=media["example"])
            assert response.status_code < 300, (method, url, response.get_json())
            tried += 1
    assert tried >= 8


def test_the_docs_page_shows_every_endpoint_and_needs_nothing_from_the_internet(client: FlaskClient) -> None:
    response = client.get("/docs", headers=BROWSER)
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    document = client.get("/openapi.json").get_json()
    for path in document["paths"]:
        assert f"<code>{path}</code>" in page, path
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "the page must work without internet"
    assert "Mow lawn" in page  # request examples are shown


# --- schemathesis: generated requests, every answer checked against the document ---------------------

#: /status/{code} answers 5xx on purpose; it is tested by hand in test_helpers.py.
SKIPPED = r"^/status/"
SCHEMATHESIS_CONFIG = {**TEST_CONFIG, "WIRELAB_DELAY_MAX": 0.01, "WIRELAB_BYTES_MAX": 512, "WIRELAB_JSON_ITEMS_MAX": 50}
# The document is data: it is built here without an app (pytest needs it when collecting); the test below
# checks that the app serves exactly this document.
schema = schemathesis.openapi.from_dict(
    build_spec({**DEFAULTS, **SCHEMATHESIS_CONFIG}),
    config=schemathesis.Config.from_dict({"generation": {"database": "none"}}),
).exclude(path_regex=SKIPPED)


@pytest.fixture
def fuzzed_app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(**SCHEMATHESIS_CONFIG)


def test_schemathesis_tests_the_document_the_app_serves(fuzzed_app: Flask) -> None:
    served = fuzzed_app.test_client().get("/openapi.json").get_json()
    assert served == build_spec({**DEFAULTS, **SCHEMATHESIS_CONFIG})


@schema.parametrize()
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])
def test_schemathesis_finds_no_failure(case: schemathesis.Case, fuzzed_app: Flask) -> None:
    case.call_and_validate(app=fuzzed_app)
