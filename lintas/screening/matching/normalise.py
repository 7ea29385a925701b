"""Name normalisation and phonetic keys for the names met at the NTT border posts.

Three levels of folding are used, each coarser than the one before:

* ``normalise_name`` gives the *clean tokens* of a name: lower case, accents removed,
  honorifics, academic titles and Portuguese particles dropped, initials kept as
  one-letter tokens.  Clean tokens keep the spelling as written, so that an
  explanation can show "Djoko" against "Joko".
* ``canonical_token`` maps the old Indonesian spelling (Van Ophuijsen/Soewandi) and
  the Dutch and Portuguese spellings of baptismal names onto one modern spelling:
  equal canonical tokens are spelling variants of one name.
* ``phonetic_key`` folds further (vowel classes, f/v/p, silent h) and is what the
  index blocks on; equal keys are treated as sound-alike names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

__all__ = [
    "ACADEMIC_TITLES",
    "HONORIFICS",
    "PARTICLES",
    "NormalisedName",
    "canonical_token",
    "normalise_name",
    "phonetic_key",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Forms of address and prefixed titles, compared without dots.  "h"/"hj" are Haji and
#: Hajah; "sr"/"sra" are the Portuguese Senhor/Senhora but also "Suster" in Catholic
#: Indonesian usage; both are honorifics either way.
HONORIFICS: Final = _words(
    """bapak bpk pak bapa ibu bu sdr sdri saudara saudari nona tuan nyonya ny sr sra senhor
senhora dr drs dra ir prof h hj pdt romo rm mama mas mbak kak"""
)

#: Academic titles that follow the name ("Yohanes Nahak, S.Pd., M.Pd."), compared without
#: dots.  They are only dropped after the first content token, and the ambiguous ones only
#: when written with dots or after a comma (see ``_BARE_TITLES``).
ACADEMIC_TITLES: Final = _words(
    """spd sh se ssos skom st sth sag sip skm skep sked spt sp ssi sfil shut stp sgz sfarm
ssn spsi sikom sak sab stat sps spdi spdk sn ss sds sm amd amdkeb amdkep amdkes apt
mpd mhum msi mm mh mkes mt mkom ma mba msc mth mag msos mp mph phd bsc ba lic ns"""
)

#: Titles that are not plausible names, so they are dropped even without dots.
_BARE_TITLES: Final = ACADEMIC_TITLES - frozenset({"ma", "ba", "lic", "ns", "sm", "sp"})

#: Portuguese particles of Timorese names; "e" only counts between two name tokens,
#: elsewhere it is an initial.
PARTICLES: Final = frozenset({"da", "de", "do", "dos", "das", "e"})

# Surnames that are also written glued to their particle ("Dacosta", "Dossantos").
_GLUED_SURNAMES: Final = _words(
    """costa silva santos sousa souza cruz conceicao jesus araujo rosario fonseca luz gama
cunha piedade assuncao encarnacao oliveira almeida carvalho deus rosa orleans"""
)
_GLUED_RE: Final = re.compile(r"^(dos|das|da|de|do)([a-z]{3,})$")
_SPLIT_RE: Final = re.compile(r"[^a-z.,]+")


@dataclass(frozen=True, slots=True)
class NormalisedName:
    """The clean form of a full name.

    ``tokens`` are the content tokens in written order, without duplicates; one-letter
    tokens are initials.  ``particles`` and ``dropped`` (honorifics and titles) are kept
    only so that callers can show what was ignored.
    """

    tokens: tuple[str, ...]
    particles: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The content tokens joined by single spaces."""
        return " ".join(self.tokens)


def _fold(text: str) -> str:
    if not text.isascii():
        # NFKD splits "ú" and "ã" into a base letter and a combining mark; letters
        # without a decomposition (ø, ł) are dropped rather than guessed.
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text.lower().replace("'", "").replace("`", "")


def _raw_tokens(name: str) -> list[tuple[str, bool, bool]]:
    """Split into (token without dots, had a dot, came after a comma)."""
    out: list[tuple[str, bool, bool]] = []
    after_comma = False
    for chunk in _SPLIT_RE.split(_fold(name)):
        for i, part in enumerate(chunk.split(",")):
            if i:
                after_comma = True
            if not part.strip("."):
                continue
            bare = part.replace(".", "")
            dotted = "." in part
            if dotted and bare not in ACADEMIC_TITLES and bare not in HONORIFICS:
                # "M.Kolo" is an initial glued to a name, not a title.
                pieces = [p for p in part.split(".") if p]
                out.extend((p, len(p) == 1, after_comma) for p in pieces)
            else:
                out.append((bare, dotted, after_comma))
    return out


