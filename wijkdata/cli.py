"""Command line for scheduled jobs: ``python -m wijkdata check|import|export|datasets|meldingen``.

Exit status: 0 usable (warnings allowed), 1 not usable or refused (nothing stored), 2 wrong
usage. Bad input gives a Dutch message, never a traceback; so does a database that cannot be
opened (``--db``, see :mod:`wijkdata.store`).

``check`` and ``import`` check a file exactly as the Data page does (:func:`upload.read_checked`,
:func:`upload.publish`). ``import`` picks the dataset by what the file is
(:func:`datasets.default_target`), unless ``--name`` says otherwise. ``export`` refuses a store
without published data (exit 1) instead of writing the fictitious demo; ``--demo`` asks for it.

``meldingen list|approve|reject`` moderates reports of residents (:mod:`wijkdata.meldingen`):
``list`` never shows contact details (CSV with formula text neutralised, or one JSON array);
``approve``/``reject`` exit 1 for an unknown report or one already handled (nothing changes).
"""
from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from wijkdata import logs
from wijkdata.errors import Probleem, WijkdataError
from wijkdata.model.schema import KINDS, LEEFTIJDEN

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    def error(self, message):          # usage errors: exit 2, in Dutch where we can
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fout in de opdracht: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m wijkdata",
                     description="Kleine wij's: gegevens controleren, inlezen en uitvoeren.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser("check", help="controleer een bestand zonder iets op te slaan")
    _file_options(check)
    check.add_argument("--json", action="store_true", help="uitvoer als één JSON-object")

    imp = sub.add_parser("import", help="controleer een bestand en sla het op als nieuwe versie")
    _file_options(imp)
    imp.add_argument("--name", help="naam van de dataset (standaard: de dataset met dezelfde "
                                    "bron, anders een nieuwe, genoemd naar de bron)")
    imp.add_argument("--note", default="", help="toelichting bij deze versie")
    imp.add_argument("--db", help="database-URL (standaard WIJKDATA_DATABASE_URL of SQLite)")
    imp.add_argument("--dekking", metavar="CODES",
                     help="alleen bij initiatieven: het gebied dat de lijst dekt, als "
                          "gemeentecode (GM0034) of wijkcodes (WK003401,WK003402); standaard "
                          "de gemeenten waarin de initiatieven liggen")

    exp = sub.add_parser("export", help="schrijf de cijfers per buurt of de initiatieven weg")
    exp.add_argument("--what", choices=["buurten", "initiatieven"], default="buurten")
    exp.add_argument("--gemeente", help="alleen deze gemeente, bijvoorbeeld GM0034")
    exp.add_argument("--period", type=int, help="jaar van de cijfers (standaard het laatste)")
    exp.add_argument("--age", choices=LEEFTIJDEN, default="18+")
    exp.add_argument("--format", choices=["csv", "geojson"], default="csv")
    exp.add_argument("--output", help="bestand om naar te schrijven (standaard: het scherm)")
    exp.add_argument("--db", help="database-URL")
    exp.add_argument("--demo", action="store_true",
                     help="schrijf de voorbeelddata (fictief) weg in plaats van de database")
    # Read as text and checked in _methode, so a wrong value gets a Dutch message.
    exp.add_argument("--eenzaam-kwantiel", metavar="Q", default="0.75",
                     help="grens voor veel eenzaamheid: kwantiel binnen de gemeente, 0 tot 1 "
                          "(standaard 0.75)")
    exp.add_argument("--aanbod-kwantiel", metavar="Q", default="0.25",
                     help="grens voor weinig aanbod: kwantiel binnen de gemeente, 0 tot 1 "
                          "(standaard 0.25)")
    exp.add_argument("--bereik", metavar="M", default="500",
                     help="een initiatief telt mee tot zoveel meter van de buurtrand "
                          "(standaard 500)")
    exp.add_argument("--min-inwoners", metavar="N", default="100",
                     help="buurten met minder inwoners worden niet beoordeeld (standaard 100)")

    ds = sub.add_parser("datasets", help="toon de datasets en hun versies")
    ds.add_argument("--db", help="database-URL")

    _meldingen_parser(sub)
    from wijkdata import ophalen
    ophalen.add_fetch_parser(sub)
    return parser


