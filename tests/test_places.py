"""Place directory: comuni, areas and provinces of Lombardy -> ATS (bot/places/, ats.yaml)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.places import (
    LOMBARD_PROVINCES,
    TEXT_KEYS,
    Comune,
    PlaceDirectory,
    PlaceMatch,
    PlacesError,
    button_data,
    name_key,
)
from bot.places.schema import AtsFile
from bot.reply import Reply
from bot.texts import Texts, placeholders
from tests.support import eval_messages

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"
EVAL_FILE = ROOT / "tests" / "eval" / "places.yaml"
FACTS = ROOT / "tests" / "data" / "ats-facts.md"
MIN_ACCURACY = 0.90

# The only phone numbers and e-mails an answer may contain, each reviewed against its source
# (the sources are cited next to each contact in knowledge/ats.yaml and contacts.yaml).
ALLOWED_PHONES = {"02 6765 4545", "02 6765 3570", "030 38381", "0382 4311", "0332 277111"}
ALLOWED_EMAILS = {"conciliazione@regione.lombardia.it", "protocollo@pec.ats-brescia.it"}
VALCAMONICA_COMUNI = 41  # ATS della Montagna in the provincia di Brescia (official count)
ALTO_LARIO_COMUNI = 16  # ATS della Montagna in the provincia di Como (official count)
MEDIO_LARIO_COMUNI = 29  # ATS dell'Insubria since 1/1/2019


@pytest.fixture(scope="module")
def places() -> PlaceDirectory:
    return PlaceDirectory.load(KNOWLEDGE)


@pytest.fixture(scope="module")
def texts() -> Texts:
    data = yaml.safe_load((KNOWLEDGE / "ui" / "places.yaml").read_text(encoding="utf-8"))
    return Texts(data["texts"])


def ats_of(places: PlaceDirectory, text: str) -> tuple[str, ...]:
    return places.ats_for_match(places.find(text))


def shown(reply: Reply) -> str:
    """All a person can read of a card: the text and the collapsed details."""
    return f"{reply.text}\n\n{reply.details}"


def only_comune(match: PlaceMatch | None) -> Comune:
    assert match is not None, "no place found"
    assert match.kind == "comune", match
    return match.comuni[0]


# --- the dataset ------------------------------------------------------------------------------


def test_all_active_lombard_comuni_are_loaded(places: PlaceDirectory) -> None:
    # ISTAT counts about 1,500 comuni in Lombardy; the dataset is python-codicefiscale's list.
    assert 1450 <= len(places.comuni) <= 1550
    per_province = Counter(c.province for c in places.comuni)
    assert set(per_province) == set(LOMBARD_PROVINCES)
    assert per_province["BG"] > 200 and per_province["MB"] > 50
    keys = [c.key for c in places.comuni]
    assert len(keys) == len(set(keys)), "a comune appears twice (merged comuni across time?)"


def test_no_lombard_comune_name_is_shared_by_two_provinces(places: PlaceDirectory) -> None:
    # Why ambiguity tests use short forms ("Cassano", "Sesto"): full names are unique.
    names = Counter(name_key(c.name) for c in places.comuni)
    assert [name for name, count in names.items() if count > 1] == []


def test_official_names_are_written_as_istat_does(places: PlaceDirectory) -> None:
    assert places.comune_by_key("Cassano d'Adda|MI") is not None
    assert places.comune_by_key("Sesto ed Uniti|CR") is not None
    assert places.comune_by_key("Sotto il Monte Giovanni XXIII|BG") is not None
    assert places.comune_by_key("cantù|co") == places.comune_by_key("Cantù|CO")


def test_merged_comuni_are_gone_and_their_successors_are_there(places: PlaceDirectory) -> None:
    assert places.comune_by_key("Tremezzo|CO") is None
    assert places.comune_by_key("Tremezzina|CO") is not None
    successor = only_comune(places.find("abito a Bigarello"))
    assert successor.name == "San Giorgio Bigarello"


def test_the_brain_does_not_import_telegram() -> None:
    code = "import sys, bot.places; print(any(m.startswith('telegram') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


# --- every province ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "comune", "ats"),
    [
        ("a chi mi rivolgo a Bergamo?", "Bergamo|BG", ("bergamo",)),
        ("abito a Montichiari", "Montichiari|BS", ("brescia",)),
        ("sono di Cantù", "Cantù|CO", ("insubria",)),
        ("vivo a Crema", "Crema|CR", ("val-padana",)),
        ("abito a Merate, chi è il referente?", "Merate|LC", ("brianza",)),
        ("a chi mi rivolgo a Lodi?", "Lodi|LO", ("milano",)),
        ("sono di Suzzara", "Suzzara|MN", ("val-padana",)),
        ("abito a Rho", "Rho|MI", ("milano",)),
        ("vivo a Seregno", "Seregno|MB", ("brianza",)),
        ("abito a Voghera", "Voghera|PV", ("pavia",)),
        ("sono di Morbegno", "Morbegno|SO", ("montagna",)),
        ("residente a Gallarate", "Gallarate|VA", ("insubria",)),
    ],
)
def test_a_comune_of_every_province(
    places: PlaceDirectory, question: str, comune: str, ats: tuple[str, ...]
) -> None:
    found = only_comune(places.find(question))
    assert found.key == comune
    assert found.ats == ats and found.certain


@pytest.mark.parametrize(
    ("question", "province", "ats"),
    [
        ("provincia di Bergamo", "BG", ("bergamo",)),
        ("provincia di Brescia", "BS", ("brescia", "montagna")),
        ("in provincia di Como a chi mi rivolgo?", "CO", ("insubria", "montagna")),
        ("provincia di Cremona", "CR", ("val-padana",)),
        ("provincia di Lecco", "LC", ("brianza",)),
        ("provincia di Lodi", "LO", ("milano",)),
        ("provincia di Mantova", "MN", ("val-padana",)),
        ("città metropolitana di Milano", "MI", ("milano",)),
        ("provincia di Monza e della Brianza", "MB", ("brianza",)),
        ("provincia di Pavia", "PV", ("pavia",)),
        ("provincia di Sondrio", "SO", ("montagna",)),
        ("province of Varese", "VA", ("insubria",)),
    ],
)
def test_every_province_by_name(
    places: PlaceDirectory, question: str, province: str, ats: tuple[str, ...]
) -> None:
    match = places.find(question)
    assert match is not None and match.kind == "province" and match.province == province
    assert places.ats_for_match(match) == ats
    assert places.ats_for_province(province) == ats


@pytest.mark.parametrize(
    ("text", "province"), [("MI", "MI"), ("bg", "BG"), ("(LO)", "LO"), ("Mb", "MB")]
)
def test_province_codes_as_answers(places: PlaceDirectory, text: str, province: str) -> None:
    match = places.resolve(text)
    assert match is not None and match.kind == "province" and match.province == province


def test_province_code_in_a_sentence(places: PlaceDirectory) -> None:
    match = places.find("sono in provincia, BS, a chi chiedo?")
    assert match is not None and match.province == "BS"
    assert places.find("il documento pesa 1,44 MB") is None  # a file size, not Monza


def test_adjectives_of_provinces(places: PlaceDirectory) -> None:
    assert ats_of(places, "nel lodigiano chi è il referente?") == ("milano",)
    assert ats_of(places, "nella bergamasca") == ("bergamo",)


# --- the areas of ATS della Montagna outside Sondrio, and the Medio Lario ------------------


def test_valcamonica_comune_gets_one_ats_with_its_source(
    places: PlaceDirectory, texts: Texts
) -> None:
    match = places.find("abito a Darfo Boario Terme")
    comune = only_comune(match)
    assert comune.ats == ("montagna",) and comune.certain and comune.area == "valcamonica"
    reply = places.describe(match, texts, "it")
    assert reply.status == "answer" and reply.entry == "ats:montagna"
    assert "ATS della Montagna" in shown(reply) and "ATS di Brescia" not in shown(reply)
    assert "è in Valle Camonica" in shown(reply)
    assert "Fonte: ATS della Montagna, territorio: 41 comuni" in shown(reply)
    assert "https://ats-montagna.it/territorio" in shown(reply)
    assert "può dipendere da due ATS" not in shown(reply)


def test_alto_lario_comune_gets_one_ats(places: PlaceDirectory, texts: Texts) -> None:
    match = places.find("vivo a Dongo")
    assert only_comune(match).ats == ("montagna",)
    reply = places.describe(match, texts, "en")
    assert "is in the Alto Lario (upper Lake Como)" in shown(reply)
    assert "ATS dell'Insubria" not in shown(reply)


def test_medio_lario_comune_moved_to_insubria_in_2019(places: PlaceDirectory, texts: Texts) -> None:
    match = places.find("vivo a Menaggio")
    comune = only_comune(match)
    assert comune.ats == ("insubria",) and comune.area == "medio-lario"
    reply = places.describe(match, texts, "it")
    assert "è nel Medio Lario" in shown(reply) and "ATS dell'Insubria" in reply.title
    assert "Dal 1° gennaio 2019" in shown(reply) and "n. 15" in shown(reply)
    assert "riassegnazione-dellarea-del-medio-lario" in shown(reply)  # its source
    english = shown(places.describe(match, texts, "en"))
    assert "Since 1 January 2019" in english


def test_a_comune_outside_the_listed_area_says_so(places: PlaceDirectory, texts: Texts) -> None:
    # The Sebino shore is ATS di Brescia, though next to Valle Camonica.
    match = places.find("abito a Iseo")
    assert only_comune(match).ats == ("brescia",)
    reply = places.describe(match, texts, "it")
    assert "Iseo non è tra i 41 comuni della Valle Camonica" in shown(reply)
    assert "ATS della Montagna" in shown(reply)  # named as the other ATS, not offered
    assert reply.entry == "ats:brescia"
    assert "https://ats-montagna.it/territorio" in shown(reply)  # the source of the list
    como = shown(places.describe(places.find("sono di Bellagio"), texts, "it"))
    assert "Bellagio non è tra i 16 comuni dell'Alto Lario" in como


def test_certain_towns_outside_the_exceptions(places: PlaceDirectory) -> None:
    assert only_comune(places.find("abito a Brescia")).ats == ("brescia",)
    assert only_comune(places.find("vivo a Desenzano del Garda")).ats == ("brescia",)
    assert only_comune(places.find("abito a Como")).ats == ("insubria",)
    assert only_comune(places.find("sono di Erba")).ats == ("insubria",)


def test_breno_and_a_merged_comune_of_valle_camonica(places: PlaceDirectory, texts: Texts) -> None:
    assert only_comune(places.find("abito a Breno")).ats == ("montagna",)
    match = places.find("abito a Prestine")  # incorporated into Bienno in 2016
    bienno = only_comune(match)
    assert bienno.name == "Bienno" and bienno.ats == ("montagna",)
    reply = places.describe(match, texts, "it")
    assert "Prestine non è più un comune a sé: oggi fa parte del comune di Bienno" in shown(reply)


def test_lecco_province_is_always_brianza_even_on_the_upper_lake(places: PlaceDirectory) -> None:
    # A script found online lists Colico and Bellano as Medio Alto Lario: they are in LC.
    for name in ("Colico", "Bellano", "Varenna", "Premana", "Casargo"):
        assert only_comune(places.find(f"abito a {name}")).ats == ("brianza",), name


def test_the_areas_by_name(places: PlaceDirectory, texts: Texts) -> None:
    match = places.find("vivo in Valcamonica, chi è la mia ATS?")
    assert match is not None and match.area == "valcamonica" and match.province == "BS"
    assert places.ats_for_match(match) == ("montagna",)
    assert ats_of(places, "abito nell'Alto Lario") == ("montagna",)
    assert ats_of(places, "abito nel Medio Lario") == ("insubria",)
    assert ats_of(places, "vivo in Valtellina") == ("montagna",)
    reply = places.describe(match, texts, "it")
    assert "ATS della Montagna" in reply.title and "ATS di Brescia" not in shown(reply)


def test_the_old_medio_alto_lario_district_is_now_split(
    places: PlaceDirectory, texts: Texts
) -> None:
    match = places.find("vivo nel Medio Alto Lario, qual è la mia ATS?")
    assert match is not None and match.area == "medio-alto-lario"
    assert places.ats_for_match(match) == ("insubria", "montagna")
    reply = places.describe(match, texts, "it")
    assert "è diviso tra due ATS" in shown(reply)
    assert "• Medio Lario (29 comuni): ATS dell'Insubria" in shown(reply)
    assert "• Alto Lario (16 comuni): ATS della Montagna" in shown(reply)


def test_the_split_province_answer_names_the_exception(
    places: PlaceDirectory, texts: Texts
) -> None:
    reply = places.describe(places.find("provincia di Brescia"), texts, "it")
    assert "tranne la Valle Camonica" in shown(reply)
    assert "ATS di Brescia" in shown(reply) and "ATS della Montagna" in shown(reply)
    como = places.describe(places.find("provincia di Como"), texts, "it")
    assert "tranne l'Alto Lario" in como.text


def test_every_comune_has_one_ats(places: PlaceDirectory) -> None:
    per_ats: Counter[tuple[str, str]] = Counter()
    for comune in places.comuni:
        assert comune.certain, comune
        per_ats[(comune.province, comune.ats[0])] += 1
    assert per_ats[("BS", "montagna")] == VALCAMONICA_COMUNI
    assert per_ats[("CO", "montagna")] == ALTO_LARIO_COMUNI
    assert sum(c.area == "medio-lario" and c.ats == ("insubria",) for c in places.comuni) == (
        MEDIO_LARIO_COMUNI
    )
    assert {ats for (code, ats) in per_ats if code == "BS"} == {"brescia", "montagna"}
    assert {ats for (code, ats) in per_ats if code == "CO"} == {"insubria", "montagna"}


def _data() -> dict:
    return yaml.safe_load((KNOWLEDGE / "ats.yaml").read_text(encoding="utf-8"))


def test_an_area_without_a_complete_list_keeps_the_two_way_answer(texts: Texts) -> None:
    data = _data()
    area = next(a for a in data["areas"] if a["id"] == "valcamonica")
    area["complete"] = False
    area["comuni"] = ["Breno"]
    places = PlaceDirectory.from_data(data)
    assert only_comune(places.find("abito a Breno")).ats == ("montagna",)
    match = places.find("abito a Darfo Boario Terme")
    assert only_comune(match).ats == ("brescia", "montagna")
    reply = places.describe(match, texts, "it")
    assert "può dipendere da due ATS" in shown(reply) and "chiedi al tuo Comune" in shown(reply)
    assert "in Valle Camonica" in shown(reply)


def test_invalid_areas_and_ats_are_reported_one_line_each(tmp_path: Path) -> None:
    data = _data()
    next(a for a in data["areas"] if a["id"] == "valcamonica")["comuni"].append("Atlantide")
    (tmp_path / "ats.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlacesError) as error:
        PlaceDirectory.load(tmp_path)
    assert error.value.problems == [
        "ats.yaml: area 'valcamonica': field 'comuni': 'Atlantide' is not an active comune of BS"
    ]
    data = _data()
    data["ats"][0]["territory"] = {"it": "solo italiano"}
    del data["ats"][1]["contacts"]["website"]
    data["ats"][2]["contacts"]["phone"] = "chiamare in sede"
    with pytest.raises(PlacesError) as error:
        PlaceDirectory.from_data(data)
    problems = "\n".join(error.value.problems)
    assert "ats 'milano': field 'territory.en': this field is required" in problems
    assert "ats 'insubria': field 'contacts.website': this field is required" in problems
    assert "ats 'brianza': field 'contacts.phone': 'chiamare in sede' is not a phone" in problems
    data = _data()
    next(a for a in data["areas"] if a["id"] == "alto-lario")["ats"] = "atlantide"
    with pytest.raises(
        PlacesError, match="area 'alto-lario': field 'ats': unknown ATS 'atlantide'"
    ):
        PlaceDirectory.from_data(data)


def test_a_comune_in_two_areas_is_an_error() -> None:
    data = _data()
    next(a for a in data["areas"] if a["id"] == "alto-lario")["comuni"].append("Menaggio")
    with pytest.raises(PlacesError, match="'Menaggio' is also in area"):
        PlaceDirectory.from_data(data)


# --- ambiguous names --------------------------------------------------------------------------


def test_a_short_name_shared_by_several_comuni_is_asked_back(
    places: PlaceDirectory, texts: Texts
) -> None:
    match = places.find("a chi mi rivolgo a Cassano?")
    assert match is not None and match.kind == "ambiguous"
    assert {c.key for c in match.comuni} == {
        "Cassano d'Adda|MI",
        "Cassano Magnago|VA",
        "Cassano Valcuvia|VA",
    }
    reply = places.describe(match, texts, "it")
    assert reply.status == "answer"
    assert "conciliazione@regione.lombardia.it" in shown(reply)
    data = [button.data for button in reply.all_buttons()]
    assert len(data) == 3
    for item in data:
        assert item.startswith("p:") and len(item.encode("utf-8")) <= 64
        assert places.comune_by_key(item[2:]) in match.comuni


@pytest.mark.parametrize(
    ("question", "keys"),
    [
        ("abito a Castelnuovo", {"Castelnuovo Bocca d'Adda|LO", "Castelnuovo Bozzente|CO"}),
        ("sono di Cologno", {"Cologno Monzese|MI", "Cologno al Serio|BG"}),
        (
            "vivo a San Giovanni",
            {"San Giovanni Bianco|BG", "San Giovanni del Dosso|MN", "San Giovanni in Croce|CR"},
        ),
        ("abito a Sant'Angelo", {"Sant'Angelo Lodigiano|LO", "Sant'Angelo Lomellina|PV"}),
    ],
)
def test_more_ambiguous_names(places: PlaceDirectory, question: str, keys: set[str]) -> None:
    match = places.find(question)
    assert match is not None and match.kind == "ambiguous"
    assert {c.key for c in match.comuni} == keys


def test_a_province_in_the_text_settles_the_ambiguity(places: PlaceDirectory) -> None:
    assert only_comune(places.find("abito a Cassano (MI)")).key == "Cassano d'Adda|MI"
    assert only_comune(places.find("sono di Sesto, provincia di Varese")).key == "Sesto Calende|VA"
    assert only_comune(places.find("abito a Sesto, vicino a Milano")).key == "Sesto San Giovanni|MI"


def test_every_button_fits_telegram(places: PlaceDirectory) -> None:
    for comune in places.comuni:
        data = button_data(comune)
        assert len(data.encode("utf-8")) <= 64, data
        assert places.comune_by_key(data[2:]) == comune


# --- typos, abbreviations, prepositions, English ---------------------------------------------


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("abito a Vigevno", "Vigevano|PV"),
        ("Sesto S. Giovanni", "Sesto San Giovanni|MI"),
        ("vivo a sesto s giovanni", "Sesto San Giovanni|MI"),
        ("abito a Sesto San Giovani", "Sesto San Giovanni|MI"),
        ("sono di cinisello", "Cinisello Balsamo|MI"),
        ("Busto Arsizo", "Busto Arsizio|VA"),
        ("abito a Bergammo", "Bergamo|BG"),
        ("sono di Bresica", "Brescia|BS"),
        ("abito a S. Angelo Lodigiano", "Sant'Angelo Lodigiano|LO"),
        ("sono di Cantu", "Cantù|CO"),
        ("abito a cassano dadda", "Cassano d'Adda|MI"),
        ("vivo a Palazzolo sull Oglio", "Palazzolo sull'Oglio|BS"),
        ("abito a Bovisio Masciago", "Bovisio-Masciago|MB"),
    ],
)
def test_typos_and_abbreviations(places: PlaceDirectory, question: str, key: str) -> None:
    assert only_comune(places.find(question)).key == key


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("a Rho", "Rho|MI"),
        ("di Lodi", "Lodi|LO"),
        ("ats di Lodi", "Lodi|LO"),
        ("Lodi: a chi mi rivolgo?", "Lodi|LO"),
        ("I live in Bergamo", "Bergamo|BG"),
        ("near Pavia", "Pavia|PV"),
        ("I'm from Sondrio, which ATS?", "Sondrio|SO"),
        ("which ATS covers Cremona?", "Cremona|CR"),
        ("I live in Milan", "Milano|MI"),
        ("we moved to Mantua", "Mantova|MN"),
    ],
)
def test_prepositions_and_english(places: PlaceDirectory, question: str, key: str) -> None:
    assert only_comune(places.find(question)).key == key


def test_comuni_named_like_ordinary_words_need_a_clear_cue(places: PlaceDirectory) -> None:
    assert places.find("quanto dà il fondo cresco al mese") is None
    assert places.find("di mese in mese quanto ricevo?") is None
    assert only_comune(places.find("abito a Mese")).key == "Mese|SO"
    assert places.find("una nave di aiuti") is None
    assert only_comune(places.find("vivo a Nave")).key == "Nave|BS"
    assert only_comune(places.find("comune di Opera")).key == "Opera|MI"


def test_a_name_opening_a_headline_or_followed_by_its_province_is_the_place(
    places: PlaceDirectory,
) -> None:
    # "albino nasko": a word of our topics right after the opening name, headline style.
    assert only_comune(places.find("albino nasko")).key == "Albino|BG"
    assert only_comune(places.find("cevo cresco")).key == "Cevo|BS"
    assert only_comune(places.find("codognio nasko")).key == "Codogno|LO"  # and misspelt
    # "erba co", "zone bs": the province code in lower case, when the comune is of it.
    assert only_comune(places.find("erba co, dove si chiede?")).key == "Erba|CO"
    assert only_comune(places.find("zone bs cresco")).key == "Zone|BS"
    assert places.find("erba bs, dove si chiede?") is None  # Erba is not in Brescia
    # Not a headline: the word is not first, or no word of ours follows.
    assert places.find("una zona con erba e alberi") is None
    assert places.find("albino e suo fratello") is None
    assert places.find("nasko cresco") is None


def test_a_shouted_so_is_no_province(places: PlaceDirectory) -> None:
    assert places.find("oh great, thank you SO much") is None
    assert places.find("sono in provincia di SO").province == "SO"
    assert only_comune(places.find("Morbegno (SO)")).key == "Morbegno|SO"


def test_a_street_or_a_saint_s_parish_is_not_a_comune(places: PlaceDirectory) -> None:
    assert places.find("la parrocchia di san rocco fa il doposcuola") is None
    assert places.find("abitiamo in via Roma") is None
    assert only_comune(places.find("l'ospedale di Lecco")).key == "Lecco|LC"  # in Lecco
    assert only_comune(places.find("parrocchia di San Giuliano Milanese")).key == (
        "San Giuliano Milanese|MI"
    )


@pytest.mark.parametrize(
    "question",
    [
        "come posso avere il nasko",
        "ciao",
        "quanto dà il fondo cresco al mese",
        "cos'è una rete di conciliazione",
        "who can be capofila",
        "Como puedo pedir el bono?",
        "sono al sesto mese di gravidanza",
        "il bonus si prende una volta sola?",
        "a maggio nasce il bambino",
        "da luglio a settembre ci sono i centri estivi",
        "I am pregnant, can I get help?",
        "for a pregnant woman alone",
        "dove trovo il modulo?",
        "mia moglie è incinta",
        "corsi di calcio nel centro estivo",
        "sul serio non posso avere niente?",
        "in parte lo paga la regione?",
        "i requisiti sono chiari?",
        "contatti dell'ATS della Montagna",
        "vivo in Lombardia da 3 anni",
        "abito in montagna",
        "abito in Brianza",
    ],
)
def test_no_place_in_ordinary_questions(places: PlaceDirectory, question: str) -> None:
    assert places.find(question) is None


def test_resolve_reads_a_bare_answer(places: PlaceDirectory) -> None:
    assert only_comune(places.resolve("rho")).key == "Rho|MI"
    assert only_comune(places.resolve("vigevno")).key == "Vigevano|PV"
    assert only_comune(places.resolve("Mese")).key == "Mese|SO"
    assert places.resolve("boh") is None
    assert places.resolve("non lo so") is None
    assert places.resolve("quanto dà il fondo al mese") is None


# --- answers ----------------------------------------------------------------------------------


def test_a_certain_answer(places: PlaceDirectory, texts: Texts) -> None:
    reply = places.describe(places.find("abito a Rho"), texts, "it")
    assert reply.status == "answer" and reply.lang == "it" and reply.entry == "ats:milano"
    assert reply.title is not None and "ATS della Città Metropolitana di Milano" in reply.title
    assert "Città metropolitana di Milano e provincia di Lodi" in shown(reply)
    assert "https://www.ats-milano.it/" in shown(reply)
    assert "conciliazione@regione.lombardia.it" in shown(reply)
    assert "Aggiornato al" in shown(reply)


def test_an_ats_without_a_conciliazione_page_says_so(places: PlaceDirectory, texts: Texts) -> None:
    reply = places.describe(places.find("abito a Varese"), texts, "it")
    assert "Non abbiamo trovato una pagina" in shown(reply)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_answers_contain_no_invented_contact(
    places: PlaceDirectory, texts: Texts, lang: str
) -> None:
    questions = [f"provincia di {p}" for p in ("Bergamo", "Brescia", "Como", "Pavia", "Mantova")]
    questions += ["abito a Rho", "abito a Menaggio", "in Valcamonica", "abito a Cassano"]
    questions += ["abito a Varese", "abito a Pavia", "abito a Iseo", "abito nel Medio Alto Lario"]
    questions += ["abito a Lecco", "abito a Bigarello", "vivo in Lomellina"]
    for question in questions:
        reply = places.describe(places.find(question), texts, lang)
        text = reply.plain_text
        for email in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text):
            assert email in ALLOWED_EMAILS, (question, email)
        for phone in ALLOWED_PHONES:
            text = text.replace(phone, "")
        text = re.sub(r"\b\d{1,2}/\d{1,2}/\d{4}\b", "", text)  # dates
        assert not re.findall(r"\b0\d{1,3}[ ./]?\d{3,}", text), question


def test_every_ui_text_exists_in_both_languages() -> None:
    data = yaml.safe_load((KNOWLEDGE / "ui" / "places.yaml").read_text(encoding="utf-8"))["texts"]
    for key in TEXT_KEYS:
        assert key in data, key
        assert set(data[key]) >= {"it", "en"}, key
        assert placeholders(data[key]["it"]) == placeholders(data[key]["en"]), key
    assert all(key.startswith("places.") for key in data)


def test_every_ats_card_says_how_to_reach_the_ats(places: PlaceDirectory, texts: Texts) -> None:
    for ats in places.ats.values():
        code = ats.provinces[0]
        for lang in ("it", "en"):
            text = shown(
                places.describe(
                    places.find(f"provincia di {places.config.provinces[code].capital}"),
                    texts,
                    lang,
                )
            )
            assert ats.contacts.website in text, (ats.id, lang)
    brescia = shown(places.describe(places.find("abito a Brescia"), texts, "it"))
    assert "• sito: https://www.ats-brescia.it" in brescia
    assert "• tel. 030 38381" in brescia and "• PEC: protocollo@pec.ats-brescia.it" in brescia
    assert "• sede: Viale Duca degli Abruzzi 15, 25124 Brescia" in brescia
    assert "Fonte dei recapiti: ATS Brescia, decreto n. 151/2019" in brescia
    assert "(verificata il 30 novembre 2026)" in brescia
    insubria = shown(places.describe(places.find("abito a Varese"), texts, "en"))
    assert "• phone: 0332 277111" in insubria and "certified e-mail" not in insubria


@pytest.mark.parametrize("lang", ["it", "en"])
def test_missing_contact_fields_leave_no_trace(
    places: PlaceDirectory, texts: Texts, lang: str
) -> None:
    questions = ["abito a Rho", "abito a Cremona", "abito a Monza", "abito a Sondrio"]
    questions += ["provincia di Como", "abito a Iseo", "abito nel Medio Alto Lario"]
    for question in questions:
        text = places.describe(places.find(question), texts, lang).plain_text
        for line in text.splitlines():
            assert line.strip() not in {"-", "•", "• -"}, (question, line)
            assert not re.search(r"\bNone\b|\{\w+\}", line), (question, line)
            if line.startswith("•"):
                assert not re.search(r":\s*-?\s*$", line), (question, line)
        assert "\n\n\n" not in text
    # Val Padana: only a website is known.
    text = shown(places.describe(places.find("abito a Cremona"), texts, lang))
    block = text.split(texts.get("places.contacts.title", lang))[1].split("\n\n")[0]
    assert [line[:2] for line in block.strip().splitlines()].count("• ") == 1


def test_ats_directory(places: PlaceDirectory) -> None:
    assert set(places.ats) == {
        "milano",
        "insubria",
        "montagna",
        "brianza",
        "bergamo",
        "brescia",
        "val-padana",
        "pavia",
    }
    assert places.ats["milano"].provinces == ("MI", "LO")
    assert places.ats["insubria"].pages == ()
    assert all(a.territory.it and a.territory.en for a in places.ats.values())
    assert all(a.contacts.website.startswith("https://") for a in places.ats.values())


def test_every_contact_in_the_ats_file_is_a_reviewed_one() -> None:
    text = (KNOWLEDGE / "ats.yaml").read_text(encoding="utf-8")
    for email in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text):
        assert email in ALLOWED_EMAILS, email
    config = AtsFile.model_validate(yaml.safe_load(text))
    for ats in config.ats:
        assert ats.contacts.phone in ALLOWED_PHONES | {None}, ats.id
        assert ats.contacts.source.url, ats.id


def test_every_web_address_and_contact_comes_from_the_fact_sheet() -> None:
    facts = FACTS.read_text(encoding="utf-8")
    ats_yaml = (KNOWLEDGE / "ats.yaml").read_text(encoding="utf-8")
    for url in re.findall(r"https?://[^\s\"'<>]+", ats_yaml):
        address = url.rstrip(".,)")
        assert address in facts or address.split("://", 1)[1] in facts, url
    for email in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", ats_yaml):
        assert email in facts or email == "conciliazione@regione.lombardia.it", email


# --- accuracy on the evaluation set -----------------------------------------------------------


def test_accuracy_on_the_evaluation_set(places: PlaceDirectory) -> None:
    cases = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))
    assert len(cases) >= 120
    wrong = []
    for case in cases:
        got = places.ats_for_match(places.find(case["q"]))
        if sorted(got) != sorted(case["ats"]):
            wrong.append((case["q"], case["ats"], got))
    accuracy = 1 - len(wrong) / len(cases)
    print(f"places accuracy: {accuracy:.1%} on {len(cases)} questions")
    assert accuracy >= MIN_ACCURACY, wrong


def test_comuni_are_read_record_by_record_exactly_as_the_library_reads_them() -> None:
    from codicefiscale.data import get_municipalities_data

    from bot.places.dataset import municipality_records

    assert list(municipality_records()) == get_municipalities_data()


def _fuzzy_reference(finder, tokens, exact, loud, relaxed):  # type: ignore[no-untyped-def]
    """The typo pass word run by word run, as it was written before it was made quicker."""
    from bot.places.text import PARTICLES

    covered = {i for c in exact for i in range(c.start, c.end)}
    kept = [i for i, tok in enumerate(tokens) if tok.key not in PARTICLES]
    out = []
    for ci in range(len(kept)):
        for n in range(1, 4):
            idxs = kept[ci : ci + n]
            if len(idxs) < n:
                break
            if all(j in covered for j in idxs):
                continue
            words = [tokens[j] for j in idxs]
            if not finder._typo_possible(words, relaxed):
                continue
            found = finder._search_typo(" ".join(w.key for w in words), relaxed)
            if found is not None:
                cand = finder._candidate(
                    found[0], tokens, idxs[0], idxs[-1] + 1, loud, relaxed, found[1]
                )
                if cand is not None:
                    out.append(cand)
    return out


def test_the_typo_pass_finds_what_the_word_by_word_reference_finds(places: PlaceDirectory) -> None:
    """_fuzzy_candidates asks each word once and remembers searches: the same candidates as
    asking every run of words, on the evaluation messages, as questions and as answers."""
    from bot.places.text import shouting, tokenize

    finder = places._finder
    messages = eval_messages()  # an even sample of every set (tests/support.py)
    assert len(messages) > 2000
    found = 0
    for text in messages:
        tokens = tokenize(text)
        loud = shouting(text)
        for relaxed in (False, True):
            exact = finder._exact_candidates(tokens, loud, relaxed)
            quick = finder._fuzzy_candidates(tokens, exact, loud, relaxed)
            assert quick == _fuzzy_reference(finder, tokens, exact, loud, relaxed), text
            assert quick == finder._fuzzy_candidates(tokens, exact, loud, relaxed)  # remembered
            found += len(quick)
    assert found > 20  # typos of names are really found
