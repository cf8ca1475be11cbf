"""Read any supported file and recognise what it is, without the user naming the format.

:func:`read_file` is the one entry point for the command line and the Data page. It decides
between boundaries (GeoPackage, GeoJSON, zipped shapefile), statistics (CBS OData, RIVM
50120NED, StatLine CSV) and initiative lists by looking at the content, then hands the file
to the reader of that kind.
"""
from __future__ import annotations

import hashlib

from wijkdata.errors import WijkdataError
from wijkdata.model.schema import KINDS
from wijkdata.readers import textio
from wijkdata.readers.base import Ingelezen

__all__ = ["Ingelezen", "read_file", "checksum", "detect_kind"]

MAX_FILE_BYTES = 2 * 1024**3


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def detect_kind(data: bytes, filename: str) -> str:
    """'buurten', 'indicatoren' or 'initiatieven', from the content of the file."""
    from wijkdata.readers.gebieden import looks_like_geo
    from wijkdata.readers.indicatoren import looks_like_indicatoren
    from wijkdata.readers.initiatieven import looks_like_initiatieven

    if looks_like_geo(data, filename):
        return "buurten"
    columns = list(textio.read_table(data, filename).columns)
    if looks_like_indicatoren(columns):
        return "indicatoren"
    if looks_like_initiatieven(columns):
        return "initiatieven"
    shown = ", ".join(columns[:12]) + (" ..." if len(columns) > 12 else "")
    raise WijkdataError(
        f"Onbekend soort bestand '{filename}': het is geen gebiedsindeling (GeoPackage, "
        "GeoJSON of shapefile), geen CBS- of RIVM-tabel en geen lijst met initiatieven. "
        f"Gevonden kolommen: {shown}.")


def read_file(data: bytes, filename: str, *, kind: str | None = None,
              layer: str | None = None, periode: int | None = None,
              mapping: dict[str, str] | None = None, keep_personal: bool = False,
              buurten=None) -> Ingelezen:
    """Read and validate one file; the kind is detected when not given.

    Raises :class:`WijkdataError` when the file cannot be read at all; problems in rows are
    in the returned report.
    """
    from wijkdata.readers.gebieden import looks_like_geo, read_gebieden
    from wijkdata.readers.indicatoren import read_indicatoren
    from wijkdata.readers.initiatieven import read_initiatieven

    if kind is not None and kind not in KINDS:
        raise WijkdataError(f"Onbekende soort '{kind}': kies uit {', '.join(KINDS)}.")
    if not data:
        raise WijkdataError(f"Het bestand '{filename}' is leeg.")
    detected = detect_kind(data, filename) if kind is None else kind
    if detected == "buurten":
        if not looks_like_geo(data, filename):
            raise WijkdataError(
                f"'{filename}' is geen gebiedsindeling: verwacht een GeoPackage, GeoJSON of "
                "een zip met een shapefile.")
        return read_gebieden(data, filename, layer=layer)
    if looks_like_geo(data, filename):
        wanted = "tabel met cijfers" if detected == "indicatoren" else "lijst met initiatieven"
        raise WijkdataError(f"'{filename}' is een kaartbestand met gebieden, geen {wanted}.")
    raw = textio.read_table(data, filename)
    if detected == "indicatoren":
        return read_indicatoren(raw, filename, periode=periode)
    return read_initiatieven(raw, filename, mapping=mapping, keep_personal=keep_personal,
                             buurten=buurten)
