"""The REST API for real: waitress on a free port, the worker process under the supervisor, curl and requests.

The seeds' curl commands and ``requests`` snippets run unchanged (only the address differs) and give the
seeds' answers, except that ids go on because writes persist, also across a SIGKILL of the worker.
"""

from __future__ import annotations

import http.client
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from core.api.helpers import large_item
from core.config import ApiConfig
from core.errors import WorkerFatal
from core.messages import ApiRequest, Listening, WorkerExited
from core.servers.api import ApiServer
from core.supervisor import Supervisor
from tests.conftest import free_port, need_tool, wait_for
from tests.core.servers.conftest import Running, start_worker

MILK = {"userId": 1, "title": "Buy milk", "completed": False}


@pytest.fixture
def api_worker(supervisor: Supervisor, tmp_path: Path) -> Running:
    config = ApiConfig(port=0, data_dir=str(tmp_path / "data"), threads=4)
    return start_worker(supervisor, "api", "core.workers.api:run", config)


def base_url(running: Running) -> str:
    return f"http://{running.host}:{running.port}"


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


# --- the seeds, unchanged --------------------------------------------------------------------------

SEED_CURLS = [  # (command as the seed prints it, the status it must answer)
    ("curl http://127.0.0.1:5000", 200),
    ("curl -i http://127.0.0.1:5001", 200),
    ("""curl -X POST http://localhost:5000/api/data -H "Content-Type: application/json" """
     """-d '{"name": "Mario", "age": 30, "occupation": "plumber"}'""", 200),
    ("""curl -i -X POST -H "Content-Type: application/json" -d '{"name": "John", "email": "john@example.com"}' """
     "http://127.0.0.1:5001/people/v1/users", 201),
    ("curl -i http://127.0.0.1:5001/people/v1/users", 200),
    ("curl -i http://127.0.0.1:5001/people/v1/users?name=John", 200),
    ("curl -i http://127.0.0.1:5001/people/v1/users?name=Nobody", 404),
]


def run_curl(command: str, port: int) -> subprocess.CompletedProcess:
    """A seed's curl command with the seed's port replaced by the server's (and the status written last)."""
    args = shlex.split(command.replace(":5000", f":{port}").replace(":5001", f":{port}"))
    return subprocess.run([*args, "-s", "-w", "\n%{http_code}"], capture_output=True, text=True, timeout=30)


def test_the_seeds_curl_commands_get_the_seeds_answers(api_worker: Running) -> None:
    need_tool("curl")
    outputs = []
    for command, status in SEED_CURLS:
        result = run_curl(command, api_worker.port)
        assert result.returncode == 0, (command, result.stderr)
        body, _, code = result.stdout.rpartition("\n")
        assert int(code) == status, (command, result.stdout)
        outputs.append(body)
    assert json.loads(outputs[0]) == {"status": "online", "message": "Server is running. POST to /api/data"}
    assert outputs[1].startswith("HTTP/1.1 200 OK")
    assert json.loads(outputs[2]) == {"status": "success"}
    created = outputs[3].split("\n\n", 1)[1]
    user_id = created.split("ID: ")[1].split(",")[0]
    assert created == f"User created successfully! ID: {user_id}, Name: John, Email: john@example.com\n"
    users = json.loads(outputs[4].split("\n\n", 1)[1])
    assert users == {"users": [{"id": user_id, "name": "John", "email": "john@example.com"}]}
    assert outputs[6].endswith("User with name 'Nobody' not found\n")

    # The RESTful way, then DELETE twice, as in the seed's server log: 200, 204, 404, 404.
    for command, status in (
        (f"curl -i http://127.0.0.1:5001/people/v1/users/{user_id}", 200),
        (f"curl -i -X DELETE http://127.0.0.1:5001/people/v1/users/{user_id}", 204),
        (f"curl -i -X DELETE http://127.0.0.1:5001/people/v1/users/{user_id}", 404),
        (f"curl -i http://127.0.0.1:5001/people/v1/users/{user_id}", 404),
    ):
        result = run_curl(command, api_worker.port)
        assert int(result.stdout.rpartition("\n")[2]) == status, command


