"""Which unsur a kritik-dan-saran comment talks about, told from a small keyword table (Indonesian and English).

A keyword is a word stem matched at the start of a word, after an optional Indonesian prefix
("mengantri" is meng- + antri, "pembayaran" pem- + bayar); a stem ending in `$` must also end the
word ("jam" is an hour, "jaminan" is not; "ac" is air conditioning, "acara" is not). Stems are
chosen so that common words do not trip them: "lama" is U3 but "alamat" has no prefix "a-", and
"selama" (during) is left alone because "se-" is not a prefix here. A comment may match several
unsur or none; none is the group OTHER ("lainnya"). It is a guide for reading, not a measurement:
the IKM comes from the answers, never from this table.
"""
from __future__ import annotations

import re
from typing import Iterable

OTHER = "other"

# Per unsur of SKM.md (U1..U9): stems in Bahasa Indonesia, then English.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "U1": ("syarat", "berkas", "dokumen", "fotokopi", "formulir", "surat pengantar",
           "requirement", "document", "paperwork", "photocop"),
    "U2": ("prosedur", "alur", "mekanisme", "ribet", "rumit", "berbelit", "sistem", "daring", "aplikasi",
           "procedure", "process", "complicat", "confus", "system", "online", "website"),
    "U3": ("antri", "antre", "lama", "lambat", "waktu", "cepat", "nunggu", "jam$", "hari$", "molor",
           "queue", "wait", "slow", "time", "fast", "quick", "hour", "delay", "long"),
    "U4": ("biaya", "bayar", "pungli", "pungut", "tarif", "mahal", "gratis", "uang", "calo", "amplop",
           "cost", "fee", "pay", "price", "expensive", "free$", "bribe", "charge", "money"),
    "U5": ("hasil", "produk", "ktp", "kk$", "akta", "kartu", "cetak", "blangko", "blanko", "salah",
           "product", "result", "card", "certificate", "print", "wrong", "mistake", "error"),
    "U6": ("kompeten", "paham", "mengerti", "ngerti", "ahli", "terampil", "profesional", "jelas", "kuasa",
           "competen", "skill", "knowledge", "understand", "professional", "explain", "inform"),
    "U7": ("ramah", "sopan", "senyum", "kasar", "judes", "jutek", "cuek", "sikap", "petugas", "pegawai", "bentak",
           "friendly", "polite", "rude", "smile", "attitude", "staff", "courteous", "helpful", "officer"),
    "U8": ("aduan", "adu$", "keluh", "komplain", "kotak saran", "tanggap", "lapor",
           "complain", "feedback", "suggestion box", "respond", "report"),
    "U9": ("ruang", "kursi", "toilet", "wc$", "ac$", "parkir", "tempat duduk", "kipas", "panas", "sempit",
           "fasilitas", "sarana", "prasarana", "gedung", "kotor", "bersih", "nyaman", "air minum",
           "room", "seat", "chair", "restroom", "parking", "facilit", "building", "clean", "dirty", "hot$",
           "crowded", "comfort", "air condition"),
}
# Indonesian prefixes a stem may carry ("di-" + "bayar", "peng-" + "aduan", "ke-" + "lama" + "-an").
_PREFIXES = ("meng", "meny", "mem", "men", "me", "peng", "peny", "pem", "pen", "per", "pe", "ber", "ter", "di",
             "ke")


def _words(stems: Iterable[str]) -> str:
    return "|".join(re.escape(s[:-1]) + r"\b" if s.endswith("$") else re.escape(s) for s in stems)


# One pass over the text for all nine unsur (a named group each): nine searches cost five times as much.
_PATTERN = re.compile(rf"\b(?:{'|'.join(_PREFIXES)})?(?:"
                      + "|".join(f"(?P<{code}>{_words(stems)})" for code, stems in KEYWORDS.items()) + ")",
                      re.IGNORECASE)


def groups_of(text: str, codes: Iterable[str] | None = None) -> tuple[str, ...]:
    """The unsur codes (of `codes`, default all nine) the comment talks about, in code order; (OTHER,) for none."""
    wanted = list(codes) if codes is not None else list(KEYWORDS)
    seen = {match.lastgroup for match in _PATTERN.finditer(text or "")}
    found = tuple(code for code in wanted if code in seen)
    return found or (OTHER,)
