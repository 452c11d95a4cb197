"""Reading a YAML file into located nodes, or into located problems.

We parse with libyaml's C composer (``yaml.CSafeLoader``), which keeps line
and column marks on every node, and never construct Python objects from tags:
the validator reads the node tree itself. That gives us, in one parse:

* locations for every value (errors read ``file:line:col``);
* duplicate keys, which PyYAML would silently overwrite;
* YAML 1.1 surprises (``no`` becoming ``False``) seen before they happen;
* aliases refused before anything expands them (no "billion laughs").

A file is read only when it is a regular file inside the project (a symbolic
link may stay inside it) and not larger than :data:`MAX_FILE_BYTES`, counted
on what is read (see :func:`.problems.read_regular_file`). Bidi override
characters are refused wherever they are in the file (:func:`bidi_controls`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .problems import FileRefused, Location, Problems, read_regular_file

MAX_FILE_BYTES = 1024 * 1024
"""Larger files are refused (at most this many bytes and one are read): a checklist is a few KiB."""

MAX_BIDI_REPORTED = 10
"""Bidi controls reported per file; past that, one more line says how many were left out."""

MAX_DEPTH = 40
"""Nesting deeper than this is refused before the composer recurses into it."""

STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"

_KNOWN_TAGS = {
    STR, SEQ, MAP,
    "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}

_YAML_KIND_NAMES = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a yes/no value (true or false)",
    "tag:yaml.org,2002:null": "an empty value (null)",
    "tag:yaml.org,2002:timestamp": "a date",
    SEQ: "a list",
    MAP: "a mapping (keys and values)",
    STR: "text",
}


def kind_name(node: yaml.Node) -> str:
    """How an editor would describe what they wrote."""
    return _YAML_KIND_NAMES.get(node.tag, f"a value tagged {node.tag}")


@dataclass
class SourceFile:
    """One YAML file, read and composed: ``root`` is None when it could not be."""

    path: str  # as shown to editors, relative to the project root
    text: str
    root: yaml.Node | None
    _line_starts: list[int] | None = field(default=None, repr=False, compare=False)

    def location(self, node: yaml.Node) -> Location:
        return node_location(self.path, node)

    def line_column(self, index: int) -> tuple[int, int]:
        """1-based line and column of ``text[index]`` (a binary search over line starts,
        not a count from the top: a file has a link location per link)."""
        starts = self._line_starts
        if starts is None:
            breaks = _LINE_BREAK if _has_rare_breaks(self.text) else _NEWLINE
            starts = self._line_starts = [0] + [m.end() for m in breaks.finditer(self.text)]
        line = bisect.bisect_right(starts, index)
        return line, index - starts[line - 1] + 1


def node_location(path: str, node: yaml.Node) -> Location:
    mark = node.start_mark
    return Location(path, mark.line + 1, mark.column + 1)


def read_source(file: Path, display_path: str, problems: Problems, within: Path | None = None) -> SourceFile:
    """Read ``file`` into a :class:`SourceFile`, reporting every problem found.

    Only a regular file is read (not a FIFO, a device, a folder), and at most
    :data:`MAX_FILE_BYTES`. With ``within`` (the project root, as the
    validator passes it), a symbolic link is followed only when the file it
    leads to is inside that folder: links within the repository are allowed
    (a checklist shared between two names), one leading out (to
    ``/etc/passwd``) is refused without a word of what it leads to. Without
    ``within`` (the lint, given files by name), no symbolic link is followed.
    """
    try:
        data = read_regular_file(file, MAX_FILE_BYTES, within)
    except FileRefused as refused:
        advice = f"; a checklist may be at most {MAX_FILE_BYTES:,} bytes" if refused.kind == "size" else ""
        problems.add(Location(display_path), f"the file {refused.reason}{advice}")
        return SourceFile(display_path, "", None)
    except OSError as error:
        problems.add(Location(display_path), f"cannot read the file: {error.strerror}")
        return SourceFile(display_path, "", None)
    return parse_source(data, display_path, problems)


def parse_source(data: bytes, display_path: str, problems: Problems) -> SourceFile:
    text = _decode(data, display_path, problems)
    if text is None:
        return SourceFile(display_path, "", None)
    if not _has_content(text):
        problems.add(Location(display_path), _empty_message(display_path))
        return SourceFile(display_path, text, None)
    if "\x00" in text:
        line, column = SourceFile(display_path, text, None).line_column(text.index("\x00"))
        problems.add(Location(display_path, line, column), "the file contains a NUL character; is it really a text file?")
        return SourceFile(display_path, text, None)
    _report_bidi_controls(text, display_path, problems)  # reported, and the file still parsed: every problem in one run
    depth_problem = _too_deep(text)
    if depth_problem is not None:
        line, column = SourceFile(display_path, text, None).line_column(depth_problem)
        problems.add(
            Location(display_path, line, column),
            f"values are nested more than {MAX_DEPTH} levels deep; a checklist never needs that",
        )
        return SourceFile(display_path, text, None)
    loader = _Composer(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        _report_yaml_error(error, text, display_path, problems)
        return SourceFile(display_path, text, None)
    except yaml.YAMLError as error:  # unmarked: reader errors and the like
        problems.add(Location(display_path), f"YAML syntax error: {error}")
        return SourceFile(display_path, text, None)
    finally:
        loader.dispose()
    if root is None:
        problems.add(Location(display_path), _empty_message(display_path))
    return SourceFile(display_path, text, root)


def _empty_message(display_path: str) -> str:
    # A checklist's id is its file name: what the file itself must hold is
    # format.CHECKLIST's required fields (format.SHARED's for _shared.yml).
    if display_path.rpartition("/")[2] == "_shared.yml":
        return "the file is empty: _shared.yml needs at least 'collections' (and the 'roles' and 'contacts' that checklists name)"
    return "the file is empty: a checklist needs at least a 'collection', a 'title', a 'summary' and 'sections'"


BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""The embedding, override and isolate controls (LRE, RLE, PDF, LRO, RLO, LRI,
RLI, FSI, PDI): they reorder how text is displayed, so a line can read
differently from what it is ("Trojan Source", CVE-2021-42574). English and
French text never needs them; the marks (U+200E, U+200F) stay allowed."""