MELDINGEN_STATUSSEN = ("nieuw", "goedgekeurd", "samengevoegd", "afgewezen", "alle")


def _meldingen_parser(sub) -> None:
    mel = sub.add_parser("meldingen", help="meldingen van inwoners bekijken en behandelen")
    acties = mel.add_subparsers(dest="actie", required=True, parser_class=_Parser)
    lijst = acties.add_parser("list", help="toon de meldingen (nooit contactgegevens)")
    lijst.add_argument("--status", choices=MELDINGEN_STATUSSEN, default="nieuw",
                       help="welke meldingen (standaard: nieuw)")
    lijst.add_argument("--format", choices=["csv", "json"], default="csv")
    lijst.add_argument("--db", help="database-URL")
    keur = acties.add_parser("approve", help="keur een melding goed: het initiatief komt in "
                                             "de dataset 'meldingen'")
    keur.add_argument("id", metavar="ID", type=int, help="nummer van de melding")
    keur.add_argument("--db", help="database-URL")
    wijs = acties.add_parser("reject", help="wijs een melding af, met een reden")
    wijs.add_argument("id", metavar="ID", type=int, help="nummer van de melding")
    wijs.add_argument("--reden", required=True, help="waarom de melding wordt afgewezen")
    wijs.add_argument("--db", help="database-URL")


def _file_options(parser):
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--kind", choices=KINDS)
    parser.add_argument("--skip-invalid", action="store_true",
                        help="sla ongeldige rijen over en gebruik de rest")
    parser.add_argument("--period", type=int, help="jaar, als het niet uit het bestand blijkt")
    parser.add_argument("--layer", help="laag in een GeoPackage")


def main(argv: list[str] | None = None) -> int:
    logs.configure()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _check_usage(args)
    except WijkdataError as exc:       # wrong usage: exit 2, like argparse's own errors
        parser.error(exc.message)
    try:
        return {"check": cmd_check, "import": cmd_import, "export": cmd_export,
                "datasets": cmd_datasets, "meldingen": cmd_meldingen,
                "fetch": _cmd_fetch}[args.command](args)
    except WijkdataError as exc:
        _print_error(args, exc)
        return 1
    except Exception:  # a bug: a Dutch message here, the details in a file for the makers
        details = _save_traceback()
        # The traceback goes to the file, not to standard error: whoever reads the job's
        # output gets the Dutch message, the makers the file.
        log.error("Onverwachte fout in 'python -m wijkdata %s'; traceback in %s",
                  args.command, details)
        _print_error(args, WijkdataError(
            "Er ging iets onverwachts mis; er is niets opgeslagen of weggeschreven. "
            f"De technische details staan in {details}. Stuur dat bestand mee als u dit meldt."))
        return 1


def _cmd_fetch(args) -> int:
    from wijkdata import ophalen
    return ophalen.cmd_fetch(args)


def _check_usage(args) -> None:
    """Options argparse cannot check by itself; a :class:`WijkdataError` means wrong usage."""
    if args.command == "export":
        args.methode = _methode(args)
    if args.command == "meldingen" and args.actie == "reject" and not args.reden.strip():
        raise WijkdataError("--reden is leeg: geef een reden waarom de melding wordt "
                            "afgewezen.")
    if args.command == "import" and args.dekking is not None:
        from wijkdata.compute.witte_vlekken import parse_dekking
        args.dekking = parse_dekking(args.dekking)
        if args.kind not in (None, "initiatieven"):
            raise WijkdataError(_DEKKING_ALLEEN_INITIATIEVEN)


_DEKKING_ALLEEN_INITIATIEVEN = (
    "--dekking hoort alleen bij een lijst met initiatieven: het zegt welk gebied die lijst "
    "dekt. Laat --dekking weg bij buurtgrenzen en cijfers.")


