"""Read-aloud with real touches: the speaker button plays the current screen's clip through Kivy's audio (SDL's dummy device)."""
from __future__ import annotations

import shutil

import pytest

from kiosk import readaloud
from screens.catalog import t

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                reason="espeak-ng is not installed (scripts/install-system-deps.sh)")


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """The demo office's clips, made once with the real espeak-ng for every test here."""
    from kiosk import config as office_config

    folder = tmp_path_factory.mktemp("audio")
    readaloud.build(office_config.load(office_config.DEMO_CONFIG), t, folder)
    return folder


def speaker(kiosk, screen):
    from screens.speaker import SpeakerButton

    return next(w for w in kiosk.screen(screen).walk() if isinstance(w, SpeakerButton))


def clip(folder, locale, unsur):
    return str(readaloud.clip_for(folder, locale, readaloud.question_script(unsur, locale)))


def test_the_speaker_reads_the_question_and_its_answers_in_the_chosen_language(launch_kiosk, clips):
    kiosk = launch_kiosk(audio_dir=clips)
    voice = kiosk.app.voice
    kiosk.tap("welcome", "lang_en")
    kiosk.tap("welcome", "start")
    kiosk.expect("service")
    kiosk.finger.tap(next(t for t in kiosk.widget("service", "tiles").children if t.key == "kk"))
    kiosk.expect("question")
    button = speaker(kiosk, "question")
    assert button.opacity == 1 and voice.sound is None, "shown, silent until tapped"
    kiosk.finger.tap(button)
    u1 = kiosk.app.office_config.questionnaire.items[0]
    assert voice.sound.source == clip(clips, "en", u1)
    assert voice.sound.state == "play" and voice.playing
    assert button.ids.label.text == "Stop"
    kiosk.finger.tap(button)
    assert voice.sound is None and not voice.playing and button.ids.label.text == "Listen"
    kiosk.finger.tap(button)
    playing = voice.sound
    kiosk.finger.tap(next(b for b in kiosk.widget("question", "answers").children if b.value == 4))
    assert kiosk.session.unsur.code == "U2"
    assert playing.state == "stop" and voice.sound is None, "answering stops the reading"
    kiosk.finger.tap(speaker(kiosk, "question"))
    assert voice.sound.source == clip(clips, "en", kiosk.session.unsur) and voice.sound.state == "play"


def test_every_citizen_screen_with_words_has_its_clip(launch_kiosk, clips, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(ask_profile=True, ask_comment=True), audio_dir=clips)
    voice = kiosk.app.voice
    kiosk.finger.tap(speaker(kiosk, "welcome"))
    welcome = readaloud.script("welcome", "id", demo_config, t)
    assert voice.sound.source == str(readaloud.clip_for(clips, "id", welcome)) and voice.sound.state == "play"
    kiosk.tap("welcome", "start")
    kiosk.expect("service")
    assert voice.sound is None, "a new screen stops the last one's reading"
    for screen in ("service", "question", "profile", "comment"):
        assert kiosk.app.manager.current == screen or screen == "question"
        kiosk.finger.wait_for(lambda: kiosk.app.manager.current == screen, what=screen)
        assert speaker(kiosk, screen).opacity == 1, screen
        if screen == "service":
            kiosk.finger.tap(kiosk.widget("service", "tiles").children[0])
        elif screen == "question":
            for _ in range(9):
                kiosk.finger.tap(kiosk.widget("question", "answers").children[0])
        elif screen == "profile":
            kiosk.tap("profile", "skip")
        else:
            kiosk.tap("comment", "skip")
    kiosk.expect("thanks")
    assert speaker(kiosk, "thanks").opacity == 1


def test_auto_reads_each_question_as_it_appears(launch_kiosk, clips, demo_config):
    kiosk = launch_kiosk(demo_config.with_kiosk(service="kk", read_aloud="auto"), audio_dir=clips)
    voice = kiosk.app.voice
    assert voice.sound is None, "the welcome screen waits for a tap"
    kiosk.tap("welcome", "start")
    kiosk.expect("question")
    questions = kiosk.app.office_config.questionnaire.items
    assert voice.sound.source == clip(clips, "id", questions[0]) and voice.sound.state == "play"
    kiosk.finger.tap(next(b for b in kiosk.widget("question", "answers").children if b.value == 3))
    assert voice.sound.source == clip(clips, "id", questions[1]) and voice.sound.state == "play"


def test_no_button_when_off_or_without_clips(launch_kiosk, clips, demo_config, tmp_path):
    kiosk = launch_kiosk(demo_config.with_kiosk(read_aloud="off"), audio_dir=clips)
    assert speaker(kiosk, "welcome").opacity == 0 and speaker(kiosk, "welcome").width == 0
    kiosk.app.stop()
    kiosk = launch_kiosk(audio_dir=tmp_path / "no-clips-here")
    button = speaker(kiosk, "welcome")
    assert button.opacity == 0 and button.disabled
    kiosk.finger.tap(button)
    assert kiosk.app.voice.sound is None and kiosk.app.manager.current == "welcome"