_BIDI_NAMES = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING", "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}


def bidi_controls(text: str) -> list[tuple[int, str]]:
    """Where ``text`` holds a bidi embedding, override or isolate control, and
    a message for each: ``[(index in text, message), …]``, empty when none.

    :func:`parse_source` refuses those written as such in a file. The
    validator can call this on a decoded value too (``"\\u202e"`` in double
    quotes yields one) and report each at the value's location.
    """
    if BIDI_CONTROLS.search(text) is None:  # nearly always: one C scan
        return []
    return [
        (match.start(),
         f"the text holds the invisible character U+{ord(match.group()):04X} {_BIDI_NAMES[match.group()]}, "
         "which makes text display in another order than it is written; remove it")
        for match in BIDI_CONTROLS.finditer(text)
    ]


def _report_bidi_controls(text: str, display_path: str, problems: Problems) -> None:
    found = bidi_controls(text)
    if not found:
        return
    located = SourceFile(display_path, text, None)
    for index, message in found[:MAX_BIDI_REPORTED]:
        line, column = located.line_column(index)
        problems.add(Location(display_path, line, column), message)
    if len(found) > MAX_BIDI_REPORTED:
        line, column = located.line_column(found[MAX_BIDI_REPORTED][0])
        problems.add(Location(display_path, line, column),
                     f"and {len(found) - MAX_BIDI_REPORTED} more bidi control characters from here on")


class _Composer(yaml.CSafeLoader):
    """libyaml's composer with PyYAML's safe tag resolution, minus its general
    machinery: the C parser calls back into Python for every node, and these
    three callbacks are most of the time spent outside C. Tags come out as
    ``CSafeLoader`` gives them (``tests/test_hostile_yaml.py`` compares them)."""

    _implicit = yaml.CSafeLoader.yaml_implicit_resolvers

    def descend_resolver(self, current_node, current_index):
        return None  # no path resolvers are registered

    def ascend_resolver(self):
        return None

    def resolve(self, kind, value, implicit):
        if kind is not yaml.ScalarNode:
            return SEQ if kind is yaml.SequenceNode else MAP
        if implicit[0]:
            for tag, pattern in self._implicit.get(value[:1], ()):
                if pattern.match(value):
                    return tag
        return STR


def _decode(data: bytes, path: str, problems: Problems) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(Location(path), "the file is saved as UTF-16; save it as UTF-8")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        # Counted as libyaml counts (CR alone is a line break too), in characters.
        before = data[: error.start].decode("utf-8")
        line, column = SourceFile(path, before, None).line_column(len(before))
        problems.add(
            Location(path, line, column),
            f"the file is not valid UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8",
        )
        return None


_BREAKS = "\r\n\x85\u2028\u2029"
"""What libyaml takes for a line break (and counts in its marks' lines): CR
alone (old Mac files) and NEL, LS, PS too, not only LF. Every line split and
count here uses the same set, or a CR-only file is one long line to us and
many to libyaml."""

