"""Staff mode through the real app: the hidden corner, the PIN pad and its lock, settings saved to config.toml."""
from __future__ import annotations

import json
import threading

from kiosk import config as office_config
from kiosk.config import DEMO_PIN
from kiosk.pin import verify_pin


def corner(kiosk):
    return kiosk.app.root.children[0]


def enter_pin(kiosk, pin):
    pad = kiosk.screen("pin")
    for digit in pin:
        kiosk.finger.tap(pad.keys[digit], think_s=0.2)
    kiosk.finger.tap(pad.keys["ok"], think_s=0.2)
    kiosk.finger.wait_for(lambda: not kiosk.app.staff.checking, what="the PIN check")
    kiosk.finger.pump(2)


def answer_all_questions(kiosk):
    for _ in range(9):
        kiosk.finger.tap(kiosk.widget("question", "answers").children[0])


def back_to_welcome(kiosk):
    kiosk.expect("thanks")
    kiosk.clock.advance(10)
    kiosk.expect("welcome")


def open_staff(kiosk):
    kiosk.finger.tap(corner(kiosk), hold_s=2.5)
    kiosk.expect("pin")
    enter_pin(kiosk, DEMO_PIN)
    kiosk.expect("staff")


def test_short_press_in_the_corner_does_nothing_long_press_opens_the_pin_pad(launch_kiosk):
    kiosk = launch_kiosk()
    kiosk.finger.tap(corner(kiosk), hold_s=1.0)
    assert kiosk.app.manager.current == "welcome"
    kiosk.finger.tap(corner(kiosk), hold_s=2.5)
    kiosk.expect("pin")
    kiosk.tap("pin", "cancel")
    kiosk.expect("welcome")


def test_corner_is_inert_during_a_survey(launch_kiosk):
    kiosk = launch_kiosk()
    kiosk.tap("welcome", "start")
    kiosk.expect("service")
    kiosk.finger.tap(corner(kiosk), hold_s=3)
    assert kiosk.app.manager.current == "service"


def test_pin_locks_after_five_failures(launch_kiosk):
    kiosk = launch_kiosk()
    kiosk.finger.tap(corner(kiosk), hold_s=2.5)
    kiosk.expect("pin")
    for attempt in range(1, 5):
        enter_pin(kiosk, "9999")
        assert kiosk.widget("pin", "message").text.endswith(str(5 - attempt)), kiosk.widget("pin", "message").text
    enter_pin(kiosk, "9999")
    assert kiosk.app.staff.pin_locked
    locked_text = kiosk.widget("pin", "message").text
    assert "60" in locked_text, locked_text
    enter_pin(kiosk, DEMO_PIN)
    assert kiosk.app.manager.current == "pin", "the right PIN waits out the lock"
    kiosk.tap("pin", "cancel")
    kiosk.finger.tap(corner(kiosk), hold_s=2.5)
    kiosk.expect("pin")
    assert kiosk.app.staff.pin_locked, "reopening the pad does not lift the lock"
    kiosk.clock.advance(30)
    enter_pin(kiosk, DEMO_PIN)
    assert kiosk.app.manager.current == "pin"
    kiosk.clock.advance(30)
    kiosk.finger.wait_for(lambda: not kiosk.app.staff.pin_locked, what="the lock to end")
    enter_pin(kiosk, DEMO_PIN)
    kiosk.expect("staff")


def test_an_abandoned_pin_pad_returns_to_the_survey(launch_kiosk):
    kiosk = launch_kiosk()
    kiosk.finger.tap(corner(kiosk), hold_s=2.5)
    kiosk.expect("pin")
    kiosk.clock.advance(61)
    kiosk.expect("welcome")


def test_staff_changes_persist_to_config_toml(launch_kiosk, data_dir):
    kiosk = launch_kiosk()
    open_staff(kiosk)
    staff = kiosk.screen("staff")
    scroll = staff.ids.scroll
    kiosk.finger.tap(staff.ids.ask_profile)
    kiosk.finger.tap(next(c for c in staff.ids.services.children if c.key == "kk"))
    kiosk.finger.tap(staff.ids.locale_en)
    scroll.scroll_to(staff.ids.save, animate=False)
    kiosk.finger.pump(2)
    kiosk.finger.tap(staff.ids.save)
    saved = office_config.load(data_dir / "config.toml")
    assert saved.kiosk.ask_profile is False and saved.kiosk.service == "kk" and saved.kiosk.locales == ("id",)
    assert kiosk.app.staff.message == "Pengaturan tersimpan."
    # The next respondent gets the new settings: bound service, no profile screen, no language choice.
    kiosk.tap("staff", "close")
    kiosk.expect("welcome")
    assert kiosk.widget("welcome", "languages").opacity == 0
    kiosk.tap("welcome", "start")
    kiosk.expect("question")
    answer_all_questions(kiosk)
    kiosk.expect("comment")


