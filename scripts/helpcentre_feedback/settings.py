"""The service's configuration: one typed dataclass, filled from defaults,
then environment variables, then command-line flags (the last one wins).

Each option ``name`` is read from the environment variable
``HELPCENTRE_FEEDBACK_<NAME>`` and from the flag ``--<name>`` (underscores
become dashes), so a process manager can configure the service with
environment variables and a developer can override one with a flag. The
docstring under each field is the option's documentation: ``--help`` shows it.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import ipaddress
import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import urlsplit

from .origin import origin_of
from .proxy import IPNetwork

ENV_PREFIX = "HELPCENTRE_FEEDBACK_"

IPV4_MAPPED = ipaddress.ip_network("::ffff:0:0/96")

RENAMED = {"forwarded_allow_ips": "trusted_proxy"}
"""Options that were renamed: still given, they stop the service with a message instead of
being silently ignored (an ignored proxy setting would put every reader in one rate-limit bucket)."""


class SettingsError(ValueError):
    """A setting has a value the service cannot work with; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    """Everything the feedback service can be told; see each field's docstring."""

    host: str = "127.0.0.1"
    """Address to listen on. Loopback by default: put a TLS-terminating reverse proxy in front in production."""

    port: int = 8001
    """TCP port to listen on."""

    db: str = "sqlite:///var/feedback.sqlite3"
    """Database URL. Only SQLite is supported: sqlite:///relative/path or sqlite:////absolute/path.
    The parent directory is created if missing."""

    manifest: Path = Path("site/feedback-manifest.json")
    """The site build's feedback-manifest.json: known articles and where to send readers.
    Re-read when it changes on disk, so a rebuilt site's new articles are accepted without a restart."""

    site: Path = Path("site")
    """The built site's folder. At start, GET /search indexes each language's search index in it
    (search/search_index.json, fr/search/search_index.json) and takes each language's home page's
    stylesheets and name for the results page; without it, /search says search is unavailable."""

    site_url: str = "http://127.0.0.1:8000/"
    """Root URL of the built help centre; redirects and search results point below it."""

    rate_limit: float = 60.0
    """Posts allowed per minute per client, sustained (token bucket). 0 disables rate limiting,
    as load tests on loopback need. Generous by default: many administrators of one organization
    may share one public address."""

    rate_burst: int = 30
    """Posts a client may make at once before the per-minute rate applies."""

    rate_clients: int = 100_000
    """Most clients whose buckets are kept in memory; the least recently seen are forgotten first."""

    max_body: int = 8192
    """Largest request body accepted, in bytes (413 above). 8 KiB fits a 500-character comment
    even when every character takes 4 UTF-8 bytes, percent-encoded to 12."""

    trusted_proxy: tuple[str, ...] = ()
    """Address or network (10.0.0.5, 192.168.0.0/24, ::1) of a reverse proxy whose X-Forwarded-For
    names the client; repeat the flag, or separate with commas in the variable. Used for rate
    limiting only, never stored. None by default: a header from any other peer is ignored,
    since anyone can write one."""

    allow_missing_origin: bool = False
    """Accept a post that has neither Origin nor Referer. Off by default: browsers send Origin
    on every form post, so a post without either is not a reader's, and accepting it would let
    old browsers be made to post from other sites."""

    header_timeout: float = 10.0
    """Seconds a connection may take to send a request's head (request line and headers), counted
    from its opening or, on a kept-alive connection, from the request's first byte. Slower
    connections get 408 and are closed, so slow senders cannot hold sockets."""

    body_timeout: float = 10.0
    """Seconds a request may take to send its body once the head is in; slower ones are closed."""

    keepalive_timeout: float = 5.0
    """Seconds an idle connection is kept open between two requests."""

    max_connections: int = 1000
    """Most connections open at once. Beyond it, the one that has waited longest for a request
    head is closed to make room. Lowered at start to fit the process's open-file limit."""

    access_log: bool = True
    """Log one line per request: method, path, status and duration. Never an address,
    user agent or query string."""

    commit_batch: int = 512
    """Most answers written in one SQLite transaction (one fsync) by the writer thread."""

    manifest_check: float = 1.0
    """Seconds between two checks of the manifest's modification time."""

    def __post_init__(self) -> None:
        database_path(self.db)  # raises SettingsError for anything but a SQLite file URL
        url = urlsplit(self.site_url)
        if url.scheme not in ("http", "https") or not url.netloc or origin_of(self.site_url) is None:
            raise SettingsError(f"site_url must be an absolute http(s) URL, got {self.site_url!r}")
        if not self.site_url.endswith("/"):
            object.__setattr__(self, "site_url", self.site_url + "/")
        if not 0 <= self.port <= 65535:
            raise SettingsError(f"port must be between 0 and 65535, got {self.port}")
        for name in ("rate_burst", "rate_clients", "max_body", "commit_batch", "max_connections"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.rate_limit < 0:
            raise SettingsError(f"rate_limit must be 0 (off) or more, got {self.rate_limit}")
        if self.manifest_check < 0:
            raise SettingsError(f"manifest_check must be 0 or more, got {self.manifest_check}")
        for name in ("header_timeout", "body_timeout", "keepalive_timeout"):
            if not getattr(self, name) > 0:
                raise SettingsError(f"{name} must be more than 0 seconds, got {getattr(self, name)}")
        # Normalised once here, so a typo stops the service at start rather than being ignored.
        proxies = split_list(self.trusted_proxy) if isinstance(self.trusted_proxy, str) else self.trusted_proxy
        object.__setattr__(self, "trusted_proxy", tuple(str(n) for n in parse_networks(proxies)))

    @property
    def trusted_networks(self) -> tuple[IPNetwork, ...]:
        """The trusted proxies as networks (a single address is a /32 or /128)."""
        return parse_networks(self.trusted_proxy)

    @property
    def site_origin(self) -> str:
        """The site's origin (scheme://host[:port]), the only one posts are accepted from."""
        origin = origin_of(self.site_url)
        assert origin is not None  # site_url was checked in __post_init__
        return origin

    @property
    def db_path(self) -> Path:
        """The SQLite file the database URL names."""
        return database_path(self.db)

    @classmethod
    def load(
        cls, environ: Mapping[str, str] | None = None, overrides: Mapping[str, object] | None = None
    ) -> "Settings":
        """Defaults, then ``HELPCENTRE_FEEDBACK_*`` variables, then ``overrides`` (flags; None means unset)."""
        environ = os.environ if environ is None else environ
        for old_name, new_name in RENAMED.items():
            if environ.get(ENV_PREFIX + old_name.upper()):
                raise SettingsError(
                    f"{ENV_PREFIX}{old_name.upper()} was replaced by {ENV_PREFIX}{new_name.upper()}, "
                    f"which trusts no proxy unless told; see the feedback README"
                )
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = parse_value(f, raw, source=ENV_PREFIX + f.name.upper())
        for name, value in (overrides or {}).items():
            if value is not None:
                values[name] = value
        return cls(**values)


def parse_networks(values: Sequence[str]) -> tuple[IPNetwork, ...]:
    """Addresses and networks as ``ip_network`` objects; a value the service cannot use is refused."""
    networks = []
    for value in values:
        text = value.strip()
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise SettingsError(
                f"trusted_proxy: {value!r} is not an address or network such as 10.0.0.5 or 192.168.0.0/24"
            ) from None
        if network.version == 6 and network.prefixlen >= 96 and network.subnet_of(IPV4_MAPPED):
            # Peers arrive as plain IPv4 (proxy.parse_address), so a mapped form must match them.
            network = ipaddress.ip_network((int(network.network_address) & 0xFFFFFFFF, network.prefixlen - 96))
        if network.prefixlen == 0:
            # Trusting every peer is the hole this setting closes: any client could name itself.
            raise SettingsError(f"trusted_proxy: {value!r} would trust every address; name the proxy's own")
        networks.append(network)
    return tuple(networks)


def database_path(url: str) -> Path:
    """The file of a ``sqlite:///`` URL. Anything else is refused with a message saying so."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise SettingsError(
            f"the database must be given as a URL such as sqlite:///var/feedback.sqlite3, got {url!r}"
        )
    if scheme.lower() != "sqlite":
        raise SettingsError(
            f"only SQLite databases are supported (sqlite:///path), got a {scheme!r} URL"
        )
    if not rest.startswith("/") or rest == "/":
        raise SettingsError(
            f"a SQLite URL names a file after three slashes (sqlite:///relative or sqlite:////absolute), got {url!r}"
        )
    path = rest[1:]
    if path == ":memory:" or "?" in path:
        raise SettingsError(
            f"the database must be a file (an in-memory database would lose every answer), got {url!r}"
        )
    return Path(path)


def parse_value(f: dataclasses.Field, raw: str, *, source: str) -> object:
    """Convert an environment variable's text to the field's type."""
    kind = _field_type(f)
    try:
        if kind is bool:
            lowered = raw.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError("expected one of 1/0, true/false, yes/no, on/off")
        if kind is tuple:
            return split_list(raw)
        return kind(raw)
    except ValueError as error:
        raise SettingsError(f"{source}={raw!r}: {error}") from None


def split_list(raw: str) -> tuple[str, ...]:
    """The items of a list option written as one string: separated by commas and/or spaces."""
    return tuple(item for item in raw.replace(",", " ").split() if item)


def _field_type(f: dataclasses.Field) -> type:
    return {"str": str, "int": int, "float": float, "bool": bool, "Path": Path,
            "tuple[str, ...]": tuple}[str(f.type)]


def field_type(name: str) -> type:
    """The Python type of the option ``name`` (for building flags)."""
    return _field_type(next(f for f in fields(Settings) if f.name == name))


@lru_cache(maxsize=1)
def option_docs() -> dict[str, str]:
    """Each field's docstring, read from this module's source (empty if the source is unavailable)."""
    try:
        tree = ast.parse(inspect.getsource(Settings))
    except (OSError, TypeError):
        return {}
    docs: dict[str, str] = {}
    body = tree.body[0].body  # type: ignore[attr-defined]
    for node, following in zip(body, body[1:]):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.target.id] = " ".join(following.value.value.split())
    return docs
