"""Seeded synthetic population of NTT and Timor-Leste names, with labelled queries.

Used to measure recall and false alerts; nothing here is real personal data.  The
population mixes Catholic and Protestant baptismal names with clan names of Timor,
Sumba, Flores, Alor, Rote and Sabu (plus a long tail of made-up clan names shaped like
them), Timorese names with Portuguese surnames and particles, Muslim names and names of
Javanese and Balinese origin, some in the old spelling.  Frequencies are Zipf-like, so
that "Maria" and "Nahak" are as crowded as they are in real lists.

Queries are either true matches (the source entry perturbed one to three times) or hard
negatives (a sibling, a namesake with another surname, the same name decades apart,
or someone new).  Everything is deterministic for a seed.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate
from pathlib import Path
from typing import Final

from .normalise import canonical_token, normalise_name
from .score import BirthDate, Entry, date_agreement, encode_birth_date

__all__ = [
    "LabelledQuery",
    "format_birth_date",
    "generate_entries",
    "generate_queries",
    "make_labelled_set",
    "parse_birth_date",
    "write_csv",
]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_M_CHRISTIAN: Final = _words("""
Yohanes Yosef Agustinus Fransiskus Kornelis Benediktus Dominggus Mateus Petrus Paulus Yakobus
Markus Lukas Stefanus Aloysius Antonius Bernadus Hendrikus Yulius Kristoforus Gabriel Mikael Simon
Andreas Filipus Tomas Bartolomeus Siprianus Silvester Vinsensius Yeremias Daniel Samuel Yosua Elias
Gregorius Ignasius Klemens Laurensius Leonardus Marselinus Nikolaus Oktavianus Robertus Rofinus
Sebastianus Teodorus Valentinus Wilhelmus Arnoldus Blasius Emanuel Fabianus Feliks Herman Hironimus
Kanisius Lambertus Modestus Norbertus Pius Rikardus Severinus Titus Viktor Yustinus Melkior
Yanuarius Albertus Alfonsus Ambrosius Anselmus Bonifasius Damianus Donatus Evaristus Gerardus
Gaspar Hubertus Isidorus Kosmas Krispinus Maksimus Nikodemus Patrisius Remigius Romanus Yoakim
Marthen Yunus Obed Ruben Yefta Dominikus Eduardus Bonaventura Frans Agus Yan Roni Deni Ferdi Alfred
""")
_F_CHRISTIAN: Final = _words("""
Maria Yosefina Marselina Agustina Fransiska Kornelia Benedikta Margaretha Magdalena Elisabeth
Katarina Theresia Yuliana Veronika Skolastika Anastasia Agnes Monika Regina Goreti Florentina
Adriana Albertina Angelina Antonia Bernadeta Dorotea Emerensiana Filomena Getrudis Helena Imelda
Karolina Klara Kristina Lusia Martha Natalia Paulina Rosalia Sesilia Susana Wilhelmina Yohana
Yasinta Yustina Serafina Sofia Stefania Ursula Oktavia Apolonia Aurelia Dominika Ermelinda Fransina
Hermina Ignasia Kristiana Lidia Martina Mariana Novita Petronela Priska Rosa Selvina Sarlota
Yuliati Debora Ester Rahel Sara Naomi Rebeka Elsa Ellen Marlina Yanti Ance Mince Dince Selfi Yemima
Orpa Merlin Siska Herlina Yeni Ermi
""")
_M_TIMOR_LESTE: Final = _words("""
João José António Manuel Francisco Domingos Agostinho Mateus Tomás Pedro Paulo Vicente Armindo
Alfredo Afonso Aniceto Baltazar Bernardino Celestino Constâncio Duarte Eusébio Feliciano Filomeno
Gaspar Inácio Januário Jacinto Lourenço Mário Nicolau Raimundo Sebastião Simão Xanana Virgílio
Zeferino Adão Amândio Cornélio Fernando Gregório Rui Taur Lere Mau Olo
""")
_F_TIMOR_LESTE: Final = _words("""
Maria Ana Rosa Filomena Joana Teresa Madalena Isabel Angelina Domingas Lúcia Fátima Graciana
Natália Olinda Cidália Ermelinda Felismina Guilhermina Juliana Laurentina Marcelina Rosália
Sebastiana Bendita Lucinda Zulmira Albertina Deolinda Aurora Celeste Amélia Bi
""")
_PORTUGUESE: Final = _words("""
Soares Pereira Ximenes Amaral Guterres Belo Lopes da_Costa dos_Santos de_Araújo da_Silva Gusmão
Freitas Martins Alves Sarmento Carvalho Fernandes Gomes Mendonça de_Jesus da_Cruz Tilman Barreto
Correia Cardoso Pinto Fonseca Ribeiro Marques Nunes Tavares Sequeira Magno Lobato Ramos Horta Moniz
Pires da_Conceição do_Rosário Mascarenhas Babo Hornay da_Cunha Monteiro Godinho Viegas Brito
de_Deus da_Luz Sousa Vaz Baptista Caetano Coelho Mau Bere Lere Loro Tasi Ruak Lelo Soi
""")
_CLANS: Final = _words("""
Nahak Seran Bria Tae Kolo Mau Bere Taek Lake Atok Neno Nope Tefa Sabu Lay Ndun Ratu Haning Pah Laka
Kaka Ndapa Klau Luan Bau Berek Bouk Fahik Hale Kehi Leki Loe Manek Mali Nurak Seuk Tahu Tey Asa
Bete Hoar Mauk Meak Moruk Nuak Saku Siri Tuan Ulu Banunaek Benu Boimau Faot Fallo Kase Kefi Liu
Lopo Manu Nenometa Oematan Sanam Selan Sonbai Tanesib Taneo Tlonaen Toto Tuka Usfal Tnunay Bani
Baun Bana Kono Lasi Nenobais Nubatonis Sakan Talan Tamonob Tefu Amfotis Babys Bifel Boling Bureni
Funan Haumeni Kebo Kolbaki Mella Missa Nino Nitbani Seo Sau Tabun Tahoni Tanu Tefnai Tolo Tualaka
Ulan Uly Nomleni Mooy Ndolu Adu Amalo Bessie Daik Dethan Dengah Fanggidae Foeh Henuk Kanni Kiuk
Lenggu Lerik Lona Messakh Nalle Pandie Pello Sinlae Tungga Bire Dida Djami Hadjo Huma Kore Lado
Lobo Radja Rohi Riwu Tadu Wadu Wila Bunga Haba Heo Hege Kana Lede Lomi Mone Pono Rihi Ruku Tede
Wele Doko Dimu Djara Hamba Hina Kareri Lumu Ndima Pati Tanggu Taramanu Wolu Windi Kondi Lawu Mehang
Tamu Ngara Dairo Kapita Mbili Tagu Wunu Djawa Parera Fernandez Kleden Koten Lamuri Wanget Moa Gadi
Wea Dhae Mbete Nong Sina Lewar Liwu Bura Goa Keraf Making Ola Openg Sabon Tukan Kelen Lein Hurint
Aran Beda Bala Laga Ruing Dopo Meo Ngongo Dhey Ndori Pora Rato Sogen Tule Weo Woda Wangge Nanga
Rangga Mite Sola Maro Kafelkai Lanlu Mautuka Padakari Atamau Tang Koly Lakamau Molebila Lelang
Fanggi Karbeka Laufa Malaikosa Maure Manilang Tapaha Kamengon Datemoli Djobo Karbui
""")
_M_MUSLIM: Final = _words("""
Muhammad Ahmad Abdul Abdullah Hasan Husein Umar Ismail Ibrahim Yusuf Hamzah Zainal Rahman Arifin
Syamsuddin Ridwan Salim Usman Ali Amir Hamid Nasir Jamal Anwar Rasyid Syarif Idris Sulaiman Bakar
Kadir Malik Saleh Mansur Muhtar Khairil
""")
_F_MUSLIM: Final = _words("""
Siti Nur Fatimah Aisyah Nurhayati Aminah Khadijah Halimah Zainab Salmah Maryam Rahmawati Hasnah
Nurjanah Rukiah Hadijah Asma Saodah Sakinah
""")
_M_JAVA_BALI: Final = _words("""
Joko Suharto Cahyono Nyoman Wayan Made Ketut Putu Budi Slamet Sutrisno Bambang Hartono Setiawan
Santoso Wahyudi Kurniawan Sugiarto Purwanto Sukarno Susilo
""")
_F_JAVA_BALI: Final = _words("""
Sri Suharti Rahayu Lestari Wulandari Handayani Wahyuni Nyoman Made Ketut Putu Yuliani Susanti
Kartini Sulastri
""")
_OTHER_NATIONALITIES: Final = ("PRT", "AUS", "PHL", "CHN", "MYS", "SGP", "NLD")


def _zipf(names: Sequence[str], exponent: float) -> tuple[Sequence[str], list[float]]:
    return names, list(accumulate(1.0 / (rank + 1) ** exponent for rank in range(len(names))))


def _tail_clans(count: int) -> list[str]:
    """Made-up clan names with Timorese syllable shapes, for a realistic long tail."""
    rng = random.Random(20240917)
    # Repeated onsets are more frequent; codas are mostly absent.
    onsets = _words("b d f h k l m n p r s t b k n t l s m nd mb ng")
    vowels, codas = "aeiou", ("", "", "", "k", "n", "s", "t", "l")
    seen: dict[str, None] = dict.fromkeys(n.lower() for n in _CLANS)
    out: list[str] = []
    while len(out) < count:
        name = "".join(
            rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.choice((2, 2, 3)))
        )
        name += rng.choice(codas)
        if name not in seen:
            seen[name] = None
            out.append(name.capitalize())
    return out


@dataclass(frozen=True, slots=True)
class LabelledQuery:
    """A query with its truth: the id it should alert on, or None for a negative."""

    qid: str
    full_name: str
    birth_date: BirthDate
    sex: str | None
    nationality: str | None
    expected_id: str | None
    kind: str


class _Population:
    """Samplers of names, dates and fields; one random generator drives them all."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        clans = [*_CLANS, *_tail_clans(12_000)]
        self.pools = {
            "m_chr": _zipf(_M_CHRISTIAN, 1.0),
            "f_chr": _zipf(_F_CHRISTIAN, 1.0),
            "m_tl": _zipf(_M_TIMOR_LESTE, 1.0),
            "f_tl": _zipf(_F_TIMOR_LESTE, 1.0),
            "pt": _zipf(_PORTUGUESE, 0.8),
            "clan": _zipf(clans, 0.75),
            "m_mus": _zipf(_M_MUSLIM, 1.0),
            "f_mus": _zipf(_F_MUSLIM, 1.0),
            "m_jb": _zipf(_M_JAVA_BALI, 0.8),
            "f_jb": _zipf(_F_JAVA_BALI, 0.8),
        }

    def pick(self, pool: str) -> str:
        names, weights = self.pools[pool]
        return self.rng.choices(names, cum_weights=weights)[0].replace("_", " ")

    def distinct(self, pool: str, count: int) -> list[str]:
        out: list[str] = []
        while len(out) < count:
            name = self.pick(pool)
            if name not in out:
                out.append(name)
        return out

    def name(self, sex: str, group: str, rng: random.Random) -> str:
        s = sex.lower()
        if group == "tl":
            firsts = self.distinct(f"{s}_tl", rng.choice((1, 1, 1, 2)))
            if rng.random() < 0.2:
                firsts[0] = self.pick(f"{s}_chr")
            return " ".join(firsts + self.distinct("pt", rng.choice((1, 1, 2, 2, 3))))
        if group == "mus":
            count = rng.choice((1, 2, 2, 2, 3))
            tokens = self.distinct(f"{s}_mus", count)
            if count > 1 and rng.random() < 0.5:
                tokens[-1] = self.pick("m_mus" if rng.random() < 0.7 else "clan")
            return " ".join(dict.fromkeys(tokens))
        if group == "jb":
            return " ".join(self.distinct(f"{s}_jb", rng.choice((1, 1, 2, 2, 2))))
        roll = rng.random()
        if roll < 0.08:
            return self.pick(f"{s}_chr")
        firsts = self.distinct(f"{s}_chr", 1 if roll < 0.65 else 2)
        if roll > 0.97:
            firsts.insert(0, "Umbu" if sex == "M" else "Rambu")
        return " ".join(firsts + self.distinct("clan", 1 if rng.random() < 0.88 else 2))

    def person(self) -> tuple[str, BirthDate, str | None, str | None]:
        rng = self.rng
        sex = "M" if rng.random() < 0.5 else "F"
        group = rng.choices(("ntt", "tl", "mus", "jb"), cum_weights=(0.64, 0.85, 0.93, 1.0))[0]
        name = self.name(sex, group, rng)
        if rng.random() < 0.06:
            name = _old_spelling(name, rng)
        nat: str | None = "TLS" if group == "tl" and rng.random() < 0.8 else "IDN"
        roll = rng.random()
        if roll < 0.03:
            nat = None
        elif roll < 0.045:
            nat = rng.choice(_OTHER_NATIONALITIES)
        return name, self.birth_date(), (sex if rng.random() > 0.03 else None), nat

    def birth_date(self, around: int | None = None, spread: int = 0) -> BirthDate:
        rng = self.rng
        roll = rng.random()
        year = (
            around + rng.randint(-spread, spread)
            if around
            else int(2012 - rng.betavariate(1.6, 3) * 75)
        )
        if roll < 0.03:
            return None
        if roll < 0.08:
            return year
        return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def _old_spelling(name: str, rng: random.Random) -> str:
    """Write one token of ``name`` in the pre-1972 Indonesian (or Dutch) spelling."""
    rules = (("u", "oe"), ("j", "dj"), ("y", "j"), ("ny", "nj"), ("sy", "sj"),
             ("kh", "ch"), ("Y", "J"), ("J", "Dj"), ("C", "Tj"), ("U", "Oe"), ("f", "ph"),
             ("t", "th"), ("k", "c"), ("K", "C"), ("l", "ll"), ("s", "z"))  # fmt: skip
    tokens = name.split()
    for i in rng.sample(range(len(tokens)), len(tokens)):
        token = tokens[i]
        usable = [(a, b) for a, b in rules if a in token[:-1] and len(token) > 3]
        for old, new in rng.sample(usable, len(usable)):
            changed = token.replace(old, new, 1)
            # Only rewrites that are the same name today ("Marcelina", not "Rece").
            if canonical_token(changed.lower()) == canonical_token(token.lower()):
                tokens[i] = changed
                return " ".join(tokens)
    return name


