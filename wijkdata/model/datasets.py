"""What a dataset is, and what publishing or rolling back does to it.

A dataset's identity is its *source kind*: what the file IS, told from its content by the
reader (its kind, the ``source_format`` it reports and the ``bron`` of its figures), never
from the file name. :data:`SOURCE_KINDS`:

- ``gebieden`` — boundaries (CBS Wijk- en buurtkaart, PDOK, a municipal GeoJSON);
- ``CBS Kerncijfers`` — CBS Kerncijfers wijken en buurten (OData, StatLine, kwb Excel);
- ``RIVM gezondheid`` — RIVM Gezondheid per wijk en buurt (50120NED, 50090NED);
- ``initiatieven`` — a list of initiatives;
- ``meldingen`` — reserved for a later kind of list.

The store keeps the source kind with each version (``Versie.source_kind``); versions stored
before that are derived from their frame once and then recorded
(:func:`source_kind_of_version`). The Data page and the command line both take their
defaults from here: a file becomes the next version of the newest dataset of the SAME
source kind, otherwise a new dataset named after its source (:func:`default_target`).
Replacing asks first and names what disappears (:func:`replacement`); so does a rollback
(:func:`rollback_change`).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from wijkdata.errors import WijkdataError
from wijkdata.formatting import fmt_getal
from wijkdata.model.schema import (
    GEMEENTECODE,
    GEMEENTENAAM,
    INDICATOR,
    INDICATOREN,
    NIVEAU,
    PERIODE,
    WAARDE,
)

GEBIEDEN = "gebieden"
KERNCIJFERS = "CBS Kerncijfers"
RIVM = "RIVM gezondheid"
INITIATIEVEN = "initiatieven"
MELDINGEN = "meldingen"
SOURCE_KINDS = (GEBIEDEN, KERNCIJFERS, RIVM, INITIATIEVEN, MELDINGEN)

# How a new dataset of each source kind is named (a year is added where the file has one).
NAME_BASES = {GEBIEDEN: "Gebiedsindeling", KERNCIJFERS: "CBS Kerncijfers",
              RIVM: "RIVM gezondheid", INITIATIEVEN: "Initiatieven", MELDINGEN: "Meldingen"}
# The same, inside a sentence ("dit bestand is RIVM gezondheid").
SOURCE_LABELS = {GEBIEDEN: "een gebiedsindeling", KERNCIJFERS: "CBS Kerncijfers",
                 RIVM: "RIVM gezondheid", INITIATIEVEN: "een lijst met initiatieven",
                 MELDINGEN: "een lijst met meldingen"}
UNKNOWN_LABEL = "cijfers van een onbekende bron"


# --- identity ---------------------------------------------------------------------------------

def source_kind(kind: str, frame: pd.DataFrame | None = None,
                source_format: str = "") -> str | None:
    """The source kind of a file of ``kind`` ('buurten', 'indicatoren', 'initiatieven').

    For statistics: the reader's ``source_format`` names the publisher; else the ``bron``
    of the rows; else the catalogue's source of the indicators it holds (the majority).
    None when a statistics table cannot be told apart.
    """
    if kind == "buurten":
        return GEBIEDEN
    if kind == "initiatieven":
        return INITIATIEVEN
    if kind == "meldingen":
        return MELDINGEN
    if kind != "indicatoren":
        return None
    found = _publisher(source_format)
    if found is None and frame is not None and "bron" in frame:
        votes = [_publisher(str(b)) for b in pd.unique(frame["bron"].dropna())]
        found = _majority([v for v in votes if v])
    if found is None and frame is not None and INDICATOR in frame:
        votes = [_publisher(INDICATOREN[k].bron) for k in pd.unique(frame[INDICATOR].dropna())
                 if k in INDICATOREN]
        found = _majority([v for v in votes if v])
    return found


def _publisher(text: str) -> str | None:
    text = (text or "").lower()
    if "rivm" in text or "gezondheid" in text:
        return RIVM
    if "kerncijfers" in text or "kwb" in text:
        return KERNCIJFERS
    return None


def _majority(votes: list[str]) -> str | None:
    if not votes:
        return None
    counts = pd.Series(votes).value_counts()
    return None if len(counts) > 1 and counts.iloc[0] == counts.iloc[1] else counts.index[0]


def source_kind_of(ingelezen) -> str | None:
    """The source kind of a file as the reader gave it (:class:`readers.Ingelezen`)."""
    return source_kind(ingelezen.kind, ingelezen.frame, ingelezen.source_format)


def source_kind_of_version(store, versie) -> str | None:
    """The source kind of a stored version; for a version stored before it was kept, derived
    from its frame and recorded, so this is done once per version."""
    if versie.source_kind:
        return versie.source_kind
    if versie.kind != "indicatoren":
        found = source_kind(versie.kind)
    else:
        found = source_kind(versie.kind, store.load(versie.id))
    if found:
        try:
            store.set_source_kind(versie.id, found)
        except WijkdataError:
            pass        # only a shortcut for next time (a read-only database user, say)
    return found


def source_label(source: str | None) -> str:
    return SOURCE_LABELS.get(source, UNKNOWN_LABEL)


# --- the default target of a publish ---------------------------------------------------------

@dataclass(frozen=True)
class Doel:
    """Where a file goes by default: ``name`` of the dataset; ``actief`` the active version
    it would replace (None for a new dataset)."""

    name: str
    actief: object = None

    @property
    def is_new(self) -> bool:
        return self.actief is None


def year_of(frame: pd.DataFrame) -> int | None:
    """The newest year in a frame (``periode``), or None."""
    if frame is None or PERIODE not in frame:
        return None
    years = pd.to_numeric(frame[PERIODE], errors="coerce").dropna()
    return int(years.max()) if len(years) else None


def unique_name(base: str, taken) -> str:
    """``base``, or ``base (2)``, ``base (3)`` … when taken (compared without case and
    surrounding spaces, as a person reads them)."""
    seen = {str(n).strip().casefold() for n in taken}
    if base.strip().casefold() not in seen:
        return base
    number = 2
    while f"{base} ({number})".casefold() in seen:
        number += 1
    return f"{base} ({number})"


def new_name(source: str | None, frame: pd.DataFrame | None, taken) -> str:
    """A name for a new dataset: its source and year, e.g. 'RIVM gezondheid 2022', not yet
    used by any dataset in ``taken``."""
    base = NAME_BASES.get(source, "Cijfers")
    year = year_of(frame)
    return unique_name(f"{base} {year}" if year else base, taken)


def default_target(store, ingelezen) -> Doel:
    """The dataset a file goes to unless the user chooses otherwise: the next version of the
    newest dataset of the same kind and source kind; else a new dataset (:func:`new_name`).
    A file of another source never replaces a dataset by default."""
    source = source_kind_of(ingelezen)
    actief = store.active_versions()
    if source is not None:
        same = [v for v in actief if v.kind == ingelezen.kind
                and source_kind_of_version(store, v) == source]
        if same:
            newest = max(same, key=lambda v: (v.created_at, v.id))
            return Doel(newest.name, newest)
    return Doel(new_name(source, ingelezen.frame, [v.name for v in actief]))


# --- what a replacement or a rollback changes -------------------------------------------------

def contents(kind: str, frame: pd.DataFrame) -> list[str]:
    """What a dataset offers the dashboard, as labels a person reads: the indicators that have
    a value (in catalogue order) for statistics; the gemeenten for boundaries; nothing
    countable for lists (their rows are compared instead)."""
    if frame is None or len(frame) == 0:
        return []
    if kind == "indicatoren" and INDICATOR in frame:
        present = frame.loc[frame[WAARDE].notna(), INDICATOR] if WAARDE in frame \
            else frame[INDICATOR]
        keys = set(present.dropna())
        ordered = [k for k in INDICATOREN if k in keys] + sorted(k for k in keys
                                                                 if k not in INDICATOREN)
        return [INDICATOREN[k].label if k in INDICATOREN else str(k) for k in ordered]
    if kind == "buurten" and GEMEENTECODE in frame:
        rows = frame[frame[NIVEAU] == "buurt"] if NIVEAU in frame else frame
        names = rows.drop_duplicates(GEMEENTECODE).set_index(GEMEENTECODE).get(GEMEENTENAAM)
        codes = sorted(c for c in rows[GEMEENTECODE].dropna().unique())
        labels = []
        for code in codes:
            naam = names.get(code) if names is not None else None
            labels.append(f"{naam} ({code})" if isinstance(naam, str) and naam.strip()
                          else str(code))
        return labels
    return []


def difference(kind: str, old: pd.DataFrame, new: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(gained, lost): what ``new`` offers that ``old`` does not, and the reverse."""
    before, after = contents(kind, old), contents(kind, new)
    return [c for c in after if c not in before], [c for c in before if c not in after]


