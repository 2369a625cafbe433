"""Where do I turn? Comuni, areas and provinces of Lombardy mapped to their ATS, and places
of Italy outside Lombardy.

- `dataset`: the comuni of Italy, from python-codicefiscale's national list;
- `schema`: the pydantic models of knowledge/ats.yaml and knowledge/italy.yaml;
- `text`, `cues`, `index`, `finder`: finding a Lombard place in a message (`find`) or in a
  bare answer (`resolve`);
- `outside`: finding a place outside Lombardy (`find_outside`);
- `replies`: the user's answers (`describe`);
- `directory`: `PlaceDirectory`, which loads and ties them together.

No telegram import here.
"""

from bot.places.dataset import LOMBARD_PROVINCES
from bot.places.directory import ATS_FILE, ITALY_FILE, PlaceDirectory
from bot.places.entities import BUTTON_PREFIX, Comune, OutsidePlace, PlaceMatch, button_data
from bot.places.replies import MAX_BUTTONS, TEXT_KEYS
from bot.places.schema import Area, Ats, Contacts, PlacesError
from bot.places.text import comune_key, display_name, name_key

__all__ = [
    "ATS_FILE",
    "BUTTON_PREFIX",
    "ITALY_FILE",
    "LOMBARD_PROVINCES",
    "MAX_BUTTONS",
    "Area",
    "Ats",
    "Comune",
    "Contacts",
    "OutsidePlace",
    "PlaceDirectory",
    "PlaceMatch",
    "PlacesError",
    "TEXT_KEYS",
    "button_data",
    "comune_key",
    "display_name",
    "name_key",
]