def generate_entries(n: int, seed: int) -> Iterator[Entry]:
    """Yield ``n`` watch-list entries with ids W0000000, W0000001, ..."""
    population = _Population(random.Random(seed))
    for number in range(n):
        name, birth, sex, nat = population.person()
        yield Entry(f"W{number:07d}", name, birth, sex, nat)


_HONORIFICS: Final = {
    "M": ("Bapak", "Bpk.", "Pak", "Sdr.", "Saudara", "Tuan", "Sr.", "Senhor", "Dr.", "H."),
    "F": ("Ibu", "Bu", "Sdri.", "Nona", "Nyonya", "Ny.", "Sra.", "Senhora", "Dr.", "Hj."),
}
_TITLES: Final = (", S.Pd.", ", S.H.", " SE", ", M.Pd.", ", S.Kep.", ", A.Md.", ", S.Th.", " S.Pd")
_ACCENTS: Final = {"a": "ã", "o": "ó", "u": "ú", "e": "é", "i": "í", "c": "ç"}
_LETTERS: Final = "abdefghiklmnoprstuwy"


def _spelling(name: str, rng: random.Random) -> str:
    folded = name.replace("ã", "a").replace("ú", "u").replace("ó", "o").replace("é", "e")
    if folded != name:
        return folded
    if rng.random() < 0.25:
        tokens = name.split()
        i = rng.randrange(len(tokens))
        spots = [k for k, c in enumerate(tokens[i]) if c in _ACCENTS and k > 0]
        if spots:
            k = rng.choice(spots)
            tokens[i] = tokens[i][:k] + _ACCENTS[tokens[i][k]] + tokens[i][k + 1 :]
            return " ".join(tokens)
    for old, new in (("oe", "u"), ("Oe", "U"), ("Dj", "J"), ("dj", "j"), ("Tj", "C"), ("ph", "f"),
                     ("th", "t"), ("ll", "l"), ("J", "Y"), ("z", "s"), ("ch", "kh")):  # fmt: skip
        if old in name and rng.random() < 0.8:
            return name.replace(old, new, 1)
    changed = _old_spelling(name, rng)
    return changed if changed != name else name.upper()


