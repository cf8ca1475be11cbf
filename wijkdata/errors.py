"""One error type and one problem shape for everything a user can get wrong.

Readers and validators collect :class:`Probleem` items in a :class:`Rapport` and raise a
single :class:`WijkdataError` at the end, so the user sees every problem at once. The
messages are Dutch: they are shown to users as they are.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

HEEL_BESTAND = "heel bestand"     # the row of a problem that is about the whole file


@dataclass(frozen=True)
class Probleem:
    """One problem in an input file.

    ``row`` is the row as a spreadsheet shows it (the header is row 1, the first data row is
    row 2), or None when the problem is not about one row. ``code`` is the area code involved,
    when there is one.
    """

    message: str
    row: int | None = None
    column: str | None = None
    code: str | None = None
    value: str | None = None

    @property
    def rij(self) -> str:
        """The row as a table shows it: the spreadsheet row, or "heel bestand"."""
        return HEEL_BESTAND if self.row is None else str(self.row)

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "value"} | {"value": self.value}

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"rij {self.row}")
        if self.column:
            where.append(f"kolom '{self.column}'")
        if self.code:
            where.append(f"gebied {self.code}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass
class Rapport:
    """Errors and warnings collected while reading or validating one file."""

    errors: list[Probleem] = field(default_factory=list)
    warnings: list[Probleem] = field(default_factory=list)

    def error(self, message: str, **where) -> None:
        self.errors.append(Probleem(message, **where))

    def warning(self, message: str, **where) -> None:
        self.warnings.append(Probleem(message, **where))

    def extend(self, other: Rapport) -> None:
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_rows(self) -> set[int]:
        """Spreadsheet rows that have at least one error."""
        return {p.row for p in self.errors if p.row is not None}


class WijkdataError(Exception):
    """A problem the user can act on; its message and problems are Dutch and shown as-is."""

    def __init__(self, message: str, problems: list[Probleem] | None = None,
                 warnings: list[Probleem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])
        self.warnings = list(warnings or [])

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message] + [f"- {p}" for p in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(f"- ... en nog {len(self.problems) - 20} andere problemen")
        return "\n".join(lines)


def problemen_tabel(problems) -> pd.DataFrame:
    """``problems`` (:class:`Probleem` items) as a table with Dutch headers, every cell text:
    melding, rij (as a spreadsheet shows it, "heel bestand" when not about one row), kolom,
    gebied, waarde; a missing part is an empty cell."""
    import pandas as pd

    rows = [{"melding": p.message, "rij": p.rij, "kolom": p.column or "",
             "gebied": p.code or "", "waarde": "" if p.value is None else str(p.value)}
            for p in problems]
    return pd.DataFrame(rows, columns=["melding", "rij", "kolom", "gebied", "waarde"])
