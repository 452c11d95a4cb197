"""The checklist format, declared once.

Each kind of value knows how to check a YAML node (reporting located problems)
and how to describe itself in JSON Schema; each object spec lists its fields
with a docstring. The validator walks files with these specs, and
``schema/checklist.schema.json`` is generated from them (``make schema``), so
the editor's completion and the build can never disagree.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml

from . import LANGUAGES, model, safety, sanitize
from .grammar import EMAIL, PHONE, SLUG, URL
from .problems import Location, Problems
from .source import MAP, MAX_DEPTH, SEQ, STR, SourceFile, bidi_controls, kind_name, node_location, trailing_comment, unknown_tag

_MARKER = re.compile(r"#\s*(?:parity|lint)\s*:\s*ok\b", re.I)
"""Comments that are instructions to our checks, not lost text."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters other than tab and line feed: invisible in a page, active in a terminal."""
MISSING = object()
"""What a check returns when the value is absent or wrong (already reported)."""


@dataclass
class Walk:
    """The state of one file's walk: where problems go, what was seen."""

    source: SourceFile
    problems: Problems
    seen: set[int] = field(default_factory=set)
    links: list[tuple[str, str, Location]] = field(default_factory=list)
    """(language, target, where it is written) of every link inside Markdown text."""

    def at(self, node: yaml.Node) -> Location:
        return node_location(self.source.path, node)

    def error(self, node: yaml.Node, message: str) -> None:
        self.problems.add(self.at(node), message)

    def locate_in(self, node: yaml.ScalarNode, snippet_offset: int, value: str) -> Location:
        """The location of ``value[snippet_offset]`` inside the scalar's raw text.

        Block scalars (``|``) start on the line after their indicator; other
        styles are searched in the raw source so quoting does not shift columns.
        """
        text = self.source.text
        raw = text[node.start_mark.index:node.end_mark.index]
        probe = value[snippet_offset:snippet_offset + 12] or value[snippet_offset:]
        found = raw.find(probe) if probe else -1
        if found < 0:
            return self.at(node)
        line, column = self.source.line_column(node.start_mark.index + found)
        return Location(self.source.path, line, column)


class Kind:
    """A kind of value in the format."""

    description = ""

    def check(self, node: yaml.Node, walk: Walk, depth: int) -> Any:
        raise NotImplementedError

    def schema(self) -> dict:
        raise NotImplementedError


def _enter(node: yaml.Node, walk: Walk, depth: int) -> bool:
    """Refuse aliases, unknown tags and runaway depth before looking inside."""
    if id(node) in walk.seen:
        walk.error(node, "YAML anchors and aliases (&name, *name) are not allowed in checklists; write the value out "
                         "(text that starts with & or * goes in double quotes)")
        return False
    walk.seen.add(id(node))
    if unknown_tag(node):
        walk.error(node, f"YAML tags such as '{node.tag}' are not allowed in checklists "
                         "(text that starts with ! goes in double quotes)")
        return False
    if depth > MAX_DEPTH:
        walk.error(node, f"values are nested more than {MAX_DEPTH} levels deep")
        return False
    return True


def _expect_text(node: yaml.Node, walk: Walk, what: str) -> str | object:
    """A scalar that YAML reads as text, or a problem explaining why not."""
    if isinstance(node, yaml.ScalarNode) and node.tag == STR:
        return node.value
    if isinstance(node, yaml.ScalarNode) and not node.style and node.value != "":
        walk.error(
            node,
            f"{what}: YAML reads '{node.value}' as {kind_name(node)}, not text; put it in quotes",
        )
    elif isinstance(node, yaml.ScalarNode) and node.value == "":
        comment = trailing_comment(walk.source.text, node)
        if comment is not None:  # "en: # Heading": all of it read as a comment
            walk.error(node, f"{what} is empty: YAML reads everything from ' #' as a comment; "
                             "put the whole text in double quotes to keep it")
        else:
            walk.error(node, f"{what} is empty")
    else:
        walk.error(node, f"{what} should be text, not {kind_name(node)}")
    return MISSING