def normalise_name(full_name: str) -> NormalisedName:
    """Return the clean tokens of ``full_name``.

    Case, accents, punctuation and whitespace are ignored; leading honorifics
    ("Bapak", "Sdri.", "Senhor", "H.") and trailing academic titles ("S.Pd.", "SH")
    are dropped as long as a name token remains; Portuguese particles are set
    aside, including glued forms such as "Dacosta".
    """
    raw = _raw_tokens(full_name)
    dropped: list[str] = []
    # Leading honorifics, but never the last token: "Bu" alone may be a name.
    while len(raw) > 1 and raw[0][0] in HONORIFICS:
        dropped.append(raw.pop(0)[0])
    while len(raw) > 1:
        bare, dotted, after_comma = raw[-1]
        if bare in _BARE_TITLES or (bare in ACADEMIC_TITLES and (dotted or after_comma)):
            dropped.append(raw.pop()[0])
        else:
            break
    tokens: list[str] = []
    particles: list[str] = []
    for pos, (bare, dotted, _) in enumerate(raw):
        inner = 0 < pos < len(raw) - 1
        if bare in PARTICLES and len(raw) > 1 and not dotted and (bare != "e" or inner):
            particles.append(bare)
            continue
        glued = _GLUED_RE.match(bare)
        if glued and glued.group(2) in _GLUED_SURNAMES:
            particles.append(glued.group(1))
            bare = glued.group(2)
        if bare not in tokens:
            tokens.append(bare)
    return NormalisedName(tuple(tokens), tuple(particles), tuple(dropped))


# Ordered rewrite rules from the old spellings to the modern one.  "j" -> "y" comes after
# "dj" -> "j" so that Djoko, Joko and Yoko meet, and Johanes meets Yohanes.
_CANON_RULES: Final = (
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("ch", "k"),
    ("kh", "k"),
    ("ph", "f"),
    ("th", "t"),
    ("sh", "sy"),
    ("j", "y"),
    ("q", "k"),
    ("z", "s"),
)
_INITIALS: Final = {"j": "y", "c": "k", "q": "k"}
_SOFT_C: Final = re.compile(r"c(?=[eiy])")
_DOUBLE: Final = re.compile(r"([a-z])\1+")


@lru_cache(maxsize=1 << 18)
def canonical_token(token: str) -> str:
    """Map a clean token to its modern Indonesian spelling.

    Soeharto -> suharto, Djoko -> yoko, Joko -> yoko, Tjahjono and Cahyono -> kahyono,
    Njoman -> nyoman, Marcelina -> marselina, Ellen -> elen.  The result is a
    matching form, not a spelling to show to people.
    """
    if len(token) < 2:
        return _INITIALS.get(token, token)
    out = token
    for old, new in _CANON_RULES:
        if old in out:
            out = out.replace(old, new)
    if "c" in out:
        out = _SOFT_C.sub("s", out).replace("c", "k")
    return _DOUBLE.sub(r"\1", out)


_VOWEL_CLASS: Final = str.maketrans({"e": "i", "o": "u", "f": "p", "v": "p"})
_SILENT_H: Final = re.compile(r"(?<=.)h(?![aiu])")
_Y_AS_VOWEL: Final = re.compile(r"(?<=.)y(?![aiu])")


@lru_cache(maxsize=1 << 18)
def phonetic_key(token: str) -> str:
    """Return the sound-alike key of a clean token, used for blocking and scoring.

    On top of ``canonical_token`` it merges e/i, o/u, f/v/p, drops an h that ends a
    syllable (Fatimah/Fatima, Rahmat/Ramat), reads a y that is not before a vowel as i
    (Lay/Lai, Mery/Meri) and devoices a final d (Ahmad/Ahmat).
    """
    key = canonical_token(token)
    if len(key) < 2:
        return key
    key = key.translate(_VOWEL_CLASS)
    key = _SILENT_H.sub("", key)
    key = _Y_AS_VOWEL.sub("i", key)
    if key.endswith("d"):
        key = key[:-1] + "t"
    return _DOUBLE.sub(r"\1", key)