def test_invalid_settings_are_refused_with_the_field_named(launch_kiosk, data_dir):
    kiosk = launch_kiosk()
    open_staff(kiosk)
    staff = kiosk.screen("staff")
    staff.ids.counter.text = "   "  # staff erased the counter name
    staff.ids.scroll.scroll_to(staff.ids.save, animate=False)
    kiosk.finger.pump(2)
    kiosk.finger.tap(staff.ids.save)
    assert kiosk.app.staff.message_is_error and "Loket" in kiosk.app.staff.message
    assert not (data_dir / "config.toml").exists()


def test_change_pin_from_the_staff_screen(launch_kiosk, data_dir):
    kiosk = launch_kiosk()
    open_staff(kiosk)
    staff = kiosk.screen("staff")
    staff.ids.new_pin.text = staff.ids.repeat_pin.text = "864209"
    staff.ids.scroll.scroll_to(staff.ids.change_pin, animate=False)
    kiosk.finger.pump(2)
    kiosk.finger.tap(staff.ids.change_pin)
    assert verify_pin("864209", office_config.load(data_dir / "config.toml").pin_hash)
    kiosk.tap("staff", "close")
    kiosk.expect("welcome")
    kiosk.finger.tap(corner(kiosk), hold_s=2.5)
    kiosk.expect("pin")
    enter_pin(kiosk, DEMO_PIN)
    assert kiosk.app.manager.current == "pin"
    enter_pin(kiosk, "864209")
    kiosk.expect("staff")


