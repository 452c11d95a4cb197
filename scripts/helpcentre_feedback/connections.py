"""Connection hygiene uvicorn does not provide: a deadline for the request head
and for the body, and a cap on open connections that makes room for new ones.

Why: uvicorn gives a connection as long as it likes to send its request head.
A client that opens hundreds of connections and sends one header byte every
few seconds ("slowloris") -- or that connects and sends nothing -- holds a
socket, a file descriptor, per connection; once the process runs out of file
descriptors nothing is accepted, health checks included. uvicorn's
``timeout_keep_alive`` does not help: it only runs between two requests, and
any byte cancels it. Its ``limit_concurrency`` does not help either: it
counts connections but acts only once a request head is complete (with a
503), so connections that never complete one are never refused.

So the service runs uvicorn's own h11 protocol with a guard added
(:class:`GuardedH11Protocol`):

* the head of each request must be complete within ``header_timeout``
  seconds, counted from the connection's opening (connecting and staying
  silent counts) or, on a kept-alive connection, from the request's first
  byte; late, the connection gets a ``408`` and is closed. Between requests
  uvicorn's keep-alive timeout applies, as before;
* once the head is in, the body must be complete within ``body_timeout``
  seconds, or the connection is closed (the app sees a disconnect and stores
  nothing);
* at most ``max_connections`` connections are open: a connection beyond the
  cap closes the one that has waited longest for a request head (a slow
  sender or an idle keep-alive), so a health check or a reader still gets in
  while an attacker fills the cap; only if every connection is busy with a
  request is the newcomer closed instead.

The state machine is h11's own (``their_state``): IDLE is "waiting for a
head", SEND_BODY "reading the body", anything else "the app's turn". The
httptools protocol, which uvicorn prefers when httptools is installed, is
therefore not used (the project does not install it; h11 was what the
throughput figures were measured with).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_TIMEOUT = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                   b"content-length: 16\r\nconnection: close\r\n\r\nRequest Timeout\n")

BAD_REQUEST = ("This request could not be read: its address or headers are too long or malformed. "
               "If you were searching, use fewer words.\n"
               "Cette requête n’a pas pu être lue\u00a0: son adresse ou ses en-têtes sont trop longs ou mal formés. "
               "Si vous faisiez une recherche, utilisez moins de mots.\n").encode("utf-8")


@dataclass
class ConnectionStats:
    """Counts the health check reports, shared by every connection of one server."""

    open: int = 0
    header_timeouts: int = 0
    body_timeouts: int = 0
    evicted: int = 0
    refused: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with head and body deadlines and a connection cap.

    Configured by subclassing (:func:`guarded_protocol`), since uvicorn builds
    one protocol object per connection from a class and its own Config.
    """

    header_timeout: ClassVar[float] = 10.0
    body_timeout: ClassVar[float] = 10.0
    max_connections: ClassVar[int] = 1000
    stats: ClassVar[ConnectionStats]
    waiting: ClassVar["OrderedDict[GuardedH11Protocol, None]"]
    """Connections waiting for a request head, the one waiting longest first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._phase = "new"  # new | head | idle | body | app | closed
        self._deadline: asyncio.TimerHandle | None = None

    # --- the points where the request's state can change ------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.stats.open = len(self.connections)
        if len(self.connections) > self.max_connections and not self._make_room():
            self.stats.refused += 1
            self._phase = "closed"
            transport.close()
            return
        self._set_phase("head")  # connecting and saying nothing counts against the head deadline

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._follow()

    def connection_lost(self, exc: Exception | None) -> None:
        self._set_phase("closed")
        super().connection_lost(exc)
        self.stats.open = len(self.connections)

    def send_400_response(self, msg: str) -> None:
        """A request h11 cannot parse -- a head over 16 KiB (a 10 MB search address, say), a
        malformed request line -- gets a short page in both languages instead of uvicorn's
        English-only "Invalid HTTP request received."; nothing of the request is echoed."""
        event = h11.Response(status_code=400, reason=b"Bad Request", headers=[
            (b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")])
        try:
            self.transport.write(self.conn.send(event))
            self.transport.write(self.conn.send(h11.Data(data=BAD_REQUEST)))
            self.transport.write(self.conn.send(h11.EndOfMessage()))
        except h11.LocalProtocolError:  # a response had begun: just close
            pass
        self.transport.close()

    # --- deadlines -------------------------------------------------------------------

    def _follow(self) -> None:
        """Put the deadline that fits h11's view of the request in place."""
        if self._phase == "closed":
            return
        if self.transport.is_closing():
            self._set_phase("closed")
            return
        state = self.conn.their_state
        if state is h11.IDLE:
            if self._phase == "head":
                return  # the deadline runs from the head's first byte, not from the latest one
            buffered, _ = self.conn.trailing_data
            # Bytes of a next head are in: its deadline starts now. None: an idle keep-alive,
            # which uvicorn's keep-alive timeout closes.
            self._set_phase("head" if buffered else "idle")
        elif state is h11.SEND_BODY:
            self._set_phase("body")
        else:  # DONE, MUST_CLOSE, ...: the request is in, the app is answering
            self._set_phase("app")

    def _set_phase(self, phase: str) -> None:
        if phase == self._phase:
            return
        self._phase = phase
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        if phase in ("head", "idle"):
            self.waiting[self] = None  # appended: it starts waiting now
        else:
            self.waiting.pop(self, None)
        if phase == "head":
            self._deadline = self.loop.call_later(self.header_timeout, self._too_slow, "head")
        elif phase == "body":
            self._deadline = self.loop.call_later(self.body_timeout, self._too_slow, "body")

    def _too_slow(self, phase: str) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if phase == "head":
            self.stats.header_timeouts += 1
            # No request is being answered on this connection (the previous response, if any, is
            # complete), so a raw 408 cannot interleave with the app's output.
            self.transport.write(REQUEST_TIMEOUT)
        else:
            # The app is waiting for the body: closing makes uvicorn hand it a disconnect, and
            # the post stores nothing. No 408, since the app may have begun to answer.
            self.stats.body_timeouts += 1
        self._set_phase("closed")
        self.transport.close()

    def _make_room(self) -> bool:
        """Close the connection that has waited longest for a request head; False if none waits."""
        victim = next((other for other in self.waiting if other is not self), None)
        if victim is None:
            return False
        self.stats.evicted += 1
        victim._set_phase("closed")
        victim.transport.close()
        return True


def guarded_protocol(header_timeout: float, body_timeout: float, max_connections: int,
                     stats: ConnectionStats | None = None) -> type[GuardedH11Protocol]:
    """A protocol class for one server, with its limits and its own registry of waiting connections."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {
        "header_timeout": header_timeout,
        "body_timeout": body_timeout,
        "max_connections": max_connections,
        "stats": stats if stats is not None else ConnectionStats(),
        "waiting": OrderedDict(),
    })
