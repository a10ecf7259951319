"""The controller of the PIN pad and the staff screen: what staff see and change, nothing drawn here."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, DictProperty, ListProperty, StringProperty

from kiosk.config import DEMO_PIN, Config
from kiosk.flow_staff import LongPress, PinGuard, PinResult, SettingsRejected, change_pin, save_settings
from kiosk.storage import StorageError
from kiosk.sync_status import SyncStatus
from screens import catalog
from screens.mainthread import Background

log = logging.getLogger(__name__)

PIN_IDLE_S = 60.0  # a PIN pad left open returns to the survey
STATUS_EVERY_S = 5.0  # the staff screen's queue counts follow the sync worker
FIELD_OF_KEY = {"kiosk.counter": "counter", "kiosk.service": "bound_service", "kiosk.locales": "languages",
                "kiosk.read_aloud": "read_aloud", "sync.url": "sync_url"}


@dataclass(frozen=True)
class StaffPort:
    """What staff mode may see and do in the running kiosk, and nothing more.

    Staff mode never holds the app: the app hands it these, so what staff can reach is listed here.
    """

    session: Any                                      # the survey session: mode, screen, locale, flow
    data_dir: Path                                    # where config.toml is saved
    config: Callable[[], Config]                      # the office config in force now
    apply_config: Callable[[Config], None]            # saved settings take effect (on the UI thread)
    run_in_background: Callable[..., None]            # (work, on_done=, on_error=) off the UI thread
    sync_status: Callable[[], SyncStatus]             # read off the UI thread
    sync_now: Callable[[], bool]                      # False when this kiosk has no sync running
    export: Callable[[str], tuple[Path, int]]         # the queue into a file of that format: (file, count)
    stop: Callable[[], None]                          # staff leave the kiosk app
    storage_health: Callable[[], Any] = lambda: None  # kiosk.store.StorageHealth, read off the UI thread
    clock_check: Callable[[], Any] = lambda: None     # kiosk.clockcheck.ClockCheck


def corner_open(session: Any) -> bool:
    """Where the hidden corner opens the PIN pad: the welcome screen, and a saving screen whose save
    failed (the kiosk cannot save: staff must be able to see why while the citizen's answers wait)."""
    return session.screen == "welcome" or (session.screen == "saving" and session.save_failed)


class StaffMode(EventDispatcher):
    """PIN entry, settings form, queue status and the staff actions, driven by the staff screens."""

    digits = StringProperty("")
    pin_message = StringProperty("")
    pin_locked = BooleanProperty(False)
    pin_error = BooleanProperty(False)
    checking = BooleanProperty(False)
    # the settings form, edited in place until staff press "save"
    form = DictProperty({})
    form_locales = ListProperty([])
    message = StringProperty("")
    message_is_error = BooleanProperty(False)
    status = DictProperty({})
    connection = StringProperty("")

    def __init__(self, port: StaffPort, *, clock: Callable[[], float], hold_s: float = 2.0, **kwargs):
        super().__init__(**kwargs)
        self.port = port
        self.clock = clock
        self.corner = LongPress(clock, hold_s=hold_s)
        self.guard = PinGuard(port.config().pin_hash, clock=clock)
        self.net = Background("kiosk-net")
        self._pin_opened = 0.0
        self._later = None
        self._status_read = 0.0
        self.status = self._status_texts(None)
        self.reset_form()

    @property
    def session(self):
        return self.port.session

    @property
    def locale(self) -> str:
        return self.session.locale

    def t(self, key: str, locale: str, **values: Any) -> str:
        return catalog.t(key, locale, **values)

    # -- the hidden gesture and the PIN pad ------------------------------------------------

    def corner_down(self) -> None:
        self.corner.down()

    def corner_up(self) -> None:
        if self.corner.up() and corner_open(self.session):
            self.open_pin()

    def open_pin(self) -> None:
        self.digits, self.pin_message, self.pin_error = "", "", False
        self._pin_opened = self.clock()
        self._show_lock()
        self.session.mode = "pin"

    def press_digit(self, digit: str) -> None:
        self._pin_opened = self.clock()
        if not self.checking and len(self.digits) < 12 and not self._show_lock():
            self.digits += digit

    def clear_digits(self) -> None:
        self._pin_opened = self.clock()
        self.digits = ""

    def submit_pin(self) -> None:
        if self.checking or self._show_lock():
            return
        pin, self.digits = self.digits, ""
        self.checking, self.pin_error = True, False
        self.pin_message = self.t("pin_checking", self.locale)
        # scrypt takes a moment: never on the UI thread.
        self.port.run_in_background(lambda: (self.guard.check(pin), pin == DEMO_PIN), on_done=self._pin_checked)

    def _pin_checked(self, outcome: tuple[PinResult, bool]) -> None:
        result, demo_pin = outcome
        self.checking = False
        self.pin_error = result is not PinResult.OK
        if result is PinResult.OK:
            self.pin_message = ""
            self.enter_staff()
            if demo_pin and self.port.config().sync.url:
                # Enrolled to a real office, and the PIN that just opened staff mode is the README's.
                self._say(self.t("demo_pin_warning", self.locale, pin=DEMO_PIN), error=True)
        elif result is PinResult.LOCKED:
            self._show_lock()
        else:
            self.pin_message = self.t("pin_wrong", self.locale, n=self.guard.attempts_left())

    def _show_lock(self) -> bool:
        left = self.guard.locked_for()
        self.pin_locked = left > 0
        if self.pin_locked:
            self.pin_error = True
            self.pin_message = self.t("pin_locked", self.locale, s=int(left + 0.999))
        return self.pin_locked

    def cancel_pin(self) -> None:
        self.digits, self.pin_message = "", ""
        self.session.mode = "citizen"

    def tick(self, *_: Any) -> None:
        if self.session.mode == "staff" and self.clock() - self._status_read >= STATUS_EVERY_S:
            self.refresh_status()
        if self.session.mode == "pin":
            if self.pin_locked and not self._show_lock():
                self.pin_message, self.pin_error = "", False
            if self.clock() - self._pin_opened > PIN_IDLE_S:
                self.cancel_pin()

    # -- the staff screen ------------------------------------------------------------------

    def enter_staff(self) -> None:
        self.reset_form()
        self.message, self.connection = "", ""
        self.session.mode = "staff"
        self.refresh_status()

    def reset_form(self) -> None:
        config = self.port.config()
        k, s = config.kiosk, config.sync
        self.form = {"counter": k.counter, "service": k.service or "", "ask_profile": k.ask_profile,
                     "ask_comment": k.ask_comment, "allow_skip": k.allow_skip, "read_aloud": k.read_aloud,
                     "sync_url": s.url}
        self.form_locales = list(k.locales)

    def set_form(self, key: str, value: Any) -> None:
        self.form[key] = value

    def toggle_form(self, key: str) -> None:
        self.form[key] = not self.form[key]

    def toggle_locale(self, locale: str) -> None:
        chosen = list(self.form_locales)
        if locale in chosen:
            chosen.remove(locale)
        else:
            chosen.append(locale)
        # Keep the catalog's order (Bahasa Indonesia first when both are offered).
        self.form_locales = [x for x in ("id", "en") if x in chosen]

    def save(self) -> None:
        form = self.form
        try:
            saved = save_settings(
                self.port.config(), self.port.data_dir, counter=form["counter"], service=form["service"] or None,
                locales=tuple(self.form_locales), ask_profile=form["ask_profile"], ask_comment=form["ask_comment"],
                allow_skip=form["allow_skip"], sync_url=form["sync_url"], read_aloud=form["read_aloud"])
        except SettingsRejected as exc:
            log.warning("staff settings rejected: %s", exc)
            names = [self.t(FIELD_OF_KEY.get(p.key, "staff_settings"), self.locale) for p in exc.problems]
            self._say(self.t("settings_invalid", self.locale, fields=", ".join(dict.fromkeys(names))), error=True)
            return
        self.port.apply_config(saved)
        self.reset_form()
        self._say(self.t("settings_saved", self.locale))

    def change_pin(self, new_pin: str, repeated: str) -> bool:
        try:
            saved = change_pin(self.port.config(), self.port.data_dir, new_pin, repeated)
        except SettingsRejected:
            self._say(self.t("pin_invalid", self.locale), error=True)
            return False
        self.port.apply_config(saved)
        self._say(self.t("pin_changed", self.locale))
        return True

    def test_connection(self) -> None:
        url = self.form.get("sync_url", "").strip()
        self.connection = self.t("checking_connection", self.locale)

        def check():
            from sync.connection import test_connection
            return test_connection(url)

        def done(result) -> None:
            if result.ok:
                self.connection = self.t("connection_ok", self.locale)
            else:
                log.warning("connection test to %s failed: %s (%s)", url, result.code, result.detail)
                self.connection = catalog.sync_error(result.code, self.locale)

        def failed(error: BaseException) -> None:
            self.connection = catalog.sync_error(None, self.locale)

        self.net.run(check, on_done=done, on_error=failed)

    def sync_now(self) -> None:
        if not self.port.sync_now():
            self._say(self.t("sync_off", self.locale), error=True)
            return
        self._say(self.t("sync_requested", self.locale))
        self._later = Clock.schedule_once(self.refresh_status, 1.0)

    def export(self, fmt: str) -> None:
        def done(result) -> None:
            path, count = result
            self._say(self.t("exported", self.locale, n=count, path=str(path)))

        def failed(error: BaseException) -> None:
            self._say(self.t("export_failed", self.locale), error=True)

        self.port.run_in_background(lambda: self.port.export(fmt), on_done=done, on_error=failed)

    def refresh_status(self, *_: Any) -> None:
        self._status_read = self.clock()
        port = self.port

        def read():
            try:
                status = port.sync_status()
            except StorageError:  # the counts cannot be read now; the storage line says why
                status = None
            return status, port.storage_health(), port.clock_check()

        self.port.run_in_background(read, on_done=lambda got: setattr(self, "status", self._status_texts(*got)))

    def close(self) -> None:
        self.message = ""
        self.session.flow.reset_to_welcome()
        self.session.mode = "citizen"

    def exit_app(self) -> None:
        self.port.stop()

    def shutdown(self) -> None:
        if self._later is not None:
            self._later.cancel()
        self.net.shutdown()

    # -- words -----------------------------------------------------------------------------

    def _say(self, text: str, error: bool = False) -> None:
        self.message, self.message_is_error = text, error

    def _status_texts(self, status: SyncStatus | None, health: Any = None, clock: Any = None) -> dict[str, str]:
        loc = self.locale
        warnings = self._warnings(health, clock)
        if status is None:
            return {**{k: "-" for k in ("pending", "sent", "rejected", "oldest", "last_sync", "last_error", "banner")},
                    **warnings}
        when = (datetime.fromtimestamp(status.last_success, self.port.config().tz).strftime("%d-%m-%Y %H:%M")
                if status.last_success else self.t("never", loc))
        if status.last_error_code or status.last_error:
            error = catalog.sync_error(status.last_error_code, loc)
        else:
            error = self.t("nothing", loc)
        banner = ""
        if not status.enabled:
            banner = self.t("sync_off", loc)
        elif status.alarm:
            banner = self.t("alarm", loc)
        elif status.syncing:
            banner = self.t("syncing", loc)
        return {
            "pending": str(status.pending), "sent": str(status.sent), "rejected": str(status.rejected),
            "oldest": (catalog.duration(status.oldest_pending_age_s, loc)
                       if status.oldest_pending_age_s is not None else self.t("nothing", loc)),
            "last_sync": when, "last_error": error, "banner": banner, **warnings,
        }

    def _warnings(self, health: Any, clock: Any) -> dict[str, str]:
        """The storage line (cannot save now, or the last repair) and the clock line, in words."""
        loc, storage, clock_text = self.locale, "", ""
        if health is not None and health.problem is not None:
            storage = self.t(f"storage_{health.problem.problem.value}", loc)
        elif health is not None and health.last_repair is not None:
            repair = health.last_repair
            when = datetime.fromtimestamp(repair.at, self.port.config().tz).strftime("%d-%m-%Y %H:%M")
            storage = self.t("queue_repaired", loc, when=when, recovered=repair.rows_recovered, lost=repair.rows_lost)
        if clock is not None and clock.suspect:
            if clock.reason == "before_build" or clock.offset_s is None:
                clock_text = self.t("clock_before_build", loc)
            else:
                clock_text = self.t("clock_off", loc, minutes=round(abs(clock.offset_s) / 60))
        return {"storage": storage, "storage_bad": "1" if health is not None and health.problem else "",
                "clock": clock_text}