_LINE_BREAK = re.compile(f"\r\n|[{_BREAKS}]")

_CONTENT_LINE = re.compile(f"(?:^|(?<=[{_BREAKS}]))[ \t]*([^ \t#{_BREAKS}][^{_BREAKS}]*)")


def _has_content(text: str) -> bool:
    """Whether any line holds more than blanks, a comment or a document marker
    (stops at the first such line: in a real checklist, one of the first)."""
    return any(m.group(1).strip() not in ("---", "...") for m in _CONTENT_LINE.finditer(text))


_OPENERS = re.compile(r"[\[\]{}]")
_NEWLINE = re.compile(r"\n")


def _has_rare_breaks(text: str) -> bool:
    """Whether ``text`` has a line break other than LF (then lines are found with
    :data:`_LINE_BREAK`, five times slower than a search for LF alone)."""
    return "\r" in text or (not text.isascii() and ("\x85" in text or "\u2028" in text or "\u2029" in text))


_AMPERSAND_NAME = re.compile(r"&[^\s\[\]{},]")


def _may_hold_anchor(text: str) -> bool:
    """Whether an anchor (``&name`` after a space, a line start, ``[``, ``{`` or ``,``)
    may be in ``text``; without one there can be no alias. Found by scanning for
    ``&`` first: a pattern that starts with the separator tries every position."""
    return any(m.start() == 0 or text[m.start() - 1] in " \t\r\n[{," for m in _AMPERSAND_NAME.finditer(text))


def _too_deep(text: str) -> int | None:
    """Index where flow nesting passes MAX_DEPTH, if it does.

    libyaml's composer recurses once per level; a file of ``[[[[…`` would
    exhaust the C stack. Block nesting is bounded by line length and the file
    size cap, and the validator bounds it again while walking.
    Brackets inside quoted text are counted too, which can only err on the
    side of refusing a file that no checklist would resemble.
    """
    depth = 0
    for match in _OPENERS.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif depth:
            depth -= 1
    return None


def _report_yaml_error(error: yaml.MarkedYAMLError, text: str, path: str, problems: Problems) -> None:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (error.problem or "").strip()
    # libyaml does not name the character it choked on; a tab in the
    # indentation is by far the likeliest, so name every such line.
    tab_lines = [n for n, text_line in enumerate(_LINE_BREAK.split(text), 1) if re.match(r"^ *\t", text_line)]
    if tab_lines and ("cannot start any token" in problem or "tab" in problem or line in tab_lines):
        for tab_line in tab_lines:
            problems.add(
                Location(path, tab_line, 1),
                "a tab character is used for indentation; YAML needs spaces (set your editor to insert spaces)",
            )
        return
    if "expected a single document" in (error.context or "") or "expected a single document" in problem:
        problems.add(Location(path, line, column), "the file holds more than one YAML document ('---'); keep one checklist per file")
        return
    context = (error.context or "").strip()
    hint = _syntax_hint(text, error, problem, context)
    if hint is not None:
        where, message = hint
        problems.add(Location(path, *where), message)
        return
    detail = f"{problem} ({context})" if context and context != problem else problem
    problems.add(Location(path, line, column), f"YAML syntax error: {detail or 'the file cannot be read as YAML'}")


# What a first character means to YAML when a plain value starts with it.
_STARTERS = {
    "*": "an alias (*name)", "&": "an anchor (&name)", "!": "a tag (!name)", "[": "a list ([a, b])",
    "{": "a mapping ({a: b})", "`": "a reserved character", "@": "a reserved character",
    "%": "a directive", "|": "a block of text (| then the text on the next lines)",
    ">": "a folded block (> then the text on the next lines)", '"': "a quoted text that must end the value",
    "'": "a quoted text that must end the value", "#": "a comment",
}
_KEY_LINE = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w-]*):[ \t]+(.*)$")


def trailing_comment(text: str, node: yaml.ScalarNode) -> int | None:
    """Where a comment starts right after a plain scalar on its last line, if one does.

    YAML ends a plain value at ' #': "call us #ext. 204" is published as
    "call us", silently. The index is that of the '#'.
    """
    end = node.end_mark.index
    line_end = text.find("\n", end)
    rest = text[end: line_end if line_end >= 0 else len(text)]
    found = _COMMENT_START.match(rest)
    return end + found.end() - 1 if found else None


_COMMENT_START = re.compile(r"[ \t]+#")


def quoting_advice(key: str, value: str) -> str:
    """How to write ``value`` so YAML reads it as text: quoted, or as a block."""
    example = value.strip().replace('"', '\\"')
    if len(example) > 40:
        example = example[:37] + "…"
    return (f"put the whole text in double quotes ({key}: \"{example}\") or, for prose, "
            f"write '{key}: |' and the text on the next lines, indented two more spaces")


