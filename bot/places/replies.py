"""The user's answers about places: the ATS of a comune, an area or a province, with its
territory, conciliazione page, general contacts, the regional office and the sources.

Every text comes from knowledge/ui/places.yaml and every fact from knowledge/ats.yaml; an
empty field is left out, never printed as "-" or "None".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from bot.formatting import format_date
from bot.places.entities import Comune, OutsidePlace, PlaceMatch, button_data
from bot.places.schema import Area, Ats, AtsFile, Source
from bot.reply import Button, Reply
from bot.texts import Texts

MAX_BUTTONS = 8
CONTACT_FIELDS = ("website", "phone", "pec", "email", "address")
OUTSIDE_KINDS = ("comune", "place", "province", "region")
# Every UI text key used here (knowledge/ui/places.yaml; tests check that each exists).
TEXT_KEYS = (
    "places.comune.title",
    "places.comune.certain",
    "places.comune.uncertain",
    "places.comune.in_area",
    "places.comune.outside_area",
    "places.comune.former",
    "places.province.title",
    "places.province.single",
    "places.province.split",
    "places.area.title",
    "places.area.single",
    "places.area.split",
    "places.area.part",
    "places.ats.territory",
    "places.ats.page",
    "places.ats.no_page",
    "places.contacts.title",
    *(f"places.contacts.{name}" for name in CONTACT_FIELDS),
    "places.contacts.source",
    "places.referents",
    "places.regional",
    "places.source",
    "places.ambiguous.title",
    "places.ambiguous.text",
    "places.ambiguous.more",
    "places.button",
    "places.outside.title",
    *(f"places.outside.{kind}" for kind in OUTSIDE_KINDS),
    "places.outside.text",
)


class ReplyBuilder:
    """Builds the answers from the validated ats.yaml."""

    def __init__(self, config: AtsFile, is_former_name: Callable[[str], bool]) -> None:
        self.config = config
        self.ats = {a.id: a for a in config.ats}
        self.areas = {a.id: a for a in config.areas}
        self._is_former_name = is_former_name
        # Per province, the area served by another ATS than the province's main one.
        self.exceptions: dict[str, Area] = {}
        for area in config.areas:
            if area.ats is not None and area.ats != config.main_ats(area.province):
                self.exceptions[area.province] = area

    def province_name(self, code: str, lang: str) -> str:
        """'provincia di Lodi', 'Città metropolitana di Milano'."""
        province = self.config.provinces.get(code)
        return province.name.get(lang) if province else code

    # --- places of Lombardy ---

    def describe(self, match: PlaceMatch, ats_ids: Sequence[str], texts: Texts, lang: str) -> Reply:
        """The ATS of a comune, an area or a province, and how to reach it."""
        if match.kind == "ambiguous":
            return self._describe_ambiguous(match, texts, lang)
        names = " / ".join(self.ats[a].name for a in ats_ids)
        code = match.comuni[0].province if match.kind == "comune" else match.province or ""
        fields: dict[str, object] = {"code": code, "province_name": self.province_name(code, lang)}
        exc = self.exceptions.get(code)
        if exc is not None:
            fields.update(self._area_fields(exc, lang, prefix="exc_"))
            fields.update(
                ats_main=self.ats[self.config.main_ats(code)].name,
                ats_other=self.ats[exc.ats or ""].name,
                area_in=exc.phrase("in", lang),
                area_the=exc.phrase("the", lang),
            )
        sourced: list[Area] = []  # areas whose list of comuni the answer relies on
        if match.kind == "comune":
            title, parts = self._comune(match, names, fields, exc, sourced, texts, lang)
        elif match.area is not None:
            area = self.areas[match.area]
            fields.update(self._area_fields(area, lang))
            title = texts.get("places.area.title", lang, ats=names, **fields)
            parts = self._area(area, names, fields, sourced, texts, lang)
        else:
            title = texts.get("places.province.title", lang, ats=names, **fields)
            key = "places.province.split" if exc is not None else "places.province.single"
            parts = [texts.get(key, lang, ats=names, **fields)]
            sourced += [exc] if exc is not None else []
        first = [parts[0], *(self._quick(self.ats[a], texts, lang) for a in ats_ids)]
        rest = parts[1:]
        rest += [self._ats_block(self.ats[ats_id], texts, lang) for ats_id in ats_ids]
        rest.append(texts.get("places.referents", lang))
        rest.append(self.regional_line(texts, lang))
        rest += self._source_lines(sourced, texts, lang)
        return Reply(
            text="\n\n".join(part for part in first if part),
            status="answer",
            lang=lang,
            entry="ats:" + "+".join(ats_ids),
            score=match.score,
            title=title[:1].upper() + title[1:],
            details="\n\n".join(part for part in rest if part),
        )

    def _quick(self, ats: Ats, texts: Texts, lang: str) -> str:
        """How to reach an ATS at a glance: its conciliazione page, else its site and phone."""
        if ats.pages:
            return texts.get("places.ats.page", lang, url=ats.pages[0])
        lines = [
            texts.get(f"places.contacts.{key}", lang, value=value.strip())
            for key in ("website", "phone")
            if (value := getattr(ats.contacts, key)) and value.strip()
        ]
        return "\n".join(lines)

    def describe_ats(self, ats_id: str, texts: Texts, lang: str) -> Reply:
        """One ATS named by the user ("ATS Insubria"): its territory, page and contacts."""
        ats = self.ats[ats_id]
        territory = texts.get(
            "places.ats.territory", lang, ats=ats.name, territory=ats.territory.get(lang)
        )
        quick = self._quick(ats, texts, lang)
        phone = (ats.contacts.phone or "").strip()
        if ats.pages and phone:
            quick += "\n" + texts.get("places.contacts.phone", lang, value=phone)
        parts = [
            self._ats_block(ats, texts, lang, territory=False),
            texts.get("places.referents", lang),
            self.regional_line(texts, lang),
        ]
        return Reply(
            text=f"{territory}\n\n{quick}".strip(),
            status="answer",
            lang=lang,
            entry=f"ats:{ats_id}",
            score=100.0,
            title=ats.name,
            details="\n\n".join(part for part in parts if part),
        )

    def _comune(
        self,
        match: PlaceMatch,
        names: str,
        fields: dict[str, object],
        exc: Area | None,
        sourced: list[Area],
        texts: Texts,
        lang: str,
    ) -> tuple[str, list[str]]:
        comune: Comune = match.comuni[0]
        fields["comune"] = comune.name
        title = texts.get("places.comune.title", lang, ats=names, **fields)
        parts: list[str] = []
        if self._is_former_name(match.matched_text):
            former = match.matched_text
            parts.append(texts.get("places.comune.former", lang, former=former, **fields))
        area = self.areas.get(comune.area or "")
        if area is not None:
            fields.update(self._area_fields(area, lang), area_in=area.phrase("in", lang))
            parts.append(texts.get("places.comune.in_area", lang, ats=names, **fields))
            parts.append(area.note.get(lang) if area.note else "")
            sourced.append(area)
        elif comune.certain:
            parts.append(texts.get("places.comune.certain", lang, ats=names, **fields))
            if exc is not None and exc.complete:
                parts.append(texts.get("places.comune.outside_area", lang, **fields))
                sourced.append(exc)
        else:
            parts.append(texts.get("places.comune.uncertain", lang, **fields))
        return title, parts

    def _area(
        self,
        area: Area,
        names: str,
        fields: dict[str, object],
        sourced: list[Area],
        texts: Texts,
        lang: str,
    ) -> list[str]:
        if not area.parts:
            sourced += [area] if area.comuni else []
            note = area.note.get(lang) if area.note else ""
            return [texts.get("places.area.single", lang, ats=names, **fields), note]
        lines = [texts.get("places.area.split", lang, **fields)]
        notes = []
        for part_id in area.parts:
            part = self.areas[part_id]
            lines.append(
                texts.get(
                    "places.area.part",
                    lang,
                    ats=self.ats[part.ats or ""].name,
                    **self._area_fields(part, lang),
                )
            )
            notes += [part.note.get(lang)] if part.note else []
            sourced += [part] if part.comuni else []
        return ["\n".join(lines), *notes]

    @staticmethod
    def _area_fields(area: Area, lang: str, prefix: str = "") -> dict[str, object]:
        return {
            f"{prefix}area": area.name.get(lang),
            f"{prefix}area_of": area.phrase("of", lang),
            f"{prefix}count": len(area.comuni),
        }

    def _describe_ambiguous(self, match: PlaceMatch, texts: Texts, lang: str) -> Reply:
        shown = match.comuni[:MAX_BUTTONS]
        titles = [texts.get("places.button", lang, comune=c.name, code=c.province) for c in shown]
        parts = [texts.get("places.ambiguous.text", lang, text=match.matched_text)]
        if len(match.comuni) > len(shown):
            parts.append(texts.get("places.ambiguous.more", lang))
        parts.append(self.regional_line(texts, lang))
        return Reply(
            text="\n\n".join(parts),
            status="answer",
            lang=lang,
            entry="ats:ambiguous",
            score=match.score,
            title=texts.get("places.ambiguous.title", lang, text=match.matched_text),
            buttons=tuple(
                (Button(title, button_data(c)),) for title, c in zip(titles, shown, strict=True)
            ),
            options=tuple((button_data(c), title) for title, c in zip(titles, shown, strict=True)),
        )

    def _ats_block(self, ats: Ats, texts: Texts, lang: str, territory: bool = True) -> str:
        """The details of an ATS; its first page is left out, the visible part (`_quick`)
        shows it, and so is its territory when the visible part shows that too."""
        area = ats.territory.get(lang)
        lines = [texts.get("places.ats.territory", lang, ats=ats.name, territory=area)]
        lines = lines if territory else []
        if ats.pages:
            lines += [texts.get("places.ats.page", lang, url=url) for url in ats.pages[1:]]
        else:
            lines.append(texts.get("places.ats.no_page", lang))
        if ats.notes:
            lines.append(ats.notes.get(lang))
        return "\n".join(lines) + "\n" + self._contacts_block(ats, texts, lang)

    def _contacts_block(self, ats: Ats, texts: Texts, lang: str) -> str:
        """General contacts: one line per field the source gives, nothing for the others."""
        contacts = ats.contacts
        lines = [texts.get("places.contacts.title", lang)]
        for key in CONTACT_FIELDS:
            value = getattr(contacts, key)
            if value and value.strip():
                lines.append(texts.get(f"places.contacts.{key}", lang, value=value.strip()))
        if contacts.note:
            lines.append(contacts.note.get(lang))
        lines.append(
            texts.get(
                "places.contacts.source",
                lang,
                source=contacts.source.title,
                url=contacts.source.url or "",
                date=format_date(contacts.checked, lang),
            )
        )
        return "\n".join(lines)

    def regional_line(self, texts: Texts, lang: str) -> str:
        regional = self.config.regional_contacts
        return texts.get(
            "places.regional",
            lang,
            email=regional.email,
            phones=" / ".join(regional.phones),
            year=regional.published,
        )

    def _source_lines(self, areas: Sequence[Area], texts: Texts, lang: str) -> list[str]:
        """The file's main source, then the source of each list of comuni relied upon."""
        pairs: list[tuple[Source, dt.date]] = [(self.config.sources[0], self.config.as_of)]
        pairs += [(a.sources[0], a.as_of) for a in areas if a.sources and a.as_of]
        lines: list[str] = []
        for source, date in pairs:
            line = texts.get(
                "places.source",
                lang,
                source=source.title,
                url=source.url or "",
                date=format_date(date, lang),
            )
            if line not in lines:
                lines.append(line)
        return lines

    # --- places outside Lombardy ---

    def describe_outside(self, place: OutsidePlace, texts: Texts, lang: str) -> Reply:
        """The place is outside Lombardy: say where it is and what this assistant covers."""
        kind = "place" if place.kind == "comune" and not place.province else place.kind
        where = texts.get(
            f"places.outside.{kind}",
            lang,
            name=place.name,
            code=place.province or "",
            region=place.region_name(lang),
        )
        return Reply(
            text="\n\n".join([where, texts.get("places.outside.text", lang)]),
            status="answer",
            lang=lang,
            entry="outside:" + place.region,
            score=100.0,
            title=texts.get("places.outside.title", lang, name=place.name),
        )