# The seed's requests snippets, verbatim but for the address; the comments are what the seed prints.
SEED_SNIPPETS = {
    "POST - The Standard Way": '''
import json
import requests

api_url = "https://jsonplaceholder.typicode.com/todos"
todo = {"userId": 1, "title": "Buy milk", "completed": False}
headers = {"Content-Type":"application/json"}
response = requests.post(api_url,
                         data=json.dumps(todo),
                         headers=headers)
print(response.json())
# {'userId': 1, 'title': 'Buy milk',
#  'completed': False, 'id': 201}
print(response.status_code) # 201
''',
    "POST - The Easy Way": '''
import requests

api_url = "https://jsonplaceholder.typicode.com/todos"
todo = {"userId": 1, "title": "Buy milk", "completed": False}
response = requests.post(api_url, json=todo)
print(response.json())
# {'userId': 1, 'title': 'Buy milk', 'completed': False, 'id': 201}
print(response.status_code) # 201
''',
    "PUT": '''
import requests

api_url = "https://jsonplaceholder.typicode.com/todos/10"
print(requests.get(api_url).json())
# {'userId': 1, 'id': 10, 'title': 'illo ... aut',
#  'completed': True}

todo = {"userId": 1, "title": "Wash car", "completed": True}
response = requests.put(api_url, json=todo)
# {'userId': 1, 'title': 'Wash car',
#  'completed': True, 'id': 10}
print(response.json(), response.status_code)
''',
    "PATCH": '''
import requests

api_url = "https://jsonplaceholder.typicode.com/todos/10"
todo = {"title": "Mow lawn"}
response = requests.patch(api_url, json=todo)
print(response.json())
# {'userId': 1, 'id': 10, 'title': 'Mow lawn', 
# 'completed': True}
print(response.status_code) # 200
''',
    "DELETE": '''
import requests

api_url = "https://jsonplaceholder.typicode.com/todos/10"
response = requests.delete(api_url)
print(response.json())      # {}
print(response.status_code) # 200
''',
}

SEED_PRINTS = {
    "POST - The Standard Way": "{'userId': 1, 'title': 'Buy milk', 'completed': False, 'id': 201}\n201\n",
    # The seed prints id 201 again: JSONPlaceholder forgets every write. Here the first one stayed.
    "POST - The Easy Way": "{'userId': 1, 'title': 'Buy milk', 'completed': False, 'id': 202}\n201\n",
    "PUT": "{'userId': 1, 'id': 10, 'title': 'illo est ratione doloremque quia maiores aut', 'completed': True}\n"
           "{'userId': 1, 'title': 'Wash car', 'completed': True, 'id': 10} 200\n",
    "PATCH": "{'userId': 1, 'id': 10, 'title': 'Mow lawn', 'completed': True}\n200\n",
    "DELETE": "{}\n200\n",
}


def test_the_seeds_requests_snippets_print_what_the_seed_shows(api_worker: Running) -> None:
    for name, code in SEED_SNIPPETS.items():
        script = code.replace("https://jsonplaceholder.typicode.com", base_url(api_worker))
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, (name, result.stderr)
        assert result.stdout == SEED_PRINTS[name], name
    assert requests.get(f"{base_url(api_worker)}/todos/10", timeout=10).status_code == 404  # deleted, and it stays


# --- the worker process -----------------------------------------------------------------------------


def test_every_request_is_an_event_for_the_request_log(api_worker: Running) -> None:
    conn = http.client.HTTPConnection(api_worker.host, api_worker.port, timeout=10)
    try:
        conn.request("GET", "/todos?userId=2&completed=true")
        listed = conn.getresponse().read()
        client = "%s:%d" % conn.sock.getsockname()[:2]
        conn.request("POST", "/todos", body=b"{oops", headers={"Content-Type": "application/json"})
        broken = conn.getresponse().read()
        conn.request("DELETE", "/nowhere")
        conn.getresponse().read()
    finally:
        conn.close()
    events = [api_worker.wait(lambda e: isinstance(e, ApiRequest)) for _ in range(3)]
    assert [(e.method, e.path, e.status) for e in events] == [
        ("GET", "/todos?userId=2&completed=true", 200), ("POST", "/todos", 400), ("DELETE", "/nowhere", 404)]
    assert events[0].size == len(listed) and events[1].size == len(broken)
    assert all(e.client == client and e.worker == "api" and e.millis >= 0 for e in events)
    assert events[0].time <= events[1].time <= events[2].time


