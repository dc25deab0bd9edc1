"""``/api/data``: the slides' POST stores each body as a timestamped JSON file, uniquely named."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from core.api.data import FOLDER, store

MARIO = {"name": "Mario", "age": 30, "occupation": "plumber"}


def stored_files(app: Flask) -> list[Path]:
    folder = Path(app.config["DATA_DIR"]) / FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_slides_post_is_stored_as_data_and_time(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/data", json=MARIO)
    assert response.status_code == 200
    assert response.get_json() == {"status": "success"}
    [file] = stored_files(app)
    content = json.loads(file.read_text())
    assert content["data"] == MARIO
    assert file.name == f"{content['time']}.json"
    assert file.read_text() == json.dumps(content, indent=4)  # the seed's own file format


def test_posts_in_the_same_second_get_their_own_files(tmp_path: Path) -> None:
    names = [store(tmp_path, "2025-10-24_10-46-45", {"n": i}) for i in range(11)]
    assert names[:3] == ["2025-10-24_10-46-45.json", "2025-10-24_10-46-45-2.json", "2025-10-24_10-46-45-3.json"]
    assert len(set(names)) == 11
    assert [json.loads((tmp_path / n).read_text())["n"] for n in names] == list(range(11))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_posts_racing_in_the_same_second_never_share_a_name(tmp_path: Path) -> None:
    names: list[str] = []
    lock = threading.Lock()

    def post(i: int) -> None:
        for j in range(10):
            name = store(tmp_path, "2025-10-24_10-46-45", {"thread": i, "j": j})
            with lock:
                names.append(name)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(names) == len(set(names)) == 80
    assert len(list(tmp_path.glob("*.json"))) == 80


def test_any_json_value_can_be_stored(app: Flask, client: FlaskClient) -> None:
    for value in ([1, 2, 3], "text", 42, None):
        assert client.post("/api/data", data=json.dumps(value), content_type="application/json").status_code == 200
    stored = [json.loads(p.read_text())["data"] for p in stored_files(app)]
    assert sorted(map(json.dumps, stored)) == sorted(map(json.dumps, [[1, 2, 3], "text", 42, None]))


def test_a_body_not_sent_as_json_gets_a_json_415(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/data", data="name=Mario", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    body = response.get_json()
    assert body["status"] == "error" and body["code"] == 415
    assert "Content-Type: application/json" in body["message"]
    assert stored_files(app) == []


def test_broken_json_gets_a_json_400_that_says_where(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/data", data='{"name": "Mario",}', content_type="application/json")
    assert response.status_code == 400
    body = response.get_json()
    assert body["status"] == "error" and "line 1, column 18" in body["message"]
    assert stored_files(app) == []


def test_an_empty_json_body_is_a_400(client: FlaskClient) -> None:
    assert client.post("/api/data", data=b"", content_type="application/json").status_code == 400


def test_the_list_shows_what_was_stored_newest_first(client: FlaskClient) -> None:
    for i in range(3):
        client.post("/api/data", json={"i": i})
    listing = client.get("/api/data").get_json()
    assert listing["total"] == 3 and len(listing["items"]) == 3
    fetched = [client.get(item["url"]).get_json()["data"]["i"] for item in listing["items"]]
    assert fetched == [2, 1, 0]
    page = client.get("/api/data?limit=1&offset=1").get_json()
    assert page["total"] == 3 and [i["name"] for i in page["items"]] == [listing["items"][1]["name"]]


def test_the_list_is_empty_before_anything_was_stored(client: FlaskClient) -> None:
    assert client.get("/api/data").get_json() == {"total": 0, "limit": 100, "offset": 0, "items": []}


def test_only_stored_file_names_can_be_read(app: Flask, client: FlaskClient) -> None:
    (Path(app.config["DATA_DIR"])).mkdir(parents=True, exist_ok=True)
    (Path(app.config["DATA_DIR"]) / "secret.json").write_text("{}")
    for name in ("..%2Fsecret.json", "secret.json", "2025-10-24_10-46-45.json", "%2e%2e"):
        response = client.get(f"/api/data/{name}")
        assert response.status_code == 404, name
        assert response.get_json()["code"] == 404