def _typo(name: str, rng: random.Random) -> str:
    tokens = name.split()
    usable = [i for i, t in enumerate(tokens) if len(t) >= 4]
    if not usable:
        return name
    i = rng.choice(usable)
    token = tokens[i]
    k = rng.randrange(1, len(token))
    op = rng.randrange(4)
    if op == 0:
        token = token[:k] + rng.choice(_LETTERS) + token[k + 1 :]
    elif op == 1:
        token = token[:k] + token[k + 1 :]
    elif op == 2:
        token = token[:k] + rng.choice(_LETTERS) + token[k:]
    elif k < len(token) - 1:
        token = token[:k] + token[k + 1] + token[k] + token[k + 2 :]
    tokens[i] = token
    return " ".join(tokens)


def _content(name: str) -> list[str]:
    return [t for t in name.split() if t.lower() not in {"da", "de", "do", "dos", "das", "e"}]


def _reorder(name: str, rng: random.Random) -> str:
    tokens = _content(name)
    if len(tokens) < 2:
        return name
    # Surname first, as on some forms and in Timor-Leste documents.
    cut = rng.randrange(1, len(tokens))
    return " ".join(tokens[cut:] + tokens[:cut])


def _drop(name: str, rng: random.Random) -> str:
    tokens = _content(name)
    # Middle names are dropped often; the given name of a two-part name seldom.
    if len(tokens) < 2 or (len(tokens) == 2 and rng.random() < 0.85):
        return name
    del tokens[rng.randrange(1, len(tokens)) if len(tokens) > 2 else 0]
    return " ".join(tokens)