def _syntax_hint(text: str, error: yaml.MarkedYAMLError, problem: str, context: str) -> tuple[tuple[int, int], str] | None:
    """The editor's own terms for libyaml's commonest complaints, or None."""
    lines = _LINE_BREAK.split(text)
    marks = [m for m in (error.context_mark, error.problem_mark) if m is not None]
    for mark in marks:
        if mark.line >= len(lines):
            continue
        found = _KEY_LINE.match(lines[mark.line])
        if found is None:
            continue
        indent, key, value = found.groups()
        column = len(lines[mark.line]) - len(value) + 1
        first = value[:1]
        closed = {"[": "]", "{": "}"}.get(first)
        if closed and value.rstrip().endswith(closed):
            continue  # a list or mapping written inline, as meant: the cause is elsewhere
        if closed and "flow" in context:
            return (mark.line + 1, column), (
                f"the '{first}' that starts the value of '{key}' is not closed by '{closed}' where YAML expects it: "
                f"close it, and put any text holding ', ', ': ' or ' #' in double quotes, e.g. {{en: \"Note: see below\", fr: \"Note : voir plus bas\"}}")
        if first in _STARTERS and first not in "#\"'" and problem:
            return (mark.line + 1, column), (
                f"the text of '{key}' starts with '{first}', which YAML reads as {_STARTERS[first]}; "
                + quoting_advice(key, value))
        if first in "\"'" and "did not find expected key" in problem:
            return (mark.line + 1, column), (
                f"the text of '{key}' starts with a quotation mark, so YAML expects it to end there; "
                + quoting_advice(key, value))
        if "mapping values are not allowed" in problem and re.search(r":\s", value):
            colon = re.search(r":\s", value).start()
            before = value[:colon].rstrip()
            return (mark.line + 1, column + colon), (
                f"in the text of '{key}', the ': ' after '{before[-30:]}' makes YAML read a new key "
                "(French typography puts a space before the colon); " + quoting_advice(key, value))
    if error.problem_mark is not None and ("did not find expected key" in problem or "expected '-' indicator" in problem):
        return _indentation_hint(lines, error.problem_mark.line)
    if "flow mapping" in context and error.problem_mark is not None:
        return (error.problem_mark.line + 1, error.problem_mark.column + 1), (
            "inside { … }, a ', ', ': ' or ' #' in a text ends it; put each text in double quotes, "
            "e.g. {en: \"Note: see below\", fr: \"Note : voir plus bas\"}")
    return None


def _indentation_hint(lines: list[str], index: int) -> tuple[tuple[int, int], str] | None:
    """Which key a wrongly indented line seems to belong to."""
    if index >= len(lines):
        return None
    line = lines[index]
    indent = len(line) - len(line.lstrip(" "))
    for previous in range(index - 1, -1, -1):
        candidate = lines[previous]
        if not candidate.strip() or candidate.lstrip().startswith("#"):
            continue
        other = len(candidate) - len(candidate.lstrip(" ").lstrip("- ")) if candidate.lstrip().startswith("- ") else len(candidate) - len(candidate.lstrip(" "))
        if other != indent:
            key = re.match(r"^\s*(?:-\s+)?([\w-]+):", candidate)
            if key and other < indent + 2 and other > indent - 2:
                return (index + 1, indent + 1), (
                    f"this line is indented by {indent} spaces, but '{key.group(1)}' on line {previous + 1} by {other}: "
                    f"it seems to belong with '{key.group(1)}'; indent it by {other} spaces (YAML reads the indentation)")
            continue
        return None
    return None


def shared_node(root: yaml.Node, text: str) -> yaml.Node | None:
    """A node reached twice in the tree (an alias), or None.

    The composer resolves ``*name`` to the very node ``&name`` made, so an alias
    shows as a node met twice. The walk visits each node once: an alias bomb
    costs no more than its text.
    """
    if "*" not in text or not _may_hold_anchor(text):  # the walk below is the costly part of validating
        return None
    seen: set[int] = set()
    for node in walk_nodes(root, seen_twice=True):
        if id(node) in seen:
            return node
        seen.add(id(node))
    return None


def walk_nodes(root: yaml.Node, seen_twice: bool = False):
    """Every node under ``root`` (keys included), each once; with ``seen_twice``,
    a node met again is yielded again but not descended into."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            if seen_twice:
                yield node
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))


def unknown_tag(node: yaml.Node) -> bool:
    return node.tag not in _KNOWN_TAGS
