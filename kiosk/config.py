"""The office configuration of one kiosk (config.toml): load, check every key, save."""
from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import asdict, dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Mapping, Sequence
from zoneinfo import ZoneInfo

import tomli_w

from kiosk import atomic, ids
from kiosk.pin import looks_like_pin_hash
from kiosk.questionnaire import LOCALES, SKM_2017, SKM_UNSUR, Questionnaire, Text, Unsur

log = logging.getLogger(__name__)

DEMO_CONFIG = Path(__file__).with_name("demo_office.toml")
READ_ALOUD_MODES = ("off", "button", "auto")
DEMO_PIN = "1234"  # the shipped demo office's staff PIN; a real office sets its own


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a config file: the key, the value found, what was expected."""

    key: str
    found: Any
    expected: str

    def __str__(self) -> str:
        found = "missing" if self.found is _MISSING else f"found {self.found!r}"
        return f"{self.key}: {found}, expected {self.expected}"


class ConfigError(Exception):
    def __init__(self, source: str, problems: list[Problem]):
        self.source, self.problems = source, problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{source} has {len(problems)} problem(s):\n{lines}")


@dataclass(frozen=True)
class Service:
    id: str
    name: Text


@dataclass(frozen=True)
class Office:
    id: str
    name: str
    timezone: str
    logo: str | None = None


@dataclass(frozen=True)
class KioskSettings:
    counter: str = "Loket 1"
    service: str | None = None
    locales: tuple[str, ...] = ("id", "en")
    ask_profile: bool = True
    ask_comment: bool = True
    allow_skip: bool = False
    idle_timeout_s: float = 60.0
    thank_you_s: float = 5.0
    min_gap_s: float = 3.0
    min_survey_s: float = 12.0
    double_tap_s: float = 0.4
    comment_max: int = 300
    read_aloud: str = "button"  # "off", "button" (a speaker button), "auto" (each question read as it appears)


@dataclass(frozen=True)
class SyncSettings:
    url: str = ""
    token_file: str = "token"
    batch_size: int = 500
    interval_s: float = 60.0


@dataclass(frozen=True)
class Config:
    office: Office
    services: tuple[Service, ...]
    kiosk: KioskSettings = field(default_factory=KioskSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    pin_hash: str = ""
    questionnaire: Questionnaire = SKM_2017
    source: str = ""

    def service(self, service_id: str) -> Service:
        for s in self.services:
            if s.id == service_id:
                return s
        raise KeyError(service_id)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.office.timezone)

    def with_kiosk(self, **changes: Any) -> "Config":
        return replace(self, kiosk=replace(self.kiosk, **changes))

    def with_sync(self, **changes: Any) -> "Config":
        return replace(self, sync=replace(self.sync, **changes))


_MISSING = object()

# key -> (type check, expected text, default); defaults come from the dataclasses above.
_KIOSK_KEYS = {
    "counter": (lambda v: isinstance(v, str) and v.strip() != "", "a non-empty string"),
    "service": (lambda v: isinstance(v, str), "a service id from [[services]], or \"\" for none"),
    "locales": (lambda v: isinstance(v, list) and v and all(x in LOCALES for x in v) and len(set(v)) == len(v),
                f"a non-empty list drawn from {list(LOCALES)}"),
    "ask_profile": (lambda v: isinstance(v, bool), "true or false"),
    "ask_comment": (lambda v: isinstance(v, bool), "true or false"),
    "allow_skip": (lambda v: isinstance(v, bool), "true or false"),
    "idle_timeout_s": (lambda v: _number(v) and 10 <= v <= 600, "seconds between 10 and 600"),
    "thank_you_s": (lambda v: _number(v) and 1 <= v <= 60, "seconds between 1 and 60"),
    "min_gap_s": (lambda v: _number(v) and 0 <= v <= 600, "seconds between 0 and 600"),
    "min_survey_s": (lambda v: _number(v) and 0 <= v <= 600, "seconds between 0 and 600"),
    "double_tap_s": (lambda v: _number(v) and 0 <= v <= 5, "seconds between 0 and 5"),
    "comment_max": (lambda v: type(v) is int and 1 <= v <= 500, "an integer between 1 and 500"),
    "read_aloud": (lambda v: v in READ_ALOUD_MODES, " or ".join(f'"{m}"' for m in READ_ALOUD_MODES)),
}
# [kiosk] keys newer than the first release: left out of a built config while at their default, so a
# kiosk released before the key existed (which refuses unknown keys) still takes its collector's config.
_KIOSK_KEYS_ADDED_LATER = ("read_aloud",)

_SYNC_KEYS = {
    "url": (lambda v: isinstance(v, str) and (v == "" or v.startswith(("https://", "http://"))),
            "\"\" (no sync) or an http(s):// URL"),
    "token_file": (lambda v: isinstance(v, str) and v.strip() != "", "a file name (relative to the data dir)"),
    "batch_size": (lambda v: type(v) is int and 1 <= v <= 1000, "an integer between 1 and 1000"),
    "interval_s": (lambda v: _number(v) and 5 <= v <= 86400, "seconds between 5 and 86400"),
}


def _number(v: object) -> bool:
    return type(v) in (int, float)


def _text(v: object) -> bool:
    return isinstance(v, dict) and set(v) == set(LOCALES) and all(isinstance(x, str) and x for x in v.values())


_TEXT = "a table with non-empty strings for \"id\" and \"en\""


def check(data: dict[str, Any], source: str = "config") -> tuple[Config | None, list[Problem]]:
    """Check a parsed config; every problem at once. Returns the Config only when there are none."""
    problems: list[Problem] = []

    def bad(key: str, found: Any, expected: str) -> None:
        problems.append(Problem(key, found, expected))

    _unknown(data, {"office", "services", "kiosk", "sync", "staff", "questions", "weights", "counting"}, "", bad)
    # [counting] is the collector's (kiosk.counting): which suspect responses the office counts.
    counting = _table(data, "counting", bad, required=False)
    _unknown(counting, {"count_fast"}, "counting.", bad)
    if "count_fast" in counting and not isinstance(counting["count_fast"], bool):
        bad("counting.count_fast", counting["count_fast"], "true or false")

    office_raw = _table(data, "office", bad)
    _unknown(office_raw, {"id", "name", "timezone", "logo"}, "office.", bad)
    office_id = office_raw.get("id", _MISSING)
    if not ids.is_office_id(office_id):
        bad("office.id", office_id, ids.OFFICE_ID_EXPECTED)
    name = office_raw.get("name", _MISSING)
    if not (isinstance(name, str) and name.strip()):
        bad("office.name", name, "a non-empty string")
    tz = office_raw.get("timezone", _MISSING)
    if not ids.is_timezone(tz):
        bad("office.timezone", tz, ids.TIMEZONE_EXPECTED)
    logo = office_raw.get("logo")
    if logo is not None and not isinstance(logo, str):
        bad("office.logo", logo, "a path to an image file")

    services = _services(data.get("services", _MISSING), bad)

    kiosk_raw = _table(data, "kiosk", bad, required=False)
    kiosk = _settings(kiosk_raw, _KIOSK_KEYS, "kiosk.", bad)
    if isinstance(kiosk.get("service"), str) and kiosk["service"] and services is not None \
            and kiosk["service"] not in {s.id for s in services}:
        bad("kiosk.service", kiosk["service"], f"one of the service ids {[s.id for s in services]} or \"\"")
    sync = _settings(_table(data, "sync", bad, required=False), _SYNC_KEYS, "sync.", bad)

    staff = _table(data, "staff", bad)
    _unknown(staff, {"pin_hash"}, "staff.", bad)
    pin_hash = staff.get("pin_hash", _MISSING)
    if not looks_like_pin_hash(pin_hash):
        bad("staff.pin_hash", "<hidden>" if isinstance(pin_hash, str) else pin_hash,
            "a scrypt hash made by `kiosk config set-pin` (never a plain PIN)")

    questionnaire = office_questionnaire(data, office_id, bad)

    if problems:
        return None, problems
    kiosk["locales"] = tuple(kiosk.get("locales", KioskSettings.locales))
    kiosk["service"] = kiosk.get("service") or None
    config = Config(
        office=Office(id=office_id, name=name.strip(), timezone=tz, logo=logo or None),
        services=tuple(services or ()),
        kiosk=KioskSettings(**kiosk),
        sync=SyncSettings(**sync),
        pin_hash=pin_hash,
        questionnaire=questionnaire,
        source=source,
    )
    return config, []


def without_unknown_settings(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A config from a collector newer than this kiosk, without the [kiosk] and [sync] settings this kiosk
    does not know (it would refuse the whole config for them), and their names. A hand-typed config.toml
    is not passed through this: there an unknown key is most likely a typo, and `check` says so."""
    out, dropped = dict(data), []
    for table, known in (("kiosk", _KIOSK_KEYS), ("sync", _SYNC_KEYS)):
        if isinstance(data.get(table), dict):
            out[table] = {k: v for k, v in data[table].items() if k in known}
            dropped += [f"{table}.{k}" for k in sorted(set(data[table]) - set(known))]
    return out, dropped