def _getal(text: str, option: str, low: float, high: float | None, *, geheel: bool = False):
    """``text`` as a number in [low, high] (high None: no upper limit); a Dutch error else.
    A decimal comma is accepted, as a Dutch user types it."""
    uitleg = (f"een {'geheel ' if geheel else ''}getal van {low:g} tot en met {high:g}"
              if high is not None else f"een {'geheel ' if geheel else ''}getal van {low:g} "
              "of meer")
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        value = float("nan")
    if (value != value or value in (float("inf"), float("-inf")) or value < low
            or (high is not None and value > high) or (geheel and value != int(value))):
        raise WijkdataError(f"{option} '{text}' kan niet: geef {uitleg}.")
    return int(value) if geheel else value


def _methode(args):
    from wijkdata.compute.witte_vlekken import Methode
    return Methode(
        eenzaam=_getal(args.eenzaam_kwantiel, "--eenzaam-kwantiel", 0, 1),
        aanbod=_getal(args.aanbod_kwantiel, "--aanbod-kwantiel", 0, 1),
        bereik_m=_getal(args.bereik, "--bereik", 0, None),
        min_inwoners=_getal(args.min_inwoners, "--min-inwoners", 0, None, geheel=True))


def _print_error(args, exc: WijkdataError) -> None:
    if getattr(args, "json", False):
        print(json.dumps({"kind": None, "rows": 0,
                          "errors": [Probleem(exc.message).as_dict()] +
                          [p.as_dict() for p in exc.problems],
                          "warnings": [p.as_dict() for p in exc.warnings]},
                         ensure_ascii=False))
    else:
        print(f"Fout: {exc}", file=sys.stderr)


def _save_traceback() -> str:
    try:
        with tempfile.NamedTemporaryFile("w", prefix="wijkdata-fout-", suffix=".txt",
                                         delete=False, encoding="utf-8") as handle:
            handle.write(f"{datetime.now().isoformat()} python -m wijkdata "
                         f"{' '.join(sys.argv[1:])}\n")
            traceback.print_exc(file=handle)
            return handle.name
    except OSError:
        return "(geen bestand: de tijdelijke map is niet beschrijfbaar)"


def _read(args):
    from wijkdata.upload import read_checked_path
    return read_checked_path(args.file, kind=args.kind, layer=args.layer, periode=args.period)


def _print_report(ingelezen, skip_invalid: bool, out=sys.stdout):
    rapport = ingelezen.rapport
    print(f"Soort: {ingelezen.kind} ({ingelezen.source_format}); {ingelezen.rows} rijen of "
          f"gebieden gelezen, {len(ingelezen.frame)} bruikbaar.", file=out)
    if ingelezen.dropped_columns:
        print("Persoonsgegevens weggelaten: " + ", ".join(ingelezen.dropped_columns), file=out)
    for label, problems in (("Fouten", rapport.errors), ("Waarschuwingen", rapport.warnings)):
        if problems:
            print(f"{label} ({len(problems)}):", file=out)
            for p in problems:
                print(f"  - {p}", file=out)
    if ingelezen.usable(skip_invalid):
        skipped = len(rapport.error_rows())
        extra = f" ({skipped} ongeldige rijen overgeslagen)" if skipped and skip_invalid else ""
        print(f"Resultaat: bruikbaar{extra}.", file=out)
    elif rapport.errors:
        print("Resultaat: niet bruikbaar. Verbeter de fouten, of gebruik --skip-invalid om de "
              "ongeldige rijen over te slaan.", file=out)
    else:
        print("Resultaat: niet bruikbaar: er zijn geen bruikbare rijen.", file=out)


def cmd_check(args) -> int:
    ingelezen, _ = _read(args)
    usable = ingelezen.usable(args.skip_invalid)
    if args.json:
        print(json.dumps({
            "kind": ingelezen.kind, "rows": ingelezen.rows,
            "errors": [p.as_dict() for p in ingelezen.rapport.errors],
            "warnings": [p.as_dict() for p in ingelezen.rapport.warnings],
            "usable": usable,
        }, ensure_ascii=False, default=str))
    else:
        _print_report(ingelezen, args.skip_invalid)
    return 0 if usable else 1


