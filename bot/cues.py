"""Small fixed patterns of the understanding step (bot/understanding.py) that no editor needs to
change: the editable cues live in knowledge/understanding.yaml."""

from __future__ import annotations

import re
from typing import Any

from bot.normalise import fold
from bot.phrases import said_after

# Lombardy named as where the person is now, whatever other region they name.
NOW_IN_LOMBARDY = re.compile(
    r"\b(?:qui|qua|here|now|ora|adesso|oggi)(?: (?!is\b|the\b)\w+){0,2} (?:in )?"
    r"(?:lombardia|lombardy)\b"
)

# "e nel 2020 milano quanto?", "pavia 2020 conciliazione euro": a short ask for a sum.
ENDS_ASKING_MONEY = re.compile(r"\b(?:quanto|quanti soldi|euro|how much)$")
# A match is at most 12 characters, before the end or a last "\n" ($): the last 14 hold it and
# the character before it, for its "\b".
_MONEY_TAIL = 14


def ends_asking_money(text: str) -> bool:
    """`ENDS_ASKING_MONEY.search(text)`, looked for in the tail alone, not from every character."""
    return ENDS_ASKING_MONEY.search(text[-_MONEY_TAIL:]) is not None


# How a sum was paid is not how much ("cresco how was it paid? cash?").
PAYMENT_WAY = re.compile(
    r"\b(?:how (?:was|is|were|are) (?:it|they|the \w+|\w+) paid|come (?:veniva|viene|era|e) "
    r"(?:pagat|erogat|dat)\w*|in contanti|cash|bonifico|carta prepagata|prepaid card|"
    r"(?:su|sulla|in|on a|on the) (?:una )?carta|sul conto|on a card)\b"
)
# "a chi in ATS Pavia possiamo chiedere?", "who at the comune should we write to": whom to ask,
# with a few words between.
ASKS_WHOM = re.compile(
    r"\ba chi\b(?: \w+){0,5} (?:possiamo |posso |devo |dobbiamo )?(?:chieder\w*|chiedo|"
    r"chiediamo|rivolger\w*|scriver\w*|scrivo|scriviamo|telefonar\w*|chiamar\w*|mandar\w*|"
    r"inviar\w*)\b|\bwho\b(?: \w+){0,4} (?:should|can|do) (?:i|we) (?:ask|contact|write|call)\b"
)

# "which ATS is responsible for coops in Legnano?", "la conciliazione da noi la gestisce l'ats
# della montagna?": with a place, the question is which ATS that is.
WHICH_ATS = re.compile(
    r"\b(?:quale|quali|che|which|wich|what) (?:ats|asl|agenzia|agency)\b"
    r"|\b(?:gestisce|gestiscono|la gestisce) (?:l )?(?:ats|asl)\b"
    # "e Sorico, in cima al lago, con chi sta?", "sotto chi siamo?"
    r"|\b(?:con|sotto) chi (?:sta|stiamo|siamo|sto|e|sono|stanno)\b"
    r"|\b(?:ats|asl) (?:is )?"
    r"(?:responsible|in charge|competente|giusta|right|correct|di riferimento)\b"
    # "dobbiamo sentire ATS Montagna o Bergamo?": a choice between two
    r"|\b(?:ats|asl)(?: d\w*)? \w+ (?:o|or) (?:l |quella d\w* )?(?:ats |asl )?\w+$"
    # "se il comune di Zogno sta con l'ATS di Bergamo", "does Gravedona belong to ATS Montagna?"
    r"|\b(?:sta|stanno|sia|stia|e|is|belongs?) (?:con|sotto|nell|nella|in|to|under) (?:l |la )?"
    r"(?:ats|asl)\b"
    # "Lovere ufficio servizi sociali: a quale rete apparteniamo?"
    r"|\b(?:quale|che|which) (?:rete|network) (?:apparteniamo|appartengo|appartiene|belongs?|do we "
    r"belong|are we in)\b"
)

# "in 2019 who ran conciliation in Valcamonica?", "chi seguiva la conciliazione a Breno?": with a
# place, which ATS that was (in a year of the ATS).
WHO_RAN = re.compile(
    r"\b(?:who|chi) (?:ran|runs|run|gestiva|seguiva) (?:the |la )?"
    r"(?:conciliation|conciliazione|work life balance)\b"
)

