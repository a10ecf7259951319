"""Read-aloud audio: what each citizen screen says, made ahead of time with espeak-ng as WAV files.

A clip's file name is a hash of the voice, the speech settings and the text, so a changed question
makes one new clip and the unchanged ones stay; clips no longer wanted are removed. The screens
find a clip by computing the same name from what they show (`clip_for`), so no index file can go
stale. Making audio needs espeak-ng (a Debian package); playing it needs only the WAV files, which
is why they are made here, before a citizen taps the speaker, and never while one waits.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from kiosk.config import Config
from kiosk.errors import UserError
from kiosk.questionnaire import Unsur

log = logging.getLogger(__name__)

ESPEAK = "espeak-ng"
# espeak-ng's voice per kiosk language; a language without one simply has no read-aloud.
VOICES = {"id": "id", "en": "en"}
# Slower than espeak's 175 words a minute: the listener may read slowly or hear poorly.
SPEECH_ARGS = ("-s", "140", "-g", "4")
FOLDER = "audio"

# The catalog keys (screens/catalog.py) each citizen screen reads out; the question screen reads
# its unsur and the service screen its services besides. The texts come in through `t` so that
# this core module never reaches into screens/.
SCREEN_KEYS: dict[str, tuple[str, ...]] = {
    "welcome": ("welcome_title", "welcome_body", "start"),
    "service": ("service_title",),
    "question": (),
    "profile": ("profile_title", "profile_body"),
    "comment": ("comment_title", "comment_body"),
    "thanks": ("thanks_title", "thanks_body"),
}

Translate = Callable[[str, str], str]  # (catalog key, locale) -> text
_CLIP_NAME = re.compile(r"^[0-9a-f]{32}\.wav$")


class AudioUnavailable(UserError):
    """espeak-ng is missing or failed: no new audio can be made (what exists still plays)."""

    exit_code = 1


@dataclass(frozen=True)
class Built:
    """What one build did: clips made, clips already there, stale clips removed."""

    made: int
    kept: int
    removed: int
    folder: Path

    def __str__(self) -> str:
        return f"{self.made} made, {self.kept} already there, {self.removed} removed in {self.folder}"


def audio_dir(data_dir: Path) -> Path:
    return Path(data_dir) / FOLDER


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".?!:" else text + "."


def question_script(unsur: Unsur, locale: str) -> str:
    """The question, then its answers as the screen shows them, left (worst) to right (best)."""
    answers = [label(locale) for label in unsur.labels] if unsur.scored else [text(locale) for _, text in unsur.choices]
    return " ".join(_sentence(part) for part in [unsur.question(locale), *answers])


def script(screen: str, locale: str, config: Config, t: Translate, unsur: Unsur | None = None) -> str:
    """What the speaker button on `screen` says in `locale` ("" when that screen has nothing to say)."""
    if screen == "question":
        return question_script(unsur, locale) if unsur is not None else ""
    parts = [t(key, locale) for key in SCREEN_KEYS.get(screen, ())]
    if screen == "service":
        parts += [service.name(locale) for service in config.services]
    return " ".join(_sentence(part) for part in parts)


def scripts(config: Config, t: Translate) -> list[tuple[str, str]]:
    """Every (locale, text) the kiosk may read out with this office config, in each of its languages."""
    wanted: list[tuple[str, str]] = []
    for locale in config.kiosk.locales:
        for screen in SCREEN_KEYS:
            if screen == "question":
                wanted += [(locale, question_script(u, locale)) for u in config.questionnaire.items]
            else:
                wanted.append((locale, script(screen, locale, config, t)))
    return [(locale, text) for locale, text in dict.fromkeys(wanted) if text]


def clip_name(locale: str, text: str) -> str | None:
    """The clip's file name: a hash of voice, settings and text (None for a language without a voice)."""
    voice = VOICES.get(locale)
    if voice is None or not text:
        return None
    key = "\0".join([voice, *SPEECH_ARGS, text])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + ".wav"


def clip_for(folder: Path, locale: str, text: str) -> Path | None:
    """The made clip for this text, or None when there is none (not built yet, or no voice)."""
    name = clip_name(locale, text)
    if name is None:
        return None
    path = Path(folder) / name
    return path if path.is_file() else None


def available(espeak: str = ESPEAK) -> bool:
    return shutil.which(espeak) is not None


def wav_seconds(path: Path) -> float:
    """The duration of a WAV file; raises wave.Error or EOFError for a file that is not one."""
    with wave.open(str(path), "rb") as clip:
        return clip.getnframes() / clip.getframerate()


def speak_to_file(text: str, locale: str, path: Path, *, espeak: str = ESPEAK, timeout_s: float = 60) -> None:
    """One clip: espeak-ng writes a WAV beside `path`, which replaces `path` only once it is whole and valid."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        done = subprocess.run([espeak, "-v", VOICES[locale], *SPEECH_ARGS, "-w", str(tmp), "--", text],
                              capture_output=True, text=True, timeout=timeout_s)
        if done.returncode != 0:
            why = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[0]
            raise AudioUnavailable(f"espeak-ng could not speak {locale!r} text: {why}.")
        try:
            if wav_seconds(tmp) <= 0:
                raise AudioUnavailable(f"espeak-ng made an empty clip for {text[:40]!r}.")
        except (wave.Error, EOFError) as exc:
            raise AudioUnavailable(f"espeak-ng made no valid WAV file ({exc}).") from None
        os.replace(tmp, path)
    except subprocess.TimeoutExpired:
        raise AudioUnavailable(f"espeak-ng took more than {timeout_s:g} s for one clip.") from None
    finally:
        tmp.unlink(missing_ok=True)


def build(config: Config, t: Translate, folder: Path, *, espeak: str = ESPEAK, prune: bool = True) -> Built:
    """Make the clips this config needs that are missing; remove the ones it no longer needs."""
    wanted = {clip_name(locale, text): (locale, text) for locale, text in scripts(config, t)}
    wanted.pop(None, None)
    folder = Path(folder)
    missing = {name: what for name, what in wanted.items() if not (folder / name).is_file()}
    if missing and not available(espeak):
        raise AudioUnavailable("espeak-ng is not installed, so no read-aloud audio can be made "
                               "(install the Debian package espeak-ng).")
    folder.mkdir(parents=True, exist_ok=True)
    for name, (locale, text) in missing.items():
        speak_to_file(text, locale, folder / name, espeak=espeak)
    removed = 0
    if prune:
        for stale in _clips(folder):
            if stale.name not in wanted:
                stale.unlink(missing_ok=True)
                removed += 1
    log.info("read-aloud audio: %d made, %d kept, %d removed", len(missing), len(wanted) - len(missing), removed)
    return Built(made=len(missing), kept=len(wanted) - len(missing), removed=removed, folder=folder)


def _clips(folder: Path) -> Iterable[Path]:
    return [p for p in folder.iterdir() if _CLIP_NAME.match(p.name)] if folder.is_dir() else []
