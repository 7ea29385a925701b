"""Name normalisation and pairwise scoring (lintas.screening.matching, no Django)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lintas.screening.matching import (
    DEFAULT_THRESHOLD,
    WEAK_CAP,
    Person,
    Reason,
    canonical_token,
    compare,
    normalise_name,
    phonetic_key,
    score,
)

D = dt.date


@pytest.mark.parametrize(
    ("raw", "tokens"),
    [
        ("Bapak Drs. Yohanes Nahak, S.Pd., M.Pd.", ("yohanes", "nahak")),
        ("Sdri. Maria de Araújo", ("maria", "araujo")),
        ("Xanana Gusmão", ("xanana", "gusmao")),
        ("M.Kolo", ("m", "kolo")),
        ("Maria Dacosta", ("maria", "costa")),
        ("João da Costa e Silva", ("joao", "costa", "silva")),
        ("  NAHAK,   Yohanes  ", ("nahak", "yohanes")),
        ("Yohanes Nahak SH", ("yohanes", "nahak")),
        ("Hj. Siti Aminah", ("siti", "aminah")),
        ("Ibu", ("ibu",)),
        ("E. Nahak", ("e", "nahak")),
        ("Maria Maria Kolo", ("maria", "kolo")),
    ],
)
def test_normalise_name_strips_titles_particles_and_accents(
    raw: str, tokens: tuple[str, ...]
) -> None:
    assert normalise_name(raw).tokens == tokens


def test_normalise_name_keeps_what_it_dropped() -> None:
    name = normalise_name("Senhora Ana dos Santos, S.H.")
    assert (name.tokens, name.particles, name.dropped) == (
        ("ana", "santos"),
        ("dos",),
        ("senhora", "sh"),
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("soeharto", "suharto"),
        ("djoko", "joko"),
        ("tjahjono", "cahyono"),
        ("njoman", "nyoman"),
        ("djawa", "jawa"),
        ("johanes", "yohanes"),
        ("josef", "yosef"),
        ("ellen", "elen"),
        ("marcelina", "marselina"),
        ("chairil", "khairil"),
        ("sjarif", "syarif"),
        ("matheus", "mateus"),
        ("stephanus", "stefanus"),
        ("souza", "sousa"),
    ],
)
def test_old_and_new_spellings_share_a_canonical_form(old: str, new: str) -> None:
    assert canonical_token(old) == canonical_token(new)


def test_phonetic_key_merges_sound_alikes_but_not_different_clans() -> None:
    assert phonetic_key("yosef") == phonetic_key("yosep")
    assert phonetic_key("fatimah") == phonetic_key("fatima")
    assert phonetic_key("agostinus") == phonetic_key("agustinus")
    assert phonetic_key("tae") != phonetic_key("taek")
    assert phonetic_key("nahak") == "nahak"


BORN = D(1980, 5, 3)


@pytest.mark.parametrize(
    ("query", "entry", "reason"),
    [
        (
            "Djoko Santoso",
            "Joko Santoso",
            Reason("spelling_variant", {"query": "Djoko", "entry": "Joko"}),
        ),
        (
            "Soeharto Bere",
            "Suharto Bere",
            Reason("spelling_variant", {"query": "Soeharto", "entry": "Suharto"}),
        ),
        (
            "Tjahjono Lay",
            "Cahyono Lay",
            Reason("spelling_variant", {"query": "Tjahjono", "entry": "Cahyono"}),
        ),
        (
            "Njoman Ratu",
            "Nyoman Ratu",
            Reason("spelling_variant", {"query": "Njoman", "entry": "Nyoman"}),
        ),
        (
            "Johanes Tefa",
            "Yohanes Tefa",
            Reason("spelling_variant", {"query": "Johanes", "entry": "Yohanes"}),
        ),
        (
            "Josef Atok",
            "Yosef Atok",
            Reason("spelling_variant", {"query": "Josef", "entry": "Yosef"}),
        ),
        (
            "Ellen Nope",
            "Elen Nope",
            Reason("spelling_variant", {"query": "Ellen", "entry": "Elen"}),
        ),
        (
            "Yosep Neno",
            "Yosef Neno",
            Reason("phonetic_variant", {"query": "Yosep", "entry": "Yosef"}),
        ),
        (
            "Agustinus Nahka",
            "Agustinus Nahak",
            Reason("typo", {"query": "Nahka", "entry": "Nahak", "edits": 1}),
        ),
        (
            "Benediktus Saebu",
            "Benediktus Sabu",
            Reason("typo", {"query": "Saebu", "entry": "Sabu", "edits": 1}),
        ),
        ("M. Kolo", "Maria Kolo", Reason("initial", {"query": "M", "entry": "Maria"})),
        ("Nahak Yohanes", "Yohanes Nahak", Reason("tokens_reordered", {})),
        ("Maria Seran", "Maria Goreti Seran", Reason("token_missing", {"token": "Goreti"})),
        ("Maria Goreti Seran", "Maria Seran", Reason("token_extra", {"token": "Goreti"})),
        ("Bapak Yohanes Nahak, S.Pd.", "Yohanes Nahak", Reason("name_exact", {})),
        ("Maria da Costa", "Maria Costa", Reason("name_exact", {})),
        ("João dos Santos", "Joao Santos", Reason("name_exact", {})),
        ("Xanana Gusmão", "XANANA GUSMAO", Reason("name_exact", {})),
        ("Marlina", "Marlina", Reason("name_exact", {})),
    ],
)
def test_known_variants_alert_with_their_reason(query: str, entry: str, reason: Reason) -> None:
    result = compare(Person(query, BORN, "M", "IDN"), Person(entry, BORN, "M", "IDN"))
    assert result.score >= DEFAULT_THRESHOLD
    assert reason in result.reasons
    assert Reason("birth_date_exact", {}) in result.reasons


@pytest.mark.parametrize(
    ("query_date", "entry_date", "code"),
    [
        (D(1980, 5, 3), D(1980, 3, 5), "birth_date_day_month_swapped"),
        (D(1980, 5, 3), D(1980, 5, 4), "birth_date_off_by_one_day"),
        (D(1979, 12, 31), D(1980, 1, 1), "birth_date_off_by_one_day"),
        (D(1980, 5, 3), D(1981, 5, 3), "birth_date_off_by_one_year"),
        (1980, D(1980, 5, 3), "birth_year_match"),
        (1981, D(1980, 5, 3), "birth_year_off_by_one"),
    ],
)
def test_date_errors_still_alert(query_date: dt.date | int, entry_date: dt.date, code: str) -> None:
    result = compare(Person("Yohanes Nahak", query_date), Person("Yohanes Nahak", entry_date))
    assert result.score >= DEFAULT_THRESHOLD
    assert Reason(code, {}) in result.reasons


@pytest.mark.parametrize(
    ("query", "entry"),
    [
        # Siblings sharing a clan name.
        (Person("Yohanes Nahak", D(1980, 1, 2), "M"), Person("Yosef Nahak", D(1983, 5, 6), "M")),
        (Person("Maria Goreti Kolo", D(1990, 1, 2)), Person("Yosefina Goreti Kolo", D(1992, 7, 8))),
        # Same first name, another surname, even born the same day.
        (Person("Maria Kolo", D(1985, 3, 4)), Person("Maria Seran", D(1985, 3, 4))),
        # Same name, decades apart.
        (Person("Yohanes Nahak", D(1950, 3, 4)), Person("Yohanes Nahak", D(1985, 7, 8))),
        (Person("Agustinus Tae", 1948), Person("Agustinus Tae", D(1978, 2, 1))),
        # Same name, born on different days of the same year.
        (Person("Fransiskus Bria", D(1970, 2, 3)), Person("Fransiskus Bria", D(1970, 9, 17))),
        # A single common token and nothing else to go on.
        (Person("Maria"), Person("Maria")),
        (Person("Marlina Bria", D(1990, 4, 5)), Person("Marlina", 1990)),
        # A typo and no date: too little evidence.
        (Person("Yohanes Nahk"), Person("Yohanes Nahak")),
        # Short names that only sound alike, no date.
        (Person("Kornelis Poni"), Person("Kornelis Funi")),
        # Sex and nationality both conflict, date one year off.
        (
            Person("Mau Bere", D(1970, 1, 1), "M", "TLS"),
            Person("Mau Bere", D(1971, 1, 1), "F", "IDN"),
        ),
    ],
)
def test_different_people_stay_below_the_threshold(query: Person, entry: Person) -> None:
    assert score(query, entry) < DEFAULT_THRESHOLD
    assert score(entry, query) < DEFAULT_THRESHOLD


def test_weak_evidence_is_capped_and_says_why() -> None:
    result = compare(Person("Maria"), Person("Maria"))
    assert result.score == WEAK_CAP
    assert result.reasons == (
        Reason("name_exact", {}),
        Reason("birth_date_missing", {"side": "both"}),
        Reason("name_evidence_weak", {}),
    )


def test_fields_raise_and_lower_the_score_as_specified() -> None:
    base = Person("Yohanes Bosco Nahak", None, None, None)
    entry = Person("Yohanes Nahak", D(1980, 5, 3), "M", "IDN")
    plain = score(base, entry)
    assert plain == pytest.approx(0.87)
    # Missing sex or nationality changes nothing; agreeing ones add nothing either.
    assert score(Person(base.full_name, None, "M", "IDN"), entry) == plain
    assert score(Person(base.full_name, None, "F", None), entry) == pytest.approx(plain - 0.15)
    assert score(Person(base.full_name, None, None, "TLS"), entry) == pytest.approx(plain - 0.10)
    assert score(Person(base.full_name, D(1980, 5, 3)), entry) == pytest.approx(plain + 0.11)
    # A missing date costs 0.03; birth years 20 apart cost 0.4.
    assert score(Person(base.full_name, D(1960, 5, 3)), entry) == pytest.approx(plain + 0.03 - 0.4)


def test_conflicts_are_explained() -> None:
    result = compare(
        Person("Yohanes Nahak", D(1950, 1, 1), "M", "TLS"),
        Person("Yohanes Nahak", D(1980, 1, 1), "F", "IDN"),
    )
    assert [r for r in result.reasons if r.code != "name_exact"] == [
        Reason("birth_date_conflict", {"years": 30}),
        Reason("sex_conflict", {"query": "M", "entry": "F"}),
        Reason("nationality_conflict", {"query": "TLS", "entry": "IDN"}),
    ]
    assert result.score == pytest.approx(1.0 - 0.4 - 0.15 - 0.1)


def test_describe_is_english() -> None:
    result = compare(Person("Djoko Santoso", D(1980, 5, 3)), Person("Joko Santoso", D(1980, 5, 3)))
    assert result.describe() == "1.000: Djoko and Joko are spellings of one name; same birth date"


def test_identity_of_a_full_record_scores_one() -> None:
    person = Person("Maria de Fátima Soares Guterres", D(1975, 8, 30), "F", "TLS")
    assert score(person, person) == 1.0


def test_initials_alone_are_not_a_name() -> None:
    assert (
        score(Person("M. K.", D(1985, 3, 4)), Person("Maria Kolo", D(1985, 3, 4)))
        < DEFAULT_THRESHOLD
    )


def _split(text: str) -> list[str]:
    return text.split()


TOKENS = _split(
    "yohanes johanes yosef yosep maria marselina marcelina agustinus fransiskus kornelis "
    "benediktus dominggus mateus soares pereira ximenes amaral guterres belo lopes tilman "
    "nahak seran bria tae taek kolo mau bere lake atok neno nope tefa sabu lay ndun ratu "
    "haning pah laka umbu rambu kaka ndapa djawa jawa soeharto suharto djoko joko nahka"
)
names = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=4).map(" ".join)
dates = st.one_of(
    st.none(), st.integers(1940, 2010), st.dates(min_value=D(1940, 1, 1), max_value=D(2010, 12, 31))
)
people = st.builds(
    Person,
    names,
    dates,
    st.sampled_from([None, "M", "F"]),
    st.sampled_from([None, "IDN", "TLS"]),
)


@settings(max_examples=400, deadline=None)
@given(people, people)
def test_score_is_symmetric_and_bounded(a: Person, b: Person) -> None:
    forward, backward = score(a, b), score(b, a)
    assert forward == backward
    assert 0.0 <= forward <= 1.0


@settings(max_examples=200, deadline=None)
@given(
    names, st.dates(min_value=D(1940, 1, 1), max_value=D(2010, 12, 31)), st.sampled_from(["M", "F"])
)
def test_full_record_identity_scores_one(name: str, born: dt.date, sex: str) -> None:
    person = Person(name, born, sex, "IDN")
    assert score(person, person) == 1.0


ACCENTED = str.maketrans({"a": "á", "e": "é", "o": "õ", "u": "ú", "c": "ç"})


@settings(max_examples=300, deadline=None)
@given(
    people,
    people,
    st.sampled_from(["Bapak", "Ibu", "Sdr.", "Sdri.", "Senhor", "Sra.", "Dr.", "Nyonya"]),
    st.sampled_from(["", ", S.Pd.", ", S.H.", " M.Pd."]),
    st.integers(1, 3),
)
def test_honorifics_accents_case_and_spaces_do_not_matter(
    query: Person, entry: Person, honorific: str, title: str, spaces: int
) -> None:
    expected = score(query, entry)
    messy = f"  {honorific} " + (" " * spaces).join(query.full_name.translate(ACCENTED).split())
    for variant in (messy + title, messy.upper() + title, messy.title()):
        changed = Person(variant, query.birth_date, query.sex, query.nationality)
        assert score(changed, entry) == expected
