"""The Wirelab wire protocol, sans-I/O (see docs/PROTOCOL.md).

``Connection`` turns bytes into events and events into bytes; ``messages`` holds the event dataclasses;
``commands`` turns what people type ("/nick ana") into messages.
"""

from core.protocol.connection import (
    MAX_CHUNK,
    MAX_LINE,
    NEED_DATA,
    Connection,
    ConnectionClosed,
    Data,
    PlainText,
    Role,
    State,
    Unknown,
)
from core.protocol.errors import LocalProtocolError, ProtocolError, RemoteProtocolError
from core.protocol.messages import *  # noqa: F403 - the message classes are the protocol's vocabulary
from core.protocol.messages import APP, PROTOCOL_VERSION

__all__ = [
    "APP", "MAX_CHUNK", "MAX_LINE", "NEED_DATA", "PROTOCOL_VERSION", "Connection", "ConnectionClosed",
    "Data", "LocalProtocolError", "PlainText", "ProtocolError", "RemoteProtocolError", "Role", "State",
    "Unknown",
]
