"""Which address a post comes from, for the rate limiter: the direct peer, or
what a trusted reverse proxy says in ``X-Forwarded-For``.

Any client can send an ``X-Forwarded-For`` header naming any address, so the
header is read only when the connection itself comes from a configured proxy
(``trusted_proxy``; none by default). uvicorn's own handling of the header is
switched off (:mod:`.server`): it trusts loopback by default, which let any
process on the host -- or anything a local proxy passes through unchanged --
choose its own rate-limit bucket.

Only ``X-Forwarded-For`` is read. ``Forwarded`` and ``X-Real-IP`` are ignored
on purpose: a proxy sets one of them, and passes the others on as the client
sent them, so reading a second header would hand the choice back to the client.

A proxy appends the address it received the request from to the right of the
header, so the entries a client wrote come first (left) and can be false,
while each trusted proxy vouches for the entry it appended. Walking from the
right, past entries that are themselves trusted proxies, the first other
address is the client as the outermost trusted proxy saw it.
"""

from __future__ import annotations

import ipaddress
from typing import Iterable, Sequence, Union

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


def parse_address(text: str) -> IPAddress | None:
    """An address as proxies write it: bare, ``1.2.3.4:port``, ``[v6]`` or ``[v6]:port``.

    IPv4-mapped IPv6 addresses (``::ffff:192.0.2.1``, as a dual-stack socket
    reports IPv4 peers) become plain IPv4, so one client has one form. None for
    anything that is not an address (``unknown``, an obfuscated name, garbage).
    """
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4 with a port; IPv6 has two colons or more
        text = text.partition(":")[0]
    text = text.partition("%")[0]  # an IPv6 zone (fe80::1%eth0) names an interface, not a client
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted(address: IPAddress | None, trusted: Sequence[IPNetwork]) -> bool:
    return address is not None and any(address in network for network in trusted)


def client_address(peer: str, forwarded_for: Iterable[str], trusted: Sequence[IPNetwork]) -> str:
    """The address to rate-limit a request by.

    ``peer`` is the direct peer of the connection, ``forwarded_for`` every
    ``X-Forwarded-For`` value of the request in order, ``trusted`` the proxies.
    """
    peer_address = parse_address(peer)
    if not is_trusted(peer_address, trusted):
        return str(peer_address) if peer_address is not None else peer
    assert peer_address is not None
    hops = [hop for value in forwarded_for for hop in value.split(",")]
    address = peer_address
    for hop in reversed(hops):
        parsed = parse_address(hop)
        if parsed is None:
            # A trusted proxy vouched for something that is not an address (misconfigured, or
            # "unknown"): keep the last address a trusted proxy stands behind rather than let
            # text the client may have written become its key.
            break
        address = parsed
        if not is_trusted(parsed, trusted):
            break
    # Every entry trusted (a request from inside the proxy chain): the left-most one it names.
    return str(address)
