"""What the Data page does with an uploaded file, without Streamlit.

The page (``pages/data.py``) walks an analyst through seven steps; everything in them that
can be decided without a browser lives here, so it is tested without one:

1. :func:`check_upload` — cheap checks before any reader opens the bytes: empty, too large,
   and for every zip-based file (a zipped shapefile, but also an ``.xlsx``, which is a zip)
   the zip's directory: number of members, total unpacked size, member names pointing out
   of the zip (``..``, ``/``, ``C:``).
2. :func:`recognise` — the kind of file and its columns or layers; :class:`Koppelingen`
   remembers the column mapping an analyst confirmed, per header shape
   (:func:`header_shape`), in a small table in the same database as the datasets, so every
   app process behind a proxy shares it.
3. :func:`rapport_table` — the validation report as a table with Dutch headers.
4. :func:`dekking`, :func:`gebieden_samenvatting`, :func:`initiatieven_samenvatting`,
   :func:`preview_map` — what the file holds and how it fits the active boundaries.
5. :func:`publish` — one store transaction, or a :class:`WijkdataError` and nothing stored.
   The command line (``python -m wijkdata check|import``) goes through the same
   :func:`read_checked` and :func:`publish`, so both check a file the same way.
6. :func:`versies_table` — the versions with Dutch headers and local times.

Uploaded text (file names, headers, cell values) must never be rendered as Markdown or HTML:
:func:`wijkdata.escaping.escape_markdown` makes it literal where a Streamlit element only
takes Markdown.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePath
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import sqlalchemy as sa

from wijkdata.compute import witte_vlekken
from wijkdata.draw import kaart
from wijkdata.errors import HEEL_BESTAND, WijkdataError
from wijkdata.escaping import plain_label
from wijkdata.formatting import fmt_bestandsgrootte
from wijkdata.model import codes, datasets
from wijkdata.model.schema import (
    CODE,
    GEMEENTECODE,
    GEMEENTENAAM,
    INDICATOR,
    INDICATOREN,
    KINDS,
    NAAM,
    NIVEAU,
    PERIODE,
    PERSOONSGEGEVENS_COLUMNS,
    WIJKCODE,
)
from wijkdata.readers import MAX_FILE_BYTES, Ingelezen, checksum, read_file, textio
from wijkdata.readers.gebieden import check_zip, list_layers, looks_like_geo
from wijkdata.readers.indicatoren import looks_like_indicatoren

# _looks_personal: the reader's own test for e-mail and phone cells, so the example shown
# while mapping hides exactly what the reader will drop.
from wijkdata.readers.initiatieven import (
    CANONICAL,
    _looks_personal,
    looks_like_initiatieven,
    suggest_mapping,
)

KIND_LABELS = {
    "buurten": "Gebiedsindeling (kaart met buurten en wijken)",
    "indicatoren": "Cijfers per gebied (CBS of RIVM)",
    "initiatieven": "Lijst met initiatieven",
}
ZIP_MAGIC = b"PK\x03\x04", b"PK\x05\x06"
TIMEZONE = ZoneInfo("Europe/Amsterdam")

# What each canonical initiative column means, short enough for a choice list (the
# template's Toelichting sheet has the long explanations).
DOEL_LABELS = {
    "naam": "naam van het initiatief", "omschrijving": "omschrijving",
    "activiteit": "activiteit", "wij_type": "wij-type (bonding, bridging, beide)",
    "doelgroepen": "doelgroepen (voor wie)", "frequentie": "frequentie (hoe vaak)",
    "startdatum": "startdatum", "einddatum": "einddatum",
    "laatst_bevestigd": "laatst bevestigd (datum)",
    "organisator": "organisator (soort)", "buurtcode": "buurtcode (CBS)",
    "lat": "lat (breedtegraad)", "lon": "lon (lengtegraad)", "x": "x (RD, meter)",
    "y": "y (RD, meter)", "locatie_verborgen": "locatie verborgen (ja of nee)",
    "contactpersoon": "contactpersoon (persoonsgegeven)",
    "email": "e-mail (persoonsgegeven)", "telefoon": "telefoon (persoonsgegeven)",
}
NIET_GEBRUIKEN = "(niet gebruiken)"


def check_upload(data: bytes, filename: str, *, max_bytes: int | None = None) -> None:
    """Refuse a file before it is opened: empty, larger than ``max_bytes``, or a zip (also an
    ``.xlsx``) with more than ``MAX_ZIP_MEMBERS`` members, more than ``MAX_ZIP_BYTES``
    unpacked (as its directory declares), or member names pointing outside the zip.

    Only the zip's central directory is read; no member is unpacked.
    """
    if not data:
        raise WijkdataError(f"Het bestand '{filename}' is leeg.")
    if max_bytes is not None and len(data) > max_bytes:
        raise WijkdataError(f"Het bestand '{filename}' is te groot "
                            f"({fmt_bestandsgrootte(len(data))}); het mag hoogstens "
                            f"{fmt_bestandsgrootte(max_bytes)} zijn.")
    if not data.startswith(ZIP_MAGIC):
        return
    check_zip(data, filename)


@dataclass
class Herkenning:
    """What a file is before it is read: ``kind`` (None when not recognised), the table's
    ``columns`` (for tables) or the map ``layers`` to choose from (more than one: choose),
    and ``melding``, why the kind was not recognised."""

    kind: str | None
    columns: list[str] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)
    melding: str = ""

    @property
    def is_geo(self) -> bool:
        return self.kind == "buurten"


def recognise(data: bytes, filename: str) -> Herkenning:
    """The kind and columns (or layers) of an uploaded file; raises WijkdataError only when
    the file cannot be read at all. Run :func:`check_upload` first."""
    if looks_like_geo(data, filename):
        return Herkenning("buurten", layers=list_layers(data, filename))
    columns = [str(c) for c in textio.read_table(data, filename).columns]
    if looks_like_indicatoren(columns):
        return Herkenning("indicatoren", columns)
    if looks_like_initiatieven(columns):
        return Herkenning("initiatieven", columns)
    return Herkenning(None, columns, melding=(
        "Het soort bestand is niet herkend: het is geen gebiedsindeling, geen CBS- of "
        "RIVM-tabel en de kolommen lijken niet op een lijst met initiatieven."))


def voorkeurslaag(layers: list[str]) -> int:
    """The index of the layer to offer first: one named exactly "buurten", else the first
    with "buurt" in its name (the CBS Wijk- en buurtkaart also has gemeenten and wijken),
    else the first."""
    stems = [PurePath(name).stem.lower() for name in layers]
    for test in (lambda s: s == "buurten", lambda s: "buurt" in s):
        for i, s in enumerate(stems):
            if test(s):
                return i
    return 0


@dataclass(frozen=True)
class Vragen:
    """What the Data page asks once the kind of a file is chosen: the map layer (a
    boundary file with more than one), the year (statistics whose file may not name it),
    the column mapping and whether to keep personal data (an initiative list)."""

    laag: bool = False
    jaar: bool = False
    koppeling: bool = False


def vragen(herkenning: Herkenning, kind: str) -> Vragen:
    """The questions for a file recognised as ``herkenning`` and read as ``kind``."""
    return Vragen(laag=kind == "buurten" and len(herkenning.layers) > 1,
                  jaar=kind == "indicatoren",
                  koppeling=kind == "initiatieven" and bool(herkenning.columns))


# --- remembered column mappings -----------------------------------------------------------

_metadata = sa.MetaData()
koppelingen_table = sa.Table(
    "wijkdata_koppelingen", _metadata,
    sa.Column("shape", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    # {normalised header: canonical column or null}, as JSON
    sa.Column("mapping", sa.Text, nullable=False),
    sa.Column("updated_by", sa.Text, nullable=False, default=""),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


def header_shape(columns, kind: str = "initiatieven") -> str:
    """A key for "the same kind of file again": the kind and the set of headers, compared
    after :func:`textio.normalise_header` (case, accents, punctuation and order ignored)."""
    import hashlib
    names = sorted({textio.normalise_header(str(c)) for c in columns})
    return hashlib.sha256("\n".join([kind, *names]).encode("utf-8")).hexdigest()[:40]


@dataclass(frozen=True)
class Onthouden:
    """A remembered mapping: source header → canonical column (None: not used)."""

    mapping: dict
    updated_by: str
    updated_at: datetime


class Koppelingen:
    """Column mappings confirmed by analysts, in table ``wijkdata_koppelingen`` of the
    store's database (created on first use), one row per header shape."""

    _ready: set[str] = set()        # databases where the table is known to exist

    def __init__(self, store):
        self.engine = store.engine

    def _create(self) -> None:
        url = self.engine.url.render_as_string(hide_password=True)
        if url in self._ready:
            return
        try:
            _metadata.create_all(self.engine, checkfirst=True)
        except sa.exc.DBAPIError:
            # Another process created it at the same moment; fine when it is there now.
            if "wijkdata_koppelingen" not in sa.inspect(self.engine).get_table_names():
                raise
        self._ready.add(url)

    def recall(self, columns, kind: str = "initiatieven") -> Onthouden | None:
        """The mapping last confirmed for files with these headers, for these headers."""
        self._create()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(koppelingen_table)
                               .where(koppelingen_table.c.shape == header_shape(columns, kind))
                               ).first()
        if row is None:
            return None
        stored = json.loads(row.mapping)
        mapping = {c: stored.get(textio.normalise_header(str(c))) for c in columns}
        updated_at = row.updated_at
        if updated_at.tzinfo is None:
            updated_at = updated_at.replace(tzinfo=UTC)
        return Onthouden(mapping, row.updated_by, updated_at)

    def remember(self, columns, mapping: dict, *, kind: str = "initiatieven",
                 by: str = "") -> None:
        """Store ``mapping`` (header → canonical column or None) for this header shape."""
        self._create()
        stored = {textio.normalise_header(str(c)): (mapping.get(c) or None) for c in columns}
        values = {"shape": header_shape(columns, kind), "kind": kind,
                  "mapping": json.dumps(stored, ensure_ascii=False, sort_keys=True),
                  "updated_by": by or "", "updated_at": datetime.now(UTC)}
        if self.engine.dialect.name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        statement = insert(koppelingen_table).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["shape"],
            set_={k: statement.excluded[k] for k in ("kind", "mapping", "updated_by",
                                                     "updated_at")})
        with self.engine.begin() as conn:
            conn.execute(statement)


