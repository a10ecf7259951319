"""`kiosk screenshot --out DIR [--locale L]`: a PNG of every screen, staff screens included."""
from __future__ import annotations

import sys
from pathlib import Path

from kiosk import config as office_config, paths, readaloud
from kiosk.errors import UserError
from kiosk.questionnaire import LOCALES


def register(sub, common) -> None:
    parser = sub.add_parser("screenshot", parents=[common], help="write a PNG of every kiosk screen")
    parser.add_argument("--out", required=True, help="folder for the PNG files (created if missing)")
    parser.add_argument("--locale", choices=LOCALES, help="one language only (default: every language)")
    parser.add_argument("--config", help="office config (default: the data dir's, else the demo office)")
    parser.add_argument("--size", default="1280x800", help="window size WIDTHxHEIGHT (default 1280x800)")
    parser.add_argument("--large-text", action="store_true",
                        help="the survey with the welcome screen's large text switched on (files <locale>-large-*.png)")
    parser.set_defaults(run=run)


def window_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise UserError(f"--size must look like 1280x800, not {text!r}.") from None
    if not (320 <= width <= 7680 and 240 <= height <= 4320):
        raise UserError(f"--size {text} is outside 320x240 .. 7680x4320.")
    return width, height


def run(args) -> int:
    root = paths.data_dir(args.data_dir)
    config = office_config.load(args.config) if args.config else office_config.load_for(root)
    size = window_size(args.size)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {out}: {exc.strerror}.") from None
    locales = [args.locale] if args.locale else list(config.kiosk.locales)
    if args.locale and args.locale not in config.kiosk.locales:
        config = config.with_kiosk(locales=tuple(config.kiosk.locales) + (args.locale,))

    audio = readaloud.audio_dir(root)
    from screens.catalog import t  # no Kivy in the catalog

    try:  # the speaker button shows only where a clip exists: make them first (cheap when they are there)
        readaloud.build(config, t, audio)
    except readaloud.AudioUnavailable as exc:
        print(f"kiosk screenshot: the pictures show no speaker button: {exc}", file=sys.stderr)
    from screens import boot

    boot.prepare(offscreen=True, size=size, maxfps=0, kivy_home=root / "kivy")
    from screens import driven, shots
    from screens.finger import Finger

    written = []
    for locale in locales:
        with driven.scratch_queue() as (queue, scratch):
            held: list = []
            app = driven.scripted_app(config, queue, scratch, wrap_queue=lambda q: held.append(shots.HeldQueue(q))
                                      or held[0], audio_dir=audio)
            with driven.running(app):
                written += shots.save_all(app, held[0], Finger(app.flow.clock, think_s=1.0), out, locale,
                                          large=args.large_text)
    for path in written:
        print(path)
    return 0