def _unknown(table: dict, known: set[str], prefix: str, bad) -> None:
    for key in sorted(set(table) - known):
        bad(prefix + key, table[key], f"no such key (known: {', '.join(sorted(known))})")


def _table(data: dict, key: str, bad, required: bool = True) -> dict:
    value = data.get(key, _MISSING if required else {})
    if not isinstance(value, dict):
        bad(key, value, "a table")
        return {}
    return value


def _settings(raw: dict, spec: dict, prefix: str, bad) -> dict:
    _unknown(raw, set(spec), prefix, bad)
    out = {}
    for key, (ok, expected) in spec.items():
        if key in raw:
            if ok(raw[key]):
                out[key] = raw[key]
            else:
                bad(prefix + key, raw[key], expected)
    return out


def _services(raw: object, bad) -> list[Service] | None:
    if not isinstance(raw, list) or not raw:
        bad("services", raw, "a non-empty array of [[services]] tables")
        return None
    services, seen = [], set()
    for i, item in enumerate(raw):
        key = f"services[{i}]"
        if not isinstance(item, dict):
            bad(key, item, "a table with id and name")
            continue
        _unknown(item, {"id", "name"}, key + ".", bad)
        sid, name = item.get("id", _MISSING), item.get("name", _MISSING)
        if not (isinstance(sid, str) and sid):
            bad(key + ".id", sid, "a non-empty string")
        elif sid in seen:
            bad(key + ".id", sid, "an id not used by another service")
        if not _text(name):
            bad(key + ".name", name, _TEXT)
        if isinstance(sid, str) and sid and _text(name):
            seen.add(sid)
            services.append(Service(sid, Text(name["id"], name["en"])))
    return services


