"""``/people/v1/users``: the seed lab's final API, every status code and text exactly as the seed answers."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.core.api.conftest import BROWSER

JOHN = {"name": "John", "email": "john@example.com"}
CREATED = re.compile(r"User created successfully! ID: ([0-9a-f-]{36}), Name: John, Email: john@example\.com\n")


def create(client: FlaskClient, user: dict = JOHN) -> str:
    response = client.post("/people/v1/users", json=user)
    assert response.status_code == 201
    match = re.match(r"User created successfully! ID: ([0-9a-f-]{36}), ", response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)
    return match.group(1)


def test_post_answers_201_with_the_seeds_text_and_a_uuid(client: FlaskClient) -> None:
    response = client.post("/people/v1/users", json=JOHN)
    assert response.status_code == 201
    assert CREATED.fullmatch(response.get_data(as_text=True))
    assert response.mimetype == "text/plain"


def test_post_without_json_is_415_request_must_be_json(client: FlaskClient) -> None:
    response = client.post("/people/v1/users", data="name=John&email=john@example.com",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.get_data(as_text=True) == "Request must be JSON\n"


def test_post_with_a_missing_or_empty_field_is_400(client: FlaskClient) -> None:
    for body in ({"name": "John"}, {"email": "john@example.com"}, {"name": "", "email": "j@x"}, {}, [], "John"):
        response = client.post("/people/v1/users", json=body)
        assert response.status_code == 400, body
        assert response.get_data(as_text=True) == "Missing required fields (name and email)\n"


def test_post_with_a_name_that_is_not_text_is_400_not_a_crash(client: FlaskClient) -> None:
    response = client.post("/people/v1/users", json={"name": 12, "email": ["j@x"]})
    assert response.status_code == 400
    assert "must be text" in response.get_data(as_text=True)


def test_post_with_broken_json_is_a_400_that_says_so(client: FlaskClient) -> None:
    response = client.post("/people/v1/users", data='{"name": "John"', content_type="application/json")
    assert response.status_code == 400
    assert "not valid JSON" in response.get_json()["message"]
    as_browser = client.post("/people/v1/users", data='{"name"', content_type="application/json", headers=BROWSER)
    assert as_browser.status_code == 400 and as_browser.mimetype == "text/html"  # the seed route keeps HTML pages


def test_get_lists_users_under_users(client: FlaskClient) -> None:
    assert client.get("/people/v1/users").get_json() == {"users": []}
    user_id = create(client)
    assert client.get("/people/v1/users").get_json() == {"users": [{"id": user_id, **JOHN}]}


def test_the_name_filter_answers_the_matching_list_or_404(client: FlaskClient) -> None:
    response = client.get("/people/v1/users?name=John")
    assert response.status_code == 404
    assert response.get_data(as_text=True) == "User with name 'John' not found\n"
    first = create(client)
    create(client, {"name": "Jane", "email": "jane@example.com"})
    second = create(client)
    assert client.get("/people/v1/users?name=John").get_json() == [{"id": first, **JOHN}, {"id": second, **JOHN}]
    assert len(client.get("/people/v1/users?name=").get_json()["users"]) == 3  # empty filter: everyone


def test_get_by_id_answers_the_user_or_404_with_the_seeds_text(client: FlaskClient) -> None:
    user_id = create(client)
    assert client.get(f"/people/v1/users/{user_id}").get_json() == {"id": user_id, **JOHN}
    missing = client.get("/people/v1/users/864d82a5-e4e2-4b17-8358-d0d66d34e470")
    assert missing.status_code == 404
    assert missing.get_data(as_text=True) == "User with ID 864d82a5-e4e2-4b17-8358-d0d66d34e470 not found\n"


def test_delete_is_204_then_404_as_in_the_seeds_log(client: FlaskClient) -> None:
    user_id = create(client)
    assert client.get(f"/people/v1/users/{user_id}").status_code == 200
    deleted = client.delete(f"/people/v1/users/{user_id}")
    assert deleted.status_code == 204 and deleted.data == b""
    again = client.delete(f"/people/v1/users/{user_id}")
    assert again.status_code == 404 and again.get_data(as_text=True) == f"User with ID {user_id} not found\n"
    assert client.get(f"/people/v1/users/{user_id}").status_code == 404


def test_users_persist_across_a_restart_of_the_server(make_app: Callable[..., Flask]) -> None:
    user_id = create(make_app().test_client())
    assert make_app().test_client().get(f"/people/v1/users/{user_id}").get_json() == {"id": user_id, **JOHN}


def test_a_method_v1_does_not_have_is_405_with_allow(client: FlaskClient) -> None:
    response = client.put("/people/v1/users/abc", json=JOHN)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "DELETE"}
    assert response.get_json()["code"] == 405


def test_unicode_names_come_back_as_sent(client: FlaskClient) -> None:
    user_id = create(client, {"name": "José Ñandú", "email": "jose@example.com"})
    assert client.get(f"/people/v1/users/{user_id}").get_json()["name"] == "José Ñandú"
