"""Read-aloud audio made with the real espeak-ng: valid WAV clips, made once, remade only when a text changes."""
from __future__ import annotations

import shutil
import tomllib

import pytest

from kiosk import config as office_config, readaloud
from kiosk.cli import main
from kiosk.questionnaire import SKM_2017
from screens.catalog import t

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng is not installed (scripts/install-system-deps.sh)")


def with_own_question(question_id: str) -> office_config.Config:
    data = tomllib.loads(office_config.DEMO_CONFIG.read_text(encoding="utf-8"))
    data["questions"] = [{
        "code": "X1", "name": {"id": "Parkir", "en": "Parking"},
        "question": {"id": question_id, "en": "Was it easy to park?"},
        "labels": [{"id": w, "en": e} for w, e in (("Sulit", "Hard"), ("Agak sulit", "Rather hard"),
                                                    ("Mudah", "Easy"), ("Sangat mudah", "Very easy"))],
    }]
    config, problems = office_config.check(data)
    assert problems == []
    return config


def test_a_question_is_read_with_its_four_answers_in_the_chosen_language():
    u1 = SKM_2017.items[0]
    spoken = readaloud.question_script(u1, "id")
    assert spoken.startswith(u1.question("id"))
    assert spoken.endswith("Tidak sesuai. Kurang sesuai. Sesuai. Sangat sesuai.")
    english = readaloud.question_script(u1, "en")
    assert english.startswith("How well did the requirements fit") and english.endswith("Very suitable.")
    assert readaloud.clip_name("id", spoken) != readaloud.clip_name("en", spoken), "the voice is part of the key"


def test_every_citizen_screen_has_a_script_in_each_language(demo_config):
    for locale in ("id", "en"):
        for screen in ("welcome", "service", "profile", "comment", "thanks"):
            assert readaloud.script(screen, locale, demo_config, t), (screen, locale)
    assert "Kartu Keluarga" in readaloud.script("service", "id", demo_config, t)
    assert t("welcome_title", "en") in readaloud.script("welcome", "en", demo_config, t)


@needs_espeak
def test_build_makes_valid_clips_then_hits_the_cache(demo_config, tmp_path):
    folder = tmp_path / "audio"
    first = readaloud.build(demo_config, t, folder)
    wanted = readaloud.scripts(demo_config, t)
    assert first.made == len(wanted) == 2 * (9 + 5) and first.kept == 0
    for locale, text in wanted:
        clip = readaloud.clip_for(folder, locale, text)
        assert clip is not None, (locale, text)
        assert readaloud.wav_seconds(clip) > 1.0, "a whole sentence lasts more than a second"
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    again = readaloud.build(demo_config, t, folder)
    assert (again.made, again.kept, again.removed) == (0, len(wanted), 0)
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps, "nothing was rewritten"


@needs_espeak
def test_a_changed_question_remakes_only_its_own_clip(tmp_path):
    folder = tmp_path / "audio"
    before = with_own_question("Apakah mudah parkir?")
    readaloud.build(before, t, folder)
    after = with_own_question("Apakah mudah mencari tempat parkir?")
    changed = readaloud.build(after, t, folder)
    assert (changed.made, changed.removed) == (1, 1), "only the Indonesian text of X1 changed"
    x1 = after.questionnaire.unsur("X1")
    assert readaloud.clip_for(folder, "id", readaloud.question_script(x1, "id")) is not None
    old = before.questionnaire.unsur("X1")
    assert readaloud.clip_for(folder, "id", readaloud.question_script(old, "id")) is None


def test_without_espeak_nothing_is_made_and_the_reason_is_one_sentence(demo_config, tmp_path):
    with pytest.raises(readaloud.AudioUnavailable, match="espeak-ng is not installed"):
        readaloud.build(demo_config, t, tmp_path / "audio", espeak="no-such-espeak-here")
    assert not (tmp_path / "audio").exists()


@needs_espeak
def test_kiosk_audio_build_reports_made_then_kept(tmp_path, capsys):
    assert main(["audio", "build", "--data-dir", str(tmp_path)]) == 0
    assert "28 made, 0 already there" in capsys.readouterr().out
    assert main(["audio", "build", "--data-dir", str(tmp_path)]) == 0
    assert "0 made, 28 already there" in capsys.readouterr().out


def test_kiosk_audio_build_without_espeak_exits_non_zero(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert main(["audio", "build", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("kiosk audio: espeak-ng is not installed") and "\n" not in err


def test_read_aloud_setting_is_checked(demo_config):
    data = office_config.to_data(demo_config)
    assert "read_aloud" not in data["kiosk"]  # the default is not written (kiosks older than it refuse it)
    assert office_config.check(data)[0].kiosk.read_aloud == "button"
    data["kiosk"]["read_aloud"] = "loud"
    _, problems = office_config.check(data)
    assert [(p.key, p.found) for p in problems] == [("kiosk.read_aloud", "loud")]
    assert '"off" or "button" or "auto"' in str(problems[0])