def office_questionnaire(data: dict, office_id: object, bad) -> Questionnaire:
    """SKM 2017, plus the office's own questions and weights when it has any; `bad(key, found, expected)`
    is called for each problem in `data["questions"]` and `data["weights"]`."""
    raw_questions = data.get("questions", [])
    raw_weights = data.get("weights", {})
    if not raw_questions and not raw_weights:
        return SKM_2017
    items: list[Unsur] = list(SKM_UNSUR)
    if not isinstance(raw_questions, list):
        bad("questions", raw_questions, "an array of [[questions]] tables")
        raw_questions = []
    for i, q in enumerate(raw_questions):
        key = f"questions[{i}]"
        if not isinstance(q, dict):
            bad(key, q, "a table")
            continue
        _unknown(q, {"code", "name", "question", "labels", "choices"}, key + ".", bad)
        code = q.get("code", _MISSING)
        if not (isinstance(code, str) and code.isalnum() and code not in {u.code for u in items}):
            bad(key + ".code", code, "a new alphanumeric code, not U1..U9 or another question's")
            continue
        for part in ("name", "question"):
            if not _text(q.get(part)):
                bad(f"{key}.{part}", q.get(part, _MISSING), _TEXT)
        labels, choices = q.get("labels"), q.get("choices")
        if (labels is None) == (choices is None):
            bad(key, sorted(q), "exactly one of labels (4-point) or choices (a choice list)")
            continue
        if labels is not None and not (isinstance(labels, list) and len(labels) == 4 and all(map(_text, labels))):
            bad(key + ".labels", labels, "four answer labels, worst to best, each " + _TEXT)
            continue
        if choices is not None and not (isinstance(choices, list) and choices and all(
                isinstance(c, dict) and isinstance(c.get("key"), str) and _text({k: c.get(k) for k in LOCALES})
                and set(c) == {"key", *LOCALES} for c in choices)):
            bad(key + ".choices", choices, "a non-empty array of tables with key, id and en")
            continue
        if not (_text(q.get("name")) and _text(q.get("question"))):
            continue
        items.append(Unsur(
            code, Text(**q["name"]), Text(**q["question"]),
            labels=tuple(Text(**t) for t in labels) if labels else (),
            choices=tuple((c["key"], Text(c["id"], c["en"])) for c in choices) if choices else (),
        ))
    weights: dict[str, Fraction] = {}
    if not isinstance(raw_weights, dict):
        bad("weights", raw_weights, "a table of unsur code to weight")
        raw_weights = {}
    for code, value in raw_weights.items():
        try:
            weights[code] = Fraction(value) if isinstance(value, (str, int)) else Fraction(str(value))
        except (ValueError, ZeroDivisionError, TypeError):
            bad(f"weights.{code}", value, "a fraction such as \"1/10\" or a decimal such as 0.1")
    try:
        return Questionnaire(id=f"skm-2017-{office_id}", version=1, items=tuple(items), weights=weights)
    except ValueError as exc:
        bad("weights", raw_weights, str(exc).split(": ", 1)[-1])
        return SKM_2017