def _initial(name: str, rng: random.Random) -> str:
    tokens = _content(name)
    if len(tokens) < 2:
        return name
    i = rng.randrange(len(tokens) - 1)
    tokens[i] = tokens[i][0] + "."
    return " ".join(tokens)


def _perturb_date(birth: dt.date, rng: random.Random, keep_full: bool) -> tuple[BirthDate, str]:
    roll = rng.random()
    if roll < 0.1 and not keep_full:
        return None, "date_missing"
    if roll < 0.25 and not keep_full:
        return birth.year, "year_only"
    if roll < 0.5 and birth.day <= 12 and birth.day != birth.month:
        return birth.replace(month=birth.day, day=birth.month), "day_month_swapped"
    if roll < 0.75 and not (birth.month == 2 and birth.day == 29):
        return birth.replace(year=birth.year + rng.choice((-1, 1))), "year_off_by_one"
    return birth + dt.timedelta(days=rng.choice((-1, 1))), "day_off_by_one"


_NameOp = Callable[[str, random.Random], str]
_NAME_OPS: Final[tuple[tuple[str, _NameOp, float], ...]] = (
    ("spelling", _spelling, 3.0),
    ("typo", _typo, 2.0),
    ("reorder", _reorder, 1.2),
    ("drop_token", _drop, 1.2),
    ("initial", _initial, 1.0),
)