def lost_text(lost: list[str]) -> str:
    return f"Daarmee verdwijnen: {', '.join(lost)}." if lost else ""


@dataclass(frozen=True)
class Vervanging:
    """A new version of an existing dataset, before it is published: the active version it
    replaces, what disappears and what comes in, and the sentence that says so."""

    actief: object
    verdwijnt: list[str]
    erbij: list[str]
    melding: str


def replacement(store, kind: str, name: str, ingelezen) -> Vervanging | None:
    """What publishing ``ingelezen`` as the next version of dataset (kind, ``name``) changes;
    None when no such dataset exists (a new dataset replaces nothing)."""
    wanted = name.strip().casefold()
    actief = next((v for v in store.active_versions()
                   if v.kind == kind and v.name.strip().casefold() == wanted), None)
    if actief is None:
        return None
    old = store.load(actief.id)
    erbij, verdwijnt = difference(kind, old, ingelezen.frame)
    old_source, new_source = source_kind_of_version(store, actief), source_kind_of(ingelezen)
    parts = [f"Dit bestand vervangt de actieve versie {actief.number} van '{actief.name}' "
             f"({fmt_getal(actief.rows)} rijen); het bestand heeft "
             f"{fmt_getal(len(ingelezen.frame))} rijen."]
    if old_source != new_source:
        parts.append(f"Let op: '{actief.name}' bevat {source_label(old_source)}, maar dit "
                     f"bestand is {source_label(new_source)}.")
    if verdwijnt:
        parts.append(lost_text(verdwijnt))
    if erbij:
        parts.append(f"Erbij komen: {', '.join(erbij)}.")
    parts.append("U kunt later altijd terug naar de vorige versie.")
    return Vervanging(actief, verdwijnt, erbij, " ".join(parts))


def rollback_change(store, version_id: int) -> str:
    """What making version ``version_id`` active changes, in one or two sentences:
    'Dataset X: versie 3 → versie 1. Rijen: 1.200 → 800. Erbij: …. Daarmee verdwijnen: …'."""
    target = store.version(version_id)
    actief = next((v for v in store.active_versions() if v.dataset_id == target.dataset_id),
                  None)
    if actief is None or actief.id == target.id:
        return f"Versie {target.number} van '{target.name}' is al de actieve versie."
    erbij, verdwijnt = difference(target.kind, store.load(actief.id), store.load(target.id))
    parts = [f"'{target.name}': versie {actief.number} → versie {target.number}. Rijen: "
             f"{fmt_getal(actief.rows)} → {fmt_getal(target.rows)}."]
    if erbij:
        parts.append(f"Erbij komen: {', '.join(erbij)}.")
    if verdwijnt:
        parts.append(lost_text(verdwijnt))
    if not erbij and not verdwijnt and target.kind == "indicatoren":
        parts.append("Dezelfde soorten cijfers; de waarden kunnen verschillen.")
    return " ".join(parts)

