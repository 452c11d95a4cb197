"""Deciding what editors' text may become, on what the Markdown engine makes of it.

Pattern-matching Markdown to decide safety does not hold: Python-Markdown does
not read a span as code when its first backtick is escaped or when it crosses
a blank line, and a scan that believed otherwise let ``<img onerror=…>``
through. So every Markdown value is rendered with the same engine and the
same extensions as the site (:data:`MARKDOWN_EXTENSIONS`, kept equal to
``mkdocs.yml`` by a test), and the HTML it produces is passed through an
allow-list sanitizer made for the job: ammonia, through ``nh3``. If the
sanitizer would change anything, the value is refused at its YAML line with
what was found, so editors learn instead of seeing content vanish.

The allow-list (:data:`INLINE_TAGS`, :data:`BLOCK_TAGS`, :data:`ATTRIBUTES`,
:data:`URL_SCHEMES`) is what checklist text is for: emphasis, code, links
to web pages, mail, phones and other checklists, lists, quotes, tables and
headings below the page's own (h3 to h6). No images (a third-party image is
a tracking pixel), no raw HTML, no attributes of the editor's choosing.
Reference definitions (``[r]: url``) render as nothing where they stand but
apply to the whole page MkDocs renders, so their targets are checked from
the engine's own table of them.

Before the engine runs, :func:`complexity_problems` refuses in linear time
what would make it slow: Python-Markdown looks for the closing bracket of
every ``[`` from scratch, so 5,000 unclosed brackets take ten seconds, in
validation and again in every page MkDocs renders.

Rendering costs about 0.4 ms a value, so values that cannot produce anything
to decide are not rendered: :func:`needs_engine` says which. A value without
``<``, ``[``, ``{``, ``&``, a backtick or a backslash cannot make raw HTML,
a link, an image, an attribute or an entity; one-line fields are rendered
also when they could start block structure (a heading, a list, a quote).
``tests/test_sanitize.py`` checks that shortcut against the engine on random
text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3

from .grammar import code_spans

MARKDOWN_EXTENSIONS: list = ["toc", "attr_list", "md_in_html", "admonition", "tables", "def_list"]
"""The site's Markdown extensions (``markdown_extensions`` in mkdocs.yml)."""

INLINE_TAGS = frozenset({"a", "em", "strong", "code", "br"})
"""What a one-line field (a step, a summary, a footnote) may contain."""

BLOCK_TAGS = INLINE_TAGS | frozenset({
    "p", "ul", "ol", "li", "blockquote", "pre", "hr",
    "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
    "dl", "dt", "dd",
})
"""What prose fields (a section's body, details, callouts) may contain."""

ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    **{f"h{level}": {"id"} for level in range(3, 7)},
}
"""Attributes the engine writes itself: link targets and titles, list starts,
table column alignment (``style``, limited to ``text-align``), heading ids."""

URL_SCHEMES = frozenset({"https", "http", "mailto", "tel", "checklist"})
"""Link schemes; ``checklist:`` links are rewritten to pages at render time.
Same-page anchors (``#step``) are relative and allowed."""

MAX_UNCLOSED_BRACKETS = 20
MAX_BRACKET_DEPTH = 10
MAX_CODE_SPANS = 100
"""Python-Markdown scans the text again after each inline element it finds."""
MAX_UNPAIRED_BACKTICKS = 10
"""Python-Markdown looks for the end of every unclosed code span to the end of the text."""
MAX_LINKS = 50
"""Python-Markdown reads each link's target from its ``(`` to the end of the
text when it is never closed; a text with many links is split into several."""

_CLEANERS = {
    kind: nh3.Cleaner(
        tags=set(tags),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items() if tag in tags},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )
    for kind, tags in (("inline", INLINE_TAGS), ("block", BLOCK_TAGS))
}

_engine = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, extension_configs={"toc": {"permalink": False}})

_BACKTICK_RUNS = re.compile(r"`+")
_ENGINE_CHARACTERS = re.compile(r"[<\[{&`\\]")
_BLOCK_START = re.compile(r"(?m)^[ \t]*(?:[#>|:*+=~-]|\d+[.)]|!!!)|^(?: {4}|\t)|  $|\n")
_BLOCK_ONLY_FOR_ENGINE = re.compile(  # headings (ATX and setext) and admonitions
    r"(?m)#|^[ \t>*+0-9.)-]*[=-]+[ \t]*$|^[ \t>]*!!!")


@dataclass(frozen=True)
class Problem:
    offset: int
    message: str


