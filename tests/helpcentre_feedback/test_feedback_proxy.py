"""X-Forwarded-For names the client for the rate limiter only when the connection
comes from a configured reverse proxy; nobody else can choose their bucket."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from helpcentre_feedback.cli import build_parser, settings_from_args
from helpcentre_feedback.proxy import client_address, parse_address
from helpcentre_feedback.settings import Settings, SettingsError, parse_networks

from feedback_support import fb, spawn  # noqa: F401

PROXIES = parse_networks(["10.0.0.5", "192.168.0.0/24", "2001:db8:1::/48"])


@pytest.mark.parametrize(("peer", "forwarded_for", "expected"), [
    # No trusted proxy in front: the header is the client's own text, ignored.
    ("203.0.113.9", ["198.51.100.7"], "203.0.113.9"),
    ("127.0.0.1", ["198.51.100.7"], "127.0.0.1"),  # loopback is not trusted by default any more
    ("::ffff:203.0.113.9", [], "203.0.113.9"),  # a dual-stack socket's IPv4 peer: one form per client
    # Behind the proxy: the address it appended, right-most.
    ("10.0.0.5", ["198.51.100.7"], "198.51.100.7"),
    ("10.0.0.5", ["203.0.113.1, 198.51.100.7"], "198.51.100.7"),  # a client-written entry on the left
    ("10.0.0.5", ["203.0.113.1", "198.51.100.7"], "198.51.100.7"),  # the same, over two header lines
    ("192.168.0.9", ["198.51.100.7, 10.0.0.5"], "198.51.100.7"),  # two trusted hops, networks too
    ("10.0.0.5", [" 198.51.100.7:51234 "], "198.51.100.7"),  # some proxies add the port
    ("10.0.0.5", ["[2001:db8:2::7]:443"], "2001:db8:2::7"),
    ("2001:db8:1::1", ["2001:db8:2::7"], "2001:db8:2::7"),
    ("::ffff:10.0.0.5", ["198.51.100.7"], "198.51.100.7"),
    ("10.0.0.5", [], "10.0.0.5"),  # the proxy's own request (a health check): the proxy
    ("10.0.0.5", ["192.168.0.3, 10.0.0.5"], "192.168.0.3"),  # all trusted: the left-most
    # A trusted proxy vouching for what is not an address: its own address, never the text.
    ("10.0.0.5", ["unknown"], "10.0.0.5"),
    ("10.0.0.5", ["198.51.100.7, ,"], "10.0.0.5"),
    ("192.168.0.9", ["203.0.113.1, garbage, 10.0.0.5"], "10.0.0.5"),
])
def test_the_client_is_the_right_most_address_that_is_not_a_trusted_proxy(peer, forwarded_for, expected):
    assert client_address(peer, forwarded_for, PROXIES) == expected


def test_without_trusted_proxies_every_header_is_ignored():
    assert client_address("127.0.0.1", ["198.51.100.7"], ()) == "127.0.0.1"
    assert client_address("", ["198.51.100.7"], ()) == ""  # no peer address (a Unix socket)


@pytest.mark.parametrize(("text", "expected"), [
    ("198.51.100.7", "198.51.100.7"), ("198.51.100.7:80", "198.51.100.7"), ("[::1]", "::1"),
    ("[2001:db8::1]:8080", "2001:db8::1"), ("fe80::1%eth0", "fe80::1"), ("::ffff:192.0.2.1", "192.0.2.1"),
    ("unknown", None), ("_hidden", None), ("", None), ("999.1.1.1", None),
])
def test_addresses_are_read_as_proxies_write_them(text, expected):
    parsed = parse_address(text)
    assert (str(parsed) if parsed else None) == expected


def test_trusted_proxies_come_from_the_variable_or_repeated_flags(fb):
    settings = Settings.load({"HELPCENTRE_FEEDBACK_TRUSTED_PROXY": "10.0.0.5, 192.168.0.0/24 ::1"})
    assert settings.trusted_proxy == ("10.0.0.5/32", "192.168.0.0/24", "::1/128")
    assert Settings().trusted_proxy == ()  # none by default

    args = build_parser().parse_args(["serve", "--trusted-proxy", "10.0.0.5", "--trusted-proxy", "192.168.0.0/24,::1"])
    from_flags = settings_from_args(args, {"HELPCENTRE_FEEDBACK_TRUSTED_PROXY": "172.16.0.1"})
    assert from_flags.trusted_proxy == ("10.0.0.5/32", "192.168.0.0/24", "::1/128")  # the flags win, whole
    # A mapped IPv6 form matches the plain IPv4 peers it stands for.
    assert Settings(trusted_proxy=("::ffff:10.0.0.0/120",)).trusted_networks == (ipaddress.ip_network("10.0.0.0/24"),)


@pytest.mark.parametrize(("value", "message"), [
    ("*", "not an address or network"),
    ("proxy.internal", "not an address or network"),
    ("0.0.0.0/0", "would trust every address"),
    ("::/0", "would trust every address"),
])
def test_a_trusted_proxy_the_service_cannot_use_stops_it(value, message):
    with pytest.raises(SettingsError, match=message):
        Settings(trusted_proxy=(value,))


def test_the_old_loopback_trusting_option_is_refused_with_its_replacement(fb, tmp_path):
    with pytest.raises(SettingsError, match="replaced by HELPCENTRE_FEEDBACK_TRUSTED_PROXY"):
        Settings.load({"HELPCENTRE_FEEDBACK_FORWARDED_ALLOW_IPS": "127.0.0.1"})
    result = fb.run_cli("serve", "--forwarded-allow-ips", "10.0.0.5", "--db", f"sqlite:///{tmp_path}/fb.db")
    assert result.returncode == 2
    assert "--forwarded-allow-ips was replaced by --trusted-proxy" in result.stderr


def post(client: httpx.Client, fb, **headers: str) -> int:
    return client.post("/answer", data={"page": fb.PAGE, "lang": "en", "answer": "yes"}, headers=headers).status_code


def test_a_local_client_cannot_escape_the_rate_limit_with_forwarding_headers(fb, spawn):
    # uvicorn's own forwarded-header handling trusted loopback and read FORWARDED_ALLOW_IPS:
    # the variable is set here to show it no longer matters.
    svc = spawn("--rate-limit", "6", "--rate-burst", "3", environ={"FORWARDED_ALLOW_IPS": "*"})
    with httpx.Client(base_url=svc.url, timeout=10, headers=fb.ORIGIN) as client:
        statuses = [post(client, fb, **{"X-Forwarded-For": f"198.51.100.{i}"}) for i in range(3)]
        assert statuses == [303, 303, 303]
        assert post(client, fb, **{"X-Forwarded-For": "198.51.100.200"}) == 429
        assert post(client, fb, Forwarded="for=198.51.100.201") == 429
        assert post(client, fb, **{"X-Real-IP": "198.51.100.202"}) == 429
    assert len(fb.rows(svc.db)) == 3


def test_behind_a_trusted_proxy_a_client_cannot_prepend_its_way_out(fb, spawn):
    svc = spawn("--rate-limit", "6", "--rate-burst", "3", "--trusted-proxy", "127.0.0.1/32")
    reader = {"X-Forwarded-For": "198.51.100.7"}  # as the proxy writes it
    with httpx.Client(base_url=svc.url, timeout=10, headers=fb.ORIGIN) as client:
        assert [post(client, fb, **reader) for _ in range(3)] == [303, 303, 303]
        assert post(client, fb, **reader) == 429
        # The reader sends its own X-Forwarded-For; the proxy appends the real address.
        assert post(client, fb, **{"X-Forwarded-For": "203.0.113.1, 198.51.100.7"}) == 429
        # Headers the proxy does not write are passed through as the client sent them: ignored.
        assert post(client, fb, **reader, Forwarded="for=203.0.113.2", **{"X-Real-IP": "203.0.113.3"}) == 429
        assert post(client, fb, **{"X-Forwarded-For": "198.51.100.8"}) == 303  # another reader
    assert len(fb.rows(svc.db)) == 4
