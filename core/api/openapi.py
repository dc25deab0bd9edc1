"""The OpenAPI 3.1 document (``/openapi.json``) and the offline docs page (``/docs``) made from it.

The document is kept here, in one place, and tests check it against the app: every route and method of
the app is in it and nothing else (tests/core/api/test_openapi.py), and schemathesis sends it thousands of
generated requests and checks every answer against it. Limits that come from the app's config (longest
delay, most bytes, most JSON items, body size) are filled in from that config, so the document always tells
the truth about the server that serves it.

``/docs`` is rendered on the server from the same document: one HTML page with no scripts and nothing from
the internet, so it works in a lab without internet access.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template

from core import __version__
from core.api import helpers, people_v2, todos, users
from core.api.jsonio import MAX_INT

bp = Blueprint("openapi", __name__)

SPEC_EXTENSION = "wirelab.openapi"
JSON = "application/json"
TEXT = "text/plain"
HTML = "text/html"

TAGS = [
    {"name": "seed", "description": "The seed tutorials' first endpoints, answered exactly as they do."},
    {"name": "people v1", "description": "The seed lab's users API: plain-text messages, as the seed answers them."},
    {"name": "people v2", "description": "The same users, following the REST API design guide: JSON everywhere, "
                                         "201 with Location, PUT and PATCH, 422 with field names, pages."},
    {"name": "todos", "description": "JSONPlaceholder's todos, except that changes really stay."},
    {"name": "helpers", "description": "Teaching helpers in the spirit of httpbin."},
    {"name": "lab", "description": "Looking after the lab's data, and this document."},
]


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def content(schema: dict[str, Any], media: str = JSON, example: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"schema": schema}
    if example is not None:
        body["example"] = example
    return {media: body}


def ok(description: str, schema: dict[str, Any], media: str = JSON, example: Any = None, **extra: Any) -> dict:
    return {"description": description, "content": content(schema, media, example), **extra}


def error(description: str) -> dict[str, Any]:
    return {"description": description, "content": content(ref("Error"))}


def v1_text(description: str, example: str) -> dict[str, Any]:
    return {"description": description, "content": content({"type": "string"}, TEXT, example)}


def body(schema: dict[str, Any], example: Any = None, required: bool = True, media: str = JSON) -> dict[str, Any]:
    return {"required": required, "content": content(schema, media, example)}


def path_param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


def query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description, **extra}


WHOLE = {"type": "integer", "minimum": -todos.MAX_ID, "maximum": todos.MAX_ID}


def query_list(name: str, items: dict[str, Any], description: str) -> dict[str, Any]:
    schema = {"type": "array", "items": items, "maxItems": todos.MAX_FILTER_VALUES}
    return query(name, schema, description, style="form", explode=True)


BAD_JSON = error("The body is not valid JSON, or not a JSON object")
TOO_BIG = error("The body is larger than the server accepts")
NOT_JSON = error("The body was not sent as JSON (Content-Type: application/json)")
INVALID = error("Some fields are wrong; `fields` names each one and what is wrong")
BAD_QUERY = error("A query parameter is not right; `fields` names it")
NOT_FOUND = error("There is no such resource")


def schemas(config: dict[str, Any]) -> dict[str, Any]:
    title = {"type": "string", "minLength": 1, "maxLength": todos.TITLE_MAX}
    user_id = {"type": "integer", "minimum": 1, "maximum": MAX_INT}
    todo_props = {"userId": user_id, "title": title, "completed": {"type": "boolean"}}
    name = {"type": "string", "minLength": 1, "maxLength": users.NAME_MAX}
    email = {"type": "string", "minLength": 1, "maxLength": users.EMAIL_MAX}
    v2_name = {**name, "pattern": people_v2.NAME_PATTERN}
    v2_email = {**email, "pattern": people_v2.EMAIL.pattern.join("^$")}
    return {
        "Error": {
            "type": "object",
            "required": ["code", "reason", "message"],
            "properties": {
                "code": {"type": "integer", "description": "The HTTP status code"},
                "reason": {"type": "string", "description": "Its standard reason phrase"},
                "message": {"type": "string", "description": "What happened and what to do, in plain words"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "For each wrong field or parameter, what is wrong with it"},
                "status": {"const": "error", "description": "Only on /api/data, as in the seed"},
            },
        },
        "Todo": {
            "type": "object",
            "required": ["userId", "id", "title", "completed"],
            "properties": {"userId": {"type": "integer"}, "id": {"type": "integer"}, "title": {"type": "string"},
                           "completed": {"type": "boolean"}},
            "additionalProperties": False,
        },
        "TodoNew": {
            "type": "object", "required": ["userId", "title"], "properties": todo_props, "additionalProperties": False,
            "description": "completed is false when left out",
        },
        "TodoChanges": {"type": "object", "properties": todo_props, "additionalProperties": False},
        "UserV1": {
            "type": "object", "required": ["id", "name", "email"],
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "email": {"type": "string"}},
            "additionalProperties": False,
        },
        "UserV1New": {"type": "object", "required": ["name", "email"], "properties": {"name": name, "email": email}},
        "UserV2": {
            "type": "object",
            "required": ["id", "name", "email", "created", "updated"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "name": {"type": "string"},
                "email": {"type": "string"},
                "created": {"type": "string", "format": "date-time"},
                "updated": {"type": "string", "format": "date-time"},
            },
            "additionalProperties": False,
        },
        "UserV2New": {
            "type": "object", "required": ["name", "email"], "properties": {"name": v2_name, "email": v2_email},
            "additionalProperties": False,
        },
        "UserV2Changes": {
            "type": "object", "properties": {"name": v2_name, "email": v2_email}, "additionalProperties": False,
        },
        "UserV2Page": {
            "type": "object",
            "required": ["items", "total", "limit", "offset"],
            "properties": {
                "items": {"type": "array", "items": ref("UserV2")},
                "total": {"type": "integer", "description": "How many users match, on all pages"},
                "limit": {"type": "integer"},
                "offset": {"type": "integer"},
            },
        },
        "StoredList": {
            "type": "object",
            "required": ["total", "limit", "offset", "items"],
            "properties": {
                "total": {"type": "integer"}, "limit": {"type": "integer"}, "offset": {"type": "integer"},
                "items": {"type": "array", "items": {
                    "type": "object", "required": ["name", "time", "size", "url"],
                    "properties": {"name": {"type": "string"}, "time": {"type": "string"},
                                   "size": {"type": "integer"}, "url": {"type": "string"}},
                }},
            },
        },
        "Echo": {
            "type": "object",
            "required": ["method", "path", "query", "args", "headers", "body", "body_encoding", "size", "json", "client"],
            "properties": {
                "method": {"type": "string"}, "path": {"type": "string"}, "query": {"type": "string"},
                "args": {"type": "object"}, "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                "body": {"type": "string"}, "body_encoding": {"enum": ["utf-8", "base64"]},
                "size": {"type": "integer"}, "json": {}, "json_error": {"type": "string"},
                "client": {"type": "string"},
            },
        },
    }


def _paths(config: dict[str, Any]) -> dict[str, Any]:
    delay_max = config["WIRELAB_DELAY_MAX"]
    bytes_max = config["WIRELAB_BYTES_MAX"]
    items_max = config["WIRELAB_JSON_ITEMS_MAX"]
    redirect_max = config["WIRELAB_REDIRECT_MAX"]
    todo_id = path_param("todo_id", {"type": "integer", "minimum": 1, "maximum": todos.MAX_ID}, "The todo's id")
    user_id = path_param("user_id", {"type": "string"}, "The user's id (a UUID)")
    paging = [
        query("limit", {"type": "integer", "minimum": 1, "maximum": people_v2.MAX_LIMIT, "default": people_v2.DEFAULT_LIMIT},
              "How many to answer with"),
        query("offset", {"type": "integer", "minimum": 0, "maximum": 10**9, "default": 0}, "How many to skip first"),
    ]
    todo_example = {"userId": 1, "title": "Buy milk", "completed": False}
    user_example = {"name": "John", "email": "john@example.com"}
    any_method = {m.lower() for m in helpers.ANY_METHOD}

    def every_method(operation: dict[str, Any]) -> dict[str, Any]:
        return {m: {**operation, "operationId": f"{operation['operationId']}_{m}"} for m in sorted(any_method)}

    return {
        "/": {"get": {
            "tags": ["seed"], "operationId": "home", "summary": "Is the server up?",
            "description": "curl, requests and the REST window get the seed's JSON; a web browser gets a welcome "
                           "page with links to these docs.",
            "responses": {"200": {"description": "The server is running", "content": {
                JSON: {"schema": {"type": "object", "required": ["status", "message"], "properties": {
                    "status": {"const": "online"}, "message": {"type": "string"}}}},
                HTML: {"schema": {"type": "string"}},
            }}},
        }},
        "/test/": {"get": {
            "tags": ["seed"], "operationId": "test_folder", "summary": "The seed's \"test\" folder page",
            "responses": {"200": ok("A small HTML page", {"type": "string"}, HTML)},
        }},
        "/api/data": {
            "post": {
                "tags": ["seed"], "operationId": "store_data", "summary": "Store a JSON body as a timestamped file",
                "description": "Any JSON value is stored as {\"data\": <body>, \"time\": <timestamp>} in a file named "
                               "after the time, in the api-data folder inside the data folder.",
                "requestBody": body({}, {"name": "Mario", "age": 30, "occupation": "plumber"}),
                "responses": {
                    "200": ok("Stored", {"type": "object", "required": ["status"],
                                         "properties": {"status": {"const": "success"}}}),
                    "400": BAD_JSON, "413": TOO_BIG, "415": NOT_JSON,
                },
            },
            "get": {
                "tags": ["seed"], "operationId": "list_data", "summary": "What was stored, newest first",
                "parameters": [
                    query("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}, "How many"),
                    query("offset", {"type": "integer", "minimum": 0, "maximum": 10**9, "default": 0}, "How many to skip"),
                ],
                "responses": {"200": ok("The stored files", ref("StoredList")), "400": BAD_QUERY},
            },
        },
        "/api/data/{name}": {"get": {
            "tags": ["seed"], "operationId": "get_data", "summary": "One stored file",
            "parameters": [path_param("name", {"type": "string"}, "The file name, as GET /api/data lists it")],
            "responses": {
                "200": ok("The file's content", {"type": "object", "required": ["data", "time"],
                                                 "properties": {"data": {}, "time": {"type": "string"}}}),
                "404": NOT_FOUND,
            },
        }},
        "/people/v1/users": {
            "post": {
                "tags": ["people v1"], "operationId": "v1_create_user", "summary": "Add a user",
                "requestBody": body(ref("UserV1New"), user_example),
                "responses": {
                    "201": v1_text("Created; the text names the new id",
                                   "User created successfully! ID: 864d82a5-e4e2-4b17-8358-d0d66d34e470, "
                                   "Name: John, Email: john@example.com\n"),
                    "400": {"description": "Name or email missing or not text (plain text); or the body is not "
                                           "valid JSON (a JSON error)",
                            "content": {TEXT: {"schema": {"type": "string"}}, JSON: {"schema": ref("Error")}}},
                    "413": TOO_BIG,
                    "415": v1_text("The body was not sent as JSON", "Request must be JSON\n"),
                },
            },
            "get": {
                "tags": ["people v1"], "operationId": "v1_list_users", "summary": "List users, or find them by name",
                "parameters": [query("name", {"type": "string"}, "Only users with exactly this name (the non-RESTful way)")],
                "responses": {
                    "200": ok("{\"users\": [...]} without ?name=, a plain list of the matches with it",
                              {"oneOf": [
                                  {"type": "object", "required": ["users"], "properties": {
                                      "users": {"type": "array", "items": ref("UserV1")}}},
                                  {"type": "array", "items": ref("UserV1"), "minItems": 1},
                              ]}),
                    "404": v1_text("No user has that name", "User with name 'John' not found\n"),
                },
            },
        },
        "/people/v1/users/{user_id}": {
            "parameters": [user_id],
            "get": {
                "tags": ["people v1"], "operationId": "v1_get_user", "summary": "One user (the RESTful way)",
                "responses": {"200": ok("The user", ref("UserV1")),
                              "404": v1_text("No such user", "User with ID 123 not found\n")},
            },
            "delete": {
                "tags": ["people v1"], "operationId": "v1_delete_user", "summary": "Remove a user",
                "responses": {"204": {"description": "Removed"},
                              "404": v1_text("No such user", "User with ID 123 not found\n")},
            },
        },
        "/people/v2/users": {
            "get": {
                "tags": ["people v2"], "operationId": "v2_list_users", "summary": "A page of users, and the total",
                "parameters": [*paging, query("name", {"type": "string"}, "Only users with exactly this name"),
                               query("email", {"type": "string"}, "Only users with exactly this email")],
                "responses": {"200": ok("A page of users", ref("UserV2Page")), "400": BAD_QUERY},
            },
            "post": {
                "tags": ["people v2"], "operationId": "v2_create_user", "summary": "Add a user",
                "requestBody": body(ref("UserV2New"), {"name": "Ada", "email": "ada@example.org"}),
                "responses": {
                    "201": ok("Created", ref("UserV2"), headers={"Location": {
                        "description": "The new user's address", "schema": {"type": "string"}}},
                        links={"GetCreatedUser": {"operationId": "v2_get_user",
                                                  "parameters": {"user_id": "$response.body#/id"}}}),
                    "400": BAD_JSON, "413": TOO_BIG, "415": NOT_JSON, "422": INVALID,
                },
            },
        },
        "/people/v2/users/{user_id}": {
            "parameters": [user_id],
            "get": {
                "tags": ["people v2"], "operationId": "v2_get_user", "summary": "One user",
                "responses": {"200": ok("The user", ref("UserV2")), "404": NOT_FOUND},
            },
            "put": {
                "tags": ["people v2"], "operationId": "v2_replace_user", "summary": "Replace a user (name and email both)",
                "requestBody": body(ref("UserV2New"), {"name": "Ada Lovelace", "email": "ada@example.org"}),
                "responses": {"200": ok("Replaced", ref("UserV2")), "400": BAD_JSON, "404": NOT_FOUND,
                              "413": TOO_BIG, "415": NOT_JSON, "422": INVALID},
            },
            "patch": {
                "tags": ["people v2"], "operationId": "v2_change_user", "summary": "Change only the fields sent",
                "requestBody": body(ref("UserV2Changes"), {"email": "ada@lovelace.example"}),
                "responses": {"200": ok("Changed", ref("UserV2")), "400": BAD_JSON, "404": NOT_FOUND,
                              "413": TOO_BIG, "415": NOT_JSON, "422": INVALID},
            },
            "delete": {
                "tags": ["people v2"], "operationId": "v2_delete_user", "summary": "Remove a user",
                "responses": {"204": {"description": "Removed"}, "404": NOT_FOUND},
            },
        },
        "/todos": {
            "get": {
                "tags": ["todos"], "operationId": "list_todos", "summary": "All todos, or those that match",
                "description": "Repeat a filter for \"or\": ?userId=1&userId=2.",
                "parameters": [
                    query_list("userId", WHOLE, "Only this user's todos"),
                    query_list("completed", {"enum": ["true", "false"]}, "Only done (true) or open (false) todos"),
                    query_list("id", WHOLE, "Only the todos with these ids"),
                    query_list("title", {"type": "string"}, "Only todos with exactly this title"),
                ],
                "responses": {"200": ok("The todos, by id", {"type": "array", "items": ref("Todo")}), "400": BAD_QUERY},
            },
            "post": {
                "tags": ["todos"], "operationId": "create_todo", "summary": "Add a todo (it gets the next id)",
                "requestBody": body(ref("TodoNew"), todo_example),
                "responses": {
                    "201": ok("Created", ref("Todo"), example={**todo_example, "id": 201},
                              headers={"Location": {"description": "The new todo's address", "schema": {"type": "string"}}},
                              links={"GetCreatedTodo": {"operationId": "get_todo",
                                                        "parameters": {"todo_id": "$response.body#/id"}}}),
                    "400": BAD_JSON, "413": TOO_BIG, "415": NOT_JSON, "422": INVALID,
                },
            },
        },
        "/todos/{todo_id}": {
            "parameters": [todo_id],
            "get": {"tags": ["todos"], "operationId": "get_todo", "summary": "One todo",
                    "responses": {"200": ok("The todo", ref("Todo")), "404": NOT_FOUND}},
            "put": {
                "tags": ["todos"], "operationId": "replace_todo", "summary": "Replace a todo",
                "requestBody": body(ref("TodoNew"), {"userId": 1, "title": "Wash car", "completed": True}),
                "responses": {"200": ok("Replaced", ref("Todo")), "400": BAD_JSON, "404": NOT_FOUND,
                              "413": TOO_BIG, "415": NOT_JSON, "422": INVALID},
            },
            "patch": {
                "tags": ["todos"], "operationId": "change_todo", "summary": "Change only the fields sent",
                "requestBody": body(ref("TodoChanges"), {"title": "Mow lawn"}),
                "responses": {"200": ok("Changed", ref("Todo")), "400": BAD_JSON, "404": NOT_FOUND,
                              "413": TOO_BIG, "415": NOT_JSON, "422": INVALID},
            },
            "delete": {"tags": ["todos"], "operationId": "delete_todo", "summary": "Remove a todo",
                       "responses": {"200": ok("Removed: an empty object", {"type": "object", "maxProperties": 0}),
                                     "404": NOT_FOUND}},
        },
        "/reset": {"post": {
            "tags": ["lab"], "operationId": "reset", "summary": "Bring back the seed data",
            "description": "The 200 seed todos again (the next new one is 201) and no users. Files stored through "
                           "/api/data are kept.",
            "responses": {"200": ok("Reset", {"type": "object", "required": ["status", "todos", "users"], "properties": {
                "status": {"const": "reset"}, "message": {"type": "string"},
                "todos": {"type": "integer"}, "users": {"type": "integer"}}})},
        }},
        "/status/{code}": {
            "parameters": [path_param("code", {"type": "integer", "minimum": 200, "maximum": 599}, "The status to answer with")],
            **every_method({
                "tags": ["helpers"], "operationId": "status", "summary": "Answer with any status code, and its reason",
                "description": "3xx codes point Location at /echo; 204, 205 and 304 have no body.",
                "responses": {"default": {"description": "The status asked for", "content": content(ref("Error"))}},
            }),
        },
        "/delay/{seconds}": {
            "parameters": [path_param("seconds", {"type": "number", "minimum": 0, "maximum": delay_max},
                                      f"How long to wait, at most {delay_max:g} seconds")],
            **every_method({
                "tags": ["helpers"], "operationId": "delay", "summary": "Answer after a while",
                "responses": {
                    "200": ok("Answered late", {"type": "object", "required": ["delay", "message"], "properties": {
                        "delay": {"type": "number"}, "message": {"type": "string"}}}),
                    "400": error("Not a number of seconds, or more than the limit"),
                },
            }),
        },
        "/echo": every_method({
            "tags": ["helpers"], "operationId": "echo", "summary": "Everything the request carried",
            "description": "Method, path, query, headers and body, as the server received them.",
            "requestBody": {"required": False, "content": {JSON: {"schema": {}}, TEXT: {"schema": {"type": "string"}}}},
            "responses": {"200": ok("What was received", ref("Echo")), "413": TOO_BIG},
        }),
        "/redirect/{n}": {"get": {
            "tags": ["helpers"], "operationId": "redirect", "summary": "Be redirected n times",
            "parameters": [path_param("n", {"type": "integer", "minimum": 0, "maximum": redirect_max},
                                      f"How many redirects, at most {redirect_max}")],
            "responses": {
                "200": ok("Arrived (at /redirect/0)", {"type": "object", "required": ["message"],
                                                       "properties": {"message": {"type": "string"}}}),
                "302": {"description": "Go on to /redirect/{n-1}",
                        "headers": {"Location": {"schema": {"type": "string"}, "description": "The next step"}}},
                "400": error("More redirects than the limit"),
                "404": error("n is not a whole number of 0 or more"),
            },
        }},
        "/bytes/{n}": {"get": {
            "tags": ["helpers"], "operationId": "bytes", "summary": "n random bytes",
            "parameters": [
                path_param("n", {"type": "integer", "minimum": 0, "maximum": bytes_max}, f"How many, at most {bytes_max}"),
                query("seed", {"type": "string"}, "The same seed gives the same bytes"),
            ],
            "responses": {"200": ok("The bytes", {"type": "string", "format": "binary"}, "application/octet-stream"),
                          "400": error("More bytes than the limit"),
                          "404": error("n is not a whole number of 0 or more")},
        }},
        "/json/large": {"get": {
            "tags": ["helpers"], "operationId": "json_large", "summary": "A large JSON document, streamed",
            "description": "An array of `items` objects, the same every time; for trying out the response viewer.",
            "parameters": [query("items", {"type": "integer", "minimum": 0, "maximum": items_max, "default": 1000},
                                 f"How many objects, at most {items_max}")],
            "responses": {"200": ok("The document", {"type": "array", "items": {"type": "object"}}),
                          "400": BAD_QUERY},
        }},
        "/openapi.json": {"get": {
            "tags": ["lab"], "operationId": "openapi", "summary": "This document",
            "responses": {"200": ok("OpenAPI 3.1", {"type": "object"})},
        }},
        "/docs": {"get": {
            "tags": ["lab"], "operationId": "docs", "summary": "This document as a web page (works offline)",
            "responses": {"200": ok("The docs page", {"type": "string"}, HTML)},
        }},
    }


def build_spec(config: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document for an app with this config."""
    limit = config.get("MAX_CONTENT_LENGTH")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Wirelab teaching API",
            "version": __version__,
            "description": "The seed lab's API, a JSONPlaceholder-style /todos that keeps its changes, two versions "
                           "of a users API side by side, and httpbin-style helpers. Request bodies may be up to "
                           f"{limit} bytes.",
        },
        "tags": TAGS,
        "paths": _paths(config),
        "components": {"schemas": schemas(config)},
    }


