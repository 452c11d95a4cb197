"""Located problems: what an editor reads when a checklist is wrong.

Every check reports into a :class:`Problems` collection instead of raising, so
one run shows every problem of every file, each as ``path:line:col: message``
(the form editors' tools and CI annotations understand).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Location(NamedTuple):
    """A place in a file. Lines and columns count from 1, as editors show them.

    A named tuple rather than a frozen dataclass: the validator makes one for
    every value of every checklist, and a tuple is built three times faster.
    """

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    location: Location
    message: str
    severity: str = "error"  # "error" fails the build; "warning" is shown only

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.location}: {prefix}{self.message}"


@dataclass
class Problems:
    """An ordered, de-duplicated list of problems."""

    items: list[Problem] = field(default_factory=list)

    def add(self, location: Location, message: str, severity: str = "error") -> None:
        problem = Problem(location, message, severity)
        if problem not in self.items:
            self.items.append(problem)

    def extend(self, other: "Problems") -> None:
        for problem in other.items:
            if problem not in self.items:
                self.items.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    def __bool__(self) -> bool:
        return bool(self.errors)

    def sorted(self) -> list[Problem]:
        return sorted(self.items)

    def report(self) -> str:
        return "\n".join(str(p) for p in self.sorted())


class ContentError(Exception):
    """Raised by the edge when the content cannot be built; carries the problems."""

    def __init__(self, problems: Problems):
        self.problems = problems
        count = len(problems.errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in checklists:\n{problems.report()}")
