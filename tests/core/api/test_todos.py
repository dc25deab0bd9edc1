"""``/todos``: the seed's JSONPlaceholder calls give the seed's answers, and the changes really stay."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from core.api.seed_data import seed_todos

TODO_10 = {"userId": 1, "id": 10, "title": "illo est ratione doloremque quia maiores aut", "completed": True}
MILK = {"userId": 1, "title": "Buy milk", "completed": False}


def test_there_are_200_seed_todos_20_for_each_of_10_users(client: FlaskClient) -> None:
    todos = client.get("/todos").get_json()
    assert [t["id"] for t in todos] == list(range(1, 201))
    assert todos == seed_todos()
    assert all(set(t) == {"userId", "id", "title", "completed"} for t in todos)
    for user in range(1, 11):
        assert [t["userId"] for t in todos].count(user) == 20
    assert 40 < sum(t["completed"] for t in todos) < 160


def test_the_seed_todos_are_the_same_every_time(make_app: Callable[..., Flask], tmp_path) -> None:
    other = make_app(DATA_DIR=str(tmp_path / "elsewhere")).test_client()
    assert other.get("/todos").get_json() == seed_todos()


def test_the_seed_snippets_answer_what_the_seed_prints(client: FlaskClient) -> None:
    created = client.post("/todos", json=MILK)  # "POST - The Easy Way"
    assert created.status_code == 201
    assert list(created.get_json().items()) == [("userId", 1), ("title", "Buy milk"), ("completed", False), ("id", 201)]

    assert client.get("/todos/10").get_json() == TODO_10  # "PUT" first prints todo 10
    replaced = client.put("/todos/10", json={"userId": 1, "title": "Wash car", "completed": True})
    assert replaced.status_code == 200
    assert list(replaced.get_json().items()) == [("userId", 1), ("title", "Wash car"), ("completed", True), ("id", 10)]

    patched = client.patch("/todos/10", json={"title": "Mow lawn"})
    assert patched.status_code == 200
    assert list(patched.get_json().items()) == [("userId", 1), ("id", 10), ("title", "Mow lawn"), ("completed", True)]

    deleted = client.delete("/todos/10")
    assert deleted.status_code == 200 and deleted.get_json() == {}


def test_writes_persist_and_ids_go_on(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()
    assert client.post("/todos", json=MILK).get_json()["id"] == 201
    client.patch("/todos/3", json={"completed": True})
    client.delete("/todos/4")
    later = make_app().test_client()  # as if the server was restarted
    assert later.get("/todos/201").get_json() == {"userId": 1, "id": 201, "title": "Buy milk", "completed": False}
    assert later.get("/todos/3").get_json()["completed"] is True
    assert later.get("/todos/4").status_code == 404
    assert later.post("/todos", json=MILK).get_json()["id"] == 202
    later.delete("/todos/202")
    assert later.post("/todos", json=MILK).get_json()["id"] == 203  # a deleted id is never given out again


def test_reset_brings_the_seed_back_and_ids_start_at_201_again(client: FlaskClient) -> None:
    client.post("/todos", json=MILK)
    client.delete("/todos/1")
    client.post("/people/v1/users", json={"name": "John", "email": "john@example.com"})
    response = client.post("/reset")
    assert response.status_code == 200
    assert response.get_json()["todos"] == 200 and response.get_json()["users"] == 0
    assert client.get("/todos").get_json() == seed_todos()
    assert client.get("/people/v1/users").get_json() == {"users": []}
    assert client.post("/todos", json=MILK).get_json()["id"] == 201


def test_post_with_only_user_and_title_is_not_completed(client: FlaskClient) -> None:
    created = client.post("/todos", json={"userId": 3, "title": "Call mum"})
    assert created.status_code == 201 and created.get_json()["completed"] is False
    assert created.headers["Location"] == "/todos/201"


def test_put_without_completed_resets_it_because_put_replaces(client: FlaskClient) -> None:
    assert client.get("/todos/10").get_json()["completed"] is True
    assert client.put("/todos/10", json={"userId": 1, "title": "Wash car"}).get_json()["completed"] is False


def test_filters_by_user_and_completed_and_repeated_values(client: FlaskClient) -> None:
    seed = seed_todos()
    assert client.get("/todos?userId=1").get_json() == [t for t in seed if t["userId"] == 1]
    assert client.get("/todos?userId=1&completed=true").get_json() == [
        t for t in seed if t["userId"] == 1 and t["completed"]]
    assert client.get("/todos?completed=false").get_json() == [t for t in seed if not t["completed"]]
    assert client.get("/todos?userId=2&userId=3").get_json() == [t for t in seed if t["userId"] in (2, 3)]
    assert client.get("/todos?id=10&id=20").get_json() == [seed[9], seed[19]]
    assert client.get(f"/todos?title={TODO_10['title']}").get_json() == [TODO_10]
    assert client.get("/todos?userId=99").get_json() == []


def test_bad_filters_are_400_naming_the_filter(client: FlaskClient) -> None:
    for query, name in (("userId=one", "userId"), ("completed=yes", "completed"), ("id=1.5", "id"),
                        ("userId=" + "9" * 19, "userId"), ("userId=" + "&userId=".join(["1"] * 101), "userId")):
        response = client.get(f"/todos?{query}")
        assert response.status_code == 400, query
        assert list(response.get_json()["fields"]) == [name]


def test_missing_todos_are_json_404s(client: FlaskClient) -> None:
    for path in ("/todos/0", "/todos/201", "/todos/abc", "/todos/-1", "/todos/" + "9" * 40):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.get_json()["code"] == 404
    for response in (client.put("/todos/999", json=MILK), client.patch("/todos/999", json={}),
                     client.delete("/todos/999")):
        assert response.status_code == 404 and "no todo 999" in response.get_json()["message"]


def test_wrong_fields_are_422_with_every_field_named(client: FlaskClient) -> None:
    cases = [
        ({"userId": True, "title": "x"}, {"userId": "must be a whole number, not true/false"}),
        ({"userId": "1", "title": "x"}, {"userId": "must be a whole number, not text"}),
        ({"userId": 0, "title": "x"}, {"userId": "must be between 1 and 2147483647"}),
        ({"userId": 2**40, "title": "x"}, {"userId": "must be between 1 and 2147483647"}),
        ({"userId": 1, "title": ""}, {"title": "must not be empty"}),
        ({"userId": 1, "title": "x" * 501}, {"title": "must be at most 500 characters long (it has 501)"}),
        ({"userId": 1, "title": "x", "completed": "yes"}, {"completed": "must be true or false, not text"}),
        ({"userId": 1, "title": "x", "id": 5}, {"id": "is chosen by the server; leave it out"}),
        ({"title": "x", "done": True}, {"userId": "is required",
                                        "done": "is not a field of a todo (it has userId, title and completed)"}),
    ]
    for body, fields in cases:
        response = client.post("/todos", json=body)
        assert response.status_code == 422, body
        assert response.get_json()["fields"] == fields, body
    assert client.get("/todos/201").status_code == 404  # nothing was stored


def test_an_id_in_the_body_must_match_the_address(client: FlaskClient) -> None:
    todo = client.get("/todos/5").get_json()
    todo["title"] = "changed"
    assert client.put("/todos/5", json=todo).status_code == 200  # fetched, changed, sent back: fine
    wrong = client.put("/todos/5", json={**todo, "id": 6})
    assert wrong.status_code == 422 and wrong.get_json()["fields"] == {"id": "must be 5, the id in the address, or be left out"}
    assert client.patch("/todos/5", json={"id": 5, "completed": True}).get_json()["completed"] is True


def test_patch_with_an_empty_object_changes_nothing(client: FlaskClient) -> None:
    assert client.patch("/todos/10", json={}).get_json() == TODO_10


def test_concurrent_writers_lose_nothing(app: Flask) -> None:
    ids: list[int] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        client = app.test_client()  # one thread, one database connection
        for i in range(20):
            created = client.post("/todos", json={"userId": n + 1, "title": f"writer {n} todo {i}"})
            assert created.status_code == 201
            client.patch(f"/todos/{created.get_json()['id']}", json={"completed": True})
            with lock:
                ids.append(created.get_json()["id"])

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(ids) == list(range(201, 321))
    todos = app.test_client().get("/todos?completed=true&id=" + "&id=".join(map(str, ids[:100]))).get_json()
    assert len(todos) == 100


def test_two_apps_on_one_database_write_safely_side_by_side(make_app: Callable[..., Flask]) -> None:
    first, second = make_app().test_client(), make_app().test_client()
    first.get("/todos/1")  # created by the first; the second opens the same file
    threads = [threading.Thread(target=lambda c=c: [c.post("/todos", json=MILK) for _ in range(25)])
               for c in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(first.get("/todos").get_json()) == 250