def cmd_import(args) -> int:
    from wijkdata import upload
    from wijkdata.model import datasets
    from wijkdata.store import Store
    ingelezen, data = _read(args)
    if args.dekking is not None and ingelezen.kind != "initiatieven":
        print(f"python -m wijkdata import: fout in de opdracht: {_DEKKING_ALLEEN_INITIATIEVEN} "
              f"Dit bestand is gelezen als {ingelezen.kind}. Niets opgeslagen.", file=sys.stderr)
        return 2
    _print_report(ingelezen, args.skip_invalid)
    if not ingelezen.usable(args.skip_invalid):
        print("Niets opgeslagen.", file=sys.stderr)
        return 1
    store = Store(args.db)
    name = (args.name or "").strip() or datasets.default_target(store, ingelezen).name
    vervanging = datasets.replacement(store, ingelezen.kind, name, ingelezen)
    if vervanging is not None:
        print(f"Let op: {vervanging.melding}")
    versie = upload.publish(store, ingelezen, name=name, filename=Path(args.file).name,
                            data=data, source=ingelezen.source_format, note=args.note,
                            created_by=_user(), skip_invalid=args.skip_invalid,
                            dekking=args.dekking)
    print(f"Opgeslagen: {versie.kind} '{versie.name}' versie {versie.number} "
          f"({versie.rows} rijen).")
    return 0


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def cmd_export(args) -> int:
    from wijkdata.compute.buurttabel import buurtcijfers
    from wijkdata.export import spreadsheets
    from wijkdata.model.gegevens import load_active, load_demo
    from wijkdata.store import Store, shown_url
    if args.demo:
        gegevens = load_demo()
    else:
        store = Store(args.db)
        if not store.has_data():
            # A scheduled job must notice: the fictitious demo is never written unasked.
            raise WijkdataError(
                f"Er zijn nog geen gegevens gepubliceerd in de database "
                f"'{shown_url(store.url)}', dus er is niets om weg te schrijven. Lees eerst "
                "bestanden in (op de pagina Data, of met 'python -m wijkdata import BESTAND'), "
                "of gebruik --demo voor de voorbeelddata (fictief).")
        gegevens = load_active(store)
    if args.what == "buurten":
        if gegevens.buurten.empty:
            raise WijkdataError(
                "Er is geen gebiedsindeling (buurtgrenzen) gepubliceerd, dus er zijn geen "
                "buurten om cijfers voor te geven. Lees eerst een gebiedsindeling in, zoals de "
                "CBS Wijk- en buurtkaart (GeoPackage) of de gebiedsindeling van PDOK (GeoJSON). "
                "De initiatieven kunnen wel al weg: --what initiatieven.")
        _check_gemeente(args.gemeente, set(gegevens.gemeenten["code"]))
        cijfers = buurtcijfers(gegevens, gemeentecode=args.gemeente, periode=args.period,
                               leeftijd=args.age, methode=args.methode)
        table = spreadsheets.buurten_table(cijfers)
        geometry = gegevens.buurten.set_index("code").geometry.reindex(cijfers["buurtcode"])
    else:
        initiatieven = gegevens.initiatieven
        _check_gemeente(args.gemeente, set(gegevens.gemeenten["code"])
                        | set(initiatieven["gemeentecode"].dropna()))
        if args.gemeente:
            initiatieven = initiatieven[initiatieven["gemeentecode"] == args.gemeente]
        table = spreadsheets.initiatieven_table(initiatieven)
        geometry = initiatieven.geometry
        hidden = table["op_buurtniveau"].fillna(False).astype(bool).values
        geometry = geometry.where(~hidden, None) if hidden.any() else geometry
    if args.format == "csv":
        payload = spreadsheets.to_csv_bytes(table)
    else:
        payload = spreadsheets.to_geojson_bytes(table, geometry)
    if args.output:
        try:
            Path(args.output).write_bytes(payload)
        except OSError as exc:
            raise WijkdataError(f"Kan niet schrijven naar '{args.output}': "
                                f"{exc.strerror or exc}.") from None
        print(f"{len(table)} rijen geschreven naar {args.output}.", file=sys.stderr)
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    return 0


