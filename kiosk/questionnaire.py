"""The SKM questionnaire of PermenPAN-RB 14/2017: nine unsur, bilingual texts, profile options."""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

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
    return tuple(Text(i, e) for i, e in pairs)  # type: ignore[return-value]


SKM_UNSUR: tuple[Unsur, ...] = (
    Unsur(
        "U1",
        Text("Persyaratan", "Requirements"),
        Text(
            "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
            "How well did the requirements fit the service you received?",
        ),
        _labels(("Tidak sesuai", "Not suitable"), ("Kurang sesuai", "Less suitable"),
                ("Sesuai", "Suitable"), ("Sangat sesuai", "Very suitable")),
    ),
    Unsur(
        "U2",
        Text("Sistem, mekanisme, dan prosedur", "System, mechanism and procedure"),
        Text(
            "Bagaimana pendapat Saudara tentang kemudahan prosedur pelayanan di unit ini?",
            "How easy was the service procedure at this office?",
        ),
        _labels(("Tidak mudah", "Not easy"), ("Kurang mudah", "Less easy"),
                ("Mudah", "Easy"), ("Sangat mudah", "Very easy")),
    ),
    Unsur(
        "U3",
        Text("Waktu penyelesaian", "Completion time"),
        Text(
            "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
            "How fast was the service you received?",
        ),
        _labels(("Tidak cepat", "Not fast"), ("Kurang cepat", "Less fast"),
                ("Cepat", "Fast"), ("Sangat cepat", "Very fast")),
    ),
    Unsur(
        "U4",
        Text("Biaya/tarif", "Cost/fee"),
        Text(
            "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
            "How fair was the cost or fee of the service?",
        ),
        _labels(("Sangat mahal", "Very expensive"), ("Cukup mahal", "Fairly expensive"),
                ("Murah", "Cheap"), ("Gratis", "Free")),
    ),
    Unsur(
        "U5",
        Text("Produk spesifikasi jenis pelayanan", "Service product specification"),
        Text(
            "Bagaimana pendapat Saudara tentang kesesuaian hasil pelayanan dengan standar pelayanan yang diumumkan?",
            "How well did the result match the published service standard?",
        ),
        _labels(("Tidak sesuai", "Not suitable"), ("Kurang sesuai", "Less suitable"),
                ("Sesuai", "Suitable"), ("Sangat sesuai", "Very suitable")),
    ),
    Unsur(
        "U6",
        Text("Kompetensi pelaksana", "Staff competence"),
        Text(
            "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
            "How competent were the staff who served you?",
        ),
        _labels(("Tidak kompeten", "Not competent"), ("Kurang kompeten", "Less competent"),
                ("Kompeten", "Competent"), ("Sangat kompeten", "Very competent")),
    ),
    Unsur(
        "U7",
        Text("Perilaku pelaksana", "Staff behaviour"),
        Text(
            "Bagaimana pendapat Saudara tentang kesopanan dan keramahan petugas dalam memberikan pelayanan?",
            "How polite and friendly were the staff?",
        ),
        _labels(("Tidak sopan dan ramah", "Not polite and friendly"),
                ("Kurang sopan dan ramah", "Less polite and friendly"),
                ("Sopan dan ramah", "Polite and friendly"),
                ("Sangat sopan dan ramah", "Very polite and friendly")),
    ),
    Unsur(
        "U8",
        Text("Penanganan pengaduan, saran dan masukan", "Handling of complaints and suggestions"),
        Text(
            "Bagaimana pendapat Saudara tentang penanganan pengaduan, saran dan masukan di unit ini?",
            "How are complaints and suggestions handled at this office?",
        ),
        _labels(("Tidak ada", "None"), ("Ada tetapi tidak berfungsi", "Exists but does not work"),
                ("Berfungsi kurang maksimal", "Works, but not fully"),
                ("Dikelola dengan baik", "Well managed")),
    ),
    Unsur(
        "U9",
        Text("Sarana dan prasarana", "Facilities"),
        Text(
            "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana di unit ini?",
            "How good are the facilities at this office?",
        ),
        _labels(("Buruk", "Poor"), ("Cukup", "Fair"), ("Baik", "Good"), ("Sangat baik", "Very good")),
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
    ProfileField("gender", Text("Jenis kelamin", "Gender"), (
        ("m", Text("Laki-laki", "Male")),
        ("f", Text("Perempuan", "Female")),
    )),
    ProfileField("age_group", Text("Usia", "Age"), (
        ("<20", Text("Di bawah 20", "Under 20")),
        ("20-24", Text("20-24", "20-24")),
        ("25-34", Text("25-34", "25-34")),
        ("35-44", Text("35-44", "35-44")),
        ("45-54", Text("45-54", "45-54")),
        ("55-64", Text("55-64", "55-64")),
        ("65+", Text("65 ke atas", "65 and over")),
    )),
    ProfileField("education", Text("Pendidikan", "Education"), (
        ("sd", Text("SD ke bawah", "Primary or less")),
        ("smp", Text("SMP", "Junior secondary")),
        ("sma", Text("SMA/SMK", "Senior secondary")),
        ("d1-d3", Text("D1-D3", "Diploma")),
        ("s1", Text("D4/S1", "Bachelor")),
        ("s2+", Text("S2 ke atas", "Master or higher")),
    )),
    ProfileField("occupation", Text("Pekerjaan", "Occupation"), (
        ("pns", Text("PNS", "Civil servant")),
        ("tni-polri", Text("TNI/Polri", "Military/police")),
        ("swasta", Text("Pegawai swasta", "Private employee")),
        ("wiraswasta", Text("Wiraswasta", "Self-employed")),
        ("pelajar", Text("Pelajar/Mahasiswa", "Student")),
        ("irt", Text("Ibu rumah tangga", "Homemaker")),
        ("petani-nelayan", Text("Petani/Nelayan", "Farmer/fisher")),
        ("lainnya", Text("Lainnya", "Other")),
    )),
    ProfileField("disability", Text("Disabilitas", "Disability"), (
        ("none", Text("Tidak ada", "None")),
        ("physical", Text("Fisik", "Physical")),
        ("sensory", Text("Sensorik", "Sensory")),
        ("intellectual", Text("Intelektual", "Intellectual")),
        ("mental", Text("Mental", "Mental")),
    )),
)

PROFILE = {f.key: f for f in PROFILE_FIELDS}