def test_writes_survive_a_sigkill_of_the_worker(api_worker: Running, session: requests.Session) -> None:
    url = base_url(api_worker)
    assert session.post(f"{url}/todos", json=MILK).json()["id"] == 201
    assert session.patch(f"{url}/todos/10", json={"title": "Mow lawn"}).status_code == 200
    assert session.delete(f"{url}/todos/11").status_code == 200
    user = session.post(f"{url}/people/v2/users", json={"name": "Ada", "email": "ada@example.org"}).json()
    assert session.post(f"{url}/api/data", json={"name": "Mario"}).json() == {"status": "success"}
    session.close()  # its connection points at the process about to die

    supervisor = api_worker.supervisor
    os.kill(supervisor.info("api").pid, signal.SIGKILL)
    exited = api_worker.wait(lambda e: isinstance(e, WorkerExited))
    assert exited.exitcode == -signal.SIGKILL
    supervisor.start("api")
    again = api_worker.wait(lambda e: isinstance(e, Listening))
    url = f"http://{again.host}:{again.port}"

    with requests.Session() as after:
        assert after.get(f"{url}/todos/201").json() == {**{"userId": 1, "id": 201}, "title": "Buy milk",
                                                        "completed": False}
        assert after.get(f"{url}/todos/10").json()["title"] == "Mow lawn"
        assert after.get(f"{url}/todos/11").status_code == 404
        assert after.get(f"{url}/people/v2/users/{user['id']}").json() == user
        assert after.get(f"{url}/api/data").json()["total"] == 1
        assert after.post(f"{url}/todos", json=MILK).json()["id"] == 202


def test_concurrent_writers_over_http_lose_nothing(api_worker: Running) -> None:
    url = base_url(api_worker)
    ids: list[int] = []
    failures: list[Any] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        with requests.Session() as s:
            for i in range(25):
                response = s.post(f"{url}/todos", json={"userId": n + 1, "title": f"w{n}-{i}"}, timeout=30)
                with lock:
                    (ids.append(response.json()["id"]) if response.status_code == 201 else failures.append(response.text))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert sorted(ids) == list(range(201, 401))
    assert len(requests.get(f"{url}/todos", timeout=10).json()) == 400


def test_the_large_json_document_is_streamed_and_complete(api_worker: Running) -> None:
    with requests.get(f"{base_url(api_worker)}/json/large?items=30000", stream=True, timeout=60) as response:
        assert response.status_code == 200
        assert response.headers["Transfer-Encoding"] == "chunked"
        items = json.loads(response.content)
    assert len(items) == 30000 and items[12344] == large_item(12345)


# --- the server in this process ---------------------------------------------------------------------


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., tuple[ApiServer, list]]]:
    servers: list[ApiServer] = []

    def start(**overrides: Any) -> tuple[ApiServer, list]:
        events: list = []
        config = ApiConfig(**{"port": 0, "data_dir": str(tmp_path / "data"), "threads": 4, **overrides})
        server = ApiServer(config, events.append)
        servers.append(server)
        server.start()
        return server, events

    yield start
    for server in servers:
        server.close()


def raw_exchange(address: tuple[str, int], data: bytes) -> bytes:
    with socket.create_connection(address, timeout=10) as s:
        s.sendall(data)
        received = b""
        while chunk := s.recv(65536):
            received += chunk
    return received