@dataclass
class Slug(Kind):
    what: str = "id"
    description: str = "A stable id: lowercase letters, digits and single hyphens (e.g. 'set-encryption-key')."

    def check(self, node, walk, depth):
        value = _expect_text(node, walk, f"the {self.what}")
        if value is MISSING:
            return MISSING
        if not SLUG.match(value) or len(value) > 64:
            walk.error(node, f"'{value}' is not a valid {self.what}: use lowercase letters, digits and single hyphens (at most 64 characters)")
            return MISSING
        return value

    def schema(self):
        return {"type": "string", "pattern": SLUG.pattern, "maxLength": 64, "description": self.description}


@dataclass
class Reference(Kind):
    """An id defined elsewhere (a role, contact, collection, footnote…)."""

    target: str = ""

    def check(self, node, walk, depth):
        value = Slug(f"{self.target} id").check(node, walk, depth)
        return MISSING if value is MISSING else model.Ref(value, walk.at(node))

    def schema(self):
        return {"type": "string", "pattern": SLUG.pattern, "description": f"The id of a {self.target}."}


@dataclass
class Pattern(Kind):
    regex: re.Pattern = SLUG
    what: str = "value"
    example: str = ""

    def check(self, node, walk, depth):
        value = _expect_text(node, walk, f"the {self.what}")
        if value is MISSING:
            return MISSING
        if not self.regex.match(value):
            walk.error(node, f"'{value}' is not a valid {self.what}; write it like {self.example}")
            return MISSING
        return value

    def schema(self):
        return {"type": "string", "pattern": self.regex.pattern, "description": f"A {self.what}, e.g. {self.example}."}


@dataclass
class Integer(Kind):
    minimum: int = 0
    maximum: int = 10_000
    what: str = "number"

    def check(self, node, walk, depth):
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:int":
            try:
                value = int(node.value.replace("_", ""), 0)
            except ValueError:
                value = None
            if value is not None and self.minimum <= value <= self.maximum:
                return value
        walk.error(node, f"the {self.what} should be a whole number from {self.minimum} to {self.maximum}")
        return MISSING

    def schema(self):
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


@dataclass
class Boolean(Kind):
    def check(self, node, walk, depth):
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool" and node.value in ("true", "false"):
            return node.value == "true"
        walk.error(node, "write true or false")
        return MISSING

    def schema(self):
        return {"type": "boolean"}


@dataclass
class Date(Kind):
    """A calendar date written YYYY-MM-DD (YAML reads it as a date; quoted, it is text)."""

    what: str = "date"

    def check(self, node, walk, depth):
        if isinstance(node, yaml.ScalarNode) and node.tag in ("tag:yaml.org,2002:timestamp", STR):
            try:
                return datetime.date.fromisoformat(node.value).isoformat()
            except ValueError:
                pass
        walk.error(node, f"the {self.what} should be a date written YYYY-MM-DD, e.g. 2026-11-30")
        return MISSING

    def schema(self):
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


@dataclass
class Choice(Kind):
    values: tuple[str, ...] = ()
    what: str = "value"

    def check(self, node, walk, depth):
        value = _expect_text(node, walk, f"the {self.what}")
        if value is MISSING:
            return MISSING
        if value not in self.values:
            walk.error(node, f"'{value}' is not a known {self.what}; use one of: {', '.join(self.values)}")
            return MISSING
        return value

    def schema(self):
        return {"enum": list(self.values)}


