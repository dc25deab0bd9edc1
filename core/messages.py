"""Messages between the supervisor (the app) and its worker processes.

Two directions, each a set of small frozen dataclasses (picklable, so they cross process boundaries on
``multiprocessing`` queues):

* **Commands** go into one worker's *inbox*: :class:`Stop`, :class:`OfferAnswer`.
* **Events** come out of every worker onto the one shared *events* queue. Every event carries the name
  of the ``worker`` that sent it. The supervisor adds its own lifecycle events (:class:`WorkerStarting`,
  :class:`WorkerExited`).

docs/ARCHITECTURE.md lists them with the process picture; keep the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.text import format_url

# --- commands: supervisor -> one worker -----------------------------------------------------------


@dataclass(frozen=True)
class Stop:
    """Finish what can be finished quickly, close the listening sockets and exit with code 0."""


@dataclass(frozen=True)
class OfferAnswer:
    """The person's answer to a :class:`FileOffer` question."""

    offer_id: str
    accept: bool
    #: "Always accept from this machine": the worker stops asking about this sender.
    remember: bool = False


Command = Stop | OfferAnswer

# --- events: workers (and the supervisor) -> app ---------------------------------------------------


@dataclass(frozen=True)
class WorkerStarting:
    """The supervisor has started the worker's process."""

    worker: str
    pid: int


@dataclass(frozen=True)
class Listening:
    """A service is accepting connections at ``scheme://host:port`` (the real port, also for port 0)."""

    worker: str
    service: str  # "chat", "echo", "files", "api"
    scheme: str  # "tcp" or "http"
    host: str
    port: int

    @property
    def url(self) -> str:
        return format_url(self.scheme, self.host, self.port)


@dataclass(frozen=True)
class Log:
    """A line for the activity log. ``level`` is "info", "warning" or "error"."""

    worker: str
    level: str
    text: str


@dataclass(frozen=True)
class WorkerError:
    """Something went wrong, said in plain words (``message``), with technical ``detail`` for the log.

    ``fatal`` errors are followed by the worker exiting (e.g. its port is already in use).
    """

    worker: str
    message: str
    detail: str = ""
    fatal: bool = False


@dataclass(frozen=True)
class ClientConnected:
    worker: str
    client_id: str
    peer: str  # "host:port" of the remote end
    label: str = ""  # nickname or sender name when known


@dataclass(frozen=True)
class ClientDisconnected:
    worker: str
    client_id: str
    peer: str
    reason: str = ""


@dataclass(frozen=True)
class ChatActivity:
    """Something happened in a chat room: a message, an action (/me) or a notice."""

    worker: str
    room: str
    nick: str
    text: str
    kind: str  # "say", "me", "join", "leave", "nick", "notice"
    time: float


@dataclass(frozen=True)
class OfferedFile:
    path: str  # relative, "/"-separated, already checked to be safe
    size: int


@dataclass(frozen=True)
class FileOffer:
    """A sender wants to give us files. The worker waits for an :class:`OfferAnswer` with this id."""

    worker: str
    offer_id: str
    sender: str  # the sender's machine and nickname, as it introduced itself
    peer: str  # its network address
    files: tuple[OfferedFile, ...]
    total_bytes: int
    destination: str  # the folder the files will land in
    #: The computer name the sender gave (its hello's ``machine``; "" when unknown). "Always accept from
    #: this machine" trusts exactly this name, so the app stores it in the settings' ``trusted_senders``.
    machine: str = ""


@dataclass(frozen=True)
class TransferProgress:
    """Bytes received so far for an accepted offer (sent a few times a second at most)."""

    worker: str
    offer_id: str
    done_bytes: int
    total_bytes: int
    files_done: int
    files_total: int
    bytes_per_second: float


@dataclass(frozen=True)
class FileReceived:
    """A file arrived whole, its SHA-256 checked, and now sits at ``path``."""

    worker: str
    offer_id: str
    path: str
    size: int
    sha256: str
    peer: str


@dataclass(frozen=True)
class TransferFinished:
    """An offer is over: how many files landed, which failed and why (plain words)."""

    worker: str
    offer_id: str
    received: int
    failed: tuple[str, ...] = ()
    declined: bool = False
    message: str = ""


@dataclass(frozen=True)
class ApiRequest:
    """One HTTP request the API worker answered."""

    worker: str
    method: str
    path: str
    status: int
    millis: float
    size: int
    client: str
    time: float


@dataclass(frozen=True)
class WorkerExited:
    """The worker's process is gone. ``exitcode`` 0 is a normal stop; anything else is a crash.

    ``error`` is the plain-words reason when known, ``traceback`` the last Python traceback.
    """

    worker: str
    exitcode: int | None
    requested: bool
    error: str = ""
    traceback: str = ""
    restart_in: float | None = None  # seconds until the automatic restart, when one is scheduled


@dataclass(frozen=True)
class WorkerCrashReport:
    """Sent by the worker's own wrapper just before it exits because of an unexpected exception."""

    worker: str
    message: str
    traceback: str = field(repr=False, default="")


Event = (
    WorkerStarting
    | Listening
    | Log
    | WorkerError
    | ClientConnected
    | ClientDisconnected
    | ChatActivity
    | FileOffer
    | TransferProgress
    | FileReceived
    | TransferFinished
    | ApiRequest
    | WorkerExited
    | WorkerCrashReport
)