def test_a_body_over_the_limit_is_refused_by_waitress_with_a_json_413(server_factory) -> None:
    server, events = server_factory(max_body_bytes=1000)
    answer = raw_exchange(server.address, b"POST /todos HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                          b"Content-Length: 100000000000\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 ")
    assert b"Content-Type: application/json" in head
    assert json.loads(body)["message"] == (
        "The request body is larger than the 1000 bytes this server accepts. Send a smaller body.")
    [event] = [e for e in events if isinstance(e, ApiRequest)]
    assert (event.method, event.path, event.status) == ("POST", "/todos", 413)


def test_a_chunked_body_over_the_limit_is_a_json_413_too(server_factory) -> None:
    server, _ = server_factory(max_body_bytes=1000)
    chunk = b"[" + b"1," * 600 + b"1]"
    answer = raw_exchange(server.address, b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                          b"Content-Type: application/json\r\n\r\n"
                          + b"%x\r\n%s\r\n0\r\n\r\n" % (len(chunk), chunk))
    assert answer.startswith(b"HTTP/1.1 413 ") and b'"code":413' in answer


def test_a_body_just_within_the_limit_is_accepted(server_factory) -> None:
    server, _ = server_factory(max_body_bytes=1000)
    body = json.dumps({"userId": 1, "title": "x" * 400}).encode()
    response = requests.post(f"http://{server.address[0]}:{server.address[1]}/echo", data=body.ljust(1000),
                             headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 200 and response.json()["size"] == 1000


def test_curl_with_a_too_large_body_gets_413(server_factory, tmp_path: Path) -> None:
    need_tool("curl")
    server, _ = server_factory(max_body_bytes=100_000)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(["x" * 1000] * 2000))
    result = subprocess.run(
        ["curl", "-s", "-w", "\n%{http_code}", "-H", "Content-Type: application/json", "--data-binary", f"@{big}",
         f"http://{server.address[0]}:{server.address[1]}/api/data"], capture_output=True, text=True, timeout=30)
    body, _, code = result.stdout.rpartition("\n")
    assert code == "413" and json.loads(body)["code"] == 413


def test_a_request_that_is_not_http_gets_a_json_400(server_factory) -> None:
    server, events = server_factory()
    answer = raw_exchange(server.address, b"HELLO THERE\r\nthis is not http\r\n\r\n")
    assert b" 400 " in answer.split(b"\r\n")[0] and b'"code":400' in answer
    assert any(isinstance(e, ApiRequest) and e.status == 400 for e in events)


@pytest.mark.timeout(60)
def test_stopping_closes_idle_busy_and_stuck_connections(server_factory) -> None:
    server, _ = server_factory()
    server.app.config["WIRELAB_DELAY_MAX"] = 3600.0
    address = server.address
    idle = socket.create_connection(address)
    busy = socket.create_connection(address)
    stuck = socket.create_connection(address)
    try:
        idle.sendall(b"GET /todos/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        idle.recv(65536)  # answered; the connection stays open (keep-alive)
        busy.sendall(b"GET /delay/3600 HTTP/1.1\r\nHost: x\r\n\r\n")
        stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stuck.sendall(b"GET /json/large?items=1000000 HTTP/1.1\r\nHost: x\r\n\r\n")  # and never read
        stuck.recv(1)
        server.close()  # returns, instead of waiting an hour for /delay or forever for the stuck reader
        with socket.socket() as again:
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind(address)  # the port is free again
    finally:
        for s in (idle, busy, stuck):
            s.close()


def test_a_port_in_use_is_a_fatal_error_in_plain_words(server_factory) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        with pytest.raises(WorkerFatal, match=f"Port {port} is already used by another program"):
            server_factory(port=port)


def test_a_data_folder_that_cannot_be_used_is_a_fatal_error_in_plain_words(server_factory, tmp_path: Path) -> None:
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    with pytest.raises(WorkerFatal, match="cannot use its data folder"):
        server_factory(data_dir=str(blocked / "data"))


def test_the_worker_reports_a_bad_data_folder_instead_of_crashing(supervisor: Supervisor, tmp_path: Path) -> None:
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    events = supervisor.subscribe()
    from core.supervisor import WorkerSpec

    supervisor.add(WorkerSpec("api", "core.workers.api:run", ApiConfig(port=free_port(), data_dir=str(blocked))))
    supervisor.start("api")
    exited = wait_for(events, lambda e: isinstance(e, WorkerExited))
    assert "cannot use its data folder" in exited.error