# A place named as an ATS ("ats milano", "asl di lodi"), not where the writer is.
_ATS_WORD = re.compile(r"\b(?:ats|asl|asst)\b")
ATS_NAMED = r"\b(?:ats|asl|asst)(?: d\w*)? "  # before the place's name


def names_ats(folded: str, place: str) -> bool:
    """Whether the folded message names `place` as an ATS ("crema, ats milano?": Milano)."""
    if not ("ats" in folded or "asl" in folded or "asst" in folded):
        return False  # what _ATS_WORD needs, found without scanning from every character
    if _ATS_WORD.search(folded) is None:
        return False
    return said_after(ATS_NAMED, fold(place), folded)


# "2+2", "15 x 3 =" (folding drops the signs), and in a short message a percentage to work out
# ("what's 17% of 2350", "quanto fa il 20% di 380").
_ARITHMETIC = re.compile(
    r"\s*(?:(?:what[’']?s|what is|how much is|quanto fa|quanto (?:e|è)|calcola|calculate|"
    r"compute)\s+)?"
    r"\d+(?:[.,]\d+)?(?:\s*[+*x×^]\s*\d+(?:[.,]\d+)?)+\s*[=?!]*\s*",
    re.IGNORECASE,
)
_PERCENT_OF = re.compile(r"\d+(?:[.,]\d+)?\s*%\s*(?:of|di|del|della|su)\s*\d")
PERCENT_MAX_WORDS = 6


def is_sum(text: str) -> bool:
    """Whether the message is a sum or a percentage to work out."""
    if _ARITHMETIC.fullmatch(text):
        return True
    return (
        "%" in text
        and len(text.split()) <= PERCENT_MAX_WORDS
        and _PERCENT_OF.search(text) is not None
    )


_ATS_WORDS = re.compile(r"(?<![a-z0-9])(?:ats|asl)(?![a-z0-9])")
# An ATS name that names nothing else, so it needs no "ATS" ("il centralino dell'Insubria").
_OWN_ATS_NAME = re.compile(r"(?<![a-z0-9])insubria(?![a-z0-9])")


def says_ats(folded: str) -> bool:
    """Whether the folded message names the ATS as an office ("ats", "asl", "insubria")."""
    return (
        ("ats" in folded or "asl" in folded)
        and _ATS_WORDS.search(folded) is not None
        or ("insubria" in folded and _OWN_ATS_NAME.search(folded) is not None)
    )


def area_words(places: Any) -> frozenset[str]:
    """The words of the provinces' adjectives ("cremasco" is no typo of "cresco")."""
    config = getattr(places, "config", None)
    provinces = getattr(config, "provinces", None) or {}
    return frozenset(w for p in provinces.values() for a in p.adjectives for w in fold(a).split())


# "sono la Pinuccia da Morbegno", "mi chiamo Giuseppe", "my name is Aisha": a person's name,
# capitalised after an introduction, says nothing of what they ask and is no typo of a word of
# ours ("Pinuccia" is not "rinuncia").
_OWN_NAME = re.compile(
    r"\b(?:[Mm]i chiamo|[Ss]ono(?:\s+(?:la|il|lo))?|[Ii]o sono(?:\s+(?:la|il))?|[Mm]y name is|"
    r"[Ii]'m|[Ii] am|[Tt]his is)\s+([A-Z][a-zà-ÿ]{2,})\b"
)


# What every match of _OWN_NAME holds, and its capital letter: a text without them has none.
_OWN_NAME_WORDS = ("i chiamo", "ono", "y name is", "'m", "i am", "I am", "his is")


def _may_give_a_name(text: str) -> bool:
    return not text.islower() and any(word in text for word in _OWN_NAME_WORDS)


def without_own_names(text: str, folded: str, ours: frozenset[str] = frozenset()) -> str:
    """`folded` without the names the writer gives themself ("sono la Pinuccia da Morbegno"),
    except words of `ours` ("This is Nasko?" names the fund)."""
    if not _may_give_a_name(text):
        return folded
    names = {fold(name) for name in _OWN_NAME.findall(text)} - ours
    return " ".join(w for w in folded.split() if w not in names) if names else folded


