"""`kiosk audio build [--config F]`: make the read-aloud clips of every citizen screen with espeak-ng."""
from __future__ import annotations

from kiosk import config as office_config, paths, readaloud


def register(sub, common) -> None:
    parser = sub.add_parser("audio", help="read-aloud audio for the citizen screens", parents=[common])
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = actions.add_parser(
        "build", parents=[common],
        help="make the missing read-aloud clips (espeak-ng, Indonesian and English) and remove stale ones",
        description="Speaks every question with its four answers, and the other citizen screens, in each of the "
                    "kiosk's languages into WAV files in the data dir's audio/ folder. A clip is named by a hash of "
                    "its text and voice: unchanged texts are not made again.")
    build.add_argument("--config", help="office config (default: the data dir's, else the demo office)")
    build.set_defaults(run=run_build)


def run_build(args) -> int:
    root = paths.data_dir(args.data_dir)
    config = office_config.load(args.config) if args.config else office_config.load_for(root)
    from screens.catalog import t  # the screens' texts (no Kivy in the catalog)

    built = readaloud.build(config, t, readaloud.audio_dir(root))
    mode = "" if config.kiosk.read_aloud != "off" else " (read_aloud is \"off\" in this config: the kiosk shows no button)"
    print(f"read-aloud audio: {built}{mode}")
    return 0
