"""Exceptions that carry a plain-words message for people as well as detail for the log."""

from __future__ import annotations


class WirelabError(Exception):
    """Base class: ``str(error)`` is a sentence a non-programmer can act on."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class WorkerFatal(WirelabError):
    """A worker cannot do its job with its configuration (port taken, folder not writable).

    The worker wrapper reports it as a fatal :class:`core.messages.WorkerError` and exits with
    :data:`EXIT_CONFIG`, which tells the supervisor not to restart it automatically: restarting would fail
    the same way until somebody changes the configuration.
    """


#: Exit code of a worker that stopped because of its configuration (see :class:`WorkerFatal`).
EXIT_CONFIG = 3
#: Exit code of a worker that stopped because of an unexpected exception.
EXIT_CRASH = 1