def test_staff_sees_queue_counts_and_exports(launch_kiosk, data_dir, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk", ask_profile=False, ask_comment=False))
    kiosk.tap("welcome", "start")
    answer_all_questions(kiosk)
    back_to_welcome(kiosk)
    open_staff(kiosk)
    kiosk.finger.wait_for(lambda: kiosk.widget("staff", "pending").text == "1", what="the pending count")
    assert kiosk.widget("staff", "sent").text == "0"
    assert kiosk.widget("staff", "last_sync").text == "belum pernah"
    staff = kiosk.screen("staff")
    staff.ids.scroll.scroll_to(staff.ids.export_jsonl, animate=False)
    kiosk.finger.pump(2)
    kiosk.finger.tap(staff.ids.export_jsonl)
    kiosk.finger.wait_for(lambda: "diekspor" in kiosk.app.staff.message, what="the export message")
    [exported] = list((data_dir / "exports").glob("*.jsonl"))
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["answers"]["U9"] == 4


def test_escape_leaves_staff_mode(launch_kiosk):
    kiosk = launch_kiosk()
    open_staff(kiosk)
    window = kiosk.app.root.get_root_window()
    window.dispatch("on_keyboard", 27, 0, None, [])
    kiosk.expect("welcome")


class RecordingWorker:
    """Stands in for sync.worker.SyncWorker (its agreed interface) to see what the UI asks of it."""

    def __init__(self, config):
        from kivy.app import App

        self.queue, self.config, self.calls = App.get_running_app().queue, config, []

    def start(self):
        self.calls.append("start")

    def stop(self, timeout=5):
        self.calls.append("stop")

    def wake(self):
        self.calls.append("wake")

    def sync_now(self):
        self.calls.append("sync_now")

    def status(self):
        from kiosk.sync_status import SyncStatus

        counts = self.queue.count_by_status()
        self.calls.append("status")
        sent = 7 if "sync_now" not in self.calls else 8  # as if "sync now" sent one more
        return SyncStatus(enabled=True, pending=counts["pending"], sent=sent, rejected=1, oldest_pending_age_s=7200.0,
                          last_success=None, last_error="connect timeout", last_error_code="timeout",
                          alarm=False, authorised=True, syncing=False)


def test_sync_worker_is_woken_after_each_save_and_driven_from_staff(launch_kiosk, demo_config):
    config = demo_config.with_kiosk(service="kk", ask_profile=False, ask_comment=False).with_sync(
        url="http://127.0.0.1:9")
    workers = []
    kiosk = launch_kiosk(config, sync_factory=lambda cfg, _on_config: workers.append(RecordingWorker(cfg)) or workers[-1])
    assert workers and workers[0].calls == ["start"]
    kiosk.tap("welcome", "start")
    answer_all_questions(kiosk)
    kiosk.expect("thanks")
    assert workers[0].calls == ["start", "wake"], "woken once the response is on disk"
    back_to_welcome(kiosk)
    open_staff(kiosk)
    kiosk.finger.wait_for(lambda: kiosk.widget("staff", "sent").text == "7", what="the worker's status")
    assert kiosk.widget("staff", "oldest").text == "2 jam"
    assert kiosk.widget("staff", "last_error").text == "Server tidak menjawab (waktu habis)."
    staff = kiosk.screen("staff")
    staff.ids.scroll.scroll_to(staff.ids.sync_now, animate=False)
    kiosk.finger.pump(2)
    kiosk.finger.tap(staff.ids.sync_now)
    assert "sync_now" in workers[0].calls
    kiosk.clock.advance(5)  # the staff screen reads the status again every 5 s
    kiosk.finger.wait_for(lambda: kiosk.widget("staff", "sent").text == "8", what="the refreshed status")


def test_test_connection_reports_in_words(launch_kiosk):
    kiosk = launch_kiosk()
    open_staff(kiosk)
    staff = kiosk.screen("staff")
    staff.ids.sync_url.text = "http://127.0.0.1:9"  # nothing listens on the discard port
    staff.ids.scroll.scroll_to(staff.ids.test_connection, animate=False)
    kiosk.finger.pump(2)
    kiosk.finger.tap(staff.ids.test_connection)
    kiosk.finger.wait_for(lambda: kiosk.app.staff.connection not in ("", "Memeriksa koneksi..."),
                          timeout_s=10, what="the connection result")
    assert kiosk.widget("staff", "connection").text == "Tidak ada jaringan ke server."
    staff.ids.sync_url.text = "ftp://nope"
    kiosk.finger.tap(staff.ids.test_connection)
    kiosk.finger.wait_for(lambda: kiosk.app.staff.connection == "Alamat server tidak valid.", what="bad URL words")


def test_office_config_from_the_collector_waits_for_the_survey_to_end(launch_kiosk, demo_config):
    config = demo_config.with_kiosk(ask_profile=False, ask_comment=False).with_sync(url="http://127.0.0.1:9")
    handed = []
    kiosk = launch_kiosk(config, sync_factory=lambda cfg, on_config: handed.append(on_config) or RecordingWorker(cfg))
    kiosk.tap("welcome", "start")
    kiosk.finger.tap(kiosk.widget("service", "tiles").children[-1])
    kiosk.expect("question")
    pulled = config.with_kiosk(counter="Loket 7")
    threading.Thread(target=handed[0], args=(pulled,)).start()  # the worker calls back from its own thread
    kiosk.finger.pump(5)
    assert kiosk.app.counter_text == "Loket 1", "a citizen half-way through keeps the screens they started with"
    answer_all_questions(kiosk)
    back_to_welcome(kiosk)
    kiosk.finger.wait_for(lambda: kiosk.app.counter_text == "Loket 7", what="the collector's config applied")


def test_an_enrolled_kiosk_on_the_demo_pin_warns_staff_until_it_is_changed(launch_kiosk, demo_config):
    enrolled = demo_config.with_sync(url="https://skm.example.go.id")
    kiosk = launch_kiosk(enrolled)
    open_staff(kiosk)
    staff = kiosk.app.staff
    assert staff.message_is_error and "PIN demo 1234" in staff.message
    assert kiosk.widget("staff", "message").text == staff.message  # on screen, not only in the controller
    screen = kiosk.screen("staff")
    screen.ids.new_pin.text = screen.ids.repeat_pin.text = "864209"
    screen.ids.scroll.scroll_to(screen.ids.change_pin, animate=False)
    kiosk.finger.pump(2)
    kiosk.finger.tap(screen.ids.change_pin)
    assert staff.message == "PIN petugas sudah diganti." and not staff.message_is_error
    kiosk.tap("staff", "close")
    kiosk.expect("welcome")
    kiosk.finger.tap(corner(kiosk), hold_s=2.5)
    kiosk.expect("pin")
    enter_pin(kiosk, "864209")
    kiosk.expect("staff")
    assert staff.message == ""


def test_the_demo_office_itself_shows_no_warning(launch_kiosk):
    kiosk = launch_kiosk()
    open_staff(kiosk)
    assert kiosk.app.staff.message == ""
