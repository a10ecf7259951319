"""The SKM questionnaire of PermenPAN-RB 14/2017: nine unsur, bilingual texts, profile options."""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from kiosk.i18n import N_, translator

LOCALES = ("id", "en")
DEFAULT_LOCALE = "id"


@dataclass(frozen=True)
class Text:
    """A sentence in Bahasa Indonesia and English."""

    id: str
    en: str

    def __call__(self, locale: str = DEFAULT_LOCALE) -> str:
        return self.en if locale == "en" else self.id


@dataclass(frozen=True)
class Term(Text):
    """A built-in text of the SKM questionnaire.

    The Indonesian is the wording of PermenPAN-RB 14/2017 (its unsur names, questions and answer
    scales): domain data that reports print as they are, so it stays here and is what Bahasa
    Indonesia shows. The English is the msgid: every other language, English included, comes from
    the gettext catalogs, so a translator adds one without touching this file (a test holds the id
    catalog to the wording here).
    """

    def __call__(self, locale: str = DEFAULT_LOCALE) -> str:
        return self.id if locale == DEFAULT_LOCALE else translator(locale)(self.en)


@dataclass(frozen=True)
class Unsur:
    """One element (unsur) of the survey, answered on a 1..4 scale (4 is best).

    `labels` are the four answer options, worst (1) to best (4). An office's own
    choice-list question has `choices` instead and does not count in the IKM.
    """

    code: str
    name: Text
    question: Text
    labels: tuple[Text, Text, Text, Text] | tuple = ()
    choices: tuple[tuple[str, Text], ...] = ()

    @property
    def scored(self) -> bool:
        return not self.choices

    def valid_answer(self, value: object) -> bool:
        if self.scored:
            return type(value) is int and 1 <= value <= 4
        return isinstance(value, str) and value in {key for key, _ in self.choices}


@dataclass(frozen=True)
class Questionnaire:
    """An ordered set of unsur with their weights; `id` and `version` travel with every response."""

    id: str
    version: int
    items: tuple[Unsur, ...]
    weights: dict[str, Fraction] = field(default_factory=dict)

    def __post_init__(self) -> None:
        codes = [u.code for u in self.items]
        if len(set(codes)) != len(codes):
            raise ValueError(f"questionnaire {self.id}: duplicate unsur codes in {codes}")
        scored = [u.code for u in self.items if u.scored]
        if not self.weights:
            object.__setattr__(self, "weights", {c: Fraction(1, len(scored)) for c in scored})
        if set(self.weights) != set(scored):
            raise ValueError(f"questionnaire {self.id}: weights must name exactly the scored unsur {scored}")
        if sum(self.weights.values(), Fraction(0)) != 1:
            raise ValueError(f"questionnaire {self.id}: weights sum to {sum(self.weights.values())}, expected 1")

    @property
    def scored_items(self) -> tuple[Unsur, ...]:
        return tuple(u for u in self.items if u.scored)

    def unsur(self, code: str) -> Unsur:
        for u in self.items:
            if u.code == code:
                return u
        raise KeyError(code)

    def codes(self) -> tuple[str, ...]:
        return tuple(u.code for u in self.items)


def _labels(*pairs: tuple[str, str]) -> tuple[Text, Text, Text, Text]:
    assert len(pairs) == 4
    return tuple(Term(i, e) for i, e in pairs)  # type: ignore[return-value]


