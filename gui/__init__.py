"""Wirelab GUI: windows and widgets over ``core``.

This package's ``__init__`` and ``launcher`` import no Qt, so the ``wirelab`` entry point can run the
headless subcommands (``serve``, ``chat``, ``send``, ``selftest``) without loading PySide6.
"""