def read(path: str | os.PathLike) -> dict[str, Any]:
    """Parse a TOML file; a syntax error or unreadable file becomes a ConfigError."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), [Problem("(file)", str(path), "an existing config file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [Problem("(file)", str(path), f"a readable UTF-8 file ({exc})")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [Problem("(syntax)", str(exc), "valid TOML")]) from None


def load(path: str | os.PathLike) -> Config:
    config, problems = check(read(path), source=str(path))
    if problems:
        raise ConfigError(str(path), problems)
    return config  # type: ignore[return-value]


def uses_demo_pin(config: Config) -> bool:
    """Whether staff mode still opens with the shipped demo office's PIN, which anyone can read in the README."""
    from kiosk.pin import verify_pin

    return bool(config.pin_hash) and verify_pin(DEMO_PIN, config.pin_hash)


DEMO_PIN_WARNING = (f"this kiosk's staff PIN is still the demo PIN {DEMO_PIN}, which anyone can look up; "
                    "set the office's own with `kiosk config set-pin` (or on the collector, for every kiosk of "
                    "the office: `kiosk admin office-pin`)")


def load_for(data_dir: Path) -> Config:
    """The kiosk's config in its data dir, else the shipped demo office (said once in the log)."""
    own = Path(data_dir) / "config.toml"
    if own.exists():
        return load(own)
    log.warning("no config.toml in %s: using the shipped demo office", data_dir)
    return load(DEMO_CONFIG)


def build(office: Office, services: Sequence[Service], *, kiosk: Mapping[str, Any] | None = None,
          sync: Mapping[str, Any] | None = None, pin_hash: str | None = None,
          own: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The office config as plain data: the tables of config.toml, and what GET /api/v1/config sends.

    `kiosk` and `sync` override the defaults of KioskSettings and SyncSettings; a bound service the
    office no longer offers is dropped. `own` holds the office's own "questions" and "weights".
    Without a PIN hash there is no [staff] table (the kiosk adds its own, see sync.configsync.merge).
    """
    offered = {s.id for s in services}
    kiosk_table = {**asdict(KioskSettings()), **(kiosk or {})}
    kiosk_table["locales"] = list(kiosk_table["locales"])
    kiosk_table["service"] = kiosk_table.get("service") or ""
    if kiosk_table["service"] not in offered:
        kiosk_table["service"] = ""
    defaults = asdict(KioskSettings())
    for key in _KIOSK_KEYS_ADDED_LATER:
        if kiosk_table.get(key) == defaults[key]:
            del kiosk_table[key]
    data: dict[str, Any] = {
        "office": {"id": office.id, "name": office.name, "timezone": office.timezone,
                   **({"logo": office.logo} if office.logo else {})},
        "services": [{"id": s.id, "name": {"id": s.name.id, "en": s.name.en}} for s in services],
        "kiosk": kiosk_table,
        "sync": {**asdict(SyncSettings()), **(sync or {})},
    }
    if pin_hash:
        data["staff"] = {"pin_hash": pin_hash}
    for key in ("questions", "weights"):
        if own and key in own:
            data[key] = own[key]
    return data


def to_data(config: Config, own: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A Config as the tables of config.toml; the office's questions and weights are carried over from `own`."""
    return build(config.office, config.services, kiosk=asdict(config.kiosk), sync=asdict(config.sync),
                 pin_hash=config.pin_hash, own=own)


def write(path: str | os.PathLike, data: dict[str, Any], *, source: str | None = None) -> Config:
    """The one writer of config.toml: check `data`, then write it atomically (a power cut leaves the old
    or the new file). Nothing is written when a check fails: ConfigError names every problem."""
    path = Path(path)
    checked, problems = check(data, source=source or str(path))
    if problems:
        raise ConfigError(source or str(path), problems)
    atomic.write_text(path, tomli_w.dumps(data))
    return replace(checked, source=str(path))  # type: ignore[arg-type]


def save(config: Config, path: str | os.PathLike) -> Config:
    """Write a changed Config (staff settings, a new PIN) over config.toml, keeping the office's own questions."""
    path = Path(path)
    original = read(path) if path.exists() else {}
    return write(path, to_data(config, {k: original[k] for k in ("questions", "weights") if k in original}))