def initial_mapping(columns, remembered: Onthouden | None = None) -> dict:
    """The mapping to show first: the remembered one, else the suggestions."""
    if remembered is not None:
        return {c: remembered.mapping.get(c) for c in columns}
    return suggest_mapping(list(columns))


@dataclass(frozen=True)
class KoppelingVoorstel:
    """The column mapping the page shows first: ``start`` (header → canonical column or
    None), the remembered mapping it came from (``eerder``) and the widget key part
    ``sleutel`` (the header shape: a new shape gets fresh choices)."""

    start: dict
    eerder: Onthouden | None
    sleutel: str

    @property
    def herkend(self) -> int:
        """How many columns have a use."""
        return sum(1 for target in self.start.values() if target)

    @property
    def open(self) -> bool:
        """Whether to show the choices opened: nothing remembered and not every column
        recognised."""
        return self.eerder is None and self.herkend < len(self.start)

    @property
    def melding(self) -> str:
        """Why the mapping is already filled in ('' when it is not remembered)."""
        if self.eerder is None:
            return ""
        when = self.eerder.updated_at.astimezone(TIMEZONE).strftime("%d-%m-%Y")
        return (f"Dit bestand heeft dezelfde kolommen als een eerder bestand. De koppeling "
                f"van toen ({when}) is overgenomen.")