@dataclass
class Bilingual(Kind):
    """Text in both languages, side by side: ``{en: …, fr: …}``.

    ``markdown`` is "none" (plain text), "inline" (one line of Markdown) or
    "block" (paragraphs, lists). Every language must be present and non-empty.
    """

    markdown: str = "none"
    max_length: int = 5000
    what: str = "text"

    def check(self, node, walk, depth):
        if not isinstance(node, yaml.MappingNode):
            if isinstance(node, yaml.ScalarNode) and node.tag == STR:
                walk.error(node, f"the {self.what} needs both languages: write it as 'en: …' and 'fr: …' on two indented lines")
            else:
                walk.error(node, f"the {self.what} should have 'en' and 'fr' text, not {kind_name(node)}")
            return MISSING
        pairs = _mapping_pairs(node, walk, set(LANGUAGES), f"the {self.what}")
        values: dict[str, str] = {}
        locations: dict[str, Location] = {}
        for lang in LANGUAGES:
            if lang not in pairs:
                other = "French" if lang == "fr" else "English"
                walk.error(node, f"the {self.what} has no {other} ('{lang}') version")
                continue
            key_node, value_node = pairs[lang]
            if not _enter(value_node, walk, depth + 1):
                continue
            value = _expect_text(value_node, walk, f"the {self.what} ('{lang}')")
            if value is MISSING:
                continue
            if not value.strip():
                walk.error(value_node, f"the {self.what} ('{lang}') is empty")
                continue
            if len(value) > self.max_length:
                walk.error(value_node, f"the {self.what} ('{lang}') is {len(value)} characters long; the limit is {self.max_length}")
                continue
            for offset, message in bidi_controls(value):  # written as escapes ("\u202e"), seen only now
                walk.problems.add(walk.locate_in(value_node, offset, value), message)
            control = _CONTROL.search(value)
            if control:  # "\e[31m" and the like: nothing a reader could see, and it rewrites terminals
                walk.error(value_node, f"the {self.what} ('{lang}') holds the control character U+{ord(control.group()):04X}; remove it (escapes such as \\e or \\x1b are not text)")
            if not value_node.style:
                comment = trailing_comment(walk.source.text, value_node)
                if comment is not None and not _MARKER.match(walk.source.text, comment):
                    line, column = walk.source.line_column(comment)
                    walk.problems.add(Location(walk.source.path, line, column), (
                        f"the {self.what} ('{lang}') stops at '{value[-30:]}': YAML reads the ' #' that follows as the "
                        "start of a comment and drops the rest of the line; put the whole text in double quotes to keep it"))
            if self.markdown == "none" and "\n" in value.strip():
                walk.error(value_node, f"the {self.what} ('{lang}') should fit on one line")
                continue
            if self.markdown != "none":
                problems, links = safety.scan(value)
                for offset, message in problems:
                    walk.problems.add(walk.locate_in(value_node, offset, value), message)
                if not problems:
                    # What the engine makes of it decides (see sanitize.py); the
                    # scan above only locates the common mistakes precisely.
                    for problem in sanitize.check(value, self.markdown):
                        walk.problems.add(walk.locate_in(value_node, problem.offset, value), problem.message)
                for offset, target in links:
                    walk.links.append((lang, target, walk.locate_in(value_node, offset, value)))
            elif "<" in value:
                # Plain text is shown as written (render escapes it); only what
                # looks like a tag is refused, as it is a mistake or an attack.
                for offset, message in safety.html_problems(value):
                    walk.problems.add(walk.locate_in(value_node, offset, value), message)
            values[lang] = value.strip() if self.markdown != "block" else value.rstrip() + "\n"
            locations[lang] = walk.at(value_node)
        if len(values) != len(LANGUAGES):
            return MISSING
        return model.Text(values["en"], values["fr"], walk.at(node), locations["en"], locations["fr"], self.markdown)

    def schema(self):
        one = {"type": "string", "minLength": 1, "maxLength": self.max_length}
        if self.markdown == "none":
            one["pattern"] = r"^[^\n]*\S[^\n]*\n?$"
        return {
            "type": "object",
            "description": f"{self.what.capitalize()} in English (en) and French (fr)"
            + {"none": ".", "inline": "; inline Markdown allowed.", "block": "; Markdown allowed."}[self.markdown],
            "properties": {lang: one for lang in LANGUAGES},
            "required": list(LANGUAGES),
            "additionalProperties": False,
        }


