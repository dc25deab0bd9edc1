"""``/`` and ``/test/``: the seed's pages, JSON for programs and the welcome page for browsers."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.core.api.conftest import BROWSER, CURL

SEED_JSON = {"status": "online", "message": "Server is running. POST to /api/data"}


def test_curl_gets_the_seed_json_from_the_root(client: FlaskClient) -> None:
    response = client.get("/", headers=CURL)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == SEED_JSON


def test_a_client_that_sends_no_accept_header_gets_json(client: FlaskClient) -> None:
    assert client.get("/").get_json() == SEED_JSON


def test_a_client_that_asks_for_json_gets_json_even_if_it_also_takes_html(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept": "application/json, text/html"})
    assert response.get_json() == SEED_JSON


def test_a_browser_gets_the_welcome_page_with_links_to_the_docs(client: FlaskClient) -> None:
    response = client.get("/", headers=BROWSER)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>The server is up and running!</h1>" in page
    assert 'href="/docs"' in page and 'href="/openapi.json"' in page
    assert 'href="/todos"' in page  # every GET endpoint without parameters is a link


def test_the_test_folder_page_is_the_seeds(client: FlaskClient) -> None:
    response = client.get("/test/")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == '<h1>This is the "test" folder.</h1>\n'


def test_the_test_folder_without_its_slash_redirects_like_flask_does(client: FlaskClient) -> None:
    response = client.get("/test")
    assert response.status_code == 308 and response.headers["Location"].endswith("/test/")
