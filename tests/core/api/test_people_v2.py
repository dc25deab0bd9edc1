"""``/people/v2/users``: the same users the way the API-design guide recommends."""

from __future__ import annotations

import uuid

from flask.testing import FlaskClient

from tests.core.api.conftest import BROWSER

ADA = {"name": "Ada", "email": "ada@example.org"}


def create(client: FlaskClient, user: dict = ADA) -> dict:
    response = client.post("/people/v2/users", json=user)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_post_answers_201_with_the_user_and_its_location(client: FlaskClient) -> None:
    response = client.post("/people/v2/users", json=ADA)
    assert response.status_code == 201
    user = response.get_json()
    assert user["name"] == "Ada" and user["email"] == "ada@example.org"
    assert uuid.UUID(user["id"]).version == 4
    assert user["created"] == user["updated"] and user["created"].endswith("Z")
    assert response.headers["Location"] == f"/people/v2/users/{user['id']}"
    assert client.get(response.headers["Location"]).get_json() == user


def test_every_wrong_field_is_named_in_a_422(client: FlaskClient) -> None:
    response = client.post("/people/v2/users", json={"name": "  ", "email": "not an email", "age": 3})
    assert response.status_code == 422
    body = response.get_json()
    assert set(body["fields"]) == {"name", "email", "age"}
    assert body["reason"] == "Unprocessable Entity"
    assert "name must not be empty" in body["message"] and "age is not a field of a user" in body["message"]
    missing = client.post("/people/v2/users", json={}).get_json()
    assert missing["fields"] == {"name": "is required", "email": "is required"}
    wrong_type = client.post("/people/v2/users", json={"name": 5, "email": None}).get_json()
    assert wrong_type["fields"] == {"name": "must be text in quotes, not a number",
                                    "email": "must be text in quotes, not null"}


def test_a_body_that_is_not_a_json_object_is_400_and_not_json_is_415(client: FlaskClient) -> None:
    not_object = client.post("/people/v2/users", json=["Ada"])
    assert not_object.status_code == 400 and "JSON object" in not_object.get_json()["message"]
    as_form = client.post("/people/v2/users", data=ADA)
    assert as_form.status_code == 415 and as_form.get_json()["code"] == 415


def test_errors_are_json_even_for_a_browser(client: FlaskClient) -> None:
    response = client.get(f"/people/v2/users/{uuid.uuid4()}", headers=BROWSER)
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert "There is no user" in response.get_json()["message"]


def test_put_replaces_and_needs_every_field(client: FlaskClient) -> None:
    user = create(client)
    partial = client.put(f"/people/v2/users/{user['id']}", json={"name": "Ada Lovelace"})
    assert partial.status_code == 422 and partial.get_json()["fields"] == {"email": "is required"}
    replaced = client.put(f"/people/v2/users/{user['id']}", json={"name": "Ada Lovelace", "email": "al@example.org"})
    assert replaced.status_code == 200
    body = replaced.get_json()
    assert (body["id"], body["name"], body["email"], body["created"]) == (
        user["id"], "Ada Lovelace", "al@example.org", user["created"])


def test_patch_changes_only_the_fields_sent(client: FlaskClient) -> None:
    user = create(client)
    changed = client.patch(f"/people/v2/users/{user['id']}", json={"email": "ada@lovelace.example"})
    assert changed.status_code == 200
    assert changed.get_json()["name"] == "Ada" and changed.get_json()["email"] == "ada@lovelace.example"
    merge_patch = client.patch(f"/people/v2/users/{user['id']}", data='{"name": "A."}',
                               content_type="application/merge-patch+json")
    assert merge_patch.status_code == 200 and merge_patch.get_json()["name"] == "A."
    assert client.patch(f"/people/v2/users/{user['id']}", json={"email": "x"}).status_code == 422


def test_a_missing_user_is_a_json_404_for_every_method(client: FlaskClient) -> None:
    missing = f"/people/v2/users/{uuid.uuid4()}"
    for response in (client.get(missing), client.put(missing, json=ADA), client.patch(missing, json={}),
                     client.delete(missing)):
        assert response.status_code == 404
        assert response.get_json()["code"] == 404


def test_delete_is_204_then_404(client: FlaskClient) -> None:
    user = create(client)
    deleted = client.delete(f"/people/v2/users/{user['id']}")
    assert deleted.status_code == 204 and deleted.data == b""
    assert client.delete(f"/people/v2/users/{user['id']}").status_code == 404


def test_lists_are_paged_with_a_total(client: FlaskClient) -> None:
    made = [create(client, {"name": f"User {i}", "email": f"u{i}@example.org"}) for i in range(5)]
    page = client.get("/people/v2/users?limit=2&offset=2").get_json()
    assert page["total"] == 5 and page["limit"] == 2 and page["offset"] == 2
    assert [u["id"] for u in page["items"]] == [made[2]["id"], made[3]["id"]]
    assert client.get("/people/v2/users").get_json()["limit"] == 20
    past_the_end = client.get("/people/v2/users?offset=10").get_json()
    assert past_the_end["items"] == [] and past_the_end["total"] == 5
    by_name = client.get("/people/v2/users?name=User 3").get_json()
    assert by_name["total"] == 1 and by_name["items"][0]["id"] == made[3]["id"]


def test_bad_paging_parameters_are_400_naming_them(client: FlaskClient) -> None:
    for query, name in (("limit=0", "limit"), ("limit=101", "limit"), ("limit=abc", "limit"), ("offset=-1", "offset"),
                        ("limit=1.5", "limit"), ("offset=1_000", "offset"), ("limit=", "limit")):
        response = client.get(f"/people/v2/users?{query}")
        assert response.status_code == 400, query
        assert list(response.get_json()["fields"]) == [name]


def test_v1_and_v2_are_two_views_of_the_same_users(client: FlaskClient) -> None:
    client.post("/people/v1/users", json={"name": "John", "email": "john@example.com"})
    [john] = client.get("/people/v2/users").get_json()["items"]
    assert john["name"] == "John" and "created" in john
    ada = create(client)
    assert client.get(f"/people/v1/users/{ada['id']}").get_json() == {"id": ada["id"], **ADA}


def test_a_method_the_resource_does_not_have_is_a_json_405_with_allow(client: FlaskClient) -> None:
    response = client.put("/people/v2/users", json=ADA)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert "does not accept PUT" in response.get_json()["message"]
