"""Starting the kiosk UI: the collector's and the reports' libraries stay out; screens are built when needed."""
from __future__ import annotations

import json
import subprocess
import sys

# Libraries of the collector, the reports and the exports: a kiosk never needs them to show a survey.
NOT_FOR_THE_KIOSK = ("collector", "reportlab", "openpyxl", "sqlalchemy", "psycopg", "qrcode", "PIL", "jinja2")

SHOW_MODULES = """
import json, sys
from kiosk.cli import main
code = main(sys.argv[1:])
print(json.dumps(sorted(sys.modules)))
sys.exit(code)
"""


def test_a_survey_on_the_kiosk_loads_no_collector_or_report_library(tmp_path):
    done = subprocess.run([sys.executable, "-c", SHOW_MODULES, "autoplay", "--count", "1", "--seed", "3",
                           "--offscreen", "--size", "400x250", "--data-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"screens.question", "screens.thanks", "kivy.core.window"} <= set(loaded), "the survey ran on the UI"
    assert [name for name in loaded if name.split(".")[0] in NOT_FOR_THE_KIOSK] == []


def test_a_screen_not_built_yet_is_built_when_it_is_first_shown(launch_kiosk):
    from screens.lazy import LazyScreens

    launch_kiosk()  # the screens' rules read the running app

    manager = LazyScreens([("thanks", "screens.thanks:ThanksScreen"), ("saving", "screens.saving:SavingScreen")])
    assert manager.screens == [] and manager.has_screen("saving")
    manager.current = "saving"
    assert [screen.name for screen in manager.screens] == ["saving"] and manager.current_screen.name == "saving"
    assert manager.pending == ["thanks"]
    assert manager.build_next() is False and manager.pending == []
    assert manager.get_screen("thanks").name == "thanks" and len(manager.screens) == 2


def test_the_other_screens_are_built_one_per_frame_after_the_first(launch_kiosk):
    kiosk = launch_kiosk()
    assert kiosk.app.manager.current == "welcome"
    built = {len(kiosk.app.manager.screens)}
    kiosk.finger.wait_for(lambda: built.add(len(kiosk.app.manager.screens)) or not kiosk.app.manager.pending,
                          what="every screen built")
    assert sorted(screen.name for screen in kiosk.app.manager.screens) == sorted(
        ["welcome", "service", "question", "profile", "comment", "saving", "thanks", "pin", "staff"])
    assert len(built) > 2, "built over several frames, not all at once"