def koppeling_voorstel(store, columns) -> KoppelingVoorstel:
    """The first mapping for ``columns``: the one remembered for this header shape in
    ``store``, else the suggestions from the header names."""
    eerder = Koppelingen(store).recall(columns)
    return KoppelingVoorstel(initial_mapping(columns, eerder), eerder,
                             header_shape(columns)[:12])


def mapping_options() -> list[str]:
    """The canonical columns a source column can be mapped to, plus "not used"."""
    return [NIET_GEBRUIKEN] + list(CANONICAL)


def mapping_label(target: str) -> str:
    return DOEL_LABELS.get(target, target)


def voorbeeld(raw: pd.DataFrame, column: str, limit: int = 3) -> str:
    """A few filled cells of a column, to recognise it by; for a column that holds personal
    data (by its header or its cells) only the words "persoonsgegevens, niet getoond"."""
    cells = [str(v).strip() for v in raw[column].tolist()]
    if suggest_mapping([column]).get(column) in PERSOONSGEGEVENS_COLUMNS \
            or _looks_personal(pd.Series(cells[:200])):
        return "(persoonsgegevens, niet getoond)"
    values = [v for v in cells if v][:limit]
    return "; ".join(v[:40] + ("…" if len(v) > 40 else "") for v in values)


# --- reading with the choices, and what it shows --------------------------------------------

def read_checked(data: bytes, filename: str, *, kind: str | None = None,
                 layer: str | None = None, periode: int | None = None,
                 mapping: dict | None = None, keep_personal: bool = False,
                 max_bytes: int | None = None) -> Ingelezen:
    """The one check of a file, for the Data page and the command line alike: the cheap
    checks (:func:`check_upload`), then the reader of its kind (``kind`` None: recognised
    from the content), which also refuses boundaries that do not lie in the Netherlands.

    Raises WijkdataError when the file cannot be read at all; problems in rows are in the
    returned report."""
    check_upload(data, filename, max_bytes=max_bytes)
    return read_file(data, filename, kind=kind, layer=layer, periode=periode,
                     mapping=mapping, keep_personal=keep_personal)


