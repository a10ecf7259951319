"""The office config a kiosk receives from its collector (at enrolment, and later by GET /api/v1/config)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from kiosk import atomic, config as office_config, paths
from kiosk.config import Config
from kiosk.pin import looks_like_pin_hash
from sync import wire
from sync.errors import classify_exception

log = logging.getLogger(__name__)

ETAG_FILE = "config.etag"


class ConfigRejected(Exception):
    """The collector's office config does not pass kiosk.config.check; the message names the first problem."""


@dataclass(frozen=True)
class ConfigFetch:
    changed: bool
    etag: str | None = None
    data: dict[str, Any] | None = None
    error_code: str | None = None
    error: str | None = None


def merge(received: dict[str, Any], url: str, local: dict[str, Any], *, pin_hash: str | None,
          keep_binding: bool = False) -> dict[str, Any]:
    """The collector's office config, with this kiosk's own [sync] (URL, token file) and staff PIN.

    `local` is the kiosk's config.toml as parsed TOML ({} when it has none), `pin_hash` the PIN hash
    of the config the kiosk runs with now (on a fresh kiosk, that is the shipped demo office's).
    With keep_binding, the counter and service staff bound this kiosk to stay as they are
    (the service only while the office still offers it), and so does the read-aloud mode staff
    chose, unless the office config sets one.
    """
    data, dropped = office_config.without_unknown_settings(received)
    if dropped:
        log.warning("the collector's config has settings this kiosk does not know, left out: %s", ", ".join(dropped))
    if keep_binding and isinstance(local.get("kiosk"), dict):
        kiosk = dict(data.get("kiosk") or {})
        offered = {s.get("id") for s in received.get("services") or [] if isinstance(s, dict)}
        if "counter" in local["kiosk"]:
            kiosk["counter"] = local["kiosk"]["counter"]
        if local["kiosk"].get("service") in offered:
            kiosk["service"] = local["kiosk"]["service"]
        # Read-aloud is set on the staff screen for this counter (a quiet room, a deaf-friendly desk);
        # the collector only sends it when the office admin chose one for every kiosk, and then it wins.
        if "read_aloud" in local["kiosk"] and "read_aloud" not in kiosk:
            kiosk["read_aloud"] = local["kiosk"]["read_aloud"]
        data["kiosk"] = kiosk
    sync = {**(data.get("sync") or {}), **(local.get("sync") or {})}
    sync["url"] = url
    sync.setdefault("token_file", "token")
    data["sync"] = sync
    data["staff"] = {**(received.get("staff") or {}), "pin_hash": _staff_pin_hash(received, local, pin_hash)}
    return data


def _staff_pin_hash(received: dict[str, Any], local: dict[str, Any], running: str | None) -> str | None:
    # Counter staff open staff mode with the PIN they use today, and expect it to keep working after
    # enrolment or an office config update: nobody at the counter is told that a server changed it.
    # So the PIN only changes when the office admin deliberately set an office PIN at the collector
    # (then it is theirs to hand out). Otherwise the kiosk keeps its own: config.toml's first (the
    # latest, also when staff changed the PIN after the sync worker started), else the one of the
    # config it runs with. Never a PIN from anywhere else: a kiosk must not fall back to a PIN that
    # every copy of this software shares.
    office = (received.get("staff") or {}).get("pin_hash")
    if looks_like_pin_hash(office):
        return office
    own = (local.get("staff") or {}).get("pin_hash")
    if looks_like_pin_hash(own):
        return own
    return running if looks_like_pin_hash(running) else None


def local_config(data_dir: Path) -> dict[str, Any]:
    """The kiosk's config.toml as parsed TOML; {} when there is none or it cannot be read."""
    path = paths.config_file(Path(data_dir))
    if not path.exists():
        return {}
    try:
        return office_config.read(path)
    except office_config.ConfigError:
        return {}


def write_config(data_dir: Path, data: dict[str, Any], etag: str | None = None) -> Config:
    """Write config.toml through kiosk.config.write (and the ETag it came with); nothing is written if it fails."""
    try:
        checked = office_config.write(paths.config_file(Path(data_dir)), data,
                                      source="the collector's office config")
    except office_config.ConfigError as exc:
        raise ConfigRejected(str(exc.problems[0])) from None
    if etag:
        atomic.write_text(Path(data_dir) / ETAG_FILE, etag + "\n")
    return checked


def stored_etag(data_dir: Path) -> str | None:
    try:
        return (Path(data_dir) / ETAG_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def fetch(session: requests.Session, base_url: str, token: str, etag: str | None = None, *,
          timeout: tuple[float, float] = (10.0, 30.0)) -> ConfigFetch:
    """GET /api/v1/config with If-None-Match; changed=False on 304 or on any failure (see error_code)."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "User-Agent": wire.USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    try:
        reply = session.get(base_url.rstrip("/") + wire.CONFIG_PATH, headers=headers, timeout=timeout,
                            verify=True, allow_redirects=False)
    except requests.RequestException as exc:
        code, detail = classify_exception(exc)
        return ConfigFetch(False, etag, error_code=code, error=detail)
    if reply.status_code == 304:
        return ConfigFetch(False, etag)
    if reply.status_code in (401, 403):
        return ConfigFetch(False, etag, error_code="unauthorised", error=f"HTTP {reply.status_code}")
    if reply.status_code != 200:
        return ConfigFetch(False, etag, error_code="server" if reply.status_code >= 500 else "bad_response",
                           error=f"the collector answered HTTP {reply.status_code} for the office config")
    try:
        data = reply.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return ConfigFetch(False, etag, error_code="bad_response", error="the office config is not a JSON object")
    return ConfigFetch(True, reply.headers.get("ETag"), data)


def pull(session: requests.Session, config: Config, data_dir: Path, token: str, **kwargs) -> Config | None:
    """Fetch the office config and write it when it changed; the new Config, or None when nothing changed.

    Raises ConfigRejected when the collector sends a config this kiosk cannot use.
    """
    got = fetch(session, config.sync.url, token, stored_etag(data_dir), **kwargs)
    if not got.changed or got.data is None:
        return None
    local = local_config(data_dir)
    data = merge(got.data, config.sync.url, local, pin_hash=config.pin_hash, keep_binding=True)
    if data == local:
        if got.etag:
            atomic.write_text(Path(data_dir) / ETAG_FILE, got.etag + "\n")
        return None
    return write_config(data_dir, data, got.etag)
