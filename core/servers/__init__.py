"""The servers Wirelab runs: chat relay, echo, file receiving (the REST API lives in ``core.api``).

Each server is a plain class with ``start()`` (binds, returns the real address, raises
:class:`core.errors.WorkerFatal` in plain words) and ``close()``, reporting what happens through an
``emit(event)`` callback with :mod:`core.messages` events. The worker modules in ``core.workers`` wire
``emit`` to the supervisor's events queue; tests can also run a server in-process.
"""
