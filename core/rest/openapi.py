"""An OpenAPI (3.x, or Swagger 2.0) description to ready-to-send requests.

Every operation becomes a request named after its summary, grouped by its first tag, with the address
``{{base_url}}/path``, an example value for each path parameter, the query parameters in the table
(optional ones switched off) and an example body built from the schema's examples, so that sending it
to the local lab API works at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from core.rest.model import Body, Pair, Part, Request

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


class OpenApiError(ValueError):
    """The document is not an OpenAPI description this import can read (plain words)."""


@dataclass(frozen=True)
class Imported:
    title: str
    requests: tuple[tuple[str, Request], ...]  # (group, request)
    warnings: tuple[str, ...] = ()


def parse(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise OpenApiError("This is not JSON. Import an openapi.json file (for the local API: {{base_url}}"
                           "/openapi.json).") from exc


class _Resolver:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc

    def __call__(self, node: Any, depth: int = 0) -> Any:
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                return {}
            target: Any = self.doc
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part) if isinstance(target, dict) else None
            node = target if target is not None else {}
            seen += 1
        return node


def example_for(schema: Any, resolve: _Resolver, depth: int = 0) -> Any:
    """An example value for a JSON schema: its example, default or first enum value, else a typed placeholder."""
    schema = resolve(schema)
    if not isinstance(schema, dict) or depth > 6:
        return None
    for key in ("example", "default", "const"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for combo in ("allOf", "oneOf", "anyOf"):
        if isinstance(schema.get(combo), list) and schema[combo]:
            if combo == "allOf":
                merged: dict[str, Any] = {}
                for sub in schema[combo]:
                    value = example_for(sub, resolve, depth + 1)
                    if isinstance(value, dict):
                        merged.update(value)
                return merged
            return example_for(schema[combo][0], resolve, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        props = schema.get("properties") or {}
        required = set(schema.get("required") or props)
        return {name: example_for(sub, resolve, depth + 1) for name, sub in props.items() if name in required}
    if kind == "array":
        item = example_for(schema.get("items", {}), resolve, depth + 1)
        return [item] if item is not None else []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format", "")
        return {"email": "student@example.com", "date": "2025-01-31", "date-time": "2025-01-31T12:00:00Z",
                "uuid": "00000000-0000-4000-8000-000000000000", "uri": "http://127.0.0.1/"}.get(fmt, "text")
    return None


def _param_value(param: dict[str, Any], resolve: _Resolver) -> str | None:
    for key in ("example",):
        if key in param:
            return _as_text(param[key])
    examples = param.get("examples")
    if isinstance(examples, dict) and examples:
        first = resolve(next(iter(examples.values())))
        if isinstance(first, dict) and "value" in first:
            return _as_text(first["value"])
    schema = resolve(param.get("schema", param))  # Swagger 2 keeps type on the parameter itself
    value = example_for({k: v for k, v in schema.items() if k != "type"} if isinstance(schema, dict) else {},
                        resolve)
    if value is not None:
        return _as_text(value)
    if isinstance(schema, dict) and schema.get("type") in ("integer", "number"):
        return "1"
    return None


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _base_path(doc: dict[str, Any]) -> str:
    if "swagger" in doc:
        return str(doc.get("basePath", "")).rstrip("/")
    servers = doc.get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        path = urlsplit(str(servers[0].get("url", ""))).path
        return path.rstrip("/")
    return ""


def _body(operation: dict[str, Any], doc: dict[str, Any], resolve: _Resolver) -> tuple[Body, list[Pair]]:
    headers: list[Pair] = []
    if "swagger" in doc:  # 2.0: the body is a parameter "in: body", forms are "in: formData"
        params = [resolve(p) for p in operation.get("parameters", [])]
        body_param = next((p for p in params if isinstance(p, dict) and p.get("in") == "body"), None)
        if body_param is not None:
            value = example_for(body_param.get("schema", {}), resolve)
            return Body("json", text=json.dumps(value, indent=2, ensure_ascii=False)), headers
        form = [p for p in params if isinstance(p, dict) and p.get("in") == "formData"]
        if form:
            if any(p.get("type") == "file" for p in form):
                return Body("multipart", parts=tuple(Part(p.get("name", ""), "", p.get("type") == "file")
                                                     for p in form)), headers
            return Body("form", form=tuple(Pair(p.get("name", ""), _param_value(p, resolve) or "") for p in form)), \
                headers
        return Body(), headers
    request_body = resolve(operation.get("requestBody"))
    if not isinstance(request_body, dict):
        return Body(), headers
    content = request_body.get("content") or {}
    if not isinstance(content, dict) or not content:
        return Body(), headers
    media = next((m for m in content if "json" in m), next(iter(content)))
    spec = resolve(content[media]) or {}
    if "example" in spec:
        value = spec["example"]
    elif isinstance(spec.get("examples"), dict) and spec["examples"]:
        first = resolve(next(iter(spec["examples"].values())))
        value = first.get("value") if isinstance(first, dict) else None
    else:
        value = example_for(spec.get("schema", {}), resolve)
    if "json" in media:
        if media != "application/json":
            headers.append(Pair("Content-Type", media))
        return Body("json", text=json.dumps(value, indent=2, ensure_ascii=False)), headers
    if media == "application/x-www-form-urlencoded":
        pairs = tuple(Pair(k, _as_text(v)) for k, v in (value or {}).items()) if isinstance(value, dict) else ()
        return Body("form", form=pairs), headers
    if media.startswith("multipart/"):
        schema = resolve(spec.get("schema", {}))
        props = schema.get("properties", {}) if isinstance(schema, dict) else {}
        parts = []
        for name, sub in props.items():
            sub = resolve(sub)
            is_file = isinstance(sub, dict) and sub.get("format") in ("binary", "base64")
            parts.append(Part(name, "" if is_file else _as_text(example_for(sub, resolve) or ""), is_file))
        return Body("multipart", parts=tuple(parts)), headers
    if media == "application/octet-stream" or media.startswith(("image/", "audio/", "video/")):
        return Body("binary", content_type=media), headers
    return Body("raw", text=value if isinstance(value, str) else "" if value is None else _as_text(value),
                content_type=media), headers


def import_openapi(doc: Any, base_url: str = "{{base_url}}") -> Imported:
    """Read a parsed OpenAPI/Swagger document; :class:`OpenApiError` when it is not one."""
    if not isinstance(doc, dict) or not ("openapi" in doc or "swagger" in doc):
        raise OpenApiError('This JSON is not an OpenAPI description (it has no "openapi" or "swagger" field).')
    paths = doc.get("paths")
    if not isinstance(paths, dict) or not paths:
        raise OpenApiError("This OpenAPI description lists no paths, so there is nothing to import.")
    resolve = _Resolver(doc)
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    title = str(info.get("title") or "Imported API")
    prefix = base_url.rstrip("/") + _base_path(doc)
    out: list[tuple[str, Request]] = []
    warnings: list[str] = []
    names: set[tuple[str, str]] = set()
    for path, item in paths.items():
        item = resolve(item)
        if not isinstance(item, dict) or not isinstance(path, str):
            continue
        shared = [resolve(p) for p in item.get("parameters", []) if isinstance(resolve(p), dict)]
        for method in HTTP_METHODS:
            operation = resolve(item.get(method))
            if not isinstance(operation, dict):
                continue
            params = {(p.get("in"), p.get("name")): p for p in shared}
            for p in operation.get("parameters", []):
                p = resolve(p)
                if isinstance(p, dict):
                    params[(p.get("in"), p.get("name"))] = p
            url_path = path
            query: list[Pair] = []
            headers: list[Pair] = []
            for (where, name), p in params.items():
                if not isinstance(name, str):
                    continue
                value = _param_value(p, resolve)
                if where == "path":
                    url_path = url_path.replace("{" + name + "}", value if value is not None else "{{" + name + "}}")
                elif where == "query":
                    query.append(Pair(name, value or "", bool(p.get("required"))))
                elif where == "header":
                    headers.append(Pair(name, value or "", bool(p.get("required"))))
            body, body_headers = _body(operation, doc, resolve)
            tags = operation.get("tags")
            group = str(tags[0]) if isinstance(tags, list) and tags else ""
            name = str(operation.get("summary") or operation.get("operationId") or f"{method.upper()} {path}")
            name = name.strip().rstrip(".")[:80]
            if (group, name) in names:
                name = f"{name} ({method.upper()} {path})"
            names.add((group, name))
            if operation.get("deprecated"):
                warnings.append(f"{method.upper()} {path} is marked as deprecated.")
            out.append((group, Request(method.upper(), prefix + url_path, tuple(query),
                                       tuple(headers + body_headers), body=body, name=name)))
    if not out:
        raise OpenApiError("This OpenAPI description has paths but no operations (GET, POST ...) to import.")
    return Imported(title, tuple(out), tuple(warnings))
