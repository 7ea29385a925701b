"""A labelled synthetic set of the hub's records, to measure the linkage; no real person.

People come from the screening matcher's population of NTT and Timor-Leste names
(``lintas.screening.matching.variants``). Each person is seen one to six times across
four sources, each source with its own habits: the desk (travellers: full date,
document, often a phone), tips (a name as heard, often no date or only a year, seldom a
village), cases (full records) and the watch list (name, date, sometimes a document).
Every sighting but the first is perturbed the way the region's records are: spelling
variants and old spellings, typos, reordered and dropped tokens, initials,
honorifics, day and month swapped, a year only, a day or a year off, missing fields.

Hard negatives are added as people of their own: siblings (same surname and village,
birth dates a few years apart, sometimes the family phone), a father and son with the
same name decades apart in the same village, and namesakes elsewhere.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from lintas.screening.matching.score import BirthDate, Entry
from lintas.screening.matching.variants import (
    _negative,
    _Population,
    _true_match,
    format_birth_date,
)

from .records import LinkInput

__all__ = ["SOURCES", "LabelledRecord", "generate"]

SOURCES: Final = ("traveller", "tip", "case_person", "watch_entry")
_SOURCE_WEIGHTS: Final = (0.55, 0.2, 0.15, 0.1)
# Regency codes of the province (53) where the posts and their hinterland lie.
_REGENCIES: Final = ("01", "02", "03", "04", "05", "14", "21", "71")


@dataclass(frozen=True, slots=True)
class LabelledRecord:
    """A record with the person it belongs to (``entity``) and the kind of relative it is."""

    record: LinkInput
    entity: str
    kind: str


@dataclass(slots=True)
class _Person:
    entity: str
    name: str
    birth: BirthDate
    sex: str | None
    village: str
    phone: str
    document: str
    kind: str


def _village(rng: random.Random) -> str:
    return f"53.{rng.choice(_REGENCIES)}.{rng.randint(1, 12):02d}.{2000 + rng.randint(1, 15):04d}"


def _phone(rng: random.Random) -> str:
    number = f"8{rng.choice('12357')}{rng.randrange(10**9):09d}"
    # Written in the ways people give them: local, international, with spaces.
    form = rng.random()
    if form < 0.5:
        return "0" + number
    if form < 0.8:
        return "+62" + number
    return f"0{number[:3]} {number[3:7]} {number[7:]}"


def _document(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"53{rng.randrange(10**14):014d}"  # NIK
    return f"{rng.choice('ABCX')}{rng.randrange(10**7):07d}"  # passport


def _transposed(text: str, rng: random.Random) -> str:
    if len(text) < 3:
        return text
    k = rng.randrange(len(text) - 1)
    return text[:k] + text[k + 1] + text[k] + text[k + 2 :]


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.population = _Population(self.rng)
        self.count = 0

    def person(self, kind: str = "person", like: _Person | None = None) -> _Person:
        rng = self.rng
        self.count += 1
        entity = f"P{self.count:07d}"
        if like is None:
            name, birth, sex, _ = self.population.person()
            return _Person(
                entity,
                name,
                birth,
                sex,
                _village(rng) if rng.random() < 0.92 else "",
                _phone(rng) if rng.random() < 0.55 else "",
                _document(rng),
                kind,
            )
        source = Entry(like.entity, like.name, like.birth, like.sex)
        query = _negative(source, entity, self.population)
        same_place = query.kind != "negative_other_person" and rng.random() < 0.85
        family_phone = query.kind == "negative_sibling" and rng.random() < 0.3
        return _Person(
            entity,
            query.full_name,
            query.birth_date,
            query.sex,
            like.village if same_place else _village(rng),
            like.phone if family_phone else (_phone(rng) if rng.random() < 0.55 else ""),
            _document(rng),
            query.kind.removeprefix("negative_"),
        )

    def sightings(self, p: _Person, count: int) -> Iterator[LabelledRecord]:
        rng = self.rng
        source_entry = Entry(p.entity, p.name, p.birth, p.sex)
        for number in range(count):
            source = rng.choices(SOURCES, weights=_SOURCE_WEIGHTS)[0]
            name, birth, sex = p.name, p.birth, p.sex
            if number or rng.random() < 0.3:
                q = _true_match(source_entry, p.entity, rng)
                name, birth, sex = q.full_name, q.birth_date, q.sex
            yield LabelledRecord(self.record(source, p, name, birth, sex), p.entity, p.kind)

    def record(
        self, source: str, p: _Person, name: str, birth: BirthDate, sex: str | None
    ) -> LinkInput:
        rng = self.rng
        self.count += 1
        village, phone, document = p.village, p.phone, p.document
        if source == "tip":
            roll = rng.random()
            # A tipster knows where someone is from and roughly how old they are.
            birth = None if roll < 0.25 else (_year(birth) if roll < 0.65 else birth)
            village = village if rng.random() < 0.85 else ""
            phone = phone if rng.random() < 0.5 else ""
            document = ""
        elif source == "traveller":
            phone = phone if rng.random() < 0.7 else ""
            document = _transposed(document, rng) if rng.random() < 0.03 else document
        elif source == "watch_entry":
            phone = phone if rng.random() < 0.3 else ""
            document = document if rng.random() < 0.4 else ""
        else:
            document = document if rng.random() < 0.5 else ""
        if village and rng.random() < 0.08:
            village = village[:9] + f"{2000 + rng.randint(1, 15):04d}"  # moved within the district
        if rng.random() < 0.05:
            village = ""
        return LinkInput(
            id=f"R{self.count:07d}",
            source=source,
            full_name=name,
            birth_date=format_birth_date(birth),
            sex=sex or "",
            village_code=village,
            phone=phone,
            document_number=document,
        )


def _year(birth: BirthDate) -> BirthDate:
    return birth.year if isinstance(birth, dt.date) else birth


def generate(n_records: int, *, seed: int = 1) -> list[LabelledRecord]:
    """About ``n_records`` labelled records (exactly that many), deterministic for a seed."""
    gen = _Generator(seed)
    rng = gen.rng
    out: list[LabelledRecord] = []
    people: list[_Person] = []
    while len(out) < n_records:
        if people and rng.random() < 0.25:
            person = gen.person("relative", like=rng.choice(people[-200:]))
        else:
            person = gen.person()
        people.append(person)
        count = rng.choices((1, 2, 3, 4, 6), weights=(0.5, 0.28, 0.12, 0.07, 0.03))[0]
        out.extend(gen.sightings(person, count))
    # Shuffle, so that the order of the input says nothing of who is who.
    rng.shuffle(out)
    return out[:n_records]