@dataclass
class ListOf(Kind):
    item: Kind = None
    min_items: int = 0
    what: str = "list"

    def check(self, node, walk, depth):
        if not isinstance(node, yaml.SequenceNode):
            walk.error(node, f"{self.what} should be a list (lines starting with '- '), not {kind_name(node)}")
            return MISSING
        if len(node.value) < self.min_items:
            walk.error(node, f"{self.what} needs at least {self.min_items} entr{'y' if self.min_items == 1 else 'ies'}")
        results = []
        for child in node.value:
            if not _enter(child, walk, depth + 1):
                continue
            value = self.item.check(child, walk, depth + 1)
            if value is not MISSING:
                results.append(value)
        if len(results) != len(node.value):
            return MISSING if not results else results
        return results

    def schema(self):
        schema = {"type": "array", "items": self.item.schema()}
        if self.min_items:
            schema["minItems"] = self.min_items
        return schema


@dataclass
class Field:
    name: str
    kind: Kind
    doc: str
    required: bool = False


@dataclass
class Obj(Kind):
    """A mapping with known keys that becomes a model object."""

    name: str = ""
    doc: str = ""
    fields: list[Field] = field(default_factory=list)
    build: Callable[..., Any] | None = None
    rule: Callable[[dict, set, yaml.MappingNode, Walk], None] | None = None
    """Cross-field checks: given the valid values, the keys written, the node and the walk."""

    def check(self, node, walk, depth):
        if not isinstance(node, yaml.MappingNode):
            walk.error(node, f"{self.name} should be a mapping of keys and values, not {kind_name(node)}")
            return MISSING
        by_name = {f.name: f for f in self.fields}
        pairs = _mapping_pairs(node, walk, set(by_name), self.name)
        values: dict[str, Any] = {}
        complete = True
        for spec in self.fields:
            if spec.name not in pairs:
                if spec.required:
                    walk.error(node, f"{self.name} is missing '{spec.name}' ({spec.doc.rstrip('.').lower()})")
                    complete = False
                continue
            value_node = pairs[spec.name][1]
            if not _enter(value_node, walk, depth + 1):
                complete = False
                continue
            value = spec.kind.check(value_node, walk, depth + 1)
            if value is MISSING:
                complete = False
                continue
            values[spec.name] = value
        if self.rule is not None:
            self.rule(values, set(pairs), node, walk)
        if not complete or self.build is None:
            return MISSING if not complete else values
        return self.build(location=walk.at(node), **{k.replace("-", "_"): v for k, v in values.items()})

    def schema(self):
        return {
            "type": "object",
            "description": self.doc,
            "properties": {f.name: {**f.kind.schema(), "description": f.doc} for f in self.fields},
            "required": [f.name for f in self.fields if f.required],
            "additionalProperties": False,
        }


def _mapping_pairs(node: yaml.MappingNode, walk: Walk, allowed: set[str], what: str):
    """Keys to (key node, value node), reporting duplicate, unknown and non-text keys."""
    pairs: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            walk.error(key_node, "YAML merge keys ('<<') are not allowed in checklists; write the values out")
            continue
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != STR:
            if isinstance(key_node, yaml.ScalarNode):
                walk.error(key_node, f"in {what}, the key '{key_node.value}' is read by YAML as {kind_name(key_node)}; keys are names such as 'title'")
            else:
                walk.error(key_node, f"in {what}, a key is {kind_name(key_node)}; keys are names such as 'title'")
            continue
        key = key_node.value
        if key in pairs:
            first = walk.at(pairs[key][0])
            walk.error(key_node, f"'{key}' is given twice in {what} (first at line {first.line}); YAML would silently keep only the last one")
            continue
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(sorted(allowed))}"
            walk.error(key_node, f"unknown key '{key}' in {what}{hint}")
            continue
        pairs[key] = (key_node, value_node)
    return pairs


# --- Cross-field rules --------------------------------------------------------

def _duration_rule(values, present, node, walk):
    if values.get("amount") == 0:
        walk.error(node, "a duration of 0 says nothing; give the real amount")


def _link_rule(values, present, node, walk):
    has_url, has_checklist = "url" in present, "checklist" in present
    if has_url == has_checklist:
        walk.error(node, "a related link needs exactly one of 'url' (an outside address) or 'checklist' (another checklist's id)")
    if has_url and "title" not in present:
        walk.error(node, "a related link to an outside address needs a 'title' in both languages")
    if "anchor" in present and not has_checklist:
        walk.error(node, "'anchor' goes with 'checklist': it names a step of that checklist")


