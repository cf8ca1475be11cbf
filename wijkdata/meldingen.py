"""Reports of initiatives by residents ("meldingen") and their moderation by analysts.

A resident fills in the form on the page *Meld een initiatief*; :meth:`Meldingen.indienen`
checks it (:func:`controleer`, one Dutch message per field), applies the rate limits and
stores it with status ``nieuw``. Nothing of it is shown anywhere until an analyst handles it:

- :meth:`Meldingen.goedkeuren` adds it as an initiative to the dataset
  ``('initiatieven', MELDINGEN_DATASET)`` (a new version, through the same store as every
  other list, so versions, rollback and PostgreSQL sharing work as usual);
- :meth:`Meldingen.samenvoegen` says it is an initiative an existing list already has: that
  list gets a new version in which that row counts as confirmed today;
- :meth:`Meldingen.afwijzen` keeps it out, with a reason.

Each of these is ONE write transaction (:meth:`Store.run_write`): the report row is locked
and its status checked inside it, so two analysts handling the same report at once give one
result and one Dutch error, never two initiatives; any failure changes nothing. Handling
removes the contact details in that same transaction, and every action is logged (who, when).

Decisions:

- Texts are stored literally (no escaping): escaping belongs to the place a text is shown
  (:mod:`wijkdata.escaping`); every download neutralises formula text.
- ``sinds`` becomes the initiative's ``startdatum`` when it reads as a date or a year
  (``2019``, ``1-3-2019``, ``1 maart 2019``, ``sinds 2019``; a year means 1 January, as in a
  list). Otherwise (``vorige zomer``) it is kept as the sentence "Bestaat sinds: ..." at the
  end of the ``omschrijving``, so nothing the resident wrote is lost.
- A report needs a buurt (``buurtcode``): that is where the map shows it, and the gemeenten
  of the buurten are the default dekking of the meldingen dataset. A point is optional.
- The rate limits are counted in the database (all app processes share them): per browser
  session per hour, and for the whole store per minute. The session id is stored only as a
  sha256 hash. A filled honeypot field (``website``) stores nothing and raises nothing: the
  page thanks the bot as usual, and the log says only that it happened.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from wijkdata.errors import Probleem, WijkdataError
from wijkdata.formatting import fmt_getal, tijdstip
from wijkdata.model import codes
from wijkdata.model import datasets as datasets_model
from wijkdata.model.schema import ACTIVITEITEN, DOELGROEPEN, INITIATIEF_COLUMNS
from wijkdata.store import Retry, Store, Versie, melding_acties, meldingen_table

log = logging.getLogger(__name__)

MELDINGEN_DATASET = "meldingen"        # dataset (kind 'initiatieven') of approved reports
BRON_MELDING = "melding"               # the ``bron`` of an initiative that came from a report
KIND = "initiatieven"
STATUSSEN = ("nieuw", "goedgekeurd", "samengevoegd", "afgewezen")
NIEUW, GOEDGEKEURD, SAMENGEVOEGD, AFGEWEZEN = STATUSSEN

# Longest text per field, in characters (a name fits a map label, a description a card).
MAX_LENGTE: dict[str, int] = {
    "naam": 120, "omschrijving": 1000, "activiteit": 60, "wij_type": 20, "doelgroepen": 300,
    "frequentie": 120, "sinds": 60, "buurtcode": 20, "contact_naam": 120,
    "contact_email": 254, "contact_telefoon": 30, "website": 500, "reden": 500,
}

# Who come: explained with an example, not with the words bonding and bridging.
WIJ_TYPES: dict[str, str] = {
    "bonding": "Vooral mensen die op elkaar lijken. Bijvoorbeeld: ouderen uit dezelfde "
               "straat die elke week samen koffiedrinken.",
    "bridging": "Vooral mensen die van elkaar verschillen. Bijvoorbeeld: jong en oud die "
                "samen vlotten voor vogels bouwen.",
    "beide": "Allebei. Bijvoorbeeld: een straat die samen zingt op Koningsdag, buren van "
             "alle leeftijden en achtergronden.",
}

LIJST_KOLOMMEN = ["id", "naam", "omschrijving", "activiteit", "wij_type", "doelgroepen",
                  "frequentie", "buurtcode", "lat", "lon", "locatie_verborgen", "status",
                  "ingediend", "behandeld"]          # never contact details
ACTIES_KOLOMMEN = ["wanneer", "wie", "actie", "toelichting"]
CONTACT_VELDEN = ("contact_naam", "contact_email", "contact_telefoon")
# What an analyst may change before approving (never the contact details).
BEWERKBAAR = ("naam", "omschrijving", "activiteit", "wij_type", "doelgroepen", "frequentie",
              "sinds", "buurtcode", "lat", "lon", "locatie_verborgen")

# The Netherlands including the Wadden and a margin at sea (WGS84 degrees).
NL_LAT = (50.7, 53.7)
NL_LON = (3.2, 7.3)

# Who stored the report, in the action log: the form does not know who fills it in.
MELDER = "melder (formulier)"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_TELEFOON = re.compile(r"^[0-9 +\-().]*$")
_SINDS = re.compile(r"^\s*(sinds|vanaf|begonnen in|gestart in)\s+", re.IGNORECASE)
# Two processes taking the PostgreSQL advisory lock for counting reports use this key.
_TELSLOT = 0x6D656C64     # 'meld'


@dataclass(frozen=True)
class Invoer:
    """What the form sends. ``website`` is the honeypot: hidden from people, a bot fills it."""

    naam: str
    omschrijving: str = ""
    activiteit: str = ""
    wij_type: str = ""
    doelgroepen: tuple[str, ...] = ()
    frequentie: str = ""
    sinds: str = ""
    buurtcode: str = ""
    lat: float | None = None
    lon: float | None = None
    locatie_verborgen: bool = False
    contact_naam: str = ""
    contact_email: str = ""
    contact_telefoon: str = ""
    website: str = ""


@dataclass(frozen=True, kw_only=True)
class Melding(Invoer):
    """A stored report: every field of :class:`Invoer` (contact details empty once handled,
    ``website`` always empty) plus its id, status and handling."""

    id: int
    status: str
    ingediend: datetime
    behandeld: datetime | None = None
    behandeld_door: str = ""
    reden: str = ""


class TeVeelMeldingen(WijkdataError):
    """A rate limit was hit; the Dutch message says when to try again
    (``opnieuw_over``)."""

    def __init__(self, message: str, opnieuw_over: timedelta):
        super().__init__(message)
        self.opnieuw_over = opnieuw_over


# --- checking the form --------------------------------------------------------------------

def _tekst(value) -> str:
    # NUL cannot be stored in PostgreSQL text and is never typed on purpose.
    return "" if value is None else str(value).replace("\x00", "").strip()


def _getal(value) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", ".")     # a Dutch decimal comma
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan       # reported by controleer as not a place
    return None if math.isnan(number) else number


def schoon(invoer: Invoer) -> Invoer:
    """``invoer`` with texts trimmed, the buurtcode in capitals, doelgroepen without
    empties or doubles, and a missing coordinate (NaN) as None."""
    doelgroepen = invoer.doelgroepen
    if isinstance(doelgroepen, str):
        doelgroepen = tuple(re.split(r"[;,]", doelgroepen))
    return dataclasses.replace(
        invoer,
        naam=_tekst(invoer.naam), omschrijving=_tekst(invoer.omschrijving),
        activiteit=_tekst(invoer.activiteit), wij_type=_tekst(invoer.wij_type).lower(),
        doelgroepen=tuple(dict.fromkeys(d for d in (_tekst(x) for x in doelgroepen or ())
                                        if d)),
        frequentie=_tekst(invoer.frequentie), sinds=_tekst(invoer.sinds),
        buurtcode=_tekst(invoer.buurtcode).upper(), lat=_getal(invoer.lat),
        lon=_getal(invoer.lon), locatie_verborgen=bool(invoer.locatie_verborgen),
        contact_naam=_tekst(invoer.contact_naam), contact_email=_tekst(invoer.contact_email),
        contact_telefoon=_tekst(invoer.contact_telefoon), website=_tekst(invoer.website))


def controleer(invoer: Invoer, buurtcodes: Collection[str] | None = None) -> dict[str, str]:
    """Field name -> Dutch message, to show next to that field; ``{}`` when all is fine.

    ``buurtcodes``: the buurten the form offers; a buurtcode outside them is refused. Without
    it only the form of the code is checked. Problems with the point (one coordinate only,
    outside the Netherlands) are given under ``lat``.
    """
    invoer = schoon(invoer)
    fouten: dict[str, str] = {}
    for veld, maximum in MAX_LENGTE.items():
        if not hasattr(invoer, veld):
            continue
        waarde = getattr(invoer, veld)
        lengte = len("; ".join(waarde)) if isinstance(waarde, tuple) else len(str(waarde))
        if lengte > maximum:
            fouten[veld] = (f"Dit is te lang: {fmt_getal(lengte)} tekens. Gebruik er hoogstens "
                            f"{fmt_getal(maximum)}.")
    if not invoer.naam:
        fouten["naam"] = "Vul de naam van het initiatief in."
    if "activiteit" not in fouten and invoer.activiteit \
            and invoer.activiteit.lower() not in ACTIVITEITEN:
        fouten["activiteit"] = "Kies een soort activiteit uit de lijst."
    if "wij_type" not in fouten and invoer.wij_type and invoer.wij_type not in WIJ_TYPES:
        fouten["wij_type"] = "Kies een van de antwoorden bij 'Wie komen er?'."
    if "doelgroepen" not in fouten and any(d.lower() not in DOELGROEPEN
                                           for d in invoer.doelgroepen):
        fouten["doelgroepen"] = "Kies bij 'Voor wie?' alleen groepen uit de lijst."
    if "buurtcode" not in fouten:
        if not invoer.buurtcode:
            fouten["buurtcode"] = "Kies de buurt waar het initiatief is."
        elif not codes.is_valid(invoer.buurtcode, "buurt") or (
                buurtcodes is not None and invoer.buurtcode not in set(buurtcodes)):
            fouten["buurtcode"] = "Deze buurt kennen we niet. Kies de buurt uit de lijst."
    plek = _plek_fout(invoer.lat, invoer.lon)
    if plek:
        fouten["lat"] = plek
    if "contact_email" not in fouten and invoer.contact_email \
            and not _EMAIL.match(invoer.contact_email):
        fouten["contact_email"] = ("Dit lijkt geen e-mailadres. Schrijf het zo: "
                                   "naam@voorbeeld.nl.")
    if "contact_telefoon" not in fouten and invoer.contact_telefoon and (
            not _TELEFOON.match(invoer.contact_telefoon)
            or sum(c.isdigit() for c in invoer.contact_telefoon) < 6):
        fouten["contact_telefoon"] = ("Dit lijkt geen telefoonnummer. Gebruik cijfers, en "
                                      "eventueel spaties, + of -.")
    return fouten


def _plek_fout(lat: float | None, lon: float | None) -> str | None:
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        return ("Van de plek is maar de helft bekend. Klik de plek opnieuw aan op de kaart, "
                "of laat de plek leeg.")
    if not (math.isfinite(lat) and math.isfinite(lon)
            and NL_LAT[0] <= lat <= NL_LAT[1] and NL_LON[0] <= lon <= NL_LON[1]):
        return ("Deze plek ligt niet in Nederland. Klik de plek van het initiatief aan op de "
                "kaart, of laat de plek leeg.")
    return None


def _fouten_error(fouten: Mapping[str, str], wat: str) -> WijkdataError:
    return WijkdataError(wat, [Probleem(bericht, column=veld) for veld, bericht in fouten.items()])


def sessie_hash(sessie: str) -> str:
    """What is stored of a browser session: its sha256 (only used to count reports)."""
    return hashlib.sha256(f"wijkdata-melding:{sessie}".encode()).hexdigest()


def startdatum(sinds: str) -> pd.Timestamp | None:
    """``sinds`` as a start date when it reads as a date or a year (see the module text);
    None otherwise."""
    from wijkdata.readers.initiatieven import parse_datum
    text = _SINDS.sub("", _tekst(sinds)).strip(" .")
    if not text:
        return None
    try:
        datum, _ = parse_datum(text)
    except (ValueError, OverflowError):
        return None
    if not 1800 <= datum.year <= datetime.now(UTC).year + 1:
        return None
    return pd.Timestamp(datum)


def _vandaag() -> pd.Timestamp:
    # The Dutch calendar day: an approval at 00:30 in Amsterdam is today, not yesterday (UTC).
    return pd.Timestamp(tijdstip(datetime.now(UTC)).date())


# --- the store of reports --------------------------------------------------------------------

class Meldingen:
    """Reports in ``store`` (a :class:`wijkdata.store.Store`), with the rate limits given
    (the page reads them from the settings ``meldingen_per_sessie_per_uur`` and
    ``meldingen_per_minuut``)."""

    def __init__(self, store: Store, *, per_sessie_per_uur: int = 5, per_minuut: int = 30):
        self.store = store
        self.per_sessie_per_uur = int(per_sessie_per_uur)
        self.per_minuut = int(per_minuut)

    @classmethod
    def uit_instellingen(cls, store: Store, secrets: Mapping | None = None) -> Meldingen:
        """With the rate limits from the settings (environment, then ``[wijkdata]``)."""
        from wijkdata import instellingen
        return cls(store,
                   per_sessie_per_uur=int(instellingen.getal("meldingen_per_sessie_per_uur",
                                                             secrets, 5)),
                   per_minuut=int(instellingen.getal("meldingen_per_minuut", secrets, 30)))

    def _nu(self) -> datetime:
        return datetime.now(UTC)

    # --- melden -------------------------------------------------------------------------

    def indienen(self, invoer: Invoer, *, sessie: str,
                 buurtcodes: Collection[str] | None = None) -> int | None:
        """Store a report with status 'nieuw' and return its id.

        A :class:`WijkdataError` with one :class:`Probleem` per field (``column`` = the
        field) when :func:`controleer` finds something; :class:`TeVeelMeldingen` when this
        session sent ``per_sessie_per_uur`` reports in the past hour, or the whole store
        ``per_minuut`` in the past minute. A filled honeypot (``website``): nothing is stored
        and None is returned.
        """
        if _tekst(invoer.website):
            # Only that it happened: the content of a bot's form is nobody's business.
            log.info("Melding niet opgeslagen: het verborgen veld was ingevuld (waarschijnlijk "
                     "een robot).")
            return None
        invoer = schoon(invoer)
        fouten = controleer(invoer, buurtcodes)
        if fouten:
            raise _fouten_error(fouten, "De melding is niet verstuurd. Verbeter wat bij de "
                                        "vragen staat.")
        hashed = sessie_hash(sessie or "")

        def opslaan(conn) -> int:
            # Count and insert as one step, in order, for every app process.
            self.store.one_at_a_time(conn, _TELSLOT)
            nu = self._nu()
            self._controleer_tempo(conn, hashed, nu)
            melding_id = conn.execute(
                meldingen_table.insert().values(
                    naam=invoer.naam, omschrijving=invoer.omschrijving,
                    activiteit=invoer.activiteit, wij_type=invoer.wij_type,
                    doelgroepen="; ".join(invoer.doelgroepen), frequentie=invoer.frequentie,
                    sinds=invoer.sinds, buurtcode=invoer.buurtcode, lat=invoer.lat,
                    lon=invoer.lon, locatie_verborgen=invoer.locatie_verborgen,
                    contact_naam=invoer.contact_naam or None,
                    contact_email=invoer.contact_email or None,
                    contact_telefoon=invoer.contact_telefoon or None,
                    status=NIEUW, sessie=hashed, ingediend=nu)
                .returning(meldingen_table.c.id)
            ).scalar_one()
            self._log(conn, melding_id, MELDER, "ingediend", "", nu)
            return int(melding_id)

        try:
            melding_id = self.store.run_write(opslaan)
        except TeVeelMeldingen:
            # That it happened, for whoever watches the server; not what was sent.
            log.info("Melding niet opgeslagen: te veel meldingen (per sessie of per minuut).")
            raise
        log.info("Melding %d ontvangen.", melding_id)
        return melding_id

    def _controleer_tempo(self, conn, hashed: str, nu: datetime) -> None:
        t = meldingen_table.c
        uur = conn.execute(
            sa.select(sa.func.count(), sa.func.min(t.ingediend))
            .where(t.sessie == hashed, t.ingediend > nu - timedelta(hours=1))).one()
        if uur[0] >= self.per_sessie_per_uur:
            wacht = _wachttijd(uur[1], timedelta(hours=1), nu)
            raise TeVeelMeldingen(
                f"U heeft het afgelopen uur al {uur[0]} initiatieven gemeld, en meer kan niet "
                f"in één uur. Dank u wel! Probeer het over {_duur(wacht)} opnieuw.", wacht)
        minuut = conn.execute(
            sa.select(sa.func.count(), sa.func.min(t.ingediend))
            .where(t.ingediend > nu - timedelta(minutes=1))).one()
        if minuut[0] >= self.per_minuut:
            wacht = _wachttijd(minuut[1], timedelta(minutes=1), nu)
            raise TeVeelMeldingen(
                "Er worden nu heel veel meldingen tegelijk verstuurd. Uw melding is nog niet "
                f"verstuurd. Probeer het over {_duur(wacht)} opnieuw.", wacht)

    # --- reading --------------------------------------------------------------------------

    def lijst(self, status: str | None = NIEUW) -> pd.DataFrame:
        """The reports with ``status`` (None or 'alle': every report), oldest first, with
        :data:`LIJST_KOLOMMEN` (``ingediend``/``behandeld`` in UTC; a missing point NaN);
        never contact details."""
        if status == "alle":
            status = None
        if status is not None and status not in STATUSSEN:
            raise WijkdataError(f"Onbekende status '{status}'. Kies uit: "
                                f"{', '.join(STATUSSEN)} of alle.")
        t = meldingen_table.c
        query = sa.select(*[t[c] for c in LIJST_KOLOMMEN]).order_by(t.id)
        if status is not None:
            query = query.where(t.status == status)
        with self.store.reading() as conn:
            rows = conn.execute(query).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=LIJST_KOLOMMEN)
        frame["id"] = frame["id"].astype("int64")
        for column in ("lat", "lon"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
        frame["locatie_verborgen"] = frame["locatie_verborgen"].astype(bool)
        for column in ("ingediend", "behandeld"):
            frame[column] = pd.to_datetime(frame[column].map(_utc), utc=True)
        return frame

    def melding(self, id: int) -> Melding:
        """One report, with everything stored about it; WijkdataError when unknown."""
        with self.store.reading() as conn:
            row = conn.execute(sa.select(meldingen_table)
                               .where(meldingen_table.c.id == _id(id))).first()
        if row is None:
            raise WijkdataError(_onbekend(id))
        return _melding(row)

    def aantal_nieuw(self) -> int:
        """How many reports wait for an analyst."""
        with self.store.reading() as conn:
            return int(conn.execute(sa.select(sa.func.count())
                                    .where(meldingen_table.c.status == NIEUW)).scalar_one())

    def acties(self, id: int) -> pd.DataFrame:
        """What happened to report ``id``, in order: wanneer (UTC), wie, actie, toelichting."""
        self.melding(id)          # a Dutch error for an unknown id
        a = melding_acties.c
        with self.store.reading() as conn:
            rows = conn.execute(sa.select(a.wanneer, a.wie, a.actie, a.toelichting)
                                .where(a.melding_id == _id(id)).order_by(a.id)).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=ACTIES_KOLOMMEN)
        frame["wanneer"] = pd.to_datetime(frame["wanneer"].map(_utc), utc=True)
        return frame

    # --- handling -------------------------------------------------------------------------

    def goedkeuren(self, id: int, *, door: str,
                   wijzigingen: Mapping | None = None) -> Versie:
        """Approve report ``id``, after the analyst's ``wijzigingen`` (field -> new value,
        only :data:`BEWERKBAAR` fields). In one transaction: a new version of dataset
        ('initiatieven', MELDINGEN_DATASET) = its active frame + this initiative (``bron``
        'melding', ``laatst_bevestigd`` today), the report 'goedgekeurd' with the edits and
        without contact details, and the action logged. Returns that version."""
        wijzigingen = dict(wijzigingen or {})
        onbekend = sorted(set(wijzigingen) - set(BEWERKBAAR))
        if onbekend:
            raise WijkdataError(f"Deze velden kunnen niet aangepast worden: "
                                f"{', '.join(onbekend)}. Er is niets veranderd.")

        def actie(conn) -> Versie:
            row = self._open_melding(conn, id)
            melding = _melding(row)
            bewerkt = schoon(dataclasses.replace(melding, **wijzigingen)) if wijzigingen \
                else schoon(melding)
            fouten = controleer(bewerkt)
            if fouten:
                raise _fouten_error(fouten, f"Melding {id} is niet goedgekeurd: verbeter eerst "
                                            "wat bij de velden staat. Er is niets veranderd.")
            nu = self._nu()
            if self.store.lock_dataset(conn, KIND, MELDINGEN_DATASET) is None:
                raise _opnieuw()
            # Read the list only under its lock: another approval at the same moment would
            # otherwise build on the same old version and one of the two would be lost.
            _, vorige = self.store.active_frame_in(conn, KIND, MELDINGEN_DATASET)
            nieuw = initiatief_frame(bewerkt, melding_id=melding.id, vandaag=_vandaag())
            frame = nieuw if vorige is None or vorige.empty else _samen(vorige, nieuw)
            versie = self.store.publish_in(
                conn, KIND, MELDINGEN_DATASET, frame, source_filename="",
                checksum=_checksum(frame), created_by=door or "",
                note=f"Melding {melding.id} goedgekeurd: {bewerkt.naam}",
                source_kind=datasets_model.MELDINGEN, dekking=None)
            veranderd = [v for v in BEWERKBAAR if getattr(bewerkt, v) != getattr(melding, v)]
            self._afhandelen(conn, melding.id, GOEDGEKEURD, door, nu, reden=None,
                             velden={v: _kolomwaarde(bewerkt, v) for v in veranderd})
            toelichting = (f"aangepast: {', '.join(veranderd)}; " if veranderd else "") + \
                f"versie {versie.number} van '{MELDINGEN_DATASET}'"
            self._log(conn, melding.id, door, GOEDGEKEURD, toelichting, nu)
            return versie

        versie = self.store.run_write(actie)
        log.info("Melding %s goedgekeurd door %s.", id, door)
        return versie

    def samenvoegen(self, id: int, *, bron: str, rij: int, door: str) -> Versie:
        """Report ``id`` is initiative ``rij`` (0-based position) of the active version of
        initiatives dataset ``bron``: in one transaction that list gets a new version in
        which that row's ``laatst_bevestigd`` is today (its dekking, file and source kept),
        the report becomes 'samengevoegd' without contact details, and the action is
        logged. Returns the new version of ``bron``."""
        try:
            positie = int(rij)
        except (TypeError, ValueError):
            raise WijkdataError(f"Rij '{rij}' is geen rijnummer. Er is niets veranderd.") \
                from None

        def actie(conn) -> Versie:
            self._open_melding(conn, id)
            nu = self._nu()
            if self.store.lock_dataset(conn, KIND, bron) is None:
                raise _opnieuw()
            vorige_versie, vorige = self.store.active_frame_in(conn, KIND, bron)
            if vorige is None:
                raise WijkdataError(f"Er is geen actieve lijst met initiatieven '{bron}'. Er "
                                    "is niets veranderd.")
            if not 0 <= positie < len(vorige):
                raise WijkdataError(f"De lijst '{bron}' heeft geen rij {positie + 1} (de lijst "
                                    f"heeft {len(vorige)} rijen). Er is niets veranderd.")
            frame = bevestigd(vorige, positie, bron=bron,
                              eerder=pd.Timestamp(tijdstip(vorige_versie.created_at).date()),
                              vandaag=_vandaag())
            naam = frame["naam"].iloc[positie] if "naam" in frame else ""
            versie = self.store.publish_in(
                conn, KIND, bron, frame, source_filename=vorige_versie.source_filename,
                checksum=vorige_versie.checksum, created_by=door or "",
                note=f"Melding {_id(id)} samengevoegd met rij {positie + 1} ({naam}): "
                     "bevestigd",
                source_kind=vorige_versie.source_kind, dekking=vorige_versie.dekking)
            self._afhandelen(conn, _id(id), SAMENGEVOEGD, door, nu, reden=None)
            self._log(conn, _id(id), door, SAMENGEVOEGD,
                      f"met rij {positie + 1} ({naam}) van '{bron}', versie {versie.number}",
                      nu)
            return versie

        versie = self.store.run_write(actie)
        log.info("Melding %s samengevoegd door %s.", id, door)
        return versie

    def afwijzen(self, id: int, *, reden: str, door: str) -> None:
        """Reject report ``id`` with ``reden`` (required): status 'afgewezen', contact
        details removed, action logged; one transaction."""
        reden = _tekst(reden)
        if not reden:
            raise WijkdataError("Geef een reden waarom de melding wordt afgewezen. Er is niets "
                                "veranderd.")
        if len(reden) > MAX_LENGTE["reden"]:
            raise WijkdataError(f"De reden is te lang: {fmt_getal(len(reden))} tekens. Gebruik "
                                f"er hoogstens {fmt_getal(MAX_LENGTE['reden'])}. Er is niets "
                                "veranderd.")

        def actie(conn) -> None:
            self._open_melding(conn, id)
            nu = self._nu()
            self._afhandelen(conn, _id(id), AFGEWEZEN, door, nu, reden=reden)
            self._log(conn, _id(id), door, AFGEWEZEN, reden, nu)

        self.store.run_write(actie)
        log.info("Melding %s afgewezen door %s.", id, door)

    def _open_melding(self, conn, id: int):
        """The report row, locked until the transaction ends (PostgreSQL: FOR UPDATE, which
        waits for another analyst's transaction and then sees its result; SQLite: the
        database is locked by BEGIN IMMEDIATE); WijkdataError unless still 'nieuw'."""
        row = conn.execute(sa.select(meldingen_table)
                           .where(meldingen_table.c.id == _id(id))
                           .with_for_update()).first()
        if row is None:
            raise WijkdataError(_onbekend(id))
        if row.status != NIEUW:
            wanneer = tijdstip(_utc(row.behandeld))
            op = f" op {wanneer:%d-%m-%Y om %H:%M}" if wanneer else ""
            door = f" door {row.behandeld_door}" if row.behandeld_door else ""
            raise WijkdataError(f"Melding {row.id} is al behandeld ({row.status}{door}{op}). "
                                "Er is niets veranderd.")
        return row

    def _afhandelen(self, conn, melding_id: int, status: str, door: str, nu: datetime, *,
                    reden: str | None, velden: Mapping | None = None) -> None:
        # Contact details go in the same transaction as the decision: they were only there
        # for this decision.
        conn.execute(meldingen_table.update()
                     .where(meldingen_table.c.id == melding_id,
                            meldingen_table.c.status == NIEUW)
                     .values(status=status, behandeld=nu, behandeld_door=door or "",
                             reden=reden, contact_naam=None, contact_email=None,
                             contact_telefoon=None, **dict(velden or {})))

    def _log(self, conn, melding_id: int, wie: str, actie: str, toelichting: str,
             wanneer: datetime) -> None:
        conn.execute(melding_acties.insert().values(
            melding_id=melding_id, wanneer=wanneer, wie=wie or "", actie=actie,
            toelichting=toelichting or ""))

    # --- duplicates -----------------------------------------------------------------------

    def mogelijke_dubbelen(self, id: int, gebieden=None) -> pd.DataFrame:
        """Initiatives in the active lists and other open reports that report ``id`` may
        be a second report of (:func:`wijkdata.compute.dubbelen.mogelijke_dubbelen`; its
        columns). For an initiative, ``bron`` is the name of its dataset and ``rij`` its
        position there, as :meth:`samenvoegen` takes them; for a report, ``rij`` is its id.

        ``gebieden`` (boundaries with ``code``, ``niveau``, ``geometry``) lets a
        neighbouring buurt count as well; a mapping buurtcode -> neighbouring buurtcodes
        (:func:`~wijkdata.compute.dubbelen.buren_van`, computed once by the caller) does
        the same without measuring again.

        An initiative with a point but no buurtcode (a list geocoded from addresses) gets
        the buurt its point lies in first (:func:`~wijkdata.compute.dubbelen.buurtcodes_erbij`):
        in ``gebieden`` when it is a frame, else in the active boundaries of the store, read
        only when such an initiative is there."""
        from wijkdata.compute import dubbelen
        melding = self.melding(id)
        delen = []
        versies = self.store.active_versions()
        for versie in versies:
            if versie.kind != KIND:
                continue
            frame = self.store.load(versie.id).reset_index(drop=True)
            # The list a row is in is its dataset, and ``rij`` its position there: that is
            # what samenvoegen takes (a 'bron' column may name an older source).
            frame = frame.assign(bron=versie.name, rij=range(len(frame)))
            if "melding_id" in frame:
                # Once approved, the report is in the meldingen list itself: not a double.
                frame = frame[pd.to_numeric(frame["melding_id"], errors="coerce")
                              .ne(melding.id).to_numpy()]
            delen.append(frame)
        initiatieven = pd.concat(delen, ignore_index=True) if delen else pd.DataFrame()
        is_frame = not (gebieden is None or isinstance(gebieden, Mapping))
        if dubbelen.zonder_buurt(initiatieven).any():
            initiatieven = dubbelen.buurtcodes_erbij(
                initiatieven, gebieden if is_frame else self._grenzen(versies))
        buren = dubbelen.buren_van(gebieden) if is_frame else gebieden
        return dubbelen.mogelijke_dubbelen(melding, initiatieven, self.lijst(NIEUW), buren)

    def _grenzen(self, versies):
        """The buurt boundaries of the active boundary datasets in RD, or None without any,
        merged as for the dashboard (the newest version wins for a code)."""
        from wijkdata.model import gegevens
        from wijkdata.model.schema import NIVEAU
        frames = [self.store.load(versie.id) for versie in gegevens.nieuwste_eerst(versies)
                  if versie.kind == "buurten"]
        if not frames:
            return None
        samen = gegevens.samengevoegde_gebieden(frames)
        return samen[samen[NIVEAU] == "buurt"] if NIVEAU in samen else samen


# --- the initiative of a report ----------------------------------------------------------------

def initiatief_frame(invoer: Invoer, *, melding_id: int | None = None,
                     vandaag: pd.Timestamp | None = None) -> pd.DataFrame:
    """One initiative row as the initiative lists hold it (INITIATIEVEN_SCHEMA columns, RD
    ``x``/``y``), with ``bron`` 'melding', ``laatst_bevestigd`` ``vandaag`` and the report's
    ``melding_id``. Empty texts are missing values, as in a list."""
    from wijkdata.readers.initiatieven import wgs84_to_rd
    invoer = schoon(invoer)
    start = startdatum(invoer.sinds)
    omschrijving = invoer.omschrijving
    if invoer.sinds and start is None:
        # Not a date: kept as the resident wrote it, at the end of the description.
        omschrijving = f"{omschrijving} Bestaat sinds: {invoer.sinds}.".strip()
    heeft_punt = invoer.lat is not None and invoer.lon is not None
    x, y = wgs84_to_rd([invoer.lat], [invoer.lon]) if heeft_punt else ([math.nan], [math.nan])
    waarden = {
        "naam": invoer.naam, "omschrijving": omschrijving,
        "activiteit": invoer.activiteit.lower(), "wij_type": invoer.wij_type,
        "doelgroepen": "; ".join(d for d in DOELGROEPEN
                                 if d in {g.lower() for g in invoer.doelgroepen}),
        "frequentie": invoer.frequentie, "startdatum": start, "einddatum": None,
        "organisator": None, "buurtcode": invoer.buurtcode,
        "lat": invoer.lat if heeft_punt else math.nan,
        "lon": invoer.lon if heeft_punt else math.nan,
        "locatie_verborgen": bool(invoer.locatie_verborgen),
    }
    frame = pd.DataFrame([{k: (None if v == "" else v) for k, v in waarden.items()}],
                         columns=INITIATIEF_COLUMNS)
    frame["x"], frame["y"] = float(x[0]), float(y[0])
    frame["bron"] = BRON_MELDING
    frame["laatst_bevestigd"] = vandaag if vandaag is not None else _vandaag()
    frame["melding_id"] = melding_id
    return _typen(frame)


def _typen(frame: pd.DataFrame) -> pd.DataFrame:
    """The dtypes of a list: dates datetime64[ns] (day), numbers float, flags bool."""
    frame = frame.copy()
    for column in ("startdatum", "einddatum", "laatst_bevestigd"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]") \
                .dt.normalize()
    for column in ("lat", "lon", "x", "y"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    if "locatie_verborgen" in frame:
        frame["locatie_verborgen"] = frame["locatie_verborgen"].fillna(False).astype(bool)
    if "melding_id" in frame:
        frame["melding_id"] = pd.to_numeric(frame["melding_id"], errors="coerce") \
            .astype("Int64")
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].where(frame[column].notna(), None)
    return frame


def _samen(vorige: pd.DataFrame, nieuw: pd.DataFrame) -> pd.DataFrame:
    columns = list(dict.fromkeys([*vorige.columns, *nieuw.columns]))
    return _typen(pd.concat([vorige.reindex(columns=columns), nieuw.reindex(columns=columns)],
                            ignore_index=True))


def bevestigd(frame: pd.DataFrame, rij: int, *, bron: str, eerder: pd.Timestamp,
              vandaag: pd.Timestamp) -> pd.DataFrame:
    """``frame`` (an initiative list) with row ``rij`` confirmed on ``vandaag``. Rows
    without ``bron`` or ``laatst_bevestigd`` get what loading would give them (the dataset
    name; ``eerder``, the day of the version they came from), so the new version does not
    make them look confirmed today."""
    frame = frame.copy().reset_index(drop=True)
    if "bron" not in frame:
        frame["bron"] = bron
    frame["bron"] = frame["bron"].where(frame["bron"].notna() & (frame["bron"] != ""), bron)
    if "laatst_bevestigd" not in frame:
        frame["laatst_bevestigd"] = pd.NaT
    datums = pd.to_datetime(frame["laatst_bevestigd"], errors="coerce")
    frame["laatst_bevestigd"] = datums.fillna(eerder)
    frame.loc[rij, "laatst_bevestigd"] = vandaag
    return _typen(frame)


# --- small helpers ---------------------------------------------------------------------------

def _id(id) -> int:
    try:
        return int(id)
    except (TypeError, ValueError):
        raise WijkdataError(f"'{id}' is geen nummer van een melding.") from None


def _onbekend(id) -> str:
    return f"Melding {id} bestaat niet. Er is niets veranderd."


def _opnieuw():
    return Retry()


def _utc(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)   # SQLite keeps no time zone; the store writes UTC
    return value


def _melding(row) -> Melding:
    m = row._mapping
    return Melding(
        id=int(m["id"]), naam=m["naam"], omschrijving=m["omschrijving"] or "",
        activiteit=m["activiteit"] or "", wij_type=m["wij_type"] or "",
        doelgroepen=tuple(d for d in (m["doelgroepen"] or "").split("; ") if d),
        frequentie=m["frequentie"] or "", sinds=m["sinds"] or "",
        buurtcode=m["buurtcode"] or "", lat=m["lat"], lon=m["lon"],
        locatie_verborgen=bool(m["locatie_verborgen"]),
        contact_naam=m["contact_naam"] or "", contact_email=m["contact_email"] or "",
        contact_telefoon=m["contact_telefoon"] or "", status=m["status"],
        ingediend=_utc(m["ingediend"]), behandeld=_utc(m["behandeld"]),
        behandeld_door=m["behandeld_door"] or "", reden=m["reden"] or "")


def _kolomwaarde(invoer: Invoer, veld: str):
    waarde = getattr(invoer, veld)
    return "; ".join(waarde) if veld == "doelgroepen" else waarde


def _checksum(frame: pd.DataFrame) -> str:
    tekst = json.dumps(frame.astype(str).to_dict("split"), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(tekst.encode("utf-8")).hexdigest()


def _wachttijd(oudste, venster: timedelta, nu: datetime) -> timedelta:
    oudste = _utc(oudste)
    if oudste is None:
        return venster
    return max(timedelta(minutes=1), oudste + venster - nu)


def _duur(wacht: timedelta) -> str:
    minuten = max(1, math.ceil(wacht.total_seconds() / 60))
    return "een minuut" if minuten == 1 else f"{minuten} minuten"