def _check_gemeente(gemeentecode: str | None, known: set) -> None:
    if gemeentecode and gemeentecode not in known:
        raise WijkdataError(f"Gemeente '{gemeentecode}' komt niet voor in de actieve "
                            "gegevens.")


def cmd_datasets(args) -> int:
    from wijkdata.formatting import tijdstip
    from wijkdata.store import Store
    store = Store(args.db)
    versies = store.versions()
    if not versies:
        print("Nog geen datasets opgeslagen; het dashboard toont de voorbeelddata (fictief).")
        return 0
    print(f"{'':2}{'soort':<13}{'bron':<17}{'naam':<28}{'versie':>6}  {'rijen':>8}  "
          f"{'datum':<17}{'door':<14}bestand")
    for v in versies:
        mark = "* " if v.active else "  "
        # Dutch time, as the Data page shows it.
        print(f"{mark}{v.kind:<13}{(v.source_kind or '')[:16]:<17}{v.name[:27]:<28}"
              f"{v.number:>6}  {v.rows:>8}  {tijdstip(v.created_at):%Y-%m-%d %H:%M}  "
              f"{v.created_by[:13]:<14}{v.source_filename}")
        if v.kind == "initiatieven":
            # what the list covers decides where supply is known (witte vlekken)
            dekking = ", ".join(v.dekking) if v.dekking else "de gemeenten van de lijst"
            print(f"{'':4}dekking: {dekking}")
    print("* = actieve versie")
    return 0


def cmd_meldingen(args) -> int:
    from wijkdata.meldingen import Meldingen
    from wijkdata.store import Store
    meldingen = Meldingen(Store(args.db))
    if args.actie == "list":
        lijst = meldingen.lijst(None if args.status == "alle" else args.status)
        sys.stdout.buffer.write(meldingen_bytes(lijst, args.format))
        sys.stdout.flush()
        return 0
    if args.actie == "approve":
        versie = meldingen.goedkeuren(args.id, door=_user())
        aantal = "1 initiatief" if versie.rows == 1 else f"{versie.rows} initiatieven"
        print(f"Melding {args.id} goedgekeurd: het initiatief staat in '{versie.name}' "
              f"(versie {versie.number}, nu {aantal}).")
        return 0
    meldingen.afwijzen(args.id, reden=args.reden, door=_user())
    print(f"Melding {args.id} afgewezen.")
    return 0


def meldingen_bytes(lijst, fmt: str) -> bytes:
    """The list of reports as the command line writes it: CSV (formula text neutralised,
    empty when missing, ``true``/``false``) or one JSON array of objects (missing or empty ->
    null; texts literal).
    ``ingediend`` and ``behandeld`` in ISO 8601 (UTC)."""
    import pandas as pd

    from wijkdata.export import spreadsheets
    from wijkdata.formatting import is_missing
    table = lijst.copy()
    for column in ("ingediend", "behandeld"):
        table[column] = [None if is_missing(v) else pd.Timestamp(v).isoformat(timespec="seconds")
                         for v in table[column]]
    if fmt == "csv":
        return spreadsheets.to_csv_bytes(spreadsheets.safe_table(table))
    records = [{k: _json_value(v) for k, v in row.items()}
               for row in table.to_dict("records")]
    return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _json_value(value):
    from wijkdata.formatting import is_missing
    if value is None or value == "" or (not isinstance(value, str) and is_missing(value)):
        return None       # an empty answer is missing, as in the CSV
    if hasattr(value, "item"):          # numpy scalars: int64, float64, bool_
        return value.item()
    return value