def _named(name: str) -> int:
    return sum(len(t) > 1 for t in normalise_name(name).tokens)


def _identifiable(entry: Entry) -> bool:
    """Whether a query could single out ``entry``: two name tokens or a full date."""
    return isinstance(entry.birth_date, dt.date) or _named(entry.full_name) >= 2


def _true_match(source: Entry, qid: str, rng: random.Random) -> LabelledQuery:
    name, birth, sex, nat = source.full_name, source.birth_date, source.sex, source.nationality
    kinds: list[str] = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        roll = rng.random()
        if roll < 0.55:
            op_name, op, _ = rng.choices(_NAME_OPS, weights=[w for *_, w in _NAME_OPS])[0]
            changed = op(name, rng)
            # One name token and no full birth date single out nobody in a large list:
            # such a query is not a fair test of recall, so the change is not made.
            if _named(changed) < 2 and not isinstance(birth, dt.date):
                continue
            if changed != name and op_name not in kinds:
                name, kinds = changed, [*kinds, op_name]
        elif roll < 0.72:
            kinds.append("honorific")
        elif roll < 0.9 and isinstance(birth, dt.date) and birth == source.birth_date:
            birth, kind = _perturb_date(birth, rng, keep_full=_named(name) < 2)
            kinds.append(kind)
        elif sex or nat:
            sex, nat = (None, nat) if rng.random() < 0.5 else (sex, None)
            kinds.append("field_missing")
    if "honorific" in kinds:
        name = f"{rng.choice(_HONORIFICS[sex or 'M'])} {name}"
        if rng.random() < 0.3:
            name += rng.choice(_TITLES)
    if rng.random() < 0.1:
        name = name.upper() if rng.random() < 0.5 else name.lower()
    return LabelledQuery(qid, name, birth, sex, nat, source.id, "+".join(kinds) or "same")


