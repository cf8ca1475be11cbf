"""Command line for scheduled jobs: ``python -m wijkdata check|import|export|datasets``.

Exit status: 0 usable (warnings allowed), 1 not usable or refused (nothing stored), 2 wrong
usage. Bad input gives a Dutch message, never a traceback.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from .columns import KINDS, LEEFTIJDEN
from .errors import Probleem, WijkdataError


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
    imp.add_argument("--name", help="naam van de dataset (standaard: de bestandsnaam)")
    imp.add_argument("--note", default="", help="toelichting bij deze versie")
    imp.add_argument("--db", help="database-URL (standaard WIJKDATA_DATABASE_URL of SQLite)")

    exp = sub.add_parser("export", help="schrijf de cijfers per buurt of de initiatieven weg")
    exp.add_argument("--what", choices=["buurten", "initiatieven"], default="buurten")
    exp.add_argument("--gemeente", help="alleen deze gemeente, bijvoorbeeld GM0034")
    exp.add_argument("--period", type=int, help="jaar van de cijfers (standaard het laatste)")
    exp.add_argument("--age", choices=LEEFTIJDEN, default="18+")
    exp.add_argument("--format", choices=["csv", "geojson"], default="csv")
    exp.add_argument("--output", help="bestand om naar te schrijven (standaard: het scherm)")
    exp.add_argument("--db", help="database-URL")

    ds = sub.add_parser("datasets", help="toon de datasets en hun versies")
    ds.add_argument("--db", help="database-URL")
    return parser


def _file_options(parser):
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--kind", choices=KINDS)
    parser.add_argument("--skip-invalid", action="store_true",
                        help="sla ongeldige rijen over en gebruik de rest")
    parser.add_argument("--period", type=int, help="jaar, als het niet uit het bestand blijkt")
    parser.add_argument("--layer", help="laag in een GeoPackage")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return {"check": cmd_check, "import": cmd_import, "export": cmd_export,
                "datasets": cmd_datasets}[args.command](args)
    except WijkdataError as exc:
        if getattr(args, "json", False):
            print(json.dumps({"kind": None, "rows": 0,
                              "errors": [Probleem(exc.message).as_dict()] +
                              [p.as_dict() for p in exc.problems],
                              "warnings": [p.as_dict() for p in exc.warnings]},
                             ensure_ascii=False))
        else:
            print(f"Fout: {exc}", file=sys.stderr)
        return 1


def _read(args):
    from .readers import read_path
    return read_path(args.file, kind=args.kind, layer=args.layer, periode=args.period)


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
    from .store import Store
    ingelezen, data = _read(args)
    _print_report(ingelezen, args.skip_invalid)
    if not ingelezen.usable(args.skip_invalid):
        print("Niets opgeslagen.", file=sys.stderr)
        return 1
    from .readers import checksum
    store = Store(args.db)
    name = args.name or Path(args.file).stem
    versie = store.publish(ingelezen.kind, name, ingelezen.frame,
                           source_filename=Path(args.file).name, checksum=checksum(data),
                           created_by=_user(), note=args.note)
    print(f"Opgeslagen: {versie.kind} '{versie.name}' versie {versie.number} "
          f"({versie.rows} rijen).")
    return 0


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def cmd_export(args) -> int:
    from . import export
    from .gegevens import buurtcijfers, load_active
    from .store import Store
    gegevens = load_active(Store(args.db))
    if args.gemeente and args.gemeente not in set(gegevens.gemeenten["code"]):
        raise WijkdataError(f"Gemeente '{args.gemeente}' komt niet voor in de actieve "
                            "gegevens.")
    if args.what == "buurten":
        cijfers = buurtcijfers(gegevens, gemeentecode=args.gemeente, periode=args.period,
                               leeftijd=args.age)
        table = export.buurten_table(cijfers)
        geometry = gegevens.buurten.set_index("code").geometry.reindex(cijfers["buurtcode"])
    else:
        initiatieven = gegevens.initiatieven
        if args.gemeente:
            initiatieven = initiatieven[initiatieven["gemeentecode"] == args.gemeente]
        table = export.initiatieven_table(initiatieven)
        geometry = initiatieven.geometry
        hidden = table["op_buurtniveau"].fillna(False).astype(bool).values
        geometry = geometry.where(~hidden, None) if hidden.any() else geometry
    if args.format == "csv":
        payload = export.to_csv_bytes(table)
    else:
        payload = export.to_geojson_bytes(table, geometry)
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


def cmd_datasets(args) -> int:
    from .store import Store
    store = Store(args.db)
    versies = store.versions()
    if not versies:
        print("Nog geen datasets opgeslagen; het dashboard toont de voorbeelddata (fictief).")
        return 0
    print(f"{'':2}{'soort':<13}{'naam':<28}{'versie':>6}  {'rijen':>8}  {'datum':<17}{'door':<14}bestand")
    for v in versies:
        mark = "* " if v.active else "  "
        print(f"{mark}{v.kind:<13}{v.name[:27]:<28}{v.number:>6}  {v.rows:>8}  "
              f"{v.created_at:%Y-%m-%d %H:%M}  {v.created_by[:13]:<14}{v.source_filename}")
    print("* = actieve versie")
    return 0
