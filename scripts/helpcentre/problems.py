"""Located problems: what an editor reads when a checklist is wrong.

Every check reports into a :class:`Problems` collection instead of raising, so
one run shows every problem of every file, each as ``path:line:col: message``
(the form editors' tools and CI annotations understand).

Messages quote what editors wrote, and what they wrote may hold characters a
terminal or a CI log obeys instead of showing: ANSI escapes that rewrite the
screen, a carriage return that hides the start of a line, a newline that
starts a line of its own (and so a forged ``::error`` workflow command), bidi
overrides that reorder what is read. :func:`shown` writes each of them as an
escape (``\\x1b``, ``\\u202e``), and every :class:`Problem` goes through it,
whoever made it. :func:`workflow_command` writes a GitHub annotation safely.

The safe reading of a file (:func:`read_regular_file`) lives here too: both
the validator and the link checker need it, and the link checker must not
import ``source`` (and with it PyYAML, 50 ms) for it.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
from dataclasses import dataclass, field
from typing import NamedTuple

_UNSHOWABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f"  # C0 (newline and tab too: a message is one line), DEL, C1 (NEL, CSI)
    "\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"  # bidi marks and overrides, zero-width, line separators
    "\ufff9-\ufffb]"  # interlinear annotation marks
)
"""What a terminal, log viewer or browser acts on or hides rather than shows.

Zero-width characters are included although harmless to a terminal: in
"unknown role 'admin'" they are the only way to see why 'admin' is unknown.
"""


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """``text`` with every control, bidi and invisible character written as an escape.

    Backslashes are left as they are, so the function can be applied twice
    (a message escaped here is escaped again by whoever prints it): the cost
    is that a literal ``\\x1b`` typed by an editor reads like an escaped one,
    which shows the same thing either way.
    """
    if _UNSHOWABLE.search(text) is None:  # nearly always: one C scan, no copy
        return text
    return _UNSHOWABLE.sub(_escape, text)


def _workflow_data(text: str) -> str:
    # GitHub's own escaping (actions/toolkit, command.ts): without it a "%0A"
    # in the text would be decoded as a line break inside the annotation.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _workflow_property(text: str) -> str:
    return _workflow_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, message: str, **properties: object) -> str:
    """One GitHub Actions workflow command line, e.g.
    ``workflow_command("error", message, file=path, line=3, col=1)``.

    The message and the property values are passed through :func:`shown` and
    GitHub's escaping, so nothing they hold can end the line, start another
    command (``::error``, ``::stop-commands``), or add a property (a ``,`` or
    ``:`` in a file name). Properties that are None or empty are left out.
    """
    parts = [f"{name}={_workflow_property(shown(str(value)))}" for name, value in properties.items() if value not in (None, "")]
    return f"::{command}{' ' + ','.join(parts) if parts else ''}::{_workflow_data(shown(message))}"


def github_annotation(problem: "Problem") -> str:
    """A :class:`Problem` as a GitHub annotation on its file, line and column."""
    where = problem.location
    return workflow_command("error" if problem.severity == "error" else "warning", problem.message,
                            file=where.path, line=where.line, col=where.column)


class Location(NamedTuple):
    """A place in a file. Lines and columns count from 1, as editors show them.

    A named tuple rather than a frozen dataclass: the validator makes one for
    every value of every checklist, and a tuple is built three times faster.
    """

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        # A file name is content too (a checklist named with an escape sequence).
        return f"{shown(self.path)}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    location: Location
    message: str
    severity: str = "error"  # "error" fails the build; "warning" is shown only

    def __post_init__(self) -> None:
        # Escaped once here, for every reader of ``message`` (the command
        # lines, the lint's annotations, the MkDocs plugin's error), rather
        # than at each place that prints it.
        message = shown(self.message)
        if message is not self.message:
            object.__setattr__(self, "message", message)
        path = shown(self.location.path)
        if path is not self.location.path:
            object.__setattr__(self, "location", self.location._replace(path=path))

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.location}: {prefix}{self.message}"


@dataclass
class Problems:
    """An ordered, de-duplicated list of problems.

    Truth is not used on purpose: "are there problems?" (warnings included)
    and "are there errors?" are different questions; ask :attr:`has_errors`.
    """

    items: list[Problem] = field(default_factory=list)
    _seen: set[Problem] = field(default_factory=set, repr=False, compare=False)

    def add(self, location: Location, message: str, severity: str = "error") -> None:
        problem = Problem(location, message, severity)
        if problem not in self._seen:  # a set: a hostile file may hold thousands of problems
            self._seen.add(problem)
            self.items.append(problem)

    def include(self, other: "Problems") -> None:
        """Every problem of ``other`` (one file's, checked on its own), in its order."""
        for problem in other.items:
            if problem not in self._seen:
                self._seen.add(problem)
                self.items.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.items)

    def __bool__(self) -> bool:
        raise TypeError("ask Problems.has_errors (or len(problems.items) for warnings too)")

    def sorted(self) -> list[Problem]:
        """Errors first (the causes), then warnings (such as checks skipped because of them)."""
        return sorted(self.items, key=lambda p: (p.severity != "error", p))

    def report(self) -> str:
        return "\n".join(str(p) for p in self.sorted())

    def summary(self, what: str = "checklists") -> str:
        """The count of errors and every problem, for an engine's error message."""
        count = len(self.errors)
        return f"{count} problem{'' if count == 1 else 's'} in {what}:\n{self.report()}"


