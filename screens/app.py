"""The kiosk's Kivy app: one Session (survey) and one StaffMode controller, every screen bound to them."""
from __future__ import annotations

import logging
import os
import signal
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.graphics.opengl import glFinish
from kivy.lang import Builder
from kivy.metrics import mm
from kivy.properties import ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.widget import Widget

from kiosk import clockcheck, readaloud
from kiosk.config import Config
from kiosk.flow import Step, SurveyFlow
from kiosk.flow_staff import export_queue_now
from kiosk.sync_status import SyncStatus
from screens import theme
from screens.lazy import LazyScreens
from screens.mainthread import Background, on_main_thread
from screens.session import Session
from screens.staffmode import StaffMode, StaffPort, corner_open
from screens.voice import ReadAloud

log = logging.getLogger(__name__)

TICK_S = 0.25
# The screens by name, in the order they are built after the first frame (the citizen's next ones first).
SCREENS = (("welcome", "screens.welcome:WelcomeScreen"), ("service", "screens.service:ServiceScreen"),
           ("question", "screens.question:QuestionScreen"), ("profile", "screens.profile:ProfileScreen"),
           ("comment", "screens.comment:CommentScreen"), ("saving", "screens.saving:SavingScreen"),
           ("thanks", "screens.thanks:ThanksScreen"), ("pin", "screens.pin:PinScreen"),
           ("staff", "screens.staff:StaffScreen"))
CLOCK_READ_EVERY_S = 60.0
KEY_ESCAPE, KEY_BACK = 27, 1001  # Escape; Android's back key


class StaffCorner(Widget):
    """The hidden way into staff mode: a long press on the top-left corner of the welcome screen."""

    def on_touch_down(self, touch):
        app = App.get_running_app()
        if self.collide_point(*touch.pos) and corner_open(app.session):
            touch.grab(self)
            app.staff.corner_down()
            return True
        return False

    def on_touch_up(self, touch):
        if touch.grab_current is self:
            touch.ungrab(self)
            App.get_running_app().staff.corner_up()
            return True
        return False


def _finish_frame(*_args) -> None:
    """Offscreen, wait until the frame is drawn, as a display's buffer swap makes the driver do.

    SDL's offscreen swap waits for nothing, so Mesa's software renderer queued frame after frame
    (a glFlush hands them over but does not wait) and held each one's drawing memory: RSS went
    from 167 to 330-350 MB within the first 20 autoplayed surveys at 640x400, against 195 MB with
    each frame finished. Never bound with a real display (there the swap paces the frames).
    """
    glFinish()


class KioskRoot(FloatLayout):
    pass


def _initials(name: str) -> str:
    skip = {"dan", "dinas", "kabupaten", "kota", "dan", "pencatatan", "of", "the"}
    words = [w for w in name.replace("/", " ").split() if w.lower() not in skip] or name.split()
    return "".join(w[0] for w in words[:3]).upper()