def _contact_rule(values, present, node, walk):
    if not present & {"phone", "email"}:
        walk.error(node, "a contact needs a 'phone' or an 'email'")
    if "hours" in present and values.get("always-open"):
        walk.error(node, "a contact is either 'always-open: true' or has 'hours', not both")


def _section_rule(values, present, node, walk):
    if not present & {"body", "steps", "timeline", "contacts", "callouts"}:
        walk.error(node, "a section needs content: a 'body', 'steps', a 'timeline', 'callouts' or 'contacts'")


class Url(Kind):
    """An outside address (https, http, mailto, tel), the same in both
    languages, or ``{en: …, fr: …}`` when each language has its own page."""

    def check(self, node, walk, depth):
        if isinstance(node, yaml.MappingNode):
            text = Bilingual(what="address").check(node, walk, depth)
            if text is MISSING:
                return MISSING
            urls = {lang: text[lang] for lang in LANGUAGES}
        else:
            value = _expect_text(node, walk, "the address")
            if value is MISSING:
                return MISSING
            urls = {lang: value for lang in LANGUAGES}
            text = model.Text(value, value, walk.at(node), walk.at(node), walk.at(node))
        for url in set(urls.values()):
            if not URL.match(url) or safety.link_target_problem(url):
                walk.error(node, f"'{url}' is not a full address; write it as https://…, mailto:… or tel:…")
                return MISSING
        return text

    def schema(self):
        one = {"type": "string", "pattern": URL.pattern}
        return {"oneOf": [one, {"type": "object", "properties": {l: one for l in LANGUAGES},
                                "required": list(LANGUAGES), "additionalProperties": False}]}


# --- The objects --------------------------------------------------------------

DURATION = Obj(
    name="a duration",
    doc="How long something takes, as data: each language words it itself.",
    fields=[
        Field("amount", Integer(1, 1000, "amount"), "How many units.", required=True),
        Field("unit", Choice(("minute", "hour", "day", "business-day", "week"), "unit"), "The unit.", required=True),
        Field("qualifier", Choice(("exactly", "under", "about", "up-to", "within", "usually-within", "as-little-as"), "qualifier"),
              "How to read the amount: 'under 30 minutes', 'usually within two business days', 'as little as five business days'. Default: exactly."),
    ],
    build=lambda location, amount, unit, qualifier="exactly": model.Duration(amount, unit, qualifier, location),
    rule=_duration_rule,
)

CALLOUT = Obj(
    name="a callout",
    doc="A boxed note beside the text.",
    fields=[
        Field("type", Choice(("info", "tip", "warning"), "callout type"), "info, tip or warning: how loudly it speaks.", required=True),
        Field("title", Bilingual(what="callout title"), "An optional heading; by default the type's name."),
        Field("body", Bilingual("block", what="callout text"), "What the callout says (Markdown).", required=True),
    ],
    build=lambda location, type, body, title=None: model.Callout(type, body, title, location),
)

ITEM = Obj(
    name="a sub-item",
    doc="A sub-item of a step: something to do or check, ticked on its own.",
    fields=[
        Field("id", Slug("sub-item id"), "Stable id: keeps progress, anchors and links when the wording changes.", required=True),
        Field("text", Bilingual("inline", 500, "sub-item text"), "What to do (inline Markdown).", required=True),
        Field("optional", Boolean(), "True when the sub-item may be skipped."),
        Field("details", Bilingual("block", what="sub-item details"), "Help shown under the sub-item (Markdown)."),
        Field("footnote", Reference(target="footnote"), "The id of a footnote of this checklist that this sub-item refers to."),
    ],
    build=lambda location, **v: model.Item(location=location, **v),
)