def _negative(source: Entry, qid: str, population: _Population) -> LabelledQuery:
    rng = population.rng
    sex = source.sex or "M"
    tokens = _content(source.full_name)
    year = source.birth_date if isinstance(source.birth_date, int) else None
    if isinstance(source.birth_date, dt.date):
        year = source.birth_date.year
    roll = rng.random()
    if roll < 0.3 and len(tokens) > 1:
        sex = rng.choice("MF")
        first = population.pick(f"{sex.lower()}_chr")
        while first == tokens[0]:
            first = population.pick(f"{sex.lower()}_chr")
        family = tokens[1:] if rng.random() < 0.5 else tokens[-1:]
        name, kind = " ".join([first, *family]), "negative_sibling"
        birth = population.birth_date(year or 1980, 12)
    elif roll < 0.6 and len(tokens) > 1:
        name, kind = f"{tokens[0]} {population.pick('clan')}", "negative_other_surname"
        birth = population.birth_date(year or 1980, 10)
    elif roll < 0.85 and year:
        gap = rng.randint(20, 40)
        gap = -gap if year + gap > 2012 or rng.random() < 0.5 else gap
        name, kind = source.full_name, "negative_decades_apart"
        birth = population.birth_date(year + gap, 0) or year + gap
    else:
        name, birth, other_sex, _ = population.person()
        sex, kind = other_sex or sex, "negative_other_person"
    nat = source.nationality if rng.random() < 0.8 else None
    return LabelledQuery(qid, name, birth, sex, nat, None, kind)


def generate_queries(
    sources: Sequence[Entry], seed: int, *, negative_share: float = 0.5
) -> list[LabelledQuery]:
    """One labelled query per source entry: a perturbed copy or a hard negative."""
    population = _Population(random.Random(seed))
    rng = population.rng
    out: list[LabelledQuery] = []
    for number, source in enumerate(sources):
        qid = f"Q{number:06d}"
        if rng.random() < negative_share or not _identifiable(source):
            out.append(_negative(source, qid, population))
        else:
            out.append(_true_match(source, qid, rng))
    return out


@dataclass(frozen=True, slots=True)
class LabelledSet:
    """Entries and labelled queries whose truth the data can decide.

    ``queries`` leaves out, and ``undecidable`` keeps, the generated queries that some
    entry other than the expected one fits as well (for a negative: at all), judged
    on the name up to spelling, order and one dropped token of a three-part name, and
    on a birth date that agrees at least as closely, or is missing.  Examples: a
    "different person" who is in fact a namesake of a listed person born the same day,
    or a query "Yosef Sono" without a date when the list holds forty of them.  No
    matcher can be right or wrong on those, so they are kept apart and reported.
    """

    entries: list[Entry]
    queries: list[LabelledQuery]
    undecidable: list[LabelledQuery]


