"""Per-client rate limiting that never keeps a client's address.

Each client gets a token bucket (``burst`` tokens, refilled at ``rate`` per
minute); a post takes one token, and a post finding the bucket empty gets a
429 with ``Retry-After``. Buckets are keyed by an HMAC-SHA-256 of the client
address under a random key made at process start and held only in memory: the
key dies with the process, so the keys in the table cannot be turned back
into addresses, not even by trying every IPv4 address. Nothing here is
logged or written to disk.

Memory is bounded: at most ``max_clients`` buckets, the least recently seen
forgotten first (a forgotten client simply starts again with a full bucket).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections import OrderedDict
from typing import Callable


class RateLimiter:
    """Token buckets per anonymised client key. Not thread-safe: used from the event loop only."""

    def __init__(
        self,
        rate_per_minute: float,
        burst: int,
        max_clients: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.rate = rate_per_minute / 60.0  # tokens per second
        self.burst = float(burst)
        self.max_clients = max_clients
        self._clock = clock
        self._secret = secrets.token_bytes(32)
        self._buckets: OrderedDict[bytes, tuple[float, float]] = OrderedDict()  # key -> (tokens, updated)

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def __len__(self) -> int:
        return len(self._buckets)

    def key(self, address: str) -> bytes:
        """The anonymised key of a client address."""
        return hmac.new(self._secret, address.encode("utf-8", "replace"), hashlib.sha256).digest()[:16]

    def check(self, address: str) -> float:
        """Take a token for ``address``: 0 if allowed, else the seconds to wait before retrying."""
        if not self.enabled:
            return 0.0
        key = self.key(address)
        now = self._clock()
        tokens, updated = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - updated) * self.rate)
        if tokens >= 1.0:
            tokens -= 1.0
            wait = 0.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[key] = (tokens, now)  # re-inserted last: most recently seen
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait


def retry_after(wait: float) -> str:
    """A ``Retry-After`` header value: whole seconds, rounded up, at least 1."""
    return str(max(1, math.ceil(wait)))
