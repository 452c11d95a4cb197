"""The site build's ``feedback-manifest.json``: which articles exist, in which
languages, and where to send a reader after an answer or a comment.

The manifest is the contract between the site build and the service: the
service accepts an answer only for a page id and language the manifest lists,
so it never stores anything about pages that do not exist. Redirect targets
come from the manifest too and must be relative paths, which the service joins
to the configured site URL -- a manifest cannot turn the service into an open
redirect.

:class:`ManifestWatcher` re-reads the file when its modification time, size or
inode changes, checked at most once per interval, so a rebuilt site's new
articles are accepted without a restart and the hot path costs one clock read.
A manifest that fails to load (say, caught half-written) is reported and the
previous one stays in force.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping
from urllib.parse import quote

log = logging.getLogger("helpcentre_feedback")

SUPPORTED_VERSION = 1
PAGE_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,198}[a-z0-9])?")
"""A page id is a lowercase slug: letters, digits and inner dashes, at most 200 characters."""
TOKEN = re.compile(r"[a-z][a-z0-9-]{0,31}")
"""A language or an answer: a short lowercase token."""


class ManifestError(ValueError):
    """The manifest cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Manifest:
    """A validated manifest. Paths are relative to the site root."""

    languages: tuple[str, ...]
    answers: tuple[str, ...]
    pages: Mapping[str, Mapping[str, str]]
    thanks: Mapping[str, str]
    comment_pages: Mapping[str, str]

    def has_page(self, page: str, lang: str) -> bool:
        """True if the article ``page`` exists in language ``lang``."""
        return lang in self.pages.get(page, ())

    def after_answer(self, page: str, lang: str, answer: str) -> str:
        """Where a reader goes after answering: thanks for "yes", the comment page otherwise."""
        if answer == "yes":
            return self.thanks[lang]
        return self.comment_pages[lang].replace("{page}", quote(page, safe=""))

    def after_comment(self, lang: str) -> str:
        """Where a reader goes after leaving (or skipping) a comment."""
        return self.thanks[lang]


def parse(data: object) -> Manifest:
    """Check a decoded manifest against the contract and return it typed."""
    if not isinstance(data, dict):
        raise ManifestError("the manifest must be a JSON object")
    if data.get("version") != SUPPORTED_VERSION:
        raise ManifestError(
            f"unsupported manifest version {data.get('version')!r} (this service reads version {SUPPORTED_VERSION})"
        )
    languages = _tokens(data, "languages")
    answers = _tokens(data, "answers")
    if "yes" not in answers:
        raise ManifestError("'answers' must include 'yes'")

    pages_raw = data.get("pages")
    if not isinstance(pages_raw, dict):
        raise ManifestError("'pages' must be an object of page id to {language: path}")
    pages: dict[str, dict[str, str]] = {}
    for page, paths in pages_raw.items():
        if not PAGE_ID.fullmatch(page):
            raise ManifestError(f"page id {page!r} is not a lowercase slug")
        if not isinstance(paths, dict) or not paths:
            raise ManifestError(f"pages[{page!r}] must be a non-empty object of language to path")
        pages[page] = {lang: _path(paths, lang, f"pages[{page!r}]", languages) for lang in paths}

    thanks = _per_language(data, "thanks", languages)
    comment_pages = _per_language(data, "comment_pages", languages)
    for lang, template in comment_pages.items():
        if "{page}" not in template:
            raise ManifestError(f"comment_pages[{lang!r}] must contain '{{page}}'")
    return Manifest(languages, answers, pages, thanks, comment_pages)


def load(path: Path) -> Manifest:
    """Read and check the manifest file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(f"{path}: no such file (build the site first)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ManifestError(f"{path}: cannot read: {error}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ManifestError(f"{path}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}") from None
    try:
        return parse(data)
    except ManifestError as error:
        raise ManifestError(f"{path}: {error}") from None


def _tokens(data: dict, key: str) -> tuple[str, ...]:
    value = data.get(key)
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and TOKEN.fullmatch(v) for v in value)
        or len(set(value)) != len(value)
    ):
        raise ManifestError(f"{key!r} must be a non-empty list of distinct lowercase tokens")
    return tuple(value)


def _per_language(data: dict, key: str, languages: tuple[str, ...]) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ManifestError(f"{key!r} must be an object of language to path")
    missing = [lang for lang in languages if lang not in value]
    if missing:
        raise ManifestError(f"{key!r} has no path for {', '.join(missing)}")
    return {lang: _path(value, lang, key, languages) for lang in value}


def _path(mapping: dict, lang: str, where: str, languages: tuple[str, ...]) -> str:
    if lang not in languages:
        raise ManifestError(f"{where} names language {lang!r}, which 'languages' does not list")
    path = mapping[lang]
    if (
        not isinstance(path, str)
        or path.startswith(("/", "\\"))
        or ":" in path.split("/", 1)[0]
        or any(ord(c) < 0x20 or c in ' "<>\\' for c in path)
    ):
        raise ManifestError(f"{where}[{lang!r}] must be a path relative to the site root, got {path!r}")
    return path


class ManifestWatcher:
    """Holds the current manifest and reloads it when the file changes.

    ``current()`` is called on every request; it stats the file at most once
    per ``interval`` seconds and reads it only when the stat signature changed.
    """

    def __init__(self, path: Path, interval: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.path = path
        self.interval = interval
        self._clock = clock
        self._manifest: Manifest | None = None
        self._signature: tuple[int, int, int] | None = None
        self._checked_at = float("-inf")
        self.last_error: str | None = None

    def current(self) -> Manifest | None:
        """The manifest in force, or None if none has loaded yet."""
        now = self._clock()
        if now - self._checked_at >= self.interval:
            self._checked_at = now
            self.refresh()
        return self._manifest

    def refresh(self) -> None:
        """Reload the manifest if its file changed since the last successful load."""
        try:
            st = os.stat(self.path)
        except OSError as error:
            self._report(ManifestError(f"{self.path}: cannot read ({error.strerror}); build the site first"))
            return
        signature = (st.st_mtime_ns, st.st_size, st.st_ino)
        if signature == self._signature:
            return
        try:
            manifest = load(self.path)
        except ManifestError as error:
            self._report(error)
            return  # the signature is not recorded, so the next check tries again
        self._manifest, self._signature, self.last_error = manifest, signature, None
        log.info("feedback manifest: loaded %d pages from %s", len(manifest.pages), self.path)

    def _report(self, error: ManifestError) -> None:
        """Log a load failure once (not at every check) and remember it for the health check."""
        if str(error) != self.last_error:
            log.error("feedback manifest: %s; %s", error,
                      "keeping the previous one" if self._manifest else "rejecting answers until it loads")
        self.last_error = str(error)