def read_checked_path(path, **options) -> tuple[Ingelezen, bytes]:
    """:func:`read_checked` of a file on disk (the command line); a missing, unreadable or
    too large path is a WijkdataError. Returns the result and the file's bytes."""
    path = Path(path)
    if not path.exists():
        raise WijkdataError(f"Het bestand '{path}' bestaat niet.")
    if path.is_dir():
        raise WijkdataError(f"'{path}' is een map, geen bestand.")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise WijkdataError(f"Het bestand '{path.name}' is te groot "
                                f"({fmt_bestandsgrootte(size)}); het mag hoogstens "
                                f"{fmt_bestandsgrootte(MAX_FILE_BYTES)} zijn.")
        data = path.read_bytes()
    except OSError as exc:
        raise WijkdataError(f"Het bestand '{path}' kan niet gelezen worden: "
                            f"{exc.strerror or exc}.") from None
    return read_checked(data, path.name, **options), data


def rapport_table(ingelezen: Ingelezen) -> pd.DataFrame:
    """Errors then warnings, one row each: soort (fout/waarschuwing), rij (as a spreadsheet
    shows it; empty for the whole file), kolom, gebied, waarde, melding."""
    rows = [("fout", p) for p in ingelezen.rapport.errors] + \
           [("waarschuwing", p) for p in ingelezen.rapport.warnings]
    frame = pd.DataFrame({
        "soort": [s for s, _ in rows],
        "rij": pd.array([p.row for _, p in rows], dtype="Int64"),
        "kolom": [p.column or "" for _, p in rows],
        "gebied": [p.code or "" for _, p in rows],
        "waarde": ["" if p.value is None else str(p.value) for _, p in rows],
        "melding": [p.message for _, p in rows],
    })
    return frame


def ongeldige_rijen(ingelezen: Ingelezen) -> int:
    """How many rows (or areas) have at least one error and would be skipped."""
    return len(ingelezen.rapport.error_rows())


def geldige_rijen(ingelezen: Ingelezen) -> int:
    return len(ingelezen.frame)


def aantal(n: int, een: str, meer: str) -> str:
    """'1 rij', '3 rijen'."""
    return f"{n} {een if n == 1 else meer}"


def rapport_samenvatting(ingelezen: Ingelezen) -> str:
    """One sentence over the check: what the file is, rows (or areas) read, good and
    wrong, and the number of errors and warnings."""
    fouten, waarschuwingen = len(ingelezen.rapport.errors), len(ingelezen.rapport.warnings)
    rijen = "gebieden" if ingelezen.kind == "buurten" else "rijen"
    return (f"Soort: {ingelezen.source_format}. {ingelezen.rows} {rijen} gelezen: "
            f"{geldige_rijen(ingelezen)} goed, {ongeldige_rijen(ingelezen)} met een fout. "
            f"{aantal(fouten, 'fout', 'fouten')} en "
            f"{aantal(waarschuwingen, 'waarschuwing', 'waarschuwingen')}.")


