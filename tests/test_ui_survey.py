"""The citizen's survey driven through the real app with real touches (UnitTestTouch via the window)."""
from __future__ import annotations

import threading


from kiosk.questionnaire import SKM_CODES
from kiosk.response import validate_wire
from kiosk.store import Status


def face(kiosk, value):
    return next(b for b in kiosk.widget("question", "answers").children if b.value == value)


def tile(kiosk, service_id):
    return next(t for t in kiosk.widget("service", "tiles").children if t.key == service_id)


def chip(kiosk, field, key):
    return next(c for c in kiosk.screen("profile").chips if (c.field, c.key) == (field, key))


def answer(kiosk, values):
    for value in values:
        assert kiosk.app.manager.current == "question"
        kiosk.finger.tap(face(kiosk, value))


def pending(kiosk):
    return [q.response for q in kiosk.queue.all_by_status(Status.PENDING)]


def test_full_survey_lands_in_the_queue_with_the_right_answers(launch_kiosk):
    kiosk = launch_kiosk()
    kiosk.tap("welcome", "lang_en")
    kiosk.tap("welcome", "start")
    kiosk.expect("service")
    kiosk.finger.tap(tile(kiosk, "kk"))
    kiosk.expect("question")
    assert kiosk.widget("question", "question").text == "How well did the requirements fit the service you received?"
    values = [4, 3, 2, 1, 4, 3, 2, 1, 4]
    answer(kiosk, values)
    kiosk.expect("profile")
    kiosk.finger.tap(chip(kiosk, "gender", "f"))
    kiosk.finger.tap(chip(kiosk, "age_group", "45-54"))
    kiosk.finger.tap(chip(kiosk, "occupation", "petani-nelayan"))
    assert chip(kiosk, "gender", "f").selected
    kiosk.tap("profile", "next")
    kiosk.expect("comment")
    kiosk.widget("comment", "comment").insert_text("Ruang tunggu panas")
    kiosk.tap("comment", "send")
    kiosk.expect("thanks")
    # The thank-you appears only once the response is on disk.
    [response] = pending(kiosk)
    assert response.answers == dict(zip(SKM_CODES, values))
    assert response.service_id == "kk" and response.locale == "en" and response.complete
    assert response.profile == {"gender": "f", "age_group": "45-54", "occupation": "petani-nelayan"}
    assert response.comment == "Ruang tunggu panas"
    assert response.flags == ()
    assert validate_wire(response.to_wire()) == []
    kiosk.clock.advance(kiosk.app.office_config.kiosk.thank_you_s)
    kiosk.expect("welcome")


def test_back_and_skip(launch_kiosk, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="ktp-el", allow_skip=True))
    kiosk.tap("welcome", "start")
    kiosk.expect("question")  # bound to one service: no service screen
    assert kiosk.widget("question", "back").opacity == 0
    answer(kiosk, [4])
    kiosk.tap("question", "skip")
    assert kiosk.session.unsur.code == "U3"
    answer(kiosk, [2])
    kiosk.tap("question", "back")
    assert kiosk.session.unsur.code == "U3"
    assert face(kiosk, 2).selected and not face(kiosk, 3).selected, "the earlier answer is shown"
    answer(kiosk, [3, 4, 4, 4, 4, 4, 4])
    kiosk.expect("profile")
    kiosk.tap("profile", "skip")
    kiosk.expect("comment")
    kiosk.tap("comment", "skip")
    kiosk.expect("thanks")
    [response] = pending(kiosk)
    assert "U2" not in response.answers
    assert response.answers["U3"] == 3 and response.answers["U1"] == 4 and len(response.answers) == 8


def test_skip_is_not_offered_unless_allowed(launch_kiosk, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="ktp-el"))
    kiosk.tap("welcome", "start")
    kiosk.expect("question")
    skip = kiosk.widget("question", "skip")
    assert skip.opacity == 0
    kiosk.finger.tap(skip)
    assert kiosk.session.unsur.code == "U1"


def test_idle_timeout_stores_an_incomplete_response_and_resets(launch_kiosk):
    kiosk = launch_kiosk()
    kiosk.tap("welcome", "start")
    kiosk.finger.tap(tile(kiosk, "akta-lahir"))
    answer(kiosk, [4, 3, 3])
    kiosk.clock.advance(kiosk.app.office_config.kiosk.idle_timeout_s)
    kiosk.expect("welcome")
    kiosk.finger.wait_for(lambda: len(pending(kiosk)) == 1, what="the incomplete response in the queue")
    [response] = pending(kiosk)
    assert response.complete is False
    assert response.answers == {"U1": 4, "U2": 3, "U3": 3} and response.service_id == "akta-lahir"
    assert validate_wire(response.to_wire()) == []