# How well two birth dates agree, for deciding ties between entries.
_DATE_LEVEL: Final = {
    "birth_date_exact": 3,
    "birth_date_day_month_swapped": 2,
    "birth_date_off_by_one_day": 2,
    "birth_date_off_by_one_year": 2,
    "birth_year_match": 1,
    "birth_year_off_by_one": 1,
    "birth_date_missing": 0,
}


def _date_level(a: BirthDate, b: BirthDate) -> int:
    return _DATE_LEVEL.get(date_agreement(encode_birth_date(a), encode_birth_date(b))[0], -1)


def _name_keys(name: str) -> list[tuple[str, ...]]:
    key = tuple(sorted({canonical_token(t) for t in normalise_name(name).tokens if len(t) > 1}))
    if len(key) < 3:
        return [key]
    return [key, *(key[:i] + key[i + 1 :] for i in range(len(key)))]


def _undecidable(
    queries: Sequence[LabelledQuery], sources: dict[str, Entry], entries: Iterable[Entry]
) -> set[str]:
    """Queries that another entry fits as well as the expected one (or at all)."""
    wanted: dict[tuple[str, ...], list[tuple[LabelledQuery, int]]] = {}
    for q in queries:
        names, level = [q.full_name], 0
        if q.expected_id:
            source = sources[q.expected_id]
            names.append(source.full_name)
            level = _date_level(q.birth_date, source.birth_date)
        for name in names:
            for key in _name_keys(name):
                wanted.setdefault(key, []).append((q, level))
    out: set[str] = set()
    for entry in entries:
        for key in _name_keys(entry.full_name):
            for q, level in wanted.get(key, ()):
                if (
                    entry.id != q.expected_id
                    and q.qid not in out
                    and _date_level(q.birth_date, entry.birth_date) >= level
                ):
                    out.add(q.qid)
    return out


def make_labelled_set(
    n_entries: int, n_queries: int, seed: int, *, negative_share: float = 0.5
) -> LabelledSet:
    """``n_entries`` entries and ``n_queries`` decidable labelled queries drawn from them."""
    entries = list(generate_entries(n_entries, seed))
    rng = random.Random(seed + 1)
    queries: list[LabelledQuery] = []
    undecidable: list[LabelledQuery] = []
    attempt = 0
    while len(queries) < n_queries and attempt < 10:
        wanted = n_queries - len(queries)
        picks = rng.sample(range(n_entries), min(n_entries, wanted + wanted // 2 + 10))
        sources = {entries[i].id: entries[i] for i in picks}
        batch = generate_queries(
            list(sources.values()), seed + 2 + attempt, negative_share=negative_share
        )
        bad = _undecidable(batch, sources, entries)
        for q in batch:
            target = undecidable if q.qid in bad else queries
            target.append(replace(q, qid=f"Q{len(queries) + len(undecidable):06d}"))
        attempt += 1
    return LabelledSet(entries, queries[:n_queries], undecidable)


def format_birth_date(value: BirthDate) -> str:
    """YYYY-MM-DD, YYYY or the empty string, as in the CSV files."""
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else f"{value:04d}"


def parse_birth_date(text: str) -> BirthDate:
    """Inverse of ``format_birth_date``."""
    text = text.strip()
    if not text:
        return None
    return int(text) if len(text) == 4 else dt.date.fromisoformat(text)


def write_csv(directory: Path, entries: Iterable[Entry], queries: Sequence[LabelledQuery]) -> None:
    """Write LIST.csv, QUERIES.csv and TRUTH.csv (qid, expected_id or empty, kind)."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "LIST.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("id", "full_name", "birth_date", "sex", "nationality"))
        for e in entries:
            row = (e.id, e.full_name, format_birth_date(e.birth_date), e.sex, e.nationality)
            writer.writerow(tuple(x or "" for x in row))
    with (directory / "QUERIES.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("qid", "full_name", "birth_date", "sex", "nationality"))
        for q in queries:
            row = (q.qid, q.full_name, format_birth_date(q.birth_date), q.sex, q.nationality)
            writer.writerow(tuple(x or "" for x in row))
    with (directory / "TRUTH.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("qid", "expected_id", "kind"))
        writer.writerows((q.qid, q.expected_id or "", q.kind) for q in queries)