def needs_engine(text: str, kind: str) -> bool:
    """Whether rendering ``text`` could produce something to decide on.

    Without ``<[{&`` a backtick or a backslash, Markdown can only make
    emphasis, paragraphs, lists, quotes, tables and headings, whose
    attributes it writes itself. One-line fields must stay one paragraph of
    inline text, so they go to the engine when they could start a block;
    prose goes to it when it could make a heading (h1 and h2 are the page's)
    or an admonition box (callouts are the way to make one).
    """
    if _ENGINE_CHARACTERS.search(text):
        return True
    if kind == "inline":
        return bool(_BLOCK_START.search(text.strip()))
    return bool(_BLOCK_ONLY_FOR_ENGINE.search(text))


def render(text: str) -> tuple[str, dict[str, str]]:
    """The HTML Python-Markdown makes of ``text``, and its reference definitions."""
    _engine.reset()
    body = _engine.convert(text)
    references = {label: url for label, (url, _title) in _engine.references.items()}
    return body, references


def complexity_problems(text: str) -> list[Problem]:
    """What would make the Markdown engine slow, found in one pass."""
    if "`" in text:
        runs = sum(1 for _ in _BACKTICK_RUNS.finditer(text))
        if runs > 2 * MAX_CODE_SPANS:
            return [Problem(text.index("`"), f"the text has {runs // 2} code spans or more; at most {MAX_CODE_SPANS} fit in one text, split it")]
        unpaired = runs - 2 * len(code_spans(text))
        if unpaired > MAX_UNPAIRED_BACKTICKS:
            return [Problem(text.index("`"), f"{unpaired} runs of backticks are never closed; close each code span, or write \\` for a backtick that is not code")]
    if "[" not in text:
        return []
    masked = _without_escapes_and_code(text)
    depth = 0
    open_at: list[int] = []
    for index, char in enumerate(masked):
        if char == "[":
            open_at.append(index)
            depth = max(depth, len(open_at))
        elif char == "]" and open_at:
            open_at.pop()
    if depth > MAX_BRACKET_DEPTH:
        return [Problem(0, f"brackets are nested more than {MAX_BRACKET_DEPTH} deep; write \\[ for a bracket that is not a link")]
    if len(open_at) > MAX_UNCLOSED_BRACKETS:
        return [Problem(open_at[0], f"{len(open_at)} '[' are never closed by ']'; write \\[ for a bracket that is not a link")]
    links = masked.count("](") + masked.count("][")
    if links > MAX_LINKS:
        return [Problem(0, f"the text has {links} links; at most {MAX_LINKS} fit in one text, split it")]
    return []


def _without_escapes_and_code(text: str) -> str:
    """``text`` with backslash escapes and code spans blanked (same length)."""
    chars = list(text)
    for start, end in code_spans(text):
        chars[start:end] = " " * (end - start)
    index = 0
    while index < len(chars) - 1:
        if chars[index] == "\\":
            chars[index] = chars[index + 1] = " "
            index += 2
        else:
            index += 1
    return "".join(chars)


def check(text: str, kind: str) -> list[Problem]:
    """Why ``text`` (a field of ``kind`` "inline" or "block") may not be published as written.

    Empty when the sanitizer would leave the engine's HTML exactly as it is.
    One-line fields are published without their surrounding spaces, so they
    are checked that way (offsets still count from the start of ``text``).
    """
    if kind == "inline" and text != text.strip():
        lead = len(text) - len(text.lstrip())
        return [Problem(p.offset + lead, p.message) for p in check(text.strip(), kind)]
    problems = complexity_problems(text)
    if problems or not needs_engine(text, kind):
        return problems
    return engine_problems(text, kind)


def engine_problems(text: str, kind: str) -> list[Problem]:
    """The verdict on what Python-Markdown makes of ``text``: its link
    definitions, its structure (one paragraph, or no page-level heading), and
    whatever the sanitizer would change. ``text`` must have passed
    :func:`complexity_problems`."""
    problems: list[Problem] = []
    body, references = render(text)
    for label, url in references.items():
        if not _allowed_url(url):
            problems.append(Problem(_find(text, url), f"the link definition '[{label}]: {_short(url)}' leads to an address checklist text may not link to; use https:, http:, mailto:, tel: or checklist:"))
    if problems:
        return problems  # the links that use them would only repeat it
    if kind == "inline":
        inner = _single_paragraph(body)
        if inner is None:
            problems.append(Problem(0, _structure_message(body)))
            return problems
        body = inner
    else:
        heading = re.search(r"<h([12])\b", body)
        if heading:
            problems.append(Problem(_find(text, "#"), f"a heading of level {heading.group(1)} is the page's own; headings in text start at level 3 ('### Heading')"))
            return problems
    cleaned = _CLEANERS[kind].clean(body)
    if _events(cleaned) != _events(body):
        offset, message = _explain(body, kind, text)
        problems.append(Problem(offset, message))
    return problems


