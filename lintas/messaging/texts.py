"""What Lintas says by SMS, in Bahasa Indonesia, Tetum and English, and how it hears words.

The texts live here as data rather than in the translation catalogues: each must stay one
GSM-7 SMS of at most 160 characters in every language, with the longest value put in
(``tests/messaging/test_texts.py`` checks each), which a catalogue cannot hold a translator
to. The texts are written without characters outside the GSM alphabet (no ó, ã).
"""

from __future__ import annotations

import re

LANGUAGES = ("id", "tet", "en")

TEXTS: dict[str, dict[str, str]] = {
    "ask_what": {
        "id": "Lintas: Terima kasih. Ceritakan apa yang terjadi, dengan kata-kata Anda. Balas 0 "
        "untuk lewati. Balas TETUN atau ENGLISH untuk ganti bahasa.",
        "tet": "Lintas: Obrigadu. Konta mai saida mak akontese, ho ita-nia liafuan rasik. Hatan 0 "
        "atu liu. Hatan INDONESIA ka ENGLISH atu troka lian.",
        "en": "Lintas: Thank you. Tell us what happened, in your own words. Reply 0 to skip. "
        "Reply INDONESIA or TETUN to change language.",
    },
    "ask_where": {
        "id": "Di mana? Tulis kabupaten dan kecamatan atau desa (mis. Belu, Tasifeto Timur). "
        "Balas 0 untuk lewati.",
        "tet": "Iha ne'ebe? Hakerek kabupaten no kecamatan ka suku (ez. Belu, Tasifeto Timur). "
        "Hatan 0 atu liu.",
        "en": "Where? Write the regency and district or village (e.g. Belu, Tasifeto Timur). "
        "Reply 0 to skip.",
    },
    "where_pick": {
        "id": "Ada beberapa tempat bernama itu. Balas nomornya: %(options)s",
        "tet": "Fatin barak ho naran ne'e. Hatan ho numeru: %(options)s",
        "en": "Several places have that name. Reply with its number: %(options)s",
    },
    "ask_when": {
        "id": "Kapan terjadi? (mis. hari ini, kemarin, 12/11/2026). Balas 0 untuk lewati.",
        "tet": "Bainhira mak akontese? (ez. ohin, horiseik, 12/11/2026). Hatan 0 atu liu.",
        "en": "When did it happen? (e.g. today, yesterday, 12/11/2026). Reply 0 to skip.",
    },
    "ask_risk": {
        "id": "Siapa yang berisiko? 1 Anak 2 Perempuan 3 Laki-laki 4 Beberapa orang. "
        "Balas 0 untuk lewati.",
        "tet": "Se mak iha risku? 1 Labarik 2 Feto 3 Mane 4 Ema barak. Hatan 0 atu liu.",
        "en": "Who is at risk? 1 A child 2 A woman 3 A man 4 Several people. Reply 0 to skip.",
    },
    "ask_contact": {
        "id": "Bolehkah petugas menghubungi nomor ini? 1 Ya 2 Tidak",
        "tet": "Ami-nia ekipa bele kontaktu ita liu husi numeru ne'e? 1 Sin 2 Lae",
        "en": "May our staff contact you on this number? 1 Yes 2 No",
    },
    "receipt": {
        "id": "Lintas: laporan diterima. Kode tanda terima %(code)s. Rahasiakan; kirim kode ini "
        "untuk membaca balasan dan menambah informasi.",
        "tet": "Lintas: ami simu ona ita-nia relatoriu. Kodigu %(code)s. Rai ho segredu; haruka "
        "kodigu atu lee resposta no aumenta informasaun.",
        "en": "Lintas: report received. Receipt code %(code)s. Keep it secret; send the code to "
        "read replies and add information.",
    },
    "latest_reply": {
        "id": "Lintas, balasan terbaru: %(reply)s",
        "tet": "Lintas, resposta ikus: %(reply)s",
        "en": "Lintas, latest reply: %(reply)s",
    },
    "no_reply": {
        "id": "Lintas: belum ada balasan. Status: %(status)s. Kirim kode dan teks untuk "
        "menambah informasi.",
        "tet": "Lintas: seidauk iha resposta. Estadu: %(status)s. Haruka kodigu no testu atu "
        "aumenta informasaun.",
        "en": "Lintas: no reply yet. Status: %(status)s. Send the code and a text to add "
        "information.",
    },
    "added": {
        "id": "Lintas: informasi tambahan diterima. Terima kasih.",
        "tet": "Lintas: ami simu ona informasaun foun. Obrigadu.",
        "en": "Lintas: your added information was received. Thank you.",
    },
    "wrong_code": {
        "id": "Lintas: kode tidak dikenal. Periksa kode dan coba lagi.",
        "tet": "Lintas: kodigu ne'e la iha. Haree fali kodigu no koko fali.",
        "en": "Lintas: unknown code. Check the code and try again.",
    },
    "staff_reply": {
        "id": "Lintas, balasan atas laporan Anda: %(reply)s",
        "tet": "Lintas, resposta ba ita-nia relatoriu: %(reply)s",
        "en": "Lintas, a reply to your report: %(reply)s",
    },
    "stopped": {
        "id": "Lintas: Anda tidak akan menerima pesan lagi. Kirim MULAI untuk berlangganan lagi.",
        "tet": "Lintas: ita sei la simu tan mensajen. Haruka HAHU atu simu fali.",
        "en": "Lintas: you will get no more messages. Send START to receive them again.",
    },
    "started": {
        "id": "Lintas: Anda akan menerima pesan lagi. Kirim STOP untuk berhenti.",
        "tet": "Lintas: ita sei simu fali mensajen. Haruka PARA atu para.",
        "en": "Lintas: you will receive messages again. Send STOP to end them.",
    },
}

