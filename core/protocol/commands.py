"""What people type in a chat ("/nick ana", "/me waves", "hello") turned into protocol messages.

Used by the server for plain-text (nc) clients and by every Wirelab chat client, so the commands behave
the same everywhere.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from core.protocol.messages import MAX_NICK, MAX_ROOM, MAX_TEXT, Join, Me, Message, Say, SetNick, Who

HELP = (
    "Commands: /nick NAME (change your name), /join ROOM (go to another room), /who (who is here), "
    "/me ACTION (say what you do), /quit (leave). Anything else is sent as a message."
)


@dataclass(frozen=True)
class Quit:
    """The person wants to leave (``/quit``); not a protocol message - the client just closes."""


@dataclass(frozen=True)
class Help:
    """``/help``: show :data:`HELP` locally."""


class CommandError(ValueError):
    """What was typed cannot be sent; ``str(error)`` says why and what to type instead."""


def nick_problem(nick: str) -> str | None:
    """Why ``nick`` cannot be a nickname, or None when it can."""
    if not nick:
        return "A nickname cannot be empty."
    if len(nick) > MAX_NICK:
        return f"A nickname can be at most {MAX_NICK} characters long."
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in nick):
        return "A nickname cannot contain spaces or invisible characters."
    if nick.startswith(("/", "*", "-", "[")):
        return "A nickname cannot start with / * - or [."
    return None


def room_problem(room: str) -> str | None:
    """Why ``room`` cannot be a room name, or None when it can."""
    if not room:
        return "A room name cannot be empty."
    if len(room) > MAX_ROOM:
        return f"A room name can be at most {MAX_ROOM} characters long."
    if not all(ch.isalnum() or ch in "-_." for ch in room):
        return "A room name can use letters, digits, - _ and . only."
    return None


def parse_input(text: str) -> Message | Quit | Help:
    """Turn one typed line into what to send. Raises :class:`CommandError` with advice."""
    text = text.rstrip("\r\n")
    if text.startswith("//"):
        return Say(text[1:])  # "//etc/hosts" says "/etc/hosts"
    if not text.startswith("/"):
        return _say(text)
    command, _, rest = text[1:].partition(" ")
    command = command.lower()
    rest = rest.strip()
    if command == "nick":
        if problem := nick_problem(rest):
            raise CommandError(f"{problem} Type /nick followed by your new name, e.g. /nick ana")
        return SetNick(rest)
    if command == "join":
        room = rest.lstrip("#")
        if problem := room_problem(room):
            raise CommandError(f"{problem} Type /join followed by a room name, e.g. /join lab2")
        return Join(room)
    if command in ("who", "names"):
        return Who()
    if command == "me":
        if not rest:
            raise CommandError("Type /me followed by what you do, e.g. /me waves")
        return Me(rest[:MAX_TEXT])
    if command in ("quit", "exit", "bye"):
        return Quit()
    if command in ("help", "?"):
        return Help()
    raise CommandError(f"Unknown command /{command}. {HELP}")


def _say(text: str) -> Say:
    if not text.strip():
        raise CommandError("Type a message before sending.")
    if len(text) > MAX_TEXT:
        raise CommandError(f"That message is too long ({len(text)} characters; at most {MAX_TEXT}).")
    return Say(text)
