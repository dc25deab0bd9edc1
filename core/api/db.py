"""The API's SQLite database: one file in the data folder, WAL mode, one connection per thread.

Durability: every write is committed before its response is sent. With ``journal_mode=WAL`` and
``synchronous=NORMAL`` a commit is in the operating system's hands when it returns, so it survives the
worker process crashing or being killed (SIGKILL) at any moment. It is only flushed to the disk itself at
WAL checkpoints, so a power cut or an operating-system crash may lose the last moments of writes, but
never corrupts the database (see docs/API.md, "Storage").

Each app gets its own :class:`Database` (in ``app.extensions``), so two apps in one test run never share
connections or files. Views reach it with :func:`get_db`, flaskr style; the connection of a thread is kept
for the next request on that thread (waitress serves from a fixed pool of threads), and all are closed by
:meth:`Database.close` when the server stops.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, current_app, g

from core.api.seed_data import seed_todos

FILE_NAME = "wirelab-api.sqlite3"
EXTENSION = "wirelab.db"
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS todos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    userId INTEGER NOT NULL,
    title TEXT NOT NULL,
    completed INTEGER NOT NULL CHECK (completed IN (0, 1))
);
CREATE INDEX IF NOT EXISTS todos_by_user ON todos (userId);
CREATE TABLE IF NOT EXISTS users (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS users_by_name ON users (name);
"""


class Database:
    """The database file of one app, opened on first use."""

    def __init__(self, path: Path, busy_timeout: float = 10.0) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._ready = False
        self._closed = False

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (opened, and the schema created, on first use)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
        return conn

    def _open(self) -> sqlite3.Connection:
        with self._lock:
            if self._closed:
                raise RuntimeError("the API database was closed")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: statements commit on their own; multi-statement writes use write().
            # check_same_thread=False only so close() can close every thread's connection at shutdown.
            conn = sqlite3.connect(
                self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
            )
            try:
                conn.row_factory = sqlite3.Row
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                if not self._ready:
                    self._migrate(conn)
                    self._ready = True
            except BaseException:
                conn.close()
                raise
            self._connections.append(conn)
            return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        with transaction(conn):  # another process opening the same file at once waits here
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < 1:
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                _insert_seed(conn)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        """Close every connection; the database cannot be used after."""
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()

    def reset(self) -> dict[str, int]:
        """Back to the seed: the 200 todos (ids 1-200, the next new one is 201) and no users."""
        conn = self.connection()
        with transaction(conn):
            conn.execute("DELETE FROM todos")
            conn.execute("DELETE FROM users")
            conn.execute("DELETE FROM sqlite_sequence WHERE name IN ('todos', 'users')")
            todos = _insert_seed(conn)
        return {"todos": todos, "users": 0}


def _insert_seed(conn: sqlite3.Connection) -> int:
    rows = [(t["id"], t["userId"], t["title"], int(t["completed"])) for t in seed_todos()]
    conn.executemany("INSERT INTO todos (id, userId, title, completed) VALUES (?, ?, ?, ?)", rows)
    return len(rows)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the write lock at its start (BEGIN IMMEDIATE), so two writers queue
    on the busy timeout instead of one failing half-way; rolled back if anything inside raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def now_text() -> str:
    """The current time as ISO 8601 in UTC, e.g. 2025-10-24T10:46:45Z."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def init_app(app: Flask) -> Database:
    db = Database(Path(app.config["DATA_DIR"]) / FILE_NAME, busy_timeout=app.config.get("WIRELAB_DB_TIMEOUT", 10.0))
    app.extensions[EXTENSION] = db

    @app.teardown_appcontext
    def finish(exc: BaseException | None) -> None:
        conn = g.pop("db", None)
        if conn is not None and conn.in_transaction:  # a view failed inside a transaction
            conn.execute("ROLLBACK")

    return db


def database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions[EXTENSION]


def get_db() -> sqlite3.Connection:
    """The connection for this request (flaskr's ``get_db``)."""
    if "db" not in g:
        g.db = database().connection()
    return g.db


def write(sql: str, params: Sequence = ()) -> list[sqlite3.Row]:
    """Run one statement that changes data (committed when this returns); the rows it returns (RETURNING).

    Concurrent writers queue in SQLite itself (its busy timeout). A Python lock around this would be held
    while its thread waits for the interpreter lock after SQLite returns, which made writes 3-5 times slower
    under load (docs/PERFORMANCE.md).
    """
    # fetchall: the statement, and with it the write, is finished here and not when the cursor is freed
    return get_db().execute(sql, params).fetchall()
