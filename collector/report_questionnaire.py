"""The lampiran with the questionnaire as it was asked: every question sentence and answer option of the
office's questionnaire (the SKM unsur, its own questions) and the profile questions, in each language the
counted respondents answered in (kiosk/questionnaire.py holds the words)."""
from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping

from collector.report_text import bilangan
from kiosk.questionnaire import DEFAULT_LOCALE, PROFILE_FIELDS, Questionnaire

LANGUAGES = {"id": "Bahasa Indonesia", "en": "bahasa Inggris"}


def languages(locales: Mapping[str | None, int]) -> list[tuple[str, int]]:
    """(locale, respondents) from the counted respondents per locale (ReportSource.locales), Bahasa Indonesia
    first; a response naming no locale is Indonesian; Indonesian alone when there are none."""
    counts: Counter = Counter()
    for code, n in locales.items():
        if n:
            counts[code or DEFAULT_LOCALE] += n
    if not counts:
        return [(DEFAULT_LOCALE, 0)]
    return sorted(counts.items(), key=lambda item: (item[0] != DEFAULT_LOCALE, item[0]))


def questions(questionnaire: Questionnaire, services: Iterable[Any], locale: str) -> list[tuple[str, str, str]]:
    """(number, question, answer options) in one language, as the respondent saw them."""
    rows = []
    names = [s.name(locale) for s in services]
    if names:
        rows.append(("", _service_question(locale), "; ".join(names)))
    for u in questionnaire.items:
        if u.scored:
            options = "; ".join(f"{value}. {label(locale)}" for value, label in enumerate(u.labels, 1))
        else:
            options = "; ".join(label(locale) for _, label in u.choices)
        rows.append((u.code, u.question(locale), options))
    for field in PROFILE_FIELDS:
        rows.append(("", field.label(locale), "; ".join(label(locale) for _, label in field.options)))
    return rows


def _service_question(locale: str) -> str:
    return "Which service did you receive?" if locale == "en" else "Jenis layanan yang Saudara terima"


def lampiran(source, d, number: int) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    used = languages(source.locales)
    flow = [Spacer(1, 6 * mm), d.section(f"Lampiran {number}. Kuesioner")]
    flow.append(d.para("Pertanyaan dan pilihan jawaban sebagaimana ditampilkan kepada responden, dalam setiap bahasa "
                       "yang dipakai responden pada periode ini: "
                       + ", ".join(f"{LANGUAGES.get(code, code)} ({bilangan(n)} responden)" for code, n in used)
                       + ". Isian profil responden dan saran bersifat sukarela; survei tidak menanyakan nama."))
    questionnaire = source.office.questionnaire()
    services = source.office.services
    for code, _ in used:
        rows = [["Kode", "Pertanyaan", "Pilihan jawaban"]]
        rows += [list(row) for row in questions(questionnaire, services, code)]
        flow += d.table(rows, (8, 50, 42), caption=f"Kuesioner dalam {LANGUAGES.get(code, code)}")
    return flow