STATUS_WORDS: dict[str, dict[str, str]] = {
    "received": {"id": "diterima", "tet": "simu ona", "en": "received"},
    "checking": {"id": "sedang diperiksa", "tet": "iha verifikasaun", "en": "being checked"},
    "passed": {"id": "diteruskan ke lembaga", "tet": "haruka ba ajensia", "en": "passed on"},
    "closed": {"id": "selesai", "tet": "taka ona", "en": "closed"},
}


def text(key: str, language: str, **values: str) -> str:
    """The SMS ``key`` in ``language`` (Bahasa Indonesia if unknown), values put in."""
    table = TEXTS[key]
    template = table.get(language, table["id"])
    return template % values if values else template


# --- hearing ---------------------------------------------------------------------------

STOP_WORDS = frozenset(
    {"stop", "berhenti", "unreg", "unsubscribe", "para", "hapara", "keluar", "cancel"}
)
START_WORDS = frozenset({"start", "mulai", "hahu", "subscribe"})
LANGUAGE_WORDS = {
    "indonesia": "id",
    "bahasa": "id",
    "ind": "id",
    "tetun": "tet",
    "tetum": "tet",
    "tet": "tet",
    "english": "en",
    "inggris": "en",
    "eng": "en",
}
OPENING_WORDS = frozenset({"lapor", "info", "tip", "halo", "hello", "ola", "report", "bondia"})
SKIP_WORDS = frozenset({"0", "-", "lewat", "lewati", "skip", "liu", "tidak tahu", "la hatene"})
YES_WORDS = frozenset({"1", "ya", "iya", "yes", "y", "sin", "sim", "boleh", "bele"})
NO_WORDS = frozenset({"2", "tidak", "tdk", "no", "n", "lae", "nao", "jangan", "labele"})


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Short words that mark a language; a text is read as the language with most of them.
_MARKERS = {
    "id": _word_set(
        "saya yang di dan ini itu tidak anak orang ke dari untuk sudah dengan ada mereka "
        "akan kami kerja perempuan dibawa ditawari bekerja",
    ),
    "tet": _word_set(
        "hau ita iha ne'e labarik ema mak sira ba husi atu bele ona ho la feto mane servisu "
        "lori nia hakarak sai",
    ),
    "en": _word_set(
        "the is a and to of my there was were child people have they she he her his work "
        "taken offered",
    ),
}
_WORD = re.compile(r"[a-z']+")


def words(message: str) -> list[str]:
    return _WORD.findall(message.lower())


def detect_language(message: str, *, fallback: str) -> str:
    """The language of ``message`` by its marker words; ``fallback`` if none stands out."""
    found = words(message)
    scores = {lang: sum(1 for w in found if w in markers) for lang, markers in _MARKERS.items()}
    best = max(scores.values())
    winners = [lang for lang, score in scores.items() if score == best]
    if best == 0 or len(winners) > 1:
        return fallback
    return winners[0]


def keyword(message: str) -> str:
    """The message as one bare keyword (lower case, no punctuation), or ``""``."""
    found = words(message) if message.strip() else []
    if len(found) == 1 and len(message.strip()) <= 20:
        return found[0]
    bare = message.strip().lower()
    return bare if bare in SKIP_WORDS or bare in YES_WORDS or bare in NO_WORDS else ""
