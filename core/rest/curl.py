"""``curl`` commands to requests and back: paste a command from a tutorial, or copy one to a terminal.

:func:`parse_curl` understands the options tutorials use (``-X -H -d --json -F -u -G -I -L -k ...``),
across lines ending in ``\\`` (or ``^`` from Windows), and lists what it had to ignore instead of
failing. :func:`to_curl` writes the shortest command that sends the same request, in the style of the
seed tutorials: ``curl -i -X POST -H "Content-Type: application/json" -d '{...}' http://...``.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, replace
from urllib.parse import unquote_plus

from core.rest.model import Auth, Body, Options, Pair, Part, Request, split_url

#: Options that take no value and change nothing that the request builder keeps.
_IGNORED_FLAGS = {
    "-i", "--include", "-s", "--silent", "-S", "--show-error", "-v", "--verbose", "--compressed", "-f", "--fail",
    "-#", "--progress-bar", "--http1.1", "--globoff", "-g", "-N", "--no-buffer", "--fail-with-body", "-sS", "-Ss",
    "--no-progress-meter", "-O", "--remote-name",
}
#: Options that take a value we skip (with a warning when it matters).
_IGNORED_WITH_VALUE = {"-o", "--output", "-w", "--write-out", "-c", "--cookie-jar", "-D", "--dump-header",
                       "--retry", "--limit-rate", "--resolve", "--connect-to"}


class CurlError(ValueError):
    """The text is not a curl command that can be read; ``str()`` says why in plain words."""


@dataclass(frozen=True)
class ParsedCurl:
    request: Request
    warnings: tuple[str, ...] = ()


def _join_lines(text: str) -> str:
    text = text.strip()
    text = re.sub(r"\\\r?\n", " ", text)  # POSIX line continuation
    text = re.sub(r"\^\r?\n", " ", text)  # Windows cmd continuation
    text = re.sub(r"`\r?\n", " ", text)  # PowerShell continuation
    return text.replace("\r\n", "\n").replace("\n", " ")


def _split_combined(args: list[str]) -> list[str]:
    """``-sSL`` -> ``-s -S -L``; ``-XPOST`` -> ``-X POST``; ``--data=x`` -> ``--data x``."""
    out: list[str] = []
    with_value = set("XHdFuxmAebo") | {"w", "D", "c"}
    for arg in args:
        if arg.startswith("--") and "=" in arg and not arg.startswith("--data-urlencode"):
            name, _, value = arg.partition("=")
            out += [name, value]
        elif re.match(r"^-[A-Za-z#]{2,}$", arg) and arg not in _IGNORED_FLAGS:
            letters = arg[1:]
            for i, letter in enumerate(letters):
                if letter in with_value:
                    out.append("-" + letter)
                    if letters[i + 1:]:
                        out.append(letters[i + 1:])
                    break
                out.append("-" + letter)
        elif re.match(r"^-[XHdFuxmAeb].+$", arg):
            out += [arg[:2], arg[2:]]
        else:
            out.append(arg)
    return out


def parse_curl(text: str) -> ParsedCurl:
    """Read a curl command; :class:`CurlError` when there is no command or no URL in it."""
    line = _join_lines(text)
    if line.startswith("$ "):
        line = line[2:]
    try:
        args = shlex.split(line)
    except ValueError as exc:
        raise CurlError(f"The command has an unclosed quote ({exc}). Check that every ' and \" is closed.") from exc
    if not args or args[0] not in ("curl", "curl.exe"):
        raise CurlError('Paste a command that starts with "curl", for example: curl -i http://127.0.0.1:5001/todos')
    args = _split_combined(args[1:])
    method = ""
    url = ""
    headers: list[Pair] = []
    data: list[tuple[str, str]] = []  # (kind, value): kind is "data", "binary", "urlencode", "json"
    form: list[str] = []
    user = ""
    get = head = follow = insecure = False
    options = Options()
    warnings: list[str] = []
    i = 0

    def value() -> str:
        nonlocal i
        if i + 1 >= len(args):
            raise CurlError(f'The option {args[i]} needs a value after it.')
        i += 1
        return args[i]

    while i < len(args):
        arg = args[i]
        if arg in ("-X", "--request"):
            method = value()
        elif arg in ("-H", "--header"):
            name, sep, val = value().partition(":")
            if not sep:
                warnings.append(f'Skipped the header "{name}": a header looks like "Name: value".')
            elif val.strip() == "" and not val.endswith(";"):
                warnings.append(f'curl removes the header "{name}" when it has no value; so does this import.')
            else:
                headers.append(Pair(name.strip(), val.strip()))
        elif arg in ("-d", "--data", "--data-ascii", "--data-raw"):
            data.append(("data", value()))
        elif arg == "--data-binary":
            data.append(("binary", value()))
        elif arg == "--data-urlencode":
            data.append(("urlencode", value()))
        elif arg == "--json":
            data.append(("json", value()))
        elif arg in ("-F", "--form"):
            form.append(value())
        elif arg == "--form-string":
            form.append("\0" + value())  # marked: a leading @ is text here, not a file
        elif arg in ("-u", "--user"):
            user = value()
        elif arg in ("-G", "--get"):
            get = True
        elif arg in ("-I", "--head"):
            head = True
        elif arg in ("-L", "--location"):
            follow = True
        elif arg in ("-k", "--insecure"):
            insecure = True
        elif arg == "--cacert":
            options = replace(options, ca_bundle=value())
        elif arg in ("-x", "--proxy"):
            options = replace(options, proxy=value())
        elif arg in ("-m", "--max-time", "--connect-timeout"):
            raw = value()
            try:
                options = replace(options, timeout=float(raw))
            except ValueError:
                warnings.append(f'Skipped {arg} "{raw}": it should be a number of seconds.')
        elif arg in ("-A", "--user-agent"):
            headers.append(Pair("User-Agent", value()))
        elif arg in ("-e", "--referer"):
            headers.append(Pair("Referer", value()))
        elif arg in ("-b", "--cookie"):
            cookie = value()
            if "=" in cookie:
                headers.append(Pair("Cookie", cookie))
            else:
                warnings.append(f'Skipped -b {cookie}: reading cookies from a file is not supported.')
        elif arg == "--url":
            url = value()
        elif arg in _IGNORED_FLAGS:
            pass
        elif arg in _IGNORED_WITH_VALUE:
            warnings.append(f"Ignored {arg} {value()} (it only changes what curl does with the answer).")
        elif arg.startswith("-") and len(arg) > 1:
            warnings.append(f"Ignored the option {arg}, which this import does not know.")
        elif not url:
            url = arg
        else:
            warnings.append(f'Ignored "{arg}": only one address is used.')
        i += 1

    if not url:
        raise CurlError("The command has no address (URL). Add one, for example http://127.0.0.1:5001/todos")
    if "://" not in url:
        url = "http://" + url  # curl's own default
    base, params = split_url(url)
    body = Body()
    header_names = {h.name.lower() for h in headers}
    ctype = next((h.value for h in headers if h.name.lower() == "content-type"), "")

    if data and get:
        for kind, item in data:
            if kind == "urlencode":
                name, _, val = item.partition("=")
                params.append(Pair(name, val))
            else:
                for piece in item.split("&"):
                    name, _, val = piece.partition("=")
                    params.append(Pair(name, val))
        data = []
    if form:
        parts = []
        for item in form:
            literal = item.startswith("\0")
            name, _, val = item.lstrip("\0").partition("=")
            if val.startswith("@") and not literal:
                path, _, extra = val[1:].partition(";")
                part_type = extra[5:] if extra.startswith("type=") else ""
                parts.append(Part(name, path, True, part_type))
            else:
                parts.append(Part(name, val))
        body = Body("multipart", parts=tuple(parts))
    elif data:
        kinds = [k for k, _ in data]
        if "json" in kinds:
            body = Body("json", text="".join(v for _, v in data))
            if "accept" not in header_names:  # --json also asks for a JSON answer
                headers.append(Pair("Accept", "application/json"))
            headers = _drop_exact(headers, "Content-Type", "application/json")
        elif len(data) == 1 and kinds[0] in ("data", "binary") and data[0][1].startswith("@"):
            body = Body("binary", file=data[0][1][1:], content_type=ctype)
            headers = [h for h in headers if h.name.lower() != "content-type"]
        else:
            text = "&".join(_encode_urlencode(v) if k == "urlencode" else v for k, v in data)
            is_form_type = not ctype or ctype.lower().startswith("application/x-www-form-urlencoded")
            if "json" in ctype.lower():
                body = Body("json", text=text)
                headers = _drop_exact(headers, "Content-Type", "application/json")
            elif is_form_type and all("=" in piece for piece in text.split("&")):
                body = Body("form", form=tuple(Pair(*_form_item(piece)) for piece in text.split("&")))
                headers = _drop_exact(headers, "Content-Type", "application/x-www-form-urlencoded")
            else:
                body = Body("raw", text=text, content_type=ctype or "application/x-www-form-urlencoded")
                headers = [h for h in headers if h.name.lower() != "content-type"]

    auth = Auth()
    if user:
        name, _, password = user.partition(":")
        auth = Auth("basic", username=name, password=password)
    bearer = next((h for h in headers if h.name.lower() == "authorization" and h.value.lower().startswith("bearer ")),
                  None)
    if bearer is not None:
        auth = Auth("bearer", token=bearer.value[7:].strip())
        headers = [h for h in headers if h is not bearer]

    if not method:
        method = "HEAD" if head else ("POST" if body.mode != "none" else "GET")
    if head and method != "HEAD":
        warnings.append("-I asks for headers only; the method given with -X is used instead.")
    options = replace(options, follow_redirects=follow, verify_tls=not insecure)
    request = Request(method.upper() if method.upper() in _KNOWN else method, base, tuple(params), tuple(headers),
                      auth, body, options)
    return ParsedCurl(request, tuple(warnings))


_KNOWN = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


def _drop_exact(headers: list[Pair], name: str, value: str) -> list[Pair]:
    # The body mode sends this very header itself; keeping it in the table would say it twice.
    return [h for h in headers if not (h.name.lower() == name.lower() and h.value.lower() == value.lower())]


def _form_item(text: str) -> tuple[str, str]:
    name, _, value = text.partition("=")
    return unquote_plus(name), unquote_plus(value)


def _encode_urlencode(text: str) -> str:
    """What curl sends for ``--data-urlencode name=value``: the value percent-encoded."""
    from urllib.parse import quote as url_quote

    name, sep, value = text.partition("=")
    if not sep:
        return url_quote(name, safe="")
    return f"{name}={url_quote(value, safe='')}" if name else url_quote(value, safe="")


# --- export ----------------------------------------------------------------------------------------------


def quote(text: str) -> str:
    """Shell quoting that prefers the readable form: bare words, then "...", then '...'."""
    if text and re.fullmatch(r"[A-Za-z0-9_./:@%+=,-]+", text):
        return text
    if not re.search(r'[$`"\\!]', text):
        return f'"{text}"'
    return shlex.quote(text)


def to_curl(request: Request, *, include: bool = True, multiline: bool = False) -> str:
    """A curl command that sends ``request`` (resolve the variables first to get a runnable one)."""
    args: list[str] = ["curl"]
    if include:
        args.append("-i")
    body = request.body
    method = request.method
    has_body = body.mode != "none"
    if method == "HEAD":
        args.append("-I")
    elif method != "GET" or has_body:
        args += ["-X", method]  # the tutorials spell out -X POST too, though -d implies it
    user_types = {h.name.lower() for h in request.headers if h.enabled}
    for h in request.headers:
        if h.enabled and h.name:
            args += ["-H", quote(f"{h.name}: {h.value}")]
    auth = request.auth
    query = list(request.params)
    if auth.kind == "basic":
        args += ["-u", quote(f"{auth.username}:{auth.password}")]
    elif auth.kind == "bearer":
        args += ["-H", quote(f"Authorization: Bearer {auth.token}")]
    elif auth.kind == "apikey" and auth.key_name:
        if auth.key_in == "query":
            query.append(Pair(auth.key_name, auth.key_value))
        else:
            args += ["-H", quote(f"{auth.key_name}: {auth.key_value}")]
    if body.mode == "json":
        if "content-type" not in user_types:
            args += ["-H", quote("Content-Type: application/json")]
        args += ["--data-raw" if body.text.startswith("@") else "-d", quote(body.text)]
    elif body.mode == "raw":
        if "content-type" not in user_types:
            args += ["-H", quote(f"Content-Type: {body.content_type or 'text/plain; charset=utf-8'}")]
        args += ["--data-binary", quote(body.text)]
    elif body.mode == "form":
        for p in body.form:
            if p.enabled and p.name:
                args += ["--data-urlencode", quote(f"{p.name}={p.value}")]
    elif body.mode == "multipart":
        for part in body.parts:
            if not part.enabled or not part.name:
                continue
            if part.is_file:
                spec = f"{part.name}=@{part.value}" + (f";type={part.content_type}" if part.content_type else "")
                args += ["-F", quote(spec)]
            else:
                args += ["--form-string", quote(f"{part.name}={part.value}")]
    elif body.mode == "binary":
        if "content-type" not in user_types and body.content_type:
            args += ["-H", quote(f"Content-Type: {body.content_type}")]
        elif "content-type" not in user_types:
            args += ["-H", quote("Content-Type: application/octet-stream")]
        args += ["--data-binary", quote("@" + body.file)]
    options = request.options
    if options.follow_redirects:
        args.append("-L")
    if not options.verify_tls:
        args.append("-k")
    elif options.ca_bundle:
        args += ["--cacert", quote(options.ca_bundle)]
    if options.proxy:
        args += ["-x", quote(options.proxy)]
    if options.timeout != Options().timeout:
        args += ["-m", f"{options.timeout:g}"]
    from core.rest.model import join_url

    args.append(quote(join_url(request.url, tuple(query))))
    if multiline:
        return " \\\n  ".join(_group(args))
    return " ".join(args)


def _group(args: list[str]) -> list[str]:
    """Keep each option next to its value when splitting over lines."""
    out: list[str] = []
    i = 0
    while i < len(args):
        if args[i].startswith("-") and i + 1 < len(args) and not args[i + 1].startswith("-") and args[i] not in (
                "-i", "-I", "-L", "-k") and i + 1 != len(args) - 1:
            out.append(f"{args[i]} {args[i + 1]}")
            i += 2
        else:
            out.append(args[i])
            i += 1
    return out