# -- reading a file safely -----------------------------------------------------------

class FileRefused(Exception):
    """A file that was not read (or not wholly), and why.

    ``reason`` reads after the file's name ("is not a regular file but a
    FIFO"); it never quotes the file's content nor, for a symbolic link,
    where it leads: either could be a secret of the machine.
    """

    def __init__(self, reason: str, kind: str):
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # "special" | "outside" | "link" (a link, read without ``within``) | "size"


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)  # the last component is not followed: links are checked first, by hand
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the check must not block the open
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, for a message: "a FIFO (named pipe)"."""
    return next((name for test, name in _KINDS if test(mode)), "another kind of file")


def inside(path: str, folder: str) -> bool:
    """Whether real path ``path`` is ``folder`` or below it (both already real paths)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


@functools.lru_cache(maxsize=32)
def _real_folder(folder: str) -> str:
    # Cached: the project or site folder is asked for once per file read. The
    # key is an absolute path (a relative one would mean another folder after
    # a chdir). A folder moved since only makes files look outside it
    # (refused), never lets one outside in.
    return os.path.realpath(folder)


def _opened_path(descriptor: int) -> str | None:
    """The real path of an open file, as the kernel knows it (Linux): exact and
    race-free, and ten times cheaper than ``os.path.realpath``."""
    try:
        return os.readlink(f"/proc/self/fd/{descriptor}")
    except OSError:
        return None


def read_regular_file(path: str | os.PathLike, limit: int, within: str | os.PathLike | None = None,
                      within_name: str = "the project folder") -> bytes:
    """The bytes of ``path``, if it is a regular file of at most ``limit`` bytes.

    Raises :class:`FileRefused` otherwise, and ``OSError`` when it cannot be
    read at all. ``stat().st_size`` is not trusted to bound the read: a
    symbolic link to ``/dev/zero``, a FIFO or a file still growing would be
    read until memory runs out. So the file's type is checked before it is
    opened (opening some devices acts on them), again on the open descriptor
    (the file may be swapped in between; opened non-blocking, so a FIFO
    swapped in cannot make the open wait), and at most ``limit + 1`` bytes
    are read.

    A symbolic link is followed only when ``within`` is given and the file it
    leads to is inside that folder (compared as real paths, so ``..`` and
    links in between cannot lead out): a link in a pull request to
    ``/etc/passwd`` would otherwise have its content quoted in our messages.
    With ``within``, a file reached through a linked folder that leads
    outside is refused the same way. Without it, no link is followed (kind
    ``"link"``: the caller may try again with a ``within``).
    """
    given = target = os.fspath(path)
    status = os.stat(given, follow_symlinks=False)  # follows linked folders on the way, not the file itself
    if stat.S_ISLNK(status.st_mode):
        if within is None:
            raise FileRefused("is a symbolic link; it was not read", "link")
        target = os.path.realpath(given)  # then opened as this real path: no link left to follow
        if not inside(target, _real_folder(os.path.abspath(within))):
            raise FileRefused(f"is a symbolic link leading outside {within_name}; it was not read", "outside")
        status = os.stat(target, follow_symlinks=False)
    if not stat.S_ISREG(status.st_mode):
        kind = file_kind(status.st_mode)
        reason = f"is a symbolic link to {kind}, not a regular file" if target is not given else f"is not a regular file but {kind}"
        raise FileRefused(f"{reason}; it was not read", "special")
    try:
        descriptor = os.open(target, _OPEN_FLAGS)
    except OSError as error:
        if error.errno == errno.ELOOP:  # became a link since the check
            raise FileRefused("is a symbolic link; it was not read", "link") from None
        raise
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise FileRefused(f"is not a regular file but {file_kind(status.st_mode)}; it was not read", "special")
        if within is not None:
            # A folder on the way may be a link leading out (checklists -> /etc).
            real = _opened_path(descriptor) or os.path.realpath(target)
            if not inside(real, _real_folder(os.path.abspath(within))):
                raise FileRefused(f"is reached through a symbolic link leading outside {within_name}; it was not read", "outside")
        if status.st_size > limit:  # spares reading a file that announces its size
            raise FileRefused(f"is larger than {limit:,} bytes ({status.st_size:,} bytes)", "size")
        return _read_at_most(descriptor, limit, status.st_size)
    finally:
        os.close(descriptor)


def _read_at_most(descriptor: int, limit: int, announced: int) -> bytes:
    """Up to ``limit`` bytes, or :class:`FileRefused` past it: the announced
    size is asked for first (one read, one buffer of the right size, where a
    ``read(limit + 1)`` would allocate the whole cap for a 3 KiB file), then
    small chunks until the end, should the file be longer than it said."""
    parts = []
    total = 0
    size = announced + 1
    while True:
        chunk = os.read(descriptor, size)
        if not chunk:
            return b"".join(parts) if len(parts) != 1 else parts[0]
        parts.append(chunk)
        total += len(chunk)
        if total > limit:  # it grew since fstat, or its size was wrong (/proc, a device behind a swap)
            raise FileRefused(f"is larger than {limit:,} bytes", "size")
        size = min(limit + 1 - total, 1 << 16)
