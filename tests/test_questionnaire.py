"""The nine unsur of PermenPAN-RB 14/2017 and the profile options, complete in both languages."""
from fractions import Fraction

import pytest

from kiosk.questionnaire import LOCALES, PROFILE_FIELDS, SKM_2017, Questionnaire, SKM_UNSUR

SKM_MD = {
    "U1": ("Persyaratan", "Tidak sesuai", "Sangat sesuai"),
    "U2": ("Sistem, mekanisme, dan prosedur", "Tidak mudah", "Sangat mudah"),
    "U3": ("Waktu penyelesaian", "Tidak cepat", "Sangat cepat"),
    "U4": ("Biaya/tarif", "Sangat mahal", "Gratis"),
    "U5": ("Produk spesifikasi jenis pelayanan", "Tidak sesuai", "Sangat sesuai"),
    "U6": ("Kompetensi pelaksana", "Tidak kompeten", "Sangat kompeten"),
    "U7": ("Perilaku pelaksana", "Tidak sopan dan ramah", "Sangat sopan dan ramah"),
    "U8": ("Penanganan pengaduan, saran dan masukan", "Tidak ada", "Dikelola dengan baik"),
    "U9": ("Sarana dan prasarana", "Buruk", "Sangat baik"),
}


def test_nine_unsur_with_the_regulations_names_and_labels():
    assert SKM_2017.codes() == tuple(SKM_MD)
    for u in SKM_UNSUR:
        name, worst, best = SKM_MD[u.code]
        assert u.name("id") == name
        assert (u.labels[0]("id"), u.labels[3]("id")) == (worst, best)
        assert len(u.labels) == 4 and u.scored


def test_every_text_exists_in_both_languages():
    texts = [t for u in SKM_UNSUR for t in (u.name, u.question, *u.labels)]
    texts += [t for f in PROFILE_FIELDS for t in (f.label, *(label for _, label in f.options))]
    for t in texts:
        assert all(t(locale).strip() for locale in LOCALES)
    assert all(u.question("id").startswith("Bagaimana pendapat Saudara") for u in SKM_UNSUR)


def test_equal_exact_weights():
    assert set(SKM_2017.weights.values()) == {Fraction(1, 9)}
    assert sum(SKM_2017.weights.values()) == 1


def test_weights_must_sum_to_one_and_codes_be_unique():
    with pytest.raises(ValueError, match="sum to"):
        Questionnaire("x", 1, SKM_UNSUR, {u.code: Fraction(1, 10) for u in SKM_UNSUR})
    with pytest.raises(ValueError, match="duplicate"):
        Questionnaire("x", 1, SKM_UNSUR + SKM_UNSUR[:1])


def test_swapped_screen_order_keeps_the_codes():
    order = SKM_UNSUR[:7] + (SKM_UNSUR[8], SKM_UNSUR[7])
    swapped = Questionnaire("skm-2017", 1, order)
    assert swapped.codes()[-2:] == ("U9", "U8") and swapped.weights == SKM_2017.weights


def test_profile_fields_cover_the_regulations_tabulation():
    assert [f.key for f in PROFILE_FIELDS] == ["gender", "age_group", "education", "occupation", "disability"]
    assert all(len(set(f.keys())) == len(f.keys()) >= 2 for f in PROFILE_FIELDS)