class KioskApp(App):
    scale = NumericProperty(1.0)
    font_scale = NumericProperty(1.0)  # scale of the citizen screens' text: larger with large text on
    # The colours of the citizen screens, high contrast with large text on; rebind: the .kv rules read app.palette.INK.
    palette = ObjectProperty(theme.STANDARD, rebind=True)
    touch = NumericProperty(88.0)
    office_name = StringProperty("")
    office_initials = StringProperty("")
    logo_path = StringProperty("")
    counter_text = StringProperty("")
    locales = ListProperty([])

    def __init__(self, *, office_config: Config, queue: Any, data_dir: Path,
                 sync_factory: Callable[[Config], Any] | None = None,
                 clock: Callable[[], float] = time.monotonic, wall: Callable[[], datetime] | None = None,
                 flags: tuple[str, ...] = (), kiosk_lock: bool = True, staff_hold_s: float = 2.0,
                 audio_dir: Path | None = None, make_audio: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.title = "SKM kiosk"
        self.office_config = office_config
        self.queue = queue
        self.data_dir = Path(data_dir)
        self.sync_factory = sync_factory
        self.sync_worker = None
        self.kiosk_lock = kiosk_lock
        self.background = Background("kiosk-disk")
        self._clock_measured: tuple[float | None, float | None] = (None, None)  # collector offset, when
        self._clock_read_at = float("-inf")
        self._after_first_frame: Any = False  # the start's deferred work: False before the first frame, None once done
        self.flow = SurveyFlow(office_config, clock=clock, wall=wall, flags=flags, extra=self._response_extra)
        self.session = Session(self.flow, queue, background=self.background, wake_sync=self._wake_sync)
        self.staff = StaffMode(StaffPort(
            session=self.session, data_dir=self.data_dir, config=lambda: self.office_config,
            apply_config=self.apply_config, run_in_background=self.background.run, sync_status=self._sync_status,
            sync_now=self._sync_now, export=lambda fmt: export_queue_now(self.queue, self.data_dir, fmt),
            stop=self.stop, storage_health=self.queue.health, clock_check=self._clock_check), clock=clock, hold_s=staff_hold_s)
        self.session.bind(mode=lambda *_: self.session.refresh())
        self.session.bind(large=self._restyle, mode=self._restyle)
        self.make_audio = make_audio
        self.voice = ReadAloud(self.session, lambda: self.office_config,
                               Path(audio_dir) if audio_dir else readaloud.audio_dir(self.data_dir))
        self._brand()

    # -- building --------------------------------------------------------------------------

    def build(self):
        Window.clearcolor = theme.rgba(theme.PAGE)
        Window.bind(size=self._rescale)
        self._rescale(Window, Window.size)
        root = KioskRoot()
        # Each screen (its module and .kv) is built when first shown; the rest one per frame after the first.
        manager = LazyScreens(SCREENS)
        self.manager = manager
        root.add_widget(manager)
        root.add_widget(StaffCorner(size_hint=(None, None), size=(self.touch * 1.3, self.touch * 1.3),
                                    pos_hint={"x": 0, "top": 1}))
        self.session.bind(screen=self._show)
        self._show(self.session, self.session.screen)
        return root

    def on_start(self) -> None:
        Window.bind(on_keyboard=self._on_keyboard, on_request_close=self._on_request_close)
        if os.environ.get("SDL_VIDEODRIVER") == "offscreen":
            Window.bind(on_flip=_finish_frame)
        self._ticker = Clock.schedule_interval(self._tick, TICK_S)
        Window.bind(on_flip=self._first_frame_drawn)

    def _first_frame_drawn(self, *_args) -> None:
        # What the welcome screen does not need waits until it is on screen: the sync worker (its HTTP
        # client is a third of a second of imports), the other screens, then the read-aloud clips (a
        # thread, but one that would compete for the CPU during the start).
        Window.unbind(on_flip=self._first_frame_drawn)
        self._start_sync()
        self._after_first_frame = Clock.schedule_once(self._build_next_screen, 0)

    def _build_next_screen(self, _dt) -> None:
        if self.manager.build_next():
            self._after_first_frame = Clock.schedule_once(self._build_next_screen, 0)
            return
        self._after_first_frame = None
        self._read_clock_offset()
        if self.make_audio:
            self.voice.build()

    def on_stop(self) -> None:
        Window.unbind(on_keyboard=self._on_keyboard, on_request_close=self._on_request_close, on_flip=_finish_frame)
        Window.unbind(on_flip=self._first_frame_drawn)
        for event in (getattr(self, "_ticker", None), self._after_first_frame):
            if event:
                event.cancel()
        self._stop_sync()
        self.voice.shutdown()
        self.background.shutdown()  # a response being written is finished, never cut off
        self.staff.shutdown()

    def _tick(self, _dt) -> None:
        if self._after_first_frame is None:  # the first read (and the queue's SQL library) waits for the start
            self._read_clock_offset()
        self.session.tick()
        self.staff.tick()
        self._apply_collector_config()

    def _show(self, _session, screen: str) -> None:
        self.manager.current = screen

    def _rescale(self, _window, size) -> None:
        # Sizes are designed for a 1280x800 screen; touch targets never drop below 15 mm.
        self.scale = min(size[1] / theme.REFERENCE_HEIGHT, size[0] / 1280 * 1.25)
        self.touch = max(mm(theme.TOUCH_MIN_MM), 88 * self.scale)
        self._restyle()

    def _restyle(self, *_) -> None:
        # Large text is the citizen's: staff mode always has the standard look.
        large = self.session.large and self.session.mode == "citizen"
        self.font_scale = self.scale * (theme.LARGE_TEXT if large else 1.0)
        self.palette = theme.HIGH_CONTRAST if large else theme.STANDARD
        Window.clearcolor = theme.rgba(self.palette.PAGE)

    def _brand(self) -> None:
        office = self.office_config.office
        self.office_name = office.name
        self.office_initials = _initials(office.name)
        logo = Path(office.logo) if office.logo else None
        if logo is not None and not logo.is_absolute():
            logo = self.data_dir / logo
        self.logo_path = str(logo) if logo is not None and logo.is_file() else ""
        self.counter_text = self.office_config.kiosk.counter
        self.locales = list(self.office_config.kiosk.locales)

    # -- staff changes ---------------------------------------------------------------------

    def apply_config(self, config: Config) -> None:
        """Staff saved new settings: the next respondent sees them; sync restarts on a new URL."""
        old_url = self.office_config.sync.url
        self.office_config = config
        self.flow.config = config
        self.flow.reset_to_welcome()
        self.staff.guard.pin_hash = config.pin_hash
        self._brand()
        self.voice.forget()
        if self.make_audio:
            self.voice.build()  # new or changed questions get their clips; unchanged ones are kept
        if config.sync.url != old_url:
            self._stop_sync()
            self._start_sync()
        self.session.refresh()

    def config_from_collector(self, config: Config) -> None:
        """The sync worker saved an office config pulled from the collector; it takes effect between respondents."""
        self._collector_config = config
        self._apply_collector_config()

    def _apply_collector_config(self) -> None:
        config = getattr(self, "_collector_config", None)
        if config is None or self.flow.step is not Step.WELCOME or self.session.mode == "staff":
            return  # never under a citizen's finger or a clerk's open settings: the next tick tries again
        self._collector_config = None
        log.info("applying the office config from the collector")
        self.apply_config(config)

    # -- sync ------------------------------------------------------------------------------

    def _start_sync(self) -> None:
        if self.sync_factory is None or not self.office_config.sync.url:
            return
        try:
            self.sync_worker = self.sync_factory(
                self.office_config, lambda config: on_main_thread(self.config_from_collector, config))
            self.sync_worker.start()
        except Exception:  # the survey must go on without sync; responses stay pending
            log.exception("could not start the sync worker")
            self.sync_worker = None

    def _stop_sync(self) -> None:
        worker, self.sync_worker = self.sync_worker, None
        if worker is not None:
            worker.stop()

    def _sync_now(self) -> bool:
        worker = self.sync_worker
        if worker is None:
            return False
        worker.sync_now()
        return True

    def _sync_status(self) -> SyncStatus:
        """Off the UI thread: the running worker's status, else the queue's as `kiosk status` reads it."""
        worker = self.sync_worker
        if worker is not None:
            return worker.status()
        from sync.worker import status_of  # the UI starts without the HTTP client until sync needs it

        return status_of(self.queue, self.office_config, self.data_dir)

    # -- the clock check -------------------------------------------------------------------

    def _clock_check(self):
        return clockcheck.check(self.flow.wall().timestamp(), *self._clock_measured)

    def _response_extra(self) -> dict:
        return self._clock_check().response_extra()

    def _read_clock_offset(self) -> None:
        """Now and then, off the UI thread: the collector's clock offset the sync recorded."""
        if self.flow.clock() - self._clock_read_at < CLOCK_READ_EVERY_S:
            return
        self._clock_read_at = self.flow.clock()

        def read():
            offset, at = self.queue.sync_value("collector_offset_s"), self.queue.sync_value("clock_checked_at")
            return (offset if isinstance(offset, (int, float)) else None, at if isinstance(at, (int, float)) else None)

        self.background.run(read, on_done=lambda measured: setattr(self, "_clock_measured", measured),
                            on_error=lambda _error: None)  # storage trouble is shown elsewhere

    def _wake_sync(self) -> None:
        if self.sync_worker is not None:
            self.sync_worker.wake()

    # -- kiosk lock --------------------------------------------------------------------------

    def stop_on_signals(self) -> None:
        """SIGTERM (a service manager) and SIGINT (Ctrl+C) stop the app cleanly, unlike the close button."""

        def stop(signum, _frame) -> None:
            log.warning("stopping on signal %d", signum)
            Clock.schedule_once(lambda _dt: self.stop(), 0)

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, stop)

    def _on_keyboard(self, _window, key, *_args) -> bool:
        if key in (KEY_ESCAPE, KEY_BACK):
            if self.session.mode == "staff":
                self.staff.close()
            elif self.session.mode == "pin":
                self.staff.cancel_pin()
            return True  # never let Kivy close the app on Escape
        return False

    def _on_request_close(self, *_args, **_kwargs) -> bool:
        # True keeps the window open: closing is only possible from staff mode.
        return self.kiosk_lock and self.session.mode != "staff"


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