def spec() -> dict[str, Any]:
    """The current app's document (made once per app)."""
    app = current_app
    if SPEC_EXTENSION not in app.extensions:
        app.extensions[SPEC_EXTENSION] = build_spec(app.config)
    return app.extensions[SPEC_EXTENSION]


METHOD_ORDER = ("get", "post", "put", "patch", "delete")


def operations() -> list[dict[str, Any]]:
    """Each (path, method) once, in the document's order, with what the docs page shows of it."""
    result = []
    document = spec()
    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        methods = [m for m in METHOD_ORDER if m in item]
        if len(methods) == len(METHOD_ORDER) and item["get"]["operationId"].endswith("_get"):
            methods = ["any"]  # the helpers that take every method are shown once
        for method in methods:
            op = item["get" if method == "any" else method]
            result.append({
                "path": path,
                "method": "ANY" if method == "any" else method.upper(),
                "tag": op.get("tags", [""])[0],
                "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "parameters": [*shared, *op.get("parameters", [])],
                "body_example": _body_example(op),
                "responses": [(code, r.get("description", "")) for code, r in op.get("responses", {}).items()],
                "link": path if method in ("get", "any") and "{" not in path else None,
            })
    return result


def _body_example(op: dict[str, Any]) -> str | None:
    import json

    for media in op.get("requestBody", {}).get("content", {}).values():
        if "example" in media:
            return json.dumps(media["example"], indent=2)
    return None


def endpoint_list() -> list[dict[str, Any]]:
    return operations()


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(spec())


@bp.get("/docs")
def docs():
    document = spec()
    ops = operations()
    groups = [(tag, [op for op in ops if op["tag"] == tag["name"]]) for tag in document["tags"]]
    return render_template("docs.html", info=document["info"], groups=groups)