def test_a_clip_that_cannot_play_says_so(launch_kiosk, clips):
    kiosk = launch_kiosk(audio_dir=clips)
    kiosk.app.voice.load = lambda _path: None  # what SoundLoader gives when SDL has no audio device at all
    button = speaker(kiosk, "welcome")
    kiosk.finger.tap(button)
    assert kiosk.app.voice.failed and not kiosk.app.voice.playing
    assert button.ids.label.text == "Tanpa suara" and button.opacity == 1


def test_the_kiosk_makes_its_own_clips_when_it_starts(launch_kiosk, tmp_path):
    folder = tmp_path / "audio"
    kiosk = launch_kiosk(audio_dir=folder, make_audio=True)
    # Until the build ends the speaker may already show for a screen whose clip is made first: wait for the end.
    kiosk.finger.wait_for(lambda: kiosk.app.voice.shown and kiosk.app.voice._builder.busy == 0, timeout_s=60,
                          what="the speaker button after the build")
    assert len(list(folder.glob("*.wav"))) == 28


def test_a_changed_office_question_gets_its_clip_when_the_config_is_applied(launch_kiosk, clips, tmp_path):
    import tomllib

    from kiosk import config as office_config

    folder = tmp_path / "audio"
    shutil.copytree(clips, folder)
    kiosk = launch_kiosk(audio_dir=folder, make_audio=True)
    kiosk.finger.wait_for(lambda: kiosk.app.voice._builder.busy == 0, timeout_s=60, what="the start-up build")
    data = tomllib.loads(office_config.DEMO_CONFIG.read_text(encoding="utf-8"))
    data["questions"] = [{
        "code": "X1", "name": {"id": "Parkir", "en": "Parking"},
        "question": {"id": "Apakah mudah parkir?", "en": "Was it easy to park?"},
        "choices": [{"key": "ya", "id": "Ya", "en": "Yes"}, {"key": "tidak", "id": "Tidak", "en": "No"}],
    }]
    config, problems = office_config.check(data)
    assert problems == []
    kiosk.app.config_from_collector(config)  # as the sync worker hands over a pulled office config
    x1 = config.questionnaire.unsur("X1")
    made = [(locale, readaloud.question_script(x1, locale)) for locale in ("id", "en")]
    kiosk.finger.wait_for(lambda: all(readaloud.clip_for(folder, *what) for what in made), timeout_s=60,
                          what="the new question's clips")
    assert len(list(folder.glob("*.wav"))) == 28 + 2, "only the new question's two clips were made"


def test_staff_turn_read_aloud_on_and_the_clips_are_made(launch_kiosk, demo_config, data_dir, tmp_path):
    from kiosk import config as office_config
    from test_ui_staff import open_staff

    folder = tmp_path / "audio"
    kiosk = launch_kiosk(demo_config.with_kiosk(read_aloud="off"), audio_dir=folder, make_audio=True)
    assert not kiosk.app.voice.shown and not list(folder.glob("*.wav"))  # "off": nothing made at start
    open_staff(kiosk)
    staff = kiosk.screen("staff")
    assert staff.ids.read_aloud_off.selected and staff.ids.read_aloud_label.text == "Bacakan layar"
    staff.ids.scroll.scroll_to(staff.ids.read_aloud_button, animate=False)
    kiosk.finger.pump(2)
    kiosk.finger.tap(staff.ids.read_aloud_button)
    assert staff.ids.read_aloud_button.selected and not staff.ids.read_aloud_off.selected
    staff.ids.scroll.scroll_to(staff.ids.save, animate=False)
    kiosk.finger.pump(2)
    kiosk.finger.tap(staff.ids.save)
    assert office_config.load(data_dir / "config.toml").kiosk.read_aloud == "button"
    kiosk.tap("staff", "close")
    kiosk.expect("welcome")
    # Saving is a config change: the clips are made off the UI thread and the speaker appears.
    # Until the build ends the speaker may already show for a screen whose clip is made first: wait for the end.
    kiosk.finger.wait_for(lambda: kiosk.app.voice.shown and kiosk.app.voice._builder.busy == 0, timeout_s=60,
                          what="the speaker button after the build")
    assert len(list(folder.glob("*.wav"))) == 28 and speaker(kiosk, "welcome").opacity == 1
    open_staff(kiosk)
    staff.ids.scroll.scroll_to(staff.ids.read_aloud_auto, animate=False)
    kiosk.finger.pump(2)
    kiosk.finger.tap(staff.ids.read_aloud_auto)
    staff.ids.scroll.scroll_to(staff.ids.save, animate=False)
    kiosk.finger.pump(2)
    kiosk.finger.tap(staff.ids.save)
    assert kiosk.app.office_config.kiosk.read_aloud == "auto" and t("read_aloud_auto", "en") == "Automatic"
    assert office_config.load(data_dir / "config.toml").kiosk.read_aloud == "auto"