def rapport_weergave(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`rapport_table` as the page shows it: the row as text, "heel bestand" for a
    problem about the whole file (the download keeps the number column)."""
    return table.assign(rij=[HEEL_BESTAND if pd.isna(r) else str(int(r)) for r in table["rij"]])


def preview_table(ingelezen: Ingelezen, limit: int = 1000) -> pd.DataFrame:
    """The first ``limit`` valid rows as they will be stored, as text for reading: without
    geometry and personal data (never shown, also when kept for internal use), a missing
    value as an empty cell, dates as dd-mm-jjjj, numbers with a decimal comma, yes/no as
    ja/nee."""
    frame = ingelezen.frame
    columns = [c for c in frame.columns
               if c != "geometry" and c not in PERSOONSGEGEVENS_COLUMNS]
    head = pd.DataFrame(frame[columns].head(limit)).reset_index(drop=True)
    return pd.DataFrame({c: [_cell_text(v) for v in head[c]] for c in columns},
                        columns=columns)


def _cell_text(value) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "ja" if value else "nee"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return ""
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(value)


def gebieden_samenvatting(frame: pd.DataFrame) -> pd.DataFrame:
    """Per gemeente in a boundary file: code, naam, and the number of wijken and buurten."""
    if frame.empty:
        return pd.DataFrame(columns=["gemeentecode", "gemeentenaam", "wijken", "buurten"])
    per = frame.groupby(GEMEENTECODE, dropna=False)
    table = pd.DataFrame({
        "gemeentenaam": per[GEMEENTENAAM].first(),
        "wijken": per[WIJKCODE].nunique(),
        "buurten": per[NIVEAU].apply(lambda s: int((s == "buurt").sum())),
    }).reset_index()
    return table.sort_values(GEMEENTECODE).reset_index(drop=True)


def initiatieven_samenvatting(frame: pd.DataFrame) -> dict[str, int]:
    """Counts: totaal, met_coordinaten, alleen_buurtcode, verborgen."""
    if frame.empty:
        return {"totaal": 0, "met_coordinaten": 0, "alleen_buurtcode": 0, "verborgen": 0}
    has_xy = frame["x"].notna() & frame["y"].notna()
    return {"totaal": int(len(frame)), "met_coordinaten": int(has_xy.sum()),
            "alleen_buurtcode": int((~has_xy & frame["buurtcode"].notna()).sum()),
            "verborgen": int(frame["locatie_verborgen"].fillna(False).astype(bool).sum())}


@dataclass
class Dekking:
    """How a statistics file fits the active boundaries.

    ``per_niveau`` has one row per level (gemeente, wijk, buurt): ``in_bestand`` codes in the
    file, ``gevonden`` of them in the active boundaries, ``niet_gevonden``; ``ontbrekend``
    lists the codes not found (sorted). ``buurten_zonder_cijfers`` counts buurten of the
    active boundaries that the file gives no figure for. Nederland (NL01) is a reference
    and is not matched.
    """

    perioden: list[int]
    indicatoren: list[str]
    per_niveau: pd.DataFrame
    ontbrekend: list[str]
    buurten_zonder_cijfers: int
    buurten_actief: int


def dekking(indicatoren: pd.DataFrame, gebieden: pd.DataFrame | None) -> Dekking:
    """Which areas and periods a statistics file has and how they match ``gebieden`` (the
    active boundaries: ``code``, ``niveau``, ``wijkcode``, ``gemeentecode``)."""
    perioden = sorted(int(p) for p in pd.to_numeric(indicatoren[PERIODE], errors="coerce")
                      .dropna().unique())
    keys = list(dict.fromkeys(indicatoren[INDICATOR].dropna()))
    labels = [INDICATOREN[k].label if k in INDICATOREN else k for k in keys]
    file_codes = pd.Series(indicatoren[CODE].dropna().unique(), dtype=object)
    file_codes = file_codes[file_codes != codes.NEDERLAND]
    levels = file_codes.map(codes.niveau)
    known: dict[str, set] = {"gemeente": set(), "wijk": set(), "buurt": set()}
    buurtcodes: set = set()
    if gebieden is not None and len(gebieden):
        buurten = gebieden[gebieden[NIVEAU] == "buurt"]
        buurtcodes = set(buurten[CODE])
        known["buurt"] = buurtcodes
        known["wijk"] = set(gebieden[WIJKCODE].dropna()) | set(
            gebieden.loc[gebieden[NIVEAU] == "wijk", CODE])
        known["gemeente"] = set(gebieden[GEMEENTECODE].dropna()) | set(
            gebieden.loc[gebieden[NIVEAU] == "gemeente", CODE])
    rows, missing = [], []
    for level in ("gemeente", "wijk", "buurt"):
        here = file_codes[levels == level]
        if here.empty:
            continue
        found = here.isin(known[level])
        missing.extend(here[~found].tolist())
        rows.append({"niveau": level, "in_bestand": int(len(here)),
                     "gevonden": int(found.sum()), "niet_gevonden": int((~found).sum())})
    per_niveau = pd.DataFrame(rows, columns=["niveau", "in_bestand", "gevonden",
                                             "niet_gevonden"])
    zonder = len(buurtcodes - set(file_codes))
    return Dekking(perioden, labels, per_niveau, sorted(missing), zonder, len(buurtcodes))


# The preview map of an initiative list draws the outlines of the buurten the initiatives lie
# in, embedded in the figure itself (the dashboard's maps load theirs from a prepared file,
# see wijkdata/draw/kaartcache.py). Beyond about 3,000 buurten (more than a large province)
# that figure grows to many megabytes and every rerun of the Data page slows down, so the
# points are then drawn without outlines.
MAX_VOORBEELD_BUURTEN = 3000


@dataclass
class Voorbeeld:
    """What step 4 of the Data page shows for a file, whatever its kind, in this order:
    the ``regels`` (sentences), a ``melding`` (why something cannot be compared yet), a
    ``tabel``, the ``ontbrekend`` codes (with ``ontbrekend_uitleg``), a ``toelichting``
    (a caption), then — when ``kaart`` — a choice of gemeente (``gemeenten``: code → label,
    only for a boundary file) and the map of :func:`voorbeeld_kaart`."""

    regels: list[str] = field(default_factory=list)
    melding: str = ""
    tabel: pd.DataFrame | None = None
    ontbrekend: str = ""
    ontbrekend_uitleg: str = ""
    toelichting: str = ""
    gemeenten: dict[str, str] | None = None
    kaart: bool = False


def actieve_gebieden(gegevens) -> gpd.GeoDataFrame | None:
    """The published boundaries to compare a file with; None for the demo or none at all."""
    return None if gegevens.is_demo or gegevens.is_empty else gegevens.gebieden


def voorbeeld_van(ingelezen: Ingelezen, actief: gpd.GeoDataFrame | None) -> Voorbeeld:
    """Step 4 for ``ingelezen`` (its valid rows), compared with the active boundaries
    ``actief`` (:func:`actieve_gebieden`)."""
    frame = ingelezen.frame
    if ingelezen.kind == "buurten":
        gemeenten = gebieden_samenvatting(frame)
        labels = {c: f"{_cell_text(n) or c} ({c})"
                  for c, n in zip(gemeenten[GEMEENTECODE], gemeenten[GEMEENTENAAM])}
        return Voorbeeld([f"{len(gemeenten)} gemeenten, {int(gemeenten['buurten'].sum())} "
                          "buurten."], tabel=gemeenten, gemeenten=labels, kaart=True)
    if ingelezen.kind == "initiatieven":
        tellen = initiatieven_samenvatting(frame)
        return Voorbeeld(
            [f"{tellen['totaal']} initiatieven: {tellen['met_coordinaten']} met coördinaten, "
             f"{tellen['alleen_buurtcode']} alleen met een buurtcode, {tellen['verborgen']} "
             "met een verborgen adres (op de kaart alleen op buurtniveau)."],
            toelichting="" if actief is not None else (
                "Er is nog geen eigen gebiedsindeling gepubliceerd: de kaart toont alleen de "
                "initiatieven met coördinaten."),
            kaart=True)
    gevonden = dekking(frame, actief)
    jaren = ", ".join(str(p) for p in gevonden.perioden) or "geen"
    regels = [f"Jaren: {jaren}. Cijfers: {', '.join(gevonden.indicatoren)}."]
    if actief is None:
        return Voorbeeld(regels, melding=(
            "Er is nog geen eigen gebiedsindeling gepubliceerd, dus de gebieden kunnen nog "
            "niet worden vergeleken. Publiceer ook de CBS Wijk- en buurtkaart."))
    regels.append(f"Gebieden vergeleken met de gepubliceerde gebiedsindeling "
                  f"({gevonden.buurten_actief} buurten). Van die buurten hebben er "
                  f"{gevonden.buurten_zonder_cijfers} geen cijfers in dit bestand.")
    tabel = gevonden.per_niveau.rename(columns={
        "in_bestand": "in dit bestand", "gevonden": "gevonden in de gebiedsindeling",
        "niet_gevonden": "niet gevonden"})
    ontbrekend = uitleg = ""
    if gevonden.ontbrekend:
        shown = gevonden.ontbrekend[:200]
        extra = len(gevonden.ontbrekend) - len(shown)
        ontbrekend = ", ".join(shown) + (f" … en nog {extra}" if extra else "")
        uitleg = (f"Deze {len(gevonden.ontbrekend)} codes staan niet in de gebiedsindeling "
                  "(bijvoorbeeld van een ander jaar of een andere gemeente):")
    return Voorbeeld(regels, tabel=tabel, ontbrekend=ontbrekend, ontbrekend_uitleg=uitleg)


def voorbeeld_kaart(ingelezen: Ingelezen, actief: gpd.GeoDataFrame | None,
                    gemeente: str | None = None) -> go.Figure:
    """The preview map: a boundary file's areas of ``gemeente``; an initiative list's points
    over the active buurten they lie in (at most :data:`MAX_VOORBEELD_BUURTEN` of them)."""
    frame = ingelezen.frame
    if ingelezen.kind == "buurten":
        return preview_map(frame[frame[GEMEENTECODE] == gemeente])
    points = initiatief_points(frame, actief)
    areas = None
    if actief is not None and GEMEENTECODE in points:
        areas = actief[(actief[NIVEAU] == "buurt")
                       & actief[GEMEENTECODE].isin(points[GEMEENTECODE].dropna())]
        areas = areas if len(areas) <= MAX_VOORBEELD_BUURTEN else None
    return preview_map(areas, points)


def preview_map(gebieden: gpd.GeoDataFrame | None = None,
                initiatieven: gpd.GeoDataFrame | None = None, *,
                height: int = 460) -> go.Figure:
    """A small map for the preview: areas as outlined polygons (hover: name and code) and,
    on top, initiative points (``geometry`` in RD, with naam, activiteit, wij_type,
    doelgroepen, op_buurtniveau). Offline base (white-bg) as every map of the dashboard."""
    fig = go.Figure()
    areas = gebieden if gebieden is not None and len(gebieden) else None
    if areas is not None:
        geojson = kaart.geojson_of(areas[[CODE, "geometry"]].reset_index(drop=True),
                                   tolerance=5.0 if len(areas) > 500 else 0.0)
        fig.add_trace(go.Choroplethmap(
            geojson=geojson, locations=areas[CODE], z=np.zeros(len(areas)),
            featureidkey="id", colorscale=[[0, "#cbc9e2"], [1, "#cbc9e2"]], showscale=False,
            marker={"line": {"width": 1, "color": "#54278f"}, "opacity": 0.6},
            text=[f"{plain_label(n)} ({plain_label(c)})" for n, c in zip(areas[NAAM], areas[CODE])],
            hovertemplate="%{text}<extra></extra>", name="gebieden", showlegend=False))
        view = kaart.bounds_view(areas, height=height)
    else:
        view = {"center": {"lat": 52.2, "lon": 5.3}, "zoom": 6}
    if initiatieven is not None and len(initiatieven):
        points = initiatieven.copy()
        for column in ("naam", "activiteit", "wij_type", "doelgroepen"):
            points[column] = points[column].map(plain_label)
        kaart.add_initiatief_points(fig, points, "wij_type", size=9)
        if areas is None:
            view = kaart.bounds_view(points, height=height)
    fig.update_layout(map={"style": "white-bg", **view}, height=height,
                      margin={"l": 0, "r": 0, "t": 0, "b": 0}, font={"family": kaart.FONT},
                      legend={"orientation": "h", "y": 0.01, "x": 0.99, "xanchor": "right",
                              "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0.85)"})
    return fig


def initiatief_points(frame: pd.DataFrame, gebieden: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Initiatives as points in RD for the preview map: their own x/y, or — for those with
    only a buurtcode or a hidden location — a point inside their buurt when the active
    boundaries have it (as the dashboard shows them)."""
    from wijkdata.compute.formulas import join_initiatieven_to_buurten
    if gebieden is None or len(gebieden) == 0:
        has_xy = frame["x"].notna() & frame["y"].notna()
        points = gpd.GeoDataFrame(
            frame.assign(op_buurtniveau=frame["locatie_verborgen"].fillna(False).astype(bool)),
            geometry=gpd.points_from_xy(frame["x"].where(has_xy), frame["y"].where(has_xy)),
            crs=28992)
        return points[has_xy.values & ~points["op_buurtniveau"].values]
    joined = join_initiatieven_to_buurten(frame, gebieden)
    return joined[joined.geometry.notna() & ~joined.geometry.is_empty]


# --- publishing and versions -----------------------------------------------------------------

def version_note(source: str, note: str) -> str:
    """Source and note in the version's one note field: "Bron: …" on the first line."""
    source, note = (source or "").strip(), (note or "").strip()
    return "\n".join(p for p in (f"Bron: {source}" if source else "", note) if p)


def publish(store, ingelezen: Ingelezen, *, name: str, filename: str, data: bytes,
            source: str = "", note: str = "", created_by: str = "",
            skip_invalid: bool = False, replaces=None, dekking=None):
    """Store the valid rows of ``ingelezen`` as a new version of dataset (kind, ``name``),
    active at once, in one transaction (:meth:`Store.publish`), with what the file is
    (:func:`datasets.source_kind_of`). Which ``name`` to use by default is
    :func:`datasets.default_target`'s to say.

    Refused — a WijkdataError, nothing stored — when the file has errors and
    ``skip_invalid`` is False, when no valid rows remain, or when ``replaces`` (the active
    version the user saw and agreed to replace) is no longer the active one.

    ``dekking`` (initiative lists only): the gemeente- and wijkcodes the list covers, as
    :func:`dekking_uit_invoer` gives them; None keeps the default (the gemeenten in which
    its initiatives lie). Given with another kind of file it is refused.
    """
    if dekking is not None and ingelezen.kind != "initiatieven":
        raise WijkdataError(DEKKING_ALLEEN_INITIATIEVEN)
    if replaces is not None and not nog_actief(store, replaces):
        raise WijkdataError(f"Intussen is er een andere versie van '{name}' actief geworden. "
                            "Bekijk wat er verandert en bevestig opnieuw.")
    if not ingelezen.usable(skip_invalid):
        if ingelezen.rapport.errors and len(ingelezen.frame) and not skip_invalid:
            message = (f"Niet gepubliceerd: het bestand heeft {len(ingelezen.rapport.errors)} "
                       "fouten. Verbeter ze, of kies ervoor de ongeldige rijen over te slaan.")
        elif ingelezen.rapport.errors:
            message = ("Niet gepubliceerd: er blijven geen goede rijen over. Verbeter de "
                       "fouten in het bestand.")
        else:
            message = "Niet gepubliceerd: het bestand bevat geen rijen om op te slaan."
        raise WijkdataError(message, [p for p in ingelezen.rapport.errors
                                      if p.row is None][:20])
    if ingelezen.kind not in KINDS:
        raise WijkdataError(f"Onbekende soort gegevens '{ingelezen.kind}'.")
    return store.publish(ingelezen.kind, name, ingelezen.frame, source_filename=filename,
                         checksum=checksum(data), created_by=created_by,
                         note=version_note(source, note),
                         source_kind=datasets.source_kind_of(ingelezen), dekking=dekking)


DEKKING_LABEL = "Dekking (gemeente- of wijkcodes, leeg = de gemeenten van de initiatieven)"
DEKKING_HELP = ("Het gebied waarover deze lijst iets zegt. Buurten daarbuiten worden niet "
                "beoordeeld: daar is het aanbod onbekend. Vul wijkcodes in als de lijst maar "
                "een deel van de gemeente dekt, bijvoorbeeld WK003401, WK003402.")
DEKKING_ALLEEN_INITIATIEVEN = (
    "Een dekking hoort alleen bij een lijst met initiatieven: het zegt welk gebied die lijst "
    "dekt. Dit bestand is geen lijst met initiatieven; laat de dekking leeg.")


def dekking_uit_invoer(text: str | None) -> tuple[str, ...] | None:
    """What the analyst typed as dekking → the codes, or None when left empty (then the
    gemeenten of the initiatives count). A wrong code is a Dutch WijkdataError."""
    if text is None or not str(text).strip():
        return None
    return witte_vlekken.parse_dekking(str(text))


def vraagt_dekking(ingelezen: Ingelezen) -> bool:
    """Whether publishing asks for the dekking: only an initiative list covers an area."""
    return ingelezen.kind == "initiatieven"


def standaard_dekking_tekst(ingelezen: Ingelezen) -> str:
    """The default dekking of an initiative list, for the page to show: "GM0034, GM0363",
    or '' when the list names no gemeente."""
    if not vraagt_dekking(ingelezen):
        return ""
    return ", ".join(witte_vlekken.standaard_dekking(ingelezen.frame))


def gegevenssets(versies, kind: str) -> list[str]:
    """The names of the datasets of ``kind`` among ``versies``, sorted."""
    return sorted({v.name for v in versies if v.kind == kind})


def naam_bezet(naam: str, versies) -> str:
    """Why ``naam`` cannot name a new dataset ('' when it can): another dataset has it
    already (case and surrounding spaces ignored)."""
    if naam.strip().casefold() not in {v.name.strip().casefold() for v in versies}:
        return ""
    return (f"Er is al een gegevensset met de naam '{naam.strip()}'. Kies een andere naam, of "
            "kies die gegevensset hierboven als u hem wilt vervangen.")


def nog_actief(store, versie) -> bool:
    """Whether ``versie`` is still the active version of its dataset (another analyst may
    have published or rolled back since the page showed what would change)."""
    return any(v.id == versie.id for v in store.active_versions())


def versies_table(versies) -> pd.DataFrame:
    """The versions of the store (newest first per dataset) with Dutch headers: soort, bron
    (what the file is, see :mod:`wijkdata.model.datasets`; empty when not recorded), naam, versie,
    actief, rijen, door, datum (Dutch local time), bestand, dekking (initiative lists: the
    codes given, or "gemeenten van de lijst"), toelichting, id."""
    rows = [{
        "soort": KIND_LABELS.get(v.kind, v.kind).split(" (")[0],
        "bron": datasets.NAME_BASES.get(v.source_kind, ""), "naam": v.name,
        "versie": v.number, "actief": "ja" if v.active else "", "rijen": v.rows,
        "door": v.created_by, "datum": v.created_at.astimezone(TIMEZONE).strftime(
            "%d-%m-%Y %H:%M"),
        "bestand": v.source_filename, "dekking": _dekking_tekst(v),
        "toelichting": v.note.replace("\n", " · "), "id": v.id,
    } for v in versies]
    return pd.DataFrame(rows, columns=["soort", "bron", "naam", "versie", "actief", "rijen",
                                       "door", "datum", "bestand", "dekking", "toelichting",
                                       "id"])


def _dekking_tekst(versie) -> str:
    if versie.kind != "initiatieven":
        return ""
    gegeven = getattr(versie, "dekking", None)
    return ", ".join(gegeven) if gegeven else "gemeenten van de lijst"


def versie_label(versie) -> str:
    """'Lijst met initiatieven · Wijkteams · versie 3 (actief)' — for a choice list
    (Streamlit shows option labels as plain text)."""
    kind = KIND_LABELS.get(versie.kind, versie.kind).split(" (")[0]
    active = " (actief)" if versie.active else ""
    when = versie.created_at.astimezone(TIMEZONE).strftime("%d-%m-%Y %H:%M")
    return f"{kind} · {versie.name} · versie {versie.number}{active} · {when}"
