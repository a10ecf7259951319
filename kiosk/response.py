"""A respondent's answers as a typed record, its wire form (DESIGN.md), and its validation."""
from __future__ import annotations

import copy
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from kiosk.bounds import free_form_problems, shown
from kiosk.questionnaire import LOCALES, PROFILE, SKM_2017, Questionnaire, Unsur

CHANNELS = ("kiosk", "web", "paper")
COMMENT_MAX = 500
FLAGS = ("fast", "simulated")
WIRE_KEYS = (
    "id", "office_id", "service_id", "questionnaire", "questionnaire_version", "channel",
    "locale", "started_at", "submitted_at", "answers", "extra", "profile", "comment",
    "complete", "flags",
)


@dataclass(frozen=True)
class Response:
    """One respondent's questionnaire, as made on the device when they finish (or walk away)."""

    id: str
    office_id: str
    service_id: str | None
    questionnaire: str
    questionnaire_version: int
    channel: str
    locale: str
    started_at: str
    submitted_at: str
    answers: dict[str, int]
    extra: dict[str, Any] = field(default_factory=dict)
    profile: dict[str, str] = field(default_factory=dict)
    comment: str | None = None
    complete: bool = True
    flags: tuple[str, ...] = ()

    def to_wire(self) -> dict[str, Any]:
        # Field by field rather than dataclasses.asdict: asdict's recursive deep copy cost more than
        # the whole upload of a batch (see bench/bench_drain.py). Mutable values are still copied.
        wire = {key: getattr(self, key) for key in WIRE_KEYS}
        wire["answers"] = dict(self.answers)
        wire["extra"] = copy.deepcopy(self.extra) if self.extra else {}
        wire["profile"] = dict(self.profile)
        wire["flags"] = list(self.flags)
        return wire

    def to_json(self) -> str:
        """Canonical JSON: the same response always gives the same bytes (used for duplicate checks)."""
        return canonical_json(self.to_wire())

    @classmethod
    def from_wire(cls, wire: Mapping[str, Any]) -> "Response":
        data = {k: wire[k] for k in WIRE_KEYS if k in wire}
        data["flags"] = tuple(data.get("flags") or ())
        data["extra"] = dict(data.get("extra") or {})
        data["profile"] = dict(data.get("profile") or {})
        return cls(**data)