def _allowed_url(url: str) -> bool:
    scheme = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*):", url)
    return scheme is None or scheme.group(1).lower() in URL_SCHEMES


def _single_paragraph(body: str) -> str | None:
    body = body.strip()
    if body.startswith("<p>") and body.endswith("</p>") and body.count("<p") == 1:
        return body[3:-4]
    return None


def _structure_message(body: str) -> str:
    tag = re.match(r"\s*<([a-z0-9]+)", body)
    what = {
        "ul": "a list", "ol": "a numbered list", "blockquote": "a quotation", "pre": "a code block",
        "table": "a table", "hr": "a rule", "dl": "a definition list", "div": "a box",
    }.get(tag.group(1) if tag else "", "more than one paragraph")
    if tag and re.fullmatch(r"h[1-6]", tag.group(1)):
        what = "a heading"
    return (
        f"this field is one line of text, but Markdown reads it as {what}; reword the start of the line "
        "(or write a backslash before the first character, e.g. \\# or \\-)"
    )


class _Events(HTMLParser):
    """The document as a list of what a browser would build: tags with their
    attributes, text (entities decoded), comments and declarations."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, tuple(sorted((name, _normal(name, value)) for name, value in attrs))))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag not in ("br", "hr"):
            self.events.append(("end", tag))

    def handle_data(self, data):
        if self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", self.events[-1][1] + data)
        else:
            self.events.append(("text", data))

    def handle_comment(self, data):
        self.events.append(("comment", data))

    def handle_decl(self, decl):
        self.events.append(("declaration", decl))

    def handle_pi(self, data):
        self.events.append(("processing instruction", data))

    def unknown_decl(self, data):
        self.events.append(("declaration", data))


def _normal(name: str, value: str | None) -> str:
    """An attribute's value as the sanitizer would write it: the engine writes
    ``text-align: left;``, ammonia ``text-align:left``."""
    if name == "style" and value:
        return value.replace(" ", "").rstrip(";")
    return value or ""


def _events(fragment: str) -> list[tuple]:
    parser = _Events()
    parser.feed(fragment)
    parser.close()
    return parser.events


def _explain(body: str, kind: str, text: str) -> tuple[int, str]:
    """The first thing the sanitizer would remove, said in an editor's terms,
    and where in ``text`` it seems to come from."""
    tags = INLINE_TAGS if kind == "inline" else BLOCK_TAGS
    for event in _events(body):
        if event[0] in ("comment", "declaration", "processing instruction"):
            return _find(text, "<!"), "HTML comments and declarations are not allowed in checklist text"
        if event[0] != "start":
            continue
        tag, attrs = event[1], event[2]
        if tag == "img":
            return _find(text, "!["), "images are not allowed in checklist text (an image from another site can track readers); link to the page instead"
        if tag not in tags:
            where = "this field" if kind == "inline" else "checklist text"
            return _find(text, "<" + tag), (
                f"'<{tag}>' is not allowed in {where}; write Markdown instead"
                + (", or put the text in `backticks` to show it as code" if kind == "block" or tag not in BLOCK_TAGS else "")
            )
        allowed = ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                return _find(text, name), (
                    f"the text gives <{tag}> an attribute '{name}'; attributes ('{{: …}}', '{{#id}}', raw HTML) "
                    "are not allowed in checklist text"
                )
            if name == "href" and not _allowed_url(value):
                scheme = value.split(":", 1)[0].strip().lower()
                return _find(text, value[:12]), f"links to '{scheme}:' addresses are not allowed; use https:, http:, mailto:, tel: or checklist:"
            if name == "style" and _CLEANERS[kind].clean(f"<{tag} style=\"{html.escape(value)}\"></{tag}>").find("style") < 0:
                return _find(text, ":"), "only column alignment may be set on a table"
    return 0, "the text makes HTML that checklist text may not contain; write plain Markdown"


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def _find(text: str, snippet: str) -> int:
    """Where ``snippet`` first appears in ``text`` (case-insensitive), else 0."""
    if not snippet:
        return 0
    found = text.lower().find(snippet.lower())
    return found if found >= 0 else 0
