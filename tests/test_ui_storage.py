"""The kiosk on a full disk, through the real app with real touches: the retry screen, the staff message, resuming.

The data dir is a 4 MB tmpfs mounted by the test (root only, as in CI) and filled up while a
citizen answers; nothing is faked below the app.
"""
from __future__ import annotations

import pytest

from kiosk.i18n import translator
from kiosk.store import Status
from screens import catalog
from test_ui_staff import answer_all_questions, corner, enter_pin
from kiosk.config import DEMO_PIN


@pytest.fixture
def disk(small_fs):
    return small_fs("4m")


@pytest.fixture
def data_dir(disk):
    """The kiosk's data dir on the small disk (launch_kiosk takes it from here)."""
    root = disk.root / "data"
    root.mkdir()
    return root


def text(key, locale="id", **values):
    return catalog.t(key, locale, **values)


def finish_survey(kiosk):
    kiosk.tap("welcome", "start")
    kiosk.expect("service")
    kiosk.finger.tap(next(t for t in kiosk.widget("service", "tiles").children if t.key == "kk"))
    kiosk.expect("question")
    answer_all_questions(kiosk)
    kiosk.expect("profile")
    kiosk.tap("profile", "skip")
    kiosk.expect("comment")
    kiosk.widget("comment", "comment").insert_text("AC mati")
    kiosk.tap("comment", "send")


def test_a_full_disk_shows_the_retry_screen_tells_staff_and_resumes(launch_kiosk, disk):
    kiosk = launch_kiosk()
    filler = disk.fill()
    finish_survey(kiosk)
    kiosk.finger.wait_for(lambda: kiosk.session.save_failed, what="the save error")
    message = kiosk.widget("saving", "message")
    assert message.text == text("cannot_save")
    assert message.text.startswith("Kiosk tidak dapat menyimpan")
    assert kiosk.widget("saving", "retry").opacity == 1

    kiosk.tap("saving", "retry")  # still full: the same clear message, the answers still held
    kiosk.finger.wait_for(lambda: kiosk.session.save_failed, what="the second save error")
    assert kiosk.app.manager.current == "saving" and message.text == text("cannot_save")
    assert kiosk.queue.count_by_status()["pending"] == 0

    # Staff open staff mode from the failed saving screen and read why.
    kiosk.finger.tap(corner(kiosk), hold_s=2.5)
    kiosk.expect("pin")
    enter_pin(kiosk, DEMO_PIN)
    kiosk.expect("staff")
    storage = kiosk.widget("staff", "storage")
    kiosk.finger.wait_for(lambda: storage.text == text("storage_disk_full"), what="the storage message")
    assert storage.text.startswith("Penyimpanan penuh")
    kiosk.tap("staff", "close")
    kiosk.expect("saving")
    assert kiosk.session.save_failed, "closing staff mode keeps the citizen's answers waiting"

    filler.unlink()  # space again
    kiosk.tap("saving", "retry")
    kiosk.expect("thanks")
    [saved] = [q.response for q in kiosk.queue.all_by_status(Status.PENDING)]
    assert saved.service_id == "kk" and saved.comment == "AC mati" and len(saved.answers) == 9
    kiosk.clock.advance(10)
    kiosk.expect("welcome")

    kiosk.finger.tap(corner(kiosk), hold_s=2.5)
    kiosk.expect("pin")
    enter_pin(kiosk, DEMO_PIN)
    kiosk.expect("staff")
    kiosk.finger.wait_for(lambda: kiosk.widget("staff", "pending").text == "1", what="the new count")
    assert kiosk.widget("staff", "storage").text == "", "the storage message is gone once saving works"


def test_the_staff_message_is_in_english_too():
    en = translator("en")
    assert text("storage_disk_full", "en") == en("The storage is full: answers cannot be saved. Free some space.")
    assert text("cannot_save", "en").startswith("The kiosk cannot save right now")


def test_a_survey_left_half_way_on_a_full_disk_is_saved_once_space_returns(launch_kiosk, disk):
    kiosk = launch_kiosk()
    filler = disk.fill()
    kiosk.tap("welcome", "start")
    kiosk.expect("service")
    kiosk.finger.tap(next(t for t in kiosk.widget("service", "tiles").children if t.key == "kk"))
    kiosk.expect("question")
    for _ in range(2):
        kiosk.finger.tap(kiosk.widget("question", "answers").children[0])
    kiosk.clock.advance(kiosk.app.office_config.kiosk.idle_timeout_s)
    kiosk.expect("welcome")
    kiosk.finger.wait_for(lambda: len(kiosk.session.unsaved_abandoned) == 1, what="the refused half-way survey held")
    assert kiosk.queue.count_by_status()["pending"] == 0

    filler.unlink()
    finish_survey(kiosk)
    kiosk.expect("thanks")
    kiosk.finger.wait_for(lambda: kiosk.queue.count_by_status()["pending"] == 2, what="both surveys in the queue")
    saved = sorted((q.response for q in kiosk.queue.all_by_status(Status.PENDING)), key=lambda r: r.complete)
    assert [r.complete for r in saved] == [False, True]
    assert len(saved[0].answers) == 2 and saved[0].service_id == "kk"
    kiosk.finger.wait_for(lambda: kiosk.session.abandoned_count == 1, what="the held survey counted as saved")
    assert not kiosk.session.unsaved_abandoned