SKM_UNSUR: tuple[Unsur, ...] = (
    Unsur(
        "U1",
        Term("Persyaratan", N_("Requirements")),
        Term(
            "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
            N_("How well did the requirements fit the service you received?"),
        ),
        _labels(("Tidak sesuai", N_("Not suitable")), ("Kurang sesuai", N_("Less suitable")),
                ("Sesuai", N_("Suitable")), ("Sangat sesuai", N_("Very suitable"))),
    ),
    Unsur(
        "U2",
        Term("Sistem, mekanisme, dan prosedur", N_("System, mechanism and procedure")),
        Term(
            "Bagaimana pendapat Saudara tentang kemudahan prosedur pelayanan di unit ini?",
            N_("How easy was the service procedure at this office?"),
        ),
        _labels(("Tidak mudah", N_("Not easy")), ("Kurang mudah", N_("Less easy")),
                ("Mudah", N_("Easy")), ("Sangat mudah", N_("Very easy"))),
    ),
    Unsur(
        "U3",
        Term("Waktu penyelesaian", N_("Completion time")),
        Term(
            "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
            N_("How fast was the service you received?"),
        ),
        _labels(("Tidak cepat", N_("Not fast")), ("Kurang cepat", N_("Less fast")),
                ("Cepat", N_("Fast")), ("Sangat cepat", N_("Very fast"))),
    ),
    Unsur(
        "U4",
        Term("Biaya/tarif", N_("Cost/fee")),
        Term(
            "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
            N_("How fair was the cost or fee of the service?"),
        ),
        _labels(("Sangat mahal", N_("Very expensive")), ("Cukup mahal", N_("Fairly expensive")),
                ("Murah", N_("Cheap")), ("Gratis", N_("Free"))),
    ),
    Unsur(
        "U5",
        Term("Produk spesifikasi jenis pelayanan", N_("Service product specification")),
        Term(
            "Bagaimana pendapat Saudara tentang kesesuaian hasil pelayanan dengan standar pelayanan yang diumumkan?",
            N_("How well did the result match the published service standard?"),
        ),
        _labels(("Tidak sesuai", N_("Not suitable")), ("Kurang sesuai", N_("Less suitable")),
                ("Sesuai", N_("Suitable")), ("Sangat sesuai", N_("Very suitable"))),
    ),
    Unsur(
        "U6",
        Term("Kompetensi pelaksana", N_("Staff competence")),
        Term(
            "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
            N_("How competent were the staff who served you?"),
        ),
        _labels(("Tidak kompeten", N_("Not competent")), ("Kurang kompeten", N_("Less competent")),
                ("Kompeten", N_("Competent")), ("Sangat kompeten", N_("Very competent"))),
    ),
    Unsur(
        "U7",
        Term("Perilaku pelaksana", N_("Staff behaviour")),
        Term(
            "Bagaimana pendapat Saudara tentang kesopanan dan keramahan petugas dalam memberikan pelayanan?",
            N_("How polite and friendly were the staff?"),
        ),
        _labels(("Tidak sopan dan ramah", N_("Not polite and friendly")),
                ("Kurang sopan dan ramah", N_("Less polite and friendly")),
                ("Sopan dan ramah", N_("Polite and friendly")),
                ("Sangat sopan dan ramah", N_("Very polite and friendly"))),
    ),
    Unsur(
        "U8",
        Term("Penanganan pengaduan, saran dan masukan", N_("Handling of complaints and suggestions")),
        Term(
            "Bagaimana pendapat Saudara tentang penanganan pengaduan, saran dan masukan di unit ini?",
            N_("How are complaints and suggestions handled at this office?"),
        ),
        _labels(("Tidak ada", N_("None")), ("Ada tetapi tidak berfungsi", N_("Exists but does not work")),
                ("Berfungsi kurang maksimal", N_("Works, but not fully")),
                ("Dikelola dengan baik", N_("Well managed"))),
    ),
    Unsur(
        "U9",
        Term("Sarana dan prasarana", N_("Facilities")),
        Term(
            "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana di unit ini?",
            N_("How good are the facilities at this office?"),
        ),
        _labels(("Buruk", N_("Poor")), ("Cukup", N_("Fair")), ("Baik", N_("Good")), ("Sangat baik", N_("Very good"))),
    ),
)

SKM_2017 = Questionnaire(id="skm-2017", version=1, items=SKM_UNSUR)
SKM_CODES = tuple(u.code for u in SKM_UNSUR)


@dataclass(frozen=True)
class ProfileField:
    """An optional respondent profile question with a fixed list of options."""

    key: str
    label: Text
    options: tuple[tuple[str, Text], ...]

    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.options)


PROFILE_FIELDS: tuple[ProfileField, ...] = (
    ProfileField("gender", Term("Jenis kelamin", N_("Gender")), (
        ("m", Term("Laki-laki", N_("Male"))),
        ("f", Term("Perempuan", N_("Female"))),
    )),
    ProfileField("age_group", Term("Usia", N_("Age")), (
        ("<20", Term("Di bawah 20", N_("Under 20"))),
        ("20-24", Term("20-24", N_("20-24"))),
        ("25-34", Term("25-34", N_("25-34"))),
        ("35-44", Term("35-44", N_("35-44"))),
        ("45-54", Term("45-54", N_("45-54"))),
        ("55-64", Term("55-64", N_("55-64"))),
        ("65+", Term("65 ke atas", N_("65 and over"))),
    )),
    ProfileField("education", Term("Pendidikan", N_("Education")), (
        ("sd", Term("SD ke bawah", N_("Primary or less"))),
        ("smp", Term("SMP", N_("Junior secondary"))),
        ("sma", Term("SMA/SMK", N_("Senior secondary"))),
        ("d1-d3", Term("D1-D3", N_("Diploma"))),
        ("s1", Term("D4/S1", N_("Bachelor"))),
        ("s2+", Term("S2 ke atas", N_("Master or higher"))),
    )),
    ProfileField("occupation", Term("Pekerjaan", N_("Occupation")), (
        ("pns", Term("PNS", N_("Civil servant"))),
        ("tni-polri", Term("TNI/Polri", N_("Military/police"))),
        ("swasta", Term("Pegawai swasta", N_("Private employee"))),
        ("wiraswasta", Term("Wiraswasta", N_("Self-employed"))),
        ("pelajar", Term("Pelajar/Mahasiswa", N_("Student"))),
        ("irt", Term("Ibu rumah tangga", N_("Homemaker"))),
        ("petani-nelayan", Term("Petani/Nelayan", N_("Farmer/fisher"))),
        ("lainnya", Term("Lainnya", N_("Other"))),
    )),
    ProfileField("disability", Term("Disabilitas", N_("Disability")), (
        ("none", Term("Tidak ada", N_("None"))),
        ("physical", Term("Fisik", N_("Physical"))),
        ("sensory", Term("Sensorik", N_("Sensory"))),
        ("intellectual", Term("Intelektual", N_("Intellectual"))),
        ("mental", Term("Mental", N_("Mental"))),
    )),
)

PROFILE = {f.key: f for f in PROFILE_FIELDS}