def gives_own_name(text: str) -> bool:
    """ "buongiorno, sono la Pinuccia da Morbegno": the writer introduces themself by name."""
    return _may_give_a_name(text) and _OWN_NAME.search(text) is not None


_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n+")


def last_question(text: str) -> str:
    """The folded last sentence of a story when it is a question ("... il padrone di casa ci ha
    mandato lo sfratto. esiste un fondo per pagare l'affitto arretrato?"), else ""."""
    if not text.rstrip().endswith("?"):  # the last sentence is the text's end (no split)
        return ""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    if len(sentences) < 2 or not sentences[-1].rstrip().endswith("?"):
        return ""
    asked = fold(sentences[-1])
    # "... il ginecologo mi ha parlato di aiuti regionali, di che si tratta?" asks ours
    return "" if _OURS_ASKED.search(asked) else asked


_OURS_ASKED = re.compile(
    r"\b(?:regione|regional\w*|region|aiut\w*|help|support\w*|sostegn\w*|conciliazione|nasko|"
    r"cresco|alleanz\w*|bonus famiglia)\b"
)


# Where or as what someone works is no topic of theirs: "lavoro in una mensa scolastica",
# "lavora al pronto soccorso", "autista ambulanza", "work night shift at a care home",
# "providing home care" (taken out before looking for refusals).
_JOB = re.compile(
    r"(?<!\bdel )(?<!\bdi )(?<!\bil )(?<!\bal )(?<!\bnel )(?<!\bsul )(?<!\bun )"
    r"(?<!\bthe )(?<!\bof )(?<!\bmy )(?<!\bmio )"
    r"\b(?:lavoro|lavora|lavoriamo|lavorano|lavoravo|lavorava|work|works|working|worked)"
    r"(?: (?:\d+|ore|hours|h|part|full|time|night|day|shift|shifts|notte|sera|turno|turni))"
    r"{0,3} (?:come|in|nel|nella|nello|nei|negli|nelle|al|alla|allo|all|ai|alle|presso|per|"
    r"da|as|at|for|with|on)(?: (?:un|una|uno|l|il|la|lo|i|gli|le|the|a|an))?"
    # ... but the insurer sharing our word stays: "lavora per alleanza assicurazioni e vorrei
    # il numero dell'agente" asks about the insurer.
    r" (?!alleanza assicurazion)\w+(?: \w+)?"
    r"|(?<!\bsi )\b(?:faccio|fa|facciamo|fanno) (?:il|la|lo|l) \w+"
    r"|\b(?:providing|provide|provides|offriamo|forniamo|gestiamo|gestisce) \w+(?: \w+)?"
)


# ... but a job looked for is the question ("cerco lavoro come commessa", "trova lavoro per mamme").
_LOOKING = re.compile(
    r"\b(?:cerco|cerca|cercando|cerchiamo|cercare|trova|trovare|trovo|looking for|searching for|"
    r"find)\s*$"
)


# What every match of _JOB begins with: a text without one has none. _JOB tries its ten
# lookbehinds at every character (~40-80 us a long message); these are found at C speed.
_JOB_WORDS = ("lavor", "work", "provid", "offriamo", "forniamo", "gestiamo", "gestisce")
_JOB_DOES = re.compile(r"fa(?:ccio|cciamo|nno)? (?:il|la|lo|l) ")


# Where a match of _JOB can begin: one of its first words, at a word's start. _JOB is tried
# there alone (`match` sees the text before, for its lookbehinds), not at every character.
_JOB_START = re.compile(r"\b(?:lavor|work|fa|provid|offriamo|forniamo|gestiamo|gestisce)")


def without_jobs(folded: str) -> str:
    """The folded text without what the writer's job or service is."""
    if not any(word in folded for word in _JOB_WORDS) and _JOB_DOES.search(folded) is None:
        return folded
    # What _JOB.sub gives: its matches, left to right, none inside another.
    parts, last = [], 0
    for start in _JOB_START.finditer(folded):
        found = _JOB.match(folded, start.start()) if start.start() >= last else None
        if found is not None:
            kept = _LOOKING.search(folded, 0, found.start()) is not None
            parts += [folded[last : found.start()], found.group(0) if kept else " "]
            last = found.end()
    return "".join([*parts, folded[last:]]) if parts else folded