def test_double_tap_is_filtered(launch_kiosk, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk"))
    kiosk.tap("welcome", "start")
    kiosk.expect("question")
    first = face(kiosk, 4)
    kiosk.finger.tap(first)
    assert kiosk.session.unsur.code == "U2"
    # The second tap of a double tap lands on U2's face at the same spot: ignored.
    kiosk.finger.tap(face(kiosk, 4), think_s=0.1)
    assert kiosk.session.unsur.code == "U2" and kiosk.session.answer is None
    kiosk.finger.tap(face(kiosk, 1))
    assert kiosk.session.unsur.code == "U3"
    assert kiosk.app.flow.answers == {"U1": 4, "U2": 1}


def test_no_new_survey_within_the_minimum_gap(launch_kiosk, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk", ask_profile=False, ask_comment=False,
                                                min_gap_s=30, thank_you_s=5))
    kiosk.tap("welcome", "start")
    answer(kiosk, [4] * 9)
    kiosk.expect("thanks")
    kiosk.clock.advance(5)
    kiosk.expect("welcome")
    kiosk.tap("welcome", "start")
    assert kiosk.app.manager.current == "welcome"
    assert kiosk.session.waiting
    kiosk.clock.advance(25)
    kiosk.tap("welcome", "start")
    kiosk.expect("question")


def test_fast_survey_is_flagged(launch_kiosk, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk", ask_profile=False, ask_comment=False,
                                                min_survey_s=30))
    kiosk.tap("welcome", "start")
    answer(kiosk, [4] * 9)  # a second per tap: 10 s in all
    kiosk.expect("thanks")
    assert pending(kiosk)[0].flags == ("fast",)


class FailingQueue:
    """Disk trouble: enqueue fails until `healthy` is set."""

    def __init__(self, queue):
        self.queue, self.healthy, self.calls = queue, threading.Event(), 0

    def enqueue(self, response):
        self.calls += 1
        if not self.healthy.is_set():
            raise OSError(28, "No space left on device")
        self.queue.enqueue(response)

    def __getattr__(self, name):
        return getattr(self.queue, name)


def test_no_thank_you_for_a_response_that_was_not_saved(launch_kiosk, demo_config, data_dir):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk", ask_profile=False, ask_comment=False))
    failing = FailingQueue(kiosk.queue)
    kiosk.app.session.queue = failing
    kiosk.tap("welcome", "start")
    answer(kiosk, [3] * 9)
    kiosk.expect("saving")
    kiosk.finger.wait_for(lambda: kiosk.session.save_failed, what="the save error")
    assert kiosk.widget("saving", "retry").opacity == 1
    assert kiosk.app.manager.current == "saving" and pending(kiosk) == []
    failing.healthy.set()
    kiosk.tap("saving", "retry")
    kiosk.expect("thanks")
    assert len(pending(kiosk)) == 1 and failing.calls == 2


def test_escape_and_close_do_nothing_outside_staff_mode(launch_kiosk):
    kiosk = launch_kiosk()
    window = kiosk.app.root.get_root_window()
    window.dispatch("on_keyboard", 27, 0, None, [])
    assert window.dispatch("on_request_close") is True, "the close request is refused"
    kiosk.finger.pump(2)
    assert kiosk.app.manager.current == "welcome"
    kiosk.tap("welcome", "start")
    kiosk.expect("service")


def test_suggestion_is_cut_at_the_office_limit(launch_kiosk, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk", ask_profile=False, comment_max=40))
    kiosk.tap("welcome", "start")
    answer(kiosk, [3] * 9)
    kiosk.expect("comment")
    field = kiosk.widget("comment", "comment")
    kiosk.finger.wait_for(lambda: field.focus, what="the keyboard focus on the suggestion field")
    field.insert_text("Pelayanan cepat, tetapi ruang tunggu terlalu sempit dan panas.")
    kiosk.finger.pump(1)
    assert field.text == "Pelayanan cepat, tetapi ruang tunggu ter"
    kiosk.tap("comment", "send")
    kiosk.expect("thanks")
    assert pending(kiosk)[0].comment == "Pelayanan cepat, tetapi ruang tunggu ter"


def test_an_office_choice_question_shows_tiles_and_stores_the_key(launch_kiosk):
    import tomllib

    from kiosk import config as office_config

    data = tomllib.loads(office_config.DEMO_CONFIG.read_text(encoding="utf-8"))
    data["kiosk"].update(service="kk", ask_profile=False, ask_comment=False)
    data["questions"] = [{
        "code": "X1", "name": {"id": "Informasi", "en": "Information"},
        "question": {"id": "Dari mana Anda tahu layanan ini?", "en": "How did you hear of this service?"},
        "choices": [{"key": "radio", "id": "Radio", "en": "Radio"},
                    {"key": "teman", "id": "Teman", "en": "A friend"}],
    }]
    config, problems = office_config.check(data)
    assert problems == []
    kiosk = launch_kiosk(config)
    kiosk.tap("welcome", "start")
    answer(kiosk, [4] * 9)
    assert kiosk.session.unsur.code == "X1"
    kiosk.tap("question", "back")
    assert kiosk.session.unsur.code == "U9" and face(kiosk, 4).selected, "the faces come back"
    answer(kiosk, [4])
    tiles = kiosk.widget("question", "answers").children
    assert sorted(t.text for t in tiles) == ["Radio", "Teman"]
    kiosk.finger.tap(next(t for t in tiles if t.key == "teman"))
    kiosk.expect("thanks")
    [response] = pending(kiosk)
    assert response.answers["X1"] == "teman" and response.answers["U9"] == 4
    assert validate_wire(response.to_wire(), config.questionnaire) == []