STEP = Obj(
    name="a step",
    doc="A numbered step. A step with sub-items is done when all its required sub-items are.",
    fields=[
        Field("id", Slug("step id"), "Stable id: keeps progress, anchors and links when the wording changes.", required=True),
        Field("text", Bilingual("inline", 500, "step text"), "What to do (inline Markdown).", required=True),
        Field("role", Reference(target="role"), "Who does this step: the id of a role in _shared.yml."),
        Field("details", Bilingual("block", what="step details"), "More about the step (Markdown)."),
        Field("duration", DURATION, "How long the step takes."),
        Field("optional", Boolean(), "True when the step may be skipped."),
        Field("footnote", Reference(target="footnote"), "The id of a footnote of this checklist that this step refers to."),
        Field("items", ListOf(ITEM, 1, "the sub-items"), "Sub-items, ticked one by one."),
        Field("callouts", ListOf(CALLOUT, 1, "the callouts"), "Notes and warnings about this step."),
    ],
    build=lambda location, **v: model.Step(location=location, **v),
)

TIMELINE_ENTRY = Obj(
    name="a timeline entry",
    doc="A stage and how long it takes.",
    fields=[
        Field("id", Slug("timeline id"), "Stable id.", required=True),
        Field("label", Bilingual(what="timeline label"), "The stage, e.g. 'Access request'.", required=True),
        Field("duration", DURATION, "How long the stage takes.", required=True),
        Field("note", Bilingual("inline", what="timeline note"), "A qualification, e.g. 'depending on the complexity of your setup'."),
    ],
    build=lambda location, **v: model.TimelineEntry(location=location, **v),
)

SECTION = Obj(
    name="a section",
    doc="A titled part of the article: prose, callouts, steps, a timeline or contacts, in that order.",
    fields=[
        Field("id", Slug("section id"), "Stable id; also the section's anchor.", required=True),
        Field("title", Bilingual(what="section title"), "The section's heading.", required=True),
        Field("body", Bilingual("block", what="section text"), "Prose (Markdown)."),
        Field("callouts", ListOf(CALLOUT, 1, "the callouts"), "Notes and warnings."),
        Field("steps", ListOf(STEP, 1, "the steps"), "Numbered steps to tick off."),
        Field("timeline", ListOf(TIMELINE_ENTRY, 1, "the timeline"), "Stages and their durations."),
        Field("contacts", ListOf(Reference(target="contact"), 1, "the contacts"), "Ids of contacts (in _shared.yml) to show here."),
    ],
    build=lambda location, **v: model.Section(location=location, **v),
    rule=_section_rule,
)

FOOTNOTE = Obj(
    name="a footnote",
    doc="A note that steps or sub-items point to with 'footnote: id'.",
    fields=[
        Field("id", Slug("footnote id"), "Stable id.", required=True),
        Field("text", Bilingual("inline", 1000, "footnote text"), "The note (inline Markdown).", required=True),
    ],
    build=lambda location, **v: model.Footnote(location=location, **v),
)

LINK = Obj(
    name="a related link",
    doc="A related link: an outside address or another checklist.",
    fields=[
        Field("title", Bilingual(what="link title"), "The link's text; for a checklist, its title by default."),
        Field("url", Url(), "An outside address (https://…), or one per language."),
        Field("checklist", Reference(target="checklist"), "Another checklist's id (its file name)."),
        Field("anchor", Reference(target="section, step or sub-item"), "A section, step or sub-item id on that checklist."),
    ],
    build=lambda location, **v: model.Link(location=location, **v),
    rule=_link_rule,
)