# Words of messages about places and offices (bot.answer_places).
# Words that only say what kind of place follows ("provincia di Como", "we are based in").
PLACE_WORDS = frozenset(
    "provincia comune citta paese zona area territorio province town city village county "
    "based located resident residente residenti live lives living abito abitiamo vivo viviamo "
    "sede stiamo sto bassa lago lake side sponda riva costa valle valley near vicino garda iseo "
    "lario ceresio maggiore upper lower alta alto media medio scrivo scriviamo writing write "
    "from prov frazione fraz localita quartiere hamlet district cioe ossia appunto anzi insomma "
    "precisamente".split()
)
LIVING_WORDS = frozenset(
    "based located resident live living abito abitiamo vivo viviamo stiamo near vicino prov "
    "residenza provincia frazione fraz localita zona dintorni paraggi area".split()
)
# Naming the office itself with a place ("ATS Pavia", "asl di Lodi") asks for its card.
OFFICE_WORDS = frozenset({"ats", "asl", "asst", "agenzia", "agency"})  # "l'agenzia pavese"
# ... but not another agency: "ho un'agenzia viaggi a Clusone", "a travel agency in Como".
OTHER_AGENCY = re.compile(
    r"\bagenzi[ae] (?:di |d |per il |delle )?(?:viaggi|immobiliar\w*|entrate|interinal\w*|"
    r"assicurativ\w*|lavoro|pubblicitari\w*|pulizi\w*|funebr\w*|matrimonial\w*|stampa)\b"
    r"|\b(?:travel|real estate|estate|temp|temping|insurance|employment|advertising|cleaning)"
    r" agency\b"
)
# Words asking what an office does, however common: "che ruolo ha l'ATS nella rete?"
DUTY_WORDS = frozenset("ruolo role compito compiti funzione funzioni task tasks".split())
# Words of the office's own business: "l'ATS di Pavia per la conciliazione" asks for the card.
OFFICE_TOPIC_WORDS = frozenset(
    "conciliazione vita lavoro famiglia referente referenti sito website telefono phone "
    "numero number balance work life centralino switchboard pagina page link web contatto "
    "contact contacts rete reti network programma programme pls please reach call write "
    "chiamare scrivere contattare raggiungere mail email comuni comune towns town territorio "
    "territory piano territoriale plan leggere read passi mandi copre coprono cover covers "
    "include includes municipalities incolli dammi mandami ufficio uffici centrale centrali "
    "dubbio doubt curiosita riferimenti riferimento informarsi informarmi informazioni info".split()
)
# Words that qualify a contact request, no topic ("an official email for formal requests").
REQUEST_WORDS = frozenset(
    "official ufficiale ufficiali formal formale formali request requests richiesta richieste "
    "give dare ricevere can use usare uso usiamo domanda domande mandare inviare spedire send "
    "elettronica certificata trovo trovare find adesione adesioni aderire".split()
)
# Asking for the office's address ("PEC dell'ATS di Brescia per l'adesione") asks for its card.
ADDRESS_WORDS = frozenset(
    {"pec", "email", "mail", "indirizzo", "address", "sede", "sedi", "certificata", "protocollo"}
)
# "a quale struttura indirizzo una paziente?": "indirizzo" as a verb (to refer someone) asks no
# address.
_REFER = re.compile(
    r"(?<!\bl )(?<!\bun )\bindirizz(?:o|iamo|are) (?:un|una|uno|la|il|lo|le|i|gli|questa|questo"
    r"|queste|questi|mia|mio|mie|miei|nostra|nostro|nostre|nostri)\b"
)


def address_words(folded: str) -> frozenset[str]:
    """The words of `ADDRESS_WORDS` a folded text holds, but "indirizzo" used as a verb."""
    found = ADDRESS_WORDS & set(folded.split())
    if "indirizzo" in found and _REFER.search(folded) and folded.count("indirizzo") == 1:
        return found - {"indirizzo"}
    return found