def canonical_json(wire: Mapping[str, Any]) -> str:
    # allow_nan=False: "Infinity" is not JSON; validation refuses non-finite numbers before this point.
    return json.dumps(wire, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_id(value: object) -> str | None:
    """The one spelling of a UUID (lower-case, hyphenated: str(uuid.UUID(...))), or None when it is not one.

    Upper case, braces, "urn:uuid:" and missing hyphens all name the same UUID, so the same respondent."""
    if not isinstance(value, str):
        return None
    if _UUID_TEXT.match(value):
        return value
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def with_canonical_id(wire: Any) -> Any:
    """The wire response with its id in canonical spelling (a copy only when that changes it)."""
    if isinstance(wire, Mapping) and isinstance(wire.get("id"), str) and not _UUID_TEXT.match(wire["id"]):
        same = canonical_id(wire["id"])
        if same is not None:
            return {**wire, "id": same}
    return wire


def now_local() -> datetime:
    """The device's wall clock with its UTC offset."""
    return datetime.now(timezone.utc).astimezone()


def new_response(
    *,
    office_id: str,
    service_id: str | None,
    answers: Mapping[str, int],
    started_at: datetime,
    submitted_at: datetime | None = None,
    questionnaire: Questionnaire = SKM_2017,
    channel: str = "kiosk",
    locale: str = "id",
    extra: Mapping[str, Any] | None = None,
    profile: Mapping[str, str] | None = None,
    comment: str | None = None,
    complete: bool = True,
    flags: tuple[str, ...] = (),
    make_id: Callable[[], str] = lambda: str(uuid.uuid4()),
) -> Response:
    """Stamp a finished respondent with a fresh UUID and offset-aware timestamps."""
    submitted_at = submitted_at or now_local()
    for name, stamp in (("started_at", started_at), ("submitted_at", submitted_at)):
        if stamp.tzinfo is None:
            raise ValueError(f"{name} must carry a UTC offset")
    return Response(
        id=make_id(),
        office_id=office_id,
        service_id=service_id,
        questionnaire=questionnaire.id,
        questionnaire_version=questionnaire.version,
        channel=channel,
        locale=locale,
        started_at=started_at.isoformat(timespec="seconds"),
        submitted_at=submitted_at.isoformat(timespec="seconds"),
        answers=dict(answers),
        extra=dict(extra or {}),
        profile=dict(profile or {}),
        comment=(comment.strip() or None) if comment else None,
        complete=complete,
        flags=tuple(flags),
    )


def parse_timestamp(value: object) -> datetime | None:
    """An ISO 8601 timestamp with a UTC offset, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else None


def validate_wire(wire: object, questionnaire: Questionnaire = SKM_2017) -> list[str]:
    """Every reason this wire response is invalid, each one sentence; empty when it is valid."""
    if plainly_valid_times(wire, questionnaire) is not None:
        return []
    return _wire_problems(wire, questionnaire)


def plainly_valid_times(wire: object, questionnaire: Questionnaire = SKM_2017) -> tuple[datetime, datetime] | None:
    """(started_at, submitted_at) parsed, when `wire` is a valid response of the plain JSON kind; else None.

    validate_wire's quick path for the common case (a collector checks every item of a kiosk's
    backlog): plain dicts, lists and strings as JSON gives them, looked at once each. None does not
    mean invalid: it means only validate_wire's full checks can tell, and say why.
    """
    if type(wire) is not dict or not wire.keys() <= _WIRE_KEY_SET:
        return None
    for key in _REQUIRED_TEXT:
        value = wire.get(key)
        if type(value) is not str or not value:
            return None
    if not _UUID_TEXT.match(wire["id"]):
        try:
            uuid.UUID(wire["id"])
        except ValueError:
            return None
    service = wire.get("service_id")
    if service is not None and (type(service) is not str or not service):
        return None
    version = wire.get("questionnaire_version")
    if (wire["questionnaire"] != questionnaire.id or type(version) is not int or version != questionnaire.version
            or wire["channel"] not in CHANNELS or wire["locale"] not in LOCALES):
        return None
    started, submitted = parse_timestamp(wire["started_at"]), parse_timestamp(wire["submitted_at"])
    if started is None or submitted is None or submitted < started:
        return None
    complete = wire.get("complete")
    if type(complete) is not bool:
        return None
    answers = wire.get("answers")
    if type(answers) is not dict or (complete and not answers):
        return None
    accepted = _answer_values(questionnaire)
    for code, value in answers.items():
        valid = accepted.get(code)
        if valid is None or type(value) is not valid[0] or value not in valid[1]:
            return None
    extra = wire.get("extra")
    if extra is not None and (type(extra) is not dict or extra and free_form_problems(extra)):
        return None
    profile = wire.get("profile")
    if profile is not None:
        if type(profile) is not dict:
            return None
        for key, value in profile.items():
            options = _PROFILE_OPTIONS.get(key)
            if options is None or type(value) is not str or value not in options:
                return None
    comment = wire.get("comment")
    if comment is not None and (type(comment) is not str or len(comment) > COMMENT_MAX):
        return None
    flags = wire.get("flags", [])
    if type(flags) is not list:
        return None
    for flag in flags:
        if type(flag) is not str or flag not in FLAGS:
            return None
    return started, submitted


_WIRE_KEY_SET = frozenset(WIRE_KEYS)
_REQUIRED_TEXT = ("id", "office_id", "questionnaire", "channel", "locale", "started_at", "submitted_at")
_UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")  # str(uuid.uuid4())
_PROFILE_OPTIONS = {key: frozenset(spec.keys()) for key, spec in PROFILE.items()}
_answer_cache: dict[int, tuple[Questionnaire, dict[str, tuple[type, frozenset]]]] = {}


def _answer_values(questionnaire: Questionnaire) -> dict[str, tuple[type, frozenset]]:
    """Unsur code -> (type, values) of the answers Unsur.valid_answer takes, worked out once per questionnaire."""
    cached = _answer_cache.get(id(questionnaire))
    if cached is not None and cached[0] is questionnaire:
        return cached[1]
    accepted: dict[str, tuple[type, frozenset]] = {}
    # A subclass may look its unsur up its own way: then every answer is left to the full checks.
    for unsur in questionnaire.items if type(questionnaire) is Questionnaire else ():
        if type(unsur) is not Unsur:
            continue  # its own idea of a valid answer: left to the full checks
        if unsur.scored:
            accepted[unsur.code] = (int, frozenset(range(1, 5)))
        else:
            accepted[unsur.code] = (str, frozenset(key for key, _ in unsur.choices))
    if len(_answer_cache) >= 64:
        _answer_cache.clear()
    _answer_cache[id(questionnaire)] = (questionnaire, accepted)  # holding it keeps its id from being reused
    return accepted


def _wire_problems(wire: object, questionnaire: Questionnaire) -> list[str]:
    if not isinstance(wire, Mapping):
        return ["a response must be a JSON object"]
    problems: list[str] = []
    unknown = sorted(set(wire) - set(WIRE_KEYS))
    if unknown:
        problems.append(f"unknown fields: {', '.join(str(key)[:40] for key in unknown[:10])}")
    for key in ("id", "office_id", "questionnaire", "channel", "locale", "started_at", "submitted_at"):
        if not isinstance(wire.get(key), str) or not wire.get(key):
            problems.append(f"{key} must be a non-empty string")
    if isinstance(wire.get("id"), str):
        try:
            uuid.UUID(wire["id"])
        except ValueError:
            problems.append("id must be a UUID")
    if wire.get("service_id") is not None and (not isinstance(wire["service_id"], str) or not wire["service_id"]):
        problems.append("service_id must be a non-empty string or null")
    if wire.get("questionnaire") != questionnaire.id:
        problems.append(f"questionnaire must be {questionnaire.id!r}")
    if wire.get("questionnaire_version") != questionnaire.version or type(wire.get("questionnaire_version")) is not int:
        problems.append(f"questionnaire_version must be {questionnaire.version}")
    if "channel" in wire and wire["channel"] not in CHANNELS:
        problems.append(f"channel must be one of {', '.join(CHANNELS)}")
    if "locale" in wire and wire["locale"] not in LOCALES:
        problems.append(f"locale must be one of {', '.join(LOCALES)}")
    started, submitted = parse_timestamp(wire.get("started_at")), parse_timestamp(wire.get("submitted_at"))
    for key, stamp in (("started_at", started), ("submitted_at", submitted)):
        if stamp is None and isinstance(wire.get(key), str):
            problems.append(f"{key} must be an ISO 8601 time with a UTC offset")
    if started and submitted and submitted < started:
        problems.append("submitted_at is before started_at")
    problems += _answer_problems(wire.get("answers"), wire.get("complete"), questionnaire)
    problems += free_form_problems(dict(wire["extra"]) if isinstance(wire.get("extra"), Mapping) else wire.get("extra"))
    problems += _profile_problems(wire.get("profile"))
    comment = wire.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > COMMENT_MAX):
        problems.append(f"comment must be text of at most {COMMENT_MAX} characters")
    if type(wire.get("complete")) is not bool:
        problems.append("complete must be true or false")
    flags = wire.get("flags", [])
    if not isinstance(flags, list) or any(f not in FLAGS for f in flags):
        problems.append(f"flags must be a list of {', '.join(FLAGS)}")
    return problems


def _answer_problems(answers: object, complete: object, questionnaire: Questionnaire) -> list[str]:
    if not isinstance(answers, Mapping):
        return ["answers must be an object of unsur code to answer"]
    problems = []
    known = set(questionnaire.codes())
    for code, value in answers.items():
        if code not in known:
            problems.append(f"answers has unknown unsur {shown(code)}")
        elif not questionnaire.unsur(code).valid_answer(value):
            problems.append(f"answers.{code} must be an integer 1..4, got {shown(value)}")
    if complete is True and not answers:
        problems.append("a complete response must answer at least one unsur")
    return problems


def _profile_problems(profile: object) -> list[str]:
    if profile is None:
        return []
    if not isinstance(profile, Mapping):
        return ["profile must be an object"]
    problems = []
    for key, value in profile.items():
        spec = PROFILE.get(key)
        if spec is None:
            problems.append(f"profile has unknown field {shown(key)}")
        elif value not in spec.keys():
            problems.append(f"profile.{key} must be one of {', '.join(spec.keys())}, got {shown(value)}")
    return problems
