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
import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

ENV_PREFIX = "HELPCENTRE_FEEDBACK_"


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

    site_url: str = "http://127.0.0.1:8000/"
    """Root URL of the built help centre; redirects point below it."""

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

    forwarded_allow_ips: str = "127.0.0.1"
    """Comma-separated proxy addresses whose X-Forwarded-For is trusted to name the client
    (used for rate limiting only; never stored). Set to the reverse proxy's address."""

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
        if url.scheme not in ("http", "https") or not url.netloc:
            raise SettingsError(f"site_url must be an absolute http(s) URL, got {self.site_url!r}")
        if not self.site_url.endswith("/"):
            object.__setattr__(self, "site_url", self.site_url + "/")
        if not 0 <= self.port <= 65535:
            raise SettingsError(f"port must be between 0 and 65535, got {self.port}")
        for name in ("rate_burst", "rate_clients", "max_body", "commit_batch"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.rate_limit < 0:
            raise SettingsError(f"rate_limit must be 0 (off) or more, got {self.rate_limit}")
        if self.manifest_check < 0:
            raise SettingsError(f"manifest_check must be 0 or more, got {self.manifest_check}")

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
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = parse_value(f, raw, source=ENV_PREFIX + f.name.upper())
        for name, value in (overrides or {}).items():
            if value is not None:
                values[name] = value
        return cls(**values)


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
        return kind(raw)
    except ValueError as error:
        raise SettingsError(f"{source}={raw!r}: {error}") from None


def _field_type(f: dataclasses.Field) -> type:
    return {"str": str, "int": int, "float": float, "bool": bool, "Path": Path}[str(f.type)]


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
