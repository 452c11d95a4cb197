"""The checked model of the help centre: what templates render.

Objects here are only ever built by the validator from a file that passed
its checks, so templates can trust them: ids are slugs, both languages are
present, references resolve. Each keeps the location it was written at, so
later checks (links, translation parity) can point editors back to the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .problems import Location


@dataclass(frozen=True)
class Text:
    """A human-readable string in both languages, side by side in the YAML."""

    en: str
    fr: str
    location: Location
    en_location: Location
    fr_location: Location
    markdown: str = "none"
    """How the text is read: "none" (plain text, shown exactly as written,
    Markdown characters included), "inline" or "block" Markdown."""

    def __getitem__(self, lang: str) -> str:
        return getattr(self, lang)


@dataclass(frozen=True)
class Ref:
    """An id that names something defined elsewhere, with where it was written."""

    id: str
    location: Location


@dataclass(frozen=True)
class Duration:
    """How long something takes, as data so each language can say it properly."""

    amount: int
    unit: str       # minute | hour | day | business-day | week
    qualifier: str  # exactly | under | about | up-to | within | usually-within | as-little-as
    location: Location


@dataclass
class Role:
    id: str
    name: Text
    abbreviation: Text | None = None
    plural: Text | None = None
    description: Text | None = None
    location: Location | None = None


@dataclass
class Contact:
    id: str
    name: Text
    phone: str | None = None
    email: str | None = None
    hours: Text | None = None
    always_open: bool = False
    purpose: Text | None = None
    location: Location | None = None

    @property
    def tel(self) -> str | None:
        """The phone number as a ``tel:`` URI (RFC 3966), digits only."""
        if not self.phone:
            return None
        number, _, extension = self.phone.partition(" x")
        digits = "".join(ch for ch in number if ch.isdigit())
        if len(digits) == 10:
            digits = "1" + digits
        return f"tel:+{digits}" + (f";ext={extension}" if extension else "")


@dataclass
class Collection:
    id: str
    title: Text
    summary: Text
    order: int = 0
    french_slug: str | None = None
    location: Location | None = None


@dataclass
class Callout:
    kind: str  # info | warning | tip
    body: Text
    title: Text | None = None
    location: Location | None = None


@dataclass
class Footnote:
    id: str
    text: Text
    location: Location | None = None


@dataclass
class Item:
    id: str
    text: Text
    optional: bool = False
    details: Text | None = None
    footnote: Ref | None = None
    location: Location | None = None


@dataclass
class Step:
    id: str
    text: Text
    role: Ref | None = None
    details: Text | None = None
    duration: Duration | None = None
    optional: bool = False
    footnote: Ref | None = None
    items: list[Item] = field(default_factory=list)
    callouts: list[Callout] = field(default_factory=list)
    location: Location | None = None


@dataclass
class TimelineEntry:
    id: str
    label: Text
    duration: Duration
    note: Text | None = None
    location: Location | None = None


@dataclass
class Section:
    id: str
    title: Text
    body: Text | None = None
    callouts: list[Callout] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    contacts: list[Ref] = field(default_factory=list)
    location: Location | None = None


@dataclass
class Link:
    """A related link: an outside address, or another checklist (and step)."""

    title: Text | None = None
    url: Text | None = None
    checklist: Ref | None = None
    anchor: Ref | None = None
    location: Location | None = None


@dataclass
class Checklist:
    id: str          # the file name without .yml: the stable slug of its pages
    path: str        # the YAML file, relative to the project root
    collection: Ref
    title: Text
    summary: Text
    sections: list[Section]
    order: int = 0
    audience: Ref | None = None
    footnotes: list[Footnote] = field(default_factory=list)
    contacts: list[Ref] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    french_slug: str | None = None
    """The last part of the French address (default: the id)."""
    modified: str | None = None
    """ISO date of the last change readers should know of."""
    review_months: int | None = None
    location: Location | None = None
    markdown_links: list[tuple[str, str, Location]] = field(default_factory=list)
    """(language, target, where written) of every link written inside its Markdown text."""

    @property
    def steps(self) -> list[Step]:
        return [step for section in self.sections for step in section.steps]

    _anchors: frozenset[str] | None = field(default=None, repr=False, compare=False)

    def anchors(self) -> frozenset[str]:
        """Every id a link may point at with ``#id`` on this checklist's page
        (worked out once: every link to this checklist asks)."""
        if self._anchors is None:
            ids = {section.id for section in self.sections}
            for section in self.sections:
                ids.update(entry.id for entry in section.timeline)
                for step in section.steps:
                    ids.add(step.id)
                    ids.update(item.id for item in step.items)
            self._anchors = frozenset(ids)
        return self._anchors


@dataclass
class Shared:
    """What several checklists name by id: collections, roles and contacts."""

    path: str
    collections: dict[str, Collection] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)


@dataclass(frozen=True)
class Footnotes:
    """A checklist's footnotes as readers meet them: numbered in order of
    first use, each with the step or sub-item that first refers to it (the
    target of the note's "back to the text" link)."""

    numbers: dict[str, int]
    first_referrer: dict[str, str]


@dataclass(frozen=True)
class Site:
    """The checked help centre, with the facts validation worked out once."""

    shared: Shared
    checklists: dict[str, Checklist]
    members_by_collection: dict[str, list[Checklist]]
    """Each collection's checklists in reading order (``order``, then English title)."""
    footnotes: dict[str, Footnotes]
    """Per checklist id."""

    def members(self, collection: Collection) -> list[Checklist]:
        return self.members_by_collection.get(collection.id, [])

    def collections(self) -> list[Collection]:
        """Collections with at least one checklist, in reading order."""
        ordered = sorted(self.shared.collections.values(), key=lambda c: (c.order, c.id))
        return [collection for collection in ordered if self.members(collection)]