CHECKLIST = Obj(
    name="the checklist",
    doc="One guided checklist: one article of the help centre, in English and French.",
    fields=[
        Field("collection", Reference(target="collection"), "The collection (category) it belongs to: an id in _shared.yml.", required=True),
        Field("french-slug", Slug("French address"), "The last part of the French page's address, in French "
              "(e.g. outil-administrateur-sgr: /fr/reference-electronique/outil-administrateur-sgr/). Written once and "
              "kept: rewording the title never moves the page. Default: the file name."),
        Field("order", Integer(0, 10_000, "order"), "Its place in the collection (smaller first; then by title)."),
        Field("title", Bilingual(what="title", max_length=120), "The article's title.", required=True),
        Field("summary", Bilingual("inline", 300, "summary"), "One or two sentences for the home page and search.", required=True),
        Field("audience", Reference(target="role"), "The role the article speaks to, e.g. rms-administrator."),
        Field("sections", ListOf(SECTION, 1, "the sections"), "The article's sections, in order.", required=True),
        Field("footnotes", ListOf(FOOTNOTE, 1, "the footnotes"), "Notes referred to by steps and sub-items."),
        Field("contacts", ListOf(Reference(target="contact"), 1, "the contacts"), "Support contacts shown at the end (ids in _shared.yml)."),
        Field("links", ListOf(LINK, 1, "the related links"), "Related links shown at the end."),
        Field("modified", Date("date modified"), "When the content last changed in substance (YYYY-MM-DD): shown as "
              "\"Date modified\" on the article. Update it with each change readers should know of."),
        Field("review-months", Integer(1, 120, "review interval"), "Review the article at least this often (months "
              "after 'modified'): `make lint` warns, and CI annotates, once it is due."),
    ],
)

ROLE = Obj(
    name="a role",
    doc="Who does a step, named in both languages.",
    fields=[
        Field("id", Slug("role id"), "Stable id, used by steps' 'role'.", required=True),
        Field("name", Bilingual(what="role name"), "The role's full name, e.g. 'Legally responsible person'.", required=True),
        Field("abbreviation", Bilingual(what="role abbreviation", max_length=20), "Its short form, e.g. LRP / PLR."),
        Field("plural", Bilingual(what="role plural", max_length=80), "The role's name in the plural, as it reads mid-sentence "
              "(e.g. 'RMS administrators' / 'administrateurs SGR'): an article for this role says 'For RMS administrators'."),
        Field("description", Bilingual("inline", what="role description"), "Who this is, in a sentence."),
    ],
    build=lambda location, **v: model.Role(location=location, **v),
)

CONTACT = Obj(
    name="a contact",
    doc="A support contact.",
    fields=[
        Field("id", Slug("contact id"), "Stable id, used by checklists' 'contacts'.", required=True),
        Field("name", Bilingual(what="contact name"), "Who to contact.", required=True),
        Field("purpose", Bilingual("inline", what="contact purpose"), "What to contact them for."),
        Field("phone", Pattern(PHONE, "phone number", "1-866-250-1554"), "Phone number, written 1-866-250-1554."),
        Field("email", Pattern(EMAIL, "email address", "servicedesk@example.org"), "Email address."),
        Field("always-open", Boolean(), "True when the line is answered 24 hours a day, 7 days a week (each language words it)."),
        Field("hours", Bilingual(what="opening hours"), "Opening hours, when not always open."),
    ],
    build=lambda location, always_open=False, **v: model.Contact(location=location, always_open=always_open, **v),
    rule=_contact_rule,
)

COLLECTION = Obj(
    name="a collection",
    doc="A collection (category) of articles; a section of the navigation.",
    fields=[
        Field("id", Slug("collection id"), "Stable id; also the folder of its pages' addresses.", required=True),
        Field("french-slug", Slug("French address"), "The collection's folder in French addresses (e.g. "
              "reference-electronique: /fr/reference-electronique/). Default: the id."),
        Field("title", Bilingual(what="collection title", max_length=80), "Its name.", required=True),
        Field("summary", Bilingual("inline", 300, "collection summary"), "One sentence for the home page.", required=True),
        Field("order", Integer(0, 10_000, "order"), "Its place on the home page (smaller first)."),
    ],
    build=lambda location, **v: model.Collection(location=location, **v),
)

SHARED = Obj(
    name="the shared definitions",
    doc="Collections, roles and contacts that checklists name by id.",
    fields=[
        Field("collections", ListOf(COLLECTION, 1, "the collections"), "The help centre's collections.", required=True),
        Field("roles", ListOf(ROLE, 1, "the roles"), "Roles that steps name."),
        Field("contacts", ListOf(CONTACT, 1, "the contacts"), "Support contacts."),
    ],
)


def json_schema(spec: Obj, title: str) -> dict:
    """The JSON Schema (draft 2020-12) of a top-level spec, for editors' tools."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        **spec.schema(),
    }
