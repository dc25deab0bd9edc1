"""Worker entry points: ``run(config, inbox, events)`` functions the supervisor starts in spawn processes.

Each is a thin adapter from a server class to the supervisor's queues: start the server (its address
becomes a :class:`core.messages.Listening` event), answer inbox commands until :class:`core.messages.Stop`,
close the server, return.
"""
