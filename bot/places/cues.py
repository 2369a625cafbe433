"""The words around a name that make it a place ("a Rho", "sono di Lodi", "comune di Opera")."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot.places.index import T_CUE, T_FREE, T_STRONG
from bot.places.text import SAINT, Tok

# A word right before a name that makes it a place ("a Rho", "di Lodi", "near Pavia").
# "vicino"/"near" stay weak: near a place is not in it ("abito a Sesto, vicino a Milano").
PLACE_CUES = frozenset(
    "a ad di da in per presso vicino zona comune citta paese frazione ats asl asst "
    "at near from of for to around covers cover covering serves serving appartiene "
    "appartengono belongs belong d lago lake".split()
)
# Cues for areas and adjectives: "nel bresciano", "nella bergamasca", "della Valle Camonica".
# "l'agenzia pavese": ATS Pavia; "per il varesotto", "tutta la bergamasca"
AREA_CUES = PLACE_CUES | frozenset(
    "nel nella nell nei negli sul sulla dal dalla dell della del bassa alta basso alto "
    "agenzia area territorio rete conciliazione sanitaria pagina il lo la l sono siamo residente "
    "residenti ambito zona".split()  # "ambito cremasco", "zona lodigiano"
)
# Residence words: "abito a", "sono di", "I live in" make the next words a place for sure.
RESIDENCE_WORDS = frozenset(
    "abito abita abitiamo abitano vivo vive viviamo vivono risiedo risiede risiediamo "
    "residente residenti residenza sono siamo vengo viene veniamo sto stiamo trasferita "
    "trasferito trasferiti live lives living reside resident based located am m moved "
    # ... and in the dialects: "mi sun de Crema", "stom a Albino", "staju a Legnano"
    "stom stem stemm stemo stemmo sun sem semm semo stagh staju stongo stamm stamme stamu "
    "abitu abbitu".split()
)
STRONG_CUES = frozenset("comune paese citta frazione sindaco sindaca mayor".split())
# Our measures and offices: "nasko a erba?", "ats di desio", "la rete ad albino".
TOPIC_WORDS = frozenset(
    "nasko cresco famiglia conciliazione rete reti alleanza alleanze ats asl asst saving nido "
    "consultorio".split()
)
# The funds' own names, after which a name is the place asked about ("nasko lodi", "NASKO Lodi").
MEASURE_NAMES = frozenset({"nasko", "nasco", "cresco", "kresko"})
NETWORK_WORDS = frozenset({"rete", "reti", "alleanza", "alleanze"})
PROVINCE_WORDS = frozenset({"provincia", "province", "prov", "provincie"})
REGION_WORDS = frozenset({"regione", "region"})
# Greetings that are also the name of a comune elsewhere ("Salve, ...", Salve in Apulia).
GREETING_WORDS = frozenset({"salve"})
OF_WORDS = frozenset({"di", "de", "of", "del", "della"})
ARTICLES = frozenset({"il", "lo", "la", "l", "i", "gli", "le"})
IS_WORDS = frozenset({"e", "is"})
OPENING_MARKS = frozenset(":,?!-")  # "Lodi: a chi mi rivolgo?"
# Words naming a building, a street or an institution after which a name is not a comune
# ("ospedale San Gerardo", "via Roma", "liceo Volta", a saint: "parrocchia di San Rocco").
NAMED_AFTER = frozenset(
    "parrocchia chiesa oratorio basilica santuario convento ospedale clinica policlinico liceo "
    "istituto scuola via viale piazza corso largo vicolo stazione parish church hospital street "
    "square coop cooperativa associazione asilo nido".split()  # "la coop La Ginestra"
)
# Words of our topics that make the name opening a message a place, headline style ("albino
# nasko", "cevo cresco", "caravaggio alleanza locale"): nobody opens a sentence that way.
HEADLINE_WORDS = frozenset(
    "nasko cresco bonus time timesaving alleanza alleanze rete reti conciliazione consultorio "
    "consultori contributo contributi aiuti aiuto ats "
    # "desio sta sotto quale agenzia?", "Sorico appartiene a quale ATS?": whose it is
    "sta appartiene dipende rientra belongs".split()
)


@dataclass(frozen=True)
class Cues:
    """What surrounds a candidate name in the text."""

    weak: bool  # "a", "di", "in", "near"... or the name is all the text says
    strong: bool  # "abito a", "sono di", "comune di", "provincia di"
    prev_in: bool  # the word before is "in" ("abito in montagna" is no comune)
    province: bool  # "provincia di X", "X province"
    region: bool  # "regione X", "X region"
    code_after: bool  # "Rho (MI)"
    code_lower: str | None  # "albino bg": a province code in lower case (a comune of it only)
    headline: bool  # the name opens the message and a word of our topics follows
    named_after: bool  # a building, street or institution is named after it ("via Roma")
    capital: bool  # written with a capital letter
    capital_mid: bool  # ... and not at the start of a sentence
    alone: bool  # nothing else in the text but stop words
    area: bool  # "nel", "della"... before an area or adjective
    after_measure: bool = False  # a fund's name before it ("nasko lodi"; "cresco" is a verb too)


def code_after(tok: Tok | None, codes: Collection[str], loud: bool) -> bool:
    """'(MI)', or 'MI' written in capitals in a text that is not all capitals."""
    return (
        tok is not None
        and tok.orig.upper() in codes
        and (tok.in_parens or (tok.orig.isupper() and not loud))
    )


def cues_at(
    tokens: Sequence[Tok],
    start: int,
    end: int,
    loud: bool,
    filler: Collection[str],
    codes: Collection[str],
) -> Cues:
    """The cues around tokens[start:end]; `filler`: words that do not count as content."""
    prev = tokens[start - 1].norm if start >= 1 else ""
    prev2 = tokens[start - 2].norm if start >= 2 else ""
    nxt = tokens[end] if end < len(tokens) else None
    province = (
        prev in PROVINCE_WORDS
        or (prev in OF_WORDS and prev2 in PROVINCE_WORDS)
        or (prev == "di" and prev2 == "metropolitana")
        or (nxt is not None and nxt.norm in PROVINCE_WORDS)
    )
    region = (
        prev in REGION_WORDS
        or (prev in OF_WORDS and prev2 in REGION_WORDS)
        or (nxt is not None and nxt.norm in REGION_WORDS)
    )
    others = [tok for j, tok in enumerate(tokens) if not start <= j < end]
    alone = all(tok.norm in filler for tok in others)
    opening = start == 0 and nxt is not None and tokens[end - 1].after in OPENING_MARKS
    strong = (
        (prev in PLACE_CUES and prev2 in RESIDENCE_WORDS | TOPIC_WORDS)  # "nasko a erba?"
        or prev in STRONG_CUES
        or prev in MEASURE_NAMES
        # "rete conciliazione lodi" (not "... dello scorso anno")
        or (prev == "conciliazione" and prev2 in NETWORK_WORDS and tokens[start].norm not in filler)
        or (prev in OF_WORDS and prev2 in STRONG_CUES | PROVINCE_WORDS | REGION_WORDS)
        or (prev in IS_WORDS and prev2 in STRONG_CUES)  # "il nostro comune è Iseo"
    )
    capital = tokens[start].orig[:1].isupper() and not loud
    return Cues(
        weak=prev in PLACE_CUES or province or region or alone or opening,
        strong=strong,
        prev_in=prev == "in",
        province=province,
        region=region,
        code_after=code_after(nxt, codes, loud),
        code_lower=nxt.orig.upper()
        if nxt is not None and nxt.orig.islower() and nxt.orig.upper() in codes
        else None,
        headline=start == 0 and nxt is not None and nxt.norm in HEADLINE_WORDS,
        # "ospedale di Lecco" is in Lecco; "parrocchia di San Rocco" is the saint's
        named_after=prev in NAMED_AFTER
        or (prev in OF_WORDS and prev2 in NAMED_AFTER and tokens[start].key == SAINT)
        or (prev in ARTICLES and prev2 in NAMED_AFTER),  # "la coop La Ginestra"
        capital=capital,
        capital_mid=capital and not tokens[start].sentence_start,
        alone=alone,
        area=prev in AREA_CUES,
        after_measure=prev in MEASURE_NAMES,
    )


def tier_allows(tier: int, cues: Cues, relaxed: bool, capital_city: bool = False) -> bool:
    """Is there enough evidence around a name of this tier?

    A provincial capital with a short name written with its capital letter is the city even
    at the start of a message ("Lodi ha ancora la sua rete?").
    """
    any_cue = cues.weak or cues.strong
    sure = cues.code_after or cues.headline
    if relaxed:  # the text is (almost) only the place: ordinary words still need a hint
        return tier < T_STRONG or cues.alone or cues.capital or any_cue or sure
    if tier == T_FREE:
        return True
    if tier == T_CUE:
        return any_cue or cues.capital_mid or sure or (capital_city and cues.capital)
    if tier == T_STRONG:
        return (cues.strong and not cues.prev_in) or (any_cue and cues.capital) or sure
    return (any_cue and cues.capital) or sure