# Reaching an office ("come contatto l'ATS Brianza", "a chi scrivo all'ATS di Bergamo"), as a
# contact request's words say it (not "who handles ...", which may ask for a department).
REACH_WORDS = frozenset(
    "contatto contattare contattiamo contact scrivo scrivere scriviamo write email mail chiamo"
    " chiamare chiamiamo call ring telefono phone numero number".split()
)
# Sending something to the office ("dobbiamo mandare l'adesione all'ATS").
SENDING_WORDS = frozenset("mandare inviare spedire send mandiamo inviamo".split())
# Topics of their own beside a place, which the ATS card does not answer (bot.answer_places).
TOPIC_GUARD = frozenset({"caregiver", "caregivers", "anziano", "anziani", "alzheimer"})
# Asking how much money the office got ("quanto ha ricevuto l'ATS di Milano?") is no request
# for its card.
MONEY_WORDS = frozenset({"quanto", "quanti", "soldi", "fondi", "euro", "much", "money", "funds"})
# "abito a", "we live in" just before the place say where the person lives, not what they
# ask: dropped with the place, so "quanto dà il cresco? abito a Brescia" asks the amount.
LIVES_IN = re.compile(
    r"(?:\b(?:abito|abitiamo|vivo|viviamo|risiedo|risiediamo|residente|residenti|sto|stiamo|"
    r"live|lives|living|reside|based|located)\s+(?:a|ad|in|nel|nella|vicino a|near|at)?\s*)$"
)
# Asking how a measure works beside whom to ask ("come funziona e a chi chiedo?"): the
# measure's answer, with the ATS line, answers both.
HOW_IT_WORKS = re.compile(
    r"\b(?:come funziona|come funzionano|come si chiede|come si fa domanda|how does it work|"
    r"how do they apply|how do we apply|how to apply|e vero|esiste davvero)\b"
)


# --- small talk among other words (bot/answer_talk.py) ---

# "good morning from Bergamo", "ciao a tutti da Lodi": a greeting that says where it comes
# from asks nothing yet; it is greeted back. Any other word makes the place a question.
GREETING_FROM = frozenset(
    "from da di here qui qua bot hi hiya hello hey ciao salve morning good evening afternoon "
    "buongiorno buonasera buondi everyone everybody all tutti a voi there side greetings "
    "thanks thank thx many grazie mille ringrazio ringraziamo saluti saluto our nostro team "
    "hr in dal dalla sei stato stata utile utilissimo utilissima gentile gentilissimo "
    "gentilissima talk soon first time writing write scrivo prima volta lei te voi night notte "
    "here bye goodbye arrivederci salutoni and e you have lovely nice great day giornata "
    "buona ue uela bongiorno bungiorno bonasera ancora again lago lake val valle valley d bella "
    "ok okay "
    "gente people folks per la near the vicino al airport aeroporto perfetto perfect ottimo "
    "ci c che vita li dentro qualcuno nessuno risponde legge alta vi citta".split()
)
# ... squeezed as a message's words are ("hellooo" -> "helo", like "hello").
SQUEEZED_FROM = frozenset(re.sub(r"(.)\1+", r"\1", w) for w in GREETING_FROM) | GREETING_FROM
# Words of a chatty introduction beside a greeting or thanks: "salve, sono un papà di Voghera,
# appena entrato nel canale", "thanks a lot from the HR office in Sesto" (but "ciao, sono di
# Gallarate" only says where: the ATS card).
INTRO_WORDS = frozenset(
    "yo so much very lot useful helpful davvero tanto tantissimo just joined new nuovo nuova "
    "appena entrato entrata canale channel mum mom dad mamma papa nonna nonno scusate scusi "
    "sorry orario late turno shift office ufficio researcher ricercatrice ricercatore student "
    "studentessa studente university universita social worker assistente sociale midwife "
    "ostetrica educatrice educatore cousin cugino cugina friend amica amico link "
    "gave passed consigliato suggested recommended sent send mandato mandata girato shared "
    "condiviso telegram comune sindaco sindaca servizi sociali assessore assessora services "
    "service".split()
)
# "ciao da Botticino, ci sei?": asking whether someone is there asks nothing else.
PRESENCE = re.compile(
    r"(?i)(?:\b(?:ci sei|ci siete|are you there|you there|anyone there|anybody there|sei l[iì])"
    r"|\bc'?[eè] (?:qualcuno|nessuno|vita)\b[^?.!\n]{0,40})\s*\?+"
)
# What every match of PRESENCE holds (any case): with none, or no "?", there is none.
_PRESENCE_WORDS = ("ci s", "there", "sei l", "ce ", "c'e ", "c\u00e8 ", "c'\u00e8 ")
# Letters lowered to no letter IGNORECASE takes them for ("\u0130" is two characters lowered;
# IGNORECASE reads "\u0131" as "i" and "\u017f" as "s"): a lowered text's search is not exact.
NOT_LOWERED = re.compile("[\u0130\u0131\u017f]")


