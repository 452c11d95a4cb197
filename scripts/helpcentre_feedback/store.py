"""Storage: the SQLite schema and the one thread that writes to it.

What is stored is all there is: two tables, ``answers (page, lang, answer,
created_at)`` and ``comments (page, lang, comment, created_at)``, with the time
in UTC to the second. Comments are a separate table because the comment form
is a separate, anonymous post: nothing links a comment to an answer, and
nothing should.

Durability. The database runs in WAL mode with ``synchronous=FULL``: each
commit appends to the write-ahead log and fsyncs it before ``COMMIT`` returns,
so a committed answer survives a killed process *and* a power cut.
(``NORMAL`` in WAL mode would survive a killed process -- the log is in the
OS page cache -- but could lose the last commits on power loss.) The HTTP
handler sends its ``303`` only after the commit holding its row returned, so
every acknowledged answer is on disk.

Throughput. An fsync costs about a millisecond or more, so one transaction
per answer would cap the service near a thousand answers a second and keep
the event loop waiting. Instead :class:`Writer` is a single dedicated thread
that owns the only write connection and does *group commit*: it takes every
row queued while the previous commit was syncing, writes them in one
transaction and one fsync, then wakes each waiting request. Under load the
batches grow by themselves, so the cost per answer falls as load rises; idle,
a lone answer is committed at once. One writer also means SQLite never sees
two writers fight for its lock. The event loop only queues a row and awaits
a future; it never touches SQLite.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

log = logging.getLogger("helpcentre_feedback")

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    page       TEXT NOT NULL CHECK (length(page) BETWEEN 1 AND 200),
    lang       TEXT NOT NULL CHECK (length(lang) BETWEEN 1 AND 32),
    answer     TEXT NOT NULL CHECK (length(answer) BETWEEN 1 AND 32),
    created_at TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z')
) STRICT;
CREATE TABLE IF NOT EXISTS comments (
    page       TEXT NOT NULL CHECK (length(page) BETWEEN 1 AND 200),
    lang       TEXT NOT NULL CHECK (length(lang) BETWEEN 1 AND 32),
    comment    TEXT NOT NULL CHECK (length(comment) BETWEEN 1 AND 500),
    created_at TEXT NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z')
) STRICT;
CREATE INDEX IF NOT EXISTS comments_newest ON comments (page, lang, created_at);
"""

COMMENT_MAX = 500
"""Longest comment stored, in characters."""

INSERT_ANSWER = "INSERT INTO answers (page, lang, answer, created_at) VALUES (?, ?, ?, ?)"
INSERT_COMMENT = "INSERT INTO comments (page, lang, comment, created_at) VALUES (?, ?, ?, ?)"


def utc_now() -> str:
    """The current time as stored: ISO 8601, UTC, to the second."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the database for writing, with the durable settings above."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
    conn.execute("PRAGMA busy_timeout = 5000")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() != "wal":
        raise sqlite3.OperationalError(f"{path}: cannot switch to WAL mode (got {mode!r})")
    conn.execute("PRAGMA synchronous = FULL")
    conn.executescript(SCHEMA)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == 0:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    elif version != SCHEMA_VERSION:
        raise sqlite3.OperationalError(
            f"{path}: schema version {version}, but this service knows version {SCHEMA_VERSION}"
        )
    return conn


def connect_readonly(path: Path) -> sqlite3.Connection:
    """Open an existing database for reading only (the report); never creates a file."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


@dataclass(frozen=True)
class Row:
    """One row to insert: the statement and its parameters."""

    sql: str
    params: tuple


def answer_row(page: str, lang: str, answer: str, created_at: str | None = None) -> Row:
    return Row(INSERT_ANSWER, (page, lang, answer, created_at or utc_now()))


def comment_row(page: str, lang: str, comment: str, created_at: str | None = None) -> Row:
    return Row(INSERT_COMMENT, (page, lang, comment, created_at or utc_now()))


class NotStored(RuntimeError):
    """A row could not be committed (the writer is not running, or its transaction failed)."""


_STOP = object()


class Writer:
    """A dedicated thread that commits queued rows in groups; see the module docstring.

    ``await writer.write(row)`` returns once the row is committed and raises
    if its transaction failed (nothing of that batch is then stored).
    """

    def __init__(self, path: Path, batch_max: int = 512):
        self.path = path
        self.batch_max = batch_max
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self.pending = 0  # rows queued or being written; read by the event loop only
        self.commits = 0
        self.rows = 0

    def start(self) -> None:
        """Start the thread; raises here if the database cannot be opened."""
        self._thread = threading.Thread(target=self._run, name="feedback-writer", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._startup_error is not None:
            raise self._startup_error

    def stop(self) -> None:
        """Commit everything queued, then close the database and end the thread."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    async def write(self, row: Row) -> None:
        """Queue one row and wait until it is durably committed."""
        await self._submit(row)

    async def ping(self) -> None:
        """Round-trip through the writer: proves the thread runs and the database answers."""
        await self._submit(_ping)

    async def _submit(self, item: object) -> object:
        if not self.alive:
            raise NotStored("the database writer is not running")
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self.pending += 1
        try:
            self._queue.put((item, loop, future))
            return await future
        finally:
            self.pending -= 1

    def _run(self) -> None:
        try:
            conn = connect(self.path)
        except BaseException as error:  # reported by start()
            self._startup_error = error
            self._ready.set()
            return
        self._ready.set()
        try:
            stopping = False
            while not stopping:
                batch = [self._queue.get()]
                while len(batch) < self.batch_max:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                if _STOP in batch:
                    stopping = True
                    batch = [item for item in batch if item is not _STOP]
                    batch += self._drain()
                if batch:
                    self._commit(conn, batch)
        finally:
            conn.close()

    def _drain(self) -> list:
        items = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return [i for i in items if i is not _STOP]
            items.append(item)

    def _commit(self, conn: sqlite3.Connection, batch: list) -> None:
        rows = [item for item, _, _ in batch if isinstance(item, Row)]
        error: BaseException | None = None
        try:
            if rows:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for sql, group in _group(rows):
                        conn.executemany(sql, group)
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                self.commits += 1
                self.rows += len(rows)
            if any(item is _ping for item, _, _ in batch):
                _ping(conn)
        except Exception as exc:  # every waiting request learns its row was not stored
            log.error("feedback store: a batch of %d rows was not stored: %s", len(rows), exc)
            error = exc
        by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future]] = {}
        for _, loop, future in batch:
            by_loop.setdefault(loop, []).append(future)
        for loop, futures in by_loop.items():
            try:
                loop.call_soon_threadsafe(_resolve, futures, error)
            except RuntimeError:  # that loop is closed: nobody is waiting any more
                pass


def _ping(conn: sqlite3.Connection) -> None:
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()


def _group(rows: Iterable[Row]) -> list[tuple[str, list[tuple]]]:
    groups: dict[str, list[tuple]] = {}
    for row in rows:
        groups.setdefault(row.sql, []).append(row.params)
    return list(groups.items())


def _resolve(futures: list[asyncio.Future], error: BaseException | None) -> None:
    for future in futures:
        if future.done():  # the request was cancelled (client gone); its row is stored anyway
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(NotStored(f"not stored: {error}"))


def insert_rows(path: Path, rows: Iterable[Row]) -> None:
    """Write rows synchronously in one transaction (tests and imports; the service uses :class:`Writer`)."""
    conn = connect(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        for sql, group in _group(rows):
            conn.executemany(sql, group)
        conn.execute("COMMIT")
    finally:
        conn.close()

