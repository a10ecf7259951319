"""The IKM engine of PermenPAN-RB 14/2017: exact NRR, weights, index, conversion, mutu, sample size.

Sums stay integers and everything is a Fraction until the single half-up rounding of the
converted value; floats appear only in the JSON printed for people.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from kiosk.counting import CountingRule, Tally, tally
from kiosk.questionnaire import PROFILE_FIELDS, SKM_2017, Questionnaire
from kiosk.response import Response

# (lower bound of the rounded converted value, mutu, kinerja), best first.
CLASSES: tuple[tuple[Decimal, str, str], ...] = (
    (Decimal("88.31"), "A", "Sangat baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang baik"),
    (Decimal("25.00"), "D", "Tidak baik"),
)


def round_half_up(value: Fraction, places: int) -> Decimal:
    """Round an exact value half up (away from zero for the positive values used here)."""
    scale = 10**places
    scaled = value * scale
    whole = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    return Decimal(whole).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def classify(converted: Decimal) -> tuple[str, str]:
    """Mutu and kinerja of a converted value (25..100) already rounded to 2 decimals."""
    for lower, mutu, kinerja in CLASSES:
        if converted >= lower:
            return mutu, kinerja
    return CLASSES[-1][1], CLASSES[-1][2]


@dataclass(frozen=True)
class UnsurResult:
    code: str
    name: str
    answered: int
    sum: int
    weight: Fraction
    nrr: Fraction | None

    @property
    def nrr_weighted(self) -> Fraction | None:
        return None if self.nrr is None else self.nrr * self.weight

    @property
    def converted(self) -> Decimal | None:
        return None if self.nrr is None else round_half_up(self.nrr * 25, 2)

    @property
    def mutu(self) -> str | None:
        return None if self.converted is None else classify(self.converted)[0]


@dataclass(frozen=True)
class Ikm:
    """The index of one set of completed questionnaires."""

    respondents: int
    unsur: tuple[UnsurResult, ...]
    ikm: Fraction | None

    @property
    def ikm_converted(self) -> Decimal | None:
        return None if self.ikm is None else round_half_up(self.ikm * 25, 2)

    @property
    def mutu(self) -> str | None:
        return None if self.ikm_converted is None else classify(self.ikm_converted)[0]

    @property
    def kinerja(self) -> str | None:
        return None if self.ikm_converted is None else classify(self.ikm_converted)[1]


def compute(answer_sets: Iterable[Mapping[str, Any]], questionnaire: Questionnaire = SKM_2017,
            locale: str = "id") -> Ikm:
    """NRR per unsur over the questionnaires that answered it, then IKM = sum of NRR x weight.

    A skipped answer leaves the denominator. When no one answered an unsur at all, the
    other unsur share its weight in proportion (their weights still sum to 1).
    """
    sums = Sums()
    for answers in answer_sets:
        sums.add(answers, questionnaire)
    return from_sums(sums.respondents, sums.unsur, questionnaire, locale)


@dataclass
class Sums:
    """The integer sums one IKM is computed from: of a set of counted questionnaires, how many there are,
    how many answered at least one scored unsur (the respondents), and per unsur code (answers, sum)."""

    responses: int = 0
    respondents: int = 0
    unsur: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, answers: Mapping[str, Any], questionnaire: Questionnaire = SKM_2017) -> None:
        """One questionnaire's answers; an unsur it skipped leaves that unsur's denominator."""
        answered_any = False
        for u in questionnaire.scored_items:
            value = answers.get(u.code)
            if value is None:
                continue
            if not u.valid_answer(value):
                raise ValueError(f"{u.code} must be an integer 1..4, got {value!r}")
            answered, total = self.unsur.get(u.code, (0, 0))
            self.unsur[u.code] = (answered + 1, total + value)
            answered_any = True
        self.responses += 1
        self.respondents += answered_any

    def merge(self, other: "Sums") -> None:
        self.responses += other.responses
        self.respondents += other.respondents
        for code, (answered, total) in other.unsur.items():
            have = self.unsur.get(code, (0, 0))
            self.unsur[code] = (have[0] + answered, have[1] + total)


def from_sums(respondents: int, sums: Mapping[str, tuple[int, int]], questionnaire: Questionnaire = SKM_2017,
              locale: str = "id") -> Ikm:
    """The index of integer totals: `respondents` who answered at least one scored unsur, and per unsur
    code (answers, their sum). compute() adds the answers up and comes here; reports from the collector's
    running totals come here directly, so there is one computation. Codes not scored here are ignored.

    When no one answered an unsur at all, the other unsur share its weight in proportion (their weights
    still sum to 1).
    """
    scored = questionnaire.scored_items
    counts = {u.code: sums.get(u.code, (0, 0))[0] for u in scored}
    answered_weight = sum((questionnaire.weights[u.code] for u in scored if counts[u.code]), Fraction(0))
    results = []
    for u in scored:
        answered, total = sums.get(u.code, (0, 0))
        weight = questionnaire.weights[u.code] / answered_weight if answered else Fraction(0)
        nrr = Fraction(total, answered) if answered else None
        results.append(UnsurResult(u.code, u.name(locale), answered, total, weight, nrr))
    ikm = sum((r.nrr * r.weight for r in results if r.nrr is not None), Fraction(0)) if answered_weight else None
    return Ikm(respondents, tuple(results), ikm)


def required_sample(population: int) -> int:
    """Krejcie and Morgan: minimum respondents for a population of service recipients."""
    if population < 1:
        raise ValueError("population must be at least 1")
    chi2, p, d = Fraction(3841, 1000), Fraction(1, 2), Fraction(5, 100)
    s = chi2 * population * p * (1 - p) / (d * d * (population - 1) + chi2 * p * (1 - p))
    return int(round_half_up(s, 0))


class SampleError(ValueError):
    """The population given cannot be right for these respondents (one sentence)."""


# A figure of one service, when the population is not known, stands on its own only from this many
# respondents; below it (or below its share of the population's Krejcie-Morgan minimum) it carries a caveat.
MIN_SERVICE_RESPONDENTS = 30


def sample(respondents: int, population: int | None, smallest_answered: int | None = None) -> dict[str, Any]:
    """The Krejcie-Morgan check. Sufficiency is judged on the smallest number of answers any unsur got
    (skipped answers leave that unsur's NRR resting on fewer people), not on the respondents."""
    smallest = respondents if smallest_answered is None else smallest_answered
    if population is None:
        return {"population": None, "required": None, "sufficient": None, "smallest_answered": smallest}
    if population < respondents:
        raise SampleError(f"the population ({population}) is smaller than the {respondents} respondents counted; "
                          "it must be the number of service recipients in the period")
    required = required_sample(population)
    return {"population": population, "required": required, "sufficient": smallest >= required,
            "smallest_answered": smallest}


def smallest_answered(result: "Ikm") -> int:
    """The fewest answers of an unsur in the index (one nobody answered is left out of it, and says so)."""
    return min((u.answered for u in result.unsur if u.answered), default=0)


def profile_counts(profiles: Iterable[Mapping[str, str]]) -> dict[str, dict[str, int]]:
    """Respondents per option of each profile field; unanswered ones under "-"."""
    counters = {f.key: Counter() for f in PROFILE_FIELDS}
    for profile in profiles:
        for key, counter in counters.items():
            counter[profile.get(key) or "-"] += 1
    return profile_json(counters)


def profile_json(counters: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Counts per profile field and option as reports print them: every field, options sorted, no zeros."""
    return {f.key: dict(sorted((v, n) for v, n in (counters.get(f.key) or {}).items() if n)) for f in PROFILE_FIELDS}


def _float(value: Fraction | Decimal | None, places: int | None = None) -> float | None:
    if value is None:
        return None
    if places is not None and isinstance(value, Fraction):
        value = round_half_up(value, places)
    return float(value)


def to_json(result: Ikm, *, scope: Mapping[str, Any], population: int | None = None,
            profiles: Iterable[Mapping[str, str]] = (),
            profile: Mapping[str, Mapping[str, int]] | None = None) -> dict[str, Any]:
    """The report JSON of DESIGN.md. `ikm` is unrounded; displayed parts are rounded half up."""
    return {
        "scope": dict(scope),
        "respondents": result.respondents,
        "unsur": [
            {"code": u.code, "name": u.name, "answered": u.answered, "sum": u.sum,
             "nrr": _float(u.nrr, 4), "nrr_weighted": _float(u.nrr_weighted, 3),
             "converted": _float(u.converted), "mutu": u.mutu}
            for u in result.unsur
        ],
        "ikm": _float(result.ikm),
        "ikm_converted": _float(result.ikm_converted),
        "mutu": result.mutu,
        "kinerja": result.kinerja,
        "sample": sample(result.respondents, population, smallest_answered(result)),
        "profile": profile_json(profile) if profile is not None else profile_counts(profiles),
    }


def local_date(stamp: str, tz: ZoneInfo | None) -> date:
    moment = datetime.fromisoformat(stamp)
    return (moment.astimezone(tz) if tz else moment).date()


def select(responses: Iterable[Response], *, office_id: str | None = None, service_id: str | None = None,
           date_from: date | None = None, date_to: date | None = None,
           tz: ZoneInfo | None = None) -> list[Response]:
    """Complete responses of one office, service and period (dates inclusive, in the office's zone)."""
    chosen = []
    for r in responses:
        if not r.complete:
            continue
        if office_id is not None and r.office_id != office_id:
            continue
        if service_id is not None and r.service_id != service_id:
            continue
        if date_from or date_to:
            day = local_date(r.submitted_at, tz)
            if (date_from and day < date_from) or (date_to and day > date_to):
                continue
        chosen.append(r)
    return chosen


def by_service(rows: Iterable[tuple[str | None, Mapping[str, Any]]],
               questionnaire: Questionnaire = SKM_2017, population: int | None = None) -> list[dict[str, Any]]:
    """IKM per service (jenis layanan) from (service_id, answers) pairs, for BAB III of the report.

    Each service carries its own sample check (service_sample): a figure below its minimum gets a
    `caveat` instead of standing as a bare mutu."""
    grouped: dict[str | None, Sums] = {}
    for service_id, answers in rows:
        grouped.setdefault(service_id, Sums()).add(answers, questionnaire)
    return services_json(grouped, questionnaire, population)


def services_json(grouped: Mapping[str | None, Sums], questionnaire: Questionnaire = SKM_2017,
                  population: int | None = None) -> list[dict[str, Any]]:
    """by_service's list from each service's sums (services with no questionnaire are left out)."""
    grouped = {s: sums for s, sums in grouped.items() if sums.responses}
    total = sum(sums.responses for sums in grouped.values())
    out = []
    for service_id in sorted(grouped, key=lambda s: (s is None, s or "")):
        sums = grouped[service_id]
        result = from_sums(sums.respondents, sums.unsur, questionnaire)
        check = service_sample(result, population, total)
        out.append({"service_id": service_id, "respondents": result.respondents, "ikm": _float(result.ikm),
                    "ikm_converted": _float(result.ikm_converted), "mutu": result.mutu, "kinerja": result.kinerja,
                    "sample": check, "caveat": None if check["sufficient"] else caveat(check)})
    return out


def service_sample(result: "Ikm", population: int | None, total: int) -> dict[str, Any]:
    """One service's own minimum: Krejcie-Morgan on its share of the population (its share of the
    respondents) when the population is known, else MIN_SERVICE_RESPONDENTS."""
    smallest = smallest_answered(result)
    if population is not None and total:
        share = max(1, int(round_half_up(Fraction(population * result.respondents, total), 0)))
        required, basis = required_sample(share), "population share"
    else:
        required, basis = MIN_SERVICE_RESPONDENTS, "floor"
    return {"required": required, "basis": basis, "smallest_answered": smallest, "sufficient": smallest >= required}


def caveat(check: Mapping[str, Any]) -> str:
    return (f"indicative only: {check['smallest_answered']} answers where this figure needs at least "
            f"{check['required']}")


def report(responses: Iterable[Response], questionnaire: Questionnaire = SKM_2017, *,
           scope: Mapping[str, Any], population: int | None = None,
           rule: CountingRule | None = None) -> dict[str, Any]:
    """The report JSON for these responses; the counting rule (kiosk.counting) decides which count.

    Besides the keys of DESIGN.md (with `channels` and `excluded`) it carries `profile` (respondents
    per profile option) and `services` (the IKM per service), both parts of the SKM report's BAB III;
    `flagged` (counted responses with a flag that did not keep them out, such as `clock`),
    `abandoned` (surveys left unfinished) and `counting_rule` (which rule applied).
    """
    rule = rule or CountingRule()
    counted = tally(responses, rule)
    grouped: dict[str | None, Sums] = {}
    for r in counted.counted:
        grouped.setdefault(r.service_id, Sums()).add(r.answers, questionnaire)
    return report_of_sums(grouped, profile_counts(r.profile for r in counted.counted), counted, questionnaire,
                          scope=scope, population=population, rule=rule)


def report_of_sums(grouped: Mapping[str | None, Sums], profile: Mapping[str, Mapping[str, int]], counted: Tally,
                   questionnaire: Questionnaire = SKM_2017, *, scope: Mapping[str, Any],
                   population: int | None = None, rule: CountingRule | None = None) -> dict[str, Any]:
    """report()'s JSON from integer sums: the counted questionnaires' sums per service, the profile counts
    and the counting rule's tally. report() comes here with the sums of its responses; the collector
    comes here with its running totals, so both are one computation."""
    rule = rule or CountingRule()
    whole = Sums()
    for sums in grouped.values():
        whole.merge(sums)
    result = from_sums(whole.respondents, whole.unsur, questionnaire)
    doc = to_json(result, scope=scope, population=population, profile=profile)
    doc["services"] = services_json(grouped, questionnaire, population)
    doc["channels"] = counted.channels
    doc["excluded"] = counted.excluded
    doc["flagged"] = counted.flagged
    doc["abandoned"] = counted.abandoned
    doc["counting_rule"] = rule.describe()
    return doc