def without_presence(text: str) -> str:
    """`PRESENCE.sub(" ", text)`: "ci sei?" and the like taken out."""
    if "?" not in text:
        return text
    if NOT_LOWERED.search(text) is None:
        lowered = text.lower()
        if not any(word in lowered for word in _PRESENCE_WORDS):
            return text
    return PRESENCE.sub(" ", text)


# Words of a need, which make a story told with a greeting a question.
# ... and so does a woman saying she is pregnant or has just given birth ("ciao sono incinta di 3
# mesi e vivo a Bergamo"): what exists for her answers.
NEED = re.compile(
    r"\b(?:soldi|problem[ia]|difficolt[aà]|aiut[oia]|help|money|struggl\w*|afford|pagare|"
    r"costa|costano|spese|lavoro no|senza lavoro|disoccupat[oa]|sol[ao]|alone|broke|"
    r"sono incinta|aspetto (?:un|una|il|la)|i m pregnant|i am pregnant|ho (?:appena )?partorito|"
    r"just gave birth)\b"
)
# Thanks for what the bot said about a measure ("grazie dell'info sul nasko", "thank you for the
# info about CRESCO", "adesso mi è tutto più chiaro sul cresco").
THANKS_FOR = re.compile(
    r"\b(?:info|informazion[ei]|information|chiar[oa]|clear|clearer|spiegazion[ei]|explanation|"
    r"risposta|answer|spiegato|spiegata|explaining|explained|cleared|doubts|dubbi|stuff|"
    r"indicazion[ei]|utilissim[ei]|helpful|grazie (?:x|per) (?:il|la|l|i|le)|tesoro|domanda sul|"
    r"paste this|the minutes|nel verbale|che serviva|what we needed|"
    r"mi hai risolto|risolto la giornata|saved my day|made my day|mi hai salvat[oa]|"
    r"mi hai aiutat[oa]|mi avete aiutat[oa]|you helped|you ve helped|helped me|help with)\b"
)
# A question asked without a question mark: "una ragazza che seguiamo chiede se ...", "our
# mayor wants to know if ...", "mi ha chiesto di informarmi se ci sono servizi".
ASKED_ROUNDABOUT = re.compile(
    r"\b(?:chiede|chiedo|chiediamo|chiedere|chiesto|sapere|informarmi|informarci|know|wonder|"
    r"wondering|whether|if (?:there|it|we|i|she|he|they)|se (?:ci|c e|possiamo|posso|puo|si))\b"
)
# Who writes, told with a greeting and nothing asked yet: "Egregi, chi scrive è il sindaco di
# Ponte di Legno. Lieto di fare la conoscenza", "hello from Legnano! teacher and mother of two
# here", "good morning, I work in HR ..., just introducing myself for now".
INTRODUCTION = re.compile(
    r"\b(?:(?:sono|so) (?:il|la|l|lo|un|una|uno)|io sono|mi chiamo|chi scrive|my name is|"
    r"i am (?:a|an|the)|i m (?:a|an|the)|"
    r"i work|lavoro (?:in|nel|nella|come|presso)|vengo da|mi presento|introducing myself|"
    r"piacere|lieto|lieta|pleased to|nice to meet|(?:mother|father|mum|mom|dad) of \w+ here|"
    r"vi scrivero|vi scrivo con calma|domani vi scrivo)\b"
)
